// Every verifier message of conv, conv_transpose, layer_norm and their
// backward ops, one per split.
// RUN: shodh-opt %s -split-input-file -verify-diagnostics

func.func @f(%x: tensor<2x3x8x8xf16>, %w: tensor<4x3x3x3xf16>) -> tensor<2x4x6x6xf16> {
  // expected-error @+1 {{'shodh.conv' op input must be an f32 or f64 field [B, C, S_1, .., S_n] with 1 to 3 spatial axes (rank 3 to 5), got 'tensor<2x3x8x8xf16>'}}
  %y = shodh.conv %x, %w : (tensor<2x3x8x8xf16>, tensor<4x3x3x3xf16>) -> tensor<2x4x6x6xf16>
  return %y : tensor<2x4x6x6xf16>
}

// -----

// f64 fields take f64 weights and biases (shodhc --precision f64).
func.func @f(%x: tensor<2x3x8x8xf64>, %w: tensor<4x3x3x3xf32>) -> tensor<2x4x6x6xf64> {
  // expected-error @+1 {{'shodh.conv' op weight must be an f64 tensor of rank 4 ([O, C, K_1, .., K_n]), got 'tensor<4x3x3x3xf32>'}}
  %y = shodh.conv %x, %w : (tensor<2x3x8x8xf64>, tensor<4x3x3x3xf32>) -> tensor<2x4x6x6xf64>
  return %y : tensor<2x4x6x6xf64>
}

// -----

func.func @f(%x: tensor<2x3x8x8xf64>, %w: tensor<4x3x3x3xf64>, %b: tensor<4xf32>) -> tensor<2x4x6x6xf64> {
  // expected-error @+1 {{'shodh.conv' op bias must be an f64 tensor [O] with O = 4 (the output channels), got 'tensor<4xf32>'}}
  %y = shodh.conv %x, %w, %b : (tensor<2x3x8x8xf64>, tensor<4x3x3x3xf64>, tensor<4xf32>) -> tensor<2x4x6x6xf64>
  return %y : tensor<2x4x6x6xf64>
}

// -----

func.func @f(%x: tensor<2x3x16x16xf64>, %dy: tensor<2x8x8x8xf32>) -> tensor<8x3x4x4xf64> {
  // expected-error @+1 {{'shodh.conv_grad_weight' op dy must have the input's element type, rank 4 and batch size, got 'tensor<2x8x8x8xf32>' for input 'tensor<2x3x16x16xf64>'}}
  %dw = shodh.conv_grad_weight %x, %dy {stride = array<i64: 2, 2>, padding = array<i64: 1, 1>, kernel_size = array<i64: 4, 4>} : (tensor<2x3x16x16xf64>, tensor<2x8x8x8xf32>) -> tensor<8x3x4x4xf64>
  return %dw : tensor<8x3x4x4xf64>
}

// -----

func.func @f(%x: tensor<2x4x3xf64>, %g: tensor<4xf32>, %b: tensor<4xf64>) -> tensor<2x4x3xf64> {
  // expected-error @+1 {{'shodh.layer_norm' op gamma must be an f64 tensor [C] with C = 4 (the input's size at axis 1), got 'tensor<4xf32>'}}
  %y = shodh.layer_norm %x, %g, %b : (tensor<2x4x3xf64>, tensor<4xf32>, tensor<4xf64>) -> tensor<2x4x3xf64>
  return %y : tensor<2x4x3xf64>
}

// -----

func.func @f(%x: tensor<2x3x8x8xf32>, %w: tensor<4x3x3xf32>) -> tensor<2x4x6x6xf32> {
  // expected-error @+1 {{'shodh.conv' op weight must be an f32 tensor of rank 4 ([O, C, K_1, .., K_n]), got 'tensor<4x3x3xf32>'}}
  %y = shodh.conv %x, %w : (tensor<2x3x8x8xf32>, tensor<4x3x3xf32>) -> tensor<2x4x6x6xf32>
  return %y : tensor<2x4x6x6xf32>
}

// -----

