// shodh.spectral_conv_add, shodh.fourier_layer(_save) and
// shodh.fourier_layer_grad(_params) round-trip, with and without their activation (and the fourier_layer's
// bias, the gradient's saved spectrum).
// RUN: shodh-opt %s | shodh-opt | FileCheck %s

// CHECK-LABEL: func.func @fourier_layer
func.func @fourier_layer(%x: tensor<?x4x16x16xf32>, %w: tensor<4x8x6x3xcomplex<f32>>, %skip: tensor<?x8x16x16xf32>) -> (tensor<?x8x16x16xf32>, tensor<?x8x16x16xf32>) {
  // CHECK: shodh.spectral_conv_add %{{.*}}, %{{.*}}, %{{.*}} {activation = "gelu", modes = array<i64: 3, 3>} : (tensor<?x4x16x16xf32>, tensor<4x8x6x3xcomplex<f32>>, tensor<?x8x16x16xf32>) -> tensor<?x8x16x16xf32>
  %y = shodh.spectral_conv_add %x, %w, %skip {modes = array<i64: 3, 3>, activation = "gelu"} : (tensor<?x4x16x16xf32>, tensor<4x8x6x3xcomplex<f32>>, tensor<?x8x16x16xf32>) -> tensor<?x8x16x16xf32>
  // CHECK: shodh.spectral_conv_add %{{.*}}, %{{.*}}, %{{.*}} {modes = array<i64: 3, 3>} : (tensor<?x4x16x16xf32>, tensor<4x8x6x3xcomplex<f32>>, tensor<?x8x16x16xf32>) -> tensor<?x8x16x16xf32>
  %z = shodh.spectral_conv_add %x, %w, %skip {modes = array<i64: 3, 3>} : (tensor<?x4x16x16xf32>, tensor<4x8x6x3xcomplex<f32>>, tensor<?x8x16x16xf32>) -> tensor<?x8x16x16xf32>
  return %y, %z : tensor<?x8x16x16xf32>, tensor<?x8x16x16xf32>
}

// CHECK-LABEL: func.func @whole_layer
func.func @whole_layer(%x: tensor<?x4x16x16xf32>, %w: tensor<4x8x6x3xcomplex<f32>>, %sw: tensor<8x4xf32>, %sb: tensor<8xf32>) -> (tensor<?x8x16x16xf32>, tensor<?x8x16x16xf32>) {
  // CHECK: shodh.fourier_layer %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} {activation = "gelu", modes = array<i64: 3, 3>} : (tensor<?x4x16x16xf32>, tensor<4x8x6x3xcomplex<f32>>, tensor<8x4xf32>, tensor<8xf32>) -> tensor<?x8x16x16xf32>
  %y = shodh.fourier_layer %x, %w, %sw, %sb {modes = array<i64: 3, 3>, activation = "gelu"} : (tensor<?x4x16x16xf32>, tensor<4x8x6x3xcomplex<f32>>, tensor<8x4xf32>, tensor<8xf32>) -> tensor<?x8x16x16xf32>
  // CHECK: shodh.fourier_layer %{{.*}}, %{{.*}}, %{{.*}} {modes = array<i64: 3, 3>} : (tensor<?x4x16x16xf32>, tensor<4x8x6x3xcomplex<f32>>, tensor<8x4xf32>) -> tensor<?x8x16x16xf32>
  %z = shodh.fourier_layer %x, %w, %sw {modes = array<i64: 3, 3>} : (tensor<?x4x16x16xf32>, tensor<4x8x6x3xcomplex<f32>>, tensor<8x4xf32>) -> tensor<?x8x16x16xf32>
  return %y, %z : tensor<?x8x16x16xf32>, tensor<?x8x16x16xf32>
}

