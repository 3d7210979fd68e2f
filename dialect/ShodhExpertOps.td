//===- ShodhExpertOps.td ----------------------------------*- tablegen -*-===//
//
// Expert ops (ExpertOpInterface) working on ragged token groups, patchify /
// unpatchify and interpolate (docs/experts.md).
// Included from ShodhOps.td.
//
//===----------------------------------------------------------------------===//
#ifndef SHODH_EXPERT_OPS_TD
#define SHODH_EXPERT_OPS_TD

//===----------------------------------------------------------------------===//
// Expert ops
//===----------------------------------------------------------------------===//

/// A differentiable expert op on (sorted, offsets, params...).
class Shodh_ExpertOp<string mnemonic, list<Trait> traits = []>
    : Shodh_ComputeOp<mnemonic, !listconcat([Shodh_Differentiable,
        DeclareOpInterfaceMethods<Shodh_ExpertOpInterface>], traits)>;

def Shodh_ExpertMlpOp : Shodh_ExpertOp<"expert_mlp"> {
  let summary = "Grouped two-layer MLP experts on vector tokens";
  let description = [{
    For every expert e and every row r in [offsets[e], offsets[e+1]) of the
    flattened B·R rows of `sorted` (B, R, F):
    `y[r] = w2[e] · gelu(w1[e] · x[r] + b1[e]) + b2[e]` (exact GELU), with
    `w1` (E, H, F), `b1` (E, H), `w2` (E, G, H), `b2` (E, G); the result is
    (B, R, G). Rows at or past offsets[E] (dropped by capacity) are zero.
    `offsets` is the (E+1) i64 tensor of `shodh.dispatch`. The CPU kernel
    runs one GEMM per expert over its contiguous rows.

    ```mlir
    %y = shodh.expert_mlp %sorted, %offsets, %w1, %b1, %w2, %b2
        : (tensor<?x32x16xf32>, tensor<5xi64>, tensor<4x64x16xf32>,
           tensor<4x64xf32>, tensor<4x16x64xf32>, tensor<4x16xf32>)
        -> tensor<?x32x16xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$sorted, AnyRankedTensor:$offsets,
                       AnyRankedTensor:$w1, AnyRankedTensor:$b1,
                       AnyRankedTensor:$w2, AnyRankedTensor:$b2);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $sorted `,` $offsets `,` $w1 `,` $b1 `,` $w2 `,` $b2 attr-dict `:`
    functional-type(operands, results)
  }];
}

def Shodh_ExpertFnoOp : Shodh_ExpertOp<"expert_fno",
    [DeclareOpInterfaceMethods<Shodh_HyperparamAttrOpInterface>]> {
  let summary = "Grouped FNO-block experts with per-expert mode counts";
  let description = [{
    One FNO block per expert on patch tokens: `sorted` is (B, R, C, h, w)
    (or (B, R, C, d, h, w)); for every row r of expert e
    `y[r] = gelu(spectral_conv_e(x[r]) + wskip[e] · x[r] + bskip[e])`
    (exact GELU, skip applied over the channel axis), giving (B, R, O, h, w).
    `modes` holds one mode count m_e per expert; spectral_conv_e keeps m_e
    modes on every axis (the corner blocks of `shodh.spectral_conv`). The
    spectral weights are stacked at the largest count mmax: `wspec` is
    (E, C, O, 2mmax, mmax) (3-D: (E, C, O, 2mmax, 2mmax, mmax)) complex<f32>,
    the [C, O] layout of `shodh.spectral_conv`; expert e uses the sub-block
    of its own frequencies (full axes: indices [0, m_e) and
    [2mmax - m_e, 2mmax), last axis [0, m_e)), the rest of its slice is
    unused and gets zero gradient. `wskip` is (E, O, C), `bskip` (E, O).
    Requires m_e >= 1, 2 mmax <= each full patch axis and
    mmax <= last axis / 2 + 1. Rows at or past offsets[E] are zero.

    ```mlir
    %y = shodh.expert_fno %sorted, %offsets, %ws, %wk, %bk {modes = array<i64: 4, 8, 16>}
        : (tensor<?x16x8x32x32xf32>, tensor<4xi64>,
           tensor<3x8x8x32x16xcomplex<f32>>, tensor<3x8x8xf32>, tensor<3x8xf32>)
        -> tensor<?x16x8x32x32xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$sorted, AnyRankedTensor:$offsets,
                       AnyRankedTensor:$wspec, AnyRankedTensor:$wskip,
                       AnyRankedTensor:$bskip, Shodh_IntListAttr:$modes);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $sorted `,` $offsets `,` $wspec `,` $wskip `,` $bskip attr-dict `:`
    functional-type(operands, results)
  }];
}

