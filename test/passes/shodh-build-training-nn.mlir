// --shodh-build-training on conv, layer_norm and conv_transpose (a small
// autoencoder): conv -> conv_grad_input / conv_grad_weight / linear_grad_bias
// with the forward stride, padding and mode and the static input and kernel
// sizes; conv_transpose -> conv of dy (zero padding) and conv_grad_weight
// with x and dy swapped; layer_norm -> layer_norm_grad_input / _gamma and
// linear_grad_bias along its axis.
// RUN: shodh-opt %s --shodh-build-training | FileCheck %s

// CHECK-LABEL: func.func @train_step
// CHECK: %[[Z:.*]] = shodh.conv %{{.*}}, %[[W1:.*]], %{{.*}} {padding = array<i64: 1, 1>, stride = array<i64: 2, 2>}
// CHECK: %[[N:.*]] = shodh.layer_norm %[[Z]], %[[G:.*]], %{{.*}} {eps = 1.000000e-04 : f64}
// CHECK: %[[C:.*]] = shodh.conv %[[N]], %[[W2:[^ ]*]] {padding = array<i64: 1, 1>, padding_mode = "circular"}
// CHECK: %[[Y:.*]] = shodh.conv_transpose %[[C]], %[[W3:[^ ,]*]], %{{.*}} {padding = array<i64: 1, 1>, stride = array<i64: 2, 2>}
// CHECK: %[[DY:.*]] = shodh.mse_loss_grad %[[Y]]
// CHECK: %[[DC:.*]] = shodh.conv %[[DY]], %[[W3]] {padding = array<i64: 1, 1>, stride = array<i64: 2, 2>} : (tensor<?x2x8x8xf32>, tensor<4x2x4x4xf32>) -> tensor<?x4x4x4xf32>
// CHECK: %[[DW3:.*]] = shodh.conv_grad_weight %[[DY]], %[[C]] {kernel_size = array<i64: 4, 4>, padding = array<i64: 1, 1>, stride = array<i64: 2, 2>} : (tensor<?x2x8x8xf32>, tensor<?x4x4x4xf32>) -> tensor<4x2x4x4xf32>
// CHECK: %[[DB3:.*]] = shodh.linear_grad_bias %[[DY]] : (tensor<?x2x8x8xf32>) -> tensor<2xf32>
// CHECK: %[[DN:.*]] = shodh.conv_grad_input %[[DC]], %[[W2]] {input_size = array<i64: 4, 4>, padding = array<i64: 1, 1>, padding_mode = "circular", stride = array<i64: 1, 1>} : (tensor<?x4x4x4xf32>, tensor<4x4x3x3xf32>) -> tensor<?x4x4x4xf32>
// CHECK: %[[DW2:.*]] = shodh.conv_grad_weight %[[N]], %[[DC]] {kernel_size = array<i64: 3, 3>, padding = array<i64: 1, 1>, padding_mode = "circular", stride = array<i64: 1, 1>}
// CHECK: %[[DZ:.*]] = shodh.layer_norm_grad_input %[[Z]], %[[G]], %[[DN]] {eps = 1.000000e-04 : f64}
// CHECK: %[[DG:.*]] = shodh.layer_norm_grad_gamma %[[Z]], %[[DN]] {eps = 1.000000e-04 : f64} : (tensor<?x4x4x4xf32>, tensor<?x4x4x4xf32>) -> tensor<4xf32>
// CHECK: %[[DBETA:.*]] = shodh.linear_grad_bias %[[DN]] : (tensor<?x4x4x4xf32>) -> tensor<4xf32>
// CHECK: %[[DW1:.*]] = shodh.conv_grad_weight %{{.*}}, %[[DZ]] {kernel_size = array<i64: 4, 4>, padding = array<i64: 1, 1>, stride = array<i64: 2, 2>}
// CHECK: %[[DB1:.*]] = shodh.linear_grad_bias %[[DZ]]
// CHECK-NOT: shodh.conv_grad_input
// CHECK: shodh.adam @w1, %[[DW1]]
// CHECK: shodh.adam @b1, %[[DB1]]
// CHECK: shodh.adam @g, %[[DG]]
// CHECK: shodh.adam @beta, %[[DBETA]]
// CHECK: shodh.adam @w2, %[[DW2]]
// CHECK: shodh.adam @w3, %[[DW3]]
// CHECK: shodh.adam @b3, %[[DB3]]
module attributes {shodh.train = {loss = "mse"}} {
  shodh.param @w1 {init = {kind = "fan_in_uniform", fan = 32, seed = 1 : i64}} : tensor<4x2x4x4xf32>
  shodh.param @b1 {init = {kind = "zeros"}} : tensor<4xf32>
  shodh.param @g {init = {kind = "ones"}} : tensor<4xf32>
  shodh.param @beta {init = {kind = "zeros"}} : tensor<4xf32>
  shodh.param @w2 {init = {kind = "fan_in_uniform", fan = 36, seed = 2 : i64}} : tensor<4x4x3x3xf32>
  shodh.param @w3 {init = {kind = "fan_in_uniform", fan = 64, seed = 3 : i64}} : tensor<4x2x4x4xf32>
  shodh.param @b3 {init = {kind = "zeros"}} : tensor<2xf32>
  func.func @infer(%x: tensor<?x2x8x8xf32> {shodh.dims = ["B", 2, 8, 8], shodh.name = "x"}) -> (tensor<?x2x8x8xf32> {shodh.name = "y"}) {
    %w1 = shodh.read @w1 : tensor<4x2x4x4xf32>
    %b1 = shodh.read @b1 : tensor<4xf32>
    %g = shodh.read @g : tensor<4xf32>
    %beta = shodh.read @beta : tensor<4xf32>
    %w2 = shodh.read @w2 : tensor<4x4x3x3xf32>
    %w3 = shodh.read @w3 : tensor<4x2x4x4xf32>
    %b3 = shodh.read @b3 : tensor<2xf32>
    %z = shodh.conv %x, %w1, %b1 {stride = array<i64: 2, 2>, padding = array<i64: 1, 1>} : (tensor<?x2x8x8xf32>, tensor<4x2x4x4xf32>, tensor<4xf32>) -> tensor<?x4x4x4xf32>
    %n = shodh.layer_norm %z, %g, %beta {eps = 1.0e-4 : f64} : (tensor<?x4x4x4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<?x4x4x4xf32>
    %c = shodh.conv %n, %w2 {padding = array<i64: 1, 1>, padding_mode = "circular"} : (tensor<?x4x4x4xf32>, tensor<4x4x3x3xf32>) -> tensor<?x4x4x4xf32>
    %y = shodh.conv_transpose %c, %w3, %b3 {stride = array<i64: 2, 2>, padding = array<i64: 1, 1>} : (tensor<?x4x4x4xf32>, tensor<4x2x4x4xf32>, tensor<2xf32>) -> tensor<?x2x8x8xf32>
    return %y : tensor<?x2x8x8xf32>
  }
}

