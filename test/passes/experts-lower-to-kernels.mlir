// --shodh-lower-to-kernels on the expert, patch and resampling ops: kernel
// names, operand order and attributes (the runtime contract of
// docs/experts.md).
// RUN: shodh-opt %s --shodh-lower-to-kernels | FileCheck %s

// CHECK-LABEL: func.func @f
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x8x8xf32>, %[[OFF:.*]]: tensor<3xi64>, %[[WS:.*]]: tensor<2x3x3x4x2xcomplex<f32>>, %[[WK:.*]]: tensor<2x3x3xf32>, %[[BK:.*]]: tensor<2x3xf32>, %[[V:.*]]: tensor<2x4x3xf32>, %[[W1:.*]]: tensor<2x5x3xf32>, %[[B1:.*]]: tensor<2x5xf32>, %[[W2:.*]]: tensor<2x3x5xf32>, %[[B2:.*]]: tensor<2x3xf32>)
func.func @f(%x: tensor<2x3x8x8xf32>, %off: tensor<3xi64>, %ws: tensor<2x3x3x4x2xcomplex<f32>>,
             %wk: tensor<2x3x3xf32>, %bk: tensor<2x3xf32>, %v: tensor<2x4x3xf32>,
             %w1: tensor<2x5x3xf32>, %b1: tensor<2x5xf32>, %w2: tensor<2x3x5xf32>, %b2: tensor<2x3xf32>)
    -> (tensor<2x3x8x8xf32>, tensor<2x4x3xf32>) {
  // CHECK: %[[I:.*]] = shodh.kernel "interpolate"(%[[X]]) {attrs = {mode = "linear", size = array<i64: 16, 16>}}
  %i = shodh.interpolate %x {size = array<i64: 16, 16>} : (tensor<2x3x8x8xf32>) -> tensor<2x3x16x16xf32>
  // CHECK: %[[G:.*]] = shodh.kernel "interpolate_grad"(%[[I]]) {attrs = {size = array<i64: 8, 8>}}
  %g = shodh.interpolate_grad %i {size = array<i64: 8, 8>} : (tensor<2x3x16x16xf32>) -> tensor<2x3x8x8xf32>
  // CHECK: %[[P:.*]] = shodh.kernel "patchify"(%[[G]]) {attrs = {patch = array<i64: 4, 4>}}
  %p = shodh.patchify %g {patch = array<i64: 4, 4>} : (tensor<2x3x8x8xf32>) -> tensor<2x4x3x4x4xf32>
  // CHECK: %[[E:.*]] = shodh.kernel "expert_fno"(%[[P]], %[[OFF]], %[[WS]], %[[WK]], %[[BK]]) {attrs = {modes = array<i64: 2, 1>}}
  %e = shodh.expert_fno %p, %off, %ws, %wk, %bk {modes = array<i64: 2, 1>}
      : (tensor<2x4x3x4x4xf32>, tensor<3xi64>, tensor<2x3x3x4x2xcomplex<f32>>, tensor<2x3x3xf32>, tensor<2x3xf32>)
      -> tensor<2x4x3x4x4xf32>
  // CHECK: shodh.kernel "expert_fno_grad"(%[[P]], %[[OFF]], %[[E]], %[[WS]], %[[WK]], %[[BK]]) {attrs = {modes = array<i64: 2, 1>}}
  %dx, %dws, %dwk, %dbk = shodh.expert_fno_grad %p, %off, %e, %ws, %wk, %bk {modes = array<i64: 2, 1>}
      : (tensor<2x4x3x4x4xf32>, tensor<3xi64>, tensor<2x4x3x4x4xf32>, tensor<2x3x3x4x2xcomplex<f32>>, tensor<2x3x3xf32>, tensor<2x3xf32>)
      -> (tensor<2x4x3x4x4xf32>, tensor<2x3x3x4x2xcomplex<f32>>, tensor<2x3x3xf32>, tensor<2x3xf32>)
  // CHECK: %[[U:.*]] = shodh.kernel "unpatchify"(%{{.*}}) {attrs = {grid = array<i64: 8, 8>}}
  %u = shodh.unpatchify %dx {grid = array<i64: 8, 8>} : (tensor<2x4x3x4x4xf32>) -> tensor<2x3x8x8xf32>
  // CHECK: %[[M:.*]] = shodh.kernel "expert_mlp"(%[[V]], %[[OFF]], %[[W1]], %[[B1]], %[[W2]], %[[B2]]) :
  %m = shodh.expert_mlp %v, %off, %w1, %b1, %w2, %b2
      : (tensor<2x4x3xf32>, tensor<3xi64>, tensor<2x5x3xf32>, tensor<2x5xf32>, tensor<2x3x5xf32>, tensor<2x3xf32>) -> tensor<2x4x3xf32>
  // CHECK: shodh.kernel "expert_mlp_grad"(%[[V]], %[[OFF]], %[[M]], %[[W1]], %[[B1]], %[[W2]]) :
  %g1, %g2, %g3, %g4, %g5 = shodh.expert_mlp_grad %v, %off, %m, %w1, %b1, %w2
      : (tensor<2x4x3xf32>, tensor<3xi64>, tensor<2x4x3xf32>, tensor<2x5x3xf32>, tensor<2x5xf32>, tensor<2x3x5xf32>)
      -> (tensor<2x4x3xf32>, tensor<2x5x3xf32>, tensor<2x5xf32>, tensor<2x3x5xf32>, tensor<2x3xf32>)
  return %u, %m : tensor<2x3x8x8xf32>, tensor<2x4x3xf32>
}
