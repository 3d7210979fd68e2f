//===- NnKernelsTest.cpp - Conv and layer-norm kernels vs naive references ===//
//
// conv, conv_grad_input, conv_grad_weight and conv_transpose against
// direct references in double (NnReferences.h; 1D/2D/3D, zeros and
// circular padding, strides that floor, every path: direct, strided and
// im2col) and by the adjoint identities <conv(x, w), dy> = <x,
// conv_grad_input(dy, w)> = <w, conv_grad_weight(x, dy)> and
// <conv_transpose(x, w), y> = <x, conv(y, w)>; layer_norm gradients by
// central finite differences of a double reference; every kernel
// bit-identical for 1 to 4 threads; conv_grad_weight's im2col path with
// each channel's sums split into parts (stride 1 with over 32 output
// channels, and strided with weights too large for the strided path)
// against sums written out from the definition; bad calls rejected with
// messages naming the attribute or operand. Parity with torch is in
// TorchParityTest.cpp, the f64 forms are tested in NnKernelsF64Test.cpp.
//
// f32 results are compared within 1e-5 of the largest |value| of the
// reference: the f32 rounding of sums of up to 7000 products (the 1D
// strided setup's weight gradient), a few 1e-7 of the largest value.
//
//===----------------------------------------------------------------------===//
#include "test/unit/nn/NnReferences.h"

#include <chrono>
#include <cstring>

using namespace shodh;
using namespace shodh::testing;

TEST(NnKernels, AreRegistered) {
  for (const char *name :
       {"conv", "conv_grad_input", "conv_transpose", "conv_grad_weight",
        "layer_norm", "layer_norm_grad_input", "layer_norm_grad_gamma"})
    EXPECT_NE(KernelRegistry::builtin().find(name, Backend::Cpu), nullptr)
        << name;
}

TEST(NnKernels, ConvMatchesDirectReference) {
  for (const ConvSetup &s : setups()) {
    HostTensor x = randomTensor(s.x, 1), w = randomTensor(s.w, 2);
    HostTensor b = randomTensor({s.w[0]}, 3), y(DType::F32, s.y());
    runDeterministic("conv", s.attrs(), {&x, &w, &b}, y);
    std::vector<double> ref = ConvRef(s).conv(values(x), values(w), values(b));
    expectScaled(y, ref, 1e-5, "x rank " + std::to_string(s.x.size()));
  }
}

TEST(NnKernels, ConvGradientsMatchDirectReferences) {
  for (const ConvSetup &s : setups()) {
    std::string what = "x " + ::testing::PrintToString(s.x);
    HostTensor x = randomTensor(s.x, 4), w = randomTensor(s.w, 5);
    HostTensor dy = randomTensor(s.y(), 6);
    HostTensor dx(DType::F32, s.x), dw(DType::F32, s.w);
    runDeterministic("conv_grad_input", s.attrs(), {&dy, &w}, dx);
    expectScaled(dx, ConvRef(s).gradInput(values(dy), values(w), {}), 1e-5,
                 "dx, " + what);
    runDeterministic("conv_grad_weight", s.attrs(), {&x, &dy}, dw);
    expectScaled(dw, ConvRef(s).gradWeight(values(x), values(dy)), 1e-5,
                 "dw, " + what);
  }
}

TEST(NnKernels, ConvTransposeMatchesDirectReference) {
  for (const TransposeSetup &t : transposeSetups()) {
    HostTensor x = randomTensor(t.x, 7), w = randomTensor(t.w, 8);
    HostTensor b = randomTensor({t.w[1]}, 9), y(DType::F32, t.y());
    runDeterministic("conv_transpose", t.attrs(), {&x, &w, &b}, y);
    expectScaled(y, t.conv().gradInput(values(x), values(w), values(b)), 1e-5,
                 "x " + ::testing::PrintToString(t.x));
  }
}

TEST(NnKernels, ConvGradientsAreAdjoints) {
  for (const ConvSetup &s : setups()) {
    HostTensor x = randomTensor(s.x, 4), w = randomTensor(s.w, 5);
    HostTensor dy = randomTensor(s.y(), 6), y(DType::F32, s.y());
    HostTensor dx(DType::F32, s.x), dw(DType::F32, s.w);
    runKernel("conv", s.attrs(), {&x, &w}, {&y}, 2);
    runDeterministic("conv_grad_input", s.attrs(), {&dy, &w}, dx);
    runDeterministic("conv_grad_weight", s.attrs(), {&x, &dy}, dw);
    double lhs = dot(y, dy); // the three are one sum, ordered differently
    EXPECT_NEAR(dot(x, dx), lhs, 1e-4 * (1 + std::fabs(lhs)));
    EXPECT_NEAR(dot(w, dw), lhs, 1e-4 * (1 + std::fabs(lhs)));
  }
}

