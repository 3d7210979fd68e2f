// Every verifier message of the routing ops, one per split.
// RUN: shodh-opt %s -split-input-file -verify-diagnostics

func.func @f(%t: tensor<?x8xf32>, %w: tensor<4x8xf32>) {
  // expected-error @+1 {{'shodh.router' op tokens must have rank 3, got 'tensor<?x8xf32>'}}
  %l, %p = shodh.router %t, %w : (tensor<?x8xf32>, tensor<4x8xf32>) -> (tensor<?x4xf32>, tensor<?x4xf32>)
  return
}

// -----

func.func @f(%t: tensor<?x16x8xf64>, %w: tensor<4x8xf32>) {
  // expected-error @+1 {{'shodh.router' op tokens must be a ranked tensor of f32, got 'tensor<?x16x8xf64>'}}
  %l, %p = shodh.router %t, %w : (tensor<?x16x8xf64>, tensor<4x8xf32>) -> (tensor<?x16x4xf32>, tensor<?x16x4xf32>)
  return
}

// -----

func.func @f(%t: tensor<?x16x8xf32>, %w: tensor<4x6xf32>) {
  // expected-error @+1 {{'shodh.router' op tokens have 8 features but the weight expects 6}}
  %l, %p = shodh.router %t, %w : (tensor<?x16x8xf32>, tensor<4x6xf32>) -> (tensor<?x16x4xf32>, tensor<?x16x4xf32>)
  return
}

// -----

func.func @f(%t: tensor<?x16x8xf32>, %w: tensor<4x8xf32>, %b: tensor<3xf32>) {
  // expected-error @+1 {{'shodh.router' op bias has 3 elements but the weight has 4 experts}}
  %l, %p = shodh.router %t, %w, %b : (tensor<?x16x8xf32>, tensor<4x8xf32>, tensor<3xf32>) -> (tensor<?x16x4xf32>, tensor<?x16x4xf32>)
  return
}

// -----

func.func @f(%t: tensor<?x16x8xf32>, %w: tensor<4x8xf32>) {
  // expected-error @+1 {{'shodh.router' op temperature must be a finite number > 0, got 0}}
  %l, %p = shodh.router %t, %w {temperature = 0.0 : f64} : (tensor<?x16x8xf32>, tensor<4x8xf32>) -> (tensor<?x16x4xf32>, tensor<?x16x4xf32>)
  return
}

// -----

func.func @f(%t: tensor<?x16x8xf32>, %w: tensor<4x8xf32>) {
  // expected-error @+1 {{'shodh.router' op result type}}
  %l, %p = shodh.router %t, %w : (tensor<?x16x8xf32>, tensor<4x8xf32>) -> (tensor<?x16x5xf32>, tensor<?x16x5xf32>)
  return
}

// -----

func.func @f(%x: tensor<?x16x8x8xf32>) {
  // expected-error @+1 {{'shodh.spectral_energy' op patches must have rank >= 5, got 'tensor<?x16x8x8xf32>'}}
  %e = shodh.spectral_energy %x {bands = 4 : i64} : (tensor<?x16x8x8xf32>) -> tensor<?x16x4xf32>
  return
}

// -----

func.func @f(%x: tensor<?x16x1x2x2x2x2xf32>) {
  // expected-error @+1 {{'shodh.spectral_energy' op patches must have rank 5 (B, T, C, h, w) or 6 (B, T, C, d, h, w)}}
  %e = shodh.spectral_energy %x {bands = 4 : i64} : (tensor<?x16x1x2x2x2x2xf32>) -> tensor<?x16x4xf32>
  return
}

// -----

func.func @f(%x: tensor<?x16x1x8x8xf32>) {
  // expected-error @+1 {{'shodh.spectral_energy' op bands must be at least 1, got 0}}
  %e = shodh.spectral_energy %x {bands = 0 : i64} : (tensor<?x16x1x8x8xf32>) -> tensor<?x16x0xf32>
  return
}

// -----

func.func @f(%x: tensor<?x16x1x8x8xf32>) {
  // expected-error @+1 {{'shodh.spectral_energy' op bands must be at least 1, got -2}}
  %e = shodh.spectral_energy %x {bands = -2 : i64} : (tensor<?x16x1x8x8xf32>) -> tensor<?x16x4xf32>
  return
}

// -----

func.func @f(%p: tensor<?x16x4xf32>) {
  // expected-error @+1 {{'shodh.top_k' op k = 5 exceeds the 4 experts of probs}}
  %g, %e = shodh.top_k %p {k = 5 : i64} : (tensor<?x16x4xf32>) -> (tensor<?x16x5xf32>, tensor<?x16x5xi64>)
  return
}

// -----

