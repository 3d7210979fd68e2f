// --shodh-build-training on the physics ops: the backward graph uses the
// adjoints of the gradient rules (div_free_project is self-adjoint, the
// adjoint of a curl is a curl, of a divergence its divergence_grad), with
// the forward op's method and lengths.
// RUN: shodh-opt %s -split-input-file -verify-diagnostics --shodh-build-training | FileCheck %s

// A decoder writing a stream function: psi = linear(x), u = curl(psi),
// y = div_free_project(u).
// CHECK-LABEL: func.func @train_step
// CHECK: %[[PSI:.*]] = shodh.linear %{{.*}}, %{{.*}} : {{.*}} -> tensor<?x1x8x8xf32>
// CHECK: %[[U:.*]] = shodh.curl %[[PSI]] {lengths = array<f64: 1.000000e+00, 2.000000e+00>, method = "fd2"} : (tensor<?x1x8x8xf32>) -> tensor<?x2x8x8xf32>
// CHECK: %[[Y:.*]] = shodh.div_free_project %[[U]] {lengths = array<f64: 1.000000e+00, 2.000000e+00>}
// CHECK: %[[DY:.*]] = shodh.mse_loss_grad %[[Y]]
// CHECK: %[[DU:.*]] = shodh.div_free_project %[[DY]] {lengths = array<f64: 1.000000e+00, 2.000000e+00>} : (tensor<?x2x8x8xf32>) -> tensor<?x2x8x8xf32>
// CHECK: %[[DPSI:.*]] = shodh.curl %[[DU]] {lengths = array<f64: 1.000000e+00, 2.000000e+00>, method = "fd2"} : (tensor<?x2x8x8xf32>) -> tensor<?x1x8x8xf32>
// CHECK: %[[DW:.*]] = shodh.linear_grad_weight %{{.*}}, %[[DPSI]]
// CHECK: shodh.adam @w, %[[DW]]
module attributes {shodh.train = {loss = "mse"}} {
  shodh.param @w {init = {kind = "zeros"}} : tensor<1x2xf32>
  func.func @infer(%x: tensor<?x2x8x8xf32> {shodh.dims = ["B", 2, 8, 8], shodh.name = "x"}) -> (tensor<?x2x8x8xf32> {shodh.name = "y"}) {
    %w = shodh.read @w : tensor<1x2xf32>
    %psi = shodh.linear %x, %w {axis = 1 : i64} : (tensor<?x2x8x8xf32>, tensor<1x2xf32>) -> tensor<?x1x8x8xf32>
    %u = shodh.curl %psi {method = "fd2", lengths = array<f64: 1.0, 2.0>} : (tensor<?x1x8x8xf32>) -> tensor<?x2x8x8xf32>
    %y = shodh.div_free_project %u {lengths = array<f64: 1.0, 2.0>} : (tensor<?x2x8x8xf32>) -> tensor<?x2x8x8xf32>
    return %y : tensor<?x2x8x8xf32>
  }
}

// -----

// A divergence penalty target: d = divergence(linear(x)); the 3D vector
// potential path a -> curl is differentiated into a curl of the cotangent.
// CHECK-LABEL: func.func @train_step
// CHECK: %[[H:.*]] = shodh.linear
// CHECK: %[[V:.*]] = shodh.curl %[[H]] : (tensor<?x3x4x4x4xf64>) -> tensor<?x3x4x4x4xf64>
// CHECK: %[[D:.*]] = shodh.divergence %[[V]] : (tensor<?x3x4x4x4xf64>) -> tensor<?x1x4x4x4xf64>
// CHECK: %[[DD:.*]] = shodh.mse_loss_grad %[[D]]
// CHECK: %[[DV:.*]] = shodh.divergence_grad %[[DD]] : (tensor<?x1x4x4x4xf64>) -> tensor<?x3x4x4x4xf64>
// CHECK: %[[DH:.*]] = shodh.curl %[[DV]] : (tensor<?x3x4x4x4xf64>) -> tensor<?x3x4x4x4xf64>
// CHECK: shodh.linear_grad_weight %{{.*}}, %[[DH]]
module attributes {shodh.train = {loss = "mse"}} {
  shodh.param @w {init = {kind = "zeros"}} : tensor<3x3xf64>
  func.func @infer(%x: tensor<?x3x4x4x4xf64> {shodh.dims = ["B", 3, 4, 4, 4], shodh.name = "x"}) -> (tensor<?x1x4x4x4xf64> {shodh.name = "d"}) {
    %w = shodh.read @w : tensor<3x3xf64>
    %h = shodh.linear %x, %w {axis = 1 : i64} : (tensor<?x3x4x4x4xf64>, tensor<3x3xf64>) -> tensor<?x3x4x4x4xf64>
    %v = shodh.curl %h : (tensor<?x3x4x4x4xf64>) -> tensor<?x3x4x4x4xf64>
    %d = shodh.divergence %v {method = "spectral"} : (tensor<?x3x4x4x4xf64>) -> tensor<?x1x4x4x4xf64>
    return %d : tensor<?x1x4x4x4xf64>
  }
}