namespace {

/// The weight gradient of the 2D cross-correlation y[b, o, j] = sum over c
/// and a of w[o, c, a] x[b, c, j s - p + a] of setup `s`, summed straight
/// from that definition: dw[o, c, a] = sum over b and j of dy[b, o, j]
/// x[b, c, j s - p + a], a term whose x index falls outside the grid being
/// 0 with zero padding and the index wrapping modulo the size with circular
/// padding.
std::vector<double> naiveGradWeight2d(const ConvSetup &s, const HostTensor &x,
                                      const HostTensor &dy) {
  const int64_t B = s.x[0], C = s.x[1], H = s.x[2], W = s.x[3];
  const int64_t O = s.w[0], KH = s.w[2], KW = s.w[3];
  const int64_t OH = dy.shape[2], OW = dy.shape[3];
  std::vector<double> dw(size_t(O * C * KH * KW));
  for (int64_t o = 0; o < O; ++o)
    for (int64_t c = 0; c < C; ++c)
      for (int64_t kh = 0; kh < KH; ++kh)
        for (int64_t kw = 0; kw < KW; ++kw) {
          double sum = 0.0;
          for (int64_t b = 0; b < B; ++b)
            for (int64_t jh = 0; jh < OH; ++jh)
              for (int64_t jw = 0; jw < OW; ++jw) {
                int64_t ih = jh * s.stride[0] - s.pad[0] + kh;
                int64_t iw = jw * s.stride[1] - s.pad[1] + kw;
                if (s.circular)
                  ih = (ih + H) % H, iw = (iw + W) % W;
                else if (ih < 0 || ih >= H || iw < 0 || iw >= W)
                  continue;
                sum += double(dy.f32()[((b * O + o) * OH + jh) * OW + jw]) *
                       x.f32()[((b * C + c) * H + ih) * W + iw];
              }
          dw[size_t(((o * C + c) * KH + kh) * KW + kw)] = sum;
        }
  return dw;
}

} // namespace

TEST(NnKernels, ConvGradWeightInPartsMatchesNaiveSums) {
  // conv_grad_weight on im2col with each input channel's (batch, column
  // block) pairs split into min(16 / C, pairs) parts (C <= 8) whose partial
  // sums are added in order: stride 1 with more than the direct path's 32
  // output channels (a 3 -> 40 first layer; parts with one and with two
  // pairs, 7 pairs in 5 parts; two column blocks per sample), and strides
  // above 1 with O C K * 4 > 2^20, too large for the strided path's
  // per-part sums. Zero and circular padding.
  const std::vector<ConvSetup> cases{
      {{2, 3, 8, 8}, {40, 3, 3, 3}, {1, 1}, {1, 1}, false},
      {{2, 3, 8, 8}, {40, 3, 3, 3}, {1, 1}, {1, 1}, true},
      {{3, 8, 8, 7}, {40, 8, 3, 3}, {1, 1}, {0, 1}, false},
      {{7, 3, 6, 5}, {36, 3, 3, 2}, {1, 1}, {1, 0}, true},
      {{2, 1, 171, 171}, {33, 1, 3, 3}, {1, 1}, {1, 1}, false},
      {{2, 8, 18, 18}, {130, 8, 16, 16}, {2, 2}, {1, 1}, false},
      {{3, 4, 19, 18}, {260, 4, 16, 16}, {2, 1}, {2, 0}, true}};
  for (const ConvSetup &s : cases) {
    std::string what = "x " + ::testing::PrintToString(s.x) +
                       (s.circular ? ", circular" : ", zeros");
    HostTensor x = randomTensor(s.x, 11), dy = randomTensor(s.y(), 12);
    HostTensor dw(DType::F32, s.w);
    runDeterministic("conv_grad_weight", s.attrs(), {&x, &dy}, dw);
    expectScaled(dw, naiveGradWeight2d(s, x, dy), 1e-5, what);
  }
}

