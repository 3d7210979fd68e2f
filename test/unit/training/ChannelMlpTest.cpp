//===- ChannelMlpTest.cpp - channel_mlp and channel_mlp_grad --------------===//
//
// 1. The forward kernel against a double reference written with naive loops
//    (h = w1 x + b1, GELU of Reference.h, y = w2 gelu(h) + b2) on shapes with
//    one tile, several tiles and a partial last tile per n, the channel axis
//    first, in the middle and before a single trailing position; both GELU
//    forms. f32 sums of C and H products: 1e-5 of the sum of |terms| bounds
//    their rounding (C, H <= 16 terms of relative error 2^-24 each, plus
//    erf's few ulps).
// 2. The gradient kernel against central differences of that double
//    reference for L = Σ r y (r = dy): every element of x, w1, b1, w2, b2.
//    The differences are accurate to ~1e-9; the kernel's f32 sums over up
//    to 600 positions to ~1e-5 of the largest gradient: tolerance 1e-4.
// 3. Bitwise equality across thread counts, with more tiles than groups.
// 4. Errors name the operand and the expectation.
// 5. channel_mlp_mse_grad against channel_mlp -> mse_loss / mse_loss_grad ->
//    channel_mlp_grad: the gradients bit for bit (the same y, dy and tile
//    arithmetic), the loss to 1e-6 (sums in double in another order), on
//    1 and 3 threads, with more tiles than groups.
//
//===----------------------------------------------------------------------===//
#include "TrainingTestSupport.h"
#include "runtime/kernels/cpu/Reference.h"

#include <gtest/gtest.h>

using namespace shodh;
using namespace shodh::testing;
namespace ref = shodh::reference;

namespace {

/// A channel MLP problem: x [.., C at axis, ..], w1 [H, C], b1 [H],
/// w2 [O, H], b2 [O], as doubles (the reference) and f32 tensors.
struct MlpCase {
  std::vector<int64_t> xShape;
  int64_t axis, h, o;
  bool tanhApprox;

