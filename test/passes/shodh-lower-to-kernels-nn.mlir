// --shodh-lower-to-kernels on conv, conv_transpose, layer_norm and their
// backward ops: kernel names are the op names; `stride` and `padding` are
// always passed (1 and 0 per spatial axis when the op has none),
// `padding_mode` for conv and its backward ops, `output_padding` for
// conv_transpose, `axis` and `eps` for the layer-norm kernels
// (docs/runtime.md § Convolution and normalisation kernels).
// RUN: shodh-opt %s -verify-diagnostics --shodh-lower-to-kernels | FileCheck %s

// CHECK-LABEL: func.func @infer
func.func @infer(%x: tensor<?x2x8x8x8xf32>, %w: tensor<4x2x4x4x4xf32>, %b: tensor<4xf32>, %g: tensor<4xf32>, %wt: tensor<4x2x4x4x4xf32>, %u: tensor<?x3x10xf32>, %k: tensor<5x3x3xf32>) -> (tensor<?x2x8x8x8xf32>, tensor<?x5x10xf32>) {
  // CHECK: %[[Z:.*]] = shodh.kernel "conv"(%{{.*}}, %{{.*}}, %{{.*}}) {attrs = {padding = array<i64: 1, 1, 1>, padding_mode = "zeros", stride = array<i64: 2, 2, 2>}} : (tensor<?x2x8x8x8xf32>, tensor<4x2x4x4x4xf32>, tensor<4xf32>) -> tensor<?x4x4x4x4xf32>
  %z = shodh.conv %x, %w, %b {stride = array<i64: 2, 2, 2>, padding = array<i64: 1, 1, 1>} : (tensor<?x2x8x8x8xf32>, tensor<4x2x4x4x4xf32>, tensor<4xf32>) -> tensor<?x4x4x4x4xf32>
  // CHECK: %[[N:.*]] = shodh.kernel "layer_norm"(%[[Z]], %{{.*}}, %{{.*}}) {attrs = {axis = 1 : i64, eps = 1.000000e-05 : f64}}
  %n = shodh.layer_norm %z, %g, %b : (tensor<?x4x4x4x4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<?x4x4x4x4xf32>
  // CHECK: shodh.kernel "conv_transpose"(%[[N]], %{{.*}}) {attrs = {output_padding = array<i64: 0, 0, 0>, padding = array<i64: 1, 1, 1>, stride = array<i64: 2, 2, 2>}} : (tensor<?x4x4x4x4xf32>, tensor<4x2x4x4x4xf32>) -> tensor<?x2x8x8x8xf32>
  %y = shodh.conv_transpose %n, %wt {stride = array<i64: 2, 2, 2>, padding = array<i64: 1, 1, 1>} : (tensor<?x4x4x4x4xf32>, tensor<4x2x4x4x4xf32>) -> tensor<?x2x8x8x8xf32>
  // CHECK: shodh.kernel "conv"(%{{.*}}, %{{.*}}) {attrs = {padding = array<i64: 1>, padding_mode = "circular", stride = array<i64: 1>}} : (tensor<?x3x10xf32>, tensor<5x3x3xf32>) -> tensor<?x5x10xf32>
  %v = shodh.conv %u, %k {padding = array<i64: 1>, padding_mode = "circular"} : (tensor<?x3x10xf32>, tensor<5x3x3xf32>) -> tensor<?x5x10xf32>
  return %y, %v : tensor<?x2x8x8x8xf32>, tensor<?x5x10xf32>
}

// CHECK-LABEL: func.func @backward
func.func @backward(%x: tensor<?x3x16xf32>, %dy: tensor<?x8x16xf32>, %w: tensor<8x3x3xf32>, %n: tensor<?x7x32xf32>, %g: tensor<32xf32>, %dn: tensor<?x7x32xf32>) -> (tensor<?x3x16xf32>, tensor<8x3x3xf32>, tensor<?x7x32xf32>, tensor<32xf32>) {
  // CHECK: shodh.kernel "conv_grad_input"(%{{.*}}, %{{.*}}) {attrs = {padding = array<i64: 1>, padding_mode = "circular", stride = array<i64: 1>}} : (tensor<?x8x16xf32>, tensor<8x3x3xf32>) -> tensor<?x3x16xf32>
  %dx = shodh.conv_grad_input %dy, %w {stride = array<i64: 1>, padding = array<i64: 1>, padding_mode = "circular", input_size = array<i64: 16>} : (tensor<?x8x16xf32>, tensor<8x3x3xf32>) -> tensor<?x3x16xf32>
  // CHECK: shodh.kernel "conv_grad_weight"(%{{.*}}, %{{.*}}) {attrs = {padding = array<i64: 1>, padding_mode = "zeros", stride = array<i64: 1>}} : (tensor<?x3x16xf32>, tensor<?x8x16xf32>) -> tensor<8x3x3xf32>
  %dw = shodh.conv_grad_weight %x, %dy {stride = array<i64: 1>, padding = array<i64: 1>, kernel_size = array<i64: 3>} : (tensor<?x3x16xf32>, tensor<?x8x16xf32>) -> tensor<8x3x3xf32>
  // CHECK: shodh.kernel "layer_norm_grad_input"(%{{.*}}, %{{.*}}, %{{.*}}) {attrs = {axis = 2 : i64, eps = 9.9999999999999995E-7 : f64}}
  %dn2 = shodh.layer_norm_grad_input %n, %g, %dn {axis = 2 : i64, eps = 1.0e-6 : f64} : (tensor<?x7x32xf32>, tensor<32xf32>, tensor<?x7x32xf32>) -> tensor<?x7x32xf32>
  // CHECK: shodh.kernel "layer_norm_grad_gamma"(%{{.*}}, %{{.*}}) {attrs = {axis = 2 : i64, eps = 9.9999999999999995E-7 : f64}} : (tensor<?x7x32xf32>, tensor<?x7x32xf32>) -> tensor<32xf32>
  %dg = shodh.layer_norm_grad_gamma %n, %dn {axis = 2 : i64, eps = 1.0e-6 : f64} : (tensor<?x7x32xf32>, tensor<?x7x32xf32>) -> tensor<32xf32>
  return %dx, %dw, %dn2, %dg : tensor<?x3x16xf32>, tensor<8x3x3xf32>, tensor<?x7x32xf32>, tensor<32xf32>
}
