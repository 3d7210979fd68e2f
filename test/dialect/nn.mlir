// Round trip of conv, conv_transpose, layer_norm and their backward ops in
// custom and generic form, 1D/2D/3D, with default and explicit attributes.
// RUN: shodh-opt %s | shodh-opt | FileCheck %s
// RUN: shodh-opt %s --mlir-print-op-generic | shodh-opt | FileCheck %s

// CHECK-LABEL: func.func @conv
func.func @conv(%x: tensor<?x3x64x64x64xf32>, %w: tensor<32x3x4x4x4xf32>, %b: tensor<32xf32>, %u: tensor<2x2x16x16xf32>, %k: tensor<8x2x3x3xf32>, %s: tensor<4x3x10xf32>, %k1: tensor<5x3x3xf32>) -> (tensor<?x32x32x32x32xf32>, tensor<2x8x16x16xf32>, tensor<4x5x4xf32>) {
  // CHECK: shodh.conv %{{.*}}, %{{.*}}, %{{.*}} {padding = array<i64: 1, 1, 1>, stride = array<i64: 2, 2, 2>} : (tensor<?x3x64x64x64xf32>, tensor<32x3x4x4x4xf32>, tensor<32xf32>) -> tensor<?x32x32x32x32xf32>
  %y = shodh.conv %x, %w, %b {stride = array<i64: 2, 2, 2>, padding = array<i64: 1, 1, 1>} : (tensor<?x3x64x64x64xf32>, tensor<32x3x4x4x4xf32>, tensor<32xf32>) -> tensor<?x32x32x32x32xf32>
  // CHECK: shodh.conv %{{.*}}, %{{.*}} {padding = array<i64: 1, 1>, padding_mode = "circular"} : (tensor<2x2x16x16xf32>, tensor<8x2x3x3xf32>) -> tensor<2x8x16x16xf32>
  %z = shodh.conv %u, %k {padding = array<i64: 1, 1>, padding_mode = "circular"} : (tensor<2x2x16x16xf32>, tensor<8x2x3x3xf32>) -> tensor<2x8x16x16xf32>
  // floor((10 - 3) / 2) + 1 = 4, as torch.
  // CHECK: shodh.conv %{{.*}}, %{{.*}} {stride = array<i64: 2>} : (tensor<4x3x10xf32>, tensor<5x3x3xf32>) -> tensor<4x5x4xf32>
  %t = shodh.conv %s, %k1 {stride = array<i64: 2>} : (tensor<4x3x10xf32>, tensor<5x3x3xf32>) -> tensor<4x5x4xf32>
  return %y, %z, %t : tensor<?x32x32x32x32xf32>, tensor<2x8x16x16xf32>, tensor<4x5x4xf32>
}

// CHECK-LABEL: func.func @conv_transpose
func.func @conv_transpose(%z: tensor<?x32x16x16x16xf32>, %w: tensor<32x3x4x4x4xf32>, %b: tensor<3xf32>, %x2: tensor<1x4x5x5xf32>, %w2: tensor<4x2x3x3xf32>) -> (tensor<?x3x32x32x32xf32>, tensor<1x2x10x9xf32>) {
  // CHECK: shodh.conv_transpose %{{.*}}, %{{.*}}, %{{.*}} {padding = array<i64: 1, 1, 1>, stride = array<i64: 2, 2, 2>} : (tensor<?x32x16x16x16xf32>, tensor<32x3x4x4x4xf32>, tensor<3xf32>) -> tensor<?x3x32x32x32xf32>
  %y = shodh.conv_transpose %z, %w, %b {stride = array<i64: 2, 2, 2>, padding = array<i64: 1, 1, 1>} : (tensor<?x32x16x16x16xf32>, tensor<32x3x4x4x4xf32>, tensor<3xf32>) -> tensor<?x3x32x32x32xf32>
  // (5 - 1) 2 - 2 + 3 + 1 = 10, (5 - 1) 2 - 2 + 3 + 0 = 9.
  // CHECK: shodh.conv_transpose %{{.*}}, %{{.*}} {output_padding = array<i64: 1, 0>, padding = array<i64: 1, 1>, stride = array<i64: 2, 2>} : (tensor<1x4x5x5xf32>, tensor<4x2x3x3xf32>) -> tensor<1x2x10x9xf32>
  %v = shodh.conv_transpose %x2, %w2 {stride = array<i64: 2, 2>, padding = array<i64: 1, 1>, output_padding = array<i64: 1, 0>} : (tensor<1x4x5x5xf32>, tensor<4x2x3x3xf32>) -> tensor<1x2x10x9xf32>
  return %y, %v : tensor<?x3x32x32x32xf32>, tensor<1x2x10x9xf32>
}

