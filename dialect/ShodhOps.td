//===- ShodhOps.td - Operations of the shodh dialect -------*- tablegen -*-===//
//
// Operations of the `shodh` dialect, grouped by family: parameters and state,
// dense neural-network ops, spectral ops, repetition, gradients, losses,
// optimizer updates, and the lowered kernel call. Expert families are added
// here as their own sections.
//
//===----------------------------------------------------------------------===//
#ifndef SHODH_OPS_TD
#define SHODH_OPS_TD

include "dialect/ShodhDialect.td"
include "dialect/ShodhInterfaces.td"
include "mlir/IR/SymbolInterfaces.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/IR/BuiltinAttributes.td"

//===----------------------------------------------------------------------===//
// Parameters and state
//===----------------------------------------------------------------------===//

def Shodh_ParamOp : Shodh_Op<"param", [Symbol, HasParent<"::mlir::ModuleOp">]> {
  let summary = "A trainable parameter: a named, mutable tensor with an init spec";
  let description = [{
    Declares a module-level parameter. Parameters are mutable state, not SSA
    values: programs read them with `shodh.read` (and training programs update
    them in place). `dims` gives one entry per dimension, an integer literal
    or the name of an integer hyperparameter; it may be omitted when the type
    is fully static. Entries may also be integer expressions over integer
    hyperparameters with `+ - * /` (integer division) and parentheses, such
    as `"2*modes"` or `"res/2+1"`. `--shodh-bind-hyperparams` resolves `dims`
    into the type.

    `init` is the initialisation recipe: `kind` is one of
    `zeros`, `ones`, `constant` (`a`), `uniform` (`a`, `b`, optional `fan`),
    `normal` (`a` = mean, `b` = std) or `fan_in_uniform` (`fan`;
    U(-1/sqrt(fan), 1/sqrt(fan))). A `fan` is an integer, an integer
    hyperparameter name or an integer expression. With a `fan`, `uniform`
    draws from U(a/fan, b/fan): `{a = 0.0, b = 1.0, fan = "width*width"}` is
    PyTorch's FNO spectral-weight init `torch.rand(cfloat) / (in * out)`.
    Complex parameters draw their real and imaginary parts independently.
    Random kinds take an optional integer `seed`.

    ```mlir
    shodh.param @w_lift {dims = ["width", "cin"],
        init = {kind = "fan_in_uniform", fan = "cin", seed = 1 : i64}}
        : tensor<?x?xf32>
    shodh.param @spec_w {dims = ["width", "width", "2*modes", "modes"],
        init = {kind = "uniform", a = 0.0 : f64, b = 1.0 : f64,
                fan = "width*width", seed = 3 : i64}}
        : tensor<?x?x?x?xcomplex<f32>>
    shodh.param @scale {init = {kind = "constant", a = 0.5 : f64}} : tensor<4xf32>
    ```
  }];
  let arguments = (ins SymbolNameAttr:$sym_name,
                       TypeAttrOf<AnyRankedTensor>:$type,
                       OptionalAttr<ArrayAttr>:$dims,
                       DictionaryAttr:$init);
  let assemblyFormat = "$sym_name attr-dict `:` $type";
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The parameter's tensor type.
    ::mlir::RankedTensorType getTensorType() {
      return ::llvm::cast<::mlir::RankedTensorType>(getType());
    }
  }];
}

def Shodh_StateOp : Shodh_Op<"state", [Symbol, HasParent<"::mlir::ModuleOp">]> {
  let summary = "Persistent non-trainable state: optimizer moments, step counter";
  let description = [{
    Declares a module-level mutable tensor that is not trained: optimizer
    moments, the step counter, later RNG and controller state. Like
    `shodh.param` it lives outside the activation arena, is read with
    `shodh.read` and updated in place by optimizer ops; `dims` and `init`
    follow the rules of `shodh.param` (`dims` may be omitted when the type is
    static). In the model file it is a tensor of role `state`.
    `--shodh-build-training` creates `<param>.adam_m`, `<param>.adam_v` and
    `train.step`.

    ```mlir
    shodh.state @w.adam_m {init = {kind = "zeros"}} : tensor<16x3xf32>
    shodh.state @train.step {init = {kind = "zeros"}} : tensor<1xi64>
    ```
  }];
  let arguments = (ins SymbolNameAttr:$sym_name,
                       TypeAttrOf<AnyRankedTensor>:$type,
                       OptionalAttr<ArrayAttr>:$dims,
                       DictionaryAttr:$init);
  let assemblyFormat = "$sym_name attr-dict `:` $type";
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The state's tensor type.
    ::mlir::RankedTensorType getTensorType() {
      return ::llvm::cast<::mlir::RankedTensorType>(getType());
    }
  }];
}

