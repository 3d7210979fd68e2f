// --shodh-fuse-channel-mlp: linear -> gelu -> linear over one channel axis
// before the last, both with biases, f32, with hidden activations used only
// by the chain, becomes shodh.channel_mlp (GELU's mode carried over). A
// hidden value with another user, the last axis, a missing bias, two axes
// or f64 leave the chain alone.
// RUN: shodh-opt %s -split-input-file --shodh-fuse-channel-mlp | FileCheck %s

// CHECK-LABEL: func.func @projection
// CHECK-SAME: (%[[X:.*]]: tensor<?x4x8x8xf32>, %[[W1:.*]]: tensor<16x4xf32>, %[[B1:.*]]: tensor<16xf32>, %[[W2:.*]]: tensor<1x16xf32>, %[[B2:.*]]: tensor<1xf32>)
func.func @projection(%x: tensor<?x4x8x8xf32>, %w1: tensor<16x4xf32>, %b1: tensor<16xf32>, %w2: tensor<1x16xf32>, %b2: tensor<1xf32>) -> tensor<?x1x8x8xf32> {
  // CHECK-NEXT: %[[Y:.*]] = shodh.channel_mlp %[[X]], %[[W1]], %[[B1]], %[[W2]], %[[B2]] {approximate = "tanh"} : (tensor<?x4x8x8xf32>, tensor<16x4xf32>, tensor<16xf32>, tensor<1x16xf32>, tensor<1xf32>) -> tensor<?x1x8x8xf32>
  // CHECK-NEXT: return %[[Y]]
  %h = shodh.linear %x, %w1, %b1 {axis = 1 : i64} : (tensor<?x4x8x8xf32>, tensor<16x4xf32>, tensor<16xf32>) -> tensor<?x16x8x8xf32>
  %g = shodh.gelu %h {approximate = "tanh"} : (tensor<?x16x8x8xf32>) -> tensor<?x16x8x8xf32>
  %y = shodh.linear %g, %w2, %b2 {axis = 1 : i64} : (tensor<?x16x8x8xf32>, tensor<1x16xf32>, tensor<1xf32>) -> tensor<?x1x8x8xf32>
  return %y : tensor<?x1x8x8xf32>
}

// -----

// CHECK-LABEL: func.func @middle_axis
// CHECK: shodh.channel_mlp %{{.*}} {axis = 2 : i64} : (tensor<2x3x4x5xf32>
func.func @middle_axis(%x: tensor<2x3x4x5xf32>, %w1: tensor<6x4xf32>, %b1: tensor<6xf32>, %w2: tensor<2x6xf32>, %b2: tensor<2xf32>) -> tensor<2x3x2x5xf32> {
  %h = shodh.linear %x, %w1, %b1 {axis = 2 : i64} : (tensor<2x3x4x5xf32>, tensor<6x4xf32>, tensor<6xf32>) -> tensor<2x3x6x5xf32>
  %g = shodh.gelu %h : (tensor<2x3x6x5xf32>) -> tensor<2x3x6x5xf32>
  %y = shodh.linear %g, %w2, %b2 {axis = 2 : i64} : (tensor<2x3x6x5xf32>, tensor<2x6xf32>, tensor<2xf32>) -> tensor<2x3x2x5xf32>
  return %y : tensor<2x3x2x5xf32>
}

// -----

// The GELU output is also returned.
// CHECK-LABEL: func.func @hidden_used_twice
// CHECK-NOT: channel_mlp
func.func @hidden_used_twice(%x: tensor<?x4x8xf32>, %w1: tensor<16x4xf32>, %b1: tensor<16xf32>, %w2: tensor<1x16xf32>, %b2: tensor<1xf32>) -> (tensor<?x1x8xf32>, tensor<?x16x8xf32>) {
  %h = shodh.linear %x, %w1, %b1 {axis = 1 : i64} : (tensor<?x4x8xf32>, tensor<16x4xf32>, tensor<16xf32>) -> tensor<?x16x8xf32>
  %g = shodh.gelu %h : (tensor<?x16x8xf32>) -> tensor<?x16x8xf32>
  %y = shodh.linear %g, %w2, %b2 {axis = 1 : i64} : (tensor<?x16x8xf32>, tensor<1x16xf32>, tensor<1xf32>) -> tensor<?x1x8xf32>
  return %y, %g : tensor<?x1x8xf32>, tensor<?x16x8xf32>
}