// CHECK-LABEL: func.func @layer_norm
func.func @layer_norm(%x: tensor<?x32x8x8x8xf32>, %g: tensor<32xf32>, %b: tensor<32xf32>, %t: tensor<?x64x128xf32>, %g2: tensor<128xf32>, %b2: tensor<128xf32>) -> (tensor<?x32x8x8x8xf32>, tensor<?x64x128xf32>) {
  // CHECK: shodh.layer_norm %{{.*}}, %{{.*}}, %{{.*}} : (tensor<?x32x8x8x8xf32>, tensor<32xf32>, tensor<32xf32>) -> tensor<?x32x8x8x8xf32>
  %y = shodh.layer_norm %x, %g, %b : (tensor<?x32x8x8x8xf32>, tensor<32xf32>, tensor<32xf32>) -> tensor<?x32x8x8x8xf32>
  // CHECK: shodh.layer_norm %{{.*}}, %{{.*}}, %{{.*}} {axis = 2 : i64, eps = 9.9999999999999995E-7 : f64} : (tensor<?x64x128xf32>, tensor<128xf32>, tensor<128xf32>) -> tensor<?x64x128xf32>
  %z = shodh.layer_norm %t, %g2, %b2 {axis = 2 : i64, eps = 1.0e-6 : f64} : (tensor<?x64x128xf32>, tensor<128xf32>, tensor<128xf32>) -> tensor<?x64x128xf32>
  return %y, %z : tensor<?x32x8x8x8xf32>, tensor<?x64x128xf32>
}

// CHECK-LABEL: func.func @backward
func.func @backward(%x: tensor<?x3x16x16xf32>, %dy: tensor<?x8x8x8xf32>, %w: tensor<8x3x4x4xf32>, %n: tensor<?x32x8x8xf32>, %g: tensor<32xf32>, %dn: tensor<?x32x8x8xf32>) -> (tensor<?x3x16x16xf32>, tensor<8x3x4x4xf32>, tensor<?x32x8x8xf32>, tensor<32xf32>) {
  // CHECK: shodh.conv_grad_input %{{.*}}, %{{.*}} {input_size = array<i64: 16, 16>, padding = array<i64: 1, 1>, stride = array<i64: 2, 2>} : (tensor<?x8x8x8xf32>, tensor<8x3x4x4xf32>) -> tensor<?x3x16x16xf32>
  %dx = shodh.conv_grad_input %dy, %w {stride = array<i64: 2, 2>, padding = array<i64: 1, 1>, padding_mode = "zeros", input_size = array<i64: 16, 16>} : (tensor<?x8x8x8xf32>, tensor<8x3x4x4xf32>) -> tensor<?x3x16x16xf32>
  // CHECK: shodh.conv_grad_weight %{{.*}}, %{{.*}} {kernel_size = array<i64: 4, 4>, padding = array<i64: 1, 1>, padding_mode = "circular", stride = array<i64: 2, 2>} : (tensor<?x3x16x16xf32>, tensor<?x8x8x8xf32>) -> tensor<8x3x4x4xf32>
  %dw = shodh.conv_grad_weight %x, %dy {stride = array<i64: 2, 2>, padding = array<i64: 1, 1>, padding_mode = "circular", kernel_size = array<i64: 4, 4>} : (tensor<?x3x16x16xf32>, tensor<?x8x8x8xf32>) -> tensor<8x3x4x4xf32>
  // CHECK: shodh.layer_norm_grad_input %{{.*}}, %{{.*}}, %{{.*}} : (tensor<?x32x8x8xf32>, tensor<32xf32>, tensor<?x32x8x8xf32>) -> tensor<?x32x8x8xf32>
  %dn2 = shodh.layer_norm_grad_input %n, %g, %dn : (tensor<?x32x8x8xf32>, tensor<32xf32>, tensor<?x32x8x8xf32>) -> tensor<?x32x8x8xf32>
  // CHECK: shodh.layer_norm_grad_gamma %{{.*}}, %{{.*}} : (tensor<?x32x8x8xf32>, tensor<?x32x8x8xf32>) -> tensor<32xf32>
  %dg = shodh.layer_norm_grad_gamma %n, %dn : (tensor<?x32x8x8xf32>, tensor<?x32x8x8xf32>) -> tensor<32xf32>
  return %dx, %dw, %dn2, %dg : tensor<?x3x16x16xf32>, tensor<8x3x4x4xf32>, tensor<?x32x8x8xf32>, tensor<32xf32>
}

