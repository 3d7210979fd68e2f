//===- LinearGradTest.cpp - linear_grad_{input,weight,bias} ---------------===//
//
// 1. The double references of GradReference.h against central differences of
//    L = sum r * linear(x, w, b) evaluated in double: L is linear in every
//    operand, so the differences are exact up to rounding (~1e-16 |L| / h
//    with h = 1e-6); 1e-6 of the largest gradient is ample.
// 2. The f32 kernels against the references. A float sum of K products in
//    any order (sgemm, slabs) is within gamma_K sum |terms| of the exact sum,
//    gamma_K = K u / (1 - K u), u = 2^-24; we allow (K + 2) u sum|terms| * 1.01
//    plus u |ref| for the final rounding: a rigorous bound. grad_bias sums in
//    double, so it is within ~u |ref| (we allow 4 u |ref| + 1e-30).
// 3. Bitwise equality across 1, 2 and 3 threads on shapes with several
//    blocks and slabs.
//
//===----------------------------------------------------------------------===//
#include "runtime/kernels/cpu/grad/LinearGrad.h"
#include "TrainingTestSupport.h"
#include "runtime/kernels/cpu/grad/GradReference.h"

#include <gtest/gtest.h>

using namespace shodh;
using namespace shodh::testing;
namespace ref = shodh::reference;

