// Every verifier message of channel_mlp, channel_mlp_grad and
// channel_mlp_mse_grad, one per split.
// RUN: shodh-opt %s -split-input-file -verify-diagnostics

func.func @f(%x: tensor<2x4x8xf32>, %w1: tensor<16x3xf32>, %b1: tensor<16xf32>, %w2: tensor<2x16xf32>, %b2: tensor<2xf32>) -> tensor<2x2x8xf32> {
  // expected-error @+1 {{'shodh.channel_mlp' op w1's C is 3 but the input's size at axis is 4}}
  %y = shodh.channel_mlp %x, %w1, %b1, %w2, %b2 : (tensor<2x4x8xf32>, tensor<16x3xf32>, tensor<16xf32>, tensor<2x16xf32>, tensor<2xf32>) -> tensor<2x2x8xf32>
  return %y : tensor<2x2x8xf32>
}

// -----

func.func @f(%x: tensor<2x4x8xf32>, %w1: tensor<16x4xf32>, %b1: tensor<15xf32>, %w2: tensor<2x16xf32>, %b2: tensor<2xf32>) -> tensor<2x2x8xf32> {
  // expected-error @+1 {{'shodh.channel_mlp' op b1's H is 15 but w1's H is 16}}
  %y = shodh.channel_mlp %x, %w1, %b1, %w2, %b2 : (tensor<2x4x8xf32>, tensor<16x4xf32>, tensor<15xf32>, tensor<2x16xf32>, tensor<2xf32>) -> tensor<2x2x8xf32>
  return %y : tensor<2x2x8xf32>
}

// -----

func.func @f(%x: tensor<2x4x8xf32>, %w1: tensor<16x4xf32>, %b1: tensor<16xf32>, %w2: tensor<2x8xf32>, %b2: tensor<2xf32>) -> tensor<2x2x8xf32> {
  // expected-error @+1 {{'shodh.channel_mlp' op w2's H is 8 but w1's H is 16}}
  %y = shodh.channel_mlp %x, %w1, %b1, %w2, %b2 : (tensor<2x4x8xf32>, tensor<16x4xf32>, tensor<16xf32>, tensor<2x8xf32>, tensor<2xf32>) -> tensor<2x2x8xf32>
  return %y : tensor<2x2x8xf32>
}

// -----

func.func @f(%x: tensor<2x4x8xf32>, %w1: tensor<16x4xf32>, %b1: tensor<16xf32>, %w2: tensor<2x16xf32>, %b2: tensor<3xf32>) -> tensor<2x2x8xf32> {
  // expected-error @+1 {{'shodh.channel_mlp' op b2's O is 3 but w2's O is 2}}
  %y = shodh.channel_mlp %x, %w1, %b1, %w2, %b2 : (tensor<2x4x8xf32>, tensor<16x4xf32>, tensor<16xf32>, tensor<2x16xf32>, tensor<3xf32>) -> tensor<2x2x8xf32>
  return %y : tensor<2x2x8xf32>
}

// -----

func.func @f(%x: tensor<2x4x8xf32>, %w1: tensor<16x4x1xf32>, %b1: tensor<16xf32>, %w2: tensor<2x16xf32>, %b2: tensor<2xf32>) -> tensor<2x2x8xf32> {
  // expected-error @+1 {{'shodh.channel_mlp' op w1 must have rank 2 ([H, C]), got 'tensor<16x4x1xf32>'}}
  %y = shodh.channel_mlp %x, %w1, %b1, %w2, %b2 : (tensor<2x4x8xf32>, tensor<16x4x1xf32>, tensor<16xf32>, tensor<2x16xf32>, tensor<2xf32>) -> tensor<2x2x8xf32>
  return %y : tensor<2x2x8xf32>
}

// -----

func.func @f(%x: tensor<2x4x8xf32>, %w1: tensor<16x4xf32>, %b1: tensor<16xf32>, %w2: tensor<2x16xf32>, %b2: tensor<2xf32>) -> tensor<2x2x8xf32> {
  // expected-error @+1 {{'shodh.channel_mlp' op axis 3 is out of range for an input of rank 3}}
  %y = shodh.channel_mlp %x, %w1, %b1, %w2, %b2 {axis = 3 : i64} : (tensor<2x4x8xf32>, tensor<16x4xf32>, tensor<16xf32>, tensor<2x16xf32>, tensor<2xf32>) -> tensor<2x2x8xf32>
  return %y : tensor<2x2x8xf32>
}

// -----

func.func @f(%x: tensor<2x4x8xf64>, %w1: tensor<16x4xf64>, %b1: tensor<16xf64>, %w2: tensor<2x16xf64>, %b2: tensor<2xf64>) -> tensor<2x2x8xf64> {
  // expected-error @+1 {{'shodh.channel_mlp' op operands must be f32, got 'f64'}}
  %y = shodh.channel_mlp %x, %w1, %b1, %w2, %b2 : (tensor<2x4x8xf64>, tensor<16x4xf64>, tensor<16xf64>, tensor<2x16xf64>, tensor<2xf64>) -> tensor<2x2x8xf64>
  return %y : tensor<2x2x8xf64>
}

// -----