// The fused layer gradient from x or from its saved spectrum, with and
// without the activation's derivative.
// CHECK-LABEL: func.func @layer_gradient
func.func @layer_gradient(%x: tensor<?x4x16x16xf32>, %xs: tensor<?x4x6x3xcomplex<f32>>, %dy: tensor<?x8x16x16xf32>, %w: tensor<4x8x6x3xcomplex<f32>>, %sw: tensor<8x4xf32>, %pre: tensor<?x4x16x16xf32>) -> (tensor<?x4x16x16xf32>, tensor<4x8x6x3xcomplex<f32>>, tensor<?x4x16x16xf32>, tensor<4x8x6x3xcomplex<f32>>) {
  // CHECK: shodh.fourier_layer_grad %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} {modes = array<i64: 3, 3>} : (tensor<?x4x16x16xf32>, tensor<?x8x16x16xf32>, tensor<4x8x6x3xcomplex<f32>>, tensor<8x4xf32>) -> (tensor<?x4x16x16xf32>, tensor<4x8x6x3xcomplex<f32>>)
  %dx, %dw = shodh.fourier_layer_grad %x, %dy, %w, %sw {modes = array<i64: 3, 3>} : (tensor<?x4x16x16xf32>, tensor<?x8x16x16xf32>, tensor<4x8x6x3xcomplex<f32>>, tensor<8x4xf32>) -> (tensor<?x4x16x16xf32>, tensor<4x8x6x3xcomplex<f32>>)
  // CHECK: shodh.fourier_layer_grad %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} {activation = "gelu", modes = array<i64: 3, 3>} : (tensor<?x4x6x3xcomplex<f32>>, tensor<?x8x16x16xf32>, tensor<4x8x6x3xcomplex<f32>>, tensor<8x4xf32>, tensor<?x4x16x16xf32>) -> (tensor<?x4x16x16xf32>, tensor<4x8x6x3xcomplex<f32>>)
  %dz, %dw2 = shodh.fourier_layer_grad %xs, %dy, %w, %sw, %pre {modes = array<i64: 3, 3>, activation = "gelu"} : (tensor<?x4x6x3xcomplex<f32>>, tensor<?x8x16x16xf32>, tensor<4x8x6x3xcomplex<f32>>, tensor<8x4xf32>, tensor<?x4x16x16xf32>) -> (tensor<?x4x16x16xf32>, tensor<4x8x6x3xcomplex<f32>>)
  return %dx, %dw, %dz, %dw2 : tensor<?x4x16x16xf32>, tensor<4x8x6x3xcomplex<f32>>, tensor<?x4x16x16xf32>, tensor<4x8x6x3xcomplex<f32>>
}

// CHECK-LABEL: func.func @layer_save
func.func @layer_save(%x: tensor<?x4x16x16xf32>, %w: tensor<4x8x6x3xcomplex<f32>>, %sw: tensor<8x4xf32>, %sb: tensor<8xf32>) -> (tensor<?x8x16x16xf32>, tensor<?x4x6x3xcomplex<f32>>) {
  // CHECK: shodh.fourier_layer_save %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} {modes = array<i64: 3, 3>} : (tensor<?x4x16x16xf32>, tensor<4x8x6x3xcomplex<f32>>, tensor<8x4xf32>, tensor<8xf32>) -> (tensor<?x8x16x16xf32>, tensor<?x4x6x3xcomplex<f32>>)
  %y, %s = shodh.fourier_layer_save %x, %w, %sw, %sb {modes = array<i64: 3, 3>} : (tensor<?x4x16x16xf32>, tensor<4x8x6x3xcomplex<f32>>, tensor<8x4xf32>, tensor<8xf32>) -> (tensor<?x8x16x16xf32>, tensor<?x4x6x3xcomplex<f32>>)
  return %y, %s : tensor<?x8x16x16xf32>, tensor<?x4x6x3xcomplex<f32>>
}

// With activated_output: a third result, the GELU of the first (the
// pre-activation).
// CHECK-LABEL: func.func @layer_save_activated
func.func @layer_save_activated(%x: tensor<?x4x16x16xf32>, %w: tensor<4x8x6x3xcomplex<f32>>, %sw: tensor<8x4xf32>) -> (tensor<?x8x16x16xf32>, tensor<?x4x6x3xcomplex<f32>>, tensor<?x8x16x16xf32>) {
  // CHECK: %{{.*}}, %{{.*}}, %{{.*}} = shodh.fourier_layer_save %{{.*}}, %{{.*}}, %{{.*}} {activated_output = "gelu_tanh", modes = array<i64: 3, 3>} : (tensor<?x4x16x16xf32>, tensor<4x8x6x3xcomplex<f32>>, tensor<8x4xf32>) -> (tensor<?x8x16x16xf32>, tensor<?x4x6x3xcomplex<f32>>, tensor<?x8x16x16xf32>)
  %z, %s, %a = shodh.fourier_layer_save %x, %w, %sw {modes = array<i64: 3, 3>, activated_output = "gelu_tanh"} : (tensor<?x4x16x16xf32>, tensor<4x8x6x3xcomplex<f32>>, tensor<8x4xf32>) -> (tensor<?x8x16x16xf32>, tensor<?x4x6x3xcomplex<f32>>, tensor<?x8x16x16xf32>)
  return %z, %s, %a : tensor<?x8x16x16xf32>, tensor<?x4x6x3xcomplex<f32>>, tensor<?x8x16x16xf32>
}

