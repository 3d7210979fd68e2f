// --shodh-build-training: @train_step = forward + loss + reverse-mode autodiff
// + optimizer updates in place, and @eval = forward + loss, both built from
// @infer when the module has `shodh.train`.
// RUN: shodh-opt %s -split-input-file -verify-diagnostics -allow-unregistered-dialect --shodh-build-training | FileCheck %s

// A linear -> gelu -> linear chain. The first layer's input gets no dx; each
// parameter gets Adam moments and one update after the step increment.
// CHECK-LABEL: module attributes {shodh.train = {loss = "mse"}}
// CHECK: shodh.param @w2
// CHECK-NEXT: shodh.state @w1.adam_m {init = {kind = "zeros"}} : tensor<4x3xf32>
// CHECK-NEXT: shodh.state @w1.adam_v {init = {kind = "zeros"}} : tensor<4x3xf32>
// CHECK-NEXT: shodh.state @b1.adam_m {init = {kind = "zeros"}} : tensor<4xf32>
// CHECK-NEXT: shodh.state @b1.adam_v {init = {kind = "zeros"}} : tensor<4xf32>
// CHECK-NEXT: shodh.state @w2.adam_m {init = {kind = "zeros"}} : tensor<2x4xf32>
// CHECK-NEXT: shodh.state @w2.adam_v {init = {kind = "zeros"}} : tensor<2x4xf32>
// CHECK-NEXT: shodh.state @train.step {init = {kind = "zeros"}} : tensor<1xi64>
// CHECK: func.func @infer
// CHECK-LABEL: func.func @train_step
// CHECK-SAME: (%[[X:.*]]: tensor<?x3xf32> {shodh.dims = ["B", 3], shodh.name = "x"}, %[[T:.*]]: tensor<?x2xf32> {shodh.dims = ["B", 2], shodh.name = "target"}, %[[LR:.*]]: tensor<1xf32> {shodh.name = "lr"}) -> (tensor<1xf32> {shodh.name = "loss"})
// CHECK: %[[W1:.*]] = shodh.read @w1
// CHECK: %[[B1:.*]] = shodh.read @b1
// CHECK: %[[H:.*]] = shodh.linear %[[X]], %[[W1]], %[[B1]]
// CHECK: %[[G:.*]] = shodh.gelu %[[H]] {approximate = "tanh"}
// CHECK: %[[W2:.*]] = shodh.read @w2
// CHECK: %[[Y:.*]] = shodh.linear %[[G]], %[[W2]]
// CHECK: %[[L:.*]] = shodh.mse_loss %[[Y]], %[[T]] : (tensor<?x2xf32>, tensor<?x2xf32>) -> tensor<1xf32>
// CHECK: %[[DY:.*]] = shodh.mse_loss_grad %[[Y]], %[[T]] : (tensor<?x2xf32>, tensor<?x2xf32>) -> tensor<?x2xf32>
// CHECK: %[[DG:.*]] = shodh.linear_grad_input %[[DY]], %[[W2]] : (tensor<?x2xf32>, tensor<2x4xf32>) -> tensor<?x4xf32>
// CHECK: %[[DW2:.*]] = shodh.linear_grad_weight %[[G]], %[[DY]] : (tensor<?x4xf32>, tensor<?x2xf32>) -> tensor<2x4xf32>
// CHECK: %[[DH:.*]] = shodh.gelu_grad %[[H]], %[[DG]] {approximate = "tanh"}
// CHECK-NOT: shodh.linear_grad_input
// CHECK: %[[DW1:.*]] = shodh.linear_grad_weight %[[X]], %[[DH]] : (tensor<?x3xf32>, tensor<?x4xf32>) -> tensor<4x3xf32>
// CHECK: %[[DB1:.*]] = shodh.linear_grad_bias %[[DH]] : (tensor<?x4xf32>) -> tensor<4xf32>
// CHECK-NOT: grad_global_norm
// CHECK: shodh.step_increment @train.step
// CHECK-NEXT: shodh.adam @w1, %[[DW1]], %[[LR]] {beta1 = 9.000000e-01 : f64, beta2 = 0.99899999999999999 : f64, eps = 1.000000e-08 : f64, m = @w1.adam_m, step = @train.step, v = @w1.adam_v, weight_decay = 0.000000e+00 : f64} : tensor<4x3xf32>, tensor<1xf32>
// CHECK-NEXT: shodh.adam @b1, %[[DB1]], %[[LR]] {{.*}}m = @b1.adam_m, step = @train.step, v = @b1.adam_v
// CHECK-NEXT: shodh.adam @w2, %[[DW2]], %[[LR]] {{.*}}m = @w2.adam_m, step = @train.step, v = @w2.adam_v
// CHECK-NEXT: return %[[L]] : tensor<1xf32>
// CHECK-LABEL: func.func @eval
// CHECK-SAME: (%{{.*}}: tensor<?x3xf32> {shodh.dims = ["B", 3], shodh.name = "x"}, %[[ET:.*]]: tensor<?x2xf32> {shodh.dims = ["B", 2], shodh.name = "target"}) -> (tensor<?x2xf32> {shodh.name = "y"}, tensor<1xf32> {shodh.name = "loss"})
// CHECK: %[[EY:.*]] = shodh.linear %{{.*}}, %{{.*}} : (tensor<?x4xf32>
// CHECK-NEXT: %[[EL:.*]] = shodh.mse_loss %[[EY]], %[[ET]]
// CHECK-NEXT: return %[[EY]], %[[EL]]
module attributes {shodh.train = {loss = "mse"}} {
  shodh.param @w1 {init = {kind = "zeros"}} : tensor<4x3xf32>
  shodh.param @b1 {init = {kind = "zeros"}} : tensor<4xf32>
  shodh.param @w2 {init = {kind = "zeros"}} : tensor<2x4xf32>
  func.func @infer(%x: tensor<?x3xf32> {shodh.dims = ["B", 3], shodh.name = "x"}) -> (tensor<?x2xf32> {shodh.name = "y"}) {
    %w1 = shodh.read @w1 : tensor<4x3xf32>
    %b1 = shodh.read @b1 : tensor<4xf32>
    %h = shodh.linear %x, %w1, %b1 : (tensor<?x3xf32>, tensor<4x3xf32>, tensor<4xf32>) -> tensor<?x4xf32>
    %g = shodh.gelu %h {approximate = "tanh"} : (tensor<?x4xf32>) -> tensor<?x4xf32>
    %w2 = shodh.read @w2 : tensor<2x4xf32>
    %y = shodh.linear %g, %w2 : (tensor<?x4xf32>, tensor<2x4xf32>) -> tensor<?x2xf32>
    return %y : tensor<?x2xf32>
  }
}

