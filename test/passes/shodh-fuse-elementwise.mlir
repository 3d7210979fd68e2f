// --shodh-fuse-elementwise: an add whose operand is the only use of a linear
// (either operand order, with or without bias) becomes linear_add; one whose
// operand is the only use of a linear_grad_input becomes that op with an
// accumulator. Several uses, an accumulator already present, or different
// types leave the add alone. Then the Fourier-layer folds, forward and
// backward (fourier_layer_grad), the channel MLP with an MSE loss and its
// gradient (channel_mlp_mse_grad), a linear's weight and bias gradients
// of one dy (linear_grad_params), and those of a layer's skip joining the
// layer's gradient (fourier_layer_grad_params).
// RUN: shodh-opt %s -split-input-file --shodh-fuse-elementwise | FileCheck %s

// CHECK-LABEL: func.func @linear_then_add
// CHECK-SAME: (%[[X:.*]]: tensor<?x4x8xf32>, %[[W:.*]]: tensor<4x4xf32>, %[[B:.*]]: tensor<4xf32>, %[[R:.*]]: tensor<?x4x8xf32>)
func.func @linear_then_add(%x: tensor<?x4x8xf32>, %w: tensor<4x4xf32>, %b: tensor<4xf32>, %r: tensor<?x4x8xf32>) -> (tensor<?x4x8xf32>, tensor<?x4x8xf32>) {
  // CHECK-NEXT: %[[Y:.*]] = shodh.linear_add %[[X]], %[[W]], %[[R]], %[[B]] : (tensor<?x4x8xf32>, tensor<4x4xf32>, tensor<?x4x8xf32>, tensor<4xf32>) -> tensor<?x4x8xf32>
  // CHECK-NEXT: %[[Z:.*]] = shodh.linear_add %[[X]], %[[W]], %[[R]] : (tensor<?x4x8xf32>, tensor<4x4xf32>, tensor<?x4x8xf32>) -> tensor<?x4x8xf32>
  // CHECK-NEXT: return %[[Y]], %[[Z]]
  %l = shodh.linear %x, %w, %b {axis = 1 : i64} : (tensor<?x4x8xf32>, tensor<4x4xf32>, tensor<4xf32>) -> tensor<?x4x8xf32>
  %y = shodh.add %l, %r : (tensor<?x4x8xf32>, tensor<?x4x8xf32>) -> tensor<?x4x8xf32>
  %m = shodh.linear %x, %w {axis = 1 : i64} : (tensor<?x4x8xf32>, tensor<4x4xf32>) -> tensor<?x4x8xf32>
  %z = shodh.add %r, %m : (tensor<?x4x8xf32>, tensor<?x4x8xf32>) -> tensor<?x4x8xf32>
  return %y, %z : tensor<?x4x8xf32>, tensor<?x4x8xf32>
}

// -----

// CHECK-LABEL: func.func @grad_input_then_add
// CHECK-SAME: (%[[DY:.*]]: tensor<?x6x8xf32>, %[[W:.*]]: tensor<6x4xf32>, %[[O:.*]]: tensor<?x4x8xf32>)
func.func @grad_input_then_add(%dy: tensor<?x6x8xf32>, %w: tensor<6x4xf32>, %other: tensor<?x4x8xf32>) -> tensor<?x4x8xf32> {
  // CHECK-NEXT: %[[DX:.*]] = shodh.linear_grad_input %[[DY]], %[[W]], %[[O]] : (tensor<?x6x8xf32>, tensor<6x4xf32>, tensor<?x4x8xf32>) -> tensor<?x4x8xf32>
  // CHECK-NEXT: return %[[DX]]
  %g = shodh.linear_grad_input %dy, %w {axis = 1 : i64} : (tensor<?x6x8xf32>, tensor<6x4xf32>) -> tensor<?x4x8xf32>
  %s = shodh.add %other, %g : (tensor<?x4x8xf32>, tensor<?x4x8xf32>) -> tensor<?x4x8xf32>
  return %s : tensor<?x4x8xf32>
}

// -----

// The linear's result is also returned, so the add stays; a gradient that
// already accumulates is not extended; operands of another type stay.
// CHECK-LABEL: func.func @left_alone
// CHECK: shodh.linear %
// CHECK: shodh.add
// CHECK: shodh.linear_grad_input %{{.*}}, %{{.*}}, %{{.*}} :
// CHECK: shodh.add
// CHECK: shodh.linear %
// CHECK: shodh.add
// CHECK-NOT: linear_add
func.func @left_alone(%x: tensor<?x4x8xf32>, %w: tensor<4x4xf32>, %r: tensor<?x4x8xf32>, %dy: tensor<?x4x8xf32>, %s: tensor<2x4x8xf32>) -> (tensor<?x4x8xf32>, tensor<?x4x8xf32>, tensor<?x4x8xf32>, tensor<2x4x8xf32>) {
  %l = shodh.linear %x, %w {axis = 1 : i64} : (tensor<?x4x8xf32>, tensor<4x4xf32>) -> tensor<?x4x8xf32>
  %y = shodh.add %l, %r : (tensor<?x4x8xf32>, tensor<?x4x8xf32>) -> tensor<?x4x8xf32>
  %g = shodh.linear_grad_input %dy, %w, %r {axis = 1 : i64} : (tensor<?x4x8xf32>, tensor<4x4xf32>, tensor<?x4x8xf32>) -> tensor<?x4x8xf32>
  %h = shodh.add %g, %r : (tensor<?x4x8xf32>, tensor<?x4x8xf32>) -> tensor<?x4x8xf32>
  %k = shodh.linear %x, %w {axis = 1 : i64} : (tensor<?x4x8xf32>, tensor<4x4xf32>) -> tensor<?x4x8xf32>
  %t = shodh.add %k, %s : (tensor<?x4x8xf32>, tensor<2x4x8xf32>) -> tensor<2x4x8xf32>
  return %l, %y, %h, %t : tensor<?x4x8xf32>, tensor<?x4x8xf32>, tensor<?x4x8xf32>, tensor<2x4x8xf32>
}

// -----

// A Fourier layer gelu(spectral_conv(x) + linear(x)) becomes one
// fourier_layer (via spectral_conv_add with the skip linear as addend); the
// tanh GELU keeps its form, a missing bias stays missing.
// CHECK-LABEL: func.func @fourier_layer
// CHECK-SAME: (%[[X:.*]]: tensor<?x4x8x8xf32>, %[[SW:.*]]: tensor<4x4x4x2xcomplex<f32>>, %[[W:.*]]: tensor<4x4xf32>, %[[B:.*]]: tensor<4xf32>)
func.func @fourier_layer(%x: tensor<?x4x8x8xf32>, %sw: tensor<4x4x4x2xcomplex<f32>>, %w: tensor<4x4xf32>, %b: tensor<4xf32>) -> (tensor<?x4x8x8xf32>, tensor<?x4x8x8xf32>) {
  // CHECK-NEXT: %[[Y:.*]] = shodh.fourier_layer %[[X]], %[[SW]], %[[W]], %[[B]] {activation = "gelu", modes = array<i64: 2, 2>} : (tensor<?x4x8x8xf32>, tensor<4x4x4x2xcomplex<f32>>, tensor<4x4xf32>, tensor<4xf32>) -> tensor<?x4x8x8xf32>
  // CHECK-NEXT: %[[Z:.*]] = shodh.fourier_layer %[[Y]], %[[SW]], %[[W]] {activation = "gelu_tanh", modes = array<i64: 2, 2>} : (tensor<?x4x8x8xf32>, tensor<4x4x4x2xcomplex<f32>>, tensor<4x4xf32>) -> tensor<?x4x8x8xf32>
  // CHECK-NEXT: return %[[Y]], %[[Z]]
  %s = shodh.spectral_conv %x, %sw {modes = array<i64: 2, 2>} : (tensor<?x4x8x8xf32>, tensor<4x4x4x2xcomplex<f32>>) -> tensor<?x4x8x8xf32>
  %l = shodh.linear %x, %w, %b {axis = 1 : i64} : (tensor<?x4x8x8xf32>, tensor<4x4xf32>, tensor<4xf32>) -> tensor<?x4x8x8xf32>
  %a = shodh.add %s, %l : (tensor<?x4x8x8xf32>, tensor<?x4x8x8xf32>) -> tensor<?x4x8x8xf32>
  %y = shodh.gelu %a : (tensor<?x4x8x8xf32>) -> tensor<?x4x8x8xf32>
  %s2 = shodh.spectral_conv %y, %sw {modes = array<i64: 2, 2>} : (tensor<?x4x8x8xf32>, tensor<4x4x4x2xcomplex<f32>>) -> tensor<?x4x8x8xf32>
  %l2 = shodh.linear %y, %w {axis = 1 : i64} : (tensor<?x4x8x8xf32>, tensor<4x4xf32>) -> tensor<?x4x8x8xf32>
  %a2 = shodh.add %l2, %s2 : (tensor<?x4x8x8xf32>, tensor<?x4x8x8xf32>) -> tensor<?x4x8x8xf32>
  %z = shodh.gelu %a2 {approximate = "tanh"} : (tensor<?x4x8x8xf32>) -> tensor<?x4x8x8xf32>
  return %y, %z : tensor<?x4x8x8xf32>, tensor<?x4x8x8xf32>
}