func.func @f(%p: tensor<?x16x4xf32>) {
  // expected-error @+1 {{'shodh.top_k' op k must be at least 1, got 0}}
  %g, %e = shodh.top_k %p {k = 0 : i64} : (tensor<?x16x4xf32>) -> (tensor<?x16x0xf32>, tensor<?x16x0xi64>)
  return
}

// -----

func.func @f(%p: tensor<?x16x4xf32>) {
  // expected-error @+1 {{'shodh.top_k' op k = 1 with renormalize = true makes the gate the constant 1, so the router would get no gradient; use renormalize = false for top-1 routing}}
  %g, %e = shodh.top_k %p {k = 1 : i64} : (tensor<?x16x4xf32>) -> (tensor<?x16x1xf32>, tensor<?x16x1xi64>)
  return
}

// -----

func.func @f(%p: tensor<?x16x4xf32>) {
  // expected-error @+1 {{'shodh.top_k' op result type}}
  %g, %e = shodh.top_k %p {k = 2 : i64} : (tensor<?x16x4xf32>) -> (tensor<?x16x2xf32>, tensor<?x16x2xi32>)
  return
}

// -----

func.func @f(%t: tensor<?x16x8xf32>, %e: tensor<?x16x2xf32>) {
  // expected-error @+1 {{'shodh.dispatch' op experts must be a ranked tensor of i64, got 'tensor<?x16x2xf32>'}}
  %s, %o, %src = shodh.dispatch %t, %e {num_experts = 4 : i64} : (tensor<?x16x8xf32>, tensor<?x16x2xf32>) -> (tensor<?x32x8xf32>, tensor<5xi64>, tensor<?x32xi64>)
  return
}

// -----

func.func @f(%t: tensor<?x16x8xf32>, %e: tensor<?x8x2xi64>) {
  // expected-error @+1 {{'shodh.dispatch' op tokens has tokens 16 (dim 1) but experts has 8}}
  %s, %o, %src = shodh.dispatch %t, %e {num_experts = 4 : i64} : (tensor<?x16x8xf32>, tensor<?x8x2xi64>) -> (tensor<?x16x8xf32>, tensor<5xi64>, tensor<?x16xi64>)
  return
}

// -----

func.func @f(%t: tensor<?x16x8xf32>, %e: tensor<?x16x2xi64>) {
  // expected-error @+1 {{'shodh.dispatch' op num_experts must be at least 1, got 0}}
  %s, %o, %src = shodh.dispatch %t, %e {num_experts = 0 : i64} : (tensor<?x16x8xf32>, tensor<?x16x2xi64>) -> (tensor<?x32x8xf32>, tensor<1xi64>, tensor<?x32xi64>)
  return
}

// -----

func.func @f(%t: tensor<?x16x8xf32>, %e: tensor<?x16x2xi64>) {
  // expected-error @+1 {{'shodh.dispatch' op capacity_factor must be a finite number >= 0, got -1}}
  %s, %o, %src = shodh.dispatch %t, %e {num_experts = 4 : i64, capacity_factor = -1.0 : f64} : (tensor<?x16x8xf32>, tensor<?x16x2xi64>) -> (tensor<?x32x8xf32>, tensor<5xi64>, tensor<?x32xi64>)
  return
}

// -----

func.func @f(%t: tensor<?x16x8xf32>, %e: tensor<?x16x2xi64>) {
  // expected-error @+1 {{'shodh.dispatch' op result type}}
  %s, %o, %src = shodh.dispatch %t, %e {num_experts = 4 : i64} : (tensor<?x16x8xf32>, tensor<?x16x2xi64>) -> (tensor<?x32x8xf32>, tensor<4xi64>, tensor<?x32xi64>)
  return
}

// -----

func.func @f(%o: tensor<?x24x8xf32>, %g: tensor<?x16x2xf32>, %s: tensor<?x24xi64>, %off: tensor<5xi64>) {
  // expected-error @+1 {{'shodh.combine' op gates hold 32 slots per sample (T·k) but out has 24 rows}}
  %y = shodh.combine %o, %g, %s, %off : (tensor<?x24x8xf32>, tensor<?x16x2xf32>, tensor<?x24xi64>, tensor<5xi64>) -> tensor<?x16x8xf32>
  return
}

// -----

func.func @f(%o: tensor<?x32x8xf32>, %g: tensor<?x16x2xf32>, %s: tensor<?x16xi64>, %off: tensor<5xi64>) {
  // expected-error @+1 {{'shodh.combine' op source has rows 16 (dim 1) but out has 32}}
  %y = shodh.combine %o, %g, %s, %off : (tensor<?x32x8xf32>, tensor<?x16x2xf32>, tensor<?x16xi64>, tensor<5xi64>) -> tensor<?x16x8xf32>
  return
}

// -----

