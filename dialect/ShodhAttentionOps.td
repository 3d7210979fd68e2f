//===- ShodhAttentionOps.td --------------------------------*- tablegen -*-===//
//
// Multi-head self-attention over tokens [B, T, C] (the latent transformer of
// Shodh-MoE), the per-head core it is made of and the core's backward op.
// Included from ShodhOps.td. Semantics are torch.nn.MultiheadAttention(C,
// heads, batch_first=True) without mask and dropout (docs/compiler.md §
// Attention).
//
//===----------------------------------------------------------------------===//
#ifndef SHODH_ATTENTION_OPS_TD
#define SHODH_ATTENTION_OPS_TD

def Shodh_AttentionOp
    : Shodh_ComputeOp<"attention", [Shodh_Differentiable]> {
  let summary = "Multi-head self-attention (torch.nn.MultiheadAttention)";
  let description = [{
    For tokens x `[B, T, C]` with C divisible by `heads` (d = C /
    heads; C may be `?` in a model written with hyperparameters until
    shape inference gives it): `qkv = x Wqkv^T + bqkv` (`wqkv` `[3C, C]`, `bqkv` `[3C]`, torch's
    `in_proj_weight`/`in_proj_bias`, rows q, k, v), per batch and head
    `o_h = softmax(Q_h K_h^T / sqrt(d)) V_h` (columns `h*d .. h*d+d` of each
    of q, k, v), then `y = o Wo^T + bo` (`wo` `[C, C]`, `bo` `[C]`, torch's
    `out_proj`). The result has x's type. No mask, no dropout.

    Its gradient recomputes `qkv` (`shodh.linear`) and `o`
    (`shodh.attention_heads`) instead of saving them, takes the output
    projection's gradients with the `linear_grad_*` ops, the core's with
    `shodh.attention_heads_grad` (which recomputes the probabilities) and
    the input projection's with `linear_grad_*` again, all along axis 2.

    ```mlir
    %y = shodh.attention %x, %wqkv, %bqkv, %wo, %bo {heads = 4 : i64}
        : (tensor<?x512x64xf32>, tensor<192x64xf32>, tensor<192xf32>,
           tensor<64x64xf32>, tensor<64xf32>) -> tensor<?x512x64xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, AnyRankedTensor:$wqkv,
                       AnyRankedTensor:$bqkv, AnyRankedTensor:$wo,
                       AnyRankedTensor:$bo, I64Attr:$heads);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $input `,` $wqkv `,` $bqkv `,` $wo `,` $bo attr-dict `:` functional-type(operands, results)
  }];
}

def Shodh_AttentionHeadsOp
    : Shodh_ComputeOp<"attention_heads", [Shodh_Differentiable]> {
  let summary = "Scaled dot-product attention of packed q, k, v per head";
  let description = [{
    The core of `shodh.attention`: `qkv` `[B, T, 3C]` holds q, k and v side
    by side along the last axis (static, 3C with C divisible by `heads`);
    head h of batch b gives `softmax(Q K^T / sqrt(d)) V` in columns
    `h*d .. h*d+d` of the result `[B, T, C]`. Its gradient is
    `shodh.attention_heads_grad`.

    ```mlir
    %o = shodh.attention_heads %qkv {heads = 4 : i64}
        : (tensor<?x512x192xf32>) -> tensor<?x512x64xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$qkv, I64Attr:$heads);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $qkv attr-dict `:` functional-type(operands, results)
  }];
}

def Shodh_AttentionHeadsGradOp : Shodh_ComputeOp<"attention_heads_grad"> {
  let summary = "Gradient of `shodh.attention_heads` with respect to qkv";
  let description = [{
    With `P = softmax(S)`, `S = Q K^T / sqrt(d)` per batch and head and dy
    `[B, T, C]` (the result's cotangent, dO per head): `dV = P^T dO`,
    `dS = P * (dO V^T - rowsum(P * dO V^T))`, `dQ = dS K / sqrt(d)`,
    `dK = dS^T Q / sqrt(d)`, packed like `qkv` (the result has qkv's type).
    P is recomputed, not saved.

    ```mlir
    %dqkv = shodh.attention_heads_grad %qkv, %dy {heads = 4 : i64}
        : (tensor<?x512x192xf32>, tensor<?x512x64xf32>) -> tensor<?x512x192xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$qkv, AnyRankedTensor:$dy,
                       I64Attr:$heads);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $qkv `,` $dy attr-dict `:` functional-type(operands, results)
  }];
}

#endif // SHODH_ATTENTION_OPS_TD
