// Round trip of every shodh op in custom and generic form.
// RUN: shodh-opt %s | shodh-opt | FileCheck %s
// RUN: shodh-opt %s --mlir-print-op-generic | shodh-opt | FileCheck %s

// CHECK: module attributes {shodh.hyperparams = {act = "gelu", cin = 3 : i64, lr = 1.000000e-03 : f64, res = 8 : i64, use_bias = true, width = 16 : i64}}
module attributes {shodh.hyperparams = {cin = 3 : i64, width = 16 : i64, res = 8 : i64, lr = 1.0e-3 : f64, use_bias = true, act = "gelu"}} {
  // CHECK: shodh.param @w {dims = ["width", "cin"], init = {fan = "cin", kind = "fan_in_uniform", seed = 1 : i64}} : tensor<?x?xf32>
  shodh.param @w {dims = ["width", "cin"], init = {kind = "fan_in_uniform", fan = "cin", seed = 1 : i64}} : tensor<?x?xf32>
  // CHECK: shodh.param @b {dims = [16], init = {fan = 3 : i64, kind = "fan_in_uniform"}} : tensor<16xf32>
  shodh.param @b {dims = [16], init = {kind = "fan_in_uniform", fan = 3 : i64}} : tensor<16xf32>
  // CHECK: shodh.param @z {init = {kind = "zeros"}} : tensor<4xf32>
  shodh.param @z {init = {kind = "zeros"}} : tensor<4xf32>
  // CHECK: shodh.param @o {init = {kind = "ones"}} : tensor<4xf64>
  shodh.param @o {init = {kind = "ones"}} : tensor<4xf64>
  // CHECK: shodh.param @c {init = {a = 5.000000e-01 : f64, kind = "constant"}} : tensor<2x2xf32>
  shodh.param @c {init = {kind = "constant", a = 0.5 : f64}} : tensor<2x2xf32>
  // CHECK: shodh.param @u {init = {a = -1.000000e+00 : f64, b = 1.000000e+00 : f64, kind = "uniform", seed = 7 : i64}} : tensor<3xf32>
  shodh.param @u {init = {kind = "uniform", a = -1.0 : f64, b = 1.0 : f64, seed = 7 : i64}} : tensor<3xf32>
  // CHECK: shodh.param @n {init = {a = 0.000000e+00 : f64, b = 2.000000e-02 : f64, kind = "normal", seed = 3 : i64}} : tensor<3xcomplex<f32>>
  shodh.param @n {init = {kind = "normal", a = 0.0 : f64, b = 0.02 : f64, seed = 3 : i64}} : tensor<3xcomplex<f32>>

  // CHECK-LABEL: func.func @infer
  // CHECK-SAME: (%[[X:.*]]: tensor<?x?x8x8xf32> {shodh.dims = ["B", "cin", "res", 8], shodh.name = "x"})
  func.func @infer(%x: tensor<?x?x8x8xf32> {shodh.dims = ["B", "cin", "res", 8], shodh.name = "x"})
      -> (tensor<?x16x8x8xf32> {shodh.name = "y"}) {
    // CHECK: %[[W:.*]] = shodh.read @w : tensor<?x?xf32>
    %w = shodh.read @w : tensor<?x?xf32>
    // CHECK: %[[B:.*]] = shodh.read @b : tensor<16xf32>
    %b = shodh.read @b : tensor<16xf32>
    // CHECK: %[[L:.*]] = shodh.linear %[[X]], %[[W]], %[[B]] : (tensor<?x?x8x8xf32>, tensor<?x?xf32>, tensor<16xf32>) -> tensor<?x16x8x8xf32>
    %l = shodh.linear %x, %w, %b {axis = 1 : i64} : (tensor<?x?x8x8xf32>, tensor<?x?xf32>, tensor<16xf32>) -> tensor<?x16x8x8xf32>
    // CHECK: %[[NB:.*]] = shodh.linear %[[L]], %[[W]] {axis = 3 : i64} : (tensor<?x16x8x8xf32>, tensor<?x?xf32>) -> tensor<?x16x8x?xf32>
    %nb = shodh.linear %l, %w {axis = 3 : i64} : (tensor<?x16x8x8xf32>, tensor<?x?xf32>) -> tensor<?x16x8x?xf32>
    // CHECK: %[[G:.*]] = shodh.gelu %[[L]] : (tensor<?x16x8x8xf32>) -> tensor<?x16x8x8xf32>
    %g = shodh.gelu %l : (tensor<?x16x8x8xf32>) -> tensor<?x16x8x8xf32>
    // CHECK: %[[T:.*]] = shodh.gelu %[[G]] {approximate = "tanh"} : (tensor<?x16x8x8xf32>) -> tensor<?x16x8x8xf32>
    %t = shodh.gelu %g {approximate = "tanh"} : (tensor<?x16x8x8xf32>) -> tensor<?x16x8x8xf32>
    // CHECK: %[[A:.*]] = shodh.add %[[G]], %[[T]] : (tensor<?x16x8x8xf32>, tensor<?x16x8x8xf32>) -> tensor<?x16x8x8xf32>
    %a = shodh.add %g, %t : (tensor<?x16x8x8xf32>, tensor<?x16x8x8xf32>) -> tensor<?x16x8x8xf32>
    // CHECK: %[[M:.*]] = shodh.mul %[[A]], %[[G]] : (tensor<?x16x8x8xf32>, tensor<?x16x8x8xf32>) -> tensor<?x16x8x8xf32>
    %m = shodh.mul %a, %g : (tensor<?x16x8x8xf32>, tensor<?x16x8x8xf32>) -> tensor<?x16x8x8xf32>
    // CHECK: return %[[M]]
    return %m : tensor<?x16x8x8xf32>
  }

  // CHECK-LABEL: func.func @lowered
  // CHECK-SAME: shodh.live = array<i64: 0, 1>
  func.func @lowered(%x: tensor<2x3xf32> {shodh.live = array<i64: 0, 1>}) -> tensor<2x16xf32> {
    %w = shodh.read @w : tensor<?x?xf32>
    // CHECK: %[[K:.*]] = shodh.kernel "linear"(%{{.*}}, %{{.*}}) {attrs = {axis = 1 : i64}, shodh.index = 0 : i64, shodh.live = [array<i64: 0, 1>]} : (tensor<2x3xf32>, tensor<?x?xf32>) -> tensor<2x16xf32>
    %k = shodh.kernel "linear"(%x, %w) {attrs = {axis = 1 : i64}, shodh.index = 0 : i64, shodh.live = [array<i64: 0, 1>]} : (tensor<2x3xf32>, tensor<?x?xf32>) -> tensor<2x16xf32>
    // CHECK: %{{.*}}:2 = shodh.kernel "split"(%[[K]]) : (tensor<2x16xf32>) -> (tensor<2x8xf32>, tensor<2x8xf32>)
    %s:2 = shodh.kernel "split"(%k) : (tensor<2x16xf32>) -> (tensor<2x8xf32>, tensor<2x8xf32>)
    return %k : tensor<2x16xf32>
  }
}