TEST(NnKernels, ConvTransposeIsTheAdjointOfConv) {
  // x [B, C, S], w [C, O, K]; the conv of y [B, O, S'] by w gives [B, C, S].
  struct T {
    std::vector<int64_t> x, w, stride, pad, outPad, y;
  };
  for (const T &t :
       {T{{2, 3, 5}, {3, 2, 4}, {2}, {1}, {1}, {2, 2, 11}},
        T{{1, 4, 3, 4}, {4, 3, 3, 2}, {2, 3}, {1, 0}, {1, 2}, {1, 3, 6, 13}},
        T{{2, 2, 3, 2, 3},
          {2, 3, 4, 4, 2},
          {2, 2, 2},
          {1, 1, 0},
          {0, 1, 1},
          {2, 3, 6, 5, 7}}}) {
    HostTensor x = randomTensor(t.x, 7), w = randomTensor(t.w, 8);
    HostTensor v = randomTensor(t.y, 9), y(DType::F32, t.y);
    HostTensor cv(DType::F32, t.x);
    runDeterministic("conv_transpose",
                     {ints("stride", t.stride), ints("padding", t.pad),
                      ints("output_padding", t.outPad)},
                     {&x, &w}, y);
    runKernel("conv",
              {ints("stride", t.stride), ints("padding", t.pad),
               str("padding_mode", "zeros")},
              {&v, &w}, {&cv}, 2);
    double lhs = dot(y, v);
    EXPECT_NEAR(dot(x, cv), lhs, 1e-4 * (1 + std::fabs(lhs)));
  }
}

TEST(NnKernels, ConvTransposeAddsBias) {
  HostTensor x = randomTensor({1, 2, 3, 3}, 1),
             w = randomTensor({2, 3, 2, 2}, 2);
  HostTensor b = randomTensor({3}, 3), y(DType::F32, {1, 3, 6, 6});
  HostTensor y0(DType::F32, {1, 3, 6, 6});
  std::vector<NamedAttr> attrs{ints("stride", {2, 2}), ints("padding", {0, 0}),
                               ints("output_padding", {0, 0})};
  runKernel("conv_transpose", attrs, {&x, &w, &b}, {&y}, 2);
  runKernel("conv_transpose", attrs, {&x, &w}, {&y0}, 2);
  for (int64_t i = 0; i < y.numel(); ++i)
    ASSERT_FLOAT_EQ(y.f32()[i], y0.f32()[i] + b.f32()[i / 36]);
}

namespace {

/// Double layer norm along axis 1 of [outer=A, C, inner] and sum(y * r).
double normLoss(const std::vector<double> &x, const HostTensor &g,
                const HostTensor &b, const HostTensor &r, int64_t A, int64_t C,
                int64_t N) {
  double loss = 0.0;
  for (int64_t a = 0; a < A; ++a)
    for (int64_t n = 0; n < N; ++n) {
      double mean = 0.0, var = 0.0;
      for (int64_t c = 0; c < C; ++c)
        mean += x[(a * C + c) * N + n] / double(C);
      for (int64_t c = 0; c < C; ++c)
        var += std::pow(x[(a * C + c) * N + n] - mean, 2) / double(C);
      for (int64_t c = 0; c < C; ++c) {
        int64_t i = (a * C + c) * N + n;
        double y =
            (x[i] - mean) / std::sqrt(var + 1e-5) * g.f32()[c] + b.f32()[c];
        loss += y * r.f32()[i];
      }
    }
  return loss;
}

} // namespace

TEST(NnKernels, LayerNormGradientsMatchFiniteDifferences) {
  const int64_t A = 2, C = 5, N = 3; // [2, 5, 3] along axis 1
  std::vector<NamedAttr> attrs{{"axis", AttrValue(int64_t(1))},
                               {"eps", AttrValue(1e-5)}};
  HostTensor x = randomTensor({A, C, N}, 1), g = randomTensor({C}, 2);
  HostTensor b = randomTensor({C}, 3), r = randomTensor({A, C, N}, 4);
  HostTensor y(DType::F32, x.shape), dx(DType::F32, x.shape),
      dg(DType::F32, {C});
  runDeterministic("layer_norm", attrs, {&x, &g, &b}, y);
  runDeterministic("layer_norm_grad_input", attrs, {&x, &g, &r}, dx);
  runDeterministic("layer_norm_grad_gamma", attrs, {&x, &r}, dg);
  std::vector<double> xd(x.f32(), x.f32() + x.numel());
  const double h = 1e-5; // central differences in double: error ~h^2
  for (int64_t i = 0; i < x.numel(); ++i) {
    std::vector<double> p = xd, m = xd;
    p[i] += h, m[i] -= h;
    double fd =
        (normLoss(p, g, b, r, A, C, N) - normLoss(m, g, b, r, A, C, N)) /
        (2 * h);
    EXPECT_NEAR(dx.f32()[i], fd, 1e-4) << "dx at " << i;
  }
  for (int64_t c = 0; c < C; ++c) {
    HostTensor gp(DType::F32, {C}), gm(DType::F32, {C});
    std::memcpy(gp.f32(), g.f32(), sizeof(float) * C);
    std::memcpy(gm.f32(), g.f32(), sizeof(float) * C);
    gp.f32()[c] += 1e-2f, gm.f32()[c] -= 1e-2f; // the loss is linear in g
    double fd =
        (normLoss(xd, gp, b, r, A, C, N) - normLoss(xd, gm, b, r, A, C, N)) /
        (double(gp.f32()[c]) - gm.f32()[c]);
    EXPECT_NEAR(dg.f32()[c], fd, 1e-4) << "dgamma at " << c;
  }
}