func.func @f(%x: tensor<2x3x8x8xf32>, %w: tensor<4x2x3x3xf32>) -> tensor<2x4x6x6xf32> {
  // expected-error @+1 {{'shodh.conv' op weight has 2 channels in dimension #1 but input has 3 (dimension #1)}}
  %y = shodh.conv %x, %w : (tensor<2x3x8x8xf32>, tensor<4x2x3x3xf32>) -> tensor<2x4x6x6xf32>
  return %y : tensor<2x4x6x6xf32>
}

// -----

func.func @f(%x: tensor<2x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<3xf32>) -> tensor<2x4x6x6xf32> {
  // expected-error @+1 {{'shodh.conv' op bias must be an f32 tensor [O] with O = 4 (the output channels), got 'tensor<3xf32>'}}
  %y = shodh.conv %x, %w, %b : (tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<3xf32>) -> tensor<2x4x6x6xf32>
  return %y : tensor<2x4x6x6xf32>
}

// -----

func.func @f(%x: tensor<2x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<2x4x6x6xf32> {
  // expected-error @+1 {{'shodh.conv' op stride must have one entry per spatial axis (2), got 3}}
  %y = shodh.conv %x, %w {stride = array<i64: 1, 1, 1>} : (tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<2x4x6x6xf32>
  return %y : tensor<2x4x6x6xf32>
}

// -----

func.func @f(%x: tensor<2x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<2x4x6x6xf32> {
  // expected-error @+1 {{'shodh.conv' op stride[1] must be at least 1, got 0}}
  %y = shodh.conv %x, %w {stride = array<i64: 1, 0>} : (tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<2x4x6x6xf32>
  return %y : tensor<2x4x6x6xf32>
}

// -----

func.func @f(%x: tensor<2x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<2x4x6x6xf32> {
  // expected-error @+1 {{'shodh.conv' op padding[0] must be at least 0, got -1}}
  %y = shodh.conv %x, %w {padding = array<i64: -1, 0>} : (tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<2x4x6x6xf32>
  return %y : tensor<2x4x6x6xf32>
}

// -----

func.func @f(%x: tensor<2x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<2x4x6x6xf32> {
  // expected-error @+1 {{'shodh.conv' op padding_mode must be "zeros" or "circular", got "reflect"}}
  %y = shodh.conv %x, %w {padding_mode = "reflect"} : (tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<2x4x6x6xf32>
  return %y : tensor<2x4x6x6xf32>
}

// -----

func.func @f(%x: tensor<2x3x2x8xf32>, %w: tensor<4x3x1x3xf32>) -> tensor<2x4x8x6xf32> {
  // expected-error @+1 {{'shodh.conv' op circular padding 3 exceeds the input size 2 of spatial axis 0}}
  %y = shodh.conv %x, %w {padding = array<i64: 3, 0>, padding_mode = "circular"} : (tensor<2x3x2x8xf32>, tensor<4x3x1x3xf32>) -> tensor<2x4x8x6xf32>
  return %y : tensor<2x4x8x6xf32>
}

// -----

func.func @f(%x: tensor<2x3x8x2xf32>, %w: tensor<4x3x3x5xf32>) -> tensor<2x4x6x1xf32> {
  // expected-error @+1 {{'shodh.conv' op spatial axis 1: input size 2 with padding 1 on each side is smaller than the kernel size 5}}
  %y = shodh.conv %x, %w {padding = array<i64: 0, 1>} : (tensor<2x3x8x2xf32>, tensor<4x3x3x5xf32>) -> tensor<2x4x6x1xf32>
  return %y : tensor<2x4x6x1xf32>
}

// -----

func.func @f(%x: tensor<2x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<2x4x8x8xf32> {
  // expected-error @+1 {{'shodh.conv' op result type 'tensor<2x4x8x8xf32>' is incompatible with the inferred type 'tensor<2x4x6x6xf32>'}}
  %y = shodh.conv %x, %w : (tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<2x4x8x8xf32>
  return %y : tensor<2x4x8x8xf32>
}

// -----

func.func @f(%x: tensor<1x4x5x5xf32>, %w: tensor<4x2x3x3xf32>) -> tensor<1x2x11x9xf32> {
  // expected-error @+1 {{'shodh.conv_transpose' op output_padding[0] = 2 must be smaller than stride[0] = 2}}
  %y = shodh.conv_transpose %x, %w {stride = array<i64: 2, 2>, padding = array<i64: 1, 1>, output_padding = array<i64: 2, 0>} : (tensor<1x4x5x5xf32>, tensor<4x2x3x3xf32>) -> tensor<1x2x11x9xf32>
  return %y : tensor<1x2x11x9xf32>
}

// -----

func.func @f(%x: tensor<1x4x5x5xf32>, %w: tensor<3x2x3x3xf32>) -> tensor<1x2x7x7xf32> {
  // expected-error @+1 {{'shodh.conv_transpose' op weight has 3 channels in dimension #0 but input has 4 (dimension #1)}}
  %y = shodh.conv_transpose %x, %w : (tensor<1x4x5x5xf32>, tensor<3x2x3x3xf32>) -> tensor<1x2x7x7xf32>
  return %y : tensor<1x2x7x7xf32>
}

// -----

func.func @f(%x: tensor<1x4x5x5xf32>, %w: tensor<4x2x3x3xf32>, %b: tensor<4xf32>) -> tensor<1x2x7x7xf32> {
  // expected-error @+1 {{'shodh.conv_transpose' op bias must be an f32 tensor [O] with O = 2 (the output channels), got 'tensor<4xf32>'}}
  %y = shodh.conv_transpose %x, %w, %b : (tensor<1x4x5x5xf32>, tensor<4x2x3x3xf32>, tensor<4xf32>) -> tensor<1x2x7x7xf32>
  return %y : tensor<1x2x7x7xf32>
}

// -----

func.func @f(%x: tensor<1x4x1x5xf32>, %w: tensor<4x2x1x3xf32>) -> tensor<1x2x1x7xf32> {
  // expected-error @+1 {{'shodh.conv_transpose' op spatial axis 0: output size (1 - 1) * 1 - 2 * 1 + 1 + 0 must be positive}}
  %y = shodh.conv_transpose %x, %w {padding = array<i64: 1, 0>} : (tensor<1x4x1x5xf32>, tensor<4x2x1x3xf32>) -> tensor<1x2x1x7xf32>
  return %y : tensor<1x2x1x7xf32>
}

// -----

func.func @f(%dy: tensor<?x8x8x8xf32>, %w: tensor<8x3x4x4xf32>) -> tensor<?x3x12x12xf32> {
  // expected-error @+1 {{'shodh.conv_grad_input' op dy has size 8 on spatial axis 0 but the convolution gives 6}}
  %dx = shodh.conv_grad_input %dy, %w {stride = array<i64: 2, 2>, padding = array<i64: 1, 1>, input_size = array<i64: 12, 12>} : (tensor<?x8x8x8xf32>, tensor<8x3x4x4xf32>) -> tensor<?x3x12x12xf32>
  return %dx : tensor<?x3x12x12xf32>
}

// -----

func.func @f(%dy: tensor<?x8x8x8xf32>, %w: tensor<8x3x4x4xf32>) -> tensor<?x3x16x16xf32> {
  // expected-error @+1 {{'shodh.conv_grad_input' op input_size must have one entry per spatial axis (2), got 1}}
  %dx = shodh.conv_grad_input %dy, %w {stride = array<i64: 2, 2>, padding = array<i64: 1, 1>, input_size = array<i64: 16>} : (tensor<?x8x8x8xf32>, tensor<8x3x4x4xf32>) -> tensor<?x3x16x16xf32>
  return %dx : tensor<?x3x16x16xf32>
}

// -----

func.func @f(%x: tensor<2x3x16x16xf32>, %dy: tensor<3x8x8x8xf32>) -> tensor<8x3x4x4xf32> {
  // expected-error @+1 {{'shodh.conv_grad_weight' op dy must have the input's element type, rank 4 and batch size, got 'tensor<3x8x8x8xf32>' for input 'tensor<2x3x16x16xf32>'}}
  %dw = shodh.conv_grad_weight %x, %dy {stride = array<i64: 2, 2>, padding = array<i64: 1, 1>, kernel_size = array<i64: 4, 4>} : (tensor<2x3x16x16xf32>, tensor<3x8x8x8xf32>) -> tensor<8x3x4x4xf32>
  return %dw : tensor<8x3x4x4xf32>
}

// -----

func.func @f(%x: tensor<2x3x16x16xf32>, %dy: tensor<2x8x8x8xf32>) -> tensor<8x3x4x0xf32> {
  // expected-error @+1 {{'shodh.conv_grad_weight' op kernel_size[1] must be at least 1, got 0}}
  %dw = shodh.conv_grad_weight %x, %dy {stride = array<i64: 2, 2>, padding = array<i64: 1, 1>, kernel_size = array<i64: 4, 0>} : (tensor<2x3x16x16xf32>, tensor<2x8x8x8xf32>) -> tensor<8x3x4x0xf32>
  return %dw : tensor<8x3x4x0xf32>
}

// -----

func.func @f(%x: tensor<2x4x3xf32>, %g: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<2x4x3xf32> {
  // expected-error @+1 {{'shodh.layer_norm' op axis 3 is out of range for rank 3}}
  %y = shodh.layer_norm %x, %g, %b {axis = 3 : i64} : (tensor<2x4x3xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<2x4x3xf32>
  return %y : tensor<2x4x3xf32>
}

// -----

func.func @f(%x: tensor<2x4x3xf32>, %g: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<2x4x3xf32> {
  // expected-error @+1 {{'shodh.layer_norm' op eps must be positive and finite, got 0}}
  %y = shodh.layer_norm %x, %g, %b {eps = 0.0 : f64} : (tensor<2x4x3xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<2x4x3xf32>
  return %y : tensor<2x4x3xf32>
}

// -----

func.func @f(%x: tensor<2x4x3xf32>, %g: tensor<3xf32>, %b: tensor<4xf32>) -> tensor<2x4x3xf32> {
  // expected-error @+1 {{'shodh.layer_norm' op gamma must be an f32 tensor [C] with C = 4 (the input's size at axis 1), got 'tensor<3xf32>'}}
  %y = shodh.layer_norm %x, %g, %b : (tensor<2x4x3xf32>, tensor<3xf32>, tensor<4xf32>) -> tensor<2x4x3xf32>
  return %y : tensor<2x4x3xf32>
}

// -----

func.func @f(%x: tensor<2x4x3xf32>, %g: tensor<3xf32>, %b: tensor<4xf32>) -> tensor<2x4x3xf32> {
  // expected-error @+1 {{'shodh.layer_norm' op beta must be an f32 tensor [C] with C = 3 (the input's size at axis 2), got 'tensor<4xf32>'}}
  %y = shodh.layer_norm %x, %g, %b {axis = 2 : i64} : (tensor<2x4x3xf32>, tensor<3xf32>, tensor<4xf32>) -> tensor<2x4x3xf32>
  return %y : tensor<2x4x3xf32>
}

// -----

func.func @f(%x: tensor<2x4x3xi32>, %g: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<2x4x3xi32> {
  // expected-error @+1 {{'shodh.layer_norm' op input must be an f32 or f64 tensor of rank >= 1, got 'tensor<2x4x3xi32>'}}
  %y = shodh.layer_norm %x, %g, %b : (tensor<2x4x3xi32>, tensor<4xf32>, tensor<4xf32>) -> tensor<2x4x3xi32>
  return %y : tensor<2x4x3xi32>
}

// -----

func.func @f(%x: tensor<2x4x3xf32>, %dy: tensor<2x4x4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'shodh.layer_norm_grad_gamma' op dy must have the input's type 'tensor<2x4x3xf32>', got 'tensor<2x4x4xf32>'}}
  %dg = shodh.layer_norm_grad_gamma %x, %dy : (tensor<2x4x3xf32>, tensor<2x4x4xf32>) -> tensor<4xf32>
  return %dg : tensor<4xf32>
}