def Shodh_ReadOp : Shodh_Op<"read", [
    DeclareOpInterfaceMethods<SymbolUserOpInterface>,
    MemoryEffects<[MemRead]>]> {
  let summary = "Reads the current value of a parameter or state tensor";
  let description = [{
    Yields the value of the `shodh.param` or `shodh.state` named by `param`.
    The result type must be compatible with its type; `--shodh-infer-shapes`
    refines it to that type.

    ```mlir
    %w = shodh.read @w_lift : tensor<16x3xf32>
    ```
  }];
  let arguments = (ins FlatSymbolRefAttr:$param);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$param attr-dict `:` type($result)";
  let extraClassDeclaration = [{
    /// The parameter this op reads, or null if the symbol does not resolve
    /// to a parameter.
    ParamOp getParamOp();
    /// The type of the parameter or state read, or null if unresolved.
    ::mlir::RankedTensorType getGlobalType();
  }];
}

//===----------------------------------------------------------------------===//
// Dense neural-network ops
//===----------------------------------------------------------------------===//

/// Checks an op's shape rules (its inferReturnTypes) before the generic
/// InferTypeOpInterface verification, so a violated rule gives one error.
def Shodh_ShapeChecked : NativeOpTrait<"ShapeChecked"> {
  let cppNamespace = "::mlir::shodh::OpTrait";
}

/// Ops with a gradient rule (GradientOpInterface).
defvar Shodh_Differentiable =
    DeclareOpInterfaceMethods<Shodh_GradientOpInterface>;

/// Base class of dense compute ops: pure, shape-inferring, lowered to kernels.
class Shodh_ComputeOp<string mnemonic, list<Trait> traits = []>
    : Shodh_Op<mnemonic, !listconcat([Pure, Shodh_ShapeChecked,
        InferTypeOpAdaptorWithIsCompatible,
        DeclareOpInterfaceMethods<Shodh_KernelOpInterface>], traits)>;

def Shodh_LinearOp : Shodh_ComputeOp<"linear", [Shodh_Differentiable]> {
  let summary = "Linear map over one channel axis: y = W x + b";
  let description = [{
    Applies `weight` ([Cout, Cin]) along dimension `axis` (default 1, the
    channel axis of `[B, C, ...]`) of `input`, which must have Cin elements
    there, then adds the optional `bias` ([Cout]). The result has the
    input's shape with Cout at `axis` (a 1x1 convolution for channel-first
    fields).

    ```mlir
    %y = shodh.linear %x, %w, %b {axis = 1 : i64}
        : (tensor<?x3x8x8xf32>, tensor<16x3xf32>, tensor<16xf32>) -> tensor<?x16x8x8xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, AnyRankedTensor:$weight,
                       Optional<AnyRankedTensor>:$bias,
                       DefaultValuedAttr<I64Attr, "1">:$axis);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? attr-dict `:` functional-type(operands, results)
  }];
}

def Shodh_LinearAddOp : Shodh_ComputeOp<"linear_add"> {
  let summary = "Linear map plus a residual: y = W x + b + r (fused)";
  let description = [{
    `shodh.linear` followed by `shodh.add` of `residual` (the result's
    type), as one kernel: the residual (and bias) are written into y and
    the GEMM accumulates onto them, saving the add's pass over memory.
    Formed by `--shodh-fuse-elementwise` after autodiff; it has no gradient
    of its own.

    ```mlir
    %y = shodh.linear_add %x, %w, %r, %b {axis = 1 : i64}
        : (tensor<?x16x8x8xf32>, tensor<16x16xf32>, tensor<?x16x8x8xf32>, tensor<16xf32>)
        -> tensor<?x16x8x8xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, AnyRankedTensor:$weight,
                       AnyRankedTensor:$residual,
                       Optional<AnyRankedTensor>:$bias,
                       DefaultValuedAttr<I64Attr, "1">:$axis);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $input `,` $weight `,` $residual (`,` $bias^)? attr-dict `:` functional-type(operands, results)
  }];
}

