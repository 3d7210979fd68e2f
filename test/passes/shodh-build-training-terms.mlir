// --shodh-build-training with auxiliary loss terms and a PI controller:
// aux terms seed the backward graph with aux_loss_grad = c·weight and are
// returned after the loss; a controller becomes a read of its λ state in
// every program and a pi_update at the end of @train_step; @infer keeps
// neither (nor what only they used).
// RUN: shodh-opt %s -split-input-file -verify-diagnostics --shodh-build-training | FileCheck %s

// A linear model whose weight also feeds a scalar "penalty" s·s (s a 1-element
// parameter): the penalty is weighted by λ of a controller measuring it, a
// second term (named) uses s directly.
// CHECK-LABEL: module attributes {shodh.train = {}}
// CHECK: shodh.state @train.step
// CHECK-NEXT: shodh.state @pi.bal.lambda {init = {a = 2.500000e-01 : f64, kind = "constant"}} : tensor<1xf32>
// CHECK-NEXT: shodh.state @pi.bal.integral {init = {kind = "zeros"}} : tensor<1xf64>
// CHECK-LABEL: func.func @infer
// CHECK-NEXT: shodh.read @w
// CHECK-NEXT: shodh.linear
// CHECK-NEXT: return
// CHECK-LABEL: func.func @train_step
// CHECK-SAME: -> (tensor<1xf32> {shodh.name = "loss"}, tensor<1xf32> {shodh.name = "aux.0"}, tensor<1xf32> {shodh.name = "aux.sq"}, tensor<1xf32> {shodh.name = "pi.bal"})
// CHECK: %[[S:.*]] = shodh.read @s
// CHECK: %[[P:.*]] = shodh.mul %[[S]], %[[S]]
// CHECK: %[[LAM:.*]] = shodh.read @pi.bal.lambda : tensor<1xf32>
// CHECK: %[[L:.*]] = shodh.mse_loss
// CHECK: %[[SEED0:.*]] = shodh.aux_loss_grad %[[LAM]] {coefficient = 2.000000e+00 : f64} : (tensor<1xf32>) -> tensor<1xf32>
// CHECK: %[[SEED1:.*]] = shodh.aux_loss_grad {coefficient = 5.000000e-01 : f64} : () -> tensor<1xf32>
// CHECK: shodh.mse_loss_grad
// The term s*s gets c*λ as cotangent: d(s) = 2 c λ s from the mul rule, plus
// the seed 0.5 of the second term, whose value is s itself.
// CHECK-NEXT: %[[DS0:.*]] = shodh.mul %[[SEED0]], %[[S]]
// CHECK-NEXT: %[[DS1:.*]] = shodh.mul %[[SEED0]], %[[S]]
// CHECK-NEXT: %[[DS01:.*]] = shodh.add %[[SEED1]], %[[DS0]]
// CHECK-NEXT: %[[DS:.*]] = shodh.add %[[DS01]], %[[DS1]]
// CHECK-NEXT: shodh.linear_grad_weight
// CHECK: shodh.step_increment @train.step
// CHECK: shodh.adam @w
// CHECK: shodh.adam @s, %[[DS]]
// CHECK-NEXT: %[[USED:.*]] = shodh.pi_update %[[P]] {integral = @pi.bal.integral, ki = 1.000000e-01 : f64, kp = 5.000000e-01 : f64, lambda = @pi.bal.lambda, lambda0 = 2.500000e-01 : f64, lambda_max = 1.000000e+00 : f64, lambda_min = 0.000000e+00 : f64, setpoint = 1.000000e+00 : f64}
// CHECK-NEXT: return %[[L]], %[[P]], %[[S]], %[[USED]]
// CHECK-LABEL: func.func @eval
// CHECK-SAME: -> (tensor<?x2xf32>, tensor<1xf32> {shodh.name = "loss"}, tensor<1xf32> {shodh.name = "aux.0"}, tensor<1xf32> {shodh.name = "aux.sq"})
// CHECK-NOT: pi.bal
// CHECK: return
module attributes {shodh.train = {}} {
  shodh.param @w {init = {kind = "zeros"}} : tensor<2x3xf32>
  shodh.param @s {init = {kind = "constant", a = 2.0 : f64}} : tensor<1xf32>
  func.func @infer(%x: tensor<?x3xf32> {shodh.dims = ["B", 3]}) -> tensor<?x2xf32> {
    %w = shodh.read @w : tensor<2x3xf32>
    %y = shodh.linear %x, %w : (tensor<?x3xf32>, tensor<2x3xf32>) -> tensor<?x2xf32>
    %s = shodh.read @s : tensor<1xf32>
    %p = shodh.mul %s, %s : (tensor<1xf32>, tensor<1xf32>) -> tensor<1xf32>
    %lambda = shodh.pi_controller @bal %p {setpoint = 1.0 : f64, kp = 0.5 : f64,
        ki = 0.1 : f64, lambda0 = 0.25 : f64, lambda_min = 0.0 : f64,
        lambda_max = 1.0 : f64} : (tensor<1xf32>) -> tensor<1xf32>
    shodh.aux_loss %p, %lambda {coefficient = 2.0 : f64} : tensor<1xf32>, tensor<1xf32>
    shodh.aux_loss %s {coefficient = 0.5 : f64, name = "sq"} : tensor<1xf32>
    return %y : tensor<?x2xf32>
  }
}

