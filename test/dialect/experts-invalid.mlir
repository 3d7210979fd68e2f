// Verifier messages of the expert, patch and resampling ops, one per split.
// RUN: shodh-opt %s -split-input-file -verify-diagnostics

func.func @f(%x: tensor<2x6x4xf32>, %off: tensor<5xi64>, %w1: tensor<3x8x4xf32>, %b1: tensor<3x8xf32>, %w2: tensor<3x5x8xf32>, %b2: tensor<3x5xf32>) {
  // expected-error @+1 {{'shodh.expert_mlp' op w1 has 3 experts (dim 0) but offsets (E+1 entries) gives 4}}
  %y = shodh.expert_mlp %x, %off, %w1, %b1, %w2, %b2 : (tensor<2x6x4xf32>, tensor<5xi64>, tensor<3x8x4xf32>, tensor<3x8xf32>, tensor<3x5x8xf32>, tensor<3x5xf32>) -> tensor<2x6x5xf32>
  return
}

// -----

func.func @f(%x: tensor<2x6x4xf32>, %off: tensor<?xi64>, %w1: tensor<3x8x4xf32>, %b1: tensor<3x8xf32>, %w2: tensor<2x5x8xf32>, %b2: tensor<3x5xf32>) {
  // expected-error @+1 {{'shodh.expert_mlp' op w2 has 2 experts (dim 0) but w1 gives 3}}
  %y = shodh.expert_mlp %x, %off, %w1, %b1, %w2, %b2 : (tensor<2x6x4xf32>, tensor<?xi64>, tensor<3x8x4xf32>, tensor<3x8xf32>, tensor<2x5x8xf32>, tensor<3x5xf32>) -> tensor<2x6x5xf32>
  return
}

// -----

func.func @f(%x: tensor<2x6x4xf32>, %off: tensor<4xi32>, %w1: tensor<3x8x4xf32>, %b1: tensor<3x8xf32>, %w2: tensor<3x5x8xf32>, %b2: tensor<3x5xf32>) {
  // expected-error @+1 {{'shodh.expert_mlp' op offsets must be a 1-D tensor of i64 (E+1 group offsets from shodh.dispatch), got 'tensor<4xi32>'}}
  %y = shodh.expert_mlp %x, %off, %w1, %b1, %w2, %b2 : (tensor<2x6x4xf32>, tensor<4xi32>, tensor<3x8x4xf32>, tensor<3x8xf32>, tensor<3x5x8xf32>, tensor<3x5xf32>) -> tensor<2x6x5xf32>
  return
}

// -----

func.func @f(%x: tensor<2x6x7xf32>, %off: tensor<4xi64>, %w1: tensor<3x8x4xf32>, %b1: tensor<3x8xf32>, %w2: tensor<3x5x8xf32>, %b2: tensor<3x5xf32>) {
  // expected-error @+1 {{'shodh.expert_mlp' op w1 (E, H, F) dimension #2 is 4 but the tokens' feature size gives 7}}
  %y = shodh.expert_mlp %x, %off, %w1, %b1, %w2, %b2 : (tensor<2x6x7xf32>, tensor<4xi64>, tensor<3x8x4xf32>, tensor<3x8xf32>, tensor<3x5x8xf32>, tensor<3x5xf32>) -> tensor<2x6x5xf32>
  return
}

// -----

func.func @f(%x: tensor<2x6x4xf32>, %off: tensor<4xi64>, %w1: tensor<3x8x4xf32>, %b1: tensor<3x8xf32>, %w2: tensor<3x5x9xf32>, %b2: tensor<3x5xf32>) {
  // expected-error @+1 {{'shodh.expert_mlp' op w2 (E, G, H) dimension #2 is 9 but w1's hidden size gives 8}}
  %y = shodh.expert_mlp %x, %off, %w1, %b1, %w2, %b2 : (tensor<2x6x4xf32>, tensor<4xi64>, tensor<3x8x4xf32>, tensor<3x8xf32>, tensor<3x5x9xf32>, tensor<3x5xf32>) -> tensor<2x6x5xf32>
  return
}

// -----