// -----

// Fan-out: h feeds both operands' paths of a residual add, so its
// cotangent is the sum of the pass-through dy and the linear's dx.
// CHECK-LABEL: func.func @train_step
// CHECK: %[[X0:.*]] = shodh.linear %{{.*}}, %[[WIN:.*]] : {{.*}} -> tensor<?x4xf32>
// CHECK: %[[WMIX:.*]] = shodh.read @w_mix
// CHECK: %[[M:.*]] = shodh.linear %[[X0]], %[[WMIX]]
// CHECK: %[[S:.*]] = shodh.add %[[X0]], %[[M]]
// CHECK: %[[DY:.*]] = shodh.mse_loss_grad %[[S]]
// CHECK: %[[DX0:.*]] = shodh.linear_grad_input %[[DY]], %[[WMIX]]
// CHECK: %[[DWMIX:.*]] = shodh.linear_grad_weight %[[X0]], %[[DY]]
// CHECK: %[[SUM:.*]] = shodh.add %[[DY]], %[[DX0]]
// CHECK: %[[DWIN:.*]] = shodh.linear_grad_weight %{{.*}}, %[[SUM]]
// CHECK: shodh.adam @w_in, %[[DWIN]]
// CHECK: shodh.adam @w_mix, %[[DWMIX]]
module attributes {shodh.train = {}} {
  shodh.param @w_in {init = {kind = "zeros"}} : tensor<4x3xf32>
  shodh.param @w_mix {init = {kind = "zeros"}} : tensor<4x4xf32>
  func.func @infer(%x: tensor<?x3xf32> {shodh.dims = ["B", 3]}) -> tensor<?x4xf32> {
    %w_in = shodh.read @w_in : tensor<4x3xf32>
    %h = shodh.linear %x, %w_in : (tensor<?x3xf32>, tensor<4x3xf32>) -> tensor<?x4xf32>
    %w_mix = shodh.read @w_mix : tensor<4x4xf32>
    %m = shodh.linear %h, %w_mix : (tensor<?x4xf32>, tensor<4x4xf32>) -> tensor<?x4xf32>
    %s = shodh.add %h, %m : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
    return %s : tensor<?x4xf32>
  }
}

