// --shodh-lower-to-kernels: every KernelOpInterface op becomes a shodh.kernel
// call with its kernel name and attributes; reads stay; other ops are errors.
// RUN: shodh-opt %s -split-input-file -verify-diagnostics -allow-unregistered-dialect --shodh-lower-to-kernels | FileCheck %s

shodh.param @w {init = {kind = "zeros"}} : tensor<16x3xf32>
shodh.param @b {init = {kind = "zeros"}} : tensor<16xf32>

// CHECK-LABEL: func.func @infer
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
func.func @infer(%x: tensor<2x3xf32>) -> tensor<2x16xf32> {
  // CHECK: %[[W:.*]] = shodh.read @w
  %w = shodh.read @w : tensor<16x3xf32>
  // CHECK: %[[B:.*]] = shodh.read @b
  %b = shodh.read @b : tensor<16xf32>
  // CHECK: %[[H:.*]] = shodh.kernel "linear"(%[[X]], %[[W]], %[[B]]) {attrs = {axis = 1 : i64}} : (tensor<2x3xf32>, tensor<16x3xf32>, tensor<16xf32>) -> tensor<2x16xf32>
  %h = shodh.linear %x, %w, %b : (tensor<2x3xf32>, tensor<16x3xf32>, tensor<16xf32>) -> tensor<2x16xf32>
  // CHECK: %[[G:.*]] = shodh.kernel "gelu"(%[[H]]) {attrs = {approximate = "tanh"}}
  %g = shodh.gelu %h {approximate = "tanh"} : (tensor<2x16xf32>) -> tensor<2x16xf32>
  // CHECK: %[[A:.*]] = shodh.kernel "add"(%[[G]], %[[H]]) : (tensor<2x16xf32>, tensor<2x16xf32>) -> tensor<2x16xf32>
  %a = shodh.add %g, %h : (tensor<2x16xf32>, tensor<2x16xf32>) -> tensor<2x16xf32>
  // CHECK: %[[M:.*]] = shodh.kernel "mul"(%[[A]], %[[G]])
  %m = shodh.mul %a, %g : (tensor<2x16xf32>, tensor<2x16xf32>) -> tensor<2x16xf32>
  // CHECK: %[[C:.*]] = shodh.kernel "copy"(%[[M]])
  %c = shodh.kernel "copy"(%m) : (tensor<2x16xf32>) -> tensor<2x16xf32>
  // CHECK: return %[[C]]
  return %c : tensor<2x16xf32>
}

// -----

func.func @unknown(%x: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{op 'test.softmax' has no kernel lowering}}
  %y = "test.softmax"(%x) : (tensor<2xf32>) -> tensor<2xf32>
  return %y : tensor<2xf32>
}
