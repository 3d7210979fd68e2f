//===- CudaParityTest.cpp - Every CUDA kernel against its CPU kernel ------===//
//
// Each test runs one kernel on the CPU and on the GPU from the same inputs
// and compares: bitwise where the operations are the same IEEE operations
// in the same order (add, mul, copy, adam, clip, step; nvcc runs with
// --fmad=false), to a few ulps where libm and CUDA's math functions or the
// summation order differ (gelu, GEMMs, sums). Skipped without a device.
//
//===----------------------------------------------------------------------===//
#include "CudaHarness.h"

#include <gtest/gtest.h>

#include <cstring>
#include <random>

using namespace shodh;
using namespace shodh::testing;

namespace {

using Shape = std::vector<int64_t>;

/// Runs `name` on both backends; `outs` are fresh zeroed outputs of the
/// given shapes; returns (cpu, cuda) outputs.
std::pair<std::vector<HostTensor>, std::vector<HostTensor>>
runBoth(const std::string &name, const std::vector<NamedAttr> &attrs,
        const std::vector<const HostTensor *> &ins,
        const std::vector<Shape> &outShapes, DType dtype = DType::F32) {
  std::vector<HostTensor> cpu, gpu;
  for (const Shape &s : outShapes)
    cpu.emplace_back(dtype, s), gpu.emplace_back(dtype, s);
  std::vector<const HostTensor *> cpuOut, gpuOut;
  for (size_t i = 0; i < cpu.size(); ++i)
    cpuOut.push_back(&cpu[i]), gpuOut.push_back(&gpu[i]);
  runKernel(name, attrs, ins, cpuOut, 2);
  runOnCuda(name, attrs, ins, gpuOut);
  return {std::move(cpu), std::move(gpu)};
}

HostTensor uniform(Shape s, uint32_t seed, DType t = DType::F32) {
  HostTensor h(t, std::move(s));
  h.fillUniform(seed, -2.0, 2.0);
  return h;
}

TEST(CudaParity, AddMulCopyBitwise) {
  SHODH_REQUIRE_CUDA_DEVICE();
  for (DType t : {DType::F32, DType::F64}) {
    HostTensor a = uniform({3, 1000, 7}, 1, t), b = uniform({3, 1000, 7}, 2, t);
    for (const char *op : {"add", "mul"}) {
      auto [cpu, gpu] = runBoth(op, {}, {&a, &b}, {a.shape}, t);
      expectClose(gpu[0], cpu[0], 0, op);
    }
    auto [cpu, gpu] = runBoth("copy", {}, {&a}, {a.shape}, t);
    expectClose(gpu[0], cpu[0], 0, "copy");
  }
}

TEST(CudaParity, GeluAndGrad) {
  SHODH_REQUIRE_CUDA_DEVICE();
  for (DType t : {DType::F32, DType::F64})
    for (const char *mode : {"none", "tanh"}) {
      HostTensor x = uniform({4, 33, 65}, 3, t),
                 dy = uniform({4, 33, 65}, 4, t);
      std::vector<NamedAttr> attrs = {{"approximate", std::string(mode)}};
      // The CPU's f32 GELU uses its own approximations of Phi, phi and tanh
      // (VecMath.h, up to 3e-7 absolute), CUDA's erff / tanhf / expf are
      // within 2 ulp: together up to ~1.3x of 4e-7 on these inputs
      // (simulated); an indexing or formula error is O(1).
      double tol = t == DType::F32 ? 1e-6 : 4e-15;
      auto [cpu, gpu] = runBoth("gelu", attrs, {&x}, {x.shape}, t);
      expectClose(gpu[0], cpu[0], tol, std::string("gelu ") + mode);
      auto [cpuG, gpuG] = runBoth("gelu_grad", attrs, {&x, &dy}, {x.shape}, t);
      expectClose(gpuG[0], cpuG[0], tol, std::string("gelu_grad ") + mode);
    }
}

TEST(CudaParity, LinearForwardBiasResidual) {
  SHODH_REQUIRE_CUDA_DEVICE();
  // Channel axis in the middle (S > 1) and last (S == 1).
  for (int64_t axis : {1, 2}) {
    Shape xs = axis == 1 ? Shape{3, 12, 50} : Shape{3, 50, 12};
    Shape ys = axis == 1 ? Shape{3, 7, 50} : Shape{3, 50, 7};
    HostTensor x = uniform(xs, 5), w = uniform({7, 12}, 6), b = uniform({7}, 7),
               r = uniform(ys, 8);
    std::vector<NamedAttr> plain = {{"axis", axis}};
    auto [c0, g0] = runBoth("linear", plain, {&x, &w}, {ys});
    expectClose(g0[0], c0[0], 1e-5, "linear");
    auto [c1, g1] = runBoth("linear", plain, {&x, &w, &b}, {ys});
    expectClose(g1[0], c1[0], 1e-5, "linear + bias");
    std::vector<NamedAttr> res = {{"axis", axis}, {"residual", int64_t(1)}};
    auto [c2, g2] = runBoth("linear", res, {&x, &w, &r, &b}, {ys});
    expectClose(g2[0], c2[0], 1e-5, "linear + residual + bias");
  }
}

TEST(CudaParity, LinearGradients) {
  SHODH_REQUIRE_CUDA_DEVICE();
  for (int64_t axis : {1, 2}) {
    Shape xs = axis == 1 ? Shape{4, 12, 40} : Shape{4, 40, 12};
    Shape ys = axis == 1 ? Shape{4, 7, 40} : Shape{4, 40, 7};
    HostTensor x = uniform(xs, 9), w = uniform({7, 12}, 10),
               dy = uniform(ys, 11), acc = uniform(xs, 12);
    std::vector<NamedAttr> attrs = {{"axis", axis}};
    auto [ci, gi] = runBoth("linear_grad_input", attrs, {&dy, &w}, {xs});
    expectClose(gi[0], ci[0], 1e-5, "grad_input");
    auto [ca, ga] = runBoth("linear_grad_input", attrs, {&dy, &w, &acc}, {xs});
    expectClose(ga[0], ca[0], 1e-5, "grad_input + accumulate");
    auto [cw, gw] = runBoth("linear_grad_weight", attrs, {&x, &dy}, {{7, 12}});
    expectClose(gw[0], cw[0], 1e-4, "grad_weight");
    auto [cb, gb] = runBoth("linear_grad_bias", attrs, {&dy}, {{7}});
    expectClose(gb[0], cb[0], 1e-6, "grad_bias");
    auto [cp, gp] = runBoth("linear_grad_params", attrs, {&x, &dy}, {{7, 12}, {7}});
    expectClose(gp[0], cp[0], 1e-4, "grad_params dw");
    expectClose(gp[1], cp[1], 1e-6, "grad_params db");
  }
}

// Empty extents (cuBLAS refuses a leading dimension of 0 where the CPU
// writes what the formula gives: the bias, the residual, zeros).
TEST(CudaParity, LinearWithEmptyExtents) {
  SHODH_REQUIRE_CUDA_DEVICE();
  struct Case {
    Shape x, w, y;
    int64_t axis;
  };
  for (const Case &c : {Case{{3, 0, 5}, {4, 0}, {3, 4, 5}, 1}, // Cin = 0
                        Case{{3, 5, 0}, {4, 5}, {3, 4, 0}, 1}, // S = 0
                        Case{{3, 5, 6}, {0, 5}, {3, 0, 6}, 1}, // Cout = 0
                        Case{{3, 0}, {4, 0}, {3, 4}, 1},       // Cin = 0, S 1
                        Case{{0, 5}, {4, 5}, {0, 4}, 1}}) {    // N = 0
    HostTensor x = uniform(c.x, 70), w = uniform(c.w, 71),
               b = uniform({c.w[0]}, 72), r = uniform(c.y, 73),
               dy = uniform(c.y, 74), acc = uniform(c.x, 75);
    std::string what =
        "x [" + std::to_string(c.x[0]) + ", " + std::to_string(c.x[1]) +
        (c.x.size() > 2 ? ", " + std::to_string(c.x[2]) : "") + "]";
    std::vector<NamedAttr> attrs = {{"axis", c.axis}};
    std::vector<NamedAttr> res = {{"axis", c.axis}, {"residual", int64_t(1)}};
    auto [c0, g0] = runBoth("linear", attrs, {&x, &w, &b}, {c.y});
    expectClose(g0[0], c0[0], 1e-5, "linear + bias, " + what);
    auto [c1, g1] = runBoth("linear", res, {&x, &w, &r, &b}, {c.y});
    expectClose(g1[0], c1[0], 1e-5, "linear + residual + bias, " + what);
    auto [c2, g2] = runBoth("linear_grad_input", attrs, {&dy, &w}, {c.x});
    expectClose(g2[0], c2[0], 1e-5, "grad_input, " + what);
    auto [c3, g3] = runBoth("linear_grad_input", attrs, {&dy, &w, &acc}, {c.x});
    expectClose(g3[0], c3[0], 1e-5, "grad_input + accumulate, " + what);
    auto [c4, g4] =
        runBoth("linear_grad_params", attrs, {&x, &dy}, {c.w, {c.w[0]}});
    expectClose(g4[0], c4[0], 1e-5, "grad_params dw, " + what);
    expectClose(g4[1], c4[1], 1e-5, "grad_params db, " + what);
  }
}

TEST(CudaParity, LossesAndGradients) {
  SHODH_REQUIRE_CUDA_DEVICE();
  // 40000 elements per sample: several reduction chunks per row.
  HostTensor p = uniform({3, 4, 100, 100}, 13),
             t = uniform({3, 4, 100, 100}, 14);
  HostTensor dloss(DType::F32, {1});
  dloss.f32()[0] = 0.37f;
  for (const char *loss : {"mse_loss", "rel_l2_loss"}) {
    auto [c, g] = runBoth(loss, {}, {&p, &t}, {{1}});
    expectClose(g[0], c[0], 1e-6, loss);
    // The gradients' values are ~1e-5: compared to their largest magnitude
    // (both sides form them in double and round once), so a coefficient 1%
    // off (another sample's norm) fails.
    std::string grad = std::string(loss) + "_grad";
    auto [cg, gg] = runBoth(grad, {}, {&p, &t}, {p.shape});
    expectCloseToScale(gg[0], cg[0], 1e-6, grad);
    auto [cd, gd] = runBoth(grad, {}, {&p, &t, &dloss}, {p.shape});
    expectCloseToScale(gd[0], cd[0], 1e-6, grad + " with dloss");
  }
  // A zero target sample takes the guarded norm of 1, as on the CPU.
  HostTensor z(DType::F32, {2, 10});
  HostTensor q = uniform({2, 10}, 15);
  auto [c0, g0] = runBoth("rel_l2_loss", {}, {&q, &z}, {{1}});
  expectClose(g0[0], c0[0], 1e-6, "rel_l2 with a zero target");
  // mean_square: the mse against an implied zero target, its gradient
  // scaled by dloss.
  auto [cm, gm] = runBoth("mean_square", {}, {&p}, {{1}});
  expectClose(gm[0], cm[0], 1e-6, "mean_square");
  auto [cmg, gmg] = runBoth("mean_square_grad", {}, {&p, &dloss}, {p.shape});
  expectCloseToScale(gmg[0], cmg[0], 1e-6, "mean_square_grad");
}

TEST(CudaParity, SumsAreDeterministic) {
  SHODH_REQUIRE_CUDA_DEVICE();
  HostTensor p = uniform({2, 300000}, 16), t = uniform({2, 300000}, 17);
  HostTensor a(DType::F32, {1}), b(DType::F32, {1});
  runOnCuda("rel_l2_loss", {}, {&p, &t}, {&a});
  runOnCuda("rel_l2_loss", {}, {&p, &t}, {&b});
  EXPECT_EQ(std::memcmp(a.f32(), b.f32(), 4), 0);
  runOnCuda("grad_global_norm", {}, {&p, &t}, {&a});
  runOnCuda("grad_global_norm", {}, {&p, &t}, {&b});
  EXPECT_EQ(std::memcmp(a.f32(), b.f32(), 4), 0);
}

TEST(CudaParity, AdamAndAdamW) {
  SHODH_REQUIRE_CUDA_DEVICE();
  for (int64_t decoupled : {0, 1}) {
    HostTensor p = uniform({5, 999}, 18), g = uniform({5, 999}, 19),
               m = uniform({5, 999}, 20), v = uniform({5, 999}, 21);
    for (int64_t i = 0; i < v.numel(); ++i)
      v.f32()[i] = std::fabs(v.f32()[i]);
    HostTensor step(DType::I64, {1}), lr(DType::F32, {1});
    *reinterpret_cast<int64_t *>(step.storage.data()) = 7;
    lr.f32()[0] = 3e-3f;
    std::vector<NamedAttr> attrs = {{"beta1", 0.9},
                                    {"beta2", 0.999},
                                    {"eps", 1e-8},
                                    {"weight_decay", 0.01},
                                    {"decoupled", decoupled}};
    auto [c, gpu] = runBoth("adam", attrs, {&p, &g, &m, &v, &step, &lr},
                            {p.shape, p.shape, p.shape});
    for (int k = 0; k < 3; ++k)
      expectClose(gpu[k], c[k], 0, "adam output " + std::to_string(k));
  }
}

TEST(CudaParity, GradNormClipStep) {
  SHODH_REQUIRE_CUDA_DEVICE();
  HostTensor a = uniform({70000}, 22), b = uniform({3, 5}, 23);
  auto [cn, gn] = runBoth("grad_global_norm", {}, {&a, &b}, {{1}});
  expectClose(gn[0], cn[0], 1e-6, "grad_global_norm");
  HostTensor norm = cloneTensor(cn[0]);
  auto [cc, gc] =
      runBoth("clip_by_norm", {{"max_norm", 1.5}}, {&a, &norm}, {a.shape});
  expectClose(gc[0], cc[0], 0, "clip_by_norm");
  HostTensor step(DType::I64, {1});
  *reinterpret_cast<int64_t *>(step.storage.data()) = 41;
  HostTensor outC(DType::I64, {1}), outG(DType::I64, {1});
  runKernel("step_increment", {}, {&step}, {&outC}, 1);
  runOnCuda("step_increment", {}, {&step}, {&outG});
  EXPECT_EQ(*reinterpret_cast<int64_t *>(outG.storage.data()), 42);
  EXPECT_EQ(*reinterpret_cast<int64_t *>(outC.storage.data()), 42);
}

} // namespace