// -----

// Without shodh.train only @infer is touched: its aux terms go, and so does
// what only they used; the controller's states still exist.
// CHECK-LABEL: module {
// CHECK-NEXT: shodh.param @w
// CHECK-NEXT: shodh.param @s
// CHECK-NEXT: shodh.state @pi.bal.lambda
// CHECK-NEXT: shodh.state @pi.bal.integral
// CHECK-NEXT: func.func @infer
// CHECK-NEXT: shodh.read @w
// CHECK-NEXT: shodh.linear
// CHECK-NEXT: return
// CHECK-NOT: func.func @train_step
module {
  shodh.param @w {init = {kind = "zeros"}} : tensor<2x3xf32>
  shodh.param @s {init = {kind = "constant", a = 2.0 : f64}} : tensor<1xf32>
  func.func @infer(%x: tensor<?x3xf32> {shodh.dims = ["B", 3]}) -> tensor<?x2xf32> {
    %w = shodh.read @w : tensor<2x3xf32>
    %y = shodh.linear %x, %w : (tensor<?x3xf32>, tensor<2x3xf32>) -> tensor<?x2xf32>
    %s = shodh.read @s : tensor<1xf32>
    %p = shodh.mul %s, %s : (tensor<1xf32>, tensor<1xf32>) -> tensor<1xf32>
    %lambda = shodh.pi_controller @bal %p {setpoint = 1.0 : f64, kp = 0.5 : f64,
        ki = 0.1 : f64, lambda0 = 0.25 : f64, lambda_min = 0.0 : f64,
        lambda_max = 1.0 : f64} : (tensor<1xf32>) -> tensor<1xf32>
    shodh.aux_loss %p, %lambda {coefficient = 2.0 : f64} : tensor<1xf32>, tensor<1xf32>
    return %y : tensor<?x2xf32>
  }
}

// -----

// An aux term that does not depend on a parameter seeds nothing.
// CHECK-LABEL: func.func @train_step
// CHECK-NOT: aux_loss_grad
// CHECK: return %{{.*}}, %{{.*}} : tensor<1xf32>, tensor<1xf32>
module attributes {shodh.train = {}} {
  shodh.param @w {init = {kind = "zeros"}} : tensor<2x3xf32>
  func.func @infer(%x: tensor<?x3xf32> {shodh.dims = ["B", 3]}, %c: tensor<1xf32>) -> tensor<?x2xf32> {
    %w = shodh.read @w : tensor<2x3xf32>
    %y = shodh.linear %x, %w : (tensor<?x3xf32>, tensor<2x3xf32>) -> tensor<?x2xf32>
    shodh.aux_loss %c {coefficient = 1.0 : f64} : tensor<1xf32>
    return %y : tensor<?x2xf32>
  }
}

// -----

module attributes {shodh.train = {}} {
  func.func @infer(%x: tensor<?x3xf32> {shodh.dims = ["B", 3]}, %c: tensor<1xf32>) -> tensor<?x3xf32> {
    shodh.aux_loss %c {coefficient = 1.0 : f64, name = "a"} : tensor<1xf32>
    // expected-error @+1 {{'shodh.aux_loss' op names a second aux term 'aux.a'}}
    shodh.aux_loss %c {coefficient = 2.0 : f64, name = "a"} : tensor<1xf32>
    return %x : tensor<?x3xf32>
  }
}