TEST(NnKernels, RejectsBadCalls) {
  auto d = [](std::vector<int64_t> s) {
    return HostTensor(DType::F32, std::move(s)).desc("t");
  };
  std::vector<NamedAttr> ok{ints("stride", {1, 1}), ints("padding", {0, 0})};
  expectErrorContaining(
      [&] {
        createKernel("conv", {ints("stride", {1}), ok[1]},
                     {d({1, 2, 5, 5}), d({3, 2, 3, 3})}, {d({1, 3, 3, 3})});
      },
      "attribute 'stride' must have one entry per spatial axis (2), got 1");
  expectErrorContaining(
      [&] {
        createKernel("conv", {ints("stride", {0, 1}), ok[1]},
                     {d({1, 2, 5, 5}), d({3, 2, 3, 3})}, {d({1, 3, 3, 3})});
      },
      "stride[0] must be at least 1, got 0");
  expectErrorContaining(
      [&] {
        createKernel("conv", {ok[0], ok[1], str("padding_mode", "reflect")},
                     {d({1, 2, 5, 5}), d({3, 2, 3, 3})}, {d({1, 3, 3, 3})});
      },
      "'padding_mode' must be \"zeros\" or \"circular\", got \"reflect\"");
  expectErrorContaining(
      [&] {
        createKernel("conv", ok, {d({1, 2, 5, 5}), d({3, 2, 3})},
                     {d({1, 3, 3, 3})});
      },
      "second input must have rank 4, got 3");
  expectErrorContaining(
      [&] {
        createKernel(
            "conv_transpose",
            {ints("stride", {2, 2}), ok[1], ints("output_padding", {2, 0})},
            {d({1, 2, 3, 3}), d({2, 3, 3, 3})}, {d({1, 3, 9, 7})});
      },
      "output_padding[0] = 2 must be in [0, stride[0] = 2)");
  expectErrorContaining(
      [&] {
        createKernel(
            "layer_norm",
            {{"axis", AttrValue(int64_t(3))}, {"eps", AttrValue(1e-5)}},
            {d({2, 4, 3}), d({4}), d({4})}, {d({2, 4, 3})});
      },
      "attribute 'axis' = 3 is out of range for x of rank 3");
  expectErrorContaining(
      [&] {
        createKernel("layer_norm",
                     {{"axis", AttrValue(int64_t(1))}, {"eps", AttrValue(0.0)}},
                     {d({2, 4, 3}), d({4}), d({4})}, {d({2, 4, 3})});
      },
      "attribute 'eps' must be positive and finite, got 0");
  expectErrorContaining(
      [&] {
        createKernel(
            "layer_norm",
            {{"axis", AttrValue(int64_t(1))}, {"eps", AttrValue(1e-5)}},
            {d({2, 4, 3}), d({3}), d({4})}, {d({2, 4, 3})});
      },
      "gamma");
}