func.func @f(%x: tensor<2x6xf32>, %off: tensor<4xi64>, %w1: tensor<3x8x4xf32>, %b1: tensor<3x8xf32>, %w2: tensor<3x5x8xf32>, %b2: tensor<3x5xf32>) {
  // expected-error @+1 {{'shodh.expert_mlp' op sorted tokens must be (B, R, F), got 'tensor<2x6xf32>'}}
  %y = shodh.expert_mlp %x, %off, %w1, %b1, %w2, %b2 : (tensor<2x6xf32>, tensor<4xi64>, tensor<3x8x4xf32>, tensor<3x8xf32>, tensor<3x5x8xf32>, tensor<3x5xf32>) -> tensor<2x6x5xf32>
  return
}

// -----

func.func @f(%x: tensor<2x6x4xf32>, %off: tensor<4xi64>, %w1: tensor<3x8x4xf32>, %b1: tensor<3x8xf32>, %w2: tensor<3x5x8xf32>, %dy: tensor<2x6x4xf32>) {
  // expected-error @+1 {{'shodh.expert_mlp_grad' op dy must match the forward result 'tensor<2x6x5xf32>', got 'tensor<2x6x4xf32>'}}
  %dx, %dw1, %db1, %dw2, %db2 = shodh.expert_mlp_grad %x, %off, %dy, %w1, %b1, %w2 : (tensor<2x6x4xf32>, tensor<4xi64>, tensor<2x6x4xf32>, tensor<3x8x4xf32>, tensor<3x8xf32>, tensor<3x5x8xf32>) -> (tensor<2x6x4xf32>, tensor<3x8x4xf32>, tensor<3x8xf32>, tensor<3x5x8xf32>, tensor<3x5xf32>)
  return
}

// -----

func.func @f(%x: tensor<2x4x3x16x16xf32>, %off: tensor<4xi64>, %ws: tensor<3x3x5x8x4xcomplex<f32>>, %wk: tensor<3x5x3xf32>, %bk: tensor<3x5xf32>) {
  // expected-error @+1 {{'shodh.expert_fno' op modes has 2 entries but offsets (E+1 entries) gives 3 experts}}
  %y = shodh.expert_fno %x, %off, %ws, %wk, %bk {modes = array<i64: 4, 4>} : (tensor<2x4x3x16x16xf32>, tensor<4xi64>, tensor<3x3x5x8x4xcomplex<f32>>, tensor<3x5x3xf32>, tensor<3x5xf32>) -> tensor<2x4x5x16x16xf32>
  return
}

// -----

func.func @f(%x: tensor<2x4x3x16x16xf32>, %off: tensor<4xi64>, %ws: tensor<3x3x5x18x9xcomplex<f32>>, %wk: tensor<3x5x3xf32>, %bk: tensor<3x5xf32>) {
  // expected-error @+1 {{'shodh.expert_fno' op modes up to 9 need 2*9 <= the patch size 16 on spatial axis 0}}
  %y = shodh.expert_fno %x, %off, %ws, %wk, %bk {modes = array<i64: 4, 9, 2>} : (tensor<2x4x3x16x16xf32>, tensor<4xi64>, tensor<3x3x5x18x9xcomplex<f32>>, tensor<3x5x3xf32>, tensor<3x5xf32>) -> tensor<2x4x5x16x16xf32>
  return
}

// -----

func.func @f(%x: tensor<2x4x3x32x8xf32>, %off: tensor<4xi64>, %ws: tensor<3x3x5x12x6xcomplex<f32>>, %wk: tensor<3x5x3xf32>, %bk: tensor<3x5xf32>) {
  // expected-error @+1 {{'shodh.expert_fno' op modes up to 6 need 6 <= 8/2+1 = 5 on the last spatial axis (1)}}
  %y = shodh.expert_fno %x, %off, %ws, %wk, %bk {modes = array<i64: 4, 6, 2>} : (tensor<2x4x3x32x8xf32>, tensor<4xi64>, tensor<3x3x5x12x6xcomplex<f32>>, tensor<3x5x3xf32>, tensor<3x5xf32>) -> tensor<2x4x5x32x8xf32>
  return
}

// -----

func.func @f(%x: tensor<2x4x3x16x16xf32>, %off: tensor<4xi64>, %ws: tensor<3x3x5x8x4xcomplex<f32>>, %wk: tensor<3x5x3xf32>, %bk: tensor<3x5xf32>) {
  // expected-error @+1 {{'shodh.expert_fno' op wspec (E, C, O, modes...) dimension #3 is 8 but the largest mode count gives 4}}
  %y = shodh.expert_fno %x, %off, %ws, %wk, %bk {modes = array<i64: 1, 2, 2>} : (tensor<2x4x3x16x16xf32>, tensor<4xi64>, tensor<3x3x5x8x4xcomplex<f32>>, tensor<3x5x3xf32>, tensor<3x5xf32>) -> tensor<2x4x5x16x16xf32>
  return
}