// -----

// The pre-activation is also returned.
// CHECK-LABEL: func.func @pre_activation_used_twice
// CHECK-NOT: channel_mlp
func.func @pre_activation_used_twice(%x: tensor<?x4x8xf32>, %w1: tensor<16x4xf32>, %b1: tensor<16xf32>, %w2: tensor<1x16xf32>, %b2: tensor<1xf32>) -> (tensor<?x1x8xf32>, tensor<?x16x8xf32>) {
  %h = shodh.linear %x, %w1, %b1 {axis = 1 : i64} : (tensor<?x4x8xf32>, tensor<16x4xf32>, tensor<16xf32>) -> tensor<?x16x8xf32>
  %g = shodh.gelu %h : (tensor<?x16x8xf32>) -> tensor<?x16x8xf32>
  %y = shodh.linear %g, %w2, %b2 {axis = 1 : i64} : (tensor<?x16x8xf32>, tensor<1x16xf32>, tensor<1xf32>) -> tensor<?x1x8xf32>
  return %y, %h : tensor<?x1x8xf32>, tensor<?x16x8xf32>
}

// -----

// Tokens with the channel axis last (the kernel tiles over later axes), a
// chain without its second bias, and f64.
// CHECK-LABEL: func.func @left_alone
// CHECK-NOT: channel_mlp
func.func @left_alone(%t: tensor<?x8x4xf32>, %x: tensor<?x4x8xf32>, %d: tensor<?x4x8xf64>, %w1: tensor<16x4xf32>, %b1: tensor<16xf32>, %w2: tensor<1x16xf32>, %b2: tensor<1xf32>, %w1d: tensor<16x4xf64>, %b1d: tensor<16xf64>, %w2d: tensor<1x16xf64>, %b2d: tensor<1xf64>) -> (tensor<?x8x1xf32>, tensor<?x1x8xf32>, tensor<?x1x8xf64>) {
  %h = shodh.linear %t, %w1, %b1 {axis = 2 : i64} : (tensor<?x8x4xf32>, tensor<16x4xf32>, tensor<16xf32>) -> tensor<?x8x16xf32>
  %g = shodh.gelu %h : (tensor<?x8x16xf32>) -> tensor<?x8x16xf32>
  %y = shodh.linear %g, %w2, %b2 {axis = 2 : i64} : (tensor<?x8x16xf32>, tensor<1x16xf32>, tensor<1xf32>) -> tensor<?x8x1xf32>
  %h2 = shodh.linear %x, %w1, %b1 {axis = 1 : i64} : (tensor<?x4x8xf32>, tensor<16x4xf32>, tensor<16xf32>) -> tensor<?x16x8xf32>
  %g2 = shodh.gelu %h2 : (tensor<?x16x8xf32>) -> tensor<?x16x8xf32>
  %y2 = shodh.linear %g2, %w2 {axis = 1 : i64} : (tensor<?x16x8xf32>, tensor<1x16xf32>) -> tensor<?x1x8xf32>
  %h3 = shodh.linear %d, %w1d, %b1d {axis = 1 : i64} : (tensor<?x4x8xf64>, tensor<16x4xf64>, tensor<16xf64>) -> tensor<?x16x8xf64>
  %g3 = shodh.gelu %h3 : (tensor<?x16x8xf64>) -> tensor<?x16x8xf64>
  %y3 = shodh.linear %g3, %w2d, %b2d {axis = 1 : i64} : (tensor<?x16x8xf64>, tensor<1x16xf64>, tensor<1xf64>) -> tensor<?x1x8xf64>
  return %y, %y2, %y3 : tensor<?x8x1xf32>, tensor<?x1x8xf32>, tensor<?x1x8xf64>
}