// -----

// A skip branch over another tensor than the spectral branch's input or
// over another axis stays a separate linear, added by spectral_conv_add.
// CHECK-LABEL: func.func @other_skip_input
// CHECK-SAME: (%[[X:.*]]: tensor<?x4x8x8xf32>, %[[X2:.*]]: tensor<?x4x8x8xf32>, %[[SW:.*]]: tensor<4x4x4x2xcomplex<f32>>, %[[W:.*]]: tensor<4x4xf32>)
func.func @other_skip_input(%x: tensor<?x4x8x8xf32>, %x2: tensor<?x4x8x8xf32>, %sw: tensor<4x4x4x2xcomplex<f32>>, %w: tensor<4x4xf32>) -> tensor<?x4x8x8xf32> {
  // CHECK-NEXT: %[[L:.*]] = shodh.linear %[[X2]], %[[W]] :
  // CHECK-NEXT: %[[Y:.*]] = shodh.spectral_conv_add %[[X]], %[[SW]], %[[L]] {activation = "gelu", modes = array<i64: 2, 2>}
  // CHECK-NEXT: return %[[Y]]
  %s = shodh.spectral_conv %x, %sw {modes = array<i64: 2, 2>} : (tensor<?x4x8x8xf32>, tensor<4x4x4x2xcomplex<f32>>) -> tensor<?x4x8x8xf32>
  %l = shodh.linear %x2, %w {axis = 1 : i64} : (tensor<?x4x8x8xf32>, tensor<4x4xf32>) -> tensor<?x4x8x8xf32>
  %a = shodh.add %s, %l : (tensor<?x4x8x8xf32>, tensor<?x4x8x8xf32>) -> tensor<?x4x8x8xf32>
  %y = shodh.gelu %a : (tensor<?x4x8x8xf32>) -> tensor<?x4x8x8xf32>
  return %y : tensor<?x4x8x8xf32>
}

// -----

// Where the pre-activation sum has another use (it is returned here) the
// GELU stays separate: the sum itself is a fourier_layer without
// activation. Where the spectral result has another use the layer stays
// unfused: only the add folds.
// CHECK-LABEL: func.func @fourier_layer_kept
// CHECK: %[[A:.*]] = shodh.fourier_layer %{{.*}}, %{{.*}}, %{{.*}} {modes = array<i64: 2, 2>}
// CHECK: shodh.gelu %[[A]]
// CHECK: shodh.spectral_conv %
// CHECK: shodh.linear_add
// CHECK: shodh.gelu
// CHECK-NOT: spectral_conv_add
func.func @fourier_layer_kept(%x: tensor<?x4x8x8xf32>, %sw: tensor<4x4x4x2xcomplex<f32>>, %w: tensor<4x4xf32>) -> (tensor<?x4x8x8xf32>, tensor<?x4x8x8xf32>, tensor<?x4x8x8xf32>, tensor<?x4x8x8xf32>) {
  %s = shodh.spectral_conv %x, %sw {modes = array<i64: 2, 2>} : (tensor<?x4x8x8xf32>, tensor<4x4x4x2xcomplex<f32>>) -> tensor<?x4x8x8xf32>
  %l = shodh.linear %x, %w {axis = 1 : i64} : (tensor<?x4x8x8xf32>, tensor<4x4xf32>) -> tensor<?x4x8x8xf32>
  %a = shodh.add %s, %l : (tensor<?x4x8x8xf32>, tensor<?x4x8x8xf32>) -> tensor<?x4x8x8xf32>
  %y = shodh.gelu %a : (tensor<?x4x8x8xf32>) -> tensor<?x4x8x8xf32>
  %t = shodh.spectral_conv %x, %sw {modes = array<i64: 2, 2>} : (tensor<?x4x8x8xf32>, tensor<4x4x4x2xcomplex<f32>>) -> tensor<?x4x8x8xf32>
  %m = shodh.linear %x, %w {axis = 1 : i64} : (tensor<?x4x8x8xf32>, tensor<4x4xf32>) -> tensor<?x4x8x8xf32>
  %c = shodh.add %t, %m : (tensor<?x4x8x8xf32>, tensor<?x4x8x8xf32>) -> tensor<?x4x8x8xf32>
  %z = shodh.gelu %c : (tensor<?x4x8x8xf32>) -> tensor<?x4x8x8xf32>
  return %a, %y, %t, %z : tensor<?x4x8x8xf32>, tensor<?x4x8x8xf32>, tensor<?x4x8x8xf32>, tensor<?x4x8x8xf32>
}

// -----

// (A skip linear that is also returned is not even folded into the add.)
// CHECK-LABEL: func.func @skip_axis_or_use
// CHECK: shodh.linear %{{.*}} {axis = 2 : i64}
// CHECK: shodh.spectral_conv_add
// CHECK: shodh.spectral_conv %
// CHECK: shodh.linear %
// CHECK: shodh.add
// CHECK: shodh.gelu
// CHECK-NOT: fourier_layer
func.func @skip_axis_or_use(%x: tensor<?x4x8x8xf32>, %sw: tensor<4x4x4x2xcomplex<f32>>, %w: tensor<4x4xf32>, %w8: tensor<8x8xf32>) -> (tensor<?x4x8x8xf32>, tensor<?x4x8x8xf32>, tensor<?x4x8x8xf32>) {
  %s = shodh.spectral_conv %x, %sw {modes = array<i64: 2, 2>} : (tensor<?x4x8x8xf32>, tensor<4x4x4x2xcomplex<f32>>) -> tensor<?x4x8x8xf32>
  %l = shodh.linear %x, %w8 {axis = 2 : i64} : (tensor<?x4x8x8xf32>, tensor<8x8xf32>) -> tensor<?x4x8x8xf32>
  %a = shodh.add %s, %l : (tensor<?x4x8x8xf32>, tensor<?x4x8x8xf32>) -> tensor<?x4x8x8xf32>
  %y = shodh.gelu %a : (tensor<?x4x8x8xf32>) -> tensor<?x4x8x8xf32>
  %s2 = shodh.spectral_conv %x, %sw {modes = array<i64: 2, 2>} : (tensor<?x4x8x8xf32>, tensor<4x4x4x2xcomplex<f32>>) -> tensor<?x4x8x8xf32>
  %l2 = shodh.linear %x, %w {axis = 1 : i64} : (tensor<?x4x8x8xf32>, tensor<4x4xf32>) -> tensor<?x4x8x8xf32>
  %a2 = shodh.add %s2, %l2 : (tensor<?x4x8x8xf32>, tensor<?x4x8x8xf32>) -> tensor<?x4x8x8xf32>
  %z = shodh.gelu %a2 : (tensor<?x4x8x8xf32>) -> tensor<?x4x8x8xf32>
  return %y, %z, %l2 : tensor<?x4x8x8xf32>, tensor<?x4x8x8xf32>, tensor<?x4x8x8xf32>
}

