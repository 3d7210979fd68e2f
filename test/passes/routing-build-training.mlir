// --shodh-build-training through the routing ops: router -> top_k ->
// dispatch -> expert stand-in (gelu) -> combine, the router losses (their
// cotangent dloss passed on), and spectral_energy as a stop-gradient.
// RUN: shodh-opt %s -split-input-file -verify-diagnostics --shodh-build-training | FileCheck %s
// RUN: shodh-opt %s -split-input-file --shodh-build-training --shodh-lower-to-kernels | FileCheck %s --check-prefix=KERNEL

// The whole chain. Gradients: combine -> (dout, dgates); dout through the
// expert and dispatch back to the tokens; dgates through top_k and the
// router's softmax to dz, then the linear gradients over axis 2; the two
// token cotangents are summed for w_in.
// CHECK-LABEL: func.func @train_step
// CHECK: %[[H:.*]] = shodh.linear %{{.*}}, %{{.*}} {axis = 2 : i64}
// CHECK: %[[WR:.*]] = shodh.read @w_r
// CHECK: %[[LOGITS:.*]], %[[P:.*]] = shodh.router %[[H]], %[[WR]], %{{.*}} :
// CHECK: %[[G:.*]], %[[E:.*]] = shodh.top_k %[[P]] {k = 2 : i64}
// CHECK: %[[S:.*]], %[[O:.*]], %[[SRC:.*]] = shodh.dispatch %[[H]], %[[E]] {num_experts = 4 : i64}
// CHECK: %[[A:.*]] = shodh.gelu %[[S]]
// CHECK: %[[Y:.*]] = shodh.combine %[[A]], %[[G]], %[[SRC]], %[[O]]
// CHECK: %[[DY:.*]] = shodh.mse_loss_grad %[[Y]]
// CHECK: %[[DOUT:.*]], %[[DG:.*]] = shodh.combine_grad %[[DY]], %[[A]], %[[G]], %[[SRC]], %[[O]] : (tensor<?x6x8xf32>, tensor<?x12x8xf32>, tensor<?x6x2xf32>, tensor<?x12xi64>, tensor<5xi64>) -> (tensor<?x12x8xf32>, tensor<?x6x2xf32>)
// CHECK: %[[DS:.*]] = shodh.gelu_grad %[[S]], %[[DOUT]]
// CHECK: %[[DH1:.*]] = shodh.dispatch_grad %[[DS]], %[[SRC]], %[[O]] {k = 2 : i64} : (tensor<?x12x8xf32>, tensor<?x12xi64>, tensor<5xi64>) -> tensor<?x6x8xf32>
// CHECK: %[[DP:.*]] = shodh.top_k_grad %[[P]], %[[E]], %[[DG]] : (tensor<?x6x4xf32>, tensor<?x6x2xi64>, tensor<?x6x2xf32>) -> tensor<?x6x4xf32>
// CHECK: %[[DZ:.*]] = shodh.router_grad %[[P]], %[[DP]] {temperature = 2.000000e+00 : f64}
// CHECK: %[[DH2:.*]] = shodh.linear_grad_input %[[DZ]], %[[WR]] {axis = 2 : i64}
// CHECK: %[[DWR:.*]] = shodh.linear_grad_weight %[[H]], %[[DZ]] {axis = 2 : i64} : (tensor<?x6x8xf32>, tensor<?x6x4xf32>) -> tensor<4x8xf32>
// CHECK: %[[DBR:.*]] = shodh.linear_grad_bias %[[DZ]] {axis = 2 : i64} : (tensor<?x6x4xf32>) -> tensor<4xf32>
// CHECK: %[[DH:.*]] = shodh.add %[[DH1]], %[[DH2]]
// CHECK: %[[DWIN:.*]] = shodh.linear_grad_weight %{{.*}}, %[[DH]] {axis = 2 : i64}
// CHECK: shodh.adam @w_in, %[[DWIN]]
// CHECK: shodh.adam @w_r, %[[DWR]]
// CHECK: shodh.adam @b_r, %[[DBR]]
// KERNEL-LABEL: func.func @train_step
// KERNEL: shodh.kernel "router"(%{{.*}}) {attrs = {temperature = 2.000000e+00 : f64}} : (tensor<?x6x8xf32>, tensor<4x8xf32>, tensor<4xf32>) -> (tensor<?x6x4xf32>, tensor<?x6x4xf32>)
// KERNEL: shodh.kernel "top_k"(%{{.*}}) {attrs = {k = 2 : i64, renormalize = 1 : i64}} : (tensor<?x6x4xf32>) -> (tensor<?x6x2xf32>, tensor<?x6x2xi64>)
// KERNEL: shodh.kernel "dispatch"(%{{.*}}) {attrs = {capacity_factor = 0.000000e+00 : f64, num_experts = 4 : i64}} : (tensor<?x6x8xf32>, tensor<?x6x2xi64>) -> (tensor<?x12x8xf32>, tensor<5xi64>, tensor<?x12xi64>)
// KERNEL: shodh.kernel "combine"(%{{.*}}) : (tensor<?x12x8xf32>, tensor<?x6x2xf32>, tensor<?x12xi64>, tensor<5xi64>) -> tensor<?x6x8xf32>
// KERNEL: shodh.kernel "combine_grad"(%{{.*}}) : (tensor<?x6x8xf32>, tensor<?x12x8xf32>, tensor<?x6x2xf32>, tensor<?x12xi64>, tensor<5xi64>) -> (tensor<?x12x8xf32>, tensor<?x6x2xf32>)
// KERNEL: shodh.kernel "dispatch_grad"(%{{.*}}) {attrs = {k = 2 : i64}}
// KERNEL: shodh.kernel "top_k_grad"(%{{.*}}) {attrs = {renormalize = 1 : i64}}
// KERNEL: shodh.kernel "router_grad"(%{{.*}}) {attrs = {temperature = 2.000000e+00 : f64}}
module attributes {shodh.train = {loss = "mse"}} {
  shodh.param @w_in {init = {kind = "zeros"}} : tensor<8x3xf32>
  shodh.param @w_r {init = {kind = "zeros"}} : tensor<4x8xf32>
  shodh.param @b_r {init = {kind = "zeros"}} : tensor<4xf32>
  func.func @infer(%x: tensor<?x6x3xf32> {shodh.dims = ["B", 6, 3], shodh.name = "x"}) -> (tensor<?x6x8xf32> {shodh.name = "y"}) {
    %w_in = shodh.read @w_in : tensor<8x3xf32>
    %h = shodh.linear %x, %w_in {axis = 2 : i64} : (tensor<?x6x3xf32>, tensor<8x3xf32>) -> tensor<?x6x8xf32>
    %w_r = shodh.read @w_r : tensor<4x8xf32>
    %b_r = shodh.read @b_r : tensor<4xf32>
    %logits, %probs = shodh.router %h, %w_r, %b_r {temperature = 2.0 : f64} : (tensor<?x6x8xf32>, tensor<4x8xf32>, tensor<4xf32>) -> (tensor<?x6x4xf32>, tensor<?x6x4xf32>)
    %gates, %experts = shodh.top_k %probs {k = 2 : i64} : (tensor<?x6x4xf32>) -> (tensor<?x6x2xf32>, tensor<?x6x2xi64>)
    %sorted, %offsets, %source = shodh.dispatch %h, %experts {num_experts = 4 : i64} : (tensor<?x6x8xf32>, tensor<?x6x2xi64>) -> (tensor<?x12x8xf32>, tensor<5xi64>, tensor<?x12xi64>)
    %act = shodh.gelu %sorted : (tensor<?x12x8xf32>) -> tensor<?x12x8xf32>
    %y = shodh.combine %act, %gates, %source, %offsets : (tensor<?x12x8xf32>, tensor<?x6x2xf32>, tensor<?x12xi64>, tensor<5xi64>) -> tensor<?x6x8xf32>
    return %y : tensor<?x6x8xf32>
  }
}