// -----

// mul: da = dy * b and db = dy * a with the existing mul op; rel_l2 loss.
// CHECK-LABEL: func.func @train_step
// CHECK: %[[A:.*]] = shodh.linear %{{.*}}, %{{.*}} : {{.*}} -> tensor<?x2xf32>
// CHECK: %[[B:.*]] = shodh.linear %{{.*}}, %{{.*}} : {{.*}} -> tensor<?x2xf32>
// CHECK: %[[P:.*]] = shodh.mul %[[A]], %[[B]]
// CHECK: shodh.rel_l2_loss %[[P]], %{{.*}} : (tensor<?x2xf32>, tensor<?x2xf32>) -> tensor<1xf32>
// CHECK: %[[DP:.*]] = shodh.rel_l2_loss_grad %[[P]]
// CHECK: %[[DA:.*]] = shodh.mul %[[DP]], %[[B]]
// CHECK: %[[DB:.*]] = shodh.mul %[[DP]], %[[A]]
// CHECK: shodh.linear_grad_weight %{{.*}}, %[[DB]]
// CHECK: shodh.linear_grad_weight %{{.*}}, %[[DA]]
// CHECK-LABEL: func.func @eval
// CHECK: shodh.rel_l2_loss
module attributes {shodh.train = {loss = "rel_l2"}} {
  shodh.param @wa {init = {kind = "zeros"}} : tensor<2x3xf32>
  shodh.param @wb {init = {kind = "zeros"}} : tensor<2x3xf32>
  func.func @infer(%x: tensor<?x3xf32> {shodh.dims = ["B", 3]}) -> tensor<?x2xf32> {
    %wa = shodh.read @wa : tensor<2x3xf32>
    %a = shodh.linear %x, %wa : (tensor<?x3xf32>, tensor<2x3xf32>) -> tensor<?x2xf32>
    %wb = shodh.read @wb : tensor<2x3xf32>
    %b = shodh.linear %x, %wb : (tensor<?x3xf32>, tensor<2x3xf32>) -> tensor<?x2xf32>
    %p = shodh.mul %a, %b : (tensor<?x2xf32>, tensor<?x2xf32>) -> tensor<?x2xf32>
    return %p : tensor<?x2xf32>
  }
}

// -----