def Shodh_ExpertMlpGradOp : Shodh_ComputeOp<"expert_mlp_grad"> {
  let summary = "All gradients of `shodh.expert_mlp`";
  let description = [{
    From the forward tokens, offsets, the cotangent dy (B, R, G) and the
    parameters w1, b1, w2: (dx (B, R, F), dw1, db1, dw2, db2) of the shapes
    of x, w1, b1, w2 and b2 = (E, G). The hidden activations are recomputed.
    Dropped rows get dx = 0; an expert without rows gets zero gradients.

    ```mlir
    %dx, %dw1, %db1, %dw2, %db2 = shodh.expert_mlp_grad %x, %off, %dy, %w1, %b1, %w2
        : (tensor<?x32x16xf32>, tensor<5xi64>, tensor<?x32x16xf32>,
           tensor<4x64x16xf32>, tensor<4x64xf32>, tensor<4x16x64xf32>)
        -> (tensor<?x32x16xf32>, tensor<4x64x16xf32>, tensor<4x64xf32>,
            tensor<4x16x64xf32>, tensor<4x16xf32>)
    ```
  }];
  let arguments = (ins AnyRankedTensor:$sorted, AnyRankedTensor:$offsets,
                       AnyRankedTensor:$dy, AnyRankedTensor:$w1,
                       AnyRankedTensor:$b1, AnyRankedTensor:$w2);
  let results = (outs AnyRankedTensor:$dx, AnyRankedTensor:$dw1,
                      AnyRankedTensor:$db1, AnyRankedTensor:$dw2,
                      AnyRankedTensor:$db2);
  let assemblyFormat = [{
    $sorted `,` $offsets `,` $dy `,` $w1 `,` $b1 `,` $w2 attr-dict `:`
    functional-type(operands, results)
  }];
}

def Shodh_ExpertFnoGradOp : Shodh_ComputeOp<"expert_fno_grad"> {
  let summary = "All gradients of `shodh.expert_fno`";
  let description = [{
    From the forward tokens, offsets, the cotangent dy (B, R, O, h, w) and
    the parameters: (dx, dwspec, dwskip, dbskip) of the shapes of the
    tokens, wspec, wskip and bskip. The pre-activation is recomputed; the
    spectral parts are those of `shodh.spectral_conv_grad` per expert
    (dwspec in PyTorch's complex convention, zero outside each expert's
    mode sub-block). Dropped rows get dx = 0.

    ```mlir
    %dx, %dws, %dwk, %dbk = shodh.expert_fno_grad %x, %off, %dy, %ws, %wk, %bk
        {modes = array<i64: 4, 8, 16>}
        : (tensor<?x16x8x32x32xf32>, tensor<4xi64>, tensor<?x16x8x32x32xf32>,
           tensor<3x8x8x32x16xcomplex<f32>>, tensor<3x8x8xf32>, tensor<3x8xf32>)
        -> (tensor<?x16x8x32x32xf32>, tensor<3x8x8x32x16xcomplex<f32>>,
            tensor<3x8x8xf32>, tensor<3x8xf32>)
    ```
  }];
  let arguments = (ins AnyRankedTensor:$sorted, AnyRankedTensor:$offsets,
                       AnyRankedTensor:$dy, AnyRankedTensor:$wspec,
                       AnyRankedTensor:$wskip, AnyRankedTensor:$bskip,
                       DenseI64ArrayAttr:$modes);
  let results = (outs AnyRankedTensor:$dx, AnyRankedTensor:$dwspec,
                      AnyRankedTensor:$dwskip, AnyRankedTensor:$dbskip);
  let assemblyFormat = [{
    $sorted `,` $offsets `,` $dy `,` $wspec `,` $wskip `,` $bskip attr-dict `:`
    functional-type(operands, results)
  }];
}