// -----

func.func @f(%x: tensor<2x4x3x16x16xf32>, %off: tensor<4xi64>, %ws: tensor<3x3x5x8x4xcomplex<f32>>, %wk: tensor<3x5x3xf32>, %bk: tensor<3x5xf32>) {
  // expected-error @+1 {{'shodh.expert_fno' op modes[1] must be positive, got 0}}
  %y = shodh.expert_fno %x, %off, %ws, %wk, %bk {modes = array<i64: 4, 0, 2>} : (tensor<2x4x3x16x16xf32>, tensor<4xi64>, tensor<3x3x5x8x4xcomplex<f32>>, tensor<3x5x3xf32>, tensor<3x5xf32>) -> tensor<2x4x5x16x16xf32>
  return
}

// -----

func.func @f(%x: tensor<2x4x3x16x16xf32>, %off: tensor<4xi64>, %ws: tensor<3x3x5x8x4xf32>, %wk: tensor<3x5x3xf32>, %bk: tensor<3x5xf32>) {
  // expected-error @+1 {{'shodh.expert_fno' op wspec must be a ranked tensor of 'complex<f32>', got 'tensor<3x3x5x8x4xf32>'}}
  %y = shodh.expert_fno %x, %off, %ws, %wk, %bk {modes = array<i64: 4, 4, 2>} : (tensor<2x4x3x16x16xf32>, tensor<4xi64>, tensor<3x3x5x8x4xf32>, tensor<3x5x3xf32>, tensor<3x5xf32>) -> tensor<2x4x5x16x16xf32>
  return
}

// -----

func.func @f(%x: tensor<2x4x3x16x16xf32>, %off: tensor<4xi64>, %ws: tensor<3x3x5x8x4xcomplex<f32>>, %wk: tensor<3x5x2xf32>, %bk: tensor<3x5xf32>) {
  // expected-error @+1 {{'shodh.expert_fno' op wskip (E, O, C) dimension #2 is 2 but the tokens' channel count gives 3}}
  %y = shodh.expert_fno %x, %off, %ws, %wk, %bk {modes = array<i64: 4, 4, 2>} : (tensor<2x4x3x16x16xf32>, tensor<4xi64>, tensor<3x3x5x8x4xcomplex<f32>>, tensor<3x5x2xf32>, tensor<3x5xf32>) -> tensor<2x4x5x16x16xf32>
  return
}

// -----

func.func @f(%x: tensor<2x3x16x12xf32>) {
  // expected-error @+1 {{'shodh.patchify' op patch size 8 does not divide the grid size 12 on spatial axis 1}}
  %t = shodh.patchify %x {patch = array<i64: 4, 8>} : (tensor<2x3x16x12xf32>) -> tensor<2x6x3x4x8xf32>
  return
}

// -----

func.func @f(%x: tensor<2x3x16x12xf32>) {
  // expected-error @+1 {{'shodh.patchify' op input must have rank 5 (B, C and 3 spatial axes) for 3 patch sizes, got 'tensor<2x3x16x12xf32>'}}
  %t = shodh.patchify %x {patch = array<i64: 4, 4, 4>} : (tensor<2x3x16x12xf32>) -> tensor<2x6x3x4x4x4xf32>
  return
}

// -----

func.func @f(%x: tensor<2x3x16x12xf32>) {
  // expected-error @+1 {{'shodh.patchify' op patch must have 2 or 3 entries (2-D or 3-D), got 1}}
  %t = shodh.patchify %x {patch = array<i64: 4>} : (tensor<2x3x16x12xf32>) -> tensor<2x4x3x4xf32>
  return
}

// -----

func.func @f(%t: tensor<2x6x3x4x4xf32>) {
  // expected-error @+1 {{'shodh.unpatchify' op patch size 4 does not divide the grid size 10 on spatial axis 1}}
  %x = shodh.unpatchify %t {grid = array<i64: 16, 10>} : (tensor<2x6x3x4x4xf32>) -> tensor<2x3x16x10xf32>
  return
}

// -----

