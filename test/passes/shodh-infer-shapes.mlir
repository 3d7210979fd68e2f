// --shodh-infer-shapes: reads take their parameter's type, compute ops get
// inferred result types, function results follow the return; dynamic dims
// (the batch) stay dynamic.
// RUN: shodh-opt %s -split-input-file -verify-diagnostics --shodh-infer-shapes | FileCheck %s

shodh.param @w {init = {kind = "zeros"}} : tensor<16x3xf32>
shodh.param @b {init = {kind = "zeros"}} : tensor<16xf32>

// CHECK-LABEL: func.func @infer
// CHECK-SAME: (%[[X:.*]]: tensor<?x3x8xf32>) -> tensor<?x16x8xf32>
func.func @infer(%x: tensor<?x3x8xf32>) -> tensor<?x?x?xf32> {
  // CHECK: shodh.read @w : tensor<16x3xf32>
  %w = shodh.read @w : tensor<?x?xf32>
  // CHECK: shodh.read @b : tensor<16xf32>
  %b = shodh.read @b : tensor<?xf32>
  // CHECK: shodh.linear {{.*}} -> tensor<?x16x8xf32>
  %h = shodh.linear %x, %w, %b {axis = 1 : i64} : (tensor<?x3x8xf32>, tensor<?x?xf32>, tensor<?xf32>) -> tensor<?x?x?xf32>
  // CHECK: shodh.gelu {{.*}} -> tensor<?x16x8xf32>
  %g = shodh.gelu %h : (tensor<?x?x?xf32>) -> tensor<?x?x?xf32>
  // CHECK: shodh.add {{.*}} -> tensor<?x16x8xf32>
  %a = shodh.add %g, %h : (tensor<?x?x?xf32>, tensor<?x?x?xf32>) -> tensor<?x?x?xf32>
  // CHECK: shodh.mul {{.*}} -> tensor<?x16x8xf32>
  %m = shodh.mul %a, %g : (tensor<?x?x?xf32>, tensor<?x?x?xf32>) -> tensor<?x?x?xf32>
  // CHECK: return %{{.*}} : tensor<?x16x8xf32>
  return %m : tensor<?x?x?xf32>
}

// -----

// An elementwise op joins the static sizes of both operands.
// CHECK-LABEL: func.func @join
// CHECK-SAME: -> tensor<4x8xf32>
func.func @join(%a: tensor<4x?xf32>, %b: tensor<?x8xf32>) -> tensor<?x?xf32> {
  // CHECK: shodh.add {{.*}} -> tensor<4x8xf32>
  %s = shodh.add %a, %b : (tensor<4x?xf32>, tensor<?x8xf32>) -> tensor<?x?xf32>
  return %s : tensor<?x?xf32>
}

// -----

// Inference errors are reported at the op, not as crashes: after the read is
// refined to the parameter's Cin = 3, the input's 4 channels no longer fit.
shodh.param @w {init = {kind = "zeros"}} : tensor<16x3xf32>
func.func @mismatch(%x: tensor<2x4xf32>) -> tensor<?x?xf32> {
  %w = shodh.read @w : tensor<?x?xf32>
  // expected-error @+1 {{'shodh.linear' op input has 4 channels at axis 1 but the weight expects 3}}
  %h = shodh.linear %x, %w : (tensor<2x4xf32>, tensor<?x?xf32>) -> tensor<?x?xf32>
  return %h : tensor<?x?xf32>
}

// -----

// Spectral ops follow the rfft layout: N -> N/2+1 on the last axis,
// truncation to 2m (full axes) and m (half axis), padding back to the grid.
shodh.param @w {init = {kind = "zeros"}} : tensor<4x6x8x3xcomplex<f32>>
// CHECK-LABEL: func.func @spectral
// CHECK-SAME: -> (tensor<?x6x16x16xf32>, tensor<?x6x16x16xf32>)
func.func @spectral(%x: tensor<?x4x16x16xf32>) -> (tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32>) {
  %w = shodh.read @w : tensor<?x?x?x?xcomplex<f32>>
  // CHECK: shodh.rfft {{.*}} -> tensor<?x4x16x9xcomplex<f32>>
  %f = shodh.rfft %x {ndims = 2 : i64} : (tensor<?x4x16x16xf32>) -> tensor<?x?x?x?xcomplex<f32>>
  // CHECK: shodh.spectral_truncate {{.*}} -> tensor<?x4x8x3xcomplex<f32>>
  %t = shodh.spectral_truncate %f {modes = array<i64: 4, 3>} : (tensor<?x?x?x?xcomplex<f32>>) -> tensor<?x?x?x?xcomplex<f32>>
  // CHECK: shodh.spectral_contract {{.*}} -> tensor<?x6x8x3xcomplex<f32>>
  %c = shodh.spectral_contract %t, %w : (tensor<?x?x?x?xcomplex<f32>>, tensor<?x?x?x?xcomplex<f32>>) -> tensor<?x?x?x?xcomplex<f32>>
  // CHECK: shodh.spectral_pad {{.*}} -> tensor<?x6x16x9xcomplex<f32>>
  %p = shodh.spectral_pad %c {modes = array<i64: 4, 3>, sizes = array<i64: 16, 16>} : (tensor<?x?x?x?xcomplex<f32>>) -> tensor<?x?x?x?xcomplex<f32>>
  // CHECK: shodh.irfft {{.*}} -> tensor<?x6x16x16xf32>
  %y = shodh.irfft %p {ndims = 2 : i64, last_size = 16 : i64} : (tensor<?x?x?x?xcomplex<f32>>) -> tensor<?x?x?x?xf32>
  // CHECK: shodh.spectral_conv {{.*}} -> tensor<?x6x16x16xf32>
  %s = shodh.spectral_conv %x, %w {modes = array<i64: 4, 3>} : (tensor<?x4x16x16xf32>, tensor<?x?x?x?xcomplex<f32>>) -> tensor<?x?x?x?xf32>
  return %y, %s : tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32>
}

// -----

// A violated spectral rule found once sizes are known is reported at the op.
func.func @too_many_modes(%x: tensor<?x4x16x16xf32>) -> tensor<?x?x?x?xcomplex<f32>> {
  %f = shodh.rfft %x {ndims = 2 : i64} : (tensor<?x4x16x16xf32>) -> tensor<?x?x?x?xcomplex<f32>>
  // expected-error @+1 {{'shodh.spectral_truncate' op modes[0] = 9 needs 2 * 9 <= 16, the size of dimension #2}}
  %t = shodh.spectral_truncate %f {modes = array<i64: 9, 3>} : (tensor<?x?x?x?xcomplex<f32>>) -> tensor<?x?x?x?xcomplex<f32>>
  return %t : tensor<?x?x?x?xcomplex<f32>>
}
