// Errors of shodh.spectral_conv_add: the activation, the addend's shape and
// element type, and spectral_conv's own operand rules.
// RUN: shodh-opt %s -split-input-file -verify-diagnostics

func.func @bad_activation(%x: tensor<2x4x16x16xf32>, %w: tensor<4x8x6x3xcomplex<f32>>, %s: tensor<2x8x16x16xf32>) -> tensor<2x8x16x16xf32> {
  // expected-error @+1 {{'shodh.spectral_conv_add' op activation must be "none", "gelu" or "gelu_tanh", got "relu"}}
  %y = shodh.spectral_conv_add %x, %w, %s {modes = array<i64: 3, 3>, activation = "relu"} : (tensor<2x4x16x16xf32>, tensor<4x8x6x3xcomplex<f32>>, tensor<2x8x16x16xf32>) -> tensor<2x8x16x16xf32>
  return %y : tensor<2x8x16x16xf32>
}

// -----

func.func @addend_shape(%x: tensor<2x4x16x16xf32>, %w: tensor<4x8x6x3xcomplex<f32>>, %s: tensor<2x4x16x16xf32>) -> tensor<2x8x16x16xf32> {
  // expected-error @+1 {{'shodh.spectral_conv_add' op addend dimension #1 is 4 but the spectral convolution gives 8}}
  %y = shodh.spectral_conv_add %x, %w, %s {modes = array<i64: 3, 3>} : (tensor<2x4x16x16xf32>, tensor<4x8x6x3xcomplex<f32>>, tensor<2x4x16x16xf32>) -> tensor<2x8x16x16xf32>
  return %y : tensor<2x8x16x16xf32>
}

// -----

func.func @addend_type(%x: tensor<2x4x16x16xf32>, %w: tensor<4x8x6x3xcomplex<f32>>, %s: tensor<2x8x16x16xf64>) -> tensor<2x8x16x16xf32> {
  // expected-error @+1 {{'shodh.spectral_conv_add' op addend must have the input's element type 'f32', got 'tensor<2x8x16x16xf64>'}}
  %y = shodh.spectral_conv_add %x, %w, %s {modes = array<i64: 3, 3>} : (tensor<2x4x16x16xf32>, tensor<4x8x6x3xcomplex<f32>>, tensor<2x8x16x16xf64>) -> tensor<2x8x16x16xf32>
  return %y : tensor<2x8x16x16xf32>
}

// -----

func.func @modes_too_large(%x: tensor<2x4x16x16xf32>, %w: tensor<4x8x18x9xcomplex<f32>>, %s: tensor<2x8x16x16xf32>) -> tensor<2x8x16x16xf32> {
  // expected-error @+1 {{'shodh.spectral_conv_add' op modes[0] = 9 needs 2 * 9 <= 16, the size of dimension #2}}
  %y = shodh.spectral_conv_add %x, %w, %s {modes = array<i64: 9, 9>} : (tensor<2x4x16x16xf32>, tensor<4x8x18x9xcomplex<f32>>, tensor<2x8x16x16xf32>) -> tensor<2x8x16x16xf32>
  return %y : tensor<2x8x16x16xf32>
}
