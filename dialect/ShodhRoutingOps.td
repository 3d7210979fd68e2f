//===- ShodhRoutingOps.td ---------------------------------*- tablegen -*-===//
//
// Routing ops of sparse mixture-of-experts: router, spectral_energy (router
// features), top_k, dispatch, combine, the router losses and the
// allocation_kl measurement, with the backward ops their gradient rules
// build (docs/experts.md § Routing ops and router losses). Verifiers, shape
// rules, gradient rules and kernel lowering are in RoutingOps.cpp,
// RoutingShapeInference.cpp and RoutingGradients.cpp. Included from
// ShodhOps.td.
//
//===----------------------------------------------------------------------===//
#ifndef SHODH_ROUTING_OPS_TD
#define SHODH_ROUTING_OPS_TD

//===----------------------------------------------------------------------===//
// Forward routing ops
//===----------------------------------------------------------------------===//

def Shodh_RouterOp : Shodh_ComputeOp<"router", [Shodh_Differentiable]> {
  let summary = "Router logits and probabilities of tokens over E experts";
  let description = [{
    For tokens `(B, T, F)` f32, `weight` `(E, F)` and the optional `bias`
    `(E)`: `logits = tokens · weightᵀ + bias` and
    `probs = softmax(logits / temperature)` over the last axis, both
    `(B, T, E)` f32. `temperature` is positive (default 1). The gradient
    reaches tokens, weight and bias from the cotangents of both results
    (`shodh.router_grad`, then the `linear_grad_*` ops over axis 2).
    Lowers to the kernel `router` (tokens, weight[, bias]) -> (logits,
    probs).

    ```mlir
    %logits, %probs = shodh.router %tok, %w, %b {temperature = 1.0 : f64}
        : (tensor<?x16x8xf32>, tensor<4x8xf32>, tensor<4xf32>)
        -> (tensor<?x16x4xf32>, tensor<?x16x4xf32>)
    ```
  }];
  let arguments = (ins AnyRankedTensor:$tokens, AnyRankedTensor:$weight,
                       Optional<AnyRankedTensor>:$bias,
                       DefaultValuedAttr<F64Attr, "1.0">:$temperature);
  let results = (outs AnyRankedTensor:$logits, AnyRankedTensor:$probs);
  let assemblyFormat = [{
    $tokens `,` $weight (`,` $bias^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Shodh_SpectralEnergyOp
    : Shodh_ComputeOp<"spectral_energy", [Shodh_Differentiable]> {
  let summary = "Per-token fractions of fluctuation energy in radial bands";
  let description = [{
    The router features of M²M. For patch tokens `(B, T, C, h, w)` or
    `(B, T, C, d, h, w)` f32 the result `(B, T, bands)` f32 holds, per
    token, the fraction of the patch's fluctuation energy (the DFT power
    summed over channels, DC mode excluded; computed on the rfft half
    spectrum with the Hermitian doubling) that falls in each of `bands`
    equal-width bands of the normalised radial wavenumber
    `|k| / |k|_max` in (0, 1] (band j holds (j/n, (j+1)/n]). A constant
    patch has no fluctuation energy: its features are all zero.

    It is a stop-gradient: its operand gets a zero cotangent, so routing
    features never push gradients into the patches. Lowers to the kernel
    `spectral_energy` (patches) -> (features).

    ```mlir
    %f = shodh.spectral_energy %patches {bands = 4 : i64}
        : (tensor<?x16x2x8x8xf32>) -> tensor<?x16x4xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$patches, I64Attr:$bands);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$patches attr-dict `:` functional-type(operands, results)";
}

def Shodh_TopKOp : Shodh_ComputeOp<"top_k", [Shodh_Differentiable,
    DeclareOpInterfaceMethods<Shodh_HyperparamAttrOpInterface>]> {
  let summary = "The k most probable experts of each token and their gates";
  let description = [{
    For router probabilities `(B, T, E)` f32: `experts` `(B, T, k)` i64
    holds each token's k distinct experts by decreasing probability (ties:
    lower id first) and `gates` `(B, T, k)` f32 their probabilities, divided
    by their sum when `renormalize` (the default). `k` (1 <= k <= E) is an
    integer or an integer expression over hyperparameters.

    The gradient reaches `probs` through the gates
    (`shodh.top_k_grad`); the expert ids have none. With `k = 1` and
    `renormalize` the gate is the constant 1, so the router would learn
    nothing: the verifier rejects it (Switch-style top-1 routing uses
    `renormalize = false`). Lowers to the kernel `top_k` (probs) -> (gates,
    experts) with `renormalize` as 0/1.

    ```mlir
    %gates, %experts = shodh.top_k %probs {k = 2 : i64}
        : (tensor<?x16x4xf32>) -> (tensor<?x16x2xf32>, tensor<?x16x2xi64>)
    %g1, %e1 = shodh.top_k %probs {k = 1 : i64, renormalize = false}
        : (tensor<?x16x4xf32>) -> (tensor<?x16x1xf32>, tensor<?x16x1xi64>)
    ```
  }];
  let arguments = (ins AnyRankedTensor:$probs, Shodh_IntExprAttr:$k,
                       DefaultValuedAttr<BoolAttr, "true">:$renormalize);
  let results = (outs AnyRankedTensor:$gates, AnyRankedTensor:$experts);
  let assemblyFormat = "$probs attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Shodh_DispatchOp : Shodh_ComputeOp<"dispatch", [Shodh_Differentiable,
    DeclareOpInterfaceMethods<Shodh_HyperparamAttrOpInterface>]> {
  let summary = "Groups the token rows of all assignments by expert";
  let description = [{
    The ragged token layout of docs/experts.md: for tokens `(B, T, F...)`
    and the expert ids `(B, T, k)` i64 of `shodh.top_k`, `sorted`
    `(B, T·k, F...)` holds the token row of every assignment
    `a = (b·T + t)·k + j`, grouped by expert (stable counting sort:
    expert id, then assignment number); `offsets` `(E+1)` i64 bounds each
    expert's rows and `source` `(B, T·k)` i64 gives the assignment of each
    sorted row. `num_experts` is E (an integer or an integer expression
    over hyperparameters).

    Dropless when `capacity_factor` is 0 (the default). With
    `capacity_factor = c > 0` each expert keeps its first
    `cap = ceil(R·c / E)` assignments (R = B·T·k); the dropped rows come
    after `offsets[E]` and hold zeros. The gradient reaches the tokens
    (`shodh.dispatch_grad`). Lowers to the kernel `dispatch`
    (tokens, experts) -> (sorted, offsets, source).

    ```mlir
    %sorted, %offsets, %source = shodh.dispatch %tok, %experts {num_experts = 4 : i64}
        : (tensor<?x16x8xf32>, tensor<?x16x2xi64>)
        -> (tensor<?x32x8xf32>, tensor<5xi64>, tensor<?x32xi64>)
    ```
  }];
  let arguments = (ins AnyRankedTensor:$tokens, AnyRankedTensor:$experts,
                       Shodh_IntExprAttr:$num_experts,
                       DefaultValuedAttr<F64Attr, "0.0">:$capacity_factor);
  let results = (outs AnyRankedTensor:$sorted, AnyRankedTensor:$offsets,
                      AnyRankedTensor:$source);
  let assemblyFormat = [{
    $tokens `,` $experts attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Shodh_CombineOp : Shodh_ComputeOp<"combine", [Shodh_Differentiable]> {
  let summary = "Scatters expert outputs back to tokens, weighted by gates";
  let description = [{
    The inverse of `shodh.dispatch`: for expert outputs `out`
    `(B, T·k, G...)` f32 in the dispatch's row order, `gates` `(B, T, k)`
    f32 and the dispatch's `source` `(B, T·k)` and `offsets` `(E+1)` i64,
    `y[b, t] = Σ_j gates[b, t, j] · out[row(a)]` over the token's kept
    slots, in slot order (deterministic; dropped slots contribute nothing).
    The result is `(B, T, G...)`. Gradients reach `out` and `gates`
    (`shodh.combine_grad`). Lowers to the kernel `combine`
    (out, gates, source, offsets) -> (y).

    ```mlir
    %y = shodh.combine %out, %gates, %source, %offsets
        : (tensor<?x32x8xf32>, tensor<?x16x2xf32>, tensor<?x32xi64>, tensor<5xi64>)
        -> tensor<?x16x8xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$out, AnyRankedTensor:$gates,
                       AnyRankedTensor:$source, AnyRankedTensor:$offsets);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $out `,` $gates `,` $source `,` $offsets attr-dict `:` functional-type(operands, results)
  }];
}

//===----------------------------------------------------------------------===//
// Router losses
//===----------------------------------------------------------------------===//

def Shodh_LoadBalanceLossOp
    : Shodh_ComputeOp<"load_balance_loss", [Shodh_Differentiable]> {
  let summary = "Switch load-balance loss E · Σᵢ fᵢ · Pᵢ";
  let description = [{
    For router probabilities `(B, T, E)` f32 and the chosen experts
    `(B, T, k)` i64: `E · Σᵢ fᵢ · Pᵢ` with fᵢ the fraction of the B·T·k
    assignments routed to expert i and Pᵢ the mean probability of i over
    the B·T tokens; 1 when both are uniform. The result is `tensor<1xf32>`.
    The gradient reaches `probs` through Pᵢ only (the counts are
    piecewise constant): `shodh.load_balance_loss_grad`.

    ```mlir
    %l = shodh.load_balance_loss %probs, %experts
        : (tensor<?x16x4xf32>, tensor<?x16x2xi64>) -> tensor<1xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$probs, AnyRankedTensor:$experts);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $probs `,` $experts attr-dict `:` functional-type(operands, results)
  }];
}

def Shodh_RouterZLossOp
    : Shodh_ComputeOp<"router_z_loss", [Shodh_Differentiable]> {
  let summary = "Router z-loss: mean over tokens of logsumexp(logits)²";
  let description = [{
    For router logits `(B, T, E)` f32: the mean over the B·T tokens of
    `(log Σₑ exp logits[b, t, e])²`, which keeps the logits small
    (ST-MoE). The result is `tensor<1xf32>`; the gradient is
    `shodh.router_z_loss_grad`.

    ```mlir
    %z = shodh.router_z_loss %logits : (tensor<?x16x4xf32>) -> tensor<1xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$logits);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$logits attr-dict `:` functional-type(operands, results)";
}

def Shodh_RouterKlLossOp
    : Shodh_ComputeOp<"router_kl_loss", [Shodh_Differentiable]> {
  let summary = "M²M router loss: KL(allocation ‖ prior) + β · mean entropy";
  let description = [{
    For router probabilities `(B, T, E)` f32, with `a` the mean of `probs`
    over the B·T tokens (the allocation): `KL(a ‖ prior) + entropy_weight ·
    mean_t H(p_t)`, `H(p) = -Σ p log p`. `prior` (E positive numbers summing
    to 1) defaults to uniform; `entropy_weight` (β >= 0, default 0) pushes
    each token towards one expert. With `entropy_over = "samples"` the
    entropy is that of each sample's mean routing distribution
    `m_b = mean_t p[b, t]` instead (`KL(a ‖ prior) + β · mean_b H(m_b)`):
    it pushes all tokens of a sample towards one expert while the KL keeps
    the batch balanced, so with a uniform prior and β = 1 the loss is
    `log E − I(sample; expert)`, a clustering objective over samples that
    needs no labels (Shodh-MoE's domain routing, docs/shodh-moe.md).
    Logarithms clamp their argument at 1e-30, so a zero probability gives
    a finite gradient. The result is `tensor<1xf32>`; the gradient is
    `shodh.router_kl_loss_grad`.

    ```mlir
    %kl = shodh.router_kl_loss %probs {prior = array<f64: 0.5, 0.25, 0.125, 0.125>,
        entropy_weight = 0.01 : f64} : (tensor<?x16x4xf32>) -> tensor<1xf32>
    %mi = shodh.router_kl_loss %probs {entropy_weight = 1.0 : f64,
        entropy_over = "samples"} : (tensor<?x16x4xf32>) -> tensor<1xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$probs,
                       OptionalAttr<DenseF64ArrayAttr>:$prior,
                       DefaultValuedAttr<F64Attr, "0.0">:$entropy_weight,
                       DefaultValuedAttr<StrAttr, "\"tokens\"">:$entropy_over);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$probs attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Routing measurements
//===----------------------------------------------------------------------===//

def Shodh_AllocationKlOp : Shodh_ComputeOp<"allocation_kl", [
    Shodh_Differentiable,
    DeclareOpInterfaceMethods<Shodh_HyperparamAttrOpInterface>]> {
  let summary = "KL of the hard expert allocation to a prior";
  let description = [{
    For the chosen experts `(B, T, k)` i64 of `shodh.top_k`:
    `KL(f ‖ prior) = Σᵢ fᵢ · log(fᵢ / priorᵢ)` with fᵢ the fraction of the
    B·T·k assignments routed to expert i (`0 · log 0 = 0`; 0 when there are
    no assignments). `num_experts` is E (an integer or an integer
    expression over hyperparameters); `prior` (E positive numbers summing
    to 1) defaults to uniform, where the value runs from 0 (balanced) to
    log E (every assignment on one expert). The result is `tensor<1xf32>`.

    A measurement, typically the `measured` input of a
    `shodh.pi_controller`: unlike `shodh.router_kl_loss`, which sees the
    mean router *probabilities*, it sees the *hard* allocation that the
    dispatch uses. Counts are piecewise constant, so it is a stop-gradient
    (its operand is an integer tensor anyway). Lowers to the kernel
    `allocation_kl` (experts) -> (kl) with `num_experts` and the optional
    `prior`.

    ```mlir
    %kl = shodh.allocation_kl %experts {num_experts = "experts"}
        : (tensor<?x16x1xi64>) -> tensor<1xf32>
    %kl2 = shodh.allocation_kl %experts {num_experts = 3 : i64,
        prior = array<f64: 0.5, 0.25, 0.25>} : (tensor<?x16x1xi64>) -> tensor<1xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$experts,
                       Shodh_IntExprAttr:$num_experts,
                       OptionalAttr<DenseF64ArrayAttr>:$prior);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$experts attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Backward ops of the routing ops
//===----------------------------------------------------------------------===//

def Shodh_RouterGradOp : Shodh_ComputeOp<"router_grad"> {
  let summary = "Cotangent of the router's linear output from dlogits and dprobs";
  let description = [{
    For `probs = softmax(z / temperature)`: `dz = (p ⊙ (dp − ⟨dp, p⟩)) /
    temperature`, plus the optional `dlogits` (the cotangent of the logits
    result) when present. All operands and the result are `(B, T, E)` f32.
    The router's gradient rule feeds `dz` to `linear_grad_input`,
    `linear_grad_weight` and `linear_grad_bias` over axis 2.

    ```mlir
    %dz = shodh.router_grad %probs, %dprobs, %dlogits {temperature = 1.0 : f64}
        : (tensor<?x16x4xf32>, tensor<?x16x4xf32>, tensor<?x16x4xf32>) -> tensor<?x16x4xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$probs, AnyRankedTensor:$dprobs,
                       Optional<AnyRankedTensor>:$dlogits,
                       DefaultValuedAttr<F64Attr, "1.0">:$temperature);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $probs `,` $dprobs (`,` $dlogits^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Shodh_TopKGradOp : Shodh_ComputeOp<"top_k_grad"> {
  let summary = "Gradient of `shodh.top_k` with respect to the probabilities";
  let description = [{
    From the router probabilities `(B, T, E)`, the chosen experts
    `(B, T, k)` i64 and the gates' cotangent `(B, T, k)` to `dprobs`
    `(B, T, E)`: without `renormalize` `dprobs[e_j] = dgates[j]`; with it
    (gates g_j = p_j / S, S the sum of the chosen probabilities)
    `dprobs[e_j] = (dgates[j] − Σ_i dgates[i] · g_i) / S`. Unchosen experts
    get zero.

    ```mlir
    %dp = shodh.top_k_grad %probs, %experts, %dgates {renormalize = true}
        : (tensor<?x16x4xf32>, tensor<?x16x2xi64>, tensor<?x16x2xf32>) -> tensor<?x16x4xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$probs, AnyRankedTensor:$experts,
                       AnyRankedTensor:$dgates,
                       DefaultValuedAttr<BoolAttr, "true">:$renormalize);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $probs `,` $experts `,` $dgates attr-dict `:` functional-type(operands, results)
  }];
}

def Shodh_DispatchGradOp : Shodh_ComputeOp<"dispatch_grad"> {
  let summary = "Gradient of `shodh.dispatch` with respect to the tokens";
  let description = [{
    Sums the cotangent rows of each token's kept assignments back:
    `dtokens[b, t] = Σ_j dsorted[row(a)]` in slot order, from `dsorted`
    `(B, T·k, F...)` and the dispatch's `source` and `offsets`; `k` is the
    number of slots per token. The result is `(B, T, F...)`.

    ```mlir
    %dt = shodh.dispatch_grad %dsorted, %source, %offsets {k = 2 : i64}
        : (tensor<?x32x8xf32>, tensor<?x32xi64>, tensor<5xi64>) -> tensor<?x16x8xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$dsorted, AnyRankedTensor:$source,
                       AnyRankedTensor:$offsets, I64Attr:$k);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $dsorted `,` $source `,` $offsets attr-dict `:` functional-type(operands, results)
  }];
}

def Shodh_CombineGradOp : Shodh_ComputeOp<"combine_grad"> {
  let summary = "Gradients of `shodh.combine` for the expert outputs and gates";
  let description = [{
    From `dy` `(B, T, G...)` and the forward operands (out, gates, source,
    offsets): `dout[row(a)] = gates[a] · dy[b, t]` (zero on dropped rows)
    and `dgates[a] = ⟨dy[b, t], out[row(a)]⟩` (zero for dropped slots).

    ```mlir
    %dout, %dgates = shodh.combine_grad %dy, %out, %gates, %source, %offsets
        : (tensor<?x16x8xf32>, tensor<?x32x8xf32>, tensor<?x16x2xf32>,
           tensor<?x32xi64>, tensor<5xi64>)
        -> (tensor<?x32x8xf32>, tensor<?x16x2xf32>)
    ```
  }];
  let arguments = (ins AnyRankedTensor:$dy, AnyRankedTensor:$out,
                       AnyRankedTensor:$gates, AnyRankedTensor:$source,
                       AnyRankedTensor:$offsets);
  let results = (outs AnyRankedTensor:$dout, AnyRankedTensor:$dgates);
  let assemblyFormat = [{
    $dy `,` $out `,` $gates `,` $source `,` $offsets attr-dict `:` functional-type(operands, results)
  }];
}

def Shodh_LoadBalanceLossGradOp : Shodh_ComputeOp<"load_balance_loss_grad"> {
  let summary = "Gradient of `shodh.load_balance_loss` for the probabilities";
  let description = [{
    `dprobs[b, t, i] = dloss · E · fᵢ / (B·T)`, of the probabilities' type;
    `dloss` (`tensor<1xf32>`) is the loss's cotangent, 1 when absent (the
    loss is the root of the backward graph).

    ```mlir
    %dp = shodh.load_balance_loss_grad %probs, %experts, %dl
        : (tensor<?x16x4xf32>, tensor<?x16x2xi64>, tensor<1xf32>) -> tensor<?x16x4xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$probs, AnyRankedTensor:$experts,
                       Optional<AnyRankedTensor>:$dloss);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $probs `,` $experts (`,` $dloss^)? attr-dict `:` functional-type(operands, results)
  }];
}

def Shodh_RouterZLossGradOp : Shodh_ComputeOp<"router_z_loss_grad"> {
  let summary = "Gradient of `shodh.router_z_loss` for the logits";
  let description = [{
    `dlogits[b, t] = dloss · 2 · lse[b, t] · softmax(logits[b, t]) / (B·T)`;
    `dloss` (`tensor<1xf32>`) is 1 when absent.

    ```mlir
    %dz = shodh.router_z_loss_grad %logits, %dl
        : (tensor<?x16x4xf32>, tensor<1xf32>) -> tensor<?x16x4xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$logits, Optional<AnyRankedTensor>:$dloss);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $logits (`,` $dloss^)? attr-dict `:` functional-type(operands, results)
  }];
}

def Shodh_RouterKlLossGradOp : Shodh_ComputeOp<"router_kl_loss_grad"> {
  let summary = "Gradient of `shodh.router_kl_loss` for the probabilities";
  let description = [{
    `dprobs[b, t, i] = dloss · ((log(aᵢ / priorᵢ) + 1) − β (log q + 1)) /
    (B·T)` with q = p[b, t, i], or q = m_b[i] (the sample's mean over its
    tokens) when `entropy_over = "samples"`; `prior`, `entropy_weight` (β)
    and `entropy_over` as for the loss, `dloss` (`tensor<1xf32>`) 1 when
    absent.

    ```mlir
    %dp = shodh.router_kl_loss_grad %probs, %dl {entropy_weight = 0.01 : f64}
        : (tensor<?x16x4xf32>, tensor<1xf32>) -> tensor<?x16x4xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$probs, Optional<AnyRankedTensor>:$dloss,
                       OptionalAttr<DenseF64ArrayAttr>:$prior,
                       DefaultValuedAttr<F64Attr, "0.0">:$entropy_weight,
                       DefaultValuedAttr<StrAttr, "\"tokens\"">:$entropy_over);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $probs (`,` $dloss^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

#endif // SHODH_ROUTING_OPS_TD
