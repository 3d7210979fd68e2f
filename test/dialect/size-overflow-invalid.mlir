// Sizes that would overflow 64-bit arithmetic in the shape rules (found by
// an audit under UBSan, 2026-12-07: they wrapped, so invalid ops verified
// or the messages printed wrapped numbers), and a patch size of 0 taken
// from a tensor type (was: SIGFPE in unpatchify's divisibility check). Size
// attributes are bounded by 2^40 and products of static sizes are checked.
// RUN: shodh-opt %s -split-input-file -verify-diagnostics

func.func @f(%t: tensor<2x8x3x0x4xf32>) {
  // expected-error @+1 {{'shodh.unpatchify' op patch size on spatial axis 0 must be positive, got 0}}
  %u = shodh.unpatchify %t {grid = array<i64: 16, 8>} : (tensor<2x8x3x0x4xf32>) -> tensor<2x3x16x8xf32>
  return
}

// -----

func.func @f(%x: tensor<2x3x4611686018427387904x4611686018427387904xf32>) {
  // expected-error @+1 {{'shodh.patchify' op the patch count 4611686018427387904 * 4611686018427387904 overflows 64 bits}}
  %t = shodh.patchify %x {patch = array<i64: 1, 1>} : (tensor<2x3x4611686018427387904x4611686018427387904xf32>) -> tensor<2x8x3x1x1xf32>
  return
}

// -----

func.func @f(%t: tensor<2x8x3x1x1xf32>) {
  // expected-error @+1 {{'shodh.unpatchify' op grid[0] must be positive and at most 2^40, got 4611686018427387904}}
  %u = shodh.unpatchify %t {grid = array<i64: 4611686018427387904, 4611686018427387904>} : (tensor<2x8x3x1x1xf32>) -> tensor<2x3x4611686018427387904x4611686018427387904xf32>
  return
}

// -----

func.func @f(%x: tensor<2x2x16x16xf32>, %k: tensor<8x2x3x3xf32>) {
  // expected-error @+1 {{'shodh.conv' op the padding 2 * 4611686018427387904 overflows 64 bits}}
  %z = shodh.conv %x, %k {padding = array<i64: 4611686018427387904, 1>} : (tensor<2x2x16x16xf32>, tensor<8x2x3x3xf32>) -> tensor<2x8x16x16xf32>
  return
}

// -----

func.func @f(%x: tensor<2x2x16x16xf32>, %k: tensor<2x8x3x3xf32>) {
  // expected-error @+1 {{'shodh.conv_transpose' op the output size 15 * 922337203685477580 overflows 64 bits}}
  %z = shodh.conv_transpose %x, %k {stride = array<i64: 922337203685477580, 1>} : (tensor<2x2x16x16xf32>, tensor<2x8x3x3xf32>) -> tensor<2x8x16x16xf32>
  return
}

// -----

func.func @f(%f: tensor<2x16x8x5xcomplex<f32>>) {
  // expected-error @+1 {{'shodh.spectral_truncate' op modes[0] must be positive and at most 2^40, got 4611686018427387904}}
  %t = shodh.spectral_truncate %f {modes = array<i64: 4611686018427387904, 2>} : (tensor<2x16x8x5xcomplex<f32>>) -> tensor<2x16x4x2xcomplex<f32>>
  return
}

// -----

func.func @f(%x: tensor<2x4x3x16x16xf32>, %off: tensor<4xi64>, %ws: tensor<3x3x5x8x4xcomplex<f32>>, %wk: tensor<3x5x3xf32>, %bk: tensor<3x5xf32>) {
  // expected-error @+1 {{'shodh.expert_fno' op modes up to 4611686018427387904 need 2*4611686018427387904 <= the patch size 16 on spatial axis 0}}
  %y = shodh.expert_fno %x, %off, %ws, %wk, %bk {modes = array<i64: 4611686018427387904, 4, 1>} : (tensor<2x4x3x16x16xf32>, tensor<4xi64>, tensor<3x3x5x8x4xcomplex<f32>>, tensor<3x5x3xf32>, tensor<3x5xf32>) -> tensor<2x4x5x16x16xf32>
  return
}

// -----

