// --shodh-fuse-experts: a closed dispatch -> expert -> combine layer becomes
// one shodh.moe; a layer whose intermediates have other users stays.
// RUN: shodh-opt %s -split-input-file --shodh-fuse-experts | FileCheck %s
// RUN: shodh-opt %s -split-input-file --shodh-fuse-experts --shodh-lower-to-kernels | FileCheck %s --check-prefix=KERNEL

// CHECK-LABEL: func.func @mlp
// CHECK-SAME: (%[[TOK:.*]]: tensor<?x4x3xf32>, %[[IDS:.*]]: tensor<?x4x2xi64>, %[[G:.*]]: tensor<?x4x2xf32>, %[[W1:.*]]: tensor<3x5x3xf32>, %[[B1:.*]]: tensor<3x5xf32>, %[[W2:.*]]: tensor<3x3x5xf32>, %[[B2:.*]]: tensor<3x3xf32>)
// CHECK-NEXT: %[[Y:.*]] = shodh.moe %[[TOK]], %[[IDS]], %[[G]], %[[W1]], %[[B1]], %[[W2]], %[[B2]] {capacity_factor = 1.500000e+00 : f64, expert = "mlp", num_experts = 3 : i64} : (tensor<?x4x3xf32>, tensor<?x4x2xi64>, tensor<?x4x2xf32>, tensor<3x5x3xf32>, tensor<3x5xf32>, tensor<3x3x5xf32>, tensor<3x3xf32>) -> tensor<?x4x3xf32>
// CHECK-NEXT: return %[[Y]]
// KERNEL-LABEL: func.func @mlp
// KERNEL: shodh.kernel "moe"(%{{.*}}) {attrs = {capacity_factor = 1.500000e+00 : f64, expert = "mlp", num_experts = 3 : i64}}
func.func @mlp(%tok: tensor<?x4x3xf32>, %ids: tensor<?x4x2xi64>, %g: tensor<?x4x2xf32>,
               %w1: tensor<3x5x3xf32>, %b1: tensor<3x5xf32>, %w2: tensor<3x3x5xf32>, %b2: tensor<3x3xf32>)
    -> tensor<?x4x3xf32> {
  %s, %off, %src = shodh.dispatch %tok, %ids {num_experts = 3 : i64, capacity_factor = 1.5 : f64}
      : (tensor<?x4x3xf32>, tensor<?x4x2xi64>) -> (tensor<?x8x3xf32>, tensor<4xi64>, tensor<?x8xi64>)
  %o = shodh.expert_mlp %s, %off, %w1, %b1, %w2, %b2
      : (tensor<?x8x3xf32>, tensor<4xi64>, tensor<3x5x3xf32>, tensor<3x5xf32>, tensor<3x3x5xf32>, tensor<3x3xf32>)
      -> tensor<?x8x3xf32>
  %y = shodh.combine %o, %g, %src, %off
      : (tensor<?x8x3xf32>, tensor<?x4x2xf32>, tensor<?x8xi64>, tensor<4xi64>) -> tensor<?x4x3xf32>
  return %y : tensor<?x4x3xf32>
}

// -----

// CHECK-LABEL: func.func @fno
// CHECK-NEXT: %[[Y:.*]] = shodh.moe %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} {expert = "fno", modes = array<i64: 1, 2>, num_experts = 2 : i64} : {{.*}} -> tensor<2x4x2x4x4xf32>
// CHECK-NEXT: return %[[Y]]
// KERNEL-LABEL: func.func @fno
// KERNEL: shodh.kernel "moe"(%{{.*}}) {attrs = {capacity_factor = 0.000000e+00 : f64, expert = "fno", modes = array<i64: 1, 2>, num_experts = 2 : i64}}
func.func @fno(%tok: tensor<2x4x2x4x4xf32>, %ids: tensor<2x4x1xi64>, %g: tensor<2x4x1xf32>,
               %ws: tensor<2x2x2x4x2xcomplex<f32>>, %wk: tensor<2x2x2xf32>, %bk: tensor<2x2xf32>)
    -> tensor<2x4x2x4x4xf32> {
  %s, %off, %src = shodh.dispatch %tok, %ids {num_experts = 2 : i64}
      : (tensor<2x4x2x4x4xf32>, tensor<2x4x1xi64>) -> (tensor<2x4x2x4x4xf32>, tensor<3xi64>, tensor<2x4xi64>)
  %o = shodh.expert_fno %s, %off, %ws, %wk, %bk {modes = array<i64: 1, 2>}
      : (tensor<2x4x2x4x4xf32>, tensor<3xi64>, tensor<2x2x2x4x2xcomplex<f32>>, tensor<2x2x2xf32>, tensor<2x2xf32>)
      -> tensor<2x4x2x4x4xf32>
  %y = shodh.combine %o, %g, %src, %off
      : (tensor<2x4x2x4x4xf32>, tensor<2x4x1xf32>, tensor<2x4xi64>, tensor<3xi64>) -> tensor<2x4x2x4x4xf32>
  return %y : tensor<2x4x2x4x4xf32>
}