// spectral_conv uses its own gradient ops (both gradients in one
// spectral_conv_grad when both are needed); complex weights get complex
// moments of the same type.
// CHECK: shodh.state @sw.adam_m {init = {kind = "zeros"}} : tensor<2x2x3xcomplex<f32>>
// CHECK: shodh.state @sw.adam_v {init = {kind = "zeros"}} : tensor<2x2x3xcomplex<f32>>
// CHECK-LABEL: func.func @train_step
// CHECK: %[[H:.*]] = shodh.linear
// CHECK: %[[SW:.*]] = shodh.read @sw
// CHECK: %[[C:.*]] = shodh.spectral_conv %[[H]], %[[SW]]
// CHECK: %[[DY:.*]] = shodh.mse_loss_grad
// CHECK: %[[DH:.*]], %[[DSW:.*]] = shodh.spectral_conv_grad %[[H]], %[[DY]], %[[SW]] {modes = array<i64: 3>} : (tensor<?x2x8xf32>, tensor<?x2x8xf32>, tensor<2x2x3xcomplex<f32>>) -> (tensor<?x2x8xf32>, tensor<2x2x3xcomplex<f32>>)
// CHECK: %[[DW:.*]] = shodh.linear_grad_weight %{{.*}}, %[[DH]]
// CHECK: shodh.adam @w, %[[DW]]
// CHECK: shodh.adam @sw, %[[DSW]], %{{.*}} {{.*}} : tensor<2x2x3xcomplex<f32>>, tensor<1xf32>
module attributes {shodh.train = {}} {
  shodh.param @w {init = {kind = "zeros"}} : tensor<2x1xf32>
  shodh.param @sw {init = {kind = "zeros"}} : tensor<2x2x3xcomplex<f32>>
  func.func @infer(%x: tensor<?x1x8xf32> {shodh.dims = ["B", 1, 8]}) -> tensor<?x2x8xf32> {
    %w = shodh.read @w : tensor<2x1xf32>
    %h = shodh.linear %x, %w : (tensor<?x1x8xf32>, tensor<2x1xf32>) -> tensor<?x2x8xf32>
    %sw = shodh.read @sw : tensor<2x2x3xcomplex<f32>>
    %c = shodh.spectral_conv %h, %sw {modes = array<i64: 3>} : (tensor<?x2x8xf32>, tensor<2x2x3xcomplex<f32>>) -> tensor<?x2x8xf32>
    return %c : tensor<?x2x8xf32>
  }
}

// -----

// A spectral_conv of the model input: only the weight gradient is needed,
// so the single spectral_conv_grad_weight is emitted.
// CHECK-LABEL: func.func @train_step
// CHECK-NOT: shodh.spectral_conv_grad_input
// CHECK-NOT: shodh.spectral_conv_grad %
// CHECK: %[[DSW:.*]] = shodh.spectral_conv_grad_weight %arg0, %{{.*}} {modes = array<i64: 3>}
// CHECK: shodh.adam @sw, %[[DSW]]
module attributes {shodh.train = {}} {
  shodh.param @sw {init = {kind = "zeros"}} : tensor<1x1x3xcomplex<f32>>
  func.func @infer(%x: tensor<?x1x8xf32> {shodh.dims = ["B", 1, 8]}) -> tensor<?x1x8xf32> {
    %sw = shodh.read @sw : tensor<1x1x3xcomplex<f32>>
    %c = shodh.spectral_conv %x, %sw {modes = array<i64: 3>} : (tensor<?x1x8xf32>, tensor<1x1x3xcomplex<f32>>) -> tensor<?x1x8xf32>
    return %c : tensor<?x1x8xf32>
  }
}

// -----