func.func @mlp(%tok: tensor<?x4x3xf32>, %ids: tensor<?x4x2xi64>, %g: tensor<?x4x2xf32>,
               %w1: tensor<3x5x3xf32>, %b1: tensor<3x5xf32>, %w2: tensor<3x3x5xf32>, %b2: tensor<3x3xf32>)
    -> tensor<?x4x3xf32> {
  // expected-error @+1 {{'shodh.dispatch' op num_experts must be at least 1 and at most 2^40, got 9223372036854775807}}
  %s, %off, %src = shodh.dispatch %tok, %ids {num_experts = 9223372036854775807 : i64, capacity_factor = 1.5 : f64}
      : (tensor<?x4x3xf32>, tensor<?x4x2xi64>) -> (tensor<?x8x3xf32>, tensor<4xi64>, tensor<?x8xi64>)
  %o = shodh.expert_mlp %s, %off, %w1, %b1, %w2, %b2
      : (tensor<?x8x3xf32>, tensor<4xi64>, tensor<3x5x3xf32>, tensor<3x5xf32>, tensor<3x3x5xf32>, tensor<3x3xf32>)
      -> tensor<?x8x3xf32>
  %y = shodh.combine %o, %g, %src, %off
      : (tensor<?x8x3xf32>, tensor<?x4x2xf32>, tensor<?x8xi64>, tensor<4xi64>) -> tensor<?x4x3xf32>
  return %y : tensor<?x4x3xf32>
}

// -----

func.func @f(%t: tensor<2x4x3xf32>, %ids: tensor<2x4x2xi64>, %g: tensor<2x4x2xf32>, %w1: tensor<?x5x3xf32>, %b1: tensor<?x5xf32>, %w2: tensor<?x3x5xf32>, %b2: tensor<?x3xf32>) {
  // expected-error @+1 {{'shodh.moe' op num_experts must be positive and at most 2^40, got 9223372036854775807}}
  %y = shodh.moe %t, %ids, %g, %w1, %b1, %w2, %b2 {expert = "mlp", num_experts = 9223372036854775807 : i64} : (tensor<2x4x3xf32>, tensor<2x4x2xi64>, tensor<2x4x2xf32>, tensor<?x5x3xf32>, tensor<?x5xf32>, tensor<?x3x5xf32>, tensor<?x3xf32>) -> tensor<2x4x3xf32>
  return
}

// -----

// INT64_MIN is the shape rules' "unknown size": written literally it used to
// skip every check (and shodhc wrote a model the runtime refused).
func.func @f(%f: tensor<2x4x8x5xcomplex<f32>>) {
  // expected-error @+1 {{'shodh.spectral_truncate' op 'modes'[0] = -9223372036854775808 is reserved (it stands for an unknown size); write a size}}
  %t = shodh.spectral_truncate %f {modes = array<i64: -9223372036854775808, 2>} : (tensor<2x4x8x5xcomplex<f32>>) -> tensor<2x4x4x2xcomplex<f32>>
  return
}

// -----

// expected-error @+1 {{'shodh.param' op dims entry #0 (-9223372036854775808 : i64) must be a positive 64-bit integer}}
shodh.param @w {dims = [-9223372036854775808, 3], init = {kind = "zeros"}} : tensor<?x3xf32>

// -----

// Integers wider than 64 bits used to be truncated silently (width 2^64 + 4
// became 4).
// expected-error @+1 {{'shodh.param' op dims entry #0 (18446744073709551620 : i128) must be a positive 64-bit integer}}
shodh.param @w {dims = [18446744073709551620 : i128, 3], init = {kind = "zeros"}} : tensor<?x3xf32>

// -----

// expected-error @+1 {{'builtin.module' op hyperparameter 'width' = 18446744073709551620 : i128 does not fit in 64 bits}}
module attributes {shodh.hyperparams = {width = 18446744073709551620 : i128}} {
}

// -----

// The same for a scalar size attribute (was accepted: num_experts unknown).
func.func @f(%tok: tensor<2x4x3xf32>, %ids: tensor<2x4x2xi64>) {
  // expected-error @+1 {{'shodh.dispatch' op 'num_experts' = -9223372036854775808 is reserved (it stands for an unknown size); write a size}}
  %s, %off, %src = shodh.dispatch %tok, %ids {num_experts = -9223372036854775808 : i64}
      : (tensor<2x4x3xf32>, tensor<2x4x2xi64>) -> (tensor<2x8x3xf32>, tensor<4xi64>, tensor<2x8xi64>)
  return
}