// -----

module attributes {shodh.train = {}} {
  func.func @infer(%x: tensor<?x3xf32> {shodh.dims = ["B", 3]}, %c: tensor<1xf32>) -> tensor<?x3xf32> {
    %a = shodh.pi_controller @c %c {setpoint = 0.0 : f64, kp = 1.0 : f64, ki = 0.0 : f64,
        lambda0 = 0.5 : f64, lambda_min = 0.0 : f64, lambda_max = 1.0 : f64}
        : (tensor<1xf32>) -> tensor<1xf32>
    // expected-error @+1 {{'shodh.pi_controller' op controller @c is used by a second shodh.pi_controller}}
    %b = shodh.pi_controller @c %c {setpoint = 0.0 : f64, kp = 1.0 : f64, ki = 0.0 : f64,
        lambda0 = 0.5 : f64, lambda_min = 0.0 : f64, lambda_max = 1.0 : f64}
        : (tensor<1xf32>) -> tensor<1xf32>
    return %x : tensor<?x3xf32>
  }
}

// -----

module attributes {shodh.train = {}} {
  shodh.state @pi.c.integral {init = {kind = "zeros"}} : tensor<1xf64>
  func.func @infer(%x: tensor<?x3xf32> {shodh.dims = ["B", 3]}, %c: tensor<1xf32>) -> tensor<?x3xf32> {
    // expected-error @+1 {{'shodh.pi_controller' op --shodh-build-training would create @pi.c.integral, which the module already defines}}
    %a = shodh.pi_controller @c %c {setpoint = 0.0 : f64, kp = 1.0 : f64, ki = 0.0 : f64,
        lambda0 = 0.5 : f64, lambda_min = 0.0 : f64, lambda_max = 1.0 : f64}
        : (tensor<1xf32>) -> tensor<1xf32>
    shodh.aux_loss %c, %a {coefficient = 1.0 : f64} : tensor<1xf32>, tensor<1xf32>
    return %x : tensor<?x3xf32>
  }
}

// -----

// A physics penalty: the mean square of the prediction's divergence as an
// aux term. Its gradient is mean_square_grad seeded by the term's
// coefficient, then divergence_grad, joined with the loss's gradient.
// CHECK-LABEL: func.func @train_step
// CHECK: %[[Y:.*]] = shodh.linear
// CHECK: %[[DIV:.*]] = shodh.divergence %[[Y]]
// CHECK: %[[PEN:.*]] = shodh.mean_square %[[DIV]] : (tensor<?x1x8x8xf32>) -> tensor<1xf32>
// CHECK: %[[SEED:.*]] = shodh.aux_loss_grad {coefficient = 1.000000e-01 : f64} : () -> tensor<1xf32>
// CHECK: %[[DPEN:.*]] = shodh.mean_square_grad %[[DIV]], %[[SEED]] : (tensor<?x1x8x8xf32>, tensor<1xf32>) -> tensor<?x1x8x8xf32>
// CHECK: shodh.divergence_grad %[[DPEN]]
// CHECK: return %{{.*}}, %[[PEN]] : tensor<1xf32>, tensor<1xf32>
module attributes {shodh.train = {}} {
  shodh.param @w {init = {kind = "zeros"}} : tensor<2x2xf32>
  func.func @infer(%x: tensor<?x2x8x8xf32> {shodh.dims = ["B", 2, 8, 8]}) -> tensor<?x2x8x8xf32> {
    %w = shodh.read @w : tensor<2x2xf32>
    %y = shodh.linear %x, %w {axis = 1 : i64} : (tensor<?x2x8x8xf32>, tensor<2x2xf32>) -> tensor<?x2x8x8xf32>
    %d = shodh.divergence %y {method = "fd2"} : (tensor<?x2x8x8xf32>) -> tensor<?x1x8x8xf32>
    %p = shodh.mean_square %d : (tensor<?x1x8x8xf32>) -> tensor<1xf32>
    shodh.aux_loss %p {coefficient = 0.1 : f64, name = "div"} : tensor<1xf32>
    return %y : tensor<?x2x8x8xf32>
  }
}
