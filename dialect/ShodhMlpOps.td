//===- ShodhMlpOps.td --------------------------------------*- tablegen -*-===//
//
// The channel MLP: linear -> GELU -> linear over one channel axis as one op
// (the projection block of an FNO), and its gradient, which recomputes the
// hidden activations instead of keeping them. `--shodh-fuse-channel-mlp`
// forms it from the three ops before autodiff; after autodiff
// `--shodh-fuse-elementwise` folds it with an MSE loss and the gradient
// into channel_mlp_mse_grad. Included from ShodhOps.td.
//
//===----------------------------------------------------------------------===//
#ifndef SHODH_MLP_OPS_TD
#define SHODH_MLP_OPS_TD

def Shodh_ChannelMlpOp
    : Shodh_ComputeOp<"channel_mlp", [Shodh_Differentiable]> {
  let summary = "linear -> GELU -> linear over one channel axis (fused)";
  let description = [{
    `y = W2 gelu(W1 x + b1) + b2` along dimension `axis` of `input`
    (`shodh.linear`'s convention: `w1` is [H, C], `b1` [H], `w2` [O, H],
    `b2` [O]; the result has the input's shape with O at `axis`), f32.
    The hidden activations ([.., H, ..], often the largest tensors of a
    model) never exist as tensors: the kernel computes them tile by tile,
    and `shodh.channel_mlp_grad` recomputes them, so a training step keeps
    only `input`. `approximate` is GELU's (`"none"` or `"tanh"`).

    ```mlir
    %y = shodh.channel_mlp %x, %w1, %b1, %w2, %b2 {axis = 1 : i64}
        : (tensor<?x32x64x64xf32>, tensor<128x32xf32>, tensor<128xf32>,
           tensor<1x128xf32>, tensor<1xf32>) -> tensor<?x1x64x64xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, AnyRankedTensor:$w1,
                       AnyRankedTensor:$b1, AnyRankedTensor:$w2,
                       AnyRankedTensor:$b2,
                       DefaultValuedAttr<I64Attr, "1">:$axis,
                       DefaultValuedStrAttr<StrAttr, "none">:$approximate);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $input `,` $w1 `,` $b1 `,` $w2 `,` $b2 attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Shodh_ChannelMlpGradOp : Shodh_ComputeOp<"channel_mlp_grad"> {
  let summary = "All gradients of `shodh.channel_mlp` in one op";
  let description = [{
    From the forward input x, the weights and the cotangent dy of the
    result, with h = W1 x + b1 and g = gelu(h) recomputed tile by tile:
    `dw2 = dy g^T`, `db2 = sum(dy)`, `dh = gelu'(h) * (W2^T dy)`,
    `dw1 = dh x^T`, `db1 = sum(dh)`, `dx = W1^T dh` (sums over every
    position off `axis`). Results: (dx, dw1, db1, dw2, db2), typed as x and
    the parameters.

    ```mlir
    %dx, %dw1, %db1, %dw2, %db2 = shodh.channel_mlp_grad %x, %w1, %b1, %w2, %dy {axis = 1 : i64}
        : (tensor<?x32x64x64xf32>, tensor<128x32xf32>, tensor<128xf32>,
           tensor<1x128xf32>, tensor<?x1x64x64xf32>)
        -> (tensor<?x32x64x64xf32>, tensor<128x32xf32>, tensor<128xf32>,
            tensor<1x128xf32>, tensor<1xf32>)
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, AnyRankedTensor:$w1,
                       AnyRankedTensor:$b1, AnyRankedTensor:$w2,
                       AnyRankedTensor:$dy,
                       DefaultValuedAttr<I64Attr, "1">:$axis,
                       DefaultValuedStrAttr<StrAttr, "none">:$approximate);
  let results = (outs AnyRankedTensor:$dx, AnyRankedTensor:$dw1,
                      AnyRankedTensor:$db1, AnyRankedTensor:$dw2,
                      AnyRankedTensor:$db2);
  let assemblyFormat = [{
    $input `,` $w1 `,` $b1 `,` $w2 `,` $dy attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Shodh_ChannelMlpMseGradOp : Shodh_ComputeOp<"channel_mlp_mse_grad"> {
  let summary = "A channel MLP's MSE loss against a target and all its gradients";
  let description = [{
    `y = shodh.channel_mlp(x, w1, b1, w2, b2)`, `loss = shodh.mse_loss(y,
    target)` and `shodh.channel_mlp_grad(x, w1, b1, w2, dy)` with
    `dy = shodh.mse_loss_grad(y, target)`, as one op: the kernel makes each
    tile's y and dy and runs its gradient while the tile's hidden
    activations are in cache, so the forward pass over the MLP (its GEMM
    and GELU, which the gradient recomputes anyway) and y and dy as tensors
    disappear. Results: (loss, dx, dw1, db1, dw2, db2), the loss typed as
    `shodh.mse_loss`'s result, the others as `shodh.channel_mlp_grad`'s.
    Formed after autodiff by `--shodh-fuse-elementwise` when y feeds only
    the loss and its gradient (an FNO's projection head in a training
    step); it has no gradient of its own.

    ```mlir
    %l, %dx, %dw1, %db1, %dw2, %db2 = shodh.channel_mlp_mse_grad %x, %w1, %b1, %w2, %b2, %t {axis = 1 : i64}
        : (tensor<?x32x64x64xf32>, tensor<128x32xf32>, tensor<128xf32>,
           tensor<1x128xf32>, tensor<1xf32>, tensor<?x1x64x64xf32>)
        -> (tensor<1xf32>, tensor<?x32x64x64xf32>, tensor<128x32xf32>,
            tensor<128xf32>, tensor<1x128xf32>, tensor<1xf32>)
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, AnyRankedTensor:$w1,
                       AnyRankedTensor:$b1, AnyRankedTensor:$w2,
                       AnyRankedTensor:$b2, AnyRankedTensor:$target,
                       DefaultValuedAttr<I64Attr, "1">:$axis,
                       DefaultValuedStrAttr<StrAttr, "none">:$approximate);
  let results = (outs AnyRankedTensor:$loss, AnyRankedTensor:$dx,
                      AnyRankedTensor:$dw1, AnyRankedTensor:$db1,
                      AnyRankedTensor:$dw2, AnyRankedTensor:$db2);
  let assemblyFormat = [{
    $input `,` $w1 `,` $b1 `,` $w2 `,` $b2 `,` $target attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

#endif // SHODH_MLP_OPS_TD
