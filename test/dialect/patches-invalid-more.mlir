// More verifier messages of patchify, unpatchify, reshape and interpolate, one
// per split: a zero patch size, a wrong-rank unpatchify input, an empty
// reshape shape and too many interpolation sizes.
// RUN: shodh-opt %s -split-input-file -verify-diagnostics

func.func @f(%x: tensor<2x3x16x8xf32>) {
  // expected-error @+1 {{'shodh.patchify' op patch[1] must be positive, got 0}}
  %t = shodh.patchify %x {patch = array<i64: 4, 0>} : (tensor<2x3x16x8xf32>) -> tensor<2x8x3x4x4xf32>
  return
}

// -----

// A 2-D grid needs [B, P, C, p0, p1]; this input lacks one patch axis.
func.func @f(%t: tensor<2x8x3x4xf32>) {
  // expected-error @+1 {{'shodh.unpatchify' op input must have rank 5 (B, P, C and 2 patch axes) for a 2-D grid, got 'tensor<2x8x3x4xf32>'}}
  %u = shodh.unpatchify %t {grid = array<i64: 16, 8>} : (tensor<2x8x3x4xf32>) -> tensor<2x3x16x8xf32>
  return
}

// -----

func.func @f(%x: tensor<2x4x3xf32>) {
  // expected-error @+1 {{'shodh.reshape' op shape must have at least one entry}}
  %y = shodh.reshape %x {shape = array<i64>} : (tensor<2x4x3xf32>) -> tensor<2xf32>
  return
}

// -----

func.func @f(%x: tensor<2x4x3x4x4x4x4xf32>) {
  // expected-error @+1 {{'shodh.interpolate' op size must have 1 to 3 entries, got 4}}
  %y = shodh.interpolate %x {size = array<i64: 2, 2, 2, 2>} : (tensor<2x4x3x4x4x4x4xf32>) -> tensor<2x4x3x2x2x2x2xf32>
  return
}