// -----

// The last Fourier layer (no GELU) becomes fourier_layer {activation =
// "none"}.
// CHECK-LABEL: func.func @last_layer
// CHECK-SAME: (%[[X:.*]]: tensor<?x4x8x8xf32>, %[[SW:.*]]: tensor<4x4x4x2xcomplex<f32>>, %[[W:.*]]: tensor<4x4xf32>, %[[B:.*]]: tensor<4xf32>)
// CHECK-NEXT: %[[Y:.*]] = shodh.fourier_layer %[[X]], %[[SW]], %[[W]], %[[B]] {modes = array<i64: 2, 2>}
// CHECK-NEXT: return %[[Y]]
func.func @last_layer(%x: tensor<?x4x8x8xf32>, %sw: tensor<4x4x4x2xcomplex<f32>>, %w: tensor<4x4xf32>, %b: tensor<4xf32>) -> tensor<?x4x8x8xf32> {
  %s = shodh.spectral_conv %x, %sw {modes = array<i64: 2, 2>} : (tensor<?x4x8x8xf32>, tensor<4x4x4x2xcomplex<f32>>) -> tensor<?x4x8x8xf32>
  %l = shodh.linear %x, %w, %b {axis = 1 : i64} : (tensor<?x4x8x8xf32>, tensor<4x4xf32>, tensor<4xf32>) -> tensor<?x4x8x8xf32>
  %y = shodh.add %l, %s : (tensor<?x4x8x8xf32>, tensor<?x4x8x8xf32>) -> tensor<?x4x8x8xf32>
  return %y : tensor<?x4x8x8xf32>
}

// -----

// A layer whose input a gradient also reads (training) is fused all the
// same; --shodh-share-spectra then saves its spectrum for the gradient.
// CHECK-LABEL: func.func @last_layer_with_gradient
// CHECK-NEXT: shodh.fourier_layer %{{.*}} {modes = array<i64: 2, 2>}
// CHECK-NEXT: shodh.spectral_conv_grad
func.func @last_layer_with_gradient(%x: tensor<?x4x8x8xf32>, %sw: tensor<4x4x4x2xcomplex<f32>>, %w: tensor<4x4xf32>, %dy: tensor<?x4x8x8xf32>) -> (tensor<?x4x8x8xf32>, tensor<?x4x8x8xf32>, tensor<4x4x4x2xcomplex<f32>>) {
  %s = shodh.spectral_conv %x, %sw {modes = array<i64: 2, 2>} : (tensor<?x4x8x8xf32>, tensor<4x4x4x2xcomplex<f32>>) -> tensor<?x4x8x8xf32>
  %l = shodh.linear %x, %w {axis = 1 : i64} : (tensor<?x4x8x8xf32>, tensor<4x4xf32>) -> tensor<?x4x8x8xf32>
  %y = shodh.add %l, %s : (tensor<?x4x8x8xf32>, tensor<?x4x8x8xf32>) -> tensor<?x4x8x8xf32>
  %dx, %dw = shodh.spectral_conv_grad %x, %dy, %sw {modes = array<i64: 2, 2>} : (tensor<?x4x8x8xf32>, tensor<?x4x8x8xf32>, tensor<4x4x4x2xcomplex<f32>>) -> (tensor<?x4x8x8xf32>, tensor<4x4x4x2xcomplex<f32>>)
  return %y, %dx, %dw : tensor<?x4x8x8xf32>, tensor<?x4x8x8xf32>, tensor<4x4x4x2xcomplex<f32>>
}

// -----

// The backward of a Fourier layer: the skip linear's input gradient
// accumulating onto the spectral one becomes fourier_layer_grad, and the
// previous layer's gelu_grad folds into it (the weight gradient is kept).
// The forward layer becomes fourier_layer.
// CHECK-LABEL: func.func @layer_gradient
// CHECK-SAME: (%[[X:[^:]*]]: tensor<?x4x8x8xf32>, %[[SW:[^:]*]]: tensor<4x4x4x2xcomplex<f32>>, %[[W:[^:]*]]: tensor<4x4xf32>, %[[DY:[^:]*]]: tensor<?x4x8x8xf32>, %[[PRE:[^:]*]]: tensor<?x4x8x8xf32>)
// CHECK: shodh.fourier_layer %[[X]], %[[SW]], %[[W]] {modes = array<i64: 2, 2>}
// CHECK-NEXT: %[[DX:.*]], %[[DW:.*]] = shodh.fourier_layer_grad %[[X]], %[[DY]], %[[SW]], %[[W]], %[[PRE]] {activation = "gelu", modes = array<i64: 2, 2>} : (tensor<?x4x8x8xf32>, tensor<?x4x8x8xf32>, tensor<4x4x4x2xcomplex<f32>>, tensor<4x4xf32>, tensor<?x4x8x8xf32>) -> (tensor<?x4x8x8xf32>, tensor<4x4x4x2xcomplex<f32>>)
// CHECK-NEXT: return %{{.*}}, %[[DX]], %[[DW]]
func.func @layer_gradient(%x: tensor<?x4x8x8xf32>, %sw: tensor<4x4x4x2xcomplex<f32>>, %w: tensor<4x4xf32>, %dy: tensor<?x4x8x8xf32>, %pre: tensor<?x4x8x8xf32>) -> (tensor<?x4x8x8xf32>, tensor<?x4x8x8xf32>, tensor<4x4x4x2xcomplex<f32>>) {
  %s = shodh.spectral_conv %x, %sw {modes = array<i64: 2, 2>} : (tensor<?x4x8x8xf32>, tensor<4x4x4x2xcomplex<f32>>) -> tensor<?x4x8x8xf32>
  %l = shodh.linear %x, %w {axis = 1 : i64} : (tensor<?x4x8x8xf32>, tensor<4x4xf32>) -> tensor<?x4x8x8xf32>
  %y = shodh.add %l, %s : (tensor<?x4x8x8xf32>, tensor<?x4x8x8xf32>) -> tensor<?x4x8x8xf32>
  %dxs, %dw = shodh.spectral_conv_grad %x, %dy, %sw {modes = array<i64: 2, 2>} : (tensor<?x4x8x8xf32>, tensor<?x4x8x8xf32>, tensor<4x4x4x2xcomplex<f32>>) -> (tensor<?x4x8x8xf32>, tensor<4x4x4x2xcomplex<f32>>)
  %dxl = shodh.linear_grad_input %dy, %w {axis = 1 : i64} : (tensor<?x4x8x8xf32>, tensor<4x4xf32>) -> tensor<?x4x8x8xf32>
  %dx = shodh.add %dxl, %dxs : (tensor<?x4x8x8xf32>, tensor<?x4x8x8xf32>) -> tensor<?x4x8x8xf32>
  %dz = shodh.gelu_grad %pre, %dx {approximate = "none"} : (tensor<?x4x8x8xf32>, tensor<?x4x8x8xf32>) -> tensor<?x4x8x8xf32>
  return %y, %dz, %dw : tensor<?x4x8x8xf32>, tensor<?x4x8x8xf32>, tensor<4x4x4x2xcomplex<f32>>
}

// -----

