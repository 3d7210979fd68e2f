// --shodh-fuse-spectral: rfft -> spectral_truncate -> spectral_contract ->
// spectral_pad -> irfft becomes one spectral_conv when the chain is exactly
// the FNO spectral convolution (1D, 2D, 3D); otherwise it is left alone.
// RUN: shodh-opt %s -split-input-file --shodh-fuse-spectral | FileCheck %s

// CHECK-LABEL: func.func @fuse_1d
// CHECK-SAME: (%[[X:.*]]: tensor<?x4x32xf32>, %[[W:.*]]: tensor<4x6x5xcomplex<f32>>)
func.func @fuse_1d(%x: tensor<?x4x32xf32>, %w: tensor<4x6x5xcomplex<f32>>) -> tensor<?x6x32xf32> {
  // CHECK-NEXT: %[[Y:.*]] = shodh.spectral_conv %[[X]], %[[W]] {modes = array<i64: 5>} : (tensor<?x4x32xf32>, tensor<4x6x5xcomplex<f32>>) -> tensor<?x6x32xf32>
  // CHECK-NEXT: return %[[Y]]
  %f = shodh.rfft %x {ndims = 1 : i64} : (tensor<?x4x32xf32>) -> tensor<?x4x17xcomplex<f32>>
  %t = shodh.spectral_truncate %f {modes = array<i64: 5>} : (tensor<?x4x17xcomplex<f32>>) -> tensor<?x4x5xcomplex<f32>>
  %c = shodh.spectral_contract %t, %w : (tensor<?x4x5xcomplex<f32>>, tensor<4x6x5xcomplex<f32>>) -> tensor<?x6x5xcomplex<f32>>
  %p = shodh.spectral_pad %c {modes = array<i64: 5>, sizes = array<i64: 32>} : (tensor<?x6x5xcomplex<f32>>) -> tensor<?x6x17xcomplex<f32>>
  %y = shodh.irfft %p {ndims = 1 : i64, last_size = 32 : i64} : (tensor<?x6x17xcomplex<f32>>) -> tensor<?x6x32xf32>
  return %y : tensor<?x6x32xf32>
}

// -----

// The weight may be produced anywhere; the fused op takes the irfft's place.
shodh.param @w {init = {kind = "zeros"}} : tensor<8x8x24x12xcomplex<f32>>
// CHECK-LABEL: func.func @fuse_2d
// CHECK-SAME: (%[[X:.*]]: tensor<2x8x64x64xf32>)
func.func @fuse_2d(%x: tensor<2x8x64x64xf32>) -> tensor<2x8x64x64xf32> {
  // CHECK-NEXT: %[[W:.*]] = shodh.read @w
  // CHECK-NEXT: %[[Y:.*]] = shodh.spectral_conv %[[X]], %[[W]] {modes = array<i64: 12, 12>} : (tensor<2x8x64x64xf32>, tensor<8x8x24x12xcomplex<f32>>) -> tensor<2x8x64x64xf32>
  // CHECK-NEXT: %[[S:.*]] = shodh.add %[[Y]], %[[X]]
  // CHECK-NEXT: return %[[S]]
  %w = shodh.read @w : tensor<8x8x24x12xcomplex<f32>>
  %f = shodh.rfft %x {ndims = 2 : i64, norm = "backward"} : (tensor<2x8x64x64xf32>) -> tensor<2x8x64x33xcomplex<f32>>
  %t = shodh.spectral_truncate %f {modes = array<i64: 12, 12>} : (tensor<2x8x64x33xcomplex<f32>>) -> tensor<2x8x24x12xcomplex<f32>>
  %c = shodh.spectral_contract %t, %w : (tensor<2x8x24x12xcomplex<f32>>, tensor<8x8x24x12xcomplex<f32>>) -> tensor<2x8x24x12xcomplex<f32>>
  %p = shodh.spectral_pad %c {modes = array<i64: 12, 12>, sizes = array<i64: 64, 64>} : (tensor<2x8x24x12xcomplex<f32>>) -> tensor<2x8x64x33xcomplex<f32>>
  %y = shodh.irfft %p {ndims = 2 : i64, norm = "backward", last_size = 64 : i64} : (tensor<2x8x64x33xcomplex<f32>>) -> tensor<2x8x64x64xf32>
  %s = shodh.add %y, %x : (tensor<2x8x64x64xf32>, tensor<2x8x64x64xf32>) -> tensor<2x8x64x64xf32>
  return %s : tensor<2x8x64x64xf32>
}

// -----

