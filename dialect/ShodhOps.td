//===- ShodhOps.td - Operations of the shodh dialect -------*- tablegen -*-===//
//
// Operations of the `shodh` dialect, grouped by family: parameters and state,
// dense neural-network ops, and the lowered kernel call. Spectral and expert
// families are added here as their own sections.
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
    is fully static. `--shodh-bind-hyperparams` resolves it into the type.

    `init` is the initialisation recipe: `kind` is one of
    `zeros`, `ones`, `constant` (`a`), `uniform` (`a`, `b`), `normal`
    (`a` = mean, `b` = std) or `fan_in_uniform` (`fan`: an integer or an
    integer hyperparameter name; U(-1/sqrt(fan), 1/sqrt(fan))). Random kinds
    take an optional integer `seed`.

    ```mlir
    shodh.param @w_lift {dims = ["width", "cin"],
        init = {kind = "fan_in_uniform", fan = "cin", seed = 1 : i64}}
        : tensor<?x?xf32>
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

def Shodh_ReadOp : Shodh_Op<"read", [
    DeclareOpInterfaceMethods<SymbolUserOpInterface>,
    MemoryEffects<[MemRead]>]> {
  let summary = "Reads the current value of a parameter";
  let description = [{
    Yields the value of the `shodh.param` named by `param`. The result type
    must be compatible with the parameter's type; `--shodh-infer-shapes`
    refines it to the parameter's type.

    ```mlir
    %w = shodh.read @w_lift : tensor<16x3xf32>
    ```
  }];
  let arguments = (ins FlatSymbolRefAttr:$param);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$param attr-dict `:` type($result)";
  let extraClassDeclaration = [{
    /// The parameter this op reads, or null if the symbol does not resolve.
    ParamOp getParamOp();
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

/// Base class of dense compute ops: pure, shape-inferring, lowered to kernels.
class Shodh_ComputeOp<string mnemonic, list<Trait> traits = []>
    : Shodh_Op<mnemonic, !listconcat([Pure, Shodh_ShapeChecked,
        InferTypeOpAdaptorWithIsCompatible,
        DeclareOpInterfaceMethods<Shodh_KernelOpInterface>], traits)>;

def Shodh_LinearOp : Shodh_ComputeOp<"linear"> {
  let summary = "Linear map over one channel axis: y = W x + b";
  let description = [{
    Applies `weight` ([Cout, Cin]) along dimension `axis` of `input`, which
    must have Cin elements there, then adds the optional `bias` ([Cout]). The
    result has the input's shape with Cout at `axis` (a 1x1 convolution for
    channel-first fields).

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

def Shodh_GeluOp : Shodh_ComputeOp<"gelu"> {
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
    : Shodh_ComputeOp<mnemonic> {
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
// Lowered form
//===----------------------------------------------------------------------===//

def Shodh_KernelOp : Shodh_Op<"kernel"> {
  let summary = "A call of a runtime kernel by name";
  let description = [{
    The lowered form of every compute op: calls the runtime kernel `kernel`
    on `inputs` and yields one or more new tensors. `attrs` holds the
    kernel's attributes. After `--shodh-lifetimes` each call also carries
    `shodh.index` (its position in the program) and `shodh.live` (one
    `array<i64: first, last>` live range per result).

    ```mlir
    %y = shodh.kernel "linear"(%x, %w, %b) {attrs = {axis = 1 : i64}}
        : (tensor<?x3xf32>, tensor<16x3xf32>, tensor<16xf32>) -> tensor<?x16xf32>
    ```
  }];
  let arguments = (ins StrAttr:$kernel, Variadic<AnyType>:$inputs,
                       OptionalAttr<DictionaryAttr>:$attrs);
  let results = (outs Variadic<AnyType>:$results);
  let assemblyFormat = [{
    $kernel `(` $inputs `)` attr-dict `:` functional-type($inputs, $results)
  }];
  let hasVerifier = 1;
}

#endif // SHODH_OPS_TD
