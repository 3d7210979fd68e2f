// --shodh-lower-to-kernels: every KernelOpInterface op becomes a shodh.kernel
// call with its kernel name and attributes; reads stay; other ops are errors.
// RUN: shodh-opt %s -split-input-file -verify-diagnostics -allow-unregistered-dialect --shodh-lower-to-kernels | FileCheck %s

shodh.param @w {init = {kind = "zeros"}} : tensor<16x3xf32>
shodh.param @b {init = {kind = "zeros"}} : tensor<16xf32>

// CHECK-LABEL: func.func @infer
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
func.func @infer(%x: tensor<2x3xf32>) -> tensor<2x16xf32> {
  // CHECK: %[[W:.*]] = shodh.read @w
  %w = shodh.read @w : tensor<16x3xf32>
  // CHECK: %[[B:.*]] = shodh.read @b
  %b = shodh.read @b : tensor<16xf32>
  // CHECK: %[[H:.*]] = shodh.kernel "linear"(%[[X]], %[[W]], %[[B]]) {attrs = {axis = 1 : i64}} : (tensor<2x3xf32>, tensor<16x3xf32>, tensor<16xf32>) -> tensor<2x16xf32>
  %h = shodh.linear %x, %w, %b : (tensor<2x3xf32>, tensor<16x3xf32>, tensor<16xf32>) -> tensor<2x16xf32>
  // CHECK: %[[G:.*]] = shodh.kernel "gelu"(%[[H]]) {attrs = {approximate = "tanh"}}
  %g = shodh.gelu %h {approximate = "tanh"} : (tensor<2x16xf32>) -> tensor<2x16xf32>
  // CHECK: %[[A:.*]] = shodh.kernel "add"(%[[G]], %[[H]]) : (tensor<2x16xf32>, tensor<2x16xf32>) -> tensor<2x16xf32>
  %a = shodh.add %g, %h : (tensor<2x16xf32>, tensor<2x16xf32>) -> tensor<2x16xf32>
  // CHECK: %[[M:.*]] = shodh.kernel "mul"(%[[A]], %[[G]])
  %m = shodh.mul %a, %g : (tensor<2x16xf32>, tensor<2x16xf32>) -> tensor<2x16xf32>
  // CHECK: %[[C:.*]] = shodh.kernel "copy"(%[[M]])
  %c = shodh.kernel "copy"(%m) : (tensor<2x16xf32>) -> tensor<2x16xf32>
  // CHECK: return %[[C]]
  return %c : tensor<2x16xf32>
}

// -----

func.func @unknown(%x: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{op 'test.softmax' has no kernel lowering}}
  %y = "test.softmax"(%x) : (tensor<2xf32>) -> tensor<2xf32>
  return %y : tensor<2xf32>
}

// -----

// Spectral ops lower to the kernels of the runtime's spectral contract:
// rfft/irfft carry ndims and norm (not last_size: the result type has it),
// truncate/pad/spectral_conv carry modes, spectral_contract nothing.
// CHECK-LABEL: func.func @spectral
// CHECK-SAME: (%[[X:.*]]: tensor<2x4x16xf32>, %[[W:.*]]: tensor<4x4x3xcomplex<f32>>)
func.func @spectral(%x: tensor<2x4x16xf32>, %w: tensor<4x4x3xcomplex<f32>>) -> (tensor<2x4x16xf32>, tensor<2x4x16xf32>) {
  // CHECK: %[[F:.*]] = shodh.kernel "rfft"(%[[X]]) {attrs = {ndims = 1 : i64, norm = "backward"}} : (tensor<2x4x16xf32>) -> tensor<2x4x9xcomplex<f32>>
  %f = shodh.rfft %x {ndims = 1 : i64} : (tensor<2x4x16xf32>) -> tensor<2x4x9xcomplex<f32>>
  // CHECK: %[[T:.*]] = shodh.kernel "spectral_truncate"(%[[F]]) {attrs = {modes = array<i64: 3>}}
  %t = shodh.spectral_truncate %f {modes = array<i64: 3>} : (tensor<2x4x9xcomplex<f32>>) -> tensor<2x4x3xcomplex<f32>>
  // CHECK: %[[C:.*]] = shodh.kernel "spectral_contract"(%[[T]], %[[W]]) : (tensor<2x4x3xcomplex<f32>>, tensor<4x4x3xcomplex<f32>>) -> tensor<2x4x3xcomplex<f32>>
  %c = shodh.spectral_contract %t, %w : (tensor<2x4x3xcomplex<f32>>, tensor<4x4x3xcomplex<f32>>) -> tensor<2x4x3xcomplex<f32>>
  // CHECK: %[[P:.*]] = shodh.kernel "spectral_pad"(%[[C]]) {attrs = {modes = array<i64: 3>}}
  %p = shodh.spectral_pad %c {modes = array<i64: 3>, sizes = array<i64: 16>} : (tensor<2x4x3xcomplex<f32>>) -> tensor<2x4x9xcomplex<f32>>
  // CHECK: %[[I:.*]] = shodh.kernel "irfft"(%[[P]]) {attrs = {ndims = 1 : i64, norm = "ortho"}} : (tensor<2x4x9xcomplex<f32>>) -> tensor<2x4x16xf32>
  %i = shodh.irfft %p {ndims = 1 : i64, norm = "ortho", last_size = 16 : i64} : (tensor<2x4x9xcomplex<f32>>) -> tensor<2x4x16xf32>
  // CHECK: %[[S:.*]] = shodh.kernel "spectral_conv"(%[[X]], %[[W]]) {attrs = {modes = array<i64: 3>}} : (tensor<2x4x16xf32>, tensor<4x4x3xcomplex<f32>>) -> tensor<2x4x16xf32>
  %s = shodh.spectral_conv %x, %w {modes = array<i64: 3>} : (tensor<2x4x16xf32>, tensor<4x4x3xcomplex<f32>>) -> tensor<2x4x16xf32>
  return %i, %s : tensor<2x4x16xf32>, tensor<2x4x16xf32>
}