// -----

// The expert output is also returned: nothing fuses.
// CHECK-LABEL: func.func @shared
// CHECK-NOT: shodh.moe
// CHECK: shodh.dispatch
// CHECK: shodh.expert_mlp
// CHECK: shodh.combine
func.func @shared(%tok: tensor<?x4x3xf32>, %ids: tensor<?x4x2xi64>, %g: tensor<?x4x2xf32>,
                  %w1: tensor<3x5x3xf32>, %b1: tensor<3x5xf32>, %w2: tensor<3x3x5xf32>, %b2: tensor<3x3xf32>)
    -> (tensor<?x4x3xf32>, tensor<?x8x3xf32>) {
  %s, %off, %src = shodh.dispatch %tok, %ids {num_experts = 3 : i64}
      : (tensor<?x4x3xf32>, tensor<?x4x2xi64>) -> (tensor<?x8x3xf32>, tensor<4xi64>, tensor<?x8xi64>)
  %o = shodh.expert_mlp %s, %off, %w1, %b1, %w2, %b2
      : (tensor<?x8x3xf32>, tensor<4xi64>, tensor<3x5x3xf32>, tensor<3x5xf32>, tensor<3x3x5xf32>, tensor<3x3xf32>)
      -> tensor<?x8x3xf32>
  %y = shodh.combine %o, %g, %src, %off
      : (tensor<?x8x3xf32>, tensor<?x4x2xf32>, tensor<?x8xi64>, tensor<4xi64>) -> tensor<?x4x3xf32>
  return %y, %o : tensor<?x4x3xf32>, tensor<?x8x3xf32>
}

// -----

// The offsets feed something else (a second expert): nothing fuses.
// CHECK-LABEL: func.func @offsets_shared
// CHECK-NOT: shodh.moe
func.func @offsets_shared(%tok: tensor<?x4x3xf32>, %ids: tensor<?x4x2xi64>, %g: tensor<?x4x2xf32>,
                  %w1: tensor<3x5x3xf32>, %b1: tensor<3x5xf32>, %w2: tensor<3x3x5xf32>, %b2: tensor<3x3xf32>)
    -> (tensor<?x4x3xf32>, tensor<?x8x3xf32>) {
  %s, %off, %src = shodh.dispatch %tok, %ids {num_experts = 3 : i64}
      : (tensor<?x4x3xf32>, tensor<?x4x2xi64>) -> (tensor<?x8x3xf32>, tensor<4xi64>, tensor<?x8xi64>)
  %o = shodh.expert_mlp %s, %off, %w1, %b1, %w2, %b2
      : (tensor<?x8x3xf32>, tensor<4xi64>, tensor<3x5x3xf32>, tensor<3x5xf32>, tensor<3x3x5xf32>, tensor<3x3xf32>)
      -> tensor<?x8x3xf32>
  %o2 = shodh.expert_mlp %o, %off, %w1, %b1, %w2, %b2
      : (tensor<?x8x3xf32>, tensor<4xi64>, tensor<3x5x3xf32>, tensor<3x5xf32>, tensor<3x3x5xf32>, tensor<3x3xf32>)
      -> tensor<?x8x3xf32>
  %y = shodh.combine %o, %g, %src, %off
      : (tensor<?x8x3xf32>, tensor<?x4x2xf32>, tensor<?x8xi64>, tensor<4xi64>) -> tensor<?x4x3xf32>
  return %y, %o2 : tensor<?x4x3xf32>, tensor<?x8x3xf32>
}