// -----

// The router losses as the prediction: each loss gradient takes the
// cotangent of its result (here mse_loss_grad's) as dloss; the z-loss
// reaches the logits, whose cotangent router_grad adds to the softmax's.
// CHECK-LABEL: func.func @train_step
// CHECK: %[[LOGITS:.*]], %[[P:.*]] = shodh.router
// CHECK: %[[G:.*]], %[[E:.*]] = shodh.top_k %[[P]] {k = 1 : i64, renormalize = false}
// CHECK: %[[DL:.*]] = shodh.mse_loss_grad
// CHECK-DAG: %[[DLB:.*]] = shodh.load_balance_loss_grad %[[P]], %[[E]], %[[DL]] : (tensor<?x6x4xf32>, tensor<?x6x1xi64>, tensor<1xf32>) -> tensor<?x6x4xf32>
// CHECK-DAG: %[[DKL:.*]] = shodh.router_kl_loss_grad %[[P]], %[[DL]] {entropy_weight = 5.000000e-01 : f64, prior = array<f64: 4.000000e-01, 3.000000e-01, 2.000000e-01, 1.000000e-01>} : (tensor<?x6x4xf32>, tensor<1xf32>) -> tensor<?x6x4xf32>
// CHECK-DAG: %[[DZL:.*]] = shodh.router_z_loss_grad %[[LOGITS]], %[[DL]] : (tensor<?x6x4xf32>, tensor<1xf32>) -> tensor<?x6x4xf32>
// CHECK: %[[DPS:.*]] = shodh.add
// CHECK: %[[DZ:.*]] = shodh.router_grad %[[P]], %[[DPS]], %[[DZL]] : (tensor<?x6x4xf32>, tensor<?x6x4xf32>, tensor<?x6x4xf32>) -> tensor<?x6x4xf32>
// CHECK: shodh.linear_grad_weight %{{.*}}, %[[DZ]] {axis = 2 : i64}
// KERNEL-LABEL: func.func @train_step
// KERNEL-DAG: shodh.kernel "load_balance_loss_grad"
// KERNEL-DAG: shodh.kernel "router_kl_loss_grad"(%{{.*}}) {attrs = {entropy_over = "tokens", entropy_weight = 5.000000e-01 : f64, prior = array<f64: 4.000000e-01, 3.000000e-01, 2.000000e-01, 1.000000e-01>}}
// KERNEL-DAG: shodh.kernel "router_z_loss_grad"
module attributes {shodh.train = {loss = "mse"}} {
  shodh.param @w_r {init = {kind = "zeros"}} : tensor<4x3xf32>
  func.func @infer(%x: tensor<?x6x3xf32> {shodh.dims = ["B", 6, 3], shodh.name = "x"}) -> (tensor<1xf32> {shodh.name = "y"}) {
    %w_r = shodh.read @w_r : tensor<4x3xf32>
    %logits, %probs = shodh.router %x, %w_r : (tensor<?x6x3xf32>, tensor<4x3xf32>) -> (tensor<?x6x4xf32>, tensor<?x6x4xf32>)
    %gates, %experts = shodh.top_k %probs {k = 1 : i64, renormalize = false} : (tensor<?x6x4xf32>) -> (tensor<?x6x1xf32>, tensor<?x6x1xi64>)
    %lb = shodh.load_balance_loss %probs, %experts : (tensor<?x6x4xf32>, tensor<?x6x1xi64>) -> tensor<1xf32>
    %z = shodh.router_z_loss %logits : (tensor<?x6x4xf32>) -> tensor<1xf32>
    %kl = shodh.router_kl_loss %probs {prior = array<f64: 0.4, 0.3, 0.2, 0.1>, entropy_weight = 0.5 : f64} : (tensor<?x6x4xf32>) -> tensor<1xf32>
    %s1 = shodh.add %lb, %z : (tensor<1xf32>, tensor<1xf32>) -> tensor<1xf32>
    %s = shodh.add %s1, %kl : (tensor<1xf32>, tensor<1xf32>) -> tensor<1xf32>
    return %s : tensor<1xf32>
  }
}