// -----

module attributes {shodh.hyperparams = {modes = 3 : i64}} {
  func.func @unbound(%f: tensor<2x4x9xcomplex<f32>>) -> tensor<2x4x3xcomplex<f32>> {
    // expected-error @+1 {{attribute 'modes' still uses hyperparameters; run --shodh-bind-hyperparams first}}
    %t = shodh.spectral_truncate %f {modes = ["modes"]} : (tensor<2x4x9xcomplex<f32>>) -> tensor<2x4x3xcomplex<f32>>
    return %t : tensor<2x4x3xcomplex<f32>>
  }
}

// -----

func.func @repeat(%x: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{op 'shodh.repeat' has no kernel lowering; run --shodh-expand-repeats first}}
  %r = shodh.repeat (%x) {count = 2 : i64} : (tensor<2xf32>) -> tensor<2xf32> {
  ^bb0(%a: tensor<2xf32>):
    shodh.yield %a : tensor<2xf32>
  }
  return %r : tensor<2xf32>
}

// -----

// Optimizer ops read the tensors they update and list them in `writes`
// (param, m, v for adam; the counter for step_increment); clip_by_norm's
// result overwrites its gradient in place.
shodh.param @w {init = {kind = "zeros"}} : tensor<2x2xf32>
shodh.state @w.adam_m {init = {kind = "zeros"}} : tensor<2x2xf32>
shodh.state @w.adam_v {init = {kind = "zeros"}} : tensor<2x2xf32>
shodh.state @train.step {init = {kind = "zeros"}} : tensor<1xi64>

// CHECK-LABEL: func.func @update
// CHECK-SAME: (%[[G:.*]]: tensor<2x2xf32>, %[[LR:.*]]: tensor<1xf32>)
func.func @update(%g: tensor<2x2xf32>, %lr: tensor<1xf32>) -> tensor<1xf32> {
  // CHECK: %[[TWO:.*]] = shodh.kernel "add"(%[[G]], %[[G]])
  %g2 = shodh.add %g, %g : (tensor<2x2xf32>, tensor<2x2xf32>) -> tensor<2x2xf32>
  // CHECK: %[[N:.*]] = shodh.kernel "grad_global_norm"(%[[TWO]]) : (tensor<2x2xf32>) -> tensor<1xf32>
  %n = shodh.grad_global_norm %g2 : (tensor<2x2xf32>) -> tensor<1xf32>
  // CHECK: %[[C:.*]] = shodh.kernel "clip_by_norm"(%[[TWO]], %[[N]]) {attrs = {max_norm = 5.000000e-01 : f64}} :
  %c = shodh.clip_by_norm %g2, %n {max_norm = 0.5 : f64} : (tensor<2x2xf32>, tensor<1xf32>) -> tensor<2x2xf32>
  // CHECK: %[[S:.*]] = shodh.read @train.step : tensor<1xi64>
  // CHECK: shodh.kernel "step_increment"(%[[S]]) {writes = [@train.step]} : (tensor<1xi64>) -> ()
  shodh.step_increment @train.step
  // CHECK: %[[P:.*]] = shodh.read @w : tensor<2x2xf32>
  // CHECK: %[[M:.*]] = shodh.read @w.adam_m
  // CHECK: %[[V:.*]] = shodh.read @w.adam_v
  // CHECK: %[[T:.*]] = shodh.read @train.step
  // CHECK: shodh.kernel "adam"(%[[P]], %[[C]], %[[M]], %[[V]], %[[T]], %[[LR]]) {attrs = {beta1 = 9.000000e-01 : f64, beta2 = 0.99899999999999999 : f64, decoupled = 1 : i64, eps = 1.000000e-08 : f64, weight_decay = 1.000000e-02 : f64}, writes = [@w, @w.adam_m, @w.adam_v]} : (tensor<2x2xf32>, tensor<2x2xf32>, tensor<2x2xf32>, tensor<2x2xf32>, tensor<1xi64>, tensor<1xf32>) -> ()
  shodh.adam @w, %c, %lr {m = @w.adam_m, v = @w.adam_v, step = @train.step, beta1 = 0.9 : f64, beta2 = 0.999 : f64, eps = 1.0e-8 : f64, weight_decay = 0.01 : f64, decoupled = true} : tensor<2x2xf32>, tensor<1xf32>
  return %n : tensor<1xf32>
}