namespace {

/// A complex<f32> tensor with uniform real and imaginary parts in [-1, 1).
HostTensor complexUniform(Shape s, uint32_t seed) {
  HostTensor h(DType::C64, std::move(s));
  h.fillUniform(seed);
  return h;
}

TEST(CudaParity, SpectralConv1d2d3d) {
  SHODH_REQUIRE_CUDA_DEVICE();
  struct Case {
    Shape x, w, y;
    std::vector<int64_t> modes;
  };
  for (const Case &c :
       {Case{{2, 3, 32}, {3, 4, 5}, {2, 4, 32}, {5}},
        Case{{2, 3, 16, 16}, {3, 4, 8, 4}, {2, 4, 16, 16}, {4, 4}},
        Case{{2, 3, 16, 12}, {3, 2, 6, 7}, {2, 2, 16, 12}, {3, 7}},
        Case{{1, 2, 8, 8, 8}, {2, 3, 4, 4, 3}, {1, 3, 8, 8, 8}, {2, 2, 3}}}) {
    HostTensor x = uniform(c.x, 24), w = complexUniform(c.w, 25);
    auto [cpu, gpu] =
        runBoth("spectral_conv", {{"modes", c.modes}}, {&x, &w}, {c.y});
    expectClose(gpu[0], cpu[0], 1e-4,
                "spectral_conv d=" + std::to_string(c.modes.size()));
  }
}

TEST(CudaParity, SpectralConvSavesTheSpectrum) {
  SHODH_REQUIRE_CUDA_DEVICE();
  HostTensor x = uniform({2, 3, 16, 16}, 26),
             w = complexUniform({3, 4, 8, 4}, 27);
  std::vector<NamedAttr> attrs = {{"modes", std::vector<int64_t>{4, 4}},
                                  {"save_spectrum", int64_t(1)}};
  HostTensor yc(DType::F32, {2, 4, 16, 16}), yg(DType::F32, {2, 4, 16, 16});
  HostTensor sc(DType::C64, {2, 3, 8, 4}), sg(DType::C64, {2, 3, 8, 4});
  runKernel("spectral_conv", attrs, {&x, &w}, {&yc, &sc}, 2);
  runOnCuda("spectral_conv", attrs, {&x, &w}, {&yg, &sg});
  expectClose(yg, yc, 1e-4, "spectral_conv output");
  // The spectrum as 2 * numel floats.
  HostTensor fc(DType::F32, {2 * sc.numel()}), fg(DType::F32, {2 * sg.numel()});
  std::memcpy(fc.f32(), sc.storage.data(), sc.storage.size());
  std::memcpy(fg.f32(), sg.storage.data(), sg.storage.size());
  expectClose(fg, fc, 1e-4, "saved spectrum");
}

// spectral_conv_add: y = act(spectral_conv(x, w) + a), both GELU forms and
// the plain sum.
TEST(CudaParity, SpectralConvAddsAndActivates) {
  SHODH_REQUIRE_CUDA_DEVICE();
  HostTensor x = uniform({2, 3, 16, 16}, 28), w = complexUniform({3, 4, 8, 4}, 29),
             a = uniform({2, 4, 16, 16}, 30);
  for (std::string act : {"none", "gelu", "gelu_tanh"}) {
    std::vector<NamedAttr> attrs = {{"modes", std::vector<int64_t>{4, 4}},
                                    {"addend", int64_t(1)},
                                    {"activation", act}};
    auto [cpu, gpu] = runBoth("spectral_conv", attrs, {&x, &w, &a}, {{2, 4, 16, 16}});
    expectClose(gpu[0], cpu[0], 1e-4, "spectral_conv addend, activation " + act);
  }
}

// fourier_layer: y = act(spectral_conv(x, w) + W x + b), with and without b.
TEST(CudaParity, SpectralConvWithTheSkipProduct) {
  SHODH_REQUIRE_CUDA_DEVICE();
  HostTensor x = uniform({3, 3, 16, 16}, 31), w = complexUniform({3, 4, 8, 4}, 32),
             sw = uniform({4, 3}, 33), sb = uniform({4}, 34);
  for (bool bias : {true, false}) {
    std::vector<NamedAttr> attrs = {{"modes", std::vector<int64_t>{4, 4}},
                                    {"skip", int64_t(1)},
                                    {"activation", std::string("gelu")}};
    std::vector<const HostTensor *> ins = {&x, &w, &sw};
    if (bias)
      ins.push_back(&sb);
    auto [cpu, gpu] = runBoth("spectral_conv", attrs, ins, {{3, 4, 16, 16}});
    expectClose(gpu[0], cpu[0], 1e-4, bias ? "fourier_layer with bias" : "fourier_layer");
  }
}

} // namespace
