// More verifier messages of attention and linear_add, one per split:
// non-positive heads when the channel count is dynamic, and a residual of the
// wrong rank.
// RUN: shodh-opt %s -split-input-file -verify-diagnostics

// C is dynamic, so heads is checked on its own, not against C.
func.func @f(%x: tensor<2x8x?xf32>, %wqkv: tensor<?x?xf32>, %bqkv: tensor<?xf32>, %wo: tensor<?x?xf32>, %bo: tensor<?xf32>) {
  // expected-error @+1 {{'shodh.attention' op heads must be positive, got 0}}
  %y = shodh.attention %x, %wqkv, %bqkv, %wo, %bo {heads = 0 : i64} : (tensor<2x8x?xf32>, tensor<?x?xf32>, tensor<?xf32>, tensor<?x?xf32>, tensor<?xf32>) -> tensor<2x8x?xf32>
  return
}

// -----

func.func @f(%x: tensor<2x3x8xf32>, %w: tensor<4x3xf32>, %r: tensor<2x4xf32>) {
  // expected-error @+1 {{'shodh.linear_add' op residual must have rank 3, got 'tensor<2x4xf32>'}}
  %y = shodh.linear_add %x, %w, %r : (tensor<2x3x8xf32>, tensor<4x3xf32>, tensor<2x4xf32>) -> tensor<2x4x8xf32>
  return
}
