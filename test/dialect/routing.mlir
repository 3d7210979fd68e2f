// Round trip of the routing ops (router, spectral_energy, top_k, dispatch,
// combine, router losses, allocation_kl and the backward ops) in custom and
// generic form.
// RUN: shodh-opt %s | shodh-opt | FileCheck %s
// RUN: shodh-opt %s --mlir-print-op-generic | shodh-opt | FileCheck %s

module attributes {shodh.hyperparams = {experts = 4 : i64, slots = 2 : i64}} {
  // CHECK-LABEL: func.func @forward
  func.func @forward(%tok: tensor<?x16x8xf32>, %w: tensor<4x8xf32>, %b: tensor<4xf32>,
                     %patches: tensor<?x16x2x8x8xf32>, %cube: tensor<?x4x1x4x4x4xf32>) {
    // CHECK: %{{.*}}, %[[P:.*]] = shodh.router %{{.*}}, %{{.*}}, %{{.*}} {temperature = 5.000000e-01 : f64} : (tensor<?x16x8xf32>, tensor<4x8xf32>, tensor<4xf32>) -> (tensor<?x16x4xf32>, tensor<?x16x4xf32>)
    %logits, %probs = shodh.router %tok, %w, %b {temperature = 0.5 : f64}
        : (tensor<?x16x8xf32>, tensor<4x8xf32>, tensor<4xf32>) -> (tensor<?x16x4xf32>, tensor<?x16x4xf32>)
    // CHECK: shodh.router %{{.*}}, %{{.*}} : (tensor<?x16x8xf32>, tensor<4x8xf32>) -> (tensor<?x16x4xf32>, tensor<?x16x4xf32>)
    %l2, %p2 = shodh.router %tok, %w : (tensor<?x16x8xf32>, tensor<4x8xf32>) -> (tensor<?x16x4xf32>, tensor<?x16x4xf32>)
    // CHECK: shodh.spectral_energy %{{.*}} {bands = 4 : i64} : (tensor<?x16x2x8x8xf32>) -> tensor<?x16x4xf32>
    %f = shodh.spectral_energy %patches {bands = 4 : i64} : (tensor<?x16x2x8x8xf32>) -> tensor<?x16x4xf32>
    // CHECK: shodh.spectral_energy %{{.*}} {bands = 3 : i64} : (tensor<?x4x1x4x4x4xf32>) -> tensor<?x4x3xf32>
    %f3 = shodh.spectral_energy %cube {bands = 3 : i64} : (tensor<?x4x1x4x4x4xf32>) -> tensor<?x4x3xf32>
    // CHECK: %[[G:.*]], %[[E:.*]] = shodh.top_k %[[P]] {k = 2 : i64} : (tensor<?x16x4xf32>) -> (tensor<?x16x2xf32>, tensor<?x16x2xi64>)
    %gates, %experts = shodh.top_k %probs {k = 2 : i64} : (tensor<?x16x4xf32>) -> (tensor<?x16x2xf32>, tensor<?x16x2xi64>)
    // CHECK: shodh.top_k %[[P]] {k = 1 : i64, renormalize = false} : (tensor<?x16x4xf32>) -> (tensor<?x16x1xf32>, tensor<?x16x1xi64>)
    %g1, %e1 = shodh.top_k %probs {k = 1 : i64, renormalize = false} : (tensor<?x16x4xf32>) -> (tensor<?x16x1xf32>, tensor<?x16x1xi64>)
    // CHECK: shodh.top_k %[[P]] {k = "slots"} : (tensor<?x16x4xf32>) -> (tensor<?x16x?xf32>, tensor<?x16x?xi64>)
    %gh, %eh = shodh.top_k %probs {k = "slots"} : (tensor<?x16x4xf32>) -> (tensor<?x16x?xf32>, tensor<?x16x?xi64>)
    // CHECK: %[[S:.*]], %[[O:.*]], %[[SRC:.*]] = shodh.dispatch %{{.*}}, %[[E]] {num_experts = 4 : i64} : (tensor<?x16x8xf32>, tensor<?x16x2xi64>) -> (tensor<?x32x8xf32>, tensor<5xi64>, tensor<?x32xi64>)
    %sorted, %offsets, %source = shodh.dispatch %tok, %experts {num_experts = 4 : i64}
        : (tensor<?x16x8xf32>, tensor<?x16x2xi64>) -> (tensor<?x32x8xf32>, tensor<5xi64>, tensor<?x32xi64>)
    // CHECK: shodh.dispatch %{{.*}}, %[[E]] {capacity_factor = 1.250000e+00 : f64, num_experts = "experts"} : (tensor<?x16x2x8x8xf32>, tensor<?x16x2xi64>) -> (tensor<?x32x2x8x8xf32>, tensor<?xi64>, tensor<?x32xi64>)
    %ps, %po, %psrc = shodh.dispatch %patches, %experts {num_experts = "experts", capacity_factor = 1.25 : f64}
        : (tensor<?x16x2x8x8xf32>, tensor<?x16x2xi64>) -> (tensor<?x32x2x8x8xf32>, tensor<?xi64>, tensor<?x32xi64>)
    // CHECK: shodh.combine %[[S]], %[[G]], %[[SRC]], %[[O]] : (tensor<?x32x8xf32>, tensor<?x16x2xf32>, tensor<?x32xi64>, tensor<5xi64>) -> tensor<?x16x8xf32>
    %y = shodh.combine %sorted, %gates, %source, %offsets
        : (tensor<?x32x8xf32>, tensor<?x16x2xf32>, tensor<?x32xi64>, tensor<5xi64>) -> tensor<?x16x8xf32>
    // CHECK: shodh.load_balance_loss %[[P]], %[[E]] : (tensor<?x16x4xf32>, tensor<?x16x2xi64>) -> tensor<1xf32>
    %lb = shodh.load_balance_loss %probs, %experts : (tensor<?x16x4xf32>, tensor<?x16x2xi64>) -> tensor<1xf32>
    // CHECK: shodh.router_z_loss %{{.*}} : (tensor<?x16x4xf32>) -> tensor<1xf32>
    %z = shodh.router_z_loss %logits : (tensor<?x16x4xf32>) -> tensor<1xf32>
    // CHECK: shodh.router_kl_loss %[[P]] {entropy_weight = 1.000000e-02 : f64, prior = array<f64: 5.000000e-01, 2.500000e-01, 1.250000e-01, 1.250000e-01>} : (tensor<?x16x4xf32>) -> tensor<1xf32>
    %kl = shodh.router_kl_loss %probs {prior = array<f64: 0.5, 0.25, 0.125, 0.125>, entropy_weight = 0.01 : f64} : (tensor<?x16x4xf32>) -> tensor<1xf32>
    // CHECK: shodh.router_kl_loss %[[P]] : (tensor<?x16x4xf32>) -> tensor<1xf32>
    %kl0 = shodh.router_kl_loss %probs : (tensor<?x16x4xf32>) -> tensor<1xf32>
    // CHECK: shodh.router_kl_loss %[[P]] {entropy_over = "samples", entropy_weight = 1.000000e+00 : f64} : (tensor<?x16x4xf32>) -> tensor<1xf32>
    %mi = shodh.router_kl_loss %probs {entropy_weight = 1.0 : f64, entropy_over = "samples"} : (tensor<?x16x4xf32>) -> tensor<1xf32>
    // CHECK: shodh.allocation_kl %[[E]] {num_experts = "experts"} : (tensor<?x16x2xi64>) -> tensor<1xf32>
    %ak = shodh.allocation_kl %experts {num_experts = "experts"} : (tensor<?x16x2xi64>) -> tensor<1xf32>
    // CHECK: shodh.allocation_kl %[[E]] {num_experts = 4 : i64, prior = array<f64: 4.000000e-01, 3.000000e-01, 2.000000e-01, 1.000000e-01>} : (tensor<?x16x2xi64>) -> tensor<1xf32>
    %akp = shodh.allocation_kl %experts {num_experts = 4 : i64, prior = array<f64: 0.4, 0.3, 0.2, 0.1>} : (tensor<?x16x2xi64>) -> tensor<1xf32>
    return
  }

