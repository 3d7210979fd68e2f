// shodh.channel_mlp, shodh.channel_mlp_grad and shodh.channel_mlp_mse_grad
// parse, verify, infer their result types and print back (default
// attributes elided).
// RUN: shodh-opt %s | shodh-opt | FileCheck %s

// CHECK-LABEL: func.func @mlp
func.func @mlp(%x: tensor<?x4x8x8xf32>, %w1: tensor<16x4xf32>, %b1: tensor<16xf32>, %w2: tensor<2x16xf32>, %b2: tensor<2xf32>, %dy: tensor<?x2x8x8xf32>) -> (tensor<?x2x8x8xf32>, tensor<?x4x8x8xf32>, tensor<16x4xf32>, tensor<16xf32>, tensor<2x16xf32>, tensor<2xf32>) {
  // CHECK: shodh.channel_mlp %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} : (tensor<?x4x8x8xf32>, tensor<16x4xf32>, tensor<16xf32>, tensor<2x16xf32>, tensor<2xf32>) -> tensor<?x2x8x8xf32>
  %y = shodh.channel_mlp %x, %w1, %b1, %w2, %b2 {axis = 1 : i64} : (tensor<?x4x8x8xf32>, tensor<16x4xf32>, tensor<16xf32>, tensor<2x16xf32>, tensor<2xf32>) -> tensor<?x2x8x8xf32>
  // CHECK: shodh.channel_mlp_grad %{{.*}} {approximate = "tanh"} : (tensor<?x4x8x8xf32>, tensor<16x4xf32>, tensor<16xf32>, tensor<2x16xf32>, tensor<?x2x8x8xf32>) -> (tensor<?x4x8x8xf32>, tensor<16x4xf32>, tensor<16xf32>, tensor<2x16xf32>, tensor<2xf32>)
  %dx, %dw1, %db1, %dw2, %db2 = shodh.channel_mlp_grad %x, %w1, %b1, %w2, %dy {approximate = "tanh"} : (tensor<?x4x8x8xf32>, tensor<16x4xf32>, tensor<16xf32>, tensor<2x16xf32>, tensor<?x2x8x8xf32>) -> (tensor<?x4x8x8xf32>, tensor<16x4xf32>, tensor<16xf32>, tensor<2x16xf32>, tensor<2xf32>)
  return %y, %dx, %dw1, %db1, %dw2, %db2 : tensor<?x2x8x8xf32>, tensor<?x4x8x8xf32>, tensor<16x4xf32>, tensor<16xf32>, tensor<2x16xf32>, tensor<2xf32>
}

// CHECK-LABEL: func.func @mse_form
func.func @mse_form(%x: tensor<?x4x8x8xf32>, %w1: tensor<16x4xf32>, %b1: tensor<16xf32>, %w2: tensor<2x16xf32>, %b2: tensor<2xf32>, %t: tensor<?x2x8x8xf32>) -> (tensor<1xf32>, tensor<?x4x8x8xf32>, tensor<16x4xf32>, tensor<16xf32>, tensor<2x16xf32>, tensor<2xf32>) {
  // CHECK: shodh.channel_mlp_mse_grad %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} {approximate = "tanh"} : (tensor<?x4x8x8xf32>, tensor<16x4xf32>, tensor<16xf32>, tensor<2x16xf32>, tensor<2xf32>, tensor<?x2x8x8xf32>) -> (tensor<1xf32>, tensor<?x4x8x8xf32>, tensor<16x4xf32>, tensor<16xf32>, tensor<2x16xf32>, tensor<2xf32>)
  %l, %dx, %dw1, %db1, %dw2, %db2 = shodh.channel_mlp_mse_grad %x, %w1, %b1, %w2, %b2, %t {axis = 1 : i64, approximate = "tanh"} : (tensor<?x4x8x8xf32>, tensor<16x4xf32>, tensor<16xf32>, tensor<2x16xf32>, tensor<2xf32>, tensor<?x2x8x8xf32>) -> (tensor<1xf32>, tensor<?x4x8x8xf32>, tensor<16x4xf32>, tensor<16xf32>, tensor<2x16xf32>, tensor<2xf32>)
  return %l, %dx, %dw1, %db1, %dw2, %db2 : tensor<1xf32>, tensor<?x4x8x8xf32>, tensor<16x4xf32>, tensor<16xf32>, tensor<2x16xf32>, tensor<2xf32>
}
