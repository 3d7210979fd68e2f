// The routing ops lower to the kernels of docs/experts.md § Routing ops and
// router losses, with hyperparameters (k, num_experts) bound first; an
// unbound k cannot be lowered.
// RUN: shodh-opt %s -split-input-file -verify-diagnostics --shodh-bind-hyperparams --shodh-infer-shapes --shodh-lower-to-kernels | FileCheck %s

// CHECK-LABEL: func.func @infer
// CHECK: %[[R:.*]]:2 = shodh.kernel "router"(%{{.*}}, %{{.*}}) {attrs = {temperature = 1.000000e+00 : f64}} : (tensor<?x16x4xf32>, tensor<4x4xf32>) -> (tensor<?x16x4xf32>, tensor<?x16x4xf32>)
// CHECK: %[[F:.*]] = shodh.kernel "spectral_energy"(%{{.*}}) {attrs = {bands = 4 : i64}} : (tensor<?x16x1x8x8xf32>) -> tensor<?x16x4xf32>
// CHECK: %[[K:.*]]:2 = shodh.kernel "top_k"(%[[R]]#1) {attrs = {k = 2 : i64, renormalize = 0 : i64}} : (tensor<?x16x4xf32>) -> (tensor<?x16x2xf32>, tensor<?x16x2xi64>)
// CHECK: %[[D:.*]]:3 = shodh.kernel "dispatch"(%{{.*}}, %[[K]]#1) {attrs = {capacity_factor = 1.500000e+00 : f64, num_experts = 4 : i64}} : (tensor<?x16x1x8x8xf32>, tensor<?x16x2xi64>) -> (tensor<?x32x1x8x8xf32>, tensor<5xi64>, tensor<?x32xi64>)
// CHECK: shodh.kernel "combine"(%[[D]]#0, %[[K]]#0, %[[D]]#2, %[[D]]#1) : (tensor<?x32x1x8x8xf32>, tensor<?x16x2xf32>, tensor<?x32xi64>, tensor<5xi64>) -> tensor<?x16x1x8x8xf32>
// CHECK: shodh.kernel "load_balance_loss"(%[[R]]#1, %[[K]]#1) : (tensor<?x16x4xf32>, tensor<?x16x2xi64>) -> tensor<1xf32>
// CHECK: shodh.kernel "router_z_loss"(%[[R]]#0) : (tensor<?x16x4xf32>) -> tensor<1xf32>
// CHECK: shodh.kernel "router_kl_loss"(%[[R]]#1) {attrs = {entropy_over = "tokens", entropy_weight = 0.000000e+00 : f64}} : (tensor<?x16x4xf32>) -> tensor<1xf32>
// CHECK: shodh.kernel "allocation_kl"(%[[K]]#1) {attrs = {num_experts = 4 : i64}} : (tensor<?x16x2xi64>) -> tensor<1xf32>
// CHECK: shodh.kernel "allocation_kl"(%[[K]]#1) {attrs = {num_experts = 4 : i64, prior = array<f64: 2.500000e-01, 2.500000e-01, 2.500000e-01, 2.500000e-01>}} : (tensor<?x16x2xi64>) -> tensor<1xf32>
module attributes {shodh.hyperparams = {experts = 4 : i64, slots = 2 : i64}} {
  shodh.param @w_r {dims = ["experts", 4], init = {kind = "zeros"}} : tensor<?x4xf32>
  func.func @infer(%p: tensor<?x16x1x8x8xf32>, %f0: tensor<?x16x4xf32>) -> tensor<?x16x1x8x8xf32> {
    %w_r = shodh.read @w_r : tensor<?x4xf32>
    %logits, %probs = shodh.router %f0, %w_r : (tensor<?x16x4xf32>, tensor<?x4xf32>) -> (tensor<?x16x?xf32>, tensor<?x16x?xf32>)
    %f = shodh.spectral_energy %p {bands = 4 : i64} : (tensor<?x16x1x8x8xf32>) -> tensor<?x16x4xf32>
    %gates, %experts = shodh.top_k %probs {k = "slots", renormalize = false} : (tensor<?x16x?xf32>) -> (tensor<?x16x?xf32>, tensor<?x16x?xi64>)
    %sorted, %offsets, %source = shodh.dispatch %p, %experts {num_experts = "experts", capacity_factor = 1.5 : f64}
        : (tensor<?x16x1x8x8xf32>, tensor<?x16x?xi64>) -> (tensor<?x?x1x8x8xf32>, tensor<?xi64>, tensor<?x?xi64>)
    %y = shodh.combine %sorted, %gates, %source, %offsets : (tensor<?x?x1x8x8xf32>, tensor<?x16x?xf32>, tensor<?x?xi64>, tensor<?xi64>) -> tensor<?x16x1x8x8xf32>
    %lb = shodh.load_balance_loss %probs, %experts : (tensor<?x16x?xf32>, tensor<?x16x?xi64>) -> tensor<1xf32>
    %z = shodh.router_z_loss %logits : (tensor<?x16x?xf32>) -> tensor<1xf32>
    %kl = shodh.router_kl_loss %probs : (tensor<?x16x?xf32>) -> tensor<1xf32>
    %ak = shodh.allocation_kl %experts {num_experts = "experts"} : (tensor<?x16x?xi64>) -> tensor<1xf32>
    %akp = shodh.allocation_kl %experts {num_experts = "experts", prior = array<f64: 0.25, 0.25, 0.25, 0.25>} : (tensor<?x16x?xi64>) -> tensor<1xf32>
    return %y : tensor<?x16x1x8x8xf32>
  }
}

// -----

module attributes {shodh.hyperparams = {slots = 5 : i64}} {
  func.func @infer(%probs: tensor<?x16x4xf32>) -> tensor<?x16x?xf32> {
    // expected-error @+1 {{'shodh.top_k' op k = 5 exceeds the 4 experts of probs}}
    %gates, %experts = shodh.top_k %probs {k = "slots"} : (tensor<?x16x4xf32>) -> (tensor<?x16x?xf32>, tensor<?x16x?xi64>)
    return %gates : tensor<?x16x?xf32>
  }
}
