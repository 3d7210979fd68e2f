//===- ShodhTrainingOps.td - Training ops of the shodh dialect -*- tablegen -*-===//
//
// Backward ops (one per gradient kernel), losses and optimizer updates, the
// ops `--shodh-build-training` emits. Included by ShodhOps.td, which provides
// the base classes (Shodh_ComputeOp...) and the other families.
//
//===----------------------------------------------------------------------===//
#ifndef SHODH_TRAINING_OPS_TD
#define SHODH_TRAINING_OPS_TD

//===----------------------------------------------------------------------===//
// Gradients (backward ops built by --shodh-build-training)
//===----------------------------------------------------------------------===//

def Shodh_LinearGradInputOp : Shodh_ComputeOp<"linear_grad_input"> {
  let summary = "Gradient of `shodh.linear` with respect to its input";
  let description = [{
    `dx[n, i, s] = sum_o weight[o, i] * dy[n, o, s]` over the channel axis
    `axis`: the result is `dy`'s shape with Cin (the weight's dimension 1) at
    `axis`.

    With the optional third operand `accumulate` (dx's type) the result is
    `accumulate + dx`: `--shodh-fuse-elementwise` folds a following `add`
    into the GEMM this way.

    ```mlir
    %dx = shodh.linear_grad_input %dy, %w {axis = 1 : i64}
        : (tensor<?x16x8x8xf32>, tensor<16x3xf32>) -> tensor<?x3x8x8xf32>
    %sum = shodh.linear_grad_input %dy, %w, %other {axis = 1 : i64}
        : (tensor<?x16x8x8xf32>, tensor<16x3xf32>, tensor<?x3x8x8xf32>) -> tensor<?x3x8x8xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$dy, AnyRankedTensor:$weight,
                       Optional<AnyRankedTensor>:$accumulate,
                       DefaultValuedAttr<I64Attr, "1">:$axis);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $dy `,` $weight (`,` $accumulate^)? attr-dict `:` functional-type(operands, results)
  }];
}

def Shodh_LinearGradWeightOp : Shodh_ComputeOp<"linear_grad_weight"> {
  let summary = "Gradient of `shodh.linear` with respect to its weight";
  let description = [{
    `dw[o, i] = sum_{n, s} dy[n, o, s] * x[n, i, s]`: the result is
    [Cout, Cin] with Cout = `dy`'s and Cin = `x`'s size at `axis`; `x` and
    `dy` agree everywhere else.

    ```mlir
    %dw = shodh.linear_grad_weight %x, %dy {axis = 1 : i64}
        : (tensor<?x3x8x8xf32>, tensor<?x16x8x8xf32>) -> tensor<16x3xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, AnyRankedTensor:$dy,
                       DefaultValuedAttr<I64Attr, "1">:$axis);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $input `,` $dy attr-dict `:` functional-type(operands, results)
  }];
}