// Without a following gelu_grad the fused gradient has no activation; with
// a tanh gelu_grad it takes "gelu_tanh".
// CHECK-LABEL: func.func @layer_gradient_forms
// CHECK: %{{.*}}, %{{.*}} = shodh.fourier_layer_grad %{{[^,]*}}, %{{[^,]*}}, %{{[^,]*}}, %{{[^,]*}} {modes = array<i64: 2, 2>} :
// CHECK: %{{.*}}, %{{.*}} = shodh.fourier_layer_grad %{{[^,]*}}, %{{[^,]*}}, %{{[^,]*}}, %{{[^,]*}}, %{{[^ ]*}} {activation = "gelu_tanh", modes = array<i64: 2, 2>} :
// CHECK-NOT: gelu_grad
func.func @layer_gradient_forms(%x: tensor<?x4x8x8xf32>, %sw: tensor<4x4x4x2xcomplex<f32>>, %w: tensor<4x4xf32>, %dy: tensor<?x4x8x8xf32>, %pre: tensor<?x4x8x8xf32>) -> (tensor<?x4x8x8xf32>, tensor<4x4x4x2xcomplex<f32>>, tensor<?x4x8x8xf32>, tensor<4x4x4x2xcomplex<f32>>) {
  %dxs, %dw = shodh.spectral_conv_grad %x, %dy, %sw {modes = array<i64: 2, 2>} : (tensor<?x4x8x8xf32>, tensor<?x4x8x8xf32>, tensor<4x4x4x2xcomplex<f32>>) -> (tensor<?x4x8x8xf32>, tensor<4x4x4x2xcomplex<f32>>)
  %dx = shodh.linear_grad_input %dy, %w, %dxs {axis = 1 : i64} : (tensor<?x4x8x8xf32>, tensor<4x4xf32>, tensor<?x4x8x8xf32>) -> tensor<?x4x8x8xf32>
  %dxs2, %dw2 = shodh.spectral_conv_grad %x, %dy, %sw {modes = array<i64: 2, 2>} : (tensor<?x4x8x8xf32>, tensor<?x4x8x8xf32>, tensor<4x4x4x2xcomplex<f32>>) -> (tensor<?x4x8x8xf32>, tensor<4x4x4x2xcomplex<f32>>)
  %dx2 = shodh.linear_grad_input %dy, %w, %dxs2 {axis = 1 : i64} : (tensor<?x4x8x8xf32>, tensor<4x4xf32>, tensor<?x4x8x8xf32>) -> tensor<?x4x8x8xf32>
  %dz = shodh.gelu_grad %pre, %dx2 {approximate = "tanh"} : (tensor<?x4x8x8xf32>, tensor<?x4x8x8xf32>) -> tensor<?x4x8x8xf32>
  return %dx, %dw, %dz, %dw2 : tensor<?x4x8x8xf32>, tensor<4x4x4x2xcomplex<f32>>, tensor<?x4x8x8xf32>, tensor<4x4x4x2xcomplex<f32>>
}

// -----

// Left alone: the spectral input gradient has another use; the skip's
// cotangent is another tensor; the skip mixes another axis; the fused
// gradient's dx is also returned, so the gelu_grad stays separate.
// CHECK-LABEL: func.func @layer_gradient_left_alone
// CHECK-COUNT-3: shodh.spectral_conv_grad %
// CHECK: shodh.fourier_layer_grad
// CHECK-SAME: {modes = array<i64: 2, 2>}
// CHECK: shodh.gelu_grad
func.func @layer_gradient_left_alone(%x: tensor<?x4x8x8xf32>, %sw: tensor<4x4x4x2xcomplex<f32>>, %w: tensor<4x4xf32>, %w8: tensor<8x8xf32>, %dy: tensor<?x4x8x8xf32>, %dy2: tensor<?x4x8x8xf32>, %pre: tensor<?x4x8x8xf32>) -> (tensor<?x4x8x8xf32>, tensor<?x4x8x8xf32>, tensor<?x4x8x8xf32>, tensor<?x4x8x8xf32>, tensor<?x4x8x8xf32>, tensor<?x4x8x8xf32>, tensor<4x4x4x2xcomplex<f32>>, tensor<4x4x4x2xcomplex<f32>>, tensor<4x4x4x2xcomplex<f32>>, tensor<4x4x4x2xcomplex<f32>>) {
  %a, %adw = shodh.spectral_conv_grad %x, %dy, %sw {modes = array<i64: 2, 2>} : (tensor<?x4x8x8xf32>, tensor<?x4x8x8xf32>, tensor<4x4x4x2xcomplex<f32>>) -> (tensor<?x4x8x8xf32>, tensor<4x4x4x2xcomplex<f32>>)
  %ad = shodh.linear_grad_input %dy, %w, %a {axis = 1 : i64} : (tensor<?x4x8x8xf32>, tensor<4x4xf32>, tensor<?x4x8x8xf32>) -> tensor<?x4x8x8xf32>
  %b, %bdw = shodh.spectral_conv_grad %x, %dy, %sw {modes = array<i64: 2, 2>} : (tensor<?x4x8x8xf32>, tensor<?x4x8x8xf32>, tensor<4x4x4x2xcomplex<f32>>) -> (tensor<?x4x8x8xf32>, tensor<4x4x4x2xcomplex<f32>>)
  %bd = shodh.linear_grad_input %dy2, %w, %b {axis = 1 : i64} : (tensor<?x4x8x8xf32>, tensor<4x4xf32>, tensor<?x4x8x8xf32>) -> tensor<?x4x8x8xf32>
  %c, %cdw = shodh.spectral_conv_grad %x, %dy, %sw {modes = array<i64: 2, 2>} : (tensor<?x4x8x8xf32>, tensor<?x4x8x8xf32>, tensor<4x4x4x2xcomplex<f32>>) -> (tensor<?x4x8x8xf32>, tensor<4x4x4x2xcomplex<f32>>)
  %cd = shodh.linear_grad_input %dy, %w8, %c {axis = 3 : i64} : (tensor<?x4x8x8xf32>, tensor<8x8xf32>, tensor<?x4x8x8xf32>) -> tensor<?x4x8x8xf32>
  %d, %ddw = shodh.spectral_conv_grad %x, %dy, %sw {modes = array<i64: 2, 2>} : (tensor<?x4x8x8xf32>, tensor<?x4x8x8xf32>, tensor<4x4x4x2xcomplex<f32>>) -> (tensor<?x4x8x8xf32>, tensor<4x4x4x2xcomplex<f32>>)
  %dd = shodh.linear_grad_input %dy, %w, %d {axis = 1 : i64} : (tensor<?x4x8x8xf32>, tensor<4x4xf32>, tensor<?x4x8x8xf32>) -> tensor<?x4x8x8xf32>
  %dz = shodh.gelu_grad %pre, %dd {approximate = "none"} : (tensor<?x4x8x8xf32>, tensor<?x4x8x8xf32>) -> tensor<?x4x8x8xf32>
  return %a, %ad, %bd, %cd, %dd, %dz, %adw, %bdw, %cdw, %ddw : tensor<?x4x8x8xf32>, tensor<?x4x8x8xf32>, tensor<?x4x8x8xf32>, tensor<?x4x8x8xf32>, tensor<?x4x8x8xf32>, tensor<?x4x8x8xf32>, tensor<4x4x4x2xcomplex<f32>>, tensor<4x4x4x2xcomplex<f32>>, tensor<4x4x4x2xcomplex<f32>>, tensor<4x4x4x2xcomplex<f32>>
}

// -----

