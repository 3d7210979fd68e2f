//===- SpectralGradParityTest.cpp - spectral_conv gradients, CPU vs CUDA --===//
//
// spectral_conv_grad_input, spectral_conv_grad_weight and spectral_conv_grad
// (from x and from the forward's saved spectrum; with fourier_layer_grad's
// skip product and GELU' as well), and the training forward's layer with
// its spectrum saved, on both backends, 1-D to
// 3-D grids with odd and even extents, batch 1 and 3: agreement to FFT
// rounding (cuFFT's full transforms vs FFTW's pruned ones), dW bit-identical
// from run to run (fixed-order batch sums, no atomics). Host-side: every
// kernel of a compiled FNO train_step has a CUDA implementation. Device
// tests skip without a GPU.
//
//===----------------------------------------------------------------------===//
#include "CudaHarness.h"

#include <gtest/gtest.h>

#include <cstring>

using namespace shodh;
using namespace shodh::testing;

namespace {

using Shape = std::vector<int64_t>;

/// One gradient problem: x [B, I, N...], dy [B, O, N...], w [I, O, T...].
struct GradCase {
  Shape x, dy, w, spectrum;
  std::vector<int64_t> modes;
};

std::vector<GradCase> gradCases() {
  return {
      GradCase{{3, 2, 20}, {3, 4, 20}, {2, 4, 6}, {3, 2, 6}, {6}},
      GradCase{
          {1, 3, 16, 16}, {1, 2, 16, 16}, {3, 2, 8, 4}, {1, 3, 8, 4}, {4, 4}},
      GradCase{
          {3, 2, 15, 12}, {3, 3, 15, 12}, {2, 3, 6, 7}, {3, 2, 6, 7}, {3, 7}},
      GradCase{{2, 2, 8, 8, 6},
               {2, 3, 8, 8, 6},
               {2, 3, 4, 4, 3},
               {2, 2, 4, 4, 3},
               {2, 2, 3}}};
}

/// A tensor of `dtype` and `shape` with every float uniform in [-1, 1).
HostTensor random(DType dtype, Shape shape, uint32_t seed) {
  HostTensor t(dtype, std::move(shape));
  t.fillUniform(seed);
  return t;
}

/// The floats of `t` (a complex tensor's as 2 * numel values).
HostTensor asFloats(const HostTensor &t) {
  HostTensor f(DType::F32, {int64_t(t.storage.size() / sizeof(float))});
  std::memcpy(f.f32(), t.storage.data(), t.storage.size());
  return f;
}

/// Runs `name` on both backends and compares each output to `rtol`.
void expectParity(const std::string &name, const std::vector<NamedAttr> &attrs,
                  const std::vector<const HostTensor *> &ins,
                  const std::vector<std::pair<DType, Shape>> &outs, double rtol,
                  const std::string &what) {
  std::vector<HostTensor> cpu, gpu;
  for (const auto &[t, s] : outs)
    cpu.emplace_back(t, s), gpu.emplace_back(t, s);
  std::vector<const HostTensor *> pc, pg;
  for (size_t i = 0; i < outs.size(); ++i)
    pc.push_back(&cpu[i]), pg.push_back(&gpu[i]);
  runKernel(name, attrs, ins, pc, 2);
  runOnCuda(name, attrs, ins, pg);
  for (size_t i = 0; i < outs.size(); ++i)
    expectClose(asFloats(gpu[i]), asFloats(cpu[i]), rtol,
                what + " output " + std::to_string(i));
}

TEST(SpectralGradParity, InputWeightAndBoth) {
  SHODH_REQUIRE_CUDA_DEVICE();
  for (const GradCase &c : gradCases()) {
    std::string what = "d=" + std::to_string(c.modes.size());
    std::vector<NamedAttr> modes = {{"modes", c.modes}};
    HostTensor x = random(DType::F32, c.x, 1), dy = random(DType::F32, c.dy, 2),
               w = random(DType::C64, c.w, 3);
    expectParity("spectral_conv_grad_input", modes, {&dy, &w},
                 {{DType::F32, c.x}}, 1e-4, "grad_input " + what);
    expectParity("spectral_conv_grad_weight", modes, {&x, &dy},
                 {{DType::C64, c.w}}, 1e-4, "grad_weight " + what);
    expectParity("spectral_conv_grad", modes, {&x, &dy, &w},
                 {{DType::F32, c.x}, {DType::C64, c.w}}, 1e-4, "grad " + what);
  }
}

TEST(SpectralGradParity, FromTheSavedSpectrum) {
  SHODH_REQUIRE_CUDA_DEVICE();
  for (const GradCase &c : gradCases()) {
    std::vector<NamedAttr> modes = {{"modes", c.modes}};
    HostTensor x = random(DType::F32, c.x, 4), dy = random(DType::F32, c.dy, 5),
               w = random(DType::C64, c.w, 6);
    // The spectrum the forward saves (CPU), then the gradient from it.
    HostTensor y(DType::F32, c.dy), spectrum(DType::C64, c.spectrum);
    runKernel("spectral_conv",
              {{"modes", c.modes}, {"save_spectrum", int64_t(1)}}, {&x, &w},
              {&y, &spectrum}, 1);
    std::vector<NamedAttr> saved = {{"modes", c.modes},
                                    {"saved_spectrum", int64_t(1)}};
    expectParity("spectral_conv_grad", saved, {&spectrum, &dy, &w},
                 {{DType::F32, c.x}, {DType::C64, c.w}}, 1e-4,
                 "saved d=" + std::to_string(c.modes.size()));
  }
}

// fourier_layer_grad's kernel form: spectral_conv_grad with skip = 1 (dx
// plus Ws^T dy) and an activation (times GELU'(pre)), from the spectrum;
// with skip_params = 1 (fourier_layer_grad_params) also the skip's weight
// and bias gradients.
TEST(SpectralGradParity, LayerGradientWithSkipAndActivation) {
  SHODH_REQUIRE_CUDA_DEVICE();
  for (const GradCase &c : gradCases()) {
    HostTensor x = random(DType::F32, c.x, 9), dy = random(DType::F32, c.dy, 10),
               w = random(DType::C64, c.w, 11), pre = random(DType::F32, c.x, 12),
               ws = random(DType::F32, {c.dy[1], c.x[1]}, 13);
    HostTensor y(DType::F32, c.dy), spectrum(DType::C64, c.spectrum);
    runKernel("spectral_conv", {{"modes", c.modes}, {"save_spectrum", int64_t(1)}}, {&x, &w},
              {&y, &spectrum}, 1);
    std::string what = "layer grad d=" + std::to_string(c.modes.size());
    expectParity("spectral_conv_grad", {{"modes", c.modes}, {"skip", int64_t(1)}},
                 {&x, &dy, &w, &ws}, {{DType::F32, c.x}, {DType::C64, c.w}}, 1e-4,
                 what + " skip");
    expectParity("spectral_conv_grad",
                 {{"modes", c.modes},
                  {"saved_spectrum", int64_t(1)},
                  {"skip", int64_t(1)},
                  {"activation", std::string("gelu")}},
                 {&spectrum, &dy, &w, &ws, &pre}, {{DType::F32, c.x}, {DType::C64, c.w}}, 1e-4,
                 what + " saved, skip, gelu");
    // fourier_layer_grad_params: the skip's weight and bias gradients too.
    expectParity("spectral_conv_grad",
                 {{"modes", c.modes},
                  {"saved_spectrum", int64_t(1)},
                  {"skip", int64_t(1)},
                  {"skip_params", int64_t(1)},
                  {"activation", std::string("gelu")}},
                 {&spectrum, &dy, &w, &ws, &x, &pre},
                 {{DType::F32, c.x},
                  {DType::C64, c.w},
                  {DType::F32, {c.dy[1], c.x[1]}},
                  {DType::F32, {c.dy[1]}}},
                 1e-4, what + " saved, skip params, gelu");
    expectParity(
        "spectral_conv_grad",
        {{"modes", c.modes}, {"skip", int64_t(1)}, {"skip_params", int64_t(1)}},
        {&x, &dy, &w, &ws, &x},
        {{DType::F32, c.x},
         {DType::C64, c.w},
         {DType::F32, {c.dy[1], c.x[1]}},
         {DType::F32, {c.dy[1]}}},
        1e-4, what + " skip params from x");
    // What the compiled train step runs (fuse-layer-activation): the last
    // input is GELU'(pre) itself (pre_derivative), with and without the
    // skip's parameter gradients.
    HostTensor deriv = random(DType::F32, c.x, 22);
    expectParity("spectral_conv_grad",
                 {{"modes", c.modes},
                  {"saved_spectrum", int64_t(1)},
                  {"skip", int64_t(1)},
                  {"pre_derivative", int64_t(1)}},
                 {&spectrum, &dy, &w, &ws, &deriv},
                 {{DType::F32, c.x}, {DType::C64, c.w}}, 1e-4,
                 what + " saved, skip, pre_derivative");
    expectParity("spectral_conv_grad",
                 {{"modes", c.modes},
                  {"saved_spectrum", int64_t(1)},
                  {"skip", int64_t(1)},
                  {"skip_params", int64_t(1)},
                  {"pre_derivative", int64_t(1)}},
                 {&spectrum, &dy, &w, &ws, &x, &deriv},
                 {{DType::F32, c.x},
                  {DType::C64, c.w},
                  {DType::F32, {c.dy[1], c.x[1]}},
                  {DType::F32, {c.dy[1]}}},
                 1e-4, what + " saved, skip params, pre_derivative");
    // The tanh GELU, and an activation without the skip product.
    expectParity("spectral_conv_grad",
                 {{"modes", c.modes},
                  {"saved_spectrum", int64_t(1)},
                  {"skip", int64_t(1)},
                  {"activation", std::string("gelu_tanh")}},
                 {&spectrum, &dy, &w, &ws, &pre},
                 {{DType::F32, c.x}, {DType::C64, c.w}}, 1e-4,
                 what + " saved, skip, gelu_tanh");
    expectParity("spectral_conv_grad",
                 {{"modes", c.modes}, {"activation", std::string("gelu")}},
                 {&x, &dy, &w, &pre}, {{DType::F32, c.x}, {DType::C64, c.w}},
                 1e-4, what + " gelu without skip");
  }
}

// The training forward's fourier_layer_save: spectral_conv with the skip
// product and save_spectrum on both backends.
TEST(SpectralGradParity, LayerForwardSavesTheSpectrum) {
  SHODH_REQUIRE_CUDA_DEVICE();
  for (const GradCase &c : gradCases()) {
    HostTensor x = random(DType::F32, c.x, 14), w = random(DType::C64, c.w, 15),
               ws = random(DType::F32, {c.dy[1], c.x[1]}, 16),
               bs = random(DType::F32, {c.dy[1]}, 17);
    expectParity("spectral_conv",
                 {{"modes", c.modes}, {"skip", int64_t(1)}, {"save_spectrum", int64_t(1)}},
                 {&x, &w, &ws, &bs}, {{DType::F32, c.dy}, {DType::C64, c.spectrum}}, 1e-4,
                 "fourier_layer_save d=" + std::to_string(c.modes.size()));
  }
}

// The same with the layer's GELU as a third output (activated_output, the
// pre-activation kept as the first, or with derivative_output its GELU').
TEST(SpectralGradParity, LayerForwardWithActivatedOutput) {
  SHODH_REQUIRE_CUDA_DEVICE();
  for (const GradCase &c : gradCases()) {
    HostTensor x = random(DType::F32, c.x, 18), w = random(DType::C64, c.w, 19),
               ws = random(DType::F32, {c.dy[1], c.x[1]}, 20),
               bs = random(DType::F32, {c.dy[1]}, 21);
    for (const char *act : {"gelu", "gelu_tanh"})
      for (int64_t derivative : {0, 1}) // the first output z, or act'(z)
        expectParity(
            "spectral_conv",
            {{"modes", c.modes},
             {"skip", int64_t(1)},
             {"save_spectrum", int64_t(1)},
             {"activated_output", std::string(act)},
             {"derivative_output", derivative}},
            {&x, &w, &ws, &bs},
            {{DType::F32, c.dy}, {DType::C64, c.spectrum}, {DType::F32, c.dy}},
            1e-4,
            std::string("fourier_layer_save ") + act +
                (derivative ? " derivative" : "") +
                " d=" + std::to_string(c.modes.size()));
  }
}

/// A description of `shape` with every axis fixed.
TensorDesc fixedDesc(const std::string &name, const Shape &shape,
                     DType dtype = DType::F32) {
  std::vector<Dim> dims;
  for (int64_t n : shape)
    dims.push_back(Dim::fixed(n));
  return symbolic(name, dims, dtype);
}

/// Every byte 0xFF (NaN floats): outputs a kernel must write in full.
void poison(HostTensor &t) {
  std::memset(t.storage.data(), 0xFF, t.storage.size());
}

bool sameBytes(const HostTensor &a, const HostTensor &b) {
  return a.storage.size() == b.storage.size() &&
         std::memcmp(a.storage.data(), b.storage.data(), a.storage.size()) == 0;
}

/// `shape` with its batch axis (0) symbolic.
TensorDesc batchSymbolic(const std::string &name, const Shape &shape,
                         DType dtype) {
  std::vector<Dim> dims{Dim::named("B")};
  for (size_t i = 1; i < shape.size(); ++i)
    dims.push_back(Dim::fixed(shape[i]));
  return symbolic(name, dims, dtype);
}

/// `shape` with batch `b`.
Shape withBatch(Shape shape, int64_t b) {
  shape[0] = b;
  return shape;
}

// One kernel of each of the train step's layer calls (forward with GELU'
// kept, gradient with pre_derivative and the skip's parameters), as a
// session holds them: prepared again for batch 3, 3, 1, 3 (plans and
// scratch remade or reused) and run each time against the CPU, the second
// batch-3 run bitwise the first (the c2r scratch is rebuilt every run).
TEST(SpectralGradParity, LayerKernelsFollowTheBatchAndRepeat) {
  SHODH_REQUIRE_CUDA_DEVICE();
  Device device(0);
  const GradCase c = gradCases()[2];
  const Shape wsShape{c.dy[1], c.x[1]}, bsShape{c.dy[1]};
  std::vector<NamedAttr> fwdAttrs{{"modes", c.modes},
                                  {"skip", int64_t(1)},
                                  {"save_spectrum", int64_t(1)},
                                  {"activated_output", std::string("gelu")},
                                  {"derivative_output", int64_t(1)}};
  std::vector<NamedAttr> gradAttrs{{"modes", c.modes},
                                   {"saved_spectrum", int64_t(1)},
                                   {"skip", int64_t(1)},
                                   {"skip_params", int64_t(1)},
                                   {"pre_derivative", int64_t(1)}};
  PreparedKernel forward("spectral_conv", fwdAttrs,
                         {batchSymbolic("x", c.x, DType::F32),
                          fixedDesc("w", c.w, DType::C64),
                          fixedDesc("ws", wsShape), fixedDesc("bs", bsShape)},
                         {batchSymbolic("d", c.dy, DType::F32),
                          batchSymbolic("s", c.spectrum, DType::C64),
                          batchSymbolic("a", c.dy, DType::F32)});
  PreparedKernel gradient(
      "spectral_conv_grad", gradAttrs,
      {batchSymbolic("s", c.spectrum, DType::C64),
       batchSymbolic("dy", c.dy, DType::F32), fixedDesc("w", c.w, DType::C64),
       fixedDesc("ws", wsShape), batchSymbolic("x", c.x, DType::F32),
       batchSymbolic("d", c.x, DType::F32)},
      {batchSymbolic("dx", c.x, DType::F32), fixedDesc("dw", c.w, DType::C64),
       fixedDesc("dws", wsShape), fixedDesc("dbs", bsShape)});
  HostTensor w = random(DType::C64, c.w, 30),
             ws = random(DType::F32, wsShape, 31),
             bs = random(DType::F32, bsShape, 32);
  std::vector<HostTensor> firstFwd, firstGrad;
  int run = 0;
  for (int64_t b : {3, 3, 1, 3}) {
    const std::string what =
        "run " + std::to_string(run) + ", batch " + std::to_string(b);
    HostTensor x = random(DType::F32, withBatch(c.x, b), 40 + uint32_t(b)),
               dy = random(DType::F32, withBatch(c.dy, b), 50 + uint32_t(b)),
               deriv = random(DType::F32, withBatch(c.x, b), 60 + uint32_t(b));
    auto fwdOuts = [&] {
      std::vector<HostTensor> o;
      o.emplace_back(DType::F32, withBatch(c.dy, b));
      o.emplace_back(DType::C64, withBatch(c.spectrum, b));
      o.emplace_back(DType::F32, withBatch(c.dy, b));
      for (HostTensor &t : o)
        poison(t);
      return o;
    };
    auto gradOuts = [&] {
      std::vector<HostTensor> o;
      o.emplace_back(DType::F32, withBatch(c.x, b));
      o.emplace_back(DType::C64, c.w);
      o.emplace_back(DType::F32, wsShape);
      o.emplace_back(DType::F32, bsShape);
      for (HostTensor &t : o)
        poison(t);
      return o;
    };
    auto ptrs = [](std::vector<HostTensor> &v) {
      std::vector<const HostTensor *> p;
      for (HostTensor &t : v)
        p.push_back(&t);
      return p;
    };
    std::vector<HostTensor> fc = fwdOuts(), fg = fwdOuts();
    runKernel("spectral_conv", fwdAttrs, {&x, &w, &ws, &bs}, ptrs(fc), 2);
    forward.run(device, {&x, &w, &ws, &bs}, ptrs(fg));
    for (size_t i = 0; i < fc.size(); ++i)
      expectClose(asFloats(fg[i]), asFloats(fc[i]), 1e-4,
                  "forward output " + std::to_string(i) + ", " + what);
    // The gradient from the CPU's saved spectrum (both sides the same).
    std::vector<HostTensor> gc = gradOuts(), gg = gradOuts();
    std::vector<const HostTensor *> gin{&fc[1], &dy, &w, &ws, &x, &deriv};
    runKernel("spectral_conv_grad", gradAttrs, gin, ptrs(gc), 2);
    gradient.run(device, gin, ptrs(gg));
    for (size_t i = 0; i < gc.size(); ++i)
      expectClose(asFloats(gg[i]), asFloats(gc[i]), 1e-4,
                  "gradient output " + std::to_string(i) + ", " + what);
    if (run == 0) {
      firstFwd = std::move(fg), firstGrad = std::move(gg);
    } else if (run == 1) {
      for (size_t i = 0; i < fg.size(); ++i)
        EXPECT_TRUE(sameBytes(fg[i], firstFwd[i]))
            << "forward output " << i << " repeat";
      for (size_t i = 0; i < gg.size(); ++i)
        EXPECT_TRUE(sameBytes(gg[i], firstGrad[i]))
            << "gradient output " << i << " repeat";
    }
    ++run;
  }
}

TEST(SpectralGradParity, WeightGradientRepeatsBitwise) {
  SHODH_REQUIRE_CUDA_DEVICE();
  GradCase c = gradCases()[1];
  HostTensor x = random(DType::F32, c.x, 7), dy = random(DType::F32, c.dy, 8);
  HostTensor a(DType::C64, c.w), b(DType::C64, c.w);
  runOnCuda("spectral_conv_grad_weight", {{"modes", c.modes}}, {&x, &dy}, {&a});
  runOnCuda("spectral_conv_grad_weight", {{"modes", c.modes}}, {&x, &dy}, {&b});
  expectClose(asFloats(a), asFloats(b), 0, "two runs");
}

/// The kernels of models/fno.mlir's train_step as compiled by `shodhc
/// --train` (listed by `shodh-run inspect`): all must run on CUDA for
/// `shodh-run train --device cuda`.
TEST(SpectralGradCoverage, FnoTrainStepKernelsAllHaveCudaKernels) {
  const KernelRegistry &r = KernelRegistry::builtin();
  for (const char *k :
       {"adam", "gelu", "gelu_grad", "linear", "linear_grad_bias",
        "linear_grad_input", "linear_grad_weight", "mse_loss", "mse_loss_grad",
        "spectral_conv", "spectral_conv_grad", "spectral_conv_grad_input",
        "spectral_conv_grad_weight", "step_increment", "rel_l2_loss",
        "rel_l2_loss_grad", "grad_global_norm", "clip_by_norm",
        "channel_mlp", "channel_mlp_grad", "channel_mlp_mse_grad", "linear_grad_params"})
    EXPECT_NE(r.find(k, Backend::Cuda), nullptr) << k;
}

} // namespace