  // CHECK-LABEL: func.func @backward
  func.func @backward(%probs: tensor<?x16x4xf32>, %dp: tensor<?x16x4xf32>, %experts: tensor<?x16x2xi64>,
                      %dg: tensor<?x16x2xf32>, %ds: tensor<?x32x8xf32>, %src: tensor<?x32xi64>,
                      %off: tensor<5xi64>, %dy: tensor<?x16x8xf32>, %dl: tensor<1xf32>) {
    // CHECK: shodh.router_grad %{{.*}}, %{{.*}}, %{{.*}} {temperature = 2.000000e+00 : f64} : (tensor<?x16x4xf32>, tensor<?x16x4xf32>, tensor<?x16x4xf32>) -> tensor<?x16x4xf32>
    %dz = shodh.router_grad %probs, %dp, %dp {temperature = 2.0 : f64}
        : (tensor<?x16x4xf32>, tensor<?x16x4xf32>, tensor<?x16x4xf32>) -> tensor<?x16x4xf32>
    // CHECK: shodh.top_k_grad %{{.*}} {renormalize = false} : (tensor<?x16x4xf32>, tensor<?x16x2xi64>, tensor<?x16x2xf32>) -> tensor<?x16x4xf32>
    %dpk = shodh.top_k_grad %probs, %experts, %dg {renormalize = false}
        : (tensor<?x16x4xf32>, tensor<?x16x2xi64>, tensor<?x16x2xf32>) -> tensor<?x16x4xf32>
    // CHECK: shodh.dispatch_grad %{{.*}} {k = 2 : i64} : (tensor<?x32x8xf32>, tensor<?x32xi64>, tensor<5xi64>) -> tensor<?x16x8xf32>
    %dt = shodh.dispatch_grad %ds, %src, %off {k = 2 : i64}
        : (tensor<?x32x8xf32>, tensor<?x32xi64>, tensor<5xi64>) -> tensor<?x16x8xf32>
    // CHECK: shodh.combine_grad %{{.*}} : (tensor<?x16x8xf32>, tensor<?x32x8xf32>, tensor<?x16x2xf32>, tensor<?x32xi64>, tensor<5xi64>) -> (tensor<?x32x8xf32>, tensor<?x16x2xf32>)
    %dout, %dgates = shodh.combine_grad %dy, %ds, %dg, %src, %off
        : (tensor<?x16x8xf32>, tensor<?x32x8xf32>, tensor<?x16x2xf32>, tensor<?x32xi64>, tensor<5xi64>)
        -> (tensor<?x32x8xf32>, tensor<?x16x2xf32>)
    // CHECK: shodh.load_balance_loss_grad %{{.*}}, %{{.*}}, %{{.*}} : (tensor<?x16x4xf32>, tensor<?x16x2xi64>, tensor<1xf32>) -> tensor<?x16x4xf32>
    %dlb = shodh.load_balance_loss_grad %probs, %experts, %dl
        : (tensor<?x16x4xf32>, tensor<?x16x2xi64>, tensor<1xf32>) -> tensor<?x16x4xf32>
    // CHECK: shodh.router_z_loss_grad %{{.*}} : (tensor<?x16x4xf32>) -> tensor<?x16x4xf32>
    %dzl = shodh.router_z_loss_grad %probs : (tensor<?x16x4xf32>) -> tensor<?x16x4xf32>
    // CHECK: shodh.router_kl_loss_grad %{{.*}}, %{{.*}} {entropy_weight = 1.000000e-01 : f64} : (tensor<?x16x4xf32>, tensor<1xf32>) -> tensor<?x16x4xf32>
    %dkl = shodh.router_kl_loss_grad %probs, %dl {entropy_weight = 0.1 : f64}
        : (tensor<?x16x4xf32>, tensor<1xf32>) -> tensor<?x16x4xf32>
    return
  }
}