// A spectral weight shared by two layers: autodiff sums the two weight
// gradients right after the second one, before that layer's gelu_grad. The
// fused ops are created where every use of their results follows them.
// CHECK-LABEL: func.func @tied_weights
// CHECK: %[[DX1:.*]], %[[DW1:.*]] = shodh.fourier_layer_grad %{{.*}} {activation = "gelu", modes = array<i64: 2, 2>}
// CHECK-NEXT: %[[DX0:.*]], %[[DW0:.*]] = shodh.fourier_layer_grad %{{[^,]*}}, %[[DX1]], {{.*}} {activation = "gelu", modes = array<i64: 2, 2>}
// CHECK-NEXT: %[[SUM:.*]] = shodh.add %[[DW1]], %[[DW0]]
// CHECK-NEXT: return %[[DX0]], %[[SUM]]
func.func @tied_weights(%h1: tensor<?x4x8x8xf32>, %h0: tensor<?x4x8x8xf32>, %sw: tensor<4x4x4x2xcomplex<f32>>, %w: tensor<4x4xf32>, %dy1: tensor<?x4x8x8xf32>, %pre1: tensor<?x4x8x8xf32>, %pre0: tensor<?x4x8x8xf32>) -> (tensor<?x4x8x8xf32>, tensor<4x4x4x2xcomplex<f32>>) {
  %dxl1 = shodh.linear_grad_input %dy1, %w {axis = 1 : i64} : (tensor<?x4x8x8xf32>, tensor<4x4xf32>) -> tensor<?x4x8x8xf32>
  %dxs1, %dw1 = shodh.spectral_conv_grad %h1, %dy1, %sw {modes = array<i64: 2, 2>} : (tensor<?x4x8x8xf32>, tensor<?x4x8x8xf32>, tensor<4x4x4x2xcomplex<f32>>) -> (tensor<?x4x8x8xf32>, tensor<4x4x4x2xcomplex<f32>>)
  %dx1 = shodh.add %dxl1, %dxs1 : (tensor<?x4x8x8xf32>, tensor<?x4x8x8xf32>) -> tensor<?x4x8x8xf32>
  %dy0 = shodh.gelu_grad %pre1, %dx1 {approximate = "none"} : (tensor<?x4x8x8xf32>, tensor<?x4x8x8xf32>) -> tensor<?x4x8x8xf32>
  %dxl0 = shodh.linear_grad_input %dy0, %w {axis = 1 : i64} : (tensor<?x4x8x8xf32>, tensor<4x4xf32>) -> tensor<?x4x8x8xf32>
  %dxs0, %dw0 = shodh.spectral_conv_grad %h0, %dy0, %sw {modes = array<i64: 2, 2>} : (tensor<?x4x8x8xf32>, tensor<?x4x8x8xf32>, tensor<4x4x4x2xcomplex<f32>>) -> (tensor<?x4x8x8xf32>, tensor<4x4x4x2xcomplex<f32>>)
  %dx0 = shodh.add %dxl0, %dxs0 : (tensor<?x4x8x8xf32>, tensor<?x4x8x8xf32>) -> tensor<?x4x8x8xf32>
  %dwsum = shodh.add %dw1, %dw0 : (tensor<4x4x4x2xcomplex<f32>>, tensor<4x4x4x2xcomplex<f32>>) -> tensor<4x4x4x2xcomplex<f32>>
  %dz = shodh.gelu_grad %pre0, %dx0 {approximate = "none"} : (tensor<?x4x8x8xf32>, tensor<?x4x8x8xf32>) -> tensor<?x4x8x8xf32>
  return %dz, %dwsum : tensor<?x4x8x8xf32>, tensor<4x4x4x2xcomplex<f32>>
}

// -----

// No valid point: the pre-activation is computed after the layer gradient
// and the weight gradient is used before the gelu_grad, so it stays apart.
// CHECK-LABEL: func.func @no_fusion_point
// CHECK: shodh.fourier_layer_grad
// CHECK-SAME: {modes = array<i64: 2, 2>}
// CHECK: shodh.add
// CHECK: shodh.add
// CHECK: shodh.gelu_grad
func.func @no_fusion_point(%x: tensor<?x4x8x8xf32>, %sw: tensor<4x4x4x2xcomplex<f32>>, %w: tensor<4x4xf32>, %dy: tensor<?x4x8x8xf32>, %p: tensor<?x4x8x8xf32>) -> (tensor<?x4x8x8xf32>, tensor<4x4x4x2xcomplex<f32>>) {
  %dxs, %dw = shodh.spectral_conv_grad %x, %dy, %sw {modes = array<i64: 2, 2>} : (tensor<?x4x8x8xf32>, tensor<?x4x8x8xf32>, tensor<4x4x4x2xcomplex<f32>>) -> (tensor<?x4x8x8xf32>, tensor<4x4x4x2xcomplex<f32>>)
  %dx = shodh.linear_grad_input %dy, %w, %dxs {axis = 1 : i64} : (tensor<?x4x8x8xf32>, tensor<4x4xf32>, tensor<?x4x8x8xf32>) -> tensor<?x4x8x8xf32>
  %dw2 = shodh.add %dw, %dw : (tensor<4x4x4x2xcomplex<f32>>, tensor<4x4x4x2xcomplex<f32>>) -> tensor<4x4x4x2xcomplex<f32>>
  %pre = shodh.add %p, %p : (tensor<?x4x8x8xf32>, tensor<?x4x8x8xf32>) -> tensor<?x4x8x8xf32>
  %dz = shodh.gelu_grad %pre, %dx {approximate = "none"} : (tensor<?x4x8x8xf32>, tensor<?x4x8x8xf32>) -> tensor<?x4x8x8xf32>
  return %dz, %dw2 : tensor<?x4x8x8xf32>, tensor<4x4x4x2xcomplex<f32>>
}

// -----

// The MLP's result read by the loss and its gradient only: one op, created
// where the channel_mlp was, its loss replacing mse_loss's.
// CHECK-LABEL: func.func @mlp_mse
// CHECK-NOT: shodh.channel_mlp %
// CHECK: %[[L:.*]], %[[DX:.*]], %{{.*}}, %{{.*}}, %{{.*}}, %[[DB2:.*]] = shodh.channel_mlp_mse_grad %arg0, %arg1, %arg2, %arg3, %arg4, %arg5 {approximate = "tanh"}
// CHECK-NOT: shodh.channel_mlp
// CHECK-NOT: shodh.mse_loss
// CHECK: return %[[L]], %[[DX]], %[[DB2]]
func.func @mlp_mse(%x: tensor<?x4x8xf32>, %w1: tensor<6x4xf32>, %b1: tensor<6xf32>, %w2: tensor<1x6xf32>, %b2: tensor<1xf32>, %t: tensor<?x1x8xf32>) -> (tensor<1xf32>, tensor<?x4x8xf32>, tensor<1xf32>) {
  %y = shodh.channel_mlp %x, %w1, %b1, %w2, %b2 {axis = 1 : i64, approximate = "tanh"} : (tensor<?x4x8xf32>, tensor<6x4xf32>, tensor<6xf32>, tensor<1x6xf32>, tensor<1xf32>) -> tensor<?x1x8xf32>
  %l = shodh.mse_loss %y, %t : (tensor<?x1x8xf32>, tensor<?x1x8xf32>) -> tensor<1xf32>
  %dy = shodh.mse_loss_grad %y, %t : (tensor<?x1x8xf32>, tensor<?x1x8xf32>) -> tensor<?x1x8xf32>
  %dx, %dw1, %db1, %dw2, %db2 = shodh.channel_mlp_grad %x, %w1, %b1, %w2, %dy {axis = 1 : i64, approximate = "tanh"} : (tensor<?x4x8xf32>, tensor<6x4xf32>, tensor<6xf32>, tensor<1x6xf32>, tensor<?x1x8xf32>) -> (tensor<?x4x8xf32>, tensor<6x4xf32>, tensor<6xf32>, tensor<1x6xf32>, tensor<1xf32>)
  return %l, %dx, %db2 : tensor<1xf32>, tensor<?x4x8xf32>, tensor<1xf32>
}

// -----