  int64_t c() const { return xShape[size_t(axis)]; }
  int64_t outer() const {
    int64_t n = 1;
    for (int64_t d = 0; d < axis; ++d)
      n *= xShape[size_t(d)];
    return n;
  }
  int64_t inner() const {
    int64_t n = 1;
    for (size_t d = size_t(axis) + 1; d < xShape.size(); ++d)
      n *= xShape[d];
    return n;
  }
  std::vector<int64_t> yShape() const {
    std::vector<int64_t> s = xShape;
    s[size_t(axis)] = o;
    return s;
  }
  std::vector<NamedAttr> attrs() const {
    return {{"axis", axis},
            {"approximate", std::string(tanhApprox ? "tanh" : "none")}};
  }
};

/// y = w2 gelu(w1 x + b1) + b2 in double; `scale` gets Σ |terms| per y.
std::vector<double> reference(const MlpCase &m, const std::vector<double> &x,
                              const std::vector<double> &w1,
                              const std::vector<double> &b1,
                              const std::vector<double> &w2,
                              const std::vector<double> &b2,
                              std::vector<double> *scale = nullptr) {
  const int64_t N = m.outer(), S = m.inner(), C = m.c(), H = m.h, O = m.o;
  std::vector<double> y(size_t(N * O * S));
  if (scale)
    scale->assign(y.size(), 0.0);
  std::vector<double> g(static_cast<size_t>(H));
  for (int64_t n = 0; n < N; ++n)
    for (int64_t s = 0; s < S; ++s) {
      for (int64_t k = 0; k < H; ++k) {
        double acc = b1[size_t(k)];
        for (int64_t c = 0; c < C; ++c)
          acc += w1[size_t(k * C + c)] * x[size_t((n * C + c) * S + s)];
        g[size_t(k)] = ref::gelu(acc, m.tanhApprox);
      }
      for (int64_t o = 0; o < O; ++o) {
        double acc = b2[size_t(o)], mag = std::fabs(acc);
        for (int64_t k = 0; k < H; ++k)
          acc += w2[size_t(o * H + k)] * g[size_t(k)],
              mag += std::fabs(w2[size_t(o * H + k)] * g[size_t(k)]);
        y[size_t((n * O + o) * S + s)] = acc;
        if (scale)
          (*scale)[size_t((n * O + o) * S + s)] = mag + 1.0;
      }
    }
  return y;
}

/// The random operands of `m` (seeded), in contract order.
std::vector<HostTensor> operands(const MlpCase &m, uint32_t seed) {
  std::vector<HostTensor> p;
  p.push_back(randomTensor(DType::F32, m.xShape, seed, -2.0, 2.0));
  p.push_back(randomTensor(DType::F32, {m.h, m.c()}, seed + 1));
  p.push_back(randomTensor(DType::F32, {m.h}, seed + 2));
  p.push_back(randomTensor(DType::F32, {m.o, m.h}, seed + 3));
  p.push_back(randomTensor(DType::F32, {m.o}, seed + 4));
  return p;
}

class ChannelMlpCases : public ::testing::TestWithParam<MlpCase> {};

TEST_P(ChannelMlpCases, ForwardMatchesTheDoubleReference) {
  const MlpCase m = GetParam();
  std::vector<HostTensor> p = operands(m, 11);
  HostTensor y(DType::F32, m.yShape());
  runKernel("channel_mlp", m.attrs(), {&p[0], &p[1], &p[2], &p[3], &p[4]},
            {&y}, 2);
  std::vector<double> scale;
  std::vector<double> want =
      reference(m, realsOf(p[0]), realsOf(p[1]), realsOf(p[2]), realsOf(p[3]),
                realsOf(p[4]), &scale);
  for (size_t i = 0; i < want.size(); ++i)
    ASSERT_NEAR(y.f32()[i], want[i], 1e-5 * scale[i]) << "y element " << i;
}

TEST_P(ChannelMlpCases, GradientsMatchFiniteDifferences) {
  const MlpCase m = GetParam();
  std::vector<HostTensor> p = operands(m, 21);
  HostTensor dy = randomTensor(DType::F32, m.yShape(), 27);
  std::vector<HostTensor> grads;
  for (size_t i = 0; i < 4; ++i)
    grads.emplace_back(DType::F32, p[i].shape);
  grads.emplace_back(DType::F32, std::vector<int64_t>{m.o});
  runKernel("channel_mlp_grad", m.attrs(), {&p[0], &p[1], &p[2], &p[3], &dy},
            {&grads[0], &grads[1], &grads[2], &grads[3], &grads[4]}, 3);
  std::vector<std::vector<double>> v;
  for (const HostTensor &t : p)
    v.push_back(realsOf(t));
  std::vector<double> r = realsOf(dy);
  auto loss = [&] { return dot(r, reference(m, v[0], v[1], v[2], v[3], v[4])); };
  const char *names[] = {"dx", "dw1", "db1", "dw2", "db2"};
  for (size_t i = 0; i < 5; ++i)
    expectMatchesFiniteDifferences(v[i], realsOf(grads[i]), loss, names[i], 1,
                                   1e-4);
}

/// The loss and the five gradients of `m` with target `t`: through the
/// MSE form (`fused`) or the four separate kernels.
std::vector<HostTensor> mseLossAndGradients(const MlpCase &m, std::vector<HostTensor> &p,
                                            HostTensor &t, bool fused, int threads) {
  std::vector<HostTensor> out;
  out.emplace_back(DType::F32, std::vector<int64_t>{1});
  for (size_t i = 0; i < 4; ++i)
    out.emplace_back(DType::F32, p[i].shape);
  out.emplace_back(DType::F32, std::vector<int64_t>{m.o});
  std::vector<const HostTensor *> outs;
  for (HostTensor &o : out)
    outs.push_back(&o);
  if (fused) {
    runKernel("channel_mlp_mse_grad", m.attrs(), {&p[0], &p[1], &p[2], &p[3], &p[4], &t}, outs,
              threads);
    return out;
  }
  HostTensor y(DType::F32, m.yShape()), dy(DType::F32, m.yShape());
  runKernel("channel_mlp", m.attrs(), {&p[0], &p[1], &p[2], &p[3], &p[4]}, {&y}, threads);
  runKernel("mse_loss", {}, {&y, &t}, {&out[0]}, threads);
  runKernel("mse_loss_grad", {}, {&y, &t}, {&dy}, threads);
  runKernel("channel_mlp_grad", m.attrs(), {&p[0], &p[1], &p[2], &p[3], &dy},
            {outs.begin() + 1, outs.end()}, threads);
  return out;
}

/// channel_mlp_mse_grad equals the composition (see 5. above).
void expectMseFormEqualsTheComposition(const MlpCase &m) {
  std::vector<HostTensor> p = operands(m, 41);
  HostTensor t = randomTensor(DType::F32, m.yShape(), 47);
  std::vector<HostTensor> want = mseLossAndGradients(m, p, t, false, 2);
  for (int threads : {1, 3}) {
    std::vector<HostTensor> got = mseLossAndGradients(m, p, t, true, threads);
    SCOPED_TRACE(std::to_string(threads) + " threads");
    EXPECT_NEAR(got[0].f32()[0], want[0].f32()[0], 1e-6 * std::fabs(want[0].f32()[0]));
    const char *names[] = {"dx", "dw1", "db1", "dw2", "db2"};
    for (size_t i = 1; i < got.size(); ++i)
      expectBitIdentical(got[i], want[i], names[i - 1]);
  }
}

TEST_P(ChannelMlpCases, MseFormEqualsTheComposition) {
  expectMseFormEqualsTheComposition(GetParam());
}

TEST(ChannelMlp, MseFormWithMoreTilesThanGroups) {
  expectMseFormEqualsTheComposition(MlpCase{{70, 4, 300}, 1, 8, 2, false});
}

// H >= 8 and C: the hidden tile and the input gradient through SmallGemm's
// AVX-512 kernel (where the CPU has it), a partial last tile, both GELUs.
TEST(ChannelMlp, MseFormOnTheSmallGemmKernel) {
  expectMseFormEqualsTheComposition(MlpCase{{3, 8, 700}, 1, 16, 1, false});
  expectMseFormEqualsTheComposition(MlpCase{{2, 8, 600}, 1, 24, 3, true});
}

INSTANTIATE_TEST_SUITE_P(
    Shapes, ChannelMlpCases,
    ::testing::Values(
        MlpCase{{2, 3, 5, 7}, 1, 6, 2, false},  // one tile per n
        MlpCase{{2, 3, 600}, 1, 5, 1, true},    // tiles 512, 88
        MlpCase{{4, 300}, 0, 3, 2, false},      // axis first: one n
        MlpCase{{2, 3, 4, 1}, 2, 4, 3, true})); // one position per n

TEST(ChannelMlp, ThreadCountIndependentWithMoreTilesThanGroups) {
  MlpCase m{{70, 4, 300}, 1, 8, 2, false}; // 70 tiles, 64 groups
  std::vector<HostTensor> p = operands(m, 31);
  HostTensor dy = randomTensor(DType::F32, m.yShape(), 37);
  auto runAll = [&](int threads) {
    std::vector<HostTensor> out;
    out.emplace_back(DType::F32, m.yShape());
    for (size_t i = 0; i < 4; ++i)
      out.emplace_back(DType::F32, p[i].shape);
    out.emplace_back(DType::F32, std::vector<int64_t>{m.o});
    runKernel("channel_mlp", m.attrs(), {&p[0], &p[1], &p[2], &p[3], &p[4]},
              {&out[0]}, threads);
    runKernel("channel_mlp_grad", m.attrs(),
              {&p[0], &p[1], &p[2], &p[3], &dy},
              {&out[1], &out[2], &out[3], &out[4], &out[5]}, threads);
    return out;
  };
  std::vector<HostTensor> one = runAll(1), three = runAll(3);
  for (size_t i = 0; i < one.size(); ++i)
    expectBitIdentical(one[i], three[i], "output " + std::to_string(i));
}

TEST(ChannelMlp, ErrorsNameTheOperand) {
  auto desc = [](std::vector<int64_t> shape, DType t = DType::F32) {
    TensorDesc d;
    d.dtype = t;
    for (int64_t s : shape)
      d.shape.push_back(Dim::fixed(s));
    return d;
  };
  std::vector<NamedAttr> attrs = {{"axis", int64_t(1)}};
  expectErrorContaining(
      [&] {
        createKernel("channel_mlp", attrs,
                     {desc({2, 3, 8}), desc({5, 4}), desc({5}), desc({1, 5}),
                      desc({1})},
                     {desc({2, 1, 8})});
      },
      "w1's C is 4 but x's size at axis is 3");
  expectErrorContaining(
      [&] {
        createKernel("channel_mlp", attrs,
                     {desc({2, 3, 8}), desc({5, 3}), desc({5}), desc({1, 6}),
                      desc({1})},
                     {desc({2, 1, 8})});
      },
      "w2's H is 6 but w1's H is 5");
  expectErrorContaining(
      [&] {
        createKernel("channel_mlp", {{"axis", int64_t(1)},
                                     {"approximate", std::string("fast")}},
                     {desc({2, 3, 8}), desc({5, 3}), desc({5}), desc({1, 5}),
                      desc({1})},
                     {desc({2, 1, 8})});
      },
      "attribute 'approximate' must be \"none\" or \"tanh\"");
  expectErrorContaining(
      [&] {
        createKernel("channel_mlp_grad", attrs,
                     {desc({2, 3, 8}), desc({5, 3}), desc({5}), desc({1, 5}),
                      desc({2, 2, 8})},
                     {desc({2, 3, 8}), desc({5, 3}), desc({5}), desc({1, 5}),
                      desc({1})});
      },
      "dy");
  expectErrorContaining(
      [&] {
        createKernel("channel_mlp_mse_grad", attrs,
                     {desc({2, 3, 8}), desc({5, 3}), desc({5}), desc({1, 5}), desc({1}),
                      desc({2, 1, 9})},
                     {desc({1}), desc({2, 3, 8}), desc({5, 3}), desc({5}), desc({1, 5}),
                      desc({1})});
      },
      "target");
  expectErrorContaining(
      [&] {
        createKernel("channel_mlp_mse_grad", attrs,
                     {desc({2, 3, 8}), desc({5, 3}), desc({5}), desc({1, 5}), desc({1}),
                      desc({2, 1, 8})},
                     {desc({2}), desc({2, 3, 8}), desc({5, 3}), desc({5}), desc({1, 5}),
                      desc({1})});
      },
      "the loss output must have shape [] or [1]");
  expectErrorContaining(
      [&] {
        createKernel("channel_mlp_mse_grad", attrs,
                     {desc({2, 3, 8}), desc({5, 3}), desc({5}), desc({1, 5}), desc({1}),
                      desc({2, 1, 8})},
                     {desc({1}), desc({2, 3, 8}), desc({5, 3}), desc({5}), desc({1, 5})});
      },
      "output");
  expectErrorContaining(
      [&] {
        createKernel("channel_mlp", attrs,
                     {desc({2, 3, 8}, DType::F64), desc({5, 3}), desc({5}),
                      desc({1, 5}), desc({1})},
                     {desc({2, 1, 8})});
      },
      "x");
}

} // namespace