TEST(NnKernels, RejectsWrongConcreteShapes) {
  HostTensor x(DType::F32, {1, 2, 5, 5}), w(DType::F32, {3, 2, 3, 3});
  HostTensor y(DType::F32, {1, 3, 4, 4}); // should be 3x3
  expectErrorContaining(
      [&] {
        runKernel("conv", {ints("stride", {1, 1}), ints("padding", {0, 0})},
                  {&x, &w}, {&y}, 1);
      },
      "output");
  HostTensor small(DType::F32, {1, 2, 2, 2});
  expectErrorContaining(
      [&] {
        runKernel("conv", {ints("stride", {1, 1}), ints("padding", {0, 0})},
                  {&small, &w}, {&y}, 1);
      },
      "input size 2 with padding 0 on each side is smaller than the kernel "
      "size 3");
  HostTensor wc(DType::F32, {3, 2, 1, 1}), yc(DType::F32, {1, 3, 2, 2});
  expectErrorContaining(
      [&] {
        runKernel("conv",
                  {ints("stride", {1, 1}), ints("padding", {3, 0}),
                   str("padding_mode", "circular")},
                  {&small, &wc}, {&yc}, 1);
      },
      "circular padding 3 exceeds the input size 2 of spatial axis 0");
}

// The timing quoted in docs/runtime.md; not a check. Run with
// --gtest_also_run_disabled_tests --gtest_filter='*Timing*'.
TEST(NnKernels, DISABLED_Conv3dTiming) {
  for (int threads : {1, 2}) {
    HostTensor x = randomTensor({2, 3, 64, 64, 64}, 1);
    HostTensor w = randomTensor({32, 3, 4, 4, 4}, 2), b = randomTensor({32}, 3);
    HostTensor y(DType::F32, {2, 32, 32, 32, 32});
    HostTensor dx(DType::F32, x.shape), dw(DType::F32, w.shape);
    std::vector<NamedAttr> attrs{ints("stride", {2, 2, 2}),
                                 ints("padding", {1, 1, 1}),
                                 str("padding_mode", "zeros")};
    auto time = [&](const char *name, std::vector<const HostTensor *> ins,
                    HostTensor &out) {
      runKernel(name, attrs, ins, {&out}, threads); // warm-up
      auto t0 = std::chrono::steady_clock::now();
      for (int i = 0; i < 3; ++i)
        runKernel(name, attrs, ins, {&out}, threads);
      double ms = std::chrono::duration<double, std::milli>(
                      std::chrono::steady_clock::now() - t0)
                      .count() /
                  3;
      std::printf("%s threads=%d: %.1f ms\n", name, threads, ms);
    };
    time("conv", {&x, &w, &b}, y);
    time("conv_grad_input", {&y, &w}, dx);
    time("conv_grad_weight", {&x, &y}, dw);
  }
}

TEST(NnKernels, EmptySumsGiveTheBias) {
  // No input channels: y = b; no batch: conv_grad_weight gives zeros.
  HostTensor x(DType::F32, {1, 0, 4}), w(DType::F32, {2, 0, 3});
  HostTensor b = randomTensor({2}, 1), y(DType::F32, {1, 2, 2});
  std::vector<NamedAttr> attrs{ints("stride", {1}), ints("padding", {0})};
  runKernel("conv", attrs, {&x, &w, &b}, {&y}, 2);
  for (int64_t i = 0; i < y.numel(); ++i)
    EXPECT_EQ(y.f32()[i], b.f32()[i / 2]);
  HostTensor x0(DType::F32, {0, 3, 4}), dy0(DType::F32, {0, 2, 2});
  HostTensor dw(DType::F32, {2, 3, 3});
  dw.fillUniform(2);
  runKernel("conv_grad_weight", attrs, {&x0, &dy0}, {&dw}, 2);
  for (int64_t i = 0; i < dw.numel(); ++i)
    EXPECT_EQ(dw.f32()[i], 0.0f);
  // The same on the strided path: a stride-2 weight gradient of no
  // samples, and a kernel == stride transpose of no input channels.
  std::vector<NamedAttr> strided{ints("stride", {2}), ints("padding", {0})};
  HostTensor x1(DType::F32, {0, 3, 6}), dy1(DType::F32, {0, 2, 3});
  HostTensor dw2(DType::F32, {2, 3, 2});
  dw2.fillUniform(3);
  runKernel("conv_grad_weight", strided, {&x1, &dy1}, {&dw2}, 2);
  for (int64_t i = 0; i < dw2.numel(); ++i)
    EXPECT_EQ(dw2.f32()[i], 0.0f);
  HostTensor xt(DType::F32, {1, 0, 3}), wt(DType::F32, {0, 2, 2});
  HostTensor yt(DType::F32, {1, 2, 7});
  strided.push_back(ints("output_padding", {1}));
  runKernel("conv_transpose", strided, {&xt, &wt, &b}, {&yt}, 2);
  for (int64_t i = 0; i < yt.numel(); ++i)
    EXPECT_EQ(yt.f32()[i], b.f32()[i / 7]);
}
