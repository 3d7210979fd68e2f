// Every verifier message of attention, attention_heads and
// attention_heads_grad, one per split.
// RUN: shodh-opt %s -split-input-file -verify-diagnostics

func.func @f(%x: tensor<2x8x6xf64>, %w: tensor<18x6xf32>, %b: tensor<18xf32>, %wo: tensor<6x6xf32>, %bo: tensor<6xf32>) -> tensor<2x8x6xf64> {
  // expected-error @+1 {{'shodh.attention' op input must be an f32 tensor [B, T, C] with a static channel size, got 'tensor<2x8x6xf64>'}}
  %y = shodh.attention %x, %w, %b, %wo, %bo {heads = 2 : i64} : (tensor<2x8x6xf64>, tensor<18x6xf32>, tensor<18xf32>, tensor<6x6xf32>, tensor<6xf32>) -> tensor<2x8x6xf64>
  return %y : tensor<2x8x6xf64>
}

// -----

func.func @f(%x: tensor<2x8x?xf32>, %w: tensor<18x6xf32>, %b: tensor<18xf32>, %wo: tensor<6x6xf32>, %bo: tensor<6xf32>) -> tensor<2x8x?xf32> {
  // An unknown C (before shape inference) is accepted, but heads is checked.
  // expected-error @+1 {{'shodh.attention' op heads must be positive, got 0}}
  %y = shodh.attention %x, %w, %b, %wo, %bo {heads = 0 : i64} : (tensor<2x8x?xf32>, tensor<18x6xf32>, tensor<18xf32>, tensor<6x6xf32>, tensor<6xf32>) -> tensor<2x8x?xf32>
  return %y : tensor<2x8x?xf32>
}

// -----

func.func @f(%x: tensor<2x8x6xf32>, %w: tensor<18x6xf32>, %b: tensor<18xf32>, %wo: tensor<6x6xf32>, %bo: tensor<6xf32>) -> tensor<2x8x6xf32> {
  // expected-error @+1 {{'shodh.attention' op the channel size C = 6 must be divisible by heads = 4}}
  %y = shodh.attention %x, %w, %b, %wo, %bo {heads = 4 : i64} : (tensor<2x8x6xf32>, tensor<18x6xf32>, tensor<18xf32>, tensor<6x6xf32>, tensor<6xf32>) -> tensor<2x8x6xf32>
  return %y : tensor<2x8x6xf32>
}

// -----

func.func @f(%x: tensor<2x8x6xf32>, %w: tensor<18x6xf32>, %b: tensor<18xf32>, %wo: tensor<6x6xf32>, %bo: tensor<6xf32>) -> tensor<2x8x6xf32> {
  // expected-error @+1 {{'shodh.attention' op heads must be positive, got 0}}
  %y = shodh.attention %x, %w, %b, %wo, %bo {heads = 0 : i64} : (tensor<2x8x6xf32>, tensor<18x6xf32>, tensor<18xf32>, tensor<6x6xf32>, tensor<6xf32>) -> tensor<2x8x6xf32>
  return %y : tensor<2x8x6xf32>
}

// -----

func.func @f(%x: tensor<2x8x0xf32>, %w: tensor<0x0xf32>, %b: tensor<0xf32>, %wo: tensor<0x0xf32>, %bo: tensor<0xf32>) -> tensor<2x8x0xf32> {
  // expected-error @+1 {{'shodh.attention' op the channel size C must be positive, got 0}}
  %y = shodh.attention %x, %w, %b, %wo, %bo {heads = 1 : i64} : (tensor<2x8x0xf32>, tensor<0x0xf32>, tensor<0xf32>, tensor<0x0xf32>, tensor<0xf32>) -> tensor<2x8x0xf32>
  return %y : tensor<2x8x0xf32>
}

// -----

func.func @f(%x: tensor<2x8x6xf32>, %w: tensor<6x18xf32>, %b: tensor<18xf32>, %wo: tensor<6x6xf32>, %bo: tensor<6xf32>) -> tensor<2x8x6xf32> {
  // expected-error @+1 {{'shodh.attention' op wqkv must be an f32 tensor [3C, C] = [18x6], got 'tensor<6x18xf32>'}}
  %y = shodh.attention %x, %w, %b, %wo, %bo {heads = 2 : i64} : (tensor<2x8x6xf32>, tensor<6x18xf32>, tensor<18xf32>, tensor<6x6xf32>, tensor<6xf32>) -> tensor<2x8x6xf32>
  return %y : tensor<2x8x6xf32>
}

// -----

func.func @f(%x: tensor<2x8x6xf32>, %w: tensor<18x6xf32>, %b: tensor<6xf32>, %wo: tensor<6x6xf32>, %bo: tensor<6xf32>) -> tensor<2x8x6xf32> {
  // expected-error @+1 {{'shodh.attention' op bqkv must be an f32 tensor [3C] = [18], got 'tensor<6xf32>'}}
  %y = shodh.attention %x, %w, %b, %wo, %bo {heads = 2 : i64} : (tensor<2x8x6xf32>, tensor<18x6xf32>, tensor<6xf32>, tensor<6x6xf32>, tensor<6xf32>) -> tensor<2x8x6xf32>
  return %y : tensor<2x8x6xf32>
}

