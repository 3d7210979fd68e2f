// Round-trip of the control ops: aux_loss, aux_loss_grad, pi_controller and
// pi_update, in the custom and the generic form.
// RUN: shodh-opt %s | shodh-opt | FileCheck %s
// RUN: shodh-opt %s --mlir-print-op-generic | shodh-opt | FileCheck %s

// CHECK-LABEL: func.func @terms
// CHECK: %[[L:.*]] = shodh.pi_controller @balance %[[M:.*]] {ki = 5.000000e-02 : f64, kp = 5.000000e-01 : f64, lambda0 = 1.000000e-02 : f64, lambda_max = 1.000000e+00 : f64, lambda_min = 0.000000e+00 : f64, setpoint = 1.000000e+00 : f64} : (tensor<1xf32>) -> tensor<1xf32>
// CHECK: shodh.aux_loss %[[M]], %[[L]] {coefficient = 1.000000e+00 : f64} : tensor<1xf32>, tensor<1xf32>
// CHECK: shodh.aux_loss %[[M]] {coefficient = 1.000000e-02 : f64, name = "plain"} : tensor<1xf32>
// CHECK: %{{.*}} = shodh.aux_loss_grad %[[L]] {coefficient = 1.000000e+00 : f64} : (tensor<1xf32>) -> tensor<1xf32>
// CHECK: %{{.*}} = shodh.aux_loss_grad {coefficient = -2.000000e+00 : f64} : () -> tensor<1xf32>
module {
  func.func @terms(%m: tensor<1xf32>) {
    %lambda = shodh.pi_controller @balance %m {setpoint = 1.0 : f64, kp = 0.5 : f64,
        ki = 0.05 : f64, lambda0 = 0.01 : f64, lambda_min = 0.0 : f64,
        lambda_max = 1.0 : f64} : (tensor<1xf32>) -> tensor<1xf32>
    shodh.aux_loss %m, %lambda {coefficient = 1.0 : f64} : tensor<1xf32>, tensor<1xf32>
    shodh.aux_loss %m {coefficient = 0.01 : f64, name = "plain"} : tensor<1xf32>
    %s = shodh.aux_loss_grad %lambda {coefficient = 1.0 : f64} : (tensor<1xf32>) -> tensor<1xf32>
    %c = shodh.aux_loss_grad {coefficient = -2.0 : f64} : () -> tensor<1xf32>
    return
  }
}

// CHECK-LABEL: func.func @update
// CHECK: %{{.*}} = shodh.pi_update %{{.*}} {integral = @pi.balance.integral, ki = 5.000000e-02 : f64, kp = 5.000000e-01 : f64, lambda = @pi.balance.lambda, lambda0 = 1.000000e-02 : f64, lambda_max = 1.000000e+00 : f64, lambda_min = 0.000000e+00 : f64, setpoint = 1.000000e+00 : f64} : (tensor<1xf32>) -> tensor<1xf32>
module {
  shodh.state @pi.balance.lambda {init = {kind = "constant", a = 0.01 : f64}} : tensor<1xf32>
  shodh.state @pi.balance.integral {init = {kind = "zeros"}} : tensor<1xf64>
  func.func @update(%m: tensor<1xf32>) -> tensor<1xf32> {
    %used = shodh.pi_update %m {lambda = @pi.balance.lambda,
        integral = @pi.balance.integral, setpoint = 1.0 : f64, kp = 0.5 : f64,
        ki = 0.05 : f64, lambda0 = 0.01 : f64, lambda_min = 0.0 : f64,
        lambda_max = 1.0 : f64} : (tensor<1xf32>) -> tensor<1xf32>
    return %used : tensor<1xf32>
  }
}
