// Attributes an op does not define are refused, with the closest name and
// the op's own attributes (a misspelled optional attribute used to be kept
// and ignored: the op ran with its default).
// RUN: shodh-opt %s -split-input-file -verify-diagnostics

func.func @f(%x: tensor<2x4x8x8xf32>, %w: tensor<4x4x3x3xf32>) -> tensor<2x4x8x8xf32> {
  // expected-error @+1 {{'shodh.conv' op has no attribute 'padding_mod' (did you mean 'padding_mode'?); its attributes are padding, padding_mode, stride}}
  %y = shodh.conv %x, %w {padding = array<i64: 1, 1>, padding_mod = "circular"} : (tensor<2x4x8x8xf32>, tensor<4x4x3x3xf32>) -> tensor<2x4x8x8xf32>
  return %y : tensor<2x4x8x8xf32>
}

// -----

func.func @f(%x: tensor<2x4x8x8xf32>, %w: tensor<4x4x2x2xf32>) -> tensor<2x4x4x4xf32> {
  // expected-error @+1 {{'shodh.conv' op has no attribute 'strides' (did you mean 'stride'?)}}
  %y = shodh.conv %x, %w {stride = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<2x4x8x8xf32>, tensor<4x4x2x2xf32>) -> tensor<2x4x4x4xf32>
  return %y : tensor<2x4x4x4xf32>
}

// -----

// An abbreviation is matched to the name it starts.
func.func @f(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{'shodh.gelu' op has no attribute 'approx' (did you mean 'approximate'?); its attributes are approximate}}
  %g = shodh.gelu %x {approx = "tanh"} : (tensor<2x4xf32>) -> tensor<2x4xf32>
  return %g : tensor<2x4xf32>
}

// -----

func.func @f(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{'shodh.add' op has no attribute 'alpha'; it takes no attributes}}
  %y = shodh.add %x, %x {alpha = 2.0 : f32} : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}

// -----

// A name far from every attribute gets no suggestion, only the list.
func.func @f(%x: tensor<2x4x8xf32>, %g: tensor<8xf32>, %b: tensor<8xf32>) -> tensor<2x4x8xf32> {
  // expected-error @+1 {{'shodh.layer_norm' op has no attribute 'momentum'; its attributes are}}
  %y = shodh.layer_norm %x, %g, %b {momentum = 0.1 : f64} : (tensor<2x4x8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<2x4x8xf32>
  return %y : tensor<2x4x8xf32>
}

// -----

// Attributes of another dialect ("dialect.name") are left to that dialect.
func.func @f(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %g = shodh.gelu %x {test.note = "kept"} : (tensor<2x4xf32>) -> tensor<2x4xf32>
  return %g : tensor<2x4xf32>
}
