//===- ShodhNnOps.td ---------------------------------------*- tablegen -*-===//
//
// Strided N-d convolution, transposed convolution and layer normalisation
// (the autoencoder of Shodh-MoE), and their backward ops. Included from
// ShodhOps.td.
//
// Fields are channel-first [B, C, S_1, .., S_n] with n = 1, 2 or 3 spatial
// axes, f32 or f64 (all operands and the result of one op alike). `stride`
// and `padding` have one entry per spatial axis (default all 1 and all 0).
// The output size of a convolution is PyTorch's, floor((S + 2p - K) / s) +
// 1, and the verifier requires S + 2p >= K (docs/compiler.md § Convolutions
// and normalisation).
//
//===----------------------------------------------------------------------===//
#ifndef SHODH_NN_OPS_TD
#define SHODH_NN_OPS_TD

def Shodh_ConvOp : Shodh_ComputeOp<"conv", [Shodh_Differentiable]> {
  let summary = "N-d strided cross-correlation (torch conv1d/2d/3d)";
  let description = [{
    `y[b, o, j] = bias[o] + sum_{c, k} weight[o, c, k] * x[b, c, j*s - p + k]`
    for x `[B, C, S...]`, weight `[O, C, K...]` and the optional bias `[O]`
    (no dilation, no groups), with 1, 2 or 3 spatial axes. The result is
    `[B, O, S'...]` with `S' = floor((S + 2p - K) / s) + 1`. `padding_mode`
    is `"zeros"` (samples outside the input read 0) or `"circular"` (indices
    wrap around, a periodic field; needs p <= S). Its gradients are
    `shodh.conv_grad_input`, `shodh.conv_grad_weight` and
    `shodh.linear_grad_bias` (axis 1).

    ```mlir
    %y = shodh.conv %x, %w, %b {stride = array<i64: 2, 2, 2>, padding = array<i64: 1, 1, 1>}
        : (tensor<?x3x64x64x64xf32>, tensor<32x3x4x4x4xf32>, tensor<32xf32>)
        -> tensor<?x32x32x32x32xf32>
    %z = shodh.conv %u, %k {padding = array<i64: 1, 1>, padding_mode = "circular"}
        : (tensor<?x2x16x16xf32>, tensor<8x2x3x3xf32>) -> tensor<?x8x16x16xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, AnyRankedTensor:$weight,
                       Optional<AnyRankedTensor>:$bias,
                       OptionalAttr<DenseI64ArrayAttr>:$stride,
                       OptionalAttr<DenseI64ArrayAttr>:$padding,
                       DefaultValuedStrAttr<StrAttr, "zeros">:$padding_mode);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? attr-dict `:` functional-type(operands, results)
  }];
}

def Shodh_ConvTransposeOp
    : Shodh_ComputeOp<"conv_transpose", [Shodh_Differentiable]> {
  let summary = "N-d transposed convolution (torch conv_transpose1d/2d/3d)";
  let description = [{
    The adjoint of `shodh.conv` in its input, plus a bias:
    `y[b, o, j*s - p + k] += x[b, c, j] * weight[c, o, k]` for x
    `[B, C, S...]`, weight `[C, O, K...]` (PyTorch's layout) and the
    optional bias `[O]`. The result is `[B, O, S'...]` with
    `S' = (S - 1) s - 2p + K + output_padding`; `output_padding` (default 0)
    must be below the stride and `S'` positive. Zero padding only. Its input
    gradient is a `shodh.conv` of the cotangent with the same weight, its
    weight gradient a `shodh.conv_grad_weight` with the roles of x and dy
    swapped.

    ```mlir
    %y = shodh.conv_transpose %z, %w, %b {stride = array<i64: 2, 2, 2>, padding = array<i64: 1, 1, 1>}
        : (tensor<?x32x16x16x16xf32>, tensor<32x3x4x4x4xf32>, tensor<3xf32>)
        -> tensor<?x3x32x32x32xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, AnyRankedTensor:$weight,
                       Optional<AnyRankedTensor>:$bias,
                       OptionalAttr<DenseI64ArrayAttr>:$stride,
                       OptionalAttr<DenseI64ArrayAttr>:$padding,
                       OptionalAttr<DenseI64ArrayAttr>:$output_padding);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? attr-dict `:` functional-type(operands, results)
  }];
}

def Shodh_LayerNormOp : Shodh_ComputeOp<"layer_norm", [Shodh_Differentiable]> {
  let summary = "Normalisation over one axis with a per-channel affine map";
  let description = [{
    At every position of the other axes, normalises the C values along
    `axis` to zero mean and unit (biased) variance, then scales by `gamma`
    and shifts by `beta` (both `[C]`):
    `y = (x - mean) / sqrt(var + eps) * gamma[c] + beta[c]`. With `axis = 1`
    on a channel-first field `[B, C, S...]` this is the per-position channel
    norm of conv nets; with `axis = 2` on tokens `[B, T, C]` it is
    `torch.nn.LayerNorm(C)`. `eps` (default 1e-5) must be positive. Its
    gradients are `shodh.layer_norm_grad_input`,
    `shodh.layer_norm_grad_gamma` and `shodh.linear_grad_bias` (beta).

    ```mlir
    %y = shodh.layer_norm %x, %g, %b {axis = 1 : i64}
        : (tensor<?x32x16x16x16xf32>, tensor<32xf32>, tensor<32xf32>) -> tensor<?x32x16x16x16xf32>
    %t = shodh.layer_norm %tok, %g2, %b2 {axis = 2 : i64, eps = 1.0e-6 : f64}
        : (tensor<?x64x128xf32>, tensor<128xf32>, tensor<128xf32>) -> tensor<?x64x128xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, AnyRankedTensor:$gamma,
                       AnyRankedTensor:$beta,
                       DefaultValuedAttr<I64Attr, "1">:$axis,
                       DefaultValuedAttr<F64Attr, "1.0e-5">:$eps);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $input `,` $gamma `,` $beta attr-dict `:` functional-type(operands, results)
  }];
}