// -----
// A training layer with its GELU as a third result: the spectral_conv
// kernel with skip, save_spectrum and activated_output, three outputs.
// CHECK-LABEL: func.func @layer_activated
// CHECK-SAME: (%[[X:.*]]: tensor<2x2x8xf32>, %[[W:.*]]: tensor<2x3x3xcomplex<f32>>, %[[SW:.*]]: tensor<3x2xf32>)
func.func @layer_activated(%x: tensor<2x2x8xf32>, %w: tensor<2x3x3xcomplex<f32>>, %sw: tensor<3x2xf32>) -> (tensor<2x3x8xf32>, tensor<2x2x3xcomplex<f32>>, tensor<2x3x8xf32>) {
  // CHECK: %{{.*}}:3 = shodh.kernel "spectral_conv"(%[[X]], %[[W]], %[[SW]]) {attrs = {activated_output = "gelu", activation = "none", modes = array<i64: 3>, save_spectrum = 1 : i64, skip = 1 : i64}} : (tensor<2x2x8xf32>, tensor<2x3x3xcomplex<f32>>, tensor<3x2xf32>) -> (tensor<2x3x8xf32>, tensor<2x2x3xcomplex<f32>>, tensor<2x3x8xf32>)
  %z, %s, %a = shodh.fourier_layer_save %x, %w, %sw {modes = array<i64: 3>, activated_output = "gelu"} : (tensor<2x2x8xf32>, tensor<2x3x3xcomplex<f32>>, tensor<3x2xf32>) -> (tensor<2x3x8xf32>, tensor<2x2x3xcomplex<f32>>, tensor<2x3x8xf32>)
  return %z, %s, %a : tensor<2x3x8xf32>, tensor<2x2x3xcomplex<f32>>, tensor<2x3x8xf32>
}

// -----
// derivative_result and a gradient taking the derivative as given:
// derivative_output = 1 and pre_derivative = 1 (activation "none").
// CHECK-LABEL: func.func @layer_derivative
func.func @layer_derivative(%x: tensor<2x2x8xf32>, %w: tensor<2x3x3xcomplex<f32>>, %sw: tensor<3x2xf32>, %dy: tensor<2x3x8xf32>, %w0: tensor<3x3x3xcomplex<f32>>, %sw0: tensor<3x3xf32>, %xs: tensor<2x3x3xcomplex<f32>>) -> (tensor<2x3x8xf32>, tensor<2x3x8xf32>) {
  // CHECK: shodh.kernel "spectral_conv"({{.*}}) {attrs = {activated_output = "gelu", activation = "none", derivative_output = 1 : i64, modes = array<i64: 3>, save_spectrum = 1 : i64, skip = 1 : i64}}
  %d, %s, %a = shodh.fourier_layer_save %x, %w, %sw {modes = array<i64: 3>, activated_output = "gelu", derivative_result} : (tensor<2x2x8xf32>, tensor<2x3x3xcomplex<f32>>, tensor<3x2xf32>) -> (tensor<2x3x8xf32>, tensor<2x2x3xcomplex<f32>>, tensor<2x3x8xf32>)
  // CHECK: shodh.kernel "spectral_conv_grad"({{.*}}) {attrs = {activation = "none", modes = array<i64: 3>, pre_derivative = 1 : i64, saved_spectrum = 1 : i64, skip = 1 : i64}}
  %dx, %dw = shodh.fourier_layer_grad %xs, %dy, %w0, %sw0, %d {modes = array<i64: 3>, activation = "derivative"} : (tensor<2x3x3xcomplex<f32>>, tensor<2x3x8xf32>, tensor<3x3x3xcomplex<f32>>, tensor<3x3xf32>, tensor<2x3x8xf32>) -> (tensor<2x3x8xf32>, tensor<3x3x3xcomplex<f32>>)
  return %a, %dx : tensor<2x3x8xf32>, tensor<2x3x8xf32>
}