// The unfused chain: each primitive's gradient, in reverse order.
// CHECK-LABEL: func.func @train_step
// CHECK: %[[H:.*]] = shodh.linear
// CHECK: %[[F:.*]] = shodh.rfft %[[H]]
// CHECK: %[[TR:.*]] = shodh.spectral_truncate %[[F]]
// CHECK: %[[SW:.*]] = shodh.read @sw
// CHECK: shodh.spectral_contract %[[TR]], %[[SW]]
// CHECK: %[[DY:.*]] = shodh.mse_loss_grad
// CHECK: %[[DP:.*]] = shodh.irfft_grad %[[DY]] {ndims = 1 : i64, norm = "ortho"} : (tensor<?x2x8xf32>) -> tensor<?x2x5xcomplex<f32>>
// CHECK: %[[DC:.*]] = shodh.spectral_truncate %[[DP]] {modes = array<i64: 3>} : (tensor<?x2x5xcomplex<f32>>) -> tensor<?x2x3xcomplex<f32>>
// CHECK: %[[DT:.*]] = shodh.spectral_contract_grad_input %[[DC]], %[[SW]] : (tensor<?x2x3xcomplex<f32>>, tensor<2x2x3xcomplex<f32>>) -> tensor<?x2x3xcomplex<f32>>
// CHECK: %[[DSW:.*]] = shodh.spectral_contract_grad_weight %[[TR]], %[[DC]] : (tensor<?x2x3xcomplex<f32>>, tensor<?x2x3xcomplex<f32>>) -> tensor<2x2x3xcomplex<f32>>
// CHECK: %[[DF:.*]] = shodh.spectral_pad %[[DT]] {modes = array<i64: 3>, sizes = array<i64: 8>} : (tensor<?x2x3xcomplex<f32>>) -> tensor<?x2x5xcomplex<f32>>
// CHECK: %[[DH:.*]] = shodh.rfft_grad %[[DF]] {last_size = 8 : i64, ndims = 1 : i64, norm = "ortho"} : (tensor<?x2x5xcomplex<f32>>) -> tensor<?x2x8xf32>
// CHECK: shodh.linear_grad_weight %{{.*}}, %[[DH]]
// CHECK: shodh.adam @sw, %[[DSW]]
module attributes {shodh.train = {}} {
  shodh.param @w {init = {kind = "zeros"}} : tensor<2x1xf32>
  shodh.param @sw {init = {kind = "zeros"}} : tensor<2x2x3xcomplex<f32>>
  func.func @infer(%x: tensor<?x1x8xf32> {shodh.dims = ["B", 1, 8]}) -> tensor<?x2x8xf32> {
    %w = shodh.read @w : tensor<2x1xf32>
    %h = shodh.linear %x, %w : (tensor<?x1x8xf32>, tensor<2x1xf32>) -> tensor<?x2x8xf32>
    %f = shodh.rfft %h {ndims = 1 : i64, norm = "ortho"} : (tensor<?x2x8xf32>) -> tensor<?x2x5xcomplex<f32>>
    %t = shodh.spectral_truncate %f {modes = array<i64: 3>} : (tensor<?x2x5xcomplex<f32>>) -> tensor<?x2x3xcomplex<f32>>
    %sw = shodh.read @sw : tensor<2x2x3xcomplex<f32>>
    %c = shodh.spectral_contract %t, %sw : (tensor<?x2x3xcomplex<f32>>, tensor<2x2x3xcomplex<f32>>) -> tensor<?x2x3xcomplex<f32>>
    %p = shodh.spectral_pad %c {modes = array<i64: 3>, sizes = array<i64: 8>} : (tensor<?x2x3xcomplex<f32>>) -> tensor<?x2x5xcomplex<f32>>
    %y = shodh.irfft %p {ndims = 1 : i64, norm = "ortho", last_size = 8 : i64} : (tensor<?x2x5xcomplex<f32>>) -> tensor<?x2x8xf32>
    return %y : tensor<?x2x8xf32>
  }
}

// -----