func.func @f(%t: tensor<2x6x3x4x4xf32>) {
  // expected-error @+1 {{'shodh.unpatchify' op input has 6 patches but the grid holds 8}}
  %x = shodh.unpatchify %t {grid = array<i64: 16, 8>} : (tensor<2x6x3x4x4xf32>) -> tensor<2x3x16x8xf32>
  return
}

// -----

func.func @f(%x: tensor<2x3x16x12xf32>) {
  // expected-error @+1 {{'shodh.interpolate' op mode must be "linear", got "nearest"}}
  %y = shodh.interpolate %x {size = array<i64: 8, 8>, mode = "nearest"} : (tensor<2x3x16x12xf32>) -> tensor<2x3x8x8xf32>
  return
}

// -----

func.func @f(%x: tensor<16x12xf32>) {
  // expected-error @+1 {{'shodh.interpolate' op input must have more than 2 dimensions (leading axes and the resampled ones), got 'tensor<16x12xf32>'}}
  %y = shodh.interpolate %x {size = array<i64: 8, 8>} : (tensor<16x12xf32>) -> tensor<8x8xf32>
  return
}

// -----

func.func @f(%x: tensor<2x3x16x12xf32>) {
  // expected-error @+1 {{'shodh.interpolate' op size[1] must be positive, got 0}}
  %y = shodh.interpolate %x {size = array<i64: 8, 0>} : (tensor<2x3x16x12xf32>) -> tensor<2x3x8x0xf32>
  return
}

// -----

func.func @f(%x: tensor<2x3x16x12xf32>) {
  // expected-error @+1 {{'shodh.interpolate' op result type 'tensor<2x3x8x9xf32>' is incompatible with the inferred type 'tensor<2x3x8x8xf32>'}}
  %y = shodh.interpolate %x {size = array<i64: 8, 8>} : (tensor<2x3x16x12xf32>) -> tensor<2x3x8x9xf32>
  return
}

// -----

func.func @f(%t: tensor<2x4x3xf32>, %ids: tensor<2x4x2xi64>, %g: tensor<2x4x2xf32>, %w1: tensor<3x5x3xf32>, %b1: tensor<3x5xf32>, %w2: tensor<3x3x5xf32>, %b2: tensor<3x3xf32>) {
  // expected-error @+1 {{'shodh.moe' op expert must be "mlp" or "fno", got "conv"}}
  %y = shodh.moe %t, %ids, %g, %w1, %b1, %w2, %b2 {expert = "conv", num_experts = 3 : i64} : (tensor<2x4x3xf32>, tensor<2x4x2xi64>, tensor<2x4x2xf32>, tensor<3x5x3xf32>, tensor<3x5xf32>, tensor<3x3x5xf32>, tensor<3x3xf32>) -> tensor<2x4x3xf32>
  return
}

// -----

func.func @f(%t: tensor<2x4x3xf32>, %ids: tensor<2x4x2xi64>, %g: tensor<2x4x2xf32>, %w1: tensor<3x5x3xf32>, %b1: tensor<3x5xf32>, %w2: tensor<3x3x5xf32>) {
  // expected-error @+1 {{'shodh.moe' op expert "mlp" takes 4 parameters (w1, b1, w2, b2), got 3}}
  %y = shodh.moe %t, %ids, %g, %w1, %b1, %w2 {expert = "mlp", num_experts = 3 : i64} : (tensor<2x4x3xf32>, tensor<2x4x2xi64>, tensor<2x4x2xf32>, tensor<3x5x3xf32>, tensor<3x5xf32>, tensor<3x3x5xf32>) -> tensor<2x4x3xf32>
  return
}

// -----

func.func @f(%t: tensor<2x4x3xf32>, %ids: tensor<2x4x2xi64>, %g: tensor<2x4x2xf32>, %w1: tensor<3x5x3xf32>, %b1: tensor<3x5xf32>, %w2: tensor<3x3x5xf32>, %b2: tensor<3x3xf32>) {
  // expected-error @+1 {{'shodh.moe' op w1 has 3 experts (dim 0) but num_experts is 4}}
  %y = shodh.moe %t, %ids, %g, %w1, %b1, %w2, %b2 {expert = "mlp", num_experts = 4 : i64} : (tensor<2x4x3xf32>, tensor<2x4x2xi64>, tensor<2x4x2xf32>, tensor<3x5x3xf32>, tensor<3x5xf32>, tensor<3x3x5xf32>, tensor<3x3xf32>) -> tensor<2x4x3xf32>
  return
}

