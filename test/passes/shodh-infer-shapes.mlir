// --shodh-infer-shapes: reads take their parameter's type, compute ops get
// inferred result types, function results follow the return; dynamic dims
// (the batch) stay dynamic.
// RUN: shodh-opt %s -split-input-file -verify-diagnostics --shodh-infer-shapes | FileCheck %s

shodh.param @w {init = {kind = "zeros"}} : tensor<16x3xf32>
shodh.param @b {init = {kind = "zeros"}} : tensor<16xf32>

// CHECK-LABEL: func.func @infer
// CHECK-SAME: (%[[X:.*]]: tensor<?x3x8xf32>) -> tensor<?x16x8xf32>
func.func @infer(%x: tensor<?x3x8xf32>) -> tensor<?x?x?xf32> {
  // CHECK: shodh.read @w : tensor<16x3xf32>
  %w = shodh.read @w : tensor<?x?xf32>
  // CHECK: shodh.read @b : tensor<16xf32>
  %b = shodh.read @b : tensor<?xf32>
  // CHECK: shodh.linear {{.*}} -> tensor<?x16x8xf32>
  %h = shodh.linear %x, %w, %b {axis = 1 : i64} : (tensor<?x3x8xf32>, tensor<?x?xf32>, tensor<?xf32>) -> tensor<?x?x?xf32>
  // CHECK: shodh.gelu {{.*}} -> tensor<?x16x8xf32>
  %g = shodh.gelu %h : (tensor<?x?x?xf32>) -> tensor<?x?x?xf32>
  // CHECK: shodh.add {{.*}} -> tensor<?x16x8xf32>
  %a = shodh.add %g, %h : (tensor<?x?x?xf32>, tensor<?x?x?xf32>) -> tensor<?x?x?xf32>
  // CHECK: shodh.mul {{.*}} -> tensor<?x16x8xf32>
  %m = shodh.mul %a, %g : (tensor<?x?x?xf32>, tensor<?x?x?xf32>) -> tensor<?x?x?xf32>
  // CHECK: return %{{.*}} : tensor<?x16x8xf32>
  return %m : tensor<?x?x?xf32>
}

// -----

// An elementwise op joins the static sizes of both operands.
// CHECK-LABEL: func.func @join
// CHECK-SAME: -> tensor<4x8xf32>
func.func @join(%a: tensor<4x?xf32>, %b: tensor<?x8xf32>) -> tensor<?x?xf32> {
  // CHECK: shodh.add {{.*}} -> tensor<4x8xf32>
  %s = shodh.add %a, %b : (tensor<4x?xf32>, tensor<?x8xf32>) -> tensor<?x?xf32>
  return %s : tensor<?x?xf32>
}

// -----

// Inference errors are reported at the op, not as crashes: after the read is
// refined to the parameter's Cin = 3, the input's 4 channels no longer fit.
shodh.param @w {init = {kind = "zeros"}} : tensor<16x3xf32>
func.func @mismatch(%x: tensor<2x4xf32>) -> tensor<?x?xf32> {
  %w = shodh.read @w : tensor<?x?xf32>
  // expected-error @+1 {{'shodh.linear' op input has 4 channels at axis 1 but the weight expects 3}}
  %h = shodh.linear %x, %w : (tensor<2x4xf32>, tensor<?x?xf32>) -> tensor<?x?xf32>
  return %h : tensor<?x?xf32>
}