// CHECK-LABEL: func.func @fuse_3d
// CHECK-SAME: (%[[X:.*]]: tensor<?x2x16x16x16xf64>, %[[W:.*]]: tensor<2x3x8x8x4xcomplex<f64>>)
func.func @fuse_3d(%x: tensor<?x2x16x16x16xf64>, %w: tensor<2x3x8x8x4xcomplex<f64>>) -> tensor<?x3x16x16x16xf64> {
  // CHECK-NEXT: %[[Y:.*]] = shodh.spectral_conv %[[X]], %[[W]] {modes = array<i64: 4, 4, 4>} : (tensor<?x2x16x16x16xf64>, tensor<2x3x8x8x4xcomplex<f64>>) -> tensor<?x3x16x16x16xf64>
  // CHECK-NEXT: return %[[Y]]
  %f = shodh.rfft %x {ndims = 3 : i64} : (tensor<?x2x16x16x16xf64>) -> tensor<?x2x16x16x9xcomplex<f64>>
  %t = shodh.spectral_truncate %f {modes = array<i64: 4, 4, 4>} : (tensor<?x2x16x16x9xcomplex<f64>>) -> tensor<?x2x8x8x4xcomplex<f64>>
  %c = shodh.spectral_contract %t, %w : (tensor<?x2x8x8x4xcomplex<f64>>, tensor<2x3x8x8x4xcomplex<f64>>) -> tensor<?x3x8x8x4xcomplex<f64>>
  %p = shodh.spectral_pad %c {modes = array<i64: 4, 4, 4>, sizes = array<i64: 16, 16, 16>} : (tensor<?x3x8x8x4xcomplex<f64>>) -> tensor<?x3x16x16x9xcomplex<f64>>
  %y = shodh.irfft %p {ndims = 3 : i64, last_size = 16 : i64} : (tensor<?x3x16x16x9xcomplex<f64>>) -> tensor<?x3x16x16x16xf64>
  return %y : tensor<?x3x16x16x16xf64>
}

// -----

// An intermediate with a second user keeps the chain.
// CHECK-LABEL: func.func @extra_user
// CHECK-NOT: spectral_conv
// CHECK: shodh.irfft
func.func @extra_user(%x: tensor<?x4x32xf32>, %w: tensor<4x4x5xcomplex<f32>>) -> (tensor<?x4x32xf32>, tensor<?x4x5xcomplex<f32>>) {
  %f = shodh.rfft %x {ndims = 1 : i64} : (tensor<?x4x32xf32>) -> tensor<?x4x17xcomplex<f32>>
  %t = shodh.spectral_truncate %f {modes = array<i64: 5>} : (tensor<?x4x17xcomplex<f32>>) -> tensor<?x4x5xcomplex<f32>>
  %c = shodh.spectral_contract %t, %w : (tensor<?x4x5xcomplex<f32>>, tensor<4x4x5xcomplex<f32>>) -> tensor<?x4x5xcomplex<f32>>
  %p = shodh.spectral_pad %c {modes = array<i64: 5>, sizes = array<i64: 32>} : (tensor<?x4x5xcomplex<f32>>) -> tensor<?x4x17xcomplex<f32>>
  %y = shodh.irfft %p {ndims = 1 : i64, last_size = 32 : i64} : (tensor<?x4x17xcomplex<f32>>) -> tensor<?x4x32xf32>
  return %y, %t : tensor<?x4x32xf32>, tensor<?x4x5xcomplex<f32>>
}

// -----

// The pad keeps other modes than the truncation did (possible while the
// truncated sizes are not inferred yet).
// CHECK-LABEL: func.func @mismatched_modes
// CHECK-NOT: spectral_conv
// CHECK: shodh.irfft
func.func @mismatched_modes(%x: tensor<?x4x32xf32>, %w: tensor<4x4x?xcomplex<f32>>) -> tensor<?x4x32xf32> {
  %f = shodh.rfft %x {ndims = 1 : i64} : (tensor<?x4x32xf32>) -> tensor<?x4x17xcomplex<f32>>
  %t = shodh.spectral_truncate %f {modes = array<i64: 5>} : (tensor<?x4x17xcomplex<f32>>) -> tensor<?x4x?xcomplex<f32>>
  %c = shodh.spectral_contract %t, %w : (tensor<?x4x?xcomplex<f32>>, tensor<4x4x?xcomplex<f32>>) -> tensor<?x4x?xcomplex<f32>>
  %p = shodh.spectral_pad %c {modes = array<i64: 4>, sizes = array<i64: 32>} : (tensor<?x4x?xcomplex<f32>>) -> tensor<?x4x17xcomplex<f32>>
  %y = shodh.irfft %p {ndims = 1 : i64, last_size = 32 : i64} : (tensor<?x4x17xcomplex<f32>>) -> tensor<?x4x32xf32>
  return %y : tensor<?x4x32xf32>
}

// -----

// spectral_conv is defined with norm "backward" only.
// CHECK-LABEL: func.func @ortho
// CHECK-NOT: spectral_conv
// CHECK: shodh.irfft
func.func @ortho(%x: tensor<?x4x32xf32>, %w: tensor<4x4x5xcomplex<f32>>) -> tensor<?x4x32xf32> {
  %f = shodh.rfft %x {ndims = 1 : i64, norm = "ortho"} : (tensor<?x4x32xf32>) -> tensor<?x4x17xcomplex<f32>>
  %t = shodh.spectral_truncate %f {modes = array<i64: 5>} : (tensor<?x4x17xcomplex<f32>>) -> tensor<?x4x5xcomplex<f32>>
  %c = shodh.spectral_contract %t, %w : (tensor<?x4x5xcomplex<f32>>, tensor<4x4x5xcomplex<f32>>) -> tensor<?x4x5xcomplex<f32>>
  %p = shodh.spectral_pad %c {modes = array<i64: 5>, sizes = array<i64: 32>} : (tensor<?x4x5xcomplex<f32>>) -> tensor<?x4x17xcomplex<f32>>
  %y = shodh.irfft %p {ndims = 1 : i64, norm = "ortho", last_size = 32 : i64} : (tensor<?x4x17xcomplex<f32>>) -> tensor<?x4x32xf32>
  return %y : tensor<?x4x32xf32>
}