// Left alone: the MLP's result also returned; a loss against another
// target; a relative L2 loss; the gradient of another MLP (other weights).
// CHECK-LABEL: func.func @mlp_mse_left_alone
// CHECK-NOT: shodh.channel_mlp_mse_grad
// CHECK: return
func.func @mlp_mse_left_alone(%x: tensor<?x4x8xf32>, %w1: tensor<6x4xf32>, %b1: tensor<6xf32>, %w2: tensor<1x6xf32>, %w2b: tensor<1x6xf32>, %b2: tensor<1xf32>, %t: tensor<?x1x8xf32>, %t2: tensor<?x1x8xf32>) -> (tensor<?x1x8xf32>, tensor<?x4x8xf32>, tensor<1xf32>, tensor<?x4x8xf32>, tensor<?x4x8xf32>, tensor<?x4x8xf32>) {
  %y = shodh.channel_mlp %x, %w1, %b1, %w2, %b2 {axis = 1 : i64} : (tensor<?x4x8xf32>, tensor<6x4xf32>, tensor<6xf32>, tensor<1x6xf32>, tensor<1xf32>) -> tensor<?x1x8xf32>
  %dy = shodh.mse_loss_grad %y, %t : (tensor<?x1x8xf32>, tensor<?x1x8xf32>) -> tensor<?x1x8xf32>
  %dx, %dw1, %db1, %dw2, %db2 = shodh.channel_mlp_grad %x, %w1, %b1, %w2, %dy {axis = 1 : i64} : (tensor<?x4x8xf32>, tensor<6x4xf32>, tensor<6xf32>, tensor<1x6xf32>, tensor<?x1x8xf32>) -> (tensor<?x4x8xf32>, tensor<6x4xf32>, tensor<6xf32>, tensor<1x6xf32>, tensor<1xf32>)
  %y2 = shodh.channel_mlp %x, %w1, %b1, %w2, %b2 {axis = 1 : i64, approximate = "tanh"} : (tensor<?x4x8xf32>, tensor<6x4xf32>, tensor<6xf32>, tensor<1x6xf32>, tensor<1xf32>) -> tensor<?x1x8xf32>
  %l2 = shodh.mse_loss %y2, %t2 : (tensor<?x1x8xf32>, tensor<?x1x8xf32>) -> tensor<1xf32>
  %dy2 = shodh.mse_loss_grad %y2, %t : (tensor<?x1x8xf32>, tensor<?x1x8xf32>) -> tensor<?x1x8xf32>
  %dx2, %a1, %a2, %a3, %a4 = shodh.channel_mlp_grad %x, %w1, %b1, %w2, %dy2 {axis = 1 : i64, approximate = "tanh"} : (tensor<?x4x8xf32>, tensor<6x4xf32>, tensor<6xf32>, tensor<1x6xf32>, tensor<?x1x8xf32>) -> (tensor<?x4x8xf32>, tensor<6x4xf32>, tensor<6xf32>, tensor<1x6xf32>, tensor<1xf32>)
  %y3 = shodh.channel_mlp %x, %w1, %b1, %w2, %b2 {axis = 1 : i64, approximate = "none"} : (tensor<?x4x8xf32>, tensor<6x4xf32>, tensor<6xf32>, tensor<1x6xf32>, tensor<1xf32>) -> tensor<?x1x8xf32>
  %dy3 = shodh.rel_l2_loss_grad %y3, %t : (tensor<?x1x8xf32>, tensor<?x1x8xf32>) -> tensor<?x1x8xf32>
  %dx3, %c1, %c2, %c3, %c4 = shodh.channel_mlp_grad %x, %w1, %b1, %w2, %dy3 {axis = 1 : i64} : (tensor<?x4x8xf32>, tensor<6x4xf32>, tensor<6xf32>, tensor<1x6xf32>, tensor<?x1x8xf32>) -> (tensor<?x4x8xf32>, tensor<6x4xf32>, tensor<6xf32>, tensor<1x6xf32>, tensor<1xf32>)
  %y4 = shodh.channel_mlp %x, %w1, %b1, %w2b, %b2 {axis = 1 : i64, approximate = "tanh"} : (tensor<?x4x8xf32>, tensor<6x4xf32>, tensor<6xf32>, tensor<1x6xf32>, tensor<1xf32>) -> tensor<?x1x8xf32>
  %dy4 = shodh.mse_loss_grad %y4, %t : (tensor<?x1x8xf32>, tensor<?x1x8xf32>) -> tensor<?x1x8xf32>
  %dx4, %d1, %d2, %d3, %d4 = shodh.channel_mlp_grad %x, %w1, %b1, %w2, %dy4 {axis = 1 : i64, approximate = "tanh"} : (tensor<?x4x8xf32>, tensor<6x4xf32>, tensor<6xf32>, tensor<1x6xf32>, tensor<?x1x8xf32>) -> (tensor<?x4x8xf32>, tensor<6x4xf32>, tensor<6xf32>, tensor<1x6xf32>, tensor<1xf32>)
  return %y, %dx, %l2, %dx2, %dx3, %dx4 : tensor<?x1x8xf32>, tensor<?x4x8xf32>, tensor<1xf32>, tensor<?x4x8xf32>, tensor<?x4x8xf32>, tensor<?x4x8xf32>
}

// -----

// No mse_loss (only its gradient): fused, the loss result unused (typed
// tensor<1xf32>). A target defined after the MLP: left alone (the fused op
// would take the MLP's place, before its operand).
// CHECK-LABEL: func.func @mlp_mse_forms
// CHECK: %{{.*}}, %[[DX:.*]], %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} = shodh.channel_mlp_mse_grad %arg0, %arg1, %arg2, %arg3, %arg4, %arg5 : (tensor<?x4x8xf32>, tensor<6x4xf32>, tensor<6xf32>, tensor<1x6xf32>, tensor<1xf32>, tensor<?x1x8xf32>) -> (tensor<1xf32>, tensor<?x4x8xf32>, tensor<6x4xf32>, tensor<6xf32>, tensor<1x6xf32>, tensor<1xf32>)
// CHECK: %[[Y:.*]] = shodh.channel_mlp
// CHECK: %[[T:.*]] = shodh.add %arg5, %arg5
// CHECK: shodh.mse_loss_grad %[[Y]], %[[T]]
// CHECK: shodh.channel_mlp_grad
func.func @mlp_mse_forms(%x: tensor<?x4x8xf32>, %w1: tensor<6x4xf32>, %b1: tensor<6xf32>, %w2: tensor<1x6xf32>, %b2: tensor<1xf32>, %t: tensor<?x1x8xf32>) -> (tensor<?x4x8xf32>, tensor<?x4x8xf32>) {
  %y = shodh.channel_mlp %x, %w1, %b1, %w2, %b2 {axis = 1 : i64} : (tensor<?x4x8xf32>, tensor<6x4xf32>, tensor<6xf32>, tensor<1x6xf32>, tensor<1xf32>) -> tensor<?x1x8xf32>
  %dy = shodh.mse_loss_grad %y, %t : (tensor<?x1x8xf32>, tensor<?x1x8xf32>) -> tensor<?x1x8xf32>
  %dx, %dw1, %db1, %dw2, %db2 = shodh.channel_mlp_grad %x, %w1, %b1, %w2, %dy {axis = 1 : i64} : (tensor<?x4x8xf32>, tensor<6x4xf32>, tensor<6xf32>, tensor<1x6xf32>, tensor<?x1x8xf32>) -> (tensor<?x4x8xf32>, tensor<6x4xf32>, tensor<6xf32>, tensor<1x6xf32>, tensor<1xf32>)
  %y2 = shodh.channel_mlp %x, %w1, %b1, %w2, %b2 {axis = 1 : i64} : (tensor<?x4x8xf32>, tensor<6x4xf32>, tensor<6xf32>, tensor<1x6xf32>, tensor<1xf32>) -> tensor<?x1x8xf32>
  %t2 = shodh.add %t, %t : (tensor<?x1x8xf32>, tensor<?x1x8xf32>) -> tensor<?x1x8xf32>
  %dy2 = shodh.mse_loss_grad %y2, %t2 : (tensor<?x1x8xf32>, tensor<?x1x8xf32>) -> tensor<?x1x8xf32>
  %dx2, %a1, %a2, %a3, %a4 = shodh.channel_mlp_grad %x, %w1, %b1, %w2, %dy2 {axis = 1 : i64} : (tensor<?x4x8xf32>, tensor<6x4xf32>, tensor<6xf32>, tensor<1x6xf32>, tensor<?x1x8xf32>) -> (tensor<?x4x8xf32>, tensor<6x4xf32>, tensor<6xf32>, tensor<1x6xf32>, tensor<1xf32>)
  return %dx, %dx2 : tensor<?x4x8xf32>, tensor<?x4x8xf32>
}