// -----

func.func @f(%t: tensor<2x4x3xf32>, %ids: tensor<2x4x2xi64>, %g: tensor<2x4x1xf32>, %w1: tensor<3x5x3xf32>, %b1: tensor<3x5xf32>, %w2: tensor<3x3x5xf32>, %b2: tensor<3x3xf32>) {
  // expected-error @+1 {{'shodh.moe' op gates must be f32 of the experts' shape 'tensor<2x4x2xi64>', got 'tensor<2x4x1xf32>'}}
  %y = shodh.moe %t, %ids, %g, %w1, %b1, %w2, %b2 {expert = "mlp", num_experts = 3 : i64} : (tensor<2x4x3xf32>, tensor<2x4x2xi64>, tensor<2x4x1xf32>, tensor<3x5x3xf32>, tensor<3x5xf32>, tensor<3x3x5xf32>, tensor<3x3xf32>) -> tensor<2x4x3xf32>
  return
}

// -----

func.func @f(%x: tensor<2x8x3x4x4xf32>) {
  // expected-error @+1 {{'shodh.reshape' op shape holds 96 elements per sample but the input 'tensor<2x8x3x4x4xf32>' holds 384}}
  %r = shodh.reshape %x {shape = array<i64: 8, 12>} : (tensor<2x8x3x4x4xf32>) -> tensor<2x8x12xf32>
  return
}

// -----

func.func @f(%x: tensor<2x8x48xf32>) {
  // expected-error @+1 {{'shodh.reshape' op shape[1] must be positive, got 0}}
  %r = shodh.reshape %x {shape = array<i64: 8, 0>} : (tensor<2x8x48xf32>) -> tensor<2x8x0xf32>
  return
}

// -----

func.func @f(%x: tensor<2x8x48xi64>) {
  // expected-error @+1 {{'shodh.reshape' op input must be a ranked tensor of f32, got 'tensor<2x8x48xi64>'}}
  %r = shodh.reshape %x {shape = array<i64: 384>} : (tensor<2x8x48xi64>) -> tensor<2x384xi64>
  return
}

// -----

func.func @f(%x: tensor<2xf32>) {
  // expected-error @+1 {{'shodh.reshape' op input must have the batch axis and at least one more, got 'tensor<2xf32>'}}
  %r = shodh.reshape %x {shape = array<i64: 1>} : (tensor<2xf32>) -> tensor<2x1xf32>
  return
}

// -----

func.func @f(%t: tensor<2x4x3xf32>, %ids: tensor<2x4x2xi64>, %g: tensor<2x4x2xf32>, %w1: tensor<3x5x3xf32>, %b1: tensor<3x5xf32>, %w2: tensor<3x3x5xf32>, %b2: tensor<3x3xf32>) {
  // expected-error @+1 {{'shodh.moe' op num_experts must be positive, got 0}}
  %y = shodh.moe %t, %ids, %g, %w1, %b1, %w2, %b2 {expert = "mlp", num_experts = 0 : i64} : (tensor<2x4x3xf32>, tensor<2x4x2xi64>, tensor<2x4x2xf32>, tensor<3x5x3xf32>, tensor<3x5xf32>, tensor<3x3x5xf32>, tensor<3x3xf32>) -> tensor<2x4x3xf32>
  return
}

// -----

func.func @f(%t: tensor<2x4x3xf32>, %ids: tensor<2x4x2xi32>, %g: tensor<2x4x2xf32>, %w1: tensor<3x5x3xf32>, %b1: tensor<3x5xf32>, %w2: tensor<3x3x5xf32>, %b2: tensor<3x3xf32>) {
  // expected-error @+1 {{'shodh.moe' op experts must be (B, T, k) i64, got 'tensor<2x4x2xi32>'}}
  %y = shodh.moe %t, %ids, %g, %w1, %b1, %w2, %b2 {expert = "mlp", num_experts = 3 : i64} : (tensor<2x4x3xf32>, tensor<2x4x2xi32>, tensor<2x4x2xf32>, tensor<3x5x3xf32>, tensor<3x5xf32>, tensor<3x3x5xf32>, tensor<3x3xf32>) -> tensor<2x4x3xf32>
  return
}

// -----

