// Verifier messages of the spectral_conv gradient ops, one per split:
// operands whose batch disagrees, a saved spectrum of the wrong rank, and
// a dy or input whose rank does not fit the mode count.
// RUN: shodh-opt %s -split-input-file -verify-diagnostics

func.func @f(%x: tensor<2x4x8xf32>, %dy: tensor<3x4x8xf32>) {
  // expected-error @+1 {{'shodh.spectral_conv_grad_weight' op dimension #0: input has 2 but dy has 3}}
  %y = shodh.spectral_conv_grad_weight %x, %dy {modes = array<i64: 3>} : (tensor<2x4x8xf32>, tensor<3x4x8xf32>) -> tensor<4x4x3xcomplex<f32>>
  return
}

// -----

// The spectrum lacks its mode axis.
func.func @f(%s: tensor<2x4xcomplex<f32>>, %dy: tensor<2x5x8xf32>, %w: tensor<4x5x3xcomplex<f32>>) {
  // expected-error @+1 {{'shodh.spectral_conv_grad_saved' op spectrum must be [B, I, truncated modes], got 'tensor<2x4xcomplex<f32>>'}}
  %dx, %dw = shodh.spectral_conv_grad_saved %s, %dy, %w {modes = array<i64: 3>} : (tensor<2x4xcomplex<f32>>, tensor<2x5x8xf32>, tensor<4x5x3xcomplex<f32>>) -> (tensor<2x4x8xf32>, tensor<4x5x3xcomplex<f32>>)
  return
}

// -----

func.func @f(%s: tensor<3x4x3xcomplex<f32>>, %dy: tensor<2x5x8xf32>, %w: tensor<4x5x3xcomplex<f32>>) {
  // expected-error @+1 {{'shodh.spectral_conv_grad_saved' op spectrum dimension #0 is 3 but dx has 2}}
  %dx, %dw = shodh.spectral_conv_grad_saved %s, %dy, %w {modes = array<i64: 3>} : (tensor<3x4x3xcomplex<f32>>, tensor<2x5x8xf32>, tensor<4x5x3xcomplex<f32>>) -> (tensor<2x4x8xf32>, tensor<4x5x3xcomplex<f32>>)
  return
}

// -----

// A dy with two spatial axes for one mode count: the message names dy (it
// said "operands").
func.func @f(%dy: tensor<2x5x8x8xf32>, %w: tensor<4x5x3xcomplex<f32>>) {
  // expected-error @+1 {{'shodh.spectral_conv_grad_input' op dy must have rank 3 ([B, C] and one spatial axis per mode), got 'tensor<2x5x8x8xf32>'}}
  %dx = shodh.spectral_conv_grad_input %dy, %w {modes = array<i64: 3>} : (tensor<2x5x8x8xf32>, tensor<4x5x3xcomplex<f32>>) -> tensor<2x4x8x8xf32>
  return
}

// -----

func.func @f(%x: tensor<2x4x8x8xf32>, %dy: tensor<2x4x8xf32>) {
  // expected-error @+1 {{'shodh.spectral_conv_grad_weight' op input must have rank 3 ([B, C] and one spatial axis per mode), got 'tensor<2x4x8x8xf32>'}}
  %y = shodh.spectral_conv_grad_weight %x, %dy {modes = array<i64: 3>} : (tensor<2x4x8x8xf32>, tensor<2x4x8xf32>) -> tensor<4x4x3xcomplex<f32>>
  return
}
