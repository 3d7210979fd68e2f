// --shodh-build-training on shodh.channel_mlp: one channel_mlp_grad from the
// forward input, w1, b1, w2 and the cotangent gives all five gradients (the
// hidden activations are recomputed, so the forward saves nothing else);
// the first layer's input is data, so its dx is computed but unused.
// RUN: shodh-opt %s --shodh-build-training | FileCheck %s

// CHECK-LABEL: func.func @train_step
// CHECK: %[[Y:.*]] = shodh.channel_mlp %[[X:[^,]*]], %[[W1:[^,]*]], %[[B1:[^,]*]], %[[W2:[^,]*]], %{{[^ ]*}} {approximate = "tanh"}
// CHECK: %[[DY:.*]] = shodh.mse_loss_grad %[[Y]]
// CHECK: %{{.*}}, %[[DW1:.*]], %[[DB1:.*]], %[[DW2:.*]], %[[DB2:.*]] = shodh.channel_mlp_grad %[[X]], %[[W1]], %[[B1]], %[[W2]], %[[DY]] {approximate = "tanh"} : (tensor<?x2x8x8xf32>, tensor<16x2xf32>, tensor<16xf32>, tensor<1x16xf32>, tensor<?x1x8x8xf32>) -> (tensor<?x2x8x8xf32>, tensor<16x2xf32>, tensor<16xf32>, tensor<1x16xf32>, tensor<1xf32>)
// CHECK: shodh.adam @w1, %[[DW1]],
// CHECK: shodh.adam @b1, %[[DB1]],
// CHECK: shodh.adam @w2, %[[DW2]],
// CHECK: shodh.adam @b2, %[[DB2]],
module attributes {shodh.train = {loss = "mse"}} {
  shodh.param @w1 {init = {kind = "fan_in_uniform", fan = 2, seed = 1 : i64}} : tensor<16x2xf32>
  shodh.param @b1 {init = {kind = "zeros"}} : tensor<16xf32>
  shodh.param @w2 {init = {kind = "fan_in_uniform", fan = 16, seed = 2 : i64}} : tensor<1x16xf32>
  shodh.param @b2 {init = {kind = "zeros"}} : tensor<1xf32>
  func.func @infer(%x: tensor<?x2x8x8xf32> {shodh.dims = ["B", 2, 8, 8], shodh.name = "x"}) -> (tensor<?x1x8x8xf32> {shodh.name = "y"}) {
    %w1 = shodh.read @w1 : tensor<16x2xf32>
    %b1 = shodh.read @b1 : tensor<16xf32>
    %w2 = shodh.read @w2 : tensor<1x16xf32>
    %b2 = shodh.read @b2 : tensor<1xf32>
    %y = shodh.channel_mlp %x, %w1, %b1, %w2, %b2 {approximate = "tanh"} : (tensor<?x2x8x8xf32>, tensor<16x2xf32>, tensor<16xf32>, tensor<1x16xf32>, tensor<1xf32>) -> tensor<?x1x8x8xf32>
    return %y : tensor<?x1x8x8xf32>
  }
}
