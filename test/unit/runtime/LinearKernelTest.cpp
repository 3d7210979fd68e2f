//===- LinearKernelTest.cpp - Blocked sgemm linear vs the naive reference -===//
//
// Tolerance: the reference accumulates in double, so it is the exact result
// up to its final rounding. A float dot product of K terms (any summation
// order, as BLAS may use) has error at most gamma_K * sum_i |w_i x_i| with
// gamma_K = K u / (1 - K u), u = 2^-24; adding the bias and rounding the
// reference add a few more u (|y| + |b|). We allow
//   (K + 2) u (sum |w x| + |b|) * 1.01 + u |ref|,
// a rigorous bound, so the comparison never fails by chance.
//
//===----------------------------------------------------------------------===//
#include "CpuKernelHarness.h"
#include "runtime/kernels/cpu/Linear.h"
#include "runtime/kernels/cpu/Reference.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <tuple>

using namespace shodh;
using namespace shodh::testing;

namespace {

constexpr double kU = 1.0 / 16777216.0; // 2^-24, unit roundoff of f32

/// One linear problem: x's shape, the channel axis, Cout, bias or not.
struct LinearCase {
  std::vector<int64_t> xShape;
  int64_t axis;
  int64_t cout;
  bool bias;
};

/// Output shape: x's with Cout at the axis.
std::vector<int64_t> outShape(const LinearCase &c) {
  std::vector<int64_t> s = c.xShape;
  s[c.axis] = c.cout;
  return s;
}

/// Operands of a case, filled from `seed`.
struct LinearOperands {
  HostTensor x, w, b;
  explicit LinearOperands(const LinearCase &c, uint32_t seed)
      : x(DType::F32, c.xShape), w(DType::F32, {c.cout, c.xShape[c.axis]}),
        b(DType::F32, {c.cout}) {
    x.fillUniform(seed), w.fillUniform(seed + 1), b.fillUniform(seed + 2);
  }
};

/// Runs the kernel on `threads` threads and returns y.
HostTensor runLinear(const LinearCase &c, const LinearOperands &ops,
                     int threads) {
  HostTensor y(DType::F32, outShape(c));
  std::vector<const HostTensor *> ins = {&ops.x, &ops.w};
  if (c.bias)
    ins.push_back(&ops.b);
  runKernel("linear", {{"axis", c.axis}}, ins, {&y}, threads);
  return y;
}

/// Compares y with the reference under the bound of the file comment.
void expectMatchesReference(const LinearCase &c, const LinearOperands &ops,
                            const HostTensor &y) {
  int64_t outer = 1, inner = 1, cin = c.xShape[c.axis];
  for (int64_t d = 0; d < c.axis; ++d)
    outer *= c.xShape[d];
  for (size_t d = c.axis + 1; d < c.xShape.size(); ++d)
    inner *= c.xShape[d];
  HostTensor ref(DType::F32, outShape(c));
  const float *b = c.bias ? ops.b.f32() : nullptr;
  reference::linear(ops.x.f32(), ops.w.f32(), b, ref.f32(), outer, cin, c.cout,
                    inner);
  for (int64_t n = 0; n < outer; ++n)
    for (int64_t o = 0; o < c.cout; ++o)
      for (int64_t s = 0; s < inner; ++s) {
        double mag = b ? std::abs(b[o]) : 0.0;
        for (int64_t i = 0; i < cin; ++i)
          mag += std::abs(double(ops.w.f32()[o * cin + i]) *
                          ops.x.f32()[(n * cin + i) * inner + s]);
        int64_t k = (n * c.cout + o) * inner + s;
        double tol = (cin + 2) * kU * mag * 1.01 + kU * std::abs(ref.f32()[k]);
        ASSERT_NEAR(y.f32()[k], ref.f32()[k], tol)
            << "n " << n << " o " << o << " s " << s;
      }
}

const std::vector<LinearCase> kCases = {
    {{3, 5, 7}, 1, 4, true}, // channels-first, small
    {{2, 3, 4, 300},
     1,
     6,
     true}, // S = 1200: column blocks of 512 plus a remainder
    {{2, 3, 4, 300}, 1, 6, false}, // no bias
    {{300, 17},
     1,
     9,
     true}, // channels last (S = 1): row blocks of 128 + remainder
    {{2, 150, 13}, 2, 5, false}, // channels last, rank 3
    {{6, 9}, 0, 3, true},        // axis 0: outer = 1
    {{4, 5, 3, 2}, 2, 7, true},  // axis 2 in the middle
    {{1, 1, 1}, 1, 1, true},     // degenerate sizes
    {{3, 64, 33}, 1, 1, false},  // Cout = 1
};

TEST(LinearKernel, MatchesReference) {
  uint32_t seed = 100;
  for (const LinearCase &c : kCases) {
    LinearOperands ops(c, seed += 10);
    for (int threads : {1, 2, 3}) {
      HostTensor y = runLinear(c, ops, threads);
      expectMatchesReference(c, ops, y);
      if (HasFatalFailure())
        FAIL() << "case with axis " << c.axis << ", threads " << threads;
    }
  }
}

TEST(LinearKernel, BitIdenticalForEveryThreadCount) {
  // Blocks depend on shapes only (Linear.h), so threads never change results.
  for (const LinearCase &c : kCases) {
    LinearOperands ops(c, 7);
    HostTensor y1 = runLinear(c, ops, 1);
    for (int threads : {2, 4}) {
      HostTensor yt = runLinear(c, ops, threads);
      EXPECT_EQ(std::memcmp(y1.f32(), yt.f32(), size_t(y1.numel()) * 4), 0)
          << "threads " << threads;
    }
  }
}

// Channels last: a sample's rows give the same bits whatever the batch
// (infer --batch 1 and --batch 3 agree). OpenBLAS picks its kernel by the
// rows of a call (the tail block had 8 rows at B = 1, 24 at B = 3: 456 of
// 512 values differed here); every call now has a whole block of rows.
TEST(LinearKernel, ChannelsLastRowsDoNotDependOnTheBatch) {
  for (auto [tokens, cin, cout] :
       {std::tuple<int64_t, int64_t, int64_t>{8, 512, 64},
        {8, 64, 64},
        {3, 128, 512},
        {200, 96, 40}}) {
    LinearCase big{{5, tokens, cin}, 2, cout, true};
    LinearOperands ops(big, 11);
    HostTensor yBig = runLinear(big, ops, 2);
    for (int64_t batch : {1, 2, 3}) {
      LinearCase small{{batch, tokens, cin}, 2, cout, true};
      LinearOperands part(small, 11);
      std::memcpy(part.x.f32(), ops.x.f32(), size_t(part.x.numel()) * 4);
      std::memcpy(part.w.f32(), ops.w.f32(), size_t(part.w.numel()) * 4);
      std::memcpy(part.b.f32(), ops.b.f32(), size_t(part.b.numel()) * 4);
      HostTensor y = runLinear(small, part, 1);
      EXPECT_EQ(std::memcmp(y.f32(), yBig.f32(), size_t(y.numel()) * 4), 0)
          << "tokens " << tokens << " cin " << cin << " cout " << cout
          << ": batch " << batch << " vs 5";
    }
  }
}

// residual = 1 (shodh.linear_add): inputs x, w, r[, b] and y = W x + b + r.
// r is written into y with the bias and the GEMM accumulates on it, so y
// differs from linear + add only by the order of the roundings: within the
// reference bound plus one rounding of |r|.
TEST(LinearKernel, ResidualIsAddedToTheOutput) {
  uint32_t seed = 500;
  for (const LinearCase &c : kCases) {
    LinearOperands ops(c, seed += 10);
    HostTensor r(DType::F32, outShape(c));
    r.fillUniform(seed + 5);
    HostTensor plain = runLinear(c, ops, 2);
    for (int threads : {1, 3}) {
      HostTensor y(DType::F32, outShape(c));
      std::vector<const HostTensor *> ins = {&ops.x, &ops.w, &r};
      if (c.bias)
        ins.push_back(&ops.b);
      runKernel("linear", {{"axis", c.axis}, {"residual", int64_t(1)}}, ins,
                {&y}, threads);
      for (int64_t k = 0; k < y.numel(); ++k) {
        double want = double(plain.f32()[k]) + r.f32()[k];
        double tol = 4 * kU * (std::fabs(plain.f32()[k]) + std::fabs(r.f32()[k])) +
                     64 * kU * c.xShape[c.axis];
        ASSERT_NEAR(y.f32()[k], want, tol) << "element " << k;
      }
    }
  }
  // residual must be 0 or 1 and the residual must have y's shape.
  HostTensor x(DType::F32, {2, 3, 4}), w(DType::F32, {5, 3}),
      r(DType::F32, {2, 5, 3}), y(DType::F32, {2, 5, 4});
  expectErrorContaining(
      [&] {
        runKernel("linear", {{"axis", int64_t(1)}, {"residual", int64_t(2)}},
                  {&x, &w, &r}, {&y}, 1);
      },
      "attribute 'residual' must be 0 or 1, got 2");
  expectErrorContaining(
      [&] {
        runKernel("linear", {{"axis", int64_t(1)}, {"residual", int64_t(1)}},
                  {&x, &w, &r}, {&y}, 1);
      },
      "residual");
}

TEST(LinearKernel, EmptyInputChannelsGiveTheBias) {
  LinearCase c{{2, 0, 3}, 1, 4, true};
  LinearOperands ops(c, 1);
  HostTensor y = runLinear(c, ops, 2);
  for (int64_t k = 0; k < y.numel(); ++k)
    EXPECT_EQ(y.f32()[k], ops.b.f32()[(k / 3) % 4]);
}

/// Descriptions for a linear call x[B, 4, 5] -> y[B, 6, 5] with w [6, 4], b
/// [6].
struct LinearDescs {
  std::vector<TensorDesc> ins = {
      symbolic("x", {Dim::named("B"), Dim::fixed(4), Dim::fixed(5)}),
      symbolic("w", {Dim::fixed(6), Dim::fixed(4)}),
      symbolic("b", {Dim::fixed(6)})};
  std::vector<TensorDesc> outs = {
      symbolic("y", {Dim::named("B"), Dim::fixed(6), Dim::fixed(5)})};
  std::vector<NamedAttr> attrs = {{"axis", int64_t(1)}};
  void create() { createKernel("linear", attrs, ins, outs); }
};

TEST(LinearKernel, ValidCallIsAccepted) {
  LinearDescs d;
  EXPECT_NO_THROW(d.create());
}

TEST(LinearKernel, InconsistentChannelsAreRejected) {
  LinearDescs d;
  d.ins[1].shape = {Dim::fixed(6), Dim::fixed(3)};
  expectErrorContaining([&] { d.create(); },
                        "program 'test', call 0 (linear): weight has 3 "
                        "input channels but x has 4 at axis 1");
  d = LinearDescs();
  d.ins[2].shape = {Dim::fixed(5)};
  expectErrorContaining([&] { d.create(); },
                        "bias has 5 elements but weight has 6 output "
                        "channels");
  d = LinearDescs();
  d.outs[0].shape[1] = Dim::fixed(7);
  expectErrorContaining([&] { d.create(); },
                        "output has 7 channels at axis 1 but weight has 6");
  d = LinearDescs();
  d.outs[0].shape[0] = Dim::named("N");
  expectErrorContaining([&] { d.create(); },
                        "output dim 0 is 'N' but x dim 0 is 'B'");
  d = LinearDescs();
  d.outs[0].shape.pop_back();
  expectErrorContaining([&] { d.create(); },
                        "output has rank 2 but x has rank 3");
  d = LinearDescs();
  d.ins[1].shape.push_back(Dim::fixed(1));
  expectErrorContaining([&] { d.create(); }, "weight must have rank 2");
}

TEST(LinearKernel, SymbolicChannelsMatchBySymbol) {
  LinearDescs d;
  d.ins[0].shape[1] = Dim::named("C");
  d.ins[1].shape[1] = Dim::named("C");
  EXPECT_NO_THROW(d.create());
  d.ins[1].shape[1] = Dim::named("D");
  expectErrorContaining([&] { d.create(); },
                        "weight has 'D' input channels but x has 'C'");
}

TEST(LinearKernel, BadAttributesAreRejected) {
  LinearDescs d;
  d.attrs.clear();
  expectErrorContaining([&] { d.create(); },
                        "missing integer attribute 'axis'");
  d.attrs = {{"axis", std::string("1")}};
  expectErrorContaining([&] { d.create(); },
                        "attribute 'axis' must be an integer, got a string");
  d.attrs = {{"axis", int64_t(3)}};
  expectErrorContaining([&] { d.create(); },
                        "attribute 'axis' = 3 is out of range for x of "
                        "rank 3");
  d.attrs = {{"axis", int64_t(-1)}};
  expectErrorContaining([&] { d.create(); }, "out of range");
}

TEST(LinearKernel, BadOperandsAreRejected) {
  LinearDescs d;
  d.ins[0].dtype = DType::F64;
  expectErrorContaining([&] { d.create(); },
                        "x 'x' has dtype f64; supported: f32");
  d = LinearDescs();
  d.ins.resize(1);
  expectErrorContaining([&] { d.create(); },
                        "expected 2 to 3 inputs and 1 outputs, got 1 and 1");
}

TEST(LinearKernel, PrepareChecksConcreteShapes) {
  // x's channel dim is symbolic at load time and turns out wrong once bound.
  TensorDesc x = symbolic("x", {Dim::fixed(2), Dim::named("C")});
  TensorDesc w = symbolic("w", {Dim::fixed(3), Dim::fixed(4)});
  TensorDesc y = symbolic("y", {Dim::fixed(2), Dim::fixed(3)});
  auto kernel = createKernel("linear", {{"axis", int64_t(1)}}, {x, w}, {y});
  HostTensor xt(DType::F32, {2, 5}), wt(DType::F32, {3, 4}),
      yt(DType::F32, {2, 3});
  KernelContext ctx;
  expectErrorContaining(
      [&] {
        kernel->prepare({xt.ref(), wt.ref()}, {yt.ref()}, ctx);
      },
      "weight has 4 input channels but x has 5 at axis 1");
}

} // namespace