// -----

// linear_grad_weight and linear_grad_bias of one dy and axis: one op; a
// bias gradient over another axis (of another tensor) and a weight gradient
// of another dy stay as they are.
// CHECK-LABEL: func.func @param_gradients
// CHECK: %[[PW:.*]], %[[PB:.*]] = shodh.linear_grad_params %arg0, %arg1 : (tensor<?x3x8xf32>, tensor<?x4x8xf32>) -> (tensor<4x3xf32>, tensor<4xf32>)
// CHECK: %[[B:.*]] = shodh.linear_grad_bias %arg2 {axis = 2 : i64}
// CHECK: %[[W:.*]] = shodh.linear_grad_weight %arg0, %arg3
// CHECK: return %[[PW]], %[[PB]], %[[B]], %[[W]]
func.func @param_gradients(%x: tensor<?x3x8xf32>, %dy: tensor<?x4x8xf32>, %dyt: tensor<?x8x4xf32>, %dy2: tensor<?x4x8xf32>) -> (tensor<4x3xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4x3xf32>) {
  %dw = shodh.linear_grad_weight %x, %dy {axis = 1 : i64} : (tensor<?x3x8xf32>, tensor<?x4x8xf32>) -> tensor<4x3xf32>
  %db = shodh.linear_grad_bias %dy {axis = 1 : i64} : (tensor<?x4x8xf32>) -> tensor<4xf32>
  %db3 = shodh.linear_grad_bias %dyt {axis = 2 : i64} : (tensor<?x8x4xf32>) -> tensor<4xf32>
  %dw4 = shodh.linear_grad_weight %x, %dy2 {axis = 1 : i64} : (tensor<?x3x8xf32>, tensor<?x4x8xf32>) -> tensor<4x3xf32>
  return %dw, %db, %db3, %dw4 : tensor<4x3xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4x3xf32>
}

// -----

// The bias gradient first: the same op, where both results' uses follow.
// CHECK-LABEL: func.func @param_gradients_reversed
// CHECK: %[[PW:.*]], %[[PB:.*]] = shodh.linear_grad_params %arg0, %arg1
// CHECK: return %[[PB]], %[[PW]]
func.func @param_gradients_reversed(%x: tensor<?x3x8xf32>, %dy: tensor<?x4x8xf32>) -> (tensor<4xf32>, tensor<4x3xf32>) {
  %db = shodh.linear_grad_bias %dy {axis = 1 : i64} : (tensor<?x4x8xf32>) -> tensor<4xf32>
  %dw = shodh.linear_grad_weight %x, %dy {axis = 1 : i64} : (tensor<?x3x8xf32>, tensor<?x4x8xf32>) -> tensor<4x3xf32>
  return %db, %dw : tensor<4xf32>, tensor<4x3xf32>
}

// -----

// Hand-written IR whose weight gradient reads the bias gradient as its x:
// no fused op could read its own result, so the pair stays.
// CHECK-LABEL: func.func @param_gradients_of_their_own
// CHECK-NOT: linear_grad_params
// CHECK: shodh.linear_grad_bias
// CHECK: shodh.linear_grad_weight
func.func @param_gradients_of_their_own(%dy: tensor<4xf32>) -> tensor<4x4xf32> {
  %db = shodh.linear_grad_bias %dy {axis = 0 : i64} : (tensor<4xf32>) -> tensor<4xf32>
  %dw = shodh.linear_grad_weight %db, %dy {axis = 0 : i64} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4x4xf32>
  return %dw : tensor<4x4xf32>
}

// -----

// A whole layer's backward: the skip's weight and bias gradients of the
// layer's x and dy join the fused layer gradient (after its gelu_grad has
// folded), whichever order the ops come in.
// CHECK-LABEL: func.func @layer_gradient_params
// CHECK-SAME: (%[[X:[^:]*]]: tensor<?x4x8x8xf32>, %[[SW:[^:]*]]: tensor<4x4x4x2xcomplex<f32>>, %[[W:[^:]*]]: tensor<4x4xf32>, %[[DY:[^:]*]]: tensor<?x4x8x8xf32>, %[[PRE:[^:]*]]: tensor<?x4x8x8xf32>)
// CHECK-NEXT: %[[DX:.*]], %[[DW:.*]], %[[SDW:.*]], %[[SDB:.*]] = shodh.fourier_layer_grad_params %[[X]], %[[DY]], %[[SW]], %[[W]], %[[X]], %[[PRE]] {activation = "gelu", modes = array<i64: 2, 2>} : (tensor<?x4x8x8xf32>, tensor<?x4x8x8xf32>, tensor<4x4x4x2xcomplex<f32>>, tensor<4x4xf32>, tensor<?x4x8x8xf32>, tensor<?x4x8x8xf32>) -> (tensor<?x4x8x8xf32>, tensor<4x4x4x2xcomplex<f32>>, tensor<4x4xf32>, tensor<4xf32>)
// CHECK-NEXT: return %[[DX]], %[[DW]], %[[SDW]], %[[SDB]]
func.func @layer_gradient_params(%x: tensor<?x4x8x8xf32>, %sw: tensor<4x4x4x2xcomplex<f32>>, %w: tensor<4x4xf32>, %dy: tensor<?x4x8x8xf32>, %pre: tensor<?x4x8x8xf32>) -> (tensor<?x4x8x8xf32>, tensor<4x4x4x2xcomplex<f32>>, tensor<4x4xf32>, tensor<4xf32>) {
  %dxs, %dw = shodh.spectral_conv_grad %x, %dy, %sw {modes = array<i64: 2, 2>} : (tensor<?x4x8x8xf32>, tensor<?x4x8x8xf32>, tensor<4x4x4x2xcomplex<f32>>) -> (tensor<?x4x8x8xf32>, tensor<4x4x4x2xcomplex<f32>>)
  %dx = shodh.linear_grad_input %dy, %w, %dxs {axis = 1 : i64} : (tensor<?x4x8x8xf32>, tensor<4x4xf32>, tensor<?x4x8x8xf32>) -> tensor<?x4x8x8xf32>
  %dz = shodh.gelu_grad %pre, %dx {approximate = "none"} : (tensor<?x4x8x8xf32>, tensor<?x4x8x8xf32>) -> tensor<?x4x8x8xf32>
  %sdw = shodh.linear_grad_weight %x, %dy {axis = 1 : i64} : (tensor<?x4x8x8xf32>, tensor<?x4x8x8xf32>) -> tensor<4x4xf32>
  %sdb = shodh.linear_grad_bias %dy {axis = 1 : i64} : (tensor<?x4x8x8xf32>) -> tensor<4xf32>
  return %dz, %dw, %sdw, %sdb : tensor<?x4x8x8xf32>, tensor<4x4x4x2xcomplex<f32>>, tensor<4x4xf32>, tensor<4xf32>
}

// -----

