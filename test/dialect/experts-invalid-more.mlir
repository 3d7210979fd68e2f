// More verifier messages of expert_mlp, expert_fno and expert_fno_grad, one
// per split: operand ranks and element types, too few offsets, an empty
// 'modes' and a dy that does not match the forward result.
// RUN: shodh-opt %s -split-input-file -verify-diagnostics

func.func @f(%x: tensor<2x6x4xf32>, %off: tensor<4xi64>, %w1: tensor<3x8x4x1xf32>, %b1: tensor<3x8xf32>, %w2: tensor<3x5x8xf32>, %b2: tensor<3x5xf32>) {
  // expected-error @+1 {{'shodh.expert_mlp' op w1 must have rank 3, got 'tensor<3x8x4x1xf32>'}}
  %y = shodh.expert_mlp %x, %off, %w1, %b1, %w2, %b2 : (tensor<2x6x4xf32>, tensor<4xi64>, tensor<3x8x4x1xf32>, tensor<3x8xf32>, tensor<3x5x8xf32>, tensor<3x5xf32>) -> tensor<2x6x5xf32>
  return
}

// -----

func.func @f(%x: tensor<2x6x4xf64>, %off: tensor<4xi64>, %w1: tensor<3x8x4xf32>, %b1: tensor<3x8xf32>, %w2: tensor<3x5x8xf32>, %b2: tensor<3x5xf32>) {
  // expected-error @+1 {{'shodh.expert_mlp' op sorted tokens must be a ranked tensor of f32, got 'tensor<2x6x4xf64>'}}
  %y = shodh.expert_mlp %x, %off, %w1, %b1, %w2, %b2 : (tensor<2x6x4xf64>, tensor<4xi64>, tensor<3x8x4xf32>, tensor<3x8xf32>, tensor<3x5x8xf32>, tensor<3x5xf32>) -> tensor<2x6x5xf32>
  return
}

// -----

// One offset gives no expert at all.
func.func @f(%x: tensor<2x6x4xf32>, %off: tensor<1xi64>, %w1: tensor<3x8x4xf32>, %b1: tensor<3x8xf32>, %w2: tensor<3x5x8xf32>, %b2: tensor<3x5xf32>) {
  // expected-error @+1 {{'shodh.expert_mlp' op offsets must have E+1 >= 2 entries, got 1}}
  %y = shodh.expert_mlp %x, %off, %w1, %b1, %w2, %b2 : (tensor<2x6x4xf32>, tensor<1xi64>, tensor<3x8x4xf32>, tensor<3x8xf32>, tensor<3x5x8xf32>, tensor<3x5xf32>) -> tensor<2x6x5xf32>
  return
}

// -----

// With every expert count dynamic, an empty 'modes' is still rejected.
func.func @f(%x: tensor<2x4x3x16x16xf32>, %off: tensor<?xi64>, %ws: tensor<?x3x5x8x4xcomplex<f32>>, %wk: tensor<?x5x3xf32>, %bk: tensor<?x5xf32>) {
  // expected-error @+1 {{'shodh.expert_fno' op modes must have one entry per expert, got none}}
  %y = shodh.expert_fno %x, %off, %ws, %wk, %bk {modes = array<i64>} : (tensor<2x4x3x16x16xf32>, tensor<?xi64>, tensor<?x3x5x8x4xcomplex<f32>>, tensor<?x5x3xf32>, tensor<?x5xf32>) -> tensor<2x4x5x16x16xf32>
  return
}

// -----

// dy has 4 output channels; the forward result has wspec's 5.
func.func @f(%x: tensor<2x4x3x16x16xf32>, %off: tensor<4xi64>, %dy: tensor<2x4x4x16x16xf32>, %ws: tensor<3x3x5x8x4xcomplex<f32>>, %wk: tensor<3x5x3xf32>, %bk: tensor<3x5xf32>) {
  // expected-error @+1 {{'shodh.expert_fno_grad' op dy must match the forward result 'tensor<2x4x5x16x16xf32>', got 'tensor<2x4x4x16x16xf32>'}}
  %dx, %dws, %dwk, %dbk = shodh.expert_fno_grad %x, %off, %dy, %ws, %wk, %bk {modes = array<i64: 2, 4, 1>}
      : (tensor<2x4x3x16x16xf32>, tensor<4xi64>, tensor<2x4x4x16x16xf32>, tensor<3x3x5x8x4xcomplex<f32>>, tensor<3x5x3xf32>, tensor<3x5xf32>)
      -> (tensor<2x4x3x16x16xf32>, tensor<3x3x5x8x4xcomplex<f32>>, tensor<3x5x3xf32>, tensor<3x5xf32>)
  return
}