// derivative_result: the first result is GELU' of the pre-activation; a
// layer gradient takes such a derivative as given (activation
// "derivative").
// CHECK-LABEL: func.func @layer_save_derivative
func.func @layer_save_derivative(%x: tensor<?x4x16x16xf32>, %w: tensor<4x8x6x3xcomplex<f32>>, %sw: tensor<8x4xf32>, %xs: tensor<?x4x6x3xcomplex<f32>>, %dy: tensor<?x8x16x16xf32>, %w2: tensor<4x8x6x3xcomplex<f32>>, %sw2: tensor<8x4xf32>, %d: tensor<?x4x16x16xf32>) -> (tensor<?x8x16x16xf32>, tensor<?x4x16x16xf32>) {
  // CHECK: shodh.fourier_layer_save %{{.*}}, %{{.*}}, %{{.*}} {activated_output = "gelu", derivative_result, modes = array<i64: 3, 3>}
  %z, %s, %a = shodh.fourier_layer_save %x, %w, %sw {modes = array<i64: 3, 3>, activated_output = "gelu", derivative_result} : (tensor<?x4x16x16xf32>, tensor<4x8x6x3xcomplex<f32>>, tensor<8x4xf32>) -> (tensor<?x8x16x16xf32>, tensor<?x4x6x3xcomplex<f32>>, tensor<?x8x16x16xf32>)
  // CHECK: shodh.fourier_layer_grad %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} {activation = "derivative", modes = array<i64: 3, 3>}
  %dx, %dw = shodh.fourier_layer_grad %xs, %dy, %w2, %sw2, %d {modes = array<i64: 3, 3>, activation = "derivative"} : (tensor<?x4x6x3xcomplex<f32>>, tensor<?x8x16x16xf32>, tensor<4x8x6x3xcomplex<f32>>, tensor<8x4xf32>, tensor<?x4x16x16xf32>) -> (tensor<?x4x16x16xf32>, tensor<4x8x6x3xcomplex<f32>>)
  return %z, %dx : tensor<?x8x16x16xf32>, tensor<?x4x16x16xf32>
}

// The gradient with the skip's parameter gradients: x as source and skip
// input, or the saved spectrum as source with the pre-activation.
// CHECK-LABEL: func.func @layer_gradient_params
func.func @layer_gradient_params(%x: tensor<?x4x16x16xf32>, %xs: tensor<?x4x6x3xcomplex<f32>>, %dy: tensor<?x8x16x16xf32>, %w: tensor<4x8x6x3xcomplex<f32>>, %sw: tensor<8x4xf32>, %pre: tensor<?x4x16x16xf32>) -> (tensor<8x4xf32>, tensor<8xf32>, tensor<8x4xf32>, tensor<8xf32>) {
  // CHECK: shodh.fourier_layer_grad_params %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} {modes = array<i64: 3, 3>} : (tensor<?x4x16x16xf32>, tensor<?x8x16x16xf32>, tensor<4x8x6x3xcomplex<f32>>, tensor<8x4xf32>, tensor<?x4x16x16xf32>) -> (tensor<?x4x16x16xf32>, tensor<4x8x6x3xcomplex<f32>>, tensor<8x4xf32>, tensor<8xf32>)
  %dx, %dw, %sdw, %sdb = shodh.fourier_layer_grad_params %x, %dy, %w, %sw, %x {modes = array<i64: 3, 3>} : (tensor<?x4x16x16xf32>, tensor<?x8x16x16xf32>, tensor<4x8x6x3xcomplex<f32>>, tensor<8x4xf32>, tensor<?x4x16x16xf32>) -> (tensor<?x4x16x16xf32>, tensor<4x8x6x3xcomplex<f32>>, tensor<8x4xf32>, tensor<8xf32>)
  // CHECK: shodh.fourier_layer_grad_params %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} {activation = "gelu", modes = array<i64: 3, 3>} : (tensor<?x4x6x3xcomplex<f32>>, tensor<?x8x16x16xf32>, tensor<4x8x6x3xcomplex<f32>>, tensor<8x4xf32>, tensor<?x4x16x16xf32>, tensor<?x4x16x16xf32>) -> (tensor<?x4x16x16xf32>, tensor<4x8x6x3xcomplex<f32>>, tensor<8x4xf32>, tensor<8xf32>)
  %dz, %dw2, %sdw2, %sdb2 = shodh.fourier_layer_grad_params %xs, %dy, %w, %sw, %x, %pre {modes = array<i64: 3, 3>, activation = "gelu"} : (tensor<?x4x6x3xcomplex<f32>>, tensor<?x8x16x16xf32>, tensor<4x8x6x3xcomplex<f32>>, tensor<8x4xf32>, tensor<?x4x16x16xf32>, tensor<?x4x16x16xf32>) -> (tensor<?x4x16x16xf32>, tensor<4x8x6x3xcomplex<f32>>, tensor<8x4xf32>, tensor<8xf32>)
  return %sdw, %sdb, %sdw2, %sdb2 : tensor<8x4xf32>, tensor<8xf32>, tensor<8x4xf32>, tensor<8xf32>
}