// The parameter gradients before the layer gradient, no activation.
// CHECK-LABEL: func.func @layer_gradient_params_first
// CHECK-NEXT: %[[DX2:.*]], %{{.*}}, %[[SDW2:.*]], %[[SDB2:.*]] = shodh.fourier_layer_grad_params %arg0, %arg3, %arg1, %arg2, %arg0 {modes = array<i64: 2, 2>}
// CHECK-NEXT: return %[[SDB2]], %[[SDW2]], %[[DX2]]
func.func @layer_gradient_params_first(%x: tensor<?x4x8x8xf32>, %sw: tensor<4x4x4x2xcomplex<f32>>, %w: tensor<4x4xf32>, %dy: tensor<?x4x8x8xf32>) -> (tensor<4xf32>, tensor<4x4xf32>, tensor<?x4x8x8xf32>) {
  %sdb = shodh.linear_grad_bias %dy {axis = 1 : i64} : (tensor<?x4x8x8xf32>) -> tensor<4xf32>
  %sdw = shodh.linear_grad_weight %x, %dy {axis = 1 : i64} : (tensor<?x4x8x8xf32>, tensor<?x4x8x8xf32>) -> tensor<4x4xf32>
  %dxs, %dw = shodh.spectral_conv_grad %x, %dy, %sw {modes = array<i64: 2, 2>} : (tensor<?x4x8x8xf32>, tensor<?x4x8x8xf32>, tensor<4x4x4x2xcomplex<f32>>) -> (tensor<?x4x8x8xf32>, tensor<4x4x4x2xcomplex<f32>>)
  %dx = shodh.linear_grad_input %dy, %w, %dxs {axis = 1 : i64} : (tensor<?x4x8x8xf32>, tensor<4x4xf32>, tensor<?x4x8x8xf32>) -> tensor<?x4x8x8xf32>
  return %sdb, %sdw, %dx : tensor<4xf32>, tensor<4x4xf32>, tensor<?x4x8x8xf32>
}

// -----

// Left alone: parameter gradients of another x (the lift's input), of
// another dy, and over another axis.
// CHECK-LABEL: func.func @layer_gradient_params_left_alone
// CHECK: shodh.fourier_layer_grad %
// CHECK: shodh.linear_grad_params %arg4, %arg3
// CHECK: shodh.linear_grad_params %arg0, %arg5
// CHECK: shodh.linear_grad_params %arg0, %arg3 {axis = 2 : i64}
// CHECK-NOT: fourier_layer_grad_params
func.func @layer_gradient_params_left_alone(%x: tensor<?x4x8x8xf32>, %sw: tensor<4x4x4x2xcomplex<f32>>, %w: tensor<4x4xf32>, %dy: tensor<?x4x8x8xf32>, %other: tensor<?x4x8x8xf32>, %dy2: tensor<?x4x8x8xf32>) -> (tensor<?x4x8x8xf32>, tensor<4x4x4x2xcomplex<f32>>, tensor<4x4xf32>, tensor<4xf32>, tensor<4x4xf32>, tensor<4xf32>, tensor<8x8xf32>, tensor<8xf32>) {
  %dxs, %dw = shodh.spectral_conv_grad %x, %dy, %sw {modes = array<i64: 2, 2>} : (tensor<?x4x8x8xf32>, tensor<?x4x8x8xf32>, tensor<4x4x4x2xcomplex<f32>>) -> (tensor<?x4x8x8xf32>, tensor<4x4x4x2xcomplex<f32>>)
  %dx = shodh.linear_grad_input %dy, %w, %dxs {axis = 1 : i64} : (tensor<?x4x8x8xf32>, tensor<4x4xf32>, tensor<?x4x8x8xf32>) -> tensor<?x4x8x8xf32>
  %a, %b = shodh.linear_grad_params %other, %dy {axis = 1 : i64} : (tensor<?x4x8x8xf32>, tensor<?x4x8x8xf32>) -> (tensor<4x4xf32>, tensor<4xf32>)
  %c, %d = shodh.linear_grad_params %x, %dy2 {axis = 1 : i64} : (tensor<?x4x8x8xf32>, tensor<?x4x8x8xf32>) -> (tensor<4x4xf32>, tensor<4xf32>)
  %e, %f = shodh.linear_grad_params %x, %dy {axis = 2 : i64} : (tensor<?x4x8x8xf32>, tensor<?x4x8x8xf32>) -> (tensor<8x8xf32>, tensor<8xf32>)
  return %dx, %dw, %a, %b, %c, %d, %e, %f : tensor<?x4x8x8xf32>, tensor<4x4x4x2xcomplex<f32>>, tensor<4x4xf32>, tensor<4xf32>, tensor<4x4xf32>, tensor<4xf32>, tensor<8x8xf32>, tensor<8xf32>
}

// -----

// Hand-written IR whose layer gradient reads the parameter gradient as its
// skip weight: no fused op could read its own result, so both stay.
// CHECK-LABEL: func.func @layer_gradient_reads_params
// CHECK: shodh.linear_grad_params
// CHECK: shodh.fourier_layer_grad %
// CHECK-NOT: fourier_layer_grad_params
func.func @layer_gradient_reads_params(%x: tensor<?x4x8x8xf32>, %sw: tensor<4x4x4x2xcomplex<f32>>, %dy: tensor<?x4x8x8xf32>) -> (tensor<?x4x8x8xf32>, tensor<4xf32>) {
  %a, %b = shodh.linear_grad_params %x, %dy {axis = 1 : i64} : (tensor<?x4x8x8xf32>, tensor<?x4x8x8xf32>) -> (tensor<4x4xf32>, tensor<4xf32>)
  %dx, %dw = shodh.fourier_layer_grad %x, %dy, %sw, %a {modes = array<i64: 2, 2>} : (tensor<?x4x8x8xf32>, tensor<?x4x8x8xf32>, tensor<4x4x4x2xcomplex<f32>>, tensor<4x4xf32>) -> (tensor<?x4x8x8xf32>, tensor<4x4x4x2xcomplex<f32>>)
  return %dx, %b : tensor<?x4x8x8xf32>, tensor<4xf32>
}

// -----

// A gelu_grad that cannot fold (no fusion point, as in @no_fusion_point)
// does not hold the skip's parameter gradients back: they join the layer
// gradient without the activation, and the gelu_grad stays apart.
// CHECK-LABEL: func.func @params_without_foldable_activation
// CHECK: shodh.fourier_layer_grad_params %arg0, %arg3, %arg1, %arg2, %arg0 {modes = array<i64: 2, 2>}
// CHECK: shodh.gelu_grad
func.func @params_without_foldable_activation(%x: tensor<?x4x8x8xf32>, %sw: tensor<4x4x4x2xcomplex<f32>>, %w: tensor<4x4xf32>, %dy: tensor<?x4x8x8xf32>, %p: tensor<?x4x8x8xf32>) -> (tensor<?x4x8x8xf32>, tensor<4x4x4x2xcomplex<f32>>, tensor<4x4xf32>, tensor<4xf32>) {
  %dxs, %dw = shodh.spectral_conv_grad %x, %dy, %sw {modes = array<i64: 2, 2>} : (tensor<?x4x8x8xf32>, tensor<?x4x8x8xf32>, tensor<4x4x4x2xcomplex<f32>>) -> (tensor<?x4x8x8xf32>, tensor<4x4x4x2xcomplex<f32>>)
  %dx = shodh.linear_grad_input %dy, %w, %dxs {axis = 1 : i64} : (tensor<?x4x8x8xf32>, tensor<4x4xf32>, tensor<?x4x8x8xf32>) -> tensor<?x4x8x8xf32>
  %dw2 = shodh.add %dw, %dw : (tensor<4x4x4x2xcomplex<f32>>, tensor<4x4x4x2xcomplex<f32>>) -> tensor<4x4x4x2xcomplex<f32>>
  %pre = shodh.add %p, %p : (tensor<?x4x8x8xf32>, tensor<?x4x8x8xf32>) -> tensor<?x4x8x8xf32>
  %dz = shodh.gelu_grad %pre, %dx {approximate = "none"} : (tensor<?x4x8x8xf32>, tensor<?x4x8x8xf32>) -> tensor<?x4x8x8xf32>
  %sdw, %sdb = shodh.linear_grad_params %x, %dy {axis = 1 : i64} : (tensor<?x4x8x8xf32>, tensor<?x4x8x8xf32>) -> (tensor<4x4xf32>, tensor<4xf32>)
  return %dz, %dw2, %sdw, %sdb : tensor<?x4x8x8xf32>, tensor<4x4x4x2xcomplex<f32>>, tensor<4x4xf32>, tensor<4xf32>
}