func.func @f(%o: tensor<?x32x8xf32>, %g: tensor<?x16x2xf32>, %s: tensor<?x32xi64>, %off: tensor<5x1xi64>) {
  // expected-error @+1 {{'shodh.combine' op offsets must have rank 1, got 'tensor<5x1xi64>'}}
  %y = shodh.combine %o, %g, %s, %off : (tensor<?x32x8xf32>, tensor<?x16x2xf32>, tensor<?x32xi64>, tensor<5x1xi64>) -> tensor<?x16x8xf32>
  return
}

// -----

func.func @f(%p: tensor<?x16x4xf32>, %e: tensor<?x8x2xi64>) {
  // expected-error @+1 {{'shodh.load_balance_loss' op probs has tokens 16 (dim 1) but experts has 8}}
  %l = shodh.load_balance_loss %p, %e : (tensor<?x16x4xf32>, tensor<?x8x2xi64>) -> tensor<1xf32>
  return
}

// -----

func.func @f(%z: tensor<?x4xf32>) {
  // expected-error @+1 {{'shodh.router_z_loss' op logits must have rank 3, got 'tensor<?x4xf32>'}}
  %l = shodh.router_z_loss %z : (tensor<?x4xf32>) -> tensor<1xf32>
  return
}

// -----

func.func @f(%p: tensor<?x16x4xf32>) {
  // expected-error @+1 {{'shodh.router_kl_loss' op prior has 3 entries but probs has 4 experts}}
  %l = shodh.router_kl_loss %p {prior = array<f64: 0.5, 0.25, 0.25>} : (tensor<?x16x4xf32>) -> tensor<1xf32>
  return
}

// -----

func.func @f(%p: tensor<?x16x4xf32>) {
  // expected-error @+1 {{'shodh.router_kl_loss' op prior must sum to 1, got 0.9}}
  %l = shodh.router_kl_loss %p {prior = array<f64: 0.3, 0.2, 0.2, 0.2>} : (tensor<?x16x4xf32>) -> tensor<1xf32>
  return
}

// -----

func.func @f(%p: tensor<?x16x4xf32>) {
  // expected-error @+1 {{'shodh.router_kl_loss' op prior entries must be finite and > 0, entry 3 is 0}}
  %l = shodh.router_kl_loss %p {prior = array<f64: 0.5, 0.25, 0.25, 0.0>} : (tensor<?x16x4xf32>) -> tensor<1xf32>
  return
}

// -----

func.func @f(%p: tensor<?x16x4xf32>) {
  // expected-error @+1 {{'shodh.router_kl_loss' op entropy_weight must be a finite number >= 0, got -0.1}}
  %l = shodh.router_kl_loss %p {entropy_weight = -0.1 : f64} : (tensor<?x16x4xf32>) -> tensor<1xf32>
  return
}

// -----

func.func @f(%p: tensor<?x16x4xf32>) {
  // expected-error @+1 {{'shodh.router_kl_loss' op entropy_over must be "tokens" or "samples", got "batch"}}
  %l = shodh.router_kl_loss %p {entropy_over = "batch"} : (tensor<?x16x4xf32>) -> tensor<1xf32>
  return
}

// -----

func.func @f(%p: tensor<?x16x4xf32>) {
  // expected-error @+1 {{'shodh.router_kl_loss_grad' op entropy_over must be "tokens" or "samples", got "token"}}
  %dp = shodh.router_kl_loss_grad %p {entropy_over = "token"} : (tensor<?x16x4xf32>) -> tensor<?x16x4xf32>
  return
}

// -----

func.func @f(%p: tensor<?x16x4xf32>, %dp: tensor<?x8x4xf32>) {
  // expected-error @+1 {{'shodh.router_grad' op dprobs dimension #1 is 8 but the others have 16}}
  %dz = shodh.router_grad %p, %dp : (tensor<?x16x4xf32>, tensor<?x8x4xf32>) -> tensor<?x16x4xf32>
  return
}

// -----

func.func @f(%p: tensor<?x16x4xf32>, %e: tensor<?x16x2xi64>, %dg: tensor<?x16x3xf32>) {
  // expected-error @+1 {{'shodh.top_k_grad' op dgates has slots 3 (dim 2) but experts has 2}}
  %dp = shodh.top_k_grad %p, %e, %dg : (tensor<?x16x4xf32>, tensor<?x16x2xi64>, tensor<?x16x3xf32>) -> tensor<?x16x4xf32>
  return
}

// -----

func.func @f(%ds: tensor<?x33x8xf32>, %s: tensor<?x33xi64>, %o: tensor<5xi64>) {
  // expected-error @+1 {{'shodh.dispatch_grad' op dsorted has 33 rows, not a multiple of k = 2}}
  %dt = shodh.dispatch_grad %ds, %s, %o {k = 2 : i64} : (tensor<?x33x8xf32>, tensor<?x33xi64>, tensor<5xi64>) -> tensor<?x16x8xf32>
  return
}