// -----

// Padding to another grid (a resampling spectral layer) is not the fused op.
// CHECK-LABEL: func.func @other_sizes
// CHECK-NOT: spectral_conv
// CHECK: shodh.irfft
func.func @other_sizes(%x: tensor<?x4x32xf32>, %w: tensor<4x4x5xcomplex<f32>>) -> tensor<?x4x64xf32> {
  %f = shodh.rfft %x {ndims = 1 : i64} : (tensor<?x4x32xf32>) -> tensor<?x4x17xcomplex<f32>>
  %t = shodh.spectral_truncate %f {modes = array<i64: 5>} : (tensor<?x4x17xcomplex<f32>>) -> tensor<?x4x5xcomplex<f32>>
  %c = shodh.spectral_contract %t, %w : (tensor<?x4x5xcomplex<f32>>, tensor<4x4x5xcomplex<f32>>) -> tensor<?x4x5xcomplex<f32>>
  %p = shodh.spectral_pad %c {modes = array<i64: 5>, sizes = array<i64: 64>} : (tensor<?x4x5xcomplex<f32>>) -> tensor<?x4x33xcomplex<f32>>
  %y = shodh.irfft %p {ndims = 1 : i64, last_size = 64 : i64} : (tensor<?x4x33xcomplex<f32>>) -> tensor<?x4x64xf32>
  return %y : tensor<?x4x64xf32>
}

// -----

// Transforming the trailing axis of a rank-4 tensor with one mode is not the
// fused op (spectral_conv needs [B, I, N...], rank d + 2).
// CHECK-LABEL: func.func @extra_rank
// CHECK-NOT: spectral_conv
// CHECK: shodh.irfft
func.func @extra_rank(%x: tensor<2x3x4x32xf32>, %w: tensor<3x3x4x5xcomplex<f32>>) -> tensor<2x3x4x32xf32> {
  %f = shodh.rfft %x {ndims = 1 : i64} : (tensor<2x3x4x32xf32>) -> tensor<2x3x4x17xcomplex<f32>>
  %t = shodh.spectral_truncate %f {modes = array<i64: 5>} : (tensor<2x3x4x17xcomplex<f32>>) -> tensor<2x3x4x5xcomplex<f32>>
  %c = shodh.spectral_contract %t, %w : (tensor<2x3x4x5xcomplex<f32>>, tensor<3x3x4x5xcomplex<f32>>) -> tensor<2x3x4x5xcomplex<f32>>
  %p = shodh.spectral_pad %c {modes = array<i64: 5>, sizes = array<i64: 32>} : (tensor<2x3x4x5xcomplex<f32>>) -> tensor<2x3x4x17xcomplex<f32>>
  %y = shodh.irfft %p {ndims = 1 : i64, last_size = 32 : i64} : (tensor<2x3x4x17xcomplex<f32>>) -> tensor<2x3x4x32xf32>
  return %y : tensor<2x3x4x32xf32>
}

// -----

// Modes still written with hyperparameters (not bound) are not fused.
module attributes {shodh.hyperparams = {modes = 5 : i64}} {
  // CHECK-LABEL: func.func @unbound
  // CHECK-NOT: spectral_conv
  // CHECK: shodh.irfft
  func.func @unbound(%x: tensor<?x4x32xf32>, %w: tensor<4x4x5xcomplex<f32>>) -> tensor<?x4x32xf32> {
    %f = shodh.rfft %x {ndims = 1 : i64} : (tensor<?x4x32xf32>) -> tensor<?x4x17xcomplex<f32>>
    %t = shodh.spectral_truncate %f {modes = ["modes"]} : (tensor<?x4x17xcomplex<f32>>) -> tensor<?x4x?xcomplex<f32>>
    %c = shodh.spectral_contract %t, %w : (tensor<?x4x?xcomplex<f32>>, tensor<4x4x5xcomplex<f32>>) -> tensor<?x4x5xcomplex<f32>>
    %p = shodh.spectral_pad %c {modes = ["modes"], sizes = array<i64: 32>} : (tensor<?x4x5xcomplex<f32>>) -> tensor<?x4x17xcomplex<f32>>
    %y = shodh.irfft %p {ndims = 1 : i64, last_size = 32 : i64} : (tensor<?x4x17xcomplex<f32>>) -> tensor<?x4x32xf32>
    return %y : tensor<?x4x32xf32>
  }
}
