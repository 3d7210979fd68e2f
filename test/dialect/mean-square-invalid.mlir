// Verifier messages of shodh.mean_square and shodh.mean_square_grad, one per
// split.
// RUN: shodh-opt %s -split-input-file -verify-diagnostics

func.func @f(%x: tensor<4x3xi32>) -> tensor<1xi32> {
  // expected-error @+1 {{'shodh.mean_square' op input must be a ranked tensor of f32 or f64, got 'tensor<4x3xi32>'}}
  %m = shodh.mean_square %x : (tensor<4x3xi32>) -> tensor<1xi32>
  return %m : tensor<1xi32>
}

// -----

func.func @f(%x: tensor<4x3xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{'shodh.mean_square' op result type 'tensor<2xf32>' is incompatible with the inferred type 'tensor<1xf32>'}}
  %m = shodh.mean_square %x : (tensor<4x3xf32>) -> tensor<2xf32>
  return %m : tensor<2xf32>
}

// -----

func.func @f(%x: tensor<4x3xf32>, %d: tensor<2xf32>) -> tensor<4x3xf32> {
  // expected-error @+1 {{'shodh.mean_square_grad' op dloss must have shape [1], got 'tensor<2xf32>'}}
  %g = shodh.mean_square_grad %x, %d : (tensor<4x3xf32>, tensor<2xf32>) -> tensor<4x3xf32>
  return %g : tensor<4x3xf32>
}

// -----

func.func @f(%x: tensor<4x3xf32>, %d: tensor<1xf64>) -> tensor<4x3xf32> {
  // expected-error @+1 {{'shodh.mean_square_grad' op operands must have the same element type, got 'f32' and 'f64'}}
  %g = shodh.mean_square_grad %x, %d : (tensor<4x3xf32>, tensor<1xf64>) -> tensor<4x3xf32>
  return %g : tensor<4x3xf32>
}