func.func @f(%t: tensor<2x4x3xf64>, %ids: tensor<2x4x2xi64>, %g: tensor<2x4x2xf32>, %w1: tensor<3x5x3xf32>, %b1: tensor<3x5xf32>, %w2: tensor<3x3x5xf32>, %b2: tensor<3x3xf32>) {
  // expected-error @+1 {{'shodh.moe' op tokens must be (B, T, F...) f32, got 'tensor<2x4x3xf64>'}}
  %y = shodh.moe %t, %ids, %g, %w1, %b1, %w2, %b2 {expert = "mlp", num_experts = 3 : i64} : (tensor<2x4x3xf64>, tensor<2x4x2xi64>, tensor<2x4x2xf32>, tensor<3x5x3xf32>, tensor<3x5xf32>, tensor<3x3x5xf32>, tensor<3x3xf32>) -> tensor<2x4x3xf32>
  return
}

// -----

func.func @f(%t: tensor<2x4x3xf32>, %ids: tensor<3x4x2xi64>, %g: tensor<3x4x2xf32>, %w1: tensor<3x5x3xf32>, %b1: tensor<3x5xf32>, %w2: tensor<3x3x5xf32>, %b2: tensor<3x3xf32>) {
  // expected-error @+1 {{'shodh.moe' op experts dimension #0 is 3 but the tokens have 2}}
  %y = shodh.moe %t, %ids, %g, %w1, %b1, %w2, %b2 {expert = "mlp", num_experts = 3 : i64} : (tensor<2x4x3xf32>, tensor<3x4x2xi64>, tensor<3x4x2xf32>, tensor<3x5x3xf32>, tensor<3x5xf32>, tensor<3x3x5xf32>, tensor<3x3xf32>) -> tensor<2x4x3xf32>
  return
}

// -----

func.func @f(%t: tensor<2x4x3x8x8xf32>, %ids: tensor<2x4x2xi64>, %g: tensor<2x4x2xf32>, %ws: tensor<3x3x5x4x4xcomplex<f32>>, %wk: tensor<3x5x3xf32>) {
  // expected-error @+1 {{'shodh.moe' op expert "fno" takes 3 parameters (wspec, wskip, bskip), got 2}}
  %y = shodh.moe %t, %ids, %g, %ws, %wk {expert = "fno", num_experts = 3 : i64, modes = array<i64: 4, 4, 4>} : (tensor<2x4x3x8x8xf32>, tensor<2x4x2xi64>, tensor<2x4x2xf32>, tensor<3x3x5x4x4xcomplex<f32>>, tensor<3x5x3xf32>) -> tensor<2x4x5x8x8xf32>
  return
}

// -----

func.func @f(%t: tensor<2x4x3x8x8xf32>, %ids: tensor<2x4x2xi64>, %g: tensor<2x4x2xf32>, %ws: tensor<3x3x5x4x4xcomplex<f32>>, %wk: tensor<3x5x3xf32>, %bk: tensor<3x5xf32>) {
  // expected-error @+1 {{'shodh.moe' op expert "fno" needs the attribute 'modes' (one mode count per expert)}}
  %y = shodh.moe %t, %ids, %g, %ws, %wk, %bk {expert = "fno", num_experts = 3 : i64} : (tensor<2x4x3x8x8xf32>, tensor<2x4x2xi64>, tensor<2x4x2xf32>, tensor<3x3x5x4x4xcomplex<f32>>, tensor<3x5x3xf32>, tensor<3x5xf32>) -> tensor<2x4x5x8x8xf32>
  return
}

// -----

func.func @f(%t: tensor<2x4x3x8x8xf32>, %ids: tensor<2x4x2xi64>, %g: tensor<2x4x2xf32>, %ws: tensor<3x3x5x4x4xcomplex<f32>>, %wk: tensor<3x5x3xf32>, %bk: tensor<3x5xf32>) {
  // expected-error @+1 {{'shodh.moe' op wspec has 3 experts (dim 0) but num_experts is 2}}
  %y = shodh.moe %t, %ids, %g, %ws, %wk, %bk {expert = "fno", num_experts = 2 : i64, modes = array<i64: 4, 4>} : (tensor<2x4x3x8x8xf32>, tensor<2x4x2xi64>, tensor<2x4x2xf32>, tensor<3x3x5x4x4xcomplex<f32>>, tensor<3x5x3xf32>, tensor<3x5xf32>) -> tensor<2x4x5x8x8xf32>
  return
}
