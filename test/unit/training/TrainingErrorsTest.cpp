//===- TrainingErrorsTest.cpp - Invalid calls of the training kernels -----===//
//
// Every factory rejects wrong operand counts, dtypes, missing or mistyped
// attributes and inconsistent static dims with a message that starts with
// the call ("program 'test', call 0 (name)"); prepare re-checks concrete
// shapes that were symbolic.
//
//===----------------------------------------------------------------------===//
#include "TrainingTestSupport.h"

#include <gtest/gtest.h>

using namespace shodh;
using namespace shodh::testing;

namespace {

/// A static f32 (or `dtype`) description.
TensorDesc t(std::vector<int64_t> shape, DType dtype = DType::F32) {
  std::vector<Dim> dims;
  for (int64_t d : shape)
    dims.push_back(Dim::fixed(d));
  return symbolic("t", dims, dtype);
}

/// Expects the factory of `name` to throw an Error containing `needle`.
void expectRejected(const std::string &name, std::vector<NamedAttr> attrs,
                    const std::vector<TensorDesc> &ins,
                    const std::vector<TensorDesc> &outs,
                    const std::string &needle) {
  expectErrorContaining([&] { createKernel(name, attrs, ins, outs); },
                        "program 'test', call 0 (" + name + "): " + needle);
}

TEST(TrainingErrors, OperandCounts) {
  expectRejected("linear_grad_input", {{"axis", int64_t(1)}}, {t({2, 3})},
                 {t({2, 4})}, "expected 2 inputs and 1 outputs, got 1 and 1");
  expectRejected("mse_loss_grad", {}, {t({2}), t({2}), t({1}), t({1})},
                 {t({2})}, "expected 2 to 3 inputs");
  expectRejected("adam", {}, {t({2}), t({2})}, {t({2})},
                 "expected 6 inputs and 3 outputs");
  expectRejected("grad_global_norm", {}, {}, {t({1})},
                 "expected at least 1 input");
  expectRejected("spectral_conv_grad_weight",
                 {{"modes", std::vector<int64_t>{2}}}, {t({1, 2, 8})},
                 {t({2, 2, 2}, DType::C64)}, "expected 2 inputs");
}

TEST(TrainingErrors, DTypes) {
  expectRejected("linear_grad_weight", {{"axis", int64_t(1)}},
                 {t({2, 3}, DType::F64), t({2, 4})}, {t({4, 3})},
                 "x 't' has dtype f64");
  expectRejected("gelu_grad", {}, {t({3}), t({3}, DType::F64)}, {t({3})},
                 "dy 't' has dtype f64 but x has f32");
  expectRejected("spectral_conv_grad_input",
                 {{"modes", std::vector<int64_t>{2}}},
                 {t({1, 2, 8}), t({3, 2, 2})}, {t({1, 3, 8})},
                 "weight 't' has dtype f32; supported: complex<f32>");
  expectRejected("step_increment", {}, {t({1}, DType::I32)},
                 {t({1}, DType::I32)}, "step 't' has dtype i32");
  expectRejected("adam", {{"beta1", 0.9}, {"beta2", 0.999}, {"eps", 1e-8}},
                 {t({2}), t({2}), t({2}), t({2}), t({1}), t({1})},
                 {t({2}), t({2}), t({2})},
                 "step 't' has dtype f32; supported: i64");
}

TEST(TrainingErrors, Attributes) {
  expectRejected("linear_grad_bias", {}, {t({2, 3})}, {t({3})},
                 "missing integer attribute 'axis'");
  expectRejected("linear_grad_bias", {{"axis", int64_t(2)}}, {t({2, 3})},
                 {t({3})}, "attribute 'axis' = 2 is out of range");
  expectRejected("gelu_grad", {{"approximate", std::string("erf")}},
                 {t({3}), t({3})}, {t({3})},
                 "attribute 'approximate' must be \"none\" or \"tanh\"");
  std::vector<TensorDesc> adamIns = {
      t({2}), t({2}), t({2}), t({2}), t({1}, DType::I64), t({1})};
  std::vector<TensorDesc> adamOuts = {t({2}), t({2}), t({2})};
  expectRejected("adam", {{"beta1", 0.9}, {"eps", 1e-8}}, adamIns, adamOuts,
                 "missing float attribute 'beta2'");
  expectRejected("adam", {{"beta1", int64_t(1)}, {"beta2", 0.9}, {"eps", 1e-8}},
                 adamIns, adamOuts, "attribute 'beta1' must be a float");
  expectRejected("adam", {{"beta1", 1.0}, {"beta2", 0.9}, {"eps", 1e-8}},
                 adamIns, adamOuts, "attribute 'beta1' = 1 must be in [0, 1)");
  expectRejected("adam",
                 {{"beta1", 0.9},
                  {"beta2", 0.9},
                  {"eps", 1e-8},
                  {"decoupled", int64_t(2)}},
                 adamIns, adamOuts, "attribute 'decoupled' must be 0 or 1");
  expectRejected("clip_by_norm", {}, {t({4}), t({1})}, {t({4})},
                 "missing float attribute 'max_norm'");
  expectRejected("rfft_grad",
                 {{"ndims", int64_t(1)}, {"norm", std::string("unit")}},
                 {t({2, 5}, DType::C64)}, {t({2, 8})}, "unknown norm 'unit'");
  expectRejected("irfft_grad", {{"norm", std::string("ortho")}}, {t({2, 8})},
                 {t({2, 5}, DType::C64)}, "missing integer attribute 'ndims'");
  expectRejected("spectral_conv_grad_weight", {}, {t({1, 2, 8}), t({1, 3, 8})},
                 {t({2, 3, 2}, DType::C64)},
                 "missing integer-array attribute 'modes'");
}

TEST(TrainingErrors, Shapes) {
  expectRejected("linear_grad_input", {{"axis", int64_t(1)}},
                 {t({2, 4, 5}), t({4, 3})}, {t({2, 3, 6})},
                 "output dim 2 is 6 but dy dim 2 is 5");
  expectRejected("linear_grad_weight", {{"axis", int64_t(1)}},
                 {t({2, 3}), t({2, 4})}, {t({4, 2})},
                 "output dim 1 is 2 but x dim 1 is 3");
  expectRejected("mse_loss", {}, {t({2, 3}), t({2, 3})}, {t({2})},
                 "output must have shape [] or [1]");
  expectRejected("rel_l2_loss_grad", {}, {t({2, 3}), t({2, 4})}, {t({2, 3})},
                 "target dim 1 is 4 but prediction dim 1 is 3");
  expectRejected("adam", {{"beta1", 0.9}, {"beta2", 0.9}, {"eps", 1e-8}},
                 {t({2}), t({3}), t({2}), t({2}), t({1}, DType::I64), t({1})},
                 {t({2}), t({2}), t({2})},
                 "grad dim 0 is 3 but param dim 0 is 2");
  expectRejected("spectral_conv_grad_input",
                 {{"modes", std::vector<int64_t>{2, 2}}},
                 {t({1, 2, 8}), t({3, 2, 4, 2}, DType::C64)}, {t({1, 3, 8})},
                 "dy must have rank 4");
  expectRejected("spectral_conv_grad", {{"modes", std::vector<int64_t>{2}}},
                 {t({1, 2, 8}), t({1, 3, 8}), t({2, 3, 2}, DType::C64)},
                 {t({1, 2, 8})}, "expected 3 inputs and 2 outputs, got 3 and 1");
  expectRejected("spectral_conv_grad", {{"modes", std::vector<int64_t>{2}}},
                 {t({1, 2, 8}), t({1, 3, 8}), t({2, 3, 2}, DType::C64)},
                 {t({1, 2, 8}), t({2, 3, 2})}, "dw 't' has dtype f32; supported: complex<f32>");
  expectRejected("spectral_conv_grad",
                 {{"modes", std::vector<int64_t>{2}}, {"saved_spectrum", int64_t(2)}},
                 {t({1, 2, 8}), t({1, 3, 8}), t({2, 3, 2}, DType::C64)},
                 {t({1, 2, 8}), t({2, 3, 2}, DType::C64)},
                 "attribute 'saved_spectrum' must be 0 or 1, got 2");
  // The fused layer gradient: skip weight and pre-activation counted in.
  expectRejected("spectral_conv_grad", {{"modes", std::vector<int64_t>{2}}, {"skip", int64_t(1)}},
                 {t({1, 2, 8}), t({1, 3, 8}), t({2, 3, 2}, DType::C64)},
                 {t({1, 2, 8}), t({2, 3, 2}, DType::C64)},
                 "expected 4 inputs and 2 outputs, got 3 and 2");
  expectRejected("spectral_conv_grad",
                 {{"modes", std::vector<int64_t>{2}}, {"activation", std::string("gelu")}},
                 {t({1, 2, 8}), t({1, 3, 8}), t({2, 3, 2}, DType::C64)},
                 {t({1, 2, 8}), t({2, 3, 2}, DType::C64)},
                 "expected 4 inputs and 2 outputs, got 3 and 2");
  expectRejected("spectral_conv_grad",
                 {{"modes", std::vector<int64_t>{2}}, {"activation", std::string("relu")}},
                 {t({1, 2, 8}), t({1, 3, 8}), t({2, 3, 2}, DType::C64), t({1, 2, 8})},
                 {t({1, 2, 8}), t({2, 3, 2}, DType::C64)},
                 "attribute 'activation' must be none, gelu or gelu_tanh, got 'relu'");
  expectRejected("spectral_conv_grad", {{"modes", std::vector<int64_t>{2}}, {"skip", int64_t(1)}},
                 {t({1, 2, 8}), t({1, 3, 8}), t({2, 3, 2}, DType::C64), t({3, 2}, DType::C64)},
                 {t({1, 2, 8}), t({2, 3, 2}, DType::C64)},
                 "skip weight 't' has dtype complex<f32>; supported: f32");
  // The params form: skip_params needs skip, counts the skip input and two
  // more outputs, all f32.
  const std::vector<NamedAttr> params = {{"modes", std::vector<int64_t>{2}},
                                         {"skip", int64_t(1)},
                                         {"skip_params", int64_t(1)}};
  const std::vector<TensorDesc> paramIns = {t({1, 2, 8}), t({1, 3, 8}),
                                            t({2, 3, 2}, DType::C64), t({3, 2}),
                                            t({1, 2, 8})};
  const std::vector<TensorDesc> paramOuts = {
      t({1, 2, 8}), t({2, 3, 2}, DType::C64), t({3, 2}), t({3})};
  expectRejected(
      "spectral_conv_grad",
      {{"modes", std::vector<int64_t>{2}}, {"skip_params", int64_t(1)}},
      {t({1, 2, 8}), t({1, 3, 8}), t({2, 3, 2}, DType::C64), t({1, 2, 8})},
      {t({1, 2, 8}), t({2, 3, 2}, DType::C64), t({3, 2}), t({3})},
      "attribute 'skip_params' needs 'skip'");
  expectRejected("spectral_conv_grad", params,
                 {paramIns[0], paramIns[1], paramIns[2], paramIns[3]},
                 paramOuts, "expected 5 inputs and 4 outputs, got 4 and 4");
  expectRejected("spectral_conv_grad", params, paramIns,
                 {paramOuts[0], paramOuts[1]},
                 "expected 5 inputs and 4 outputs, got 5 and 2");
  expectRejected("spectral_conv_grad", params,
                 {paramIns[0], paramIns[1], paramIns[2], paramIns[3],
                  t({1, 2, 8}, DType::F64)},
                 paramOuts, "skip input 't' has dtype f64; supported: f32");
  expectRejected(
      "spectral_conv_grad", params, paramIns,
      {paramOuts[0], paramOuts[1], t({3, 2}, DType::F64), paramOuts[3]},
      "skip weight gradient 't' has dtype f64; supported: f32");
  expectRejected("spectral_conv_grad", params, paramIns,
                 {paramOuts[0], paramOuts[1], paramOuts[2], t({3}, DType::F64)},
                 "skip bias gradient 't' has dtype f64; supported: f32");
  expectRejected("spectral_conv",
                 {{"modes", std::vector<int64_t>{2}}, {"save_spectrum", int64_t(1)}},
                 {t({1, 2, 8}), t({2, 3, 2}, DType::C64)}, {t({1, 3, 8})},
                 "expected 2 inputs and 2 outputs, got 2 and 1");
  // pre_derivative: the last input is act'(pre) itself, so no activation.
  const std::vector<TensorDesc> layerIns = {t({1, 2, 8}), t({1, 3, 8}),
                                            t({2, 3, 2}, DType::C64), t({3, 2}),
                                            t({1, 2, 8})};
  expectRejected(
      "spectral_conv_grad",
      {{"modes", std::vector<int64_t>{2}},
       {"skip", int64_t(1)},
       {"pre_derivative", int64_t(1)},
       {"activation", std::string("gelu")}},
      layerIns, {t({1, 2, 8}), t({2, 3, 2}, DType::C64)},
      "attribute 'pre_derivative' (the last input is act'(pre) itself) needs "
      "activation 'none'");
  expectRejected("spectral_conv_grad",
                 {{"modes", std::vector<int64_t>{2}},
                  {"skip", int64_t(1)},
                  {"pre_derivative", int64_t(1)}},
                 {layerIns[0], layerIns[1], layerIns[2], layerIns[3]},
                 {t({1, 2, 8}), t({2, 3, 2}, DType::C64)},
                 "expected 5 inputs and 2 outputs, got 4 and 2");
  expectRejected("spectral_conv_grad",
                 {{"modes", std::vector<int64_t>{2}},
                  {"skip", int64_t(1)},
                  {"pre_derivative", int64_t(1)}},
                 {layerIns[0], layerIns[1], layerIns[2], layerIns[3],
                  t({1, 2, 8}, DType::F64)},
                 {t({1, 2, 8}), t({2, 3, 2}, DType::C64)},
                 "activation derivative 't' has dtype f64; supported: f32");
}

TEST(TrainingErrors, PrepareRechecksConcreteSpectralShapes) {
  // Modes beyond the grid are only known once shapes are concrete.
  HostTensor dy(DType::F32, {1, 2, 8}), w(DType::C64, {3, 2, 6}),
      dx(DType::F32, {1, 3, 8});
  expectErrorContaining(
      [&] {
        runKernel("spectral_conv_grad_input",
                  {{"modes", std::vector<int64_t>{6}}}, {&dy, &w}, {&dx}, 1);
      },
      "modes[0] = 6 must be in [1, N/2+1 = 5]");
  HostTensor x(DType::F32, {1, 3, 8}), dw(DType::C64, {3, 2, 3});
  expectErrorContaining(
      [&] {
        runKernel("spectral_conv_grad_weight",
                  {{"modes", std::vector<int64_t>{2}}}, {&x, &dy}, {&dw}, 1);
      },
      "output must be [I = 3, O = 2, 2]");
  // fourier_layer_grad's extra inputs, checked once shapes are concrete.
  HostTensor x2(DType::F32, {1, 2, 8}), dy2(DType::F32, {1, 3, 8}), w2(DType::C64, {2, 3, 2}),
      dx2(DType::F32, {1, 2, 8}), dw2(DType::C64, {2, 3, 2}), ws(DType::F32, {2, 3}),
      pre(DType::F32, {1, 2, 7});
  expectErrorContaining(
      [&] {
        runKernel("spectral_conv_grad", {{"modes", std::vector<int64_t>{2}}, {"skip", int64_t(1)}},
                  {&x2, &dy2, &w2, &ws}, {&dx2, &dw2}, 1);
      },
      "skip weight must be [O = 3, I = 2], got [2, 3]");
  HostTensor ws2(DType::F32, {3, 2});
  expectErrorContaining(
      [&] {
        runKernel("spectral_conv_grad",
                  {{"modes", std::vector<int64_t>{2}},
                   {"skip", int64_t(1)},
                   {"activation", std::string("gelu")}},
                  {&x2, &dy2, &w2, &ws2, &pre}, {&dx2, &dw2}, 1);
      },
      "pre-activation must have dx's shape [1, 2, 8], got [1, 2, 7]");
  expectErrorContaining(
      [&] {
        runKernel("spectral_conv_grad",
                  {{"modes", std::vector<int64_t>{2}},
                   {"skip", int64_t(1)},
                   {"pre_derivative", int64_t(1)}},
                  {&x2, &dy2, &w2, &ws2, &pre}, {&dx2, &dw2}, 1);
      },
      "activation derivative must have dx's shape [1, 2, 8], got [1, 2, 7]");
  // fourier_layer_grad_params' skip input and skip gradients.
  const std::vector<NamedAttr> params = {{"modes", std::vector<int64_t>{2}},
                                         {"skip", int64_t(1)},
                                         {"skip_params", int64_t(1)}};
  HostTensor xi(DType::F32, {1, 2, 7}), sdw(DType::F32, {3, 2}),
      sdb(DType::F32, {3}), sdwBad(DType::F32, {2, 3}), sdbBad(DType::F32, {2});
  expectErrorContaining(
      [&] {
        runKernel("spectral_conv_grad", params, {&x2, &dy2, &w2, &ws2, &xi},
                  {&dx2, &dw2, &sdw, &sdb}, 1);
      },
      "skip input must have dx's shape [1, 2, 8], got [1, 2, 7]");
  expectErrorContaining(
      [&] {
        runKernel("spectral_conv_grad", params, {&x2, &dy2, &w2, &ws2, &x2},
                  {&dx2, &dw2, &sdwBad, &sdb}, 1);
      },
      "skip weight and bias gradients must be [3, 2] and [3], got [2, 3] and "
      "[3]");
  expectErrorContaining(
      [&] {
        runKernel("spectral_conv_grad", params, {&x2, &dy2, &w2, &ws2, &x2},
                  {&dx2, &dw2, &sdw, &sdbBad}, 1);
      },
      "skip weight and bias gradients must be [3, 2] and [3], got [3, 2] and "
      "[2]");
}

} // namespace