// -----

func.func @f(%x: tensor<2x8x6xf32>, %w: tensor<18x6xf32>, %b: tensor<18xf32>, %wo: tensor<6x5xf32>, %bo: tensor<6xf32>) -> tensor<2x8x6xf32> {
  // expected-error @+1 {{'shodh.attention' op wo must be an f32 tensor [C, C] = [6x6], got 'tensor<6x5xf32>'}}
  %y = shodh.attention %x, %w, %b, %wo, %bo {heads = 2 : i64} : (tensor<2x8x6xf32>, tensor<18x6xf32>, tensor<18xf32>, tensor<6x5xf32>, tensor<6xf32>) -> tensor<2x8x6xf32>
  return %y : tensor<2x8x6xf32>
}

// -----

func.func @f(%x: tensor<2x8x6xf32>, %w: tensor<18x6xf32>, %b: tensor<18xf32>, %wo: tensor<6x6xf32>, %bo: tensor<6xf16>) -> tensor<2x8x6xf32> {
  // expected-error @+1 {{'shodh.attention' op bo must be an f32 tensor [C] = [6], got 'tensor<6xf16>'}}
  %y = shodh.attention %x, %w, %b, %wo, %bo {heads = 2 : i64} : (tensor<2x8x6xf32>, tensor<18x6xf32>, tensor<18xf32>, tensor<6x6xf32>, tensor<6xf16>) -> tensor<2x8x6xf32>
  return %y : tensor<2x8x6xf32>
}

// -----

func.func @f(%x: tensor<2x8x6xf32>, %w: tensor<18x6xf32>, %b: tensor<18xf32>, %wo: tensor<6x6xf32>, %bo: tensor<6xf32>) -> tensor<2x8x5xf32> {
  // expected-error @+1 {{'shodh.attention' op result type 'tensor<2x8x5xf32>' is incompatible with the inferred type 'tensor<2x8x6xf32>'}}
  %y = shodh.attention %x, %w, %b, %wo, %bo {heads = 2 : i64} : (tensor<2x8x6xf32>, tensor<18x6xf32>, tensor<18xf32>, tensor<6x6xf32>, tensor<6xf32>) -> tensor<2x8x5xf32>
  return %y : tensor<2x8x5xf32>
}

// -----

func.func @f(%q: tensor<2x8x17xf32>) -> tensor<2x8x5xf32> {
  // expected-error @+1 {{'shodh.attention_heads' op qkv's last size 17 must be 3C (q, k and v side by side)}}
  %o = shodh.attention_heads %q {heads = 1 : i64} : (tensor<2x8x17xf32>) -> tensor<2x8x5xf32>
  return %o : tensor<2x8x5xf32>
}

// -----

func.func @f(%q: tensor<2x8xf32>) -> tensor<2x8xf32> {
  // expected-error @+1 {{'shodh.attention_heads' op qkv must be an f32 tensor [B, T, C] with a static channel size, got 'tensor<2x8xf32>'}}
  %o = shodh.attention_heads %q {heads = 1 : i64} : (tensor<2x8xf32>) -> tensor<2x8xf32>
  return %o : tensor<2x8xf32>
}

// -----

func.func @f(%q: tensor<2x8x18xf32>) -> tensor<2x8x6xf32> {
  // expected-error @+1 {{'shodh.attention_heads' op the channel size C = 6 must be divisible by heads = 5}}
  %o = shodh.attention_heads %q {heads = 5 : i64} : (tensor<2x8x18xf32>) -> tensor<2x8x6xf32>
  return %o : tensor<2x8x6xf32>
}

// -----

func.func @f(%q: tensor<2x8x18xf32>, %dy: tensor<2x9x6xf32>) -> tensor<2x8x18xf32> {
  // expected-error @+1 {{'shodh.attention_heads_grad' op dy must have the forward result's type 'tensor<2x8x6xf32>', got 'tensor<2x9x6xf32>'}}
  %d = shodh.attention_heads_grad %q, %dy {heads = 2 : i64} : (tensor<2x8x18xf32>, tensor<2x9x6xf32>) -> tensor<2x8x18xf32>
  return %d : tensor<2x8x18xf32>
}

// -----

func.func @f(%q: tensor<2x8x18xf32>, %dy: tensor<2x8x6xf32>) -> tensor<2x8x18xf32> {
  // expected-error @+1 {{'shodh.attention_heads_grad' op heads must be positive, got -1}}
  %d = shodh.attention_heads_grad %q, %dy {heads = -1 : i64} : (tensor<2x8x18xf32>, tensor<2x8x6xf32>) -> tensor<2x8x18xf32>
  return %d : tensor<2x8x18xf32>
}