func.func @f(%x: tensor<2x4x8xf32>, %w1: tensor<16x4xf32>, %b1: tensor<16xf32>, %w2: tensor<2x16xf32>, %b2: tensor<2xf32>) -> tensor<2x2x8xf32> {
  // expected-error @+1 {{'shodh.channel_mlp' op approximate must be "none" or "tanh", got "fast"}}
  %y = shodh.channel_mlp %x, %w1, %b1, %w2, %b2 {approximate = "fast"} : (tensor<2x4x8xf32>, tensor<16x4xf32>, tensor<16xf32>, tensor<2x16xf32>, tensor<2xf32>) -> tensor<2x2x8xf32>
  return %y : tensor<2x2x8xf32>
}

// -----

func.func @f(%x: tensor<2x4x8xf32>, %w1: tensor<16x4xf32>, %b1: tensor<16xf32>, %w2: tensor<2x16xf32>, %dy: tensor<2x3x8xf32>) {
  // expected-error @+1 {{'shodh.channel_mlp_grad' op dy must have the result's shape 'tensor<2x2x8xf32>', got 'tensor<2x3x8xf32>'}}
  %dx, %dw1, %db1, %dw2, %db2 = shodh.channel_mlp_grad %x, %w1, %b1, %w2, %dy : (tensor<2x4x8xf32>, tensor<16x4xf32>, tensor<16xf32>, tensor<2x16xf32>, tensor<2x3x8xf32>) -> (tensor<2x4x8xf32>, tensor<16x4xf32>, tensor<16xf32>, tensor<2x16xf32>, tensor<2xf32>)
  return
}

// -----

func.func @f(%x: tensor<2x4x8xf32>, %w1: tensor<16x4xf32>, %b1: tensor<16xf32>, %w2: tensor<2x16xf32>, %dy: tensor<2x2x8xf32>) {
  // expected-error @+1 {{'shodh.channel_mlp_grad' op approximate must be "none" or "tanh", got "x"}}
  %dx, %dw1, %db1, %dw2, %db2 = shodh.channel_mlp_grad %x, %w1, %b1, %w2, %dy {approximate = "x"} : (tensor<2x4x8xf32>, tensor<16x4xf32>, tensor<16xf32>, tensor<2x16xf32>, tensor<2x2x8xf32>) -> (tensor<2x4x8xf32>, tensor<16x4xf32>, tensor<16xf32>, tensor<2x16xf32>, tensor<2xf32>)
  return
}

// -----

func.func @f(%x: tensor<2x4x8xf32>, %w1: tensor<16x4xf32>, %b1: tensor<16xf32>, %w2: tensor<2x16xf32>, %b2: tensor<2xf32>, %t: tensor<2x3x8xf32>) {
  // expected-error @+1 {{'shodh.channel_mlp_mse_grad' op target must have the MLP result's type 'tensor<2x2x8xf32>', got 'tensor<2x3x8xf32>'}}
  %l, %dx, %dw1, %db1, %dw2, %db2 = shodh.channel_mlp_mse_grad %x, %w1, %b1, %w2, %b2, %t : (tensor<2x4x8xf32>, tensor<16x4xf32>, tensor<16xf32>, tensor<2x16xf32>, tensor<2xf32>, tensor<2x3x8xf32>) -> (tensor<1xf32>, tensor<2x4x8xf32>, tensor<16x4xf32>, tensor<16xf32>, tensor<2x16xf32>, tensor<2xf32>)
  return
}

// -----

func.func @f(%x: tensor<2x4x8xf32>, %w1: tensor<16x4xf32>, %b1: tensor<16xf32>, %w2: tensor<2x16xf32>, %b2: tensor<3xf32>, %t: tensor<2x2x8xf32>) {
  // expected-error @+1 {{'shodh.channel_mlp_mse_grad' op b2's O is 3 but w2's O is 2}}
  %l, %dx, %dw1, %db1, %dw2, %db2 = shodh.channel_mlp_mse_grad %x, %w1, %b1, %w2, %b2, %t : (tensor<2x4x8xf32>, tensor<16x4xf32>, tensor<16xf32>, tensor<2x16xf32>, tensor<3xf32>, tensor<2x2x8xf32>) -> (tensor<1xf32>, tensor<2x4x8xf32>, tensor<16x4xf32>, tensor<16xf32>, tensor<2x16xf32>, tensor<2xf32>)
  return
}

// -----

func.func @f(%x: tensor<2x4x8xf32>, %w1: tensor<16x4xf32>, %b1: tensor<16xf32>, %w2: tensor<2x16xf32>, %b2: tensor<2xf32>, %t: tensor<2x2x8xf32>) {
  // expected-error @+1 {{'shodh.channel_mlp_mse_grad' op approximate must be "none" or "tanh", got "x"}}
  %l, %dx, %dw1, %db1, %dw2, %db2 = shodh.channel_mlp_mse_grad %x, %w1, %b1, %w2, %b2, %t {approximate = "x"} : (tensor<2x4x8xf32>, tensor<16x4xf32>, tensor<16xf32>, tensor<2x16xf32>, tensor<2xf32>, tensor<2x2x8xf32>) -> (tensor<1xf32>, tensor<2x4x8xf32>, tensor<16x4xf32>, tensor<16xf32>, tensor<2x16xf32>, tensor<2xf32>)
  return
}