// A parameter read twice gets the sum of both reads' gradients and one
// update.
// CHECK-LABEL: func.func @train_step
// CHECK: %[[WA:.*]] = shodh.read @w
// CHECK: %[[H:.*]] = shodh.linear %{{.*}}, %[[WA]]
// CHECK: %[[WB:.*]] = shodh.read @w
// CHECK: %[[DY:.*]] = shodh.mse_loss_grad
// CHECK: %[[DH:.*]] = shodh.linear_grad_input %[[DY]], %[[WB]]
// CHECK: %[[GB:.*]] = shodh.linear_grad_weight %[[H]], %[[DY]]
// CHECK: %[[GA:.*]] = shodh.linear_grad_weight %{{.*}}, %[[DH]]
// CHECK: %[[G:.*]] = shodh.add %[[GA]], %[[GB]] : (tensor<3x3xf32>, tensor<3x3xf32>) -> tensor<3x3xf32>
// CHECK: shodh.step_increment
// CHECK-NEXT: shodh.adam @w, %[[G]]
// CHECK-NOT: shodh.adam
module attributes {shodh.train = {}} {
  shodh.param @w {init = {kind = "zeros"}} : tensor<3x3xf32>
  func.func @infer(%x: tensor<?x3xf32> {shodh.dims = ["B", 3]}) -> tensor<?x3xf32> {
    %wa = shodh.read @w : tensor<3x3xf32>
    %h = shodh.linear %x, %wa : (tensor<?x3xf32>, tensor<3x3xf32>) -> tensor<?x3xf32>
    %wb = shodh.read @w : tensor<3x3xf32>
    %y = shodh.linear %h, %wb : (tensor<?x3xf32>, tensor<3x3xf32>) -> tensor<?x3xf32>
    return %y : tensor<?x3xf32>
  }
}

// -----

// Clipping: one global norm over every gradient, then each gradient is
// clipped once (the shared pass-through gradient of @p and @q too) before
// the updates; AdamW sets `decoupled`.
// CHECK-LABEL: func.func @train_step
// CHECK: %[[DY:.*]] = shodh.mse_loss_grad
// CHECK: %[[DW:.*]] = shodh.linear_grad_weight
// CHECK: %[[N:.*]] = shodh.grad_global_norm %[[DW]], %[[DY]], %[[DY]] : (tensor<2x3xf32>, tensor<2x2xf32>, tensor<2x2xf32>) -> tensor<1xf32>
// CHECK: %[[CW:.*]] = shodh.clip_by_norm %[[DW]], %[[N]] {max_norm = 1.000000e+00 : f64}
// CHECK: %[[CY:.*]] = shodh.clip_by_norm %[[DY]], %[[N]] {max_norm = 1.000000e+00 : f64}
// CHECK-NOT: shodh.clip_by_norm
// CHECK: shodh.step_increment
// CHECK-NEXT: shodh.adam @w, %[[CW]], %{{.*}} {{{.*}}decoupled = true, eps = 1.000000e-08 : f64, {{.*}}weight_decay = 1.000000e-02 : f64}
// CHECK-NEXT: shodh.adam @p, %[[CY]]
// CHECK-NEXT: shodh.adam @q, %[[CY]]
module attributes {shodh.train = {optimizer = "adamw", weight_decay = 0.01, clip_norm = 1.0}} {
  shodh.param @w {init = {kind = "zeros"}} : tensor<2x3xf32>
  shodh.param @p {init = {kind = "zeros"}} : tensor<2x2xf32>
  shodh.param @q {init = {kind = "zeros"}} : tensor<2x2xf32>
  func.func @infer(%x: tensor<2x3xf32>) -> tensor<2x2xf32> {
    %w = shodh.read @w : tensor<2x3xf32>
    %h = shodh.linear %x, %w : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x2xf32>
    %p = shodh.read @p : tensor<2x2xf32>
    %q = shodh.read @q : tensor<2x2xf32>
    %pq = shodh.add %p, %q : (tensor<2x2xf32>, tensor<2x2xf32>) -> tensor<2x2xf32>
    %y = shodh.add %h, %pq : (tensor<2x2xf32>, tensor<2x2xf32>) -> tensor<2x2xf32>
    return %y : tensor<2x2xf32>
  }
}

// -----