def Shodh_GeluOp : Shodh_ComputeOp<"gelu", [Shodh_Differentiable]> {
  let summary = "Gaussian error linear unit, exact or tanh-approximated";
  let description = [{
    Elementwise GELU. `approximate` is `"none"` (x Φ(x), the default) or
    `"tanh"` (the tanh approximation, as PyTorch's `approximate="tanh"`).

    ```mlir
    %y = shodh.gelu %x : (tensor<?x16xf32>) -> tensor<?x16xf32>
    %z = shodh.gelu %x {approximate = "tanh"} : (tensor<?x16xf32>) -> tensor<?x16xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input,
                       DefaultValuedStrAttr<StrAttr, "none">:$approximate);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

/// Elementwise binary op over two tensors of compatible shapes.
class Shodh_ElementwiseBinaryOp<string mnemonic, string what>
    : Shodh_ComputeOp<mnemonic, [Shodh_Differentiable]> {
  let summary = "Elementwise " # what # " of two tensors of the same shape";
  let arguments = (ins AnyRankedTensor:$lhs, AnyRankedTensor:$rhs);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$lhs `,` $rhs attr-dict `:` functional-type(operands, results)";
}

def Shodh_AddOp : Shodh_ElementwiseBinaryOp<"add", "sum"> {
  let description = [{
    Elementwise `lhs + rhs`. Both operands have the same element type and
    compatible shapes (a dynamic dimension matches any size); the result
    takes the more static size of each dimension.

    ```mlir
    %s = shodh.add %a, %b : (tensor<?x16xf32>, tensor<?x16xf32>) -> tensor<?x16xf32>
    ```
  }];
}

def Shodh_MulOp : Shodh_ElementwiseBinaryOp<"mul", "product"> {
  let description = [{
    Elementwise `lhs * rhs`, with the same shape rules as `shodh.add`.

    ```mlir
    %p = shodh.mul %a, %b : (tensor<?x16xf32>, tensor<?x16xf32>) -> tensor<?x16xf32>
    ```
  }];
}

//===----------------------------------------------------------------------===//
// Spectral ops
//===----------------------------------------------------------------------===//

/// An integer list that may use hyperparameters (HyperparamAttrOpInterface).
def Shodh_IntListAttr : AnyAttrOf<[DenseI64ArrayAttr, ArrayAttr],
    "array<i64: ...> or a list of integers and integer expressions">;

/// An integer that may be an expression over hyperparameters.
def Shodh_IntExprAttr : AnyAttrOf<[I64Attr, StrAttr],
    "i64 or an integer expression over hyperparameters">;

/// A compute op with attributes that may use hyperparameters.
class Shodh_HyperparamComputeOp<string mnemonic>
    : Shodh_ComputeOp<mnemonic,
        [DeclareOpInterfaceMethods<Shodh_HyperparamAttrOpInterface>,
         Shodh_Differentiable]>;

def Shodh_RfftOp : Shodh_ComputeOp<"rfft", [Shodh_Differentiable]> {
  let summary = "Real-to-complex FFT over the trailing axes";
  let description = [{
    Transforms the trailing `ndims` (1 to 3) axes of a real tensor (f32 or
    f64) into the half spectrum of the rfft layout: `[..., N_1, .., N_d]`
    becomes `[..., N_1, .., N_{d-1}, N_d/2+1]` of `complex<f32>` (or
    `complex<f64>`). `norm` is `"backward"` (no scaling, the default),
    `"ortho"` (1/sqrt(N)) or `"forward"` (1/N), as in `torch.fft.rfftn`.

    ```mlir
    %f = shodh.rfft %x {ndims = 2 : i64}
        : (tensor<?x32x64x64xf32>) -> tensor<?x32x64x33xcomplex<f32>>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, I64Attr:$ndims,
                       DefaultValuedStrAttr<StrAttr, "backward">:$norm);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Shodh_IrfftOp : Shodh_HyperparamComputeOp<"irfft"> {
  let summary = "Complex-to-real inverse FFT over the trailing axes";
  let description = [{
    The inverse of `shodh.rfft`: `[..., N_1, .., N_{d-1}, H]` of complex
    becomes the real `[..., N_1, .., N_d]` with `N_d = last_size`, which the
    half spectrum alone does not determine (`H = N_d/2+1` for two values of
    `N_d`). `last_size` is an integer or an integer expression over
    hyperparameters (`"res"`); when `H` is static, `last_size/2+1` must equal
    it. `norm` as for `shodh.rfft` (`"backward"` scales by 1/N). On the
    result of a `shodh.spectral_pad`, `ndims` equals the pad's number of
    modes.

    ```mlir
    %y = shodh.irfft %f {ndims = 2 : i64, last_size = 64 : i64}
        : (tensor<?x32x64x33xcomplex<f32>>) -> tensor<?x32x64x64xf32>
    %z = shodh.irfft %f {ndims = 2 : i64, last_size = "res", norm = "ortho"}
        : (tensor<?x32x64x33xcomplex<f32>>) -> tensor<?x32x64x?xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, I64Attr:$ndims,
                       Shodh_IntExprAttr:$last_size,
                       DefaultValuedStrAttr<StrAttr, "backward">:$norm);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Shodh_SpectralTruncateOp : Shodh_HyperparamComputeOp<"spectral_truncate"> {
  let summary = "Keeps the low modes of a half spectrum (all corners)";
  let description = [{
    Keeps, over the trailing d = size(`modes`) axes of an rfft half spectrum
    `[..., N_1, .., N_{d-1}, H]`, the m_i lowest non-negative and the m_i
    highest (negative) frequencies of each full axis and the m_d lowest of
    the last (half) axis: the 2^(d-1) corner blocks FNO multiplies. The
    result `[..., 2m_1, .., 2m_{d-1}, m_d]` stores the non-negative block
    first on each full axis. Requires 2m_i <= N_i and m_d <= H where sizes
    are static. `modes` is `array<i64: ...>` or a list of integers and
    integer expressions over hyperparameters (`["modes", "modes"]`). On the
    result of a `shodh.rfft` it has one entry per transformed axis (ndims).

    ```mlir
    %t = shodh.spectral_truncate %f {modes = array<i64: 12, 12>}
        : (tensor<?x32x64x33xcomplex<f32>>) -> tensor<?x32x24x12xcomplex<f32>>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, Shodh_IntListAttr:$modes);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Shodh_SpectralPadOp : Shodh_HyperparamComputeOp<"spectral_pad"> {
  let summary = "Places truncated modes back into a zero half spectrum";
  let description = [{
    The inverse placement of `shodh.spectral_truncate`: the input
    `[..., 2m_1, .., 2m_{d-1}, m_d]` is written into the corners of a zero
    half spectrum of the real grid `sizes` = N_1..N_d, giving
    `[..., N_1, .., N_{d-1}, N_d/2+1]`. Requires 2m_i <= N_i and
    m_d <= N_d/2+1. `modes` and `sizes` are `array<i64: ...>` or lists of
    integers and integer expressions over hyperparameters.

    ```mlir
    %p = shodh.spectral_pad %c {modes = array<i64: 12, 12>, sizes = array<i64: 64, 64>}
        : (tensor<?x32x24x12xcomplex<f32>>) -> tensor<?x32x64x33xcomplex<f32>>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, Shodh_IntListAttr:$modes,
                       Shodh_IntListAttr:$sizes);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def Shodh_SpectralContractOp
    : Shodh_ComputeOp<"spectral_contract", [Shodh_Differentiable]> {
  let summary = "Per-mode complex channel mixing: bi...,io...->bo...";
  let description = [{
    Mixes channels independently at every retained mode:
    `out[b, o, k...] = sum_i x[b, i, k...] * weight[i, o, k...]` for
    `x` = `[B, I, K...]` and `weight` = `[I, O, K...]` (one to three mode
    dimensions), both of the same complex element type. The result is
    `[B, O, K...]`.

    ```mlir
    %c = shodh.spectral_contract %t, %w
        : (tensor<?x32x24x12xcomplex<f32>>, tensor<32x32x24x12xcomplex<f32>>)
        -> tensor<?x32x24x12xcomplex<f32>>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, AnyRankedTensor:$weight);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $input `,` $weight attr-dict `:` functional-type(operands, results)
  }];
}

def Shodh_SpectralConvOp : Shodh_HyperparamComputeOp<"spectral_conv"> {
  let summary = "Fused FNO spectral convolution";
  let description = [{
    The fused form of the FNO chain, with `d` = size(`modes`) spatial axes:
    `irfft(spectral_pad(spectral_contract(spectral_truncate(rfft(x)), weight)))`
    with norm `"backward"`. `x` is real `[B, I, N_1, .., N_d]`, `weight` is
    `[I, O, 2m_1, .., 2m_{d-1}, m_d]` of the matching complex type, the
    result is real `[B, O, N_1, .., N_d]`. Requires 2m_i <= N_i and
    m_d <= N_d/2+1 where sizes are static. `--shodh-fuse-spectral` forms it.

    ```mlir
    %y = shodh.spectral_conv %x, %w {modes = array<i64: 12, 12>}
        : (tensor<?x32x64x64xf32>, tensor<32x32x24x12xcomplex<f32>>)
        -> tensor<?x32x64x64xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, AnyRankedTensor:$weight,
                       Shodh_IntListAttr:$modes);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $input `,` $weight attr-dict `:` functional-type(operands, results)
  }];
}

//===----------------------------------------------------------------------===//
// Repetition
//===----------------------------------------------------------------------===//

def Shodh_RepeatOp : Shodh_Op<"repeat", [
    RecursiveMemoryEffects, SingleBlock,
    DeclareOpInterfaceMethods<Shodh_HyperparamAttrOpInterface>]> {
  let summary = "Repeats a body `count` times with loop-carried tensors";
  let description = [{
    Runs its single-block body `count` times. The body's arguments receive
    `inits` on the first iteration and the values of the previous iteration's
    `shodh.yield` afterwards; the results are the last yielded values (the
    `inits` when `count` is 0). `count` is a non-negative integer or an
    integer expression over hyperparameters (`"layers-1"`).

    `--shodh-expand-repeats` (right after hyperparameter binding) unrolls the
    body. Every `shodh.read @p` in the body reads a per-iteration instance:
    iteration i reads the new parameter `@p_i`, a copy of `@p` whose init
    seed s becomes s * 1000 + i (a missing seed counts as 0). `@p` is erased
    when nothing else reads it.

    ```mlir
    %h = shodh.repeat (%h0) {count = "layers-1"}
        : (tensor<?x32x64x64xf32>) -> tensor<?x32x64x64xf32> {
    ^bb0(%in: tensor<?x32x64x64xf32>):
      %w = shodh.read @skip_w : tensor<32x32xf32>
      %l = shodh.linear %in, %w {axis = 1 : i64}
          : (tensor<?x32x64x64xf32>, tensor<32x32xf32>) -> tensor<?x32x64x64xf32>
      %g = shodh.gelu %l : (tensor<?x32x64x64xf32>) -> tensor<?x32x64x64xf32>
      shodh.yield %g : tensor<?x32x64x64xf32>
    }
    ```
  }];
  let arguments = (ins Shodh_IntExprAttr:$count, Variadic<AnyType>:$inits);
  let results = (outs Variadic<AnyType>:$results);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = [{
    `(` $inits `)` attr-dict `:` functional-type($inits, $results) $body
  }];
  let hasVerifier = 1;
}

def Shodh_YieldOp : Shodh_Op<"yield", [
    Pure, Terminator, HasParent<"RepeatOp">]> {
  let summary = "Ends a repeat body, passing values to the next iteration";
  let description = [{
    Terminates the body of `shodh.repeat`; its operands become the body's
    arguments in the next iteration and the repeat's results after the last.

    ```mlir
    shodh.yield %g : tensor<?x32x64x64xf32>
    ```
  }];
  let arguments = (ins Variadic<AnyType>:$values);
  let assemblyFormat = "($values^ `:` type($values))? attr-dict";
}

// Gradients, losses and optimizer ops (built by --shodh-build-training).
include "dialect/ShodhTrainingOps.td"

// Sparse experts: routing, dispatch/combine and router losses.
include "dialect/ShodhRoutingOps.td"
// Expert ops (ExpertOpInterface), patches and resampling.
include "dialect/ShodhExpertOps.td"
// Training-time control: auxiliary loss terms and the PI controller.
include "dialect/ShodhControlOps.td"
// Physics: divergence-free projection, divergence and curl.
include "dialect/ShodhPhysicsOps.td"
// Convolutions and normalisation (autoencoders).
include "dialect/ShodhNnOps.td"
// Multi-head self-attention (latent transformer).
include "dialect/ShodhAttentionOps.td"
// The fused channel MLP (linear -> GELU -> linear) and its gradient.
include "dialect/ShodhMlpOps.td"
// Whole-layer fused forms (spectral_conv + skip + GELU).
include "dialect/ShodhLayerOps.td"

//===----------------------------------------------------------------------===//
// Lowered form
//===----------------------------------------------------------------------===//

def Shodh_KernelOp : Shodh_Op<"kernel", [
    DeclareOpInterfaceMethods<SymbolUserOpInterface>]> {
  let summary = "A call of a runtime kernel by name";
  let description = [{
    The lowered form of every compute op: calls the runtime kernel `kernel`
    on `inputs` and yields its results. `attrs` holds the kernel's
    attributes. After `--shodh-lifetimes` each call also carries
    `shodh.index` (its position in the program) and `shodh.live` (one
    `array<i64: first, last>` live range per result).

    Two forms write existing tensors in place. `writes` lists parameters and
    state (flat symbol references) that the call updates; they are the
    kernel's outputs after its results. `in_place` gives, per result, the
    index of the input whose tensor the result overwrites (-1: a new
    tensor); such an input must not be a function argument or a
    `shodh.read`, and nothing may read it after the call.

    ```mlir
    %y = shodh.kernel "linear"(%x, %w, %b) {attrs = {axis = 1 : i64}}
        : (tensor<?x3xf32>, tensor<16x3xf32>, tensor<16xf32>) -> tensor<?x16xf32>
    shodh.kernel "step_increment"(%s) {writes = [@train.step]} : (tensor<1xi64>) -> ()
    %c = shodh.kernel "clip_by_norm"(%g, %n) {attrs = {max_norm = 1.0 : f64}, in_place = array<i64: 0>}
        : (tensor<16x3xf32>, tensor<1xf32>) -> tensor<16x3xf32>
    ```
  }];
  let arguments = (ins StrAttr:$kernel, Variadic<AnyType>:$inputs,
                       OptionalAttr<DictionaryAttr>:$attrs,
                       OptionalAttr<FlatSymbolRefArrayAttr>:$writes,
                       OptionalAttr<DenseI64ArrayAttr>:$in_place);
  let results = (outs Variadic<AnyType>:$results);
  let builders = [
    OpBuilder<(ins "::mlir::TypeRange":$resultTypes,
                   "::mlir::StringAttr":$kernel, "::mlir::ValueRange":$inputs,
                   "::mlir::DictionaryAttr":$attrs), [{
      build($_builder, $_state, resultTypes, kernel, inputs, attrs,
            ::mlir::ArrayAttr(), ::mlir::DenseI64ArrayAttr());
    }]>
  ];
  let assemblyFormat = [{
    $kernel `(` $inputs `)` attr-dict `:` functional-type($inputs, $results)
  }];
  let hasVerifier = 1;
}

#endif // SHODH_OPS_TD