def Shodh_LinearGradParamsOp : Shodh_ComputeOp<"linear_grad_params"> {
  let summary = "Both parameter gradients of `shodh.linear` (fused)";
  let description = [{
    `shodh.linear_grad_weight` and `shodh.linear_grad_bias` of the same
    `dy` and `axis` as one op: results (dw [Cout, Cin], db [Cout]). The
    kernel sums each block of dy into the bias gradient right after the
    weight gradient's GEMM has read it, so dy is read once. Formed after
    autodiff by `--shodh-fuse-elementwise`; it has no gradient of its own.

    ```mlir
    %dw, %db = shodh.linear_grad_params %x, %dy {axis = 1 : i64}
        : (tensor<?x3x8x8xf32>, tensor<?x16x8x8xf32>) -> (tensor<16x3xf32>, tensor<16xf32>)
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, AnyRankedTensor:$dy,
                       DefaultValuedAttr<I64Attr, "1">:$axis);
  let results = (outs AnyRankedTensor:$dw, AnyRankedTensor:$db);
  let assemblyFormat = [{
    $input `,` $dy attr-dict `:` functional-type(operands, results)
  }];
}

def Shodh_LinearGradBiasOp : Shodh_ComputeOp<"linear_grad_bias"> {
  let summary = "Gradient of `shodh.linear` with respect to its bias";
  let description = [{
    `db[o] = sum_{n, s} dy[n, o, s]`: the result is [Cout], `dy`'s size at
    `axis`.

    ```mlir
    %db = shodh.linear_grad_bias %dy {axis = 1 : i64}
        : (tensor<?x16x8x8xf32>) -> tensor<16xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$dy,
                       DefaultValuedAttr<I64Attr, "1">:$axis);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$dy attr-dict `:` functional-type(operands, results)";
}

def Shodh_GeluGradOp : Shodh_ComputeOp<"gelu_grad"> {
  let summary = "Gradient of `shodh.gelu`: dx = gelu'(x) * dy";
  let description = [{
    Elementwise `dx = gelu'(x) * dy` for the forward input `x` and the
    cotangent `dy` (same type); `approximate` as for `shodh.gelu`.

    ```mlir
    %dx = shodh.gelu_grad %x, %dy {approximate = "none"}
        : (tensor<?x16xf32>, tensor<?x16xf32>) -> tensor<?x16xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, AnyRankedTensor:$dy,
                       DefaultValuedStrAttr<StrAttr, "none">:$approximate);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $input `,` $dy attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Shodh_RfftGradOp : Shodh_ComputeOp<"rfft_grad"> {
  let summary = "Gradient of `shodh.rfft`: half spectrum cotangent to real";
  let description = [{
    Maps the cotangent of an rfft's half spectrum `[..., N_1, .., H]` back to
    the real grid `[..., N_1, .., N_d]` with `N_d = last_size`
    (`last_size/2+1 = H`); `ndims` and `norm` are the forward op's.

    ```mlir
    %dx = shodh.rfft_grad %dX {ndims = 2 : i64, norm = "backward", last_size = 64 : i64}
        : (tensor<?x32x64x33xcomplex<f32>>) -> tensor<?x32x64x64xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$dy, I64Attr:$ndims, I64Attr:$last_size,
                       DefaultValuedStrAttr<StrAttr, "backward">:$norm);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$dy attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Shodh_IrfftGradOp : Shodh_ComputeOp<"irfft_grad"> {
  let summary = "Gradient of `shodh.irfft`: real cotangent to half spectrum";
  let description = [{
    Maps the cotangent of an irfft's real output `[..., N_1, .., N_d]` to the
    cotangent of its half-spectrum input `[..., N_1, .., N_d/2+1]`; `ndims`
    and `norm` are the forward op's.

    ```mlir
    %dZ = shodh.irfft_grad %dy {ndims = 2 : i64, norm = "backward"}
        : (tensor<?x32x64x64xf32>) -> tensor<?x32x64x33xcomplex<f32>>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$dy, I64Attr:$ndims,
                       DefaultValuedStrAttr<StrAttr, "backward">:$norm);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$dy attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Shodh_SpectralContractGradInputOp
    : Shodh_ComputeOp<"spectral_contract_grad_input"> {
  let summary = "Gradient of `shodh.spectral_contract` with respect to X";
  let description = [{
    For `Y = spectral_contract(X, W)` with X [B, I, K...], W [I, O, K...]:
    maps dY [B, O, K...] to dX [B, I, K...] (complex, PyTorch's convention).

    ```mlir
    %dX = shodh.spectral_contract_grad_input %dY, %w
        : (tensor<?x32x24x12xcomplex<f32>>, tensor<32x32x24x12xcomplex<f32>>)
        -> tensor<?x32x24x12xcomplex<f32>>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$dy, AnyRankedTensor:$weight);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $dy `,` $weight attr-dict `:` functional-type(operands, results)
  }];
}

def Shodh_SpectralContractGradWeightOp
    : Shodh_ComputeOp<"spectral_contract_grad_weight"> {
  let summary = "Gradient of `shodh.spectral_contract` with respect to W";
  let description = [{
    For `Y = spectral_contract(X, W)`: maps X [B, I, K...] and dY
    [B, O, K...] to dW [I, O, K...], summed over the batch.

    ```mlir
    %dW = shodh.spectral_contract_grad_weight %X, %dY
        : (tensor<?x32x24x12xcomplex<f32>>, tensor<?x32x24x12xcomplex<f32>>)
        -> tensor<32x32x24x12xcomplex<f32>>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, AnyRankedTensor:$dy);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $input `,` $dy attr-dict `:` functional-type(operands, results)
  }];
}

def Shodh_SpectralConvGradInputOp
    : Shodh_ComputeOp<"spectral_conv_grad_input"> {
  let summary = "Gradient of `shodh.spectral_conv` with respect to its input";
  let description = [{
    Maps the real cotangent dy [B, O, N_1..N_d] of a spectral convolution
    with weight [I, O, 2m_1.., m_d] to dx [B, I, N_1..N_d].

    ```mlir
    %dx = shodh.spectral_conv_grad_input %dy, %w {modes = array<i64: 12, 12>}
        : (tensor<?x32x64x64xf32>, tensor<32x32x24x12xcomplex<f32>>)
        -> tensor<?x32x64x64xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$dy, AnyRankedTensor:$weight,
                       DenseI64ArrayAttr:$modes);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $dy `,` $weight attr-dict `:` functional-type(operands, results)
  }];
}

def Shodh_SpectralConvGradWeightOp
    : Shodh_ComputeOp<"spectral_conv_grad_weight"> {
  let summary = "Gradient of `shodh.spectral_conv` with respect to its weight";
  let description = [{
    Maps the forward input x [B, I, N_1..N_d] and the cotangent dy
    [B, O, N_1..N_d] to the complex weight cotangent [I, O, 2m_1.., m_d]
    (PyTorch's convention dL/dRe + i dL/dIm).

    ```mlir
    %dw = shodh.spectral_conv_grad_weight %x, %dy {modes = array<i64: 12, 12>}
        : (tensor<?x32x64x64xf32>, tensor<?x32x64x64xf32>)
        -> tensor<32x32x24x12xcomplex<f32>>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, AnyRankedTensor:$dy,
                       DenseI64ArrayAttr:$modes);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $input `,` $dy attr-dict `:` functional-type(operands, results)
  }];
}

def Shodh_SpectralConvGradOp : Shodh_ComputeOp<"spectral_conv_grad"> {
  let summary = "Both gradients of `shodh.spectral_conv` in one op";
  let description = [{
    `spectral_conv_grad_input` and `spectral_conv_grad_weight` of one
    spectral convolution together: from the forward input x [B, I, N..],
    the cotangent dy [B, O, N..] and the weight [I, O, 2m.., m] to
    (dx [B, I, N..], dw [I, O, 2m.., m]). The autodiff pass emits it when
    both are needed, so the CPU kernel transforms dy once instead of twice.

    ```mlir
    %dx, %dw = shodh.spectral_conv_grad %x, %dy, %w {modes = array<i64: 12, 12>}
        : (tensor<?x32x64x64xf32>, tensor<?x32x64x64xf32>,
           tensor<32x32x24x12xcomplex<f32>>)
        -> (tensor<?x32x64x64xf32>, tensor<32x32x24x12xcomplex<f32>>)
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, AnyRankedTensor:$dy,
                       AnyRankedTensor:$weight, DenseI64ArrayAttr:$modes);
  let results = (outs AnyRankedTensor:$dx, AnyRankedTensor:$dw);
  let assemblyFormat = [{
    $input `,` $dy `,` $weight attr-dict `:` functional-type(operands, results)
  }];
}

def Shodh_SpectralConvSaveOp : Shodh_ComputeOp<"spectral_conv_save"> {
  let summary = "spectral_conv that also returns its input's truncated spectrum";
  let description = [{
    `shodh.spectral_conv` plus the truncated spectrum of `input`
    (truncate(rfft(x)), unscaled, `[B, I, 2m_1.., m_d]` complex) it computes
    anyway, so the backward pass does not transform x again.
    `--shodh-share-spectra` forms it after autodiff together with
    `shodh.spectral_conv_grad_saved`.

    ```mlir
    %y, %xs = shodh.spectral_conv_save %x, %w {modes = array<i64: 12, 12>}
        : (tensor<?x32x64x64xf32>, tensor<32x32x24x12xcomplex<f32>>)
        -> (tensor<?x32x64x64xf32>, tensor<?x32x24x12xcomplex<f32>>)
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, AnyRankedTensor:$weight,
                       DenseI64ArrayAttr:$modes);
  let results = (outs AnyRankedTensor:$result, AnyRankedTensor:$spectrum);
  let assemblyFormat = [{
    $input `,` $weight attr-dict `:` functional-type(operands, results)
  }];
}

def Shodh_SpectralConvGradSavedOp
    : Shodh_ComputeOp<"spectral_conv_grad_saved"> {
  let summary = "`spectral_conv_grad` from the forward input's saved spectrum";
  let description = [{
    `shodh.spectral_conv_grad` with the forward input replaced by its
    truncated spectrum `[B, I, 2m_1.., m_d]` (from
    `shodh.spectral_conv_save`): (dx, dw) from (spectrum, dy, weight).

    ```mlir
    %dx, %dw = shodh.spectral_conv_grad_saved %xs, %dy, %w {modes = array<i64: 12, 12>}
        : (tensor<?x32x24x12xcomplex<f32>>, tensor<?x32x64x64xf32>,
           tensor<32x32x24x12xcomplex<f32>>)
        -> (tensor<?x32x64x64xf32>, tensor<32x32x24x12xcomplex<f32>>)
    ```
  }];
  let arguments = (ins AnyRankedTensor:$spectrum, AnyRankedTensor:$dy,
                       AnyRankedTensor:$weight, DenseI64ArrayAttr:$modes);
  let results = (outs AnyRankedTensor:$dx, AnyRankedTensor:$dw);
  let assemblyFormat = [{
    $spectrum `,` $dy `,` $weight attr-dict `:` functional-type(operands, results)
  }];
}

//===----------------------------------------------------------------------===//
// Losses
//===----------------------------------------------------------------------===//

/// A loss of a prediction against a target of the same type: tensor<1xT>.
class Shodh_LossOp<string mnemonic, list<Trait> traits = []>
    : Shodh_ComputeOp<mnemonic, traits> {
  let arguments = (ins AnyRankedTensor:$prediction, AnyRankedTensor:$target);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $prediction `,` $target attr-dict `:` functional-type(operands, results)
  }];
}

def Shodh_MseLossOp : Shodh_LossOp<"mse_loss", [Shodh_Differentiable]> {
  let summary = "Mean squared error: mean over all elements of (p - t)^2";
  let description = [{
    The mean of `(prediction - target)^2` over every element, as
    `torch.nn.functional.mse_loss`. Both operands have the same element type
    (f32 or f64) and compatible shapes; the result is `tensor<1x...>`. Its
    gradient rule (as the root of a training graph) is `shodh.mse_loss_grad`.

    ```mlir
    %l = shodh.mse_loss %p, %t
        : (tensor<?x1x8x8xf32>, tensor<?x1x8x8xf32>) -> tensor<1xf32>
    ```
  }];
}

def Shodh_RelL2LossOp : Shodh_LossOp<"rel_l2_loss", [Shodh_Differentiable]> {
  let summary = "Relative L2 error, averaged over the batch";
  let description = [{
    `mean_b sqrt(sum (p - t)^2 / sum t^2)`, the sums running over every
    dimension but the first (the batch): the `LpLoss` of neural-operator
    codes. Operands as for `shodh.mse_loss`; the result is `tensor<1x...>`.

    ```mlir
    %l = shodh.rel_l2_loss %p, %t
        : (tensor<?x1x8x8xf32>, tensor<?x1x8x8xf32>) -> tensor<1xf32>
    ```
  }];
}

def Shodh_MeanSquareOp : Shodh_ComputeOp<"mean_square", [Shodh_Differentiable]> {
  let summary = "Mean over all elements of x^2: a penalty term";
  let description = [{
    The mean of `input^2` over every element (the batch included), a
    `tensor<1xT>` of the input's element type (f32 or f64). It is the term
    of a penalty on a residual that should vanish, such as the divergence
    of a predicted velocity, given to `shodh.aux_loss`; its gradient is
    `shodh.mean_square_grad` (`2 x / numel`, times the cotangent).

    ```mlir
    %div = shodh.divergence %u {method = "fd2"}
        : (tensor<?x2x64x64xf32>) -> tensor<?x1x64x64xf32>
    %pen = shodh.mean_square %div : (tensor<?x1x64x64xf32>) -> tensor<1xf32>
    shodh.aux_loss %pen {coefficient = 0.1 : f64, name = "div"} : tensor<1xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def Shodh_MeanSquareGradOp : Shodh_ComputeOp<"mean_square_grad"> {
  let summary = "Gradient of `shodh.mean_square`: dx = dloss * 2 x / numel";
  let description = [{
    The derivative of `shodh.mean_square` with respect to its input, scaled
    by the cotangent `dloss` (`tensor<1xT>`): a tensor of the input's type.
    Built by `--shodh-build-training`.

    ```mlir
    %dx = shodh.mean_square_grad %x, %dloss
        : (tensor<?x1x64x64xf32>, tensor<1xf32>) -> tensor<?x1x64x64xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, AnyRankedTensor:$dloss);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $input `,` $dloss attr-dict `:` functional-type(operands, results)
  }];
}

/// The gradient of a loss with respect to its prediction (d(loss) = 1).
class Shodh_LossGradOp<string mnemonic, string loss>
    : Shodh_ComputeOp<mnemonic> {
  let summary = "Gradient of `shodh." # loss # "` with respect to the prediction";
  let description = [{
    The derivative of the loss with respect to `prediction` (with
    d(loss) = 1): a tensor of the prediction's type. Built by
    `--shodh-build-training` as the seed of the backward graph.

    ```mlir
    %dp = shodh.}] # mnemonic # [{ %p, %t
        : (tensor<?x1x8x8xf32>, tensor<?x1x8x8xf32>) -> tensor<?x1x8x8xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$prediction, AnyRankedTensor:$target);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $prediction `,` $target attr-dict `:` functional-type(operands, results)
  }];
}

def Shodh_MseLossGradOp : Shodh_LossGradOp<"mse_loss_grad", "mse_loss">;
def Shodh_RelL2LossGradOp : Shodh_LossGradOp<"rel_l2_loss_grad", "rel_l2_loss">;

//===----------------------------------------------------------------------===//
// Optimizer
//===----------------------------------------------------------------------===//

def Shodh_GradGlobalNormOp : Shodh_ComputeOp<"grad_global_norm"> {
  let summary = "The L2 norm of several gradients taken together";
  let description = [{
    `sqrt(sum_k sum |g_k|^2)` over every element of every operand (complex
    elements count both parts); the result is `tensor<1xf32>`. Feeds
    `shodh.clip_by_norm`.

    ```mlir
    %n = shodh.grad_global_norm %gw, %gb
        : (tensor<16x3xf32>, tensor<16xf32>) -> tensor<1xf32>
    ```
  }];
  let arguments = (ins Variadic<AnyRankedTensor>:$grads);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$grads attr-dict `:` functional-type(operands, results)";
}

def Shodh_ClipByNormOp : Shodh_Op<"clip_by_norm", [Pure, Shodh_ShapeChecked,
    InferTypeOpAdaptorWithIsCompatible,
    DeclareOpInterfaceMethods<Shodh_KernelOpInterface, ["getKernelInPlace"]>]> {
  let summary = "Scales a gradient so that the global norm is at most max_norm";
  let description = [{
    Scales `g` by about `min(1, max_norm / norm)` with `norm` from
    `shodh.grad_global_norm`, as PyTorch's `clip_grad_norm_` (the kernel's
    exact formula is in docs/runtime.md). The kernel works
    in place: the result reuses the gradient's tensor, so the gradient
    operand must have no later readers. `max_norm` is positive.

    ```mlir
    %c = shodh.clip_by_norm %g, %n {max_norm = 1.0 : f64}
        : (tensor<16x3xf32>, tensor<1xf32>) -> tensor<16x3xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$grad, AnyRankedTensor:$norm,
                       F64Attr:$max_norm);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $grad `,` $norm attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Shodh_AdamOp : Shodh_Op<"adam", [
    MemoryEffects<[MemRead, MemWrite]>,
    DeclareOpInterfaceMethods<SymbolUserOpInterface>,
    DeclareOpInterfaceMethods<Shodh_KernelOpInterface,
        ["getKernelInputs", "getKernelWrites"]>]> {
  let summary = "Adam / AdamW update of a parameter, in place";
  let description = [{
    Updates the parameter `param` and its moments `m`, `v` (states of the
    parameter's type) in place from the gradient `grad` and the learning
    rate `lr` (`tensor<1xf32>`), reading the 1-based step number from the
    state `step` (`tensor<1xi64>`). With t = step:
    `m = beta1 m + (1 - beta1) g`, `v = beta2 v + (1 - beta2) |g|^2`,
    `p -= lr * (m / (1 - beta1^t)) / (sqrt(v / (1 - beta2^t)) + eps)`;
    `weight_decay` adds `weight_decay * p` to g (Adam) or, with `decoupled`
    (AdamW), subtracts `lr * weight_decay * p` from p first. Complex
    parameters are updated as pairs of reals (complex moments, `|g|^2` per
    part). Lowers to the kernel `adam` with inputs
    (param, grad, m, v, step, lr) writing (param, m, v).

    ```mlir
    shodh.adam @w, %gw, %lr {m = @w.adam_m, v = @w.adam_v, step = @train.step,
        beta1 = 0.9 : f64, beta2 = 0.999 : f64, eps = 1.0e-8 : f64,
        weight_decay = 0.0 : f64, decoupled = false}
        : tensor<16x3xf32>, tensor<1xf32>
    ```
  }];
  let arguments = (ins FlatSymbolRefAttr:$param, AnyRankedTensor:$grad,
                       AnyRankedTensor:$lr, FlatSymbolRefAttr:$m,
                       FlatSymbolRefAttr:$v, FlatSymbolRefAttr:$step,
                       F64Attr:$beta1, F64Attr:$beta2, F64Attr:$eps,
                       F64Attr:$weight_decay,
                       DefaultValuedAttr<BoolAttr, "false">:$decoupled);
  let assemblyFormat = [{
    $param `,` $grad `,` $lr attr-dict `:` type($grad) `,` type($lr)
  }];
  let hasVerifier = 1;
}

def Shodh_StepIncrementOp : Shodh_Op<"step_increment", [
    MemoryEffects<[MemRead, MemWrite]>,
    DeclareOpInterfaceMethods<SymbolUserOpInterface>,
    DeclareOpInterfaceMethods<Shodh_KernelOpInterface,
        ["getKernelInputs", "getKernelWrites"]>]> {
  let summary = "Adds one to the step counter, in place";
  let description = [{
    Increments the `tensor<1xi64>` state `step`. `@train_step` runs it before
    the optimizer ops, which therefore read the 1-based number of the step
    being taken. Lowers to the kernel `step_increment` (step) -> step.

    ```mlir
    shodh.step_increment @train.step
    ```
  }];
  let arguments = (ins FlatSymbolRefAttr:$step);
  let assemblyFormat = "$step attr-dict";
}

#endif // SHODH_TRAINING_OPS_TD