// Without shodh.train the pass does nothing.
// CHECK-LABEL: func.func @infer
// CHECK-NOT: func.func @train_step
// CHECK-NOT: shodh.state
func.func @infer(%x: tensor<2xf32>) -> tensor<2xf32> {
  return %x : tensor<2xf32>
}

// -----

// expected-error @+1 {{--shodh-build-training needs a function @infer with a body}}
module attributes {shodh.train = {}} {
  func.func @predict(%x: tensor<2xf32>) -> tensor<2xf32> {
    return %x : tensor<2xf32>
  }
}

// -----

// expected-error @+1 {{--shodh-build-training would create @eval, which the module already defines}}
module attributes {shodh.train = {}} {
  func.func @infer(%x: tensor<2xf32>) -> tensor<2xf32> {
    return %x : tensor<2xf32>
  }
  func.func @eval(%x: tensor<2xf32>) -> tensor<2xf32> {
    return %x : tensor<2xf32>
  }
}

// -----

module attributes {shodh.train = {}} {
  // expected-error @+1 {{'func.func' op must return exactly one ranked tensor (the prediction) to build training programs}}
  func.func @infer(%x: tensor<2xf32>) -> (tensor<2xf32>, tensor<2xf32>) {
    return %x, %x : tensor<2xf32>, tensor<2xf32>
  }
}

// -----

// A prediction that is not real floating point has no loss (was: LLVM ERROR
// "Failed to infer result type(s)" building shodh.mse_loss).
module attributes {shodh.train = {}} {
  // expected-error @+1 {{'func.func' op returns a tensor of 'i32'; training needs an f32 or f64 prediction (the loss compares it with a target of the same type)}}
  func.func @infer(%x: tensor<2xi32>) -> tensor<2xi32> {
    return %x : tensor<2xi32>
  }
}

// -----

// A prediction with no elements gives a target with a 0-sized axis (was: a
// dims error on an "argument #1" that @infer does not have).
module attributes {shodh.train = {}} {
  // expected-error @+1 {{'func.func' op returns 'tensor<2x0xf32>', which has no elements; training needs a prediction with a positive size on every axis (the target takes its shape)}}
  func.func @infer(%x: tensor<2x0xf32>) -> tensor<2x0xf32> {
    return %x : tensor<2x0xf32>
  }
}

// -----

module attributes {shodh.train = {}} {
  func.func @infer(%x: tensor<2xf32>) -> tensor<2xf32> {
    // expected-error @+1 {{'shodh.repeat' op has regions; run --shodh-expand-repeats before --shodh-build-training}}
    %r = shodh.repeat (%x) {count = 2 : i64} : (tensor<2xf32>) -> tensor<2xf32> {
    ^bb0(%a: tensor<2xf32>):
      shodh.yield %a : tensor<2xf32>
    }
    return %r : tensor<2xf32>
  }
}

// -----

module attributes {shodh.train = {}} {
  shodh.param @w {init = {kind = "zeros"}} : tensor<2xf32>
  func.func @infer(%x: tensor<2xf32>) -> tensor<2xf32> {
    %w = shodh.read @w : tensor<2xf32>
    // expected-error @+1 {{'test.scale' op has no gradient rule; --shodh-build-training cannot differentiate it}}
    %y = "test.scale"(%x, %w) : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
    return %y : tensor<2xf32>
  }
}

// -----

module attributes {shodh.train = {}} {
  shodh.param @w {init = {kind = "zeros"}} : tensor<2xf32>
  func.func @infer(%x: tensor<2xf32>) -> tensor<1xf32> {
    %w = shodh.read @w : tensor<2xf32>
    // expected-error @+1 {{'shodh.mse_loss' op is differentiated only as the root of a training graph (its result must not feed other ops)}}
    %l = shodh.mse_loss %w, %x : (tensor<2xf32>, tensor<2xf32>) -> tensor<1xf32>
    return %l : tensor<1xf32>
  }
}
