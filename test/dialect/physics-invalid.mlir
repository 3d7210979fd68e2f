// Every verifier message of the physics ops, one per split.
// RUN: shodh-opt %s -split-input-file -verify-diagnostics

func.func @f(%u: tensor<2x3x8x8xf32>) -> tensor<2x3x8x8xf32> {
  // expected-error @+1 {{'shodh.div_free_project' op input must have 2 channels (one velocity component per spatial axis) in dimension #1, got 3}}
  %p = shodh.div_free_project %u : (tensor<2x3x8x8xf32>) -> tensor<2x3x8x8xf32>
  return %p : tensor<2x3x8x8xf32>
}

// -----

func.func @f(%u: tensor<2x1x8xf32>) -> tensor<2x1x8xf32> {
  // expected-error @+1 {{'shodh.div_free_project' op input must be a field [B, C, N_1, .., N_d] of f32 or f64 with d = 2 or 3 spatial axes (rank 4 or 5), got 'tensor<2x1x8xf32>'}}
  %p = shodh.div_free_project %u : (tensor<2x1x8xf32>) -> tensor<2x1x8xf32>
  return %p : tensor<2x1x8xf32>
}

// -----

func.func @f(%u: tensor<2x2x8x8xcomplex<f32>>) -> tensor<2x1x8x8xcomplex<f32>> {
  // expected-error @+1 {{'shodh.divergence' op input must be a field [B, C, N_1, .., N_d] of f32 or f64}}
  %d = shodh.divergence %u : (tensor<2x2x8x8xcomplex<f32>>) -> tensor<2x1x8x8xcomplex<f32>>
  return %d : tensor<2x1x8x8xcomplex<f32>>
}

// -----

func.func @f(%u: tensor<2x2x8x8xf32>) -> tensor<2x2x8x8xf32> {
  // expected-error @+1 {{'shodh.div_free_project' op lengths must have one entry per spatial axis (2), got 3}}
  %p = shodh.div_free_project %u {lengths = array<f64: 1.0, 1.0, 1.0>} : (tensor<2x2x8x8xf32>) -> tensor<2x2x8x8xf32>
  return %p : tensor<2x2x8x8xf32>
}

// -----

func.func @f(%u: tensor<2x2x8x8xf32>) -> tensor<2x1x8x8xf32> {
  // expected-error @+1 {{'shodh.divergence' op lengths[1] must be positive and finite, got 0}}
  %d = shodh.divergence %u {lengths = array<f64: 1.0, 0.0>} : (tensor<2x2x8x8xf32>) -> tensor<2x1x8x8xf32>
  return %d : tensor<2x1x8x8xf32>
}

// -----

func.func @f(%u: tensor<2x2x8x8xf32>) -> tensor<2x1x8x8xf32> {
  // expected-error @+1 {{'shodh.divergence' op method must be "spectral" or "fd2", got "fd4"}}
  %d = shodh.divergence %u {method = "fd4"} : (tensor<2x2x8x8xf32>) -> tensor<2x1x8x8xf32>
  return %d : tensor<2x1x8x8xf32>
}

// -----

func.func @f(%u: tensor<2x2x8x8xf32>) -> tensor<2x2x8x8xf32> {
  // expected-error @+1 {{'shodh.divergence' op result type 'tensor<2x2x8x8xf32>' is incompatible with the inferred type 'tensor<2x1x8x8xf32>'}}
  %d = shodh.divergence %u : (tensor<2x2x8x8xf32>) -> tensor<2x2x8x8xf32>
  return %d : tensor<2x2x8x8xf32>
}

// -----

func.func @f(%u: tensor<2x3x8x8x8xf64>) -> tensor<2x3x8x8x8xf64> {
  // expected-error @+1 {{'shodh.divergence_grad' op input must have 1 channel (the cotangent of a divergence) in dimension #1, got 3}}
  %d = shodh.divergence_grad %u : (tensor<2x3x8x8x8xf64>) -> tensor<2x3x8x8x8xf64>
  return %d : tensor<2x3x8x8x8xf64>
}

// -----

func.func @f(%a: tensor<2x2x8x8x8xf32>) -> tensor<2x3x8x8x8xf32> {
  // expected-error @+1 {{'shodh.curl' op input must have 3 channels (a 3D vector potential) in dimension #1, got 2}}
  %v = shodh.curl %a : (tensor<2x2x8x8x8xf32>) -> tensor<2x3x8x8x8xf32>
  return %v : tensor<2x3x8x8x8xf32>
}

// -----

func.func @f(%a: tensor<2x3x8x8xf32>) -> tensor<2x3x8x8xf32> {
  // expected-error @+1 {{'shodh.curl' op 2D input must have 1 channel (a stream function) or 2 (a velocity) in dimension #1, got 3}}
  %v = shodh.curl %a : (tensor<2x3x8x8xf32>) -> tensor<2x3x8x8xf32>
  return %v : tensor<2x3x8x8xf32>
}

// -----

func.func @f(%a: tensor<2x?x8x8xf32>) -> tensor<2x?x8x8xf32> {
  // expected-error @+1 {{'shodh.curl' op 2D input must have 1 channel (a stream function) or 2 (a velocity) in dimension #1, got a dynamic size}}
  %v = shodh.curl %a : (tensor<2x?x8x8xf32>) -> tensor<2x?x8x8xf32>
  return %v : tensor<2x?x8x8xf32>
}

// -----

func.func @f(%a: tensor<2x1x8x8xf32>) -> tensor<2x2x8x8xf32> {
  // expected-error @+1 {{'shodh.curl' op method must be "spectral" or "fd2", got "upwind"}}
  %v = shodh.curl %a {method = "upwind"} : (tensor<2x1x8x8xf32>) -> tensor<2x2x8x8xf32>
  return %v : tensor<2x2x8x8xf32>
}
