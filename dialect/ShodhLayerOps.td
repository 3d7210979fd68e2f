//===- ShodhLayerOps.td ------------------------------------*- tablegen -*-===//
//
// Whole-layer fused forms that the fusion passes make after autodiff, so the
// kernels pass over a layer's activations fewer times. Included from
// ShodhOps.td.
//
//===----------------------------------------------------------------------===//
#ifndef SHODH_LAYER_OPS_TD
#define SHODH_LAYER_OPS_TD

def Shodh_SpectralConvAddOp : Shodh_ComputeOp<"spectral_conv_add"> {
  let summary = "spectral_conv plus an addend, then an optional GELU (fused)";
  let description = [{
    `y = act(spectral_conv(x, w) + addend)`: an FNO Fourier layer whose
    skip branch (`addend`, usually `linear(x, skip_w, skip_b)`, the result's
    type) is added, and `activation` applied (`"none"`, `"gelu"` or
    `"gelu_tanh"`), grid by grid right after each grid's inverse transform
    while it is in cache. The spectral branch never exists as a tensor and
    the activation is no separate pass over memory.
    `--shodh-fuse-elementwise` forms it from
    `gelu(linear_add(x', W, spectral_conv(x, w), b))` (the spectral result
    and the sum used once, so only where no gradient needs them: inference
    programs). Operands and `modes` as `shodh.spectral_conv`; it has no
    gradient of its own.

    ```mlir
    %y = shodh.spectral_conv_add %x, %w, %skip {modes = array<i64: 12, 12>, activation = "gelu"}
        : (tensor<?x32x64x64xf32>, tensor<32x32x24x12xcomplex<f32>>, tensor<?x32x64x64xf32>)
        -> tensor<?x32x64x64xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, AnyRankedTensor:$weight,
                       AnyRankedTensor:$addend, DenseI64ArrayAttr:$modes,
                       DefaultValuedStrAttr<StrAttr, "none">:$activation);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $input `,` $weight `,` $addend attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Shodh_FourierLayerOp : Shodh_ComputeOp<"fourier_layer"> {
  let summary = "A whole FNO Fourier layer: act(spectral_conv + skip linear)";
  let description = [{
    `y = act(spectral_conv(x, w) + skip_w x + skip_b)`, the skip linear over
    the channel axis (`shodh.linear` with axis 1: `skip_w` [O, I], optional
    `skip_b` [O]), `activation` `"none"`, `"gelu"` or `"gelu_tanh"`. The
    kernel writes each batch element's skip product into the output and
    adds the inverse transforms onto it grid by grid, then applies the
    activation while the grid is in cache: neither branch is a tensor.
    `--shodh-fuse-elementwise` forms it from
    `spectral_conv_add(x, w, linear(x, skip_w, skip_b))` when the linear
    reads the same `x` and is used only there (inference programs), and
    with `activation = "none"` from `linear_add(x, skip_w, spectral_conv(x,
    w), skip_b)` (a last layer, or any layer of a training program, whose
    GELU stays apart for its gradient). Operands and `modes` otherwise as
    `shodh.spectral_conv`; no gradient of its own (`shodh.fourier_layer_grad`
    is formed from the unfused gradients).

    ```mlir
    %y = shodh.fourier_layer %x, %w, %sw, %sb {modes = array<i64: 12, 12>, activation = "gelu"}
        : (tensor<?x32x64x64xf32>, tensor<32x32x24x12xcomplex<f32>>, tensor<32x32xf32>,
           tensor<32xf32>) -> tensor<?x32x64x64xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, AnyRankedTensor:$weight,
                       AnyRankedTensor:$skip_weight,
                       Optional<AnyRankedTensor>:$skip_bias,
                       DenseI64ArrayAttr:$modes,
                       DefaultValuedStrAttr<StrAttr, "none">:$activation);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $input `,` $weight `,` $skip_weight (`,` $skip_bias^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Shodh_FourierLayerSaveOp : Shodh_ComputeOp<"fourier_layer_save"> {
  let summary = "fourier_layer that also returns its input's truncated spectrum";
  let description = [{
    `shodh.fourier_layer` plus the truncated spectrum of `input`
    (truncate(rfft(x)), unscaled, `[B, I, 2m_1.., m_d]` complex) it computes
    anyway, for the backward pass (as `shodh.spectral_conv_save` for a
    plain spectral convolution). `--shodh-share-spectra` forms it from a
    `fourier_layer` whose input a spectral gradient also reads (training
    programs, where `--shodh-fuse-elementwise` fuses a layer's spectral
    convolution and skip linear into `fourier_layer` and the GELU stays
    apart: its gradient needs the pre-activation).

    ```mlir
    %y, %xs = shodh.fourier_layer_save %x, %w, %sw, %sb {modes = array<i64: 12, 12>}
        : (tensor<?x32x64x64xf32>, tensor<32x32x24x12xcomplex<f32>>, tensor<32x32xf32>,
           tensor<32xf32>) -> (tensor<?x32x64x64xf32>, tensor<?x32x24x12xcomplex<f32>>)
    ```

    With `activated_output` `"gelu"` or `"gelu_tanh"` (and `activation`
    `"none"`) the op has a third result, `activated = gelu(result)`, while
    `result` stays the pre-activation the backward's GELU' reads: the
    kernel writes both from cache instead of a separate `shodh.gelu`
    reading the result back (`--shodh-fuse-layer-activation` forms it).
    With `derivative_result` as well, `result` is the GELU's derivative at
    the pre-activation instead, which the layer gradients then take as
    given (their activation `"derivative"`): the derivative is computed
    with the GELU, sharing Φ, rather than from scratch in the backward.

    ```mlir
    %z, %xs, %a = shodh.fourier_layer_save %x, %w, %sw, %sb
        {modes = array<i64: 12, 12>, activated_output = "gelu"}
        : (tensor<?x32x64x64xf32>, tensor<32x32x24x12xcomplex<f32>>, tensor<32x32xf32>,
           tensor<32xf32>)
        -> (tensor<?x32x64x64xf32>, tensor<?x32x24x12xcomplex<f32>>, tensor<?x32x64x64xf32>)
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, AnyRankedTensor:$weight,
                       AnyRankedTensor:$skip_weight,
                       Optional<AnyRankedTensor>:$skip_bias,
                       DenseI64ArrayAttr:$modes,
                       DefaultValuedStrAttr<StrAttr, "none">:$activation,
                       DefaultValuedStrAttr<StrAttr, "none">:$activated_output,
                       UnitAttr:$derivative_result);
  let results = (outs AnyRankedTensor:$result, AnyRankedTensor:$spectrum,
                      Optional<AnyRankedTensor>:$activated);
  let assemblyFormat = [{
    $input `,` $weight `,` $skip_weight (`,` $skip_bias^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Shodh_FourierLayerGradOp : Shodh_ComputeOp<"fourier_layer_grad"> {
  let summary = "The backward of an FNO Fourier layer's two branches, fused";
  let description = [{
    `(dx, dw)` of `y = spectral_conv(x, w) + skip_w x (+ skip_b)` for a
    cotangent `dy`, with the input gradient optionally multiplied by the
    previous layer's activation derivative:
    `dx = act'(pre) * (spectral_conv_grad_input(dy, w) + skip_w^T dy)`
    (`activation` `"none"`, `"gelu"` or `"gelu_tanh"`; `pre`, the
    pre-activation whose activation is `x`, is given exactly when the
    activation is not `"none"`; with `"derivative"` `pre` holds act'
    itself, saved by the forward layer's `derivative_result`, and dx is
    multiplied by it), `dw` as `shodh.spectral_conv_grad`'s. The
    first operand is x [B, I, N..] or its truncated spectrum
    [B, I, 2m_1.., m_d] saved by the forward (`--shodh-share-spectra`
    replaces the one by the other). The kernel adds each batch element's
    skip product and inverse transforms into dx and applies act' grid by
    grid while in cache: neither branch's gradient is a tensor.
    `--shodh-fuse-elementwise` forms it from
    `linear_grad_input(dy, skip_w, spectral_conv_grad(x, dy, w)#0)` (axis 1,
    the spectral input gradient used only there), and folds a following
    `gelu_grad(pre, ..)` into it (training programs).

    ```mlir
    %dx, %dw = shodh.fourier_layer_grad %xs, %dy, %w, %sw, %pre
        {modes = array<i64: 12, 12>, activation = "gelu"}
        : (tensor<?x32x24x12xcomplex<f32>>, tensor<?x32x64x64xf32>,
           tensor<32x32x24x12xcomplex<f32>>, tensor<32x32xf32>,
           tensor<?x32x64x64xf32>)
        -> (tensor<?x32x64x64xf32>, tensor<32x32x24x12xcomplex<f32>>)
    ```
  }];
  let arguments = (ins AnyRankedTensor:$source, AnyRankedTensor:$dy,
                       AnyRankedTensor:$weight, AnyRankedTensor:$skip_weight,
                       Optional<AnyRankedTensor>:$pre,
                       DenseI64ArrayAttr:$modes,
                       DefaultValuedStrAttr<StrAttr, "none">:$activation);
  let results = (outs AnyRankedTensor:$dx, AnyRankedTensor:$dw);
  let assemblyFormat = [{
    $source `,` $dy `,` $weight `,` $skip_weight (`,` $pre^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Shodh_FourierLayerGradParamsOp : Shodh_ComputeOp<"fourier_layer_grad_params"> {
  let summary = "fourier_layer_grad plus the skip linear's weight and bias gradients";
  let description = [{
    `shodh.fourier_layer_grad` (operands and `dx`, `dw` as there) that also
    returns the skip linear's parameter gradients for the same `dy`:
    `skip_dw = sum over (b, n..) of dy x^T` ([O, I]) and `skip_db = sum of
    dy` ([O]), `x` (`skip_input`, the layer's input [B, I, N..], dx's type)
    being the skip's input: `shodh.linear_grad_params(x, dy)` with axis 1.
    The kernel adds each batch element's block of dy x^T while the block of
    dy it has just read for the skip's input gradient is in cache, so dy is
    read once for the layer's whole backward when the batch splits evenly
    over the threads (otherwise these sums read dy in a pass of their own).
    `--shodh-fuse-elementwise` forms it from a `fourier_layer_grad(x, dy,
    ..)` and a `linear_grad_params(x, dy)` (axis 1) of the same `x` and `dy`
    (training programs).

    ```mlir
    %dx, %dw, %sdw, %sdb = shodh.fourier_layer_grad_params %x, %dy, %w, %sw, %x, %pre
        {modes = array<i64: 12, 12>, activation = "gelu"}
        : (tensor<?x32x64x64xf32>, tensor<?x32x64x64xf32>,
           tensor<32x32x24x12xcomplex<f32>>, tensor<32x32xf32>,
           tensor<?x32x64x64xf32>, tensor<?x32x64x64xf32>)
        -> (tensor<?x32x64x64xf32>, tensor<32x32x24x12xcomplex<f32>>,
            tensor<32x32xf32>, tensor<32xf32>)
    ```
  }];
  let arguments = (ins AnyRankedTensor:$source, AnyRankedTensor:$dy,
                       AnyRankedTensor:$weight, AnyRankedTensor:$skip_weight,
                       AnyRankedTensor:$skip_input,
                       Optional<AnyRankedTensor>:$pre,
                       DenseI64ArrayAttr:$modes,
                       DefaultValuedStrAttr<StrAttr, "none">:$activation);
  let results = (outs AnyRankedTensor:$dx, AnyRankedTensor:$dw,
                      AnyRankedTensor:$skip_dw, AnyRankedTensor:$skip_db);
  let assemblyFormat = [{
    $source `,` $dy `,` $weight `,` $skip_weight `,` $skip_input (`,` $pre^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

#endif // SHODH_LAYER_OPS_TD