//===----------------------------------------------------------------------===//
// Patches and resampling
//===----------------------------------------------------------------------===//

def Shodh_PatchifyOp : Shodh_HyperparamComputeOp<"patchify"> {
  let summary = "Cuts a field into non-overlapping patch tokens";
  let description = [{
    (B, C, H, W) with `patch` = [ph, pw] becomes (B, (H/ph)·(W/pw), C, ph, pw):
    token p = i·(W/pw) + j (row-major patch order) holds
    x[:, :, i·ph : (i+1)·ph, j·pw : (j+1)·pw]. 3-D fields (B, C, D, H, W)
    with `patch` = [pd, ph, pw] likewise. Each patch size must divide its
    grid size. The gradient is `shodh.unpatchify`. `patch` is
    `array<i64: ...>` or a list of integers and integer expressions over
    hyperparameters (`["p", "p"]`), like `grid`, `size` and expert_fno's
    `modes`.

    ```mlir
    %t = shodh.patchify %x {patch = array<i64: 16, 16>}
        : (tensor<?x8x64x64xf32>) -> tensor<?x16x8x16x16xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, Shodh_IntListAttr:$patch);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def Shodh_UnpatchifyOp : Shodh_HyperparamComputeOp<"unpatchify"> {
  let summary = "Reassembles patch tokens into a field (inverse of patchify)";
  let description = [{
    (B, P, C, ph, pw) with `grid` = [H, W] becomes (B, C, H, W), the inverse
    of `shodh.patchify` with patch [ph, pw]; P must equal (H/ph)·(W/pw) and
    each patch size must divide its grid size. 3-D likewise with
    `grid` = [D, H, W]. The gradient is `shodh.patchify`.

    ```mlir
    %x = shodh.unpatchify %t {grid = array<i64: 64, 64>}
        : (tensor<?x16x8x16x16xf32>) -> tensor<?x8x64x64xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, Shodh_IntListAttr:$grid);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def Shodh_ReshapeOp : Shodh_HyperparamComputeOp<"reshape"> {
  let summary = "Reinterprets the axes after the batch axis (row-major)";
  let description = [{
    Keeps the leading (batch) axis and gives the remaining ones the sizes
    `shape`, in row-major order; the element count per sample must not
    change. Turns patch tokens (B, P, C, p, p, p) into vectors
    (B, P, C·p³) for `shodh.linear` / `shodh.attention` and back. `shape`
    is `array<i64: ...>` or a list of integers and integer expressions over
    hyperparameters (`["P", "latent*64"]`), like patchify's `patch`. The
    gradient is the reshape back to the input's sizes. The CPU kernel is a
    copy.

    ```mlir
    %v = shodh.reshape %t {shape = array<i64: 64, 512>}
        : (tensor<?x64x8x4x4x4xf32>) -> tensor<?x64x512xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, Shodh_IntListAttr:$shape);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def Shodh_InterpolateOp : Shodh_HyperparamComputeOp<"interpolate"> {
  let summary = "(Bi/tri)linear resampling of the trailing 1 to 3 axes";
  let description = [{
    Resamples the trailing d = size(`size`) axes (1 to 3) of a real tensor to
    `size`, leading axes unchanged, exactly as
    `torch.nn.functional.interpolate(x, size, mode="linear" / "bilinear" /
    "trilinear", align_corners=False)`: output index o reads source
    coordinate max(0, (o + 0.5)·in/out − 0.5) and blends its two neighbours
    on every axis. `mode` must be `"linear"` (the default). The rank must
    exceed d. The gradient is `shodh.interpolate_grad`.

    ```mlir
    %y = shodh.interpolate %x {size = array<i64: 32, 32>}
        : (tensor<?x8x16x16xf32>) -> tensor<?x8x32x32xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, Shodh_IntListAttr:$size,
                       DefaultValuedStrAttr<StrAttr, "linear">:$mode);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def Shodh_InterpolateGradOp : Shodh_ComputeOp<"interpolate_grad"> {
  let summary = "Gradient of `shodh.interpolate`: the adjoint resampling";
  let description = [{
    Maps the cotangent dy (..., out sizes) of a linear `shodh.interpolate`
    back to the input's grid `size` (its trailing d sizes): every output
    point's two-per-axis blend weights are scattered onto the points it
    read, in output order (deterministic).

    ```mlir
    %dx = shodh.interpolate_grad %dy {size = array<i64: 16, 16>}
        : (tensor<?x8x32x32xf32>) -> tensor<?x8x16x16xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$dy, DenseI64ArrayAttr:$size);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$dy attr-dict `:` functional-type(operands, results)";
}

//===----------------------------------------------------------------------===//
// Fused mixture-of-experts layer
//===----------------------------------------------------------------------===//

def Shodh_MoeOp : Shodh_ComputeOp<"moe", [Shodh_Differentiable]> {
  let summary = "dispatch -> expert op -> combine as one grouped layer";
  let description = [{
    `combine(expert(dispatch(tokens, experts)), gates)`: the tokens
    (B, T, F...) are grouped by the expert ids `experts` (B, T, k) i64 as
    `shodh.dispatch` does (`num_experts` E, `capacity_factor`), each group
    goes through the expert op named by `expert` (`"mlp"`: params w1, b1,
    w2, b2 of `shodh.expert_mlp`; `"fno"`: wspec, wskip, bskip and `modes`
    of `shodh.expert_fno`), and the rows are scattered back weighted by
    `gates` (B, T, k) f32 as `shodh.combine` does. The result is
    (B, T, G...). `--shodh-fuse-experts` forms it from such a chain whose
    intermediates have no other users. Its gradient rule expands the layer
    back into the chain in the training program's forward graph (so the
    backward reuses the dispatch and the expert output instead of
    recomputing them; inference keeps the fused op) and applies the
    gradient rules of the three ops. The CPU kernel `moe`
    keeps `sorted`, `offsets`, `source` and the expert output in its own
    scratch instead of the activation arena.

    ```mlir
    %y = shodh.moe %tok, %ids, %gates, %w1, %b1, %w2, %b2
        {expert = "mlp", num_experts = 4 : i64}
        : (tensor<?x16x8xf32>, tensor<?x16x2xi64>, tensor<?x16x2xf32>,
           tensor<4x32x8xf32>, tensor<4x32xf32>, tensor<4x8x32xf32>, tensor<4x8xf32>)
        -> tensor<?x16x8xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$tokens, AnyRankedTensor:$experts,
                       AnyRankedTensor:$gates,
                       Variadic<AnyRankedTensor>:$params, StrAttr:$expert,
                       I64Attr:$num_experts,
                       DefaultValuedAttr<F64Attr, "0.0">:$capacity_factor,
                       OptionalAttr<DenseI64ArrayAttr>:$modes);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $tokens `,` $experts `,` $gates `,` $params attr-dict `:`
    functional-type(operands, results)
  }];
}

#endif // SHODH_EXPERT_OPS_TD