namespace {

constexpr double kU = 1.0 / 16777216.0; // 2^-24

/// A linear problem: x's shape, the channel axis, Cout.
struct GradCase {
  std::vector<int64_t> xShape;
  int64_t axis;
  int64_t cout;
};

/// [outer, cin, inner] of a case.
void splitCase(const GradCase &c, int64_t &outer, int64_t &cin,
               int64_t &inner) {
  outer = 1, inner = 1, cin = c.xShape[c.axis];
  for (size_t d = 0; d < c.xShape.size(); ++d)
    if (int64_t(d) < c.axis)
      outer *= c.xShape[d];
    else if (int64_t(d) > c.axis)
      inner *= c.xShape[d];
}

/// y's shape: x's with Cout at the axis.
std::vector<int64_t> yShape(const GradCase &c) {
  std::vector<int64_t> s = c.xShape;
  s[c.axis] = c.cout;
  return s;
}

/// L = sum r * (w x + b) in double.
double linearLoss(const std::vector<double> &x, const std::vector<double> &w,
                  const std::vector<double> &b, const std::vector<double> &r,
                  int64_t outer, int64_t cin, int64_t cout, int64_t inner) {
  double loss = 0.0;
  for (int64_t n = 0; n < outer; ++n)
    for (int64_t o = 0; o < cout; ++o)
      for (int64_t s = 0; s < inner; ++s) {
        double y = b[o];
        for (int64_t i = 0; i < cin; ++i)
          y += w[o * cin + i] * x[(n * cin + i) * inner + s];
        loss += r[(n * cout + o) * inner + s] * y;
      }
  return loss;
}

class LinearGradCases : public ::testing::TestWithParam<GradCase> {};

TEST_P(LinearGradCases, ReferencesMatchFiniteDifferences) {
  const GradCase &c = GetParam();
  int64_t outer, cin, inner;
  splitCase(c, outer, cin, inner);
  HostTensor xt = randomTensor(DType::F32, c.xShape, 1),
             wt = randomTensor(DType::F32, {c.cout, cin}, 2),
             bt = randomTensor(DType::F32, {c.cout}, 3),
             rt = randomTensor(DType::F32, yShape(c), 4);
  std::vector<double> x = realsOf(xt), w = realsOf(wt), b = realsOf(bt),
                      r = realsOf(rt);
  auto loss = [&] { return linearLoss(x, w, b, r, outer, cin, c.cout, inner); };
  expectMatchesFiniteDifferences(
      x, ref::linearGradInput(r.data(), w.data(), outer, c.cout, cin, inner),
      loss, "dx");
  expectMatchesFiniteDifferences(
      w, ref::linearGradWeight(x.data(), r.data(), outer, cin, c.cout, inner),
      loss, "dw");
  expectMatchesFiniteDifferences(
      b, ref::linearGradBias(r.data(), outer, c.cout, inner), loss, "db");
}

/// Expects |got - want| <= (K + 2) u mag 1.01 + u |want| elementwise.
void expectWithinDotBound(const HostTensor &got,
                          const std::vector<double> &want,
                          const std::vector<double> &mag, int64_t k,
                          const char *what) {
  for (size_t j = 0; j < want.size(); ++j)
    ASSERT_NEAR(got.f32()[j], want[j],
                (k + 2) * kU * mag[j] * 1.01 + kU * std::fabs(want[j]))
        << what << " element " << j;
}

/// |v| elementwise, as floats.
std::vector<float> absolute(const HostTensor &t) {
  std::vector<float> a(t.f32(), t.f32() + t.numel());
  for (float &v : a)
    v = std::fabs(v);
  return a;
}

TEST_P(LinearGradCases, KernelsMatchReferences) {
  const GradCase &c = GetParam();
  int64_t outer, cin, inner;
  splitCase(c, outer, cin, inner);
  HostTensor x = randomTensor(DType::F32, c.xShape, 5),
             w = randomTensor(DType::F32, {c.cout, cin}, 6),
             dy = randomTensor(DType::F32, yShape(c), 7);
  HostTensor dx(DType::F32, c.xShape), dw(DType::F32, {c.cout, cin}),
      db(DType::F32, {c.cout});
  std::vector<NamedAttr> attrs = {{"axis", c.axis}};
  runKernel("linear_grad_input", attrs, {&dy, &w}, {&dx}, 2);
  runKernel("linear_grad_weight", attrs, {&x, &dy}, {&dw}, 2);
  runKernel("linear_grad_bias", attrs, {&dy}, {&db}, 2);
  std::vector<float> ax = absolute(x), aw = absolute(w), ady = absolute(dy);
  expectWithinDotBound(
      dx, ref::linearGradInput(dy.f32(), w.f32(), outer, c.cout, cin, inner),
      ref::linearGradInput(ady.data(), aw.data(), outer, c.cout, cin, inner),
      c.cout, "dx");
  expectWithinDotBound(
      dw, ref::linearGradWeight(x.f32(), dy.f32(), outer, cin, c.cout, inner),
      ref::linearGradWeight(ax.data(), ady.data(), outer, cin, c.cout, inner),
      outer * inner, "dw");
  std::vector<double> dbRef =
      ref::linearGradBias(dy.f32(), outer, c.cout, inner);
  for (int64_t o = 0; o < c.cout; ++o)
    ASSERT_NEAR(db.f32()[o], dbRef[o], 4 * kU * std::fabs(dbRef[o]) + 1e-30);
}

INSTANTIATE_TEST_SUITE_P(
    Shapes, LinearGradCases,
    ::testing::Values(GradCase{{2, 3, 5}, 1, 4},    // channels in the middle
                      GradCase{{3, 2, 4}, 2, 3},    // channels last (S = 1)
                      GradCase{{3, 2, 2}, 0, 2},    // channels first
                      GradCase{{2, 3, 2, 3}, 1, 1}, // two spatial dims, Cout 1
                      GradCase{{4, 1, 3}, 1, 2}),   // Cin 1
    [](const auto &info) {
      std::string name = "x";
      for (int64_t n : info.param.xShape)
        name += "_" + std::to_string(n);
      return name + "_axis" + std::to_string(info.param.axis) + "_cout" +
             std::to_string(info.param.cout);
    });

/// Runs the three kernels on `threads` threads.
void runAll(const GradCase &c, const HostTensor &x, const HostTensor &w,
            const HostTensor &dy, HostTensor &dx, HostTensor &dw,
            HostTensor &db, int threads) {
  std::vector<NamedAttr> attrs = {{"axis", c.axis}};
  runKernel("linear_grad_input", attrs, {&dy, &w}, {&dx}, threads);
  runKernel("linear_grad_weight", attrs, {&x, &dy}, {&dw}, threads);
  runKernel("linear_grad_bias", attrs, {&dy}, {&db}, threads);
}

/// Bitwise equality of all three gradients for 1, 2 and 3 threads.
void checkDeterminism(const GradCase &c) {
  int64_t outer, cin, inner;
  splitCase(c, outer, cin, inner);
  HostTensor x = randomTensor(DType::F32, c.xShape, 8),
             w = randomTensor(DType::F32, {c.cout, cin}, 9),
             dy = randomTensor(DType::F32, yShape(c), 10);
  HostTensor dx1(DType::F32, c.xShape), dw1(DType::F32, {c.cout, cin}),
      db1(DType::F32, {c.cout});
  runAll(c, x, w, dy, dx1, dw1, db1, 1);
  for (int threads : {2, 3}) {
    HostTensor dx(DType::F32, c.xShape), dw(DType::F32, {c.cout, cin}),
        db(DType::F32, {c.cout});
    runAll(c, x, w, dy, dx, dw, db, threads);
    expectBitIdentical(dx, dx1, "dx");
    expectBitIdentical(dw, dw1, "dw");
    expectBitIdentical(db, db1, "db");
  }
}

// A third input of linear_grad_input (the fused add of two input gradients)
// is added to dx: the GEMM accumulates onto it (beta = 1), so the result is
// dx + acc up to the order of roundings.
TEST_P(LinearGradCases, AccumulateAddsTheThirdInput) {
  const GradCase &c = GetParam();
  int64_t outer, cin, inner;
  splitCase(c, outer, cin, inner);
  HostTensor w = randomTensor(DType::F32, {c.cout, cin}, 16),
             dy = randomTensor(DType::F32, yShape(c), 17),
             acc = randomTensor(DType::F32, c.xShape, 18);
  HostTensor dx(DType::F32, c.xShape), sum(DType::F32, c.xShape);
  std::vector<NamedAttr> attrs = {{"axis", c.axis}};
  runKernel("linear_grad_input", attrs, {&dy, &w}, {&dx}, 2);
  for (int threads : {1, 3}) {
    runKernel("linear_grad_input", attrs, {&dy, &w, &acc}, {&sum}, threads);
    for (int64_t k = 0; k < dx.numel(); ++k) {
      double want = double(dx.f32()[k]) + acc.f32()[k];
      double tol = 4 * kU * (std::fabs(dx.f32()[k]) + std::fabs(acc.f32()[k])) +
                   64 * kU * c.cout;
      ASSERT_NEAR(sum.f32()[k], want, tol) << "element " << k;
    }
  }
}

TEST(LinearGrad, BitIdenticalForAnyThreadCountColumnBlocks) {
  // 3 x 4 column blocks of 512 = 12 units, fewer than kLinearGradSlabs.
  checkDeterminism({{3, 5, 1800}, 1, 6});
}

TEST(LinearGrad, BitIdenticalForAnyThreadCountRowBlocks) {
  // 3000 rows = 24 row blocks of 128, cut into 16 slabs.
  checkDeterminism({{3000, 7}, 1, 5});
}

/// linear_grad_params: dw bit for bit linear_grad_weight's (the same GEMMs
/// in the same slabs), db linear_grad_bias's up to its double sums' order
/// (rounded to float: equal but for a last-bit tie), both bitwise the same
/// for 1 to 3 threads.
void checkParams(const GradCase &c) {
  int64_t outer, cin, inner;
  splitCase(c, outer, cin, inner);
  HostTensor x = randomTensor(DType::F32, c.xShape, 19),
             dy = randomTensor(DType::F32, yShape(c), 20);
  std::vector<NamedAttr> attrs = {{"axis", c.axis}};
  HostTensor dw(DType::F32, {c.cout, cin}), db(DType::F32, {c.cout});
  runKernel("linear_grad_weight", attrs, {&x, &dy}, {&dw}, 2);
  runKernel("linear_grad_bias", attrs, {&dy}, {&db}, 2);
  HostTensor pw1(DType::F32, {c.cout, cin}), pb1(DType::F32, {c.cout});
  runKernel("linear_grad_params", attrs, {&x, &dy}, {&pw1, &pb1}, 1);
  expectBitIdentical(pw1, dw, "params dw");
  for (int64_t o = 0; o < c.cout; ++o)
    ASSERT_NEAR(pb1.f32()[o], db.f32()[o], 2 * kU * std::fabs(db.f32()[o])) << "db " << o;
  for (int threads : {2, 3}) {
    HostTensor pw(DType::F32, {c.cout, cin}), pb(DType::F32, {c.cout});
    runKernel("linear_grad_params", attrs, {&x, &dy}, {&pw, &pb}, threads);
    expectBitIdentical(pw, pw1, "params dw, " + std::to_string(threads) + " threads");
    expectBitIdentical(pb, pb1, "params db, " + std::to_string(threads) + " threads");
  }
}

TEST_P(LinearGradCases, ParamsFormEqualsWeightAndBias) { checkParams(GetParam()); }

TEST(LinearGrad, ParamsFormOverSlabs) {
  checkParams({{3, 5, 1800}, 1, 6}); // 12 column-block units
  checkParams({{6, 5, 3000}, 1, 6}); // 36 column-block units in 16 slabs
  checkParams({{3000, 7}, 1, 5});    // 24 row blocks in 16 slabs
}

// No input channels (dw empty) or no output channels: the bias gradient
// is still dy's sums, the weight gradient empty or absent.
TEST(LinearGrad, ParamsFormWithoutChannels) {
  HostTensor x(DType::F32, {2, 0, 600}), dy = randomTensor(DType::F32, {2, 3, 600}, 21);
  HostTensor dw(DType::F32, {3, 0}), db(DType::F32, {3}), ref(DType::F32, {3});
  runKernel("linear_grad_params", {{"axis", int64_t(1)}}, {&x, &dy}, {&dw, &db}, 2);
  runKernel("linear_grad_bias", {{"axis", int64_t(1)}}, {&dy}, {&ref}, 2);
  for (int64_t o = 0; o < 3; ++o)
    EXPECT_NEAR(db.f32()[o], ref.f32()[o], 2 * kU * std::fabs(ref.f32()[o])) << o;
  HostTensor x2 = randomTensor(DType::F32, {2, 4, 600}, 22), dy2(DType::F32, {2, 0, 600});
  HostTensor dw2(DType::F32, {0, 4}), db2(DType::F32, {0});
  runKernel("linear_grad_params", {{"axis", int64_t(1)}}, {&x2, &dy2}, {&dw2, &db2}, 2);
}

TEST(LinearGrad, EmptyReductionGivesZeroWeightGradient) {
  HostTensor x(DType::F32, {0, 3, 4}), dy(DType::F32, {0, 2, 4});
  HostTensor dw = randomTensor(DType::F32, {2, 3}, 11);
  runKernel("linear_grad_weight", {{"axis", int64_t(1)}}, {&x, &dy}, {&dw}, 2);
  for (int64_t j = 0; j < dw.numel(); ++j)
    EXPECT_EQ(dw.f32()[j], 0.0f);
  HostTensor pw = randomTensor(DType::F32, {2, 3}, 12), pb = randomTensor(DType::F32, {2}, 13);
  runKernel("linear_grad_params", {{"axis", int64_t(1)}}, {&x, &dy}, {&pw, &pb}, 2);
  for (int64_t j = 0; j < pw.numel(); ++j)
    EXPECT_EQ(pw.f32()[j], 0.0f);
  for (int64_t j = 0; j < pb.numel(); ++j)
    EXPECT_EQ(pb.f32()[j], 0.0f);
}

} // namespace