// -----

func.func @f(%dy: tensor<?x16x4xf32>, %o: tensor<?x32x8xf32>, %g: tensor<?x16x2xf32>, %s: tensor<?x32xi64>, %off: tensor<5xi64>) {
  // expected-error @+1 {{'shodh.combine_grad' op dy 'tensor<?x16x4xf32>' does not match combine's result 'tensor<?x16x8xf32>'}}
  %a, %b = shodh.combine_grad %dy, %o, %g, %s, %off : (tensor<?x16x4xf32>, tensor<?x32x8xf32>, tensor<?x16x2xf32>, tensor<?x32xi64>, tensor<5xi64>) -> (tensor<?x32x8xf32>, tensor<?x16x2xf32>)
  return
}

// -----

func.func @f(%p: tensor<?x16x4xf32>, %e: tensor<?x16x2xi64>, %dl: tensor<2xf32>) {
  // expected-error @+1 {{'shodh.load_balance_loss_grad' op dloss must be tensor<1xf32>, got 'tensor<2xf32>'}}
  %dp = shodh.load_balance_loss_grad %p, %e, %dl : (tensor<?x16x4xf32>, tensor<?x16x2xi64>, tensor<2xf32>) -> tensor<?x16x4xf32>
  return
}

// -----

func.func @f(%p: tensor<?x16x4xf32>) {
  // expected-error @+1 {{'shodh.router_kl_loss_grad' op prior must sum to 1, got 2}}
  %dp = shodh.router_kl_loss_grad %p {prior = array<f64: 0.5, 0.5, 0.5, 0.5>} : (tensor<?x16x4xf32>) -> tensor<?x16x4xf32>
  return
}

// -----

func.func @f(%ds: tensor<?x32x8xf32>, %s: tensor<?x32xi64>, %o: tensor<5xi64>) {
  // expected-error @+1 {{'shodh.dispatch_grad' op k must be at least 1, got -1}}
  %dt = shodh.dispatch_grad %ds, %s, %o {k = -1 : i64} : (tensor<?x32x8xf32>, tensor<?x32xi64>, tensor<5xi64>) -> tensor<?x16x8xf32>
  return
}

// -----

func.func @f(%e: tensor<?x16x1xf32>) {
  // expected-error @+1 {{'shodh.allocation_kl' op experts must be a ranked tensor of i64, got 'tensor<?x16x1xf32>'}}
  %l = shodh.allocation_kl %e {num_experts = 3 : i64} : (tensor<?x16x1xf32>) -> tensor<1xf32>
  return
}

// -----

func.func @f(%e: tensor<?x16xi64>) {
  // expected-error @+1 {{'shodh.allocation_kl' op experts must have rank 3, got 'tensor<?x16xi64>'}}
  %l = shodh.allocation_kl %e {num_experts = 3 : i64} : (tensor<?x16xi64>) -> tensor<1xf32>
  return
}

// -----

func.func @f(%e: tensor<?x16x1xi64>) {
  // expected-error @+1 {{'shodh.allocation_kl' op num_experts must be at least 1, got 0}}
  %l = shodh.allocation_kl %e {num_experts = 0 : i64} : (tensor<?x16x1xi64>) -> tensor<1xf32>
  return
}

// -----

func.func @f(%e: tensor<?x16x1xi64>) {
  // expected-error @+1 {{'shodh.allocation_kl' op prior has 2 entries but num_experts is 3}}
  %l = shodh.allocation_kl %e {num_experts = 3 : i64, prior = array<f64: 0.5, 0.5>} : (tensor<?x16x1xi64>) -> tensor<1xf32>
  return
}

// -----

func.func @f(%e: tensor<?x16x1xi64>) {
  // expected-error @+1 {{'shodh.allocation_kl' op prior must sum to 1, got 0.9}}
  %l = shodh.allocation_kl %e {num_experts = 3 : i64, prior = array<f64: 0.5, 0.2, 0.2>} : (tensor<?x16x1xi64>) -> tensor<1xf32>
  return
}

// -----

func.func @f(%e: tensor<?x16x1xi64>) {
  // expected-error @+1 {{'shodh.allocation_kl' op prior entries must be finite and > 0, entry 1 is -0.5}}
  %l = shodh.allocation_kl %e {num_experts = 3 : i64, prior = array<f64: 1.0, -0.5, 0.5>} : (tensor<?x16x1xi64>) -> tensor<1xf32>
  return
}

// -----

func.func @f(%e: tensor<?x16x1xi64>) {
  // expected-error @+1 {{'shodh.allocation_kl' op result type 'tensor<2xf32>' is incompatible with the inferred type 'tensor<1xf32>'}}
  %l = shodh.allocation_kl %e {num_experts = 3 : i64} : (tensor<?x16x1xi64>) -> tensor<2xf32>
  return
}