// -----

// spectral_energy is a stop-gradient: the router's features give the patch
// tokens no cotangent, so w_in learns only through dispatch.
// CHECK-LABEL: func.func @train_step
// CHECK: %[[F:.*]] = shodh.spectral_energy %{{.*}} {bands = 2 : i64}
// CHECK: shodh.router %[[F]]
// CHECK: %[[DT:.*]] = shodh.dispatch_grad
// CHECK-NOT: shodh.add
// CHECK: %[[DWIN:.*]] = shodh.linear_grad_weight %{{.*}}, %[[DT]] {axis = 2 : i64} : (tensor<?x4x1x4x4xf32>, tensor<?x4x2x4x4xf32>) -> tensor<2x1xf32>
// CHECK: shodh.adam @w_in, %[[DWIN]]
module attributes {shodh.train = {loss = "mse"}} {
  shodh.param @w_in {init = {kind = "zeros"}} : tensor<2x1xf32>
  shodh.param @w_r {init = {kind = "zeros"}} : tensor<3x2xf32>
  func.func @infer(%x: tensor<?x4x1x4x4xf32> {shodh.dims = ["B", 4, 1, 4, 4], shodh.name = "x"}) -> (tensor<?x4x2x4x4xf32> {shodh.name = "y"}) {
    %w_in = shodh.read @w_in : tensor<2x1xf32>
    %h = shodh.linear %x, %w_in {axis = 2 : i64} : (tensor<?x4x1x4x4xf32>, tensor<2x1xf32>) -> tensor<?x4x2x4x4xf32>
    %f = shodh.spectral_energy %h {bands = 2 : i64} : (tensor<?x4x2x4x4xf32>) -> tensor<?x4x2xf32>
    %w_r = shodh.read @w_r : tensor<3x2xf32>
    %logits, %probs = shodh.router %f, %w_r : (tensor<?x4x2xf32>, tensor<3x2xf32>) -> (tensor<?x4x3xf32>, tensor<?x4x3xf32>)
    %gates, %experts = shodh.top_k %probs {k = 2 : i64, renormalize = false} : (tensor<?x4x3xf32>) -> (tensor<?x4x2xf32>, tensor<?x4x2xi64>)
    %sorted, %offsets, %source = shodh.dispatch %h, %experts {num_experts = 3 : i64, capacity_factor = 1.0 : f64} : (tensor<?x4x2x4x4xf32>, tensor<?x4x2xi64>) -> (tensor<?x8x2x4x4xf32>, tensor<4xi64>, tensor<?x8xi64>)
    %y = shodh.combine %sorted, %gates, %source, %offsets : (tensor<?x8x2x4x4xf32>, tensor<?x4x2xf32>, tensor<?x8xi64>, tensor<4xi64>) -> tensor<?x4x2x4x4xf32>
    return %y : tensor<?x4x2x4x4xf32>
  }
}

