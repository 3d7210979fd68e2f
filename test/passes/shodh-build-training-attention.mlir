// --shodh-build-training on attention (after a token-wise linear, so that
// its input gradient is needed): the backward pass recomputes
// qkv = linear(x, wqkv, bqkv) and o = attention_heads(qkv) along axis 2,
// takes the output projection's gradients with linear_grad_weight /
// _bias / _input, the core's with attention_heads_grad and the input
// projection's with linear_grad_input / _weight / _bias.
// RUN: shodh-opt %s --shodh-build-training | FileCheck %s

// CHECK-LABEL: func.func @train_step
// CHECK: %[[H:.*]] = shodh.linear %{{.*}}, %[[W0:.*]] {axis = 2 : i64}
// CHECK: %[[Y:.*]] = shodh.attention %[[H]], %[[WQKV:.*]], %[[BQKV:.*]], %[[WO:.*]], %{{.*}} {heads = 2 : i64}
// CHECK: %[[DY:.*]] = shodh.mse_loss_grad %[[Y]]
// CHECK: %[[QKV:.*]] = shodh.linear %[[H]], %[[WQKV]], %[[BQKV]] {axis = 2 : i64} : (tensor<?x12x8xf32>, tensor<24x8xf32>, tensor<24xf32>) -> tensor<?x12x24xf32>
// CHECK: %[[O:.*]] = shodh.attention_heads %[[QKV]] {heads = 2 : i64} : (tensor<?x12x24xf32>) -> tensor<?x12x8xf32>
// CHECK: %[[DWO:.*]] = shodh.linear_grad_weight %[[O]], %[[DY]] {axis = 2 : i64} : (tensor<?x12x8xf32>, tensor<?x12x8xf32>) -> tensor<8x8xf32>
// CHECK: %[[DBO:.*]] = shodh.linear_grad_bias %[[DY]] {axis = 2 : i64} : (tensor<?x12x8xf32>) -> tensor<8xf32>
// CHECK: %[[DO:.*]] = shodh.linear_grad_input %[[DY]], %[[WO]] {axis = 2 : i64}
// CHECK: %[[DQKV:.*]] = shodh.attention_heads_grad %[[QKV]], %[[DO]] {heads = 2 : i64} : (tensor<?x12x24xf32>, tensor<?x12x8xf32>) -> tensor<?x12x24xf32>
// CHECK: %[[DH:.*]] = shodh.linear_grad_input %[[DQKV]], %[[WQKV]] {axis = 2 : i64} : (tensor<?x12x24xf32>, tensor<24x8xf32>) -> tensor<?x12x8xf32>
// CHECK: %[[DWQKV:.*]] = shodh.linear_grad_weight %[[H]], %[[DQKV]] {axis = 2 : i64} : (tensor<?x12x8xf32>, tensor<?x12x24xf32>) -> tensor<24x8xf32>
// CHECK: %[[DBQKV:.*]] = shodh.linear_grad_bias %[[DQKV]] {axis = 2 : i64} : (tensor<?x12x24xf32>) -> tensor<24xf32>
// CHECK: %[[DW0:.*]] = shodh.linear_grad_weight %{{.*}}, %[[DH]] {axis = 2 : i64}
// CHECK: shodh.adam @w0, %[[DW0]]
// CHECK: shodh.adam @wqkv, %[[DWQKV]]
// CHECK: shodh.adam @bqkv, %[[DBQKV]]
// CHECK: shodh.adam @wo, %[[DWO]]
// CHECK: shodh.adam @bo, %[[DBO]]
module attributes {shodh.train = {loss = "mse"}} {
  shodh.param @w0 {init = {kind = "fan_in_uniform", fan = 8 : i64, seed = 5 : i64}} : tensor<8x8xf32>
  shodh.param @wqkv {init = {kind = "uniform", a = -1.0 : f64, b = 1.0 : f64, seed = 1 : i64}} : tensor<24x8xf32>
  shodh.param @bqkv {init = {kind = "zeros"}} : tensor<24xf32>
  shodh.param @wo {init = {kind = "fan_in_uniform", fan = 8 : i64, seed = 3 : i64}} : tensor<8x8xf32>
  shodh.param @bo {init = {kind = "zeros"}} : tensor<8xf32>
  func.func @infer(%x: tensor<?x12x8xf32> {shodh.dims = ["B", 12, 8], shodh.name = "x"}) -> (tensor<?x12x8xf32> {shodh.name = "y"}) {
    %w0 = shodh.read @w0 : tensor<8x8xf32>
    %wqkv = shodh.read @wqkv : tensor<24x8xf32>
    %bqkv = shodh.read @bqkv : tensor<24xf32>
    %wo = shodh.read @wo : tensor<8x8xf32>
    %bo = shodh.read @bo : tensor<8xf32>
    %h = shodh.linear %x, %w0 {axis = 2 : i64} : (tensor<?x12x8xf32>, tensor<8x8xf32>) -> tensor<?x12x8xf32>
    %y = shodh.attention %h, %wqkv, %bqkv, %wo, %bo {heads = 2 : i64} : (tensor<?x12x8xf32>, tensor<24x8xf32>, tensor<24xf32>, tensor<8x8xf32>, tensor<8xf32>) -> tensor<?x12x8xf32>
    return %y : tensor<?x12x8xf32>
  }
}