// f64 fields (shodhc --precision f64): every operand and the result f64.
// CHECK-LABEL: func.func @f64
func.func @f64(%x: tensor<?x3x8x8x8xf64>, %w: tensor<4x3x3x3x3xf64>, %b: tensor<4xf64>, %g: tensor<4xf64>, %wt: tensor<4x2x2x2x2xf64>, %dy: tensor<?x4x8x8x8xf64>) -> (tensor<?x4x8x8x8xf64>, tensor<?x2x16x16x16xf64>, tensor<4x3x3x3x3xf64>, tensor<4xf64>) {
  // CHECK: shodh.conv {{.*}} -> tensor<?x4x8x8x8xf64>
  %y = shodh.conv %x, %w, %b {padding = array<i64: 1, 1, 1>, padding_mode = "circular"} : (tensor<?x3x8x8x8xf64>, tensor<4x3x3x3x3xf64>, tensor<4xf64>) -> tensor<?x4x8x8x8xf64>
  // CHECK: shodh.layer_norm {{.*}} -> tensor<?x4x8x8x8xf64>
  %n = shodh.layer_norm %y, %g, %g : (tensor<?x4x8x8x8xf64>, tensor<4xf64>, tensor<4xf64>) -> tensor<?x4x8x8x8xf64>
  // CHECK: shodh.conv_transpose {{.*}} -> tensor<?x2x16x16x16xf64>
  %u = shodh.conv_transpose %n, %wt {stride = array<i64: 2, 2, 2>} : (tensor<?x4x8x8x8xf64>, tensor<4x2x2x2x2xf64>) -> tensor<?x2x16x16x16xf64>
  // CHECK: shodh.conv_grad_weight {{.*}} -> tensor<4x3x3x3x3xf64>
  %dw = shodh.conv_grad_weight %x, %dy {stride = array<i64: 1, 1, 1>, padding = array<i64: 1, 1, 1>, padding_mode = "circular", kernel_size = array<i64: 3, 3, 3>} : (tensor<?x3x8x8x8xf64>, tensor<?x4x8x8x8xf64>) -> tensor<4x3x3x3x3xf64>
  // CHECK: shodh.layer_norm_grad_gamma {{.*}} -> tensor<4xf64>
  %dg = shodh.layer_norm_grad_gamma %y, %dy : (tensor<?x4x8x8x8xf64>, tensor<?x4x8x8x8xf64>) -> tensor<4xf64>
  return %y, %u, %dw, %dg : tensor<?x4x8x8x8xf64>, tensor<?x2x16x16x16xf64>, tensor<4x3x3x3x3xf64>, tensor<4xf64>
}
