//===- NnKernelsTest.cpp - Conv and layer-norm kernels vs naive references ===//
//
// conv, conv_grad_input, conv_grad_weight and conv_transpose against
// direct references in double (NnReferences.h; 1D/2D/3D, zeros and
// circular padding, strides that floor, every path: direct, strided and
// im2col) and by the adjoint identities <conv(x, w), dy> = <x,
// conv_grad_input(dy, w)> = <w, conv_grad_weight(x, dy)> and
// <conv_transpose(x, w), y> = <x, conv(y, w)>; layer_norm gradients by
// central finite differences of a double reference; every kernel
// bit-identical for 1 to 4 threads; bad calls rejected with messages naming
// the attribute or operand. Parity with torch is in TorchParityTest.cpp,
// the f64 forms are tested in NnKernelsF64Test.cpp.
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