// -----

// allocation_kl is a measurement: as a pi_controller's input it is computed
// in @train_step and feeds pi_update, and no gradient op is built for it
// (stop-gradient; its ids operand has none anyway). @infer drops it with
// the controller.
// CHECK-LABEL: func.func @infer
// CHECK-NOT: allocation_kl
// CHECK: return
// CHECK-LABEL: func.func @train_step
// CHECK: %[[G:.*]], %[[E:.*]] = shodh.top_k
// CHECK: %[[AK:.*]] = shodh.allocation_kl %[[E]] {num_experts = 3 : i64} : (tensor<?x4x1xi64>) -> tensor<1xf32>
// CHECK-NOT: allocation_kl_grad
// CHECK: shodh.pi_update %[[AK]] {integral = @pi.bal.integral
// KERNEL-LABEL: func.func @train_step
// KERNEL: %[[AK:.*]] = shodh.kernel "allocation_kl"(%{{.*}}) {attrs = {num_experts = 3 : i64}}
// KERNEL: shodh.kernel "pi_update"(%{{.*}}, %{{.*}}, %[[AK]])
module attributes {shodh.train = {loss = "mse"}} {
  shodh.param @w_r {init = {kind = "zeros"}} : tensor<3x2xf32>
  func.func @infer(%x: tensor<?x4x2xf32> {shodh.dims = ["B", 4, 2], shodh.name = "x"}) -> (tensor<?x4x2xf32> {shodh.name = "y"}) {
    %w_r = shodh.read @w_r : tensor<3x2xf32>
    %logits, %probs = shodh.router %x, %w_r : (tensor<?x4x2xf32>, tensor<3x2xf32>) -> (tensor<?x4x3xf32>, tensor<?x4x3xf32>)
    %gates, %experts = shodh.top_k %probs {k = 1 : i64, renormalize = false} : (tensor<?x4x3xf32>) -> (tensor<?x4x1xf32>, tensor<?x4x1xi64>)
    %sorted, %offsets, %source = shodh.dispatch %x, %experts {num_experts = 3 : i64} : (tensor<?x4x2xf32>, tensor<?x4x1xi64>) -> (tensor<?x4x2xf32>, tensor<4xi64>, tensor<?x4xi64>)
    %y = shodh.combine %sorted, %gates, %source, %offsets : (tensor<?x4x2xf32>, tensor<?x4x1xf32>, tensor<?x4xi64>, tensor<4xi64>) -> tensor<?x4x2xf32>
    %imbalance = shodh.allocation_kl %experts {num_experts = 3 : i64} : (tensor<?x4x1xi64>) -> tensor<1xf32>
    %loss = shodh.router_kl_loss %probs : (tensor<?x4x3xf32>) -> tensor<1xf32>
    %lambda = shodh.pi_controller @bal %imbalance {setpoint = 0.1 : f64, kp = 0.5 : f64,
        ki = 0.05 : f64, lambda0 = 0.01 : f64, lambda_min = 0.0 : f64, lambda_max = 1.0 : f64}
        : (tensor<1xf32>) -> tensor<1xf32>
    shodh.aux_loss %loss, %lambda {coefficient = 1.0 : f64, name = "router"} : tensor<1xf32>, tensor<1xf32>
    return %y : tensor<?x4x2xf32>
  }
}