//===----------------------------------------------------------------------===//
// Backward ops (built by --shodh-build-training)
//===----------------------------------------------------------------------===//

def Shodh_ConvGradInputOp : Shodh_ComputeOp<"conv_grad_input"> {
  let summary = "Gradient of `shodh.conv` with respect to its input";
  let description = [{
    `dx[b, c, j*s - p + k] += dy[b, o, j] * weight[o, c, k]` (indices wrap
    with `padding_mode = "circular"`, fall outside with `"zeros"`): dy
    `[B, O, S'...]`, weight `[O, C, K...]`, result `[B, C, input_size...]`.
    `input_size` is the forward input's spatial size (the floor in the
    output size loses it); a convolution of it must give dy's size.

    ```mlir
    %dx = shodh.conv_grad_input %dy, %w {stride = array<i64: 2, 2>, padding = array<i64: 1, 1>,
                                         padding_mode = "zeros", input_size = array<i64: 16, 16>}
        : (tensor<?x8x8x8xf32>, tensor<8x3x4x4xf32>) -> tensor<?x3x16x16xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$dy, AnyRankedTensor:$weight,
                       DenseI64ArrayAttr:$stride, DenseI64ArrayAttr:$padding,
                       DefaultValuedStrAttr<StrAttr, "zeros">:$padding_mode,
                       DenseI64ArrayAttr:$input_size);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $dy `,` $weight attr-dict `:` functional-type(operands, results)
  }];
}

def Shodh_ConvGradWeightOp : Shodh_ComputeOp<"conv_grad_weight"> {
  let summary = "Gradient of `shodh.conv` with respect to its weight";
  let description = [{
    `dw[o, c, k] = sum_{b, j} dy[b, o, j] * x[b, c, j*s - p + k]` for x
    `[B, C, S...]` and dy `[B, O, S'...]`: the result is `[O, C, K...]` with
    `K = kernel_size`. Also the weight gradient of `shodh.conv_transpose`
    (x and dy swapped, zero padding).

    ```mlir
    %dw = shodh.conv_grad_weight %x, %dy {stride = array<i64: 2, 2>, padding = array<i64: 1, 1>,
                                          padding_mode = "zeros", kernel_size = array<i64: 4, 4>}
        : (tensor<?x3x16x16xf32>, tensor<?x8x8x8xf32>) -> tensor<8x3x4x4xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, AnyRankedTensor:$dy,
                       DenseI64ArrayAttr:$stride, DenseI64ArrayAttr:$padding,
                       DefaultValuedStrAttr<StrAttr, "zeros">:$padding_mode,
                       DenseI64ArrayAttr:$kernel_size);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $input `,` $dy attr-dict `:` functional-type(operands, results)
  }];
}

def Shodh_LayerNormGradInputOp : Shodh_ComputeOp<"layer_norm_grad_input"> {
  let summary = "Gradient of `shodh.layer_norm` with respect to its input";
  let description = [{
    With `xhat = (x - mean) * r`, `r = 1 / sqrt(var + eps)` and
    `g = dy * gamma` along `axis`:
    `dx = r * (g - mean(g) - xhat * mean(g * xhat))`. The result has x's
    type.

    ```mlir
    %dx = shodh.layer_norm_grad_input %x, %g, %dy {axis = 1 : i64, eps = 1.0e-5 : f64}
        : (tensor<?x32x8x8xf32>, tensor<32xf32>, tensor<?x32x8x8xf32>) -> tensor<?x32x8x8xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, AnyRankedTensor:$gamma,
                       AnyRankedTensor:$dy,
                       DefaultValuedAttr<I64Attr, "1">:$axis,
                       DefaultValuedAttr<F64Attr, "1.0e-5">:$eps);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $input `,` $gamma `,` $dy attr-dict `:` functional-type(operands, results)
  }];
}

def Shodh_LayerNormGradGammaOp : Shodh_ComputeOp<"layer_norm_grad_gamma"> {
  let summary = "Gradient of `shodh.layer_norm` with respect to gamma";
  let description = [{
    `dgamma[c] = sum over all other axes of dy * xhat` (xhat as for
    `shodh.layer_norm_grad_input`): the result is `[C]`, x's size at `axis`.

    ```mlir
    %dg = shodh.layer_norm_grad_gamma %x, %dy {axis = 1 : i64, eps = 1.0e-5 : f64}
        : (tensor<?x32x8x8xf32>, tensor<?x32x8x8xf32>) -> tensor<32xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, AnyRankedTensor:$dy,
                       DefaultValuedAttr<I64Attr, "1">:$axis,
                       DefaultValuedAttr<F64Attr, "1.0e-5">:$eps);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $input `,` $dy attr-dict `:` functional-type(operands, results)
  }];
}

#endif // SHODH_NN_OPS_TD