// -----

// As a term of the loss itself it contributes no gradient: the router gets
// only the prediction loss's gradient through the gates.
// CHECK-LABEL: func.func @train_step
// CHECK: shodh.allocation_kl
// CHECK-NOT: allocation_kl
// CHECK: shodh.top_k_grad
// CHECK-NOT: shodh.add
// CHECK: shodh.router_grad
module attributes {shodh.train = {loss = "mse"}} {
  shodh.param @w_r {init = {kind = "zeros"}} : tensor<3x2xf32>
  func.func @infer(%x: tensor<?x4x2xf32> {shodh.dims = ["B", 4, 2], shodh.name = "x"}) -> (tensor<?x4x2xf32> {shodh.name = "y"}) {
    %w_r = shodh.read @w_r : tensor<3x2xf32>
    %logits, %probs = shodh.router %x, %w_r : (tensor<?x4x2xf32>, tensor<3x2xf32>) -> (tensor<?x4x3xf32>, tensor<?x4x3xf32>)
    %gates, %experts = shodh.top_k %probs {k = 1 : i64, renormalize = false} : (tensor<?x4x3xf32>) -> (tensor<?x4x1xf32>, tensor<?x4x1xi64>)
    %sorted, %offsets, %source = shodh.dispatch %x, %experts {num_experts = 3 : i64} : (tensor<?x4x2xf32>, tensor<?x4x1xi64>) -> (tensor<?x4x2xf32>, tensor<4xi64>, tensor<?x4xi64>)
    %y = shodh.combine %sorted, %gates, %source, %offsets : (tensor<?x4x2xf32>, tensor<?x4x1xf32>, tensor<?x4xi64>, tensor<4xi64>) -> tensor<?x4x2xf32>
    %imbalance = shodh.allocation_kl %experts {num_experts = 3 : i64} : (tensor<?x4x1xi64>) -> tensor<1xf32>
    shodh.aux_loss %imbalance {coefficient = 1.0 : f64, name = "imbalance"} : tensor<1xf32>
    return %y : tensor<?x4x2xf32>
  }
}

// -----

// entropy_over = "samples" reaches the gradient op and its kernel.
// CHECK-LABEL: func.func @train_step
// CHECK: shodh.router_kl_loss_grad %{{.*}}, %{{.*}} {entropy_over = "samples", entropy_weight = 1.000000e+00 : f64} : (tensor<?x4x3xf32>, tensor<1xf32>) -> tensor<?x4x3xf32>
// KERNEL: shodh.kernel "router_kl_loss_grad"(%{{.*}}) {attrs = {entropy_over = "samples", entropy_weight = 1.000000e+00 : f64}}
module attributes {shodh.train = {loss = "mse"}} {
  shodh.param @w_r {init = {kind = "zeros"}} : tensor<3x2xf32>
  func.func @infer(%x: tensor<?x4x2xf32> {shodh.dims = ["B", 4, 2], shodh.name = "x"}) -> (tensor<1xf32> {shodh.name = "y"}) {
    %w_r = shodh.read @w_r : tensor<3x2xf32>
    %logits, %probs = shodh.router %x, %w_r : (tensor<?x4x2xf32>, tensor<3x2xf32>) -> (tensor<?x4x3xf32>, tensor<?x4x3xf32>)
    %loss = shodh.router_kl_loss %probs {entropy_weight = 1.0 : f64, entropy_over = "samples"} : (tensor<?x4x3xf32>) -> tensor<1xf32>
    return %loss : tensor<1xf32>
  }
}
