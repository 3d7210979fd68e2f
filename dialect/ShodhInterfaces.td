//===- ShodhInterfaces.td - Op interfaces of the shodh dialect -*- tablegen -*-===//
//
// Op interfaces shared by shodh ops. `KernelOpInterface` describes how an op
// lowers to a runtime kernel call (`shodh.kernel`);
// `HyperparamAttrOpInterface` marks integer attributes that may be written
// with hyperparameters; `GradientOpInterface` builds an op's backward ops
// for reverse-mode autodiff (--shodh-build-training); `ExpertOpInterface`
// describes a grouped expert layer on ragged token groups (docs/experts.md).
//
//===----------------------------------------------------------------------===//
#ifndef SHODH_INTERFACES_TD
#define SHODH_INTERFACES_TD

include "mlir/IR/OpBase.td"

def Shodh_KernelOpInterface : OpInterface<"KernelOpInterface"> {
  let cppNamespace = "::mlir::shodh";
  let description = [{
    An op that maps one-to-one onto a runtime kernel. `--shodh-lower-to-kernels`
    replaces it by `shodh.kernel "<getKernelName()>"(operands...)` whose
    `attrs` dictionary holds `getKernelAttrs()`. The runtime looks the kernel
    up by name in its registry, so names and attribute names are part of the
    model-file contract.
  }];
  let methods = [
    InterfaceMethod<
      /*desc=*/"Returns the name of the runtime kernel implementing this op.",
      /*retTy=*/"::llvm::StringRef",
      /*methodName=*/"getKernelName">,
    InterfaceMethod<
      /*desc=*/[{Returns the kernel's attributes (integers as i64, strings,
                 floats as f64, arrays) in a stable order.}],
      /*retTy=*/"::llvm::SmallVector<::mlir::NamedAttribute>",
      /*methodName=*/"getKernelAttrs">,
    InterfaceMethod<
      /*desc=*/[{Returns the kernel call's inputs. Ops that name persistent
                 tensors by symbol (optimizer updates) create the
                 `shodh.read` ops for them with `builder`, which is set
                 before the op. The default is the op's operands.}],
      /*retTy=*/"::llvm::SmallVector<::mlir::Value>",
      /*methodName=*/"getKernelInputs",
      /*args=*/(ins "::mlir::OpBuilder &":$builder),
      /*methodBody=*/"",
      /*defaultImplementation=*/[{
        return ::llvm::SmallVector<::mlir::Value>($_op->getOperands());
      }]>,
    InterfaceMethod<
      /*desc=*/[{Returns the persistent tensors (parameters, state) the call
                 writes in place, as flat symbol references, in the order of
                 the kernel's outputs after its results; empty by default.}],
      /*retTy=*/"::llvm::SmallVector<::mlir::Attribute>",
      /*methodName=*/"getKernelWrites",
      /*args=*/(ins),
      /*methodBody=*/"",
      /*defaultImplementation=*/"return {};">,
    InterfaceMethod<
      /*desc=*/[{Returns, per result, the index of the kernel input whose
                 tensor the result overwrites in place, or -1 for a new
                 tensor; empty (all new) by default.}],
      /*retTy=*/"::llvm::SmallVector<int64_t>",
      /*methodName=*/"getKernelInPlace",
      /*args=*/(ins),
      /*methodBody=*/"",
      /*defaultImplementation=*/"return {};">,
  ];
}

def Shodh_GradientOpInterface : OpInterface<"GradientOpInterface"> {
  let cppNamespace = "::mlir::shodh";
  let description = [{
    An op with a reverse-mode gradient rule. `--shodh-build-training` walks a
    program backwards and asks each op for the cotangents of its operands
    given the cotangents of its results; the rule builds ordinary `shodh`
    ops (so fusion and lowering apply to the backward graph too). Complex
    tensors follow PyTorch's convention: the cotangent of a complex value z
    is dL/dRe(z) + i dL/dIm(z).
  }];
  let methods = [
    InterfaceMethod<
      /*desc=*/[{Builds the backward ops with `builder` (set at the end of the
                 backward graph). `resultGrads` holds one cotangent per result
                 (null: zero; for a loss, the root, null means d(loss) = 1).
                 `needed` says, per operand, whether its cotangent is wanted.
                 Fills `operandGrads` with one value per operand, null where
                 not needed or not differentiable. Emits an error and fails
                 if the rule does not apply.}],
      /*retTy=*/"::mlir::LogicalResult",
      /*methodName=*/"buildGradient",
      /*args=*/(ins "::mlir::OpBuilder &":$builder,
                    "::llvm::ArrayRef<::mlir::Value>":$resultGrads,
                    "::llvm::ArrayRef<bool>":$needed,
                    "::llvm::SmallVectorImpl<::mlir::Value> &":$operandGrads)>,
  ];
}

def Shodh_HyperparamAttrOpInterface : OpInterface<"HyperparamAttrOpInterface"> {
  let cppNamespace = "::mlir::shodh";
  let description = [{
    An op with integer attributes that may be written in terms of the
    module's hyperparameters, so that `shodhc --set` reaches them:
    - an integer list, bound form `array<i64: 12, 12>`, written as a list of
      integers and integer expressions (`["modes", "modes"]`, entries > 0);
    - an integer scalar, bound form an `i64`, written as an integer
      expression string (`"layers-1"`, `"res"`).
    The interface's verifier resolves written forms with the enclosing
    module's hyperparameters; `--shodh-bind-hyperparams` replaces them by
    their bound forms. Shape rules treat unbound values as unknown sizes.
  }];
  let methods = [
    InterfaceMethod<
      /*desc=*/"Returns the names of the attributes that may use hyperparameters.",
      /*retTy=*/"::llvm::SmallVector<::llvm::StringRef>",
      /*methodName=*/"getHyperparamAttrNames">,
  ];
  let verify = [{ return ::mlir::shodh::verifyHyperparamAttrs($_op); }];
}

def Shodh_ExpertOpInterface : OpInterface<"ExpertOpInterface"> {
  let cppNamespace = "::mlir::shodh";
  let description = [{
    An expert op of a mixture-of-experts layer (docs/experts.md): it takes
    the expert-sorted token rows `sorted` (B, R, F...) and `offsets` (E+1)
    i64 from `shodh.dispatch`, then stacked parameters (leading dim E), and
    returns (B, R, G...): rows [offsets[e], offsets[e+1]) of the flattened
    B·R rows are transformed with expert e's parameters, rows at or past
    offsets[E] (dropped by capacity) are zero. Operands are ordered
    `(sorted, offsets, params...)`; every parameter operand has E as dim 0.
    The methods give what passes (fusion, docs, shape checks) need without
    knowing the concrete expert type.
  }];
  let methods = [
    InterfaceMethod<
      /*desc=*/"Returns the token rows, operand 0: (B, R, F...).",
      /*retTy=*/"::mlir::Value", /*methodName=*/"getTokens", /*args=*/(ins),
      /*methodBody=*/"", /*defaultImplementation=*/"return $_op->getOperand(0);">,
    InterfaceMethod<
      /*desc=*/"Returns the group offsets, operand 1: (E+1) i64.",
      /*retTy=*/"::mlir::Value", /*methodName=*/"getGroupOffsets",
      /*args=*/(ins), /*methodBody=*/"",
      /*defaultImplementation=*/"return $_op->getOperand(1);">,
    InterfaceMethod<
      /*desc=*/[{Returns the stacked expert parameters (operands 2...), each
                 with the expert count E as dim 0, in kernel order.}],
      /*retTy=*/"::mlir::OperandRange", /*methodName=*/"getExpertParams",
      /*args=*/(ins), /*methodBody=*/"",
      /*defaultImplementation=*/"return $_op->getOperands().drop_front(2);">,
    InterfaceMethod<
      /*desc=*/[{Returns E, from the offsets' size (E+1) or else the first
                 parameter's dim 0; ShapedType::kDynamic if neither is static.}],
      /*retTy=*/"int64_t", /*methodName=*/"getNumExperts", /*args=*/(ins),
      /*methodBody=*/"", /*defaultImplementation=*/[{
        return ::mlir::shodh::getExpertCount($_op.getOperation());
      }]>,
    InterfaceMethod<
      /*desc=*/[{Returns the feature shape F... of one input token (the
                 tokens' dims after B and R): (F) for vector tokens,
                 (C, h, w) or (C, d, h, w) for patch tokens.}],
      /*retTy=*/"::llvm::SmallVector<int64_t>",
      /*methodName=*/"getInputFeatureShape", /*args=*/(ins),
      /*methodBody=*/"", /*defaultImplementation=*/[{
        auto t = ::llvm::cast<::mlir::RankedTensorType>(
            $_op->getOperand(0).getType());
        return ::llvm::SmallVector<int64_t>(t.getShape().drop_front(2));
      }]>,
    InterfaceMethod<
      /*desc=*/"Returns the feature shape G... of one output token (result 0).",
      /*retTy=*/"::llvm::SmallVector<int64_t>",
      /*methodName=*/"getOutputFeatureShape", /*args=*/(ins),
      /*methodBody=*/"", /*defaultImplementation=*/[{
        auto t = ::llvm::cast<::mlir::RankedTensorType>(
            $_op->getResult(0).getType());
        return ::llvm::SmallVector<int64_t>(t.getShape().drop_front(2));
      }]>,
    InterfaceMethod<
      /*desc=*/[{Returns the expert type's short name ("mlp", "fno"), used in
                 messages and by the fusion pass to name the grouped layer.}],
      /*retTy=*/"::llvm::StringRef", /*methodName=*/"getExpertKind">,
  ];
}

#endif // SHODH_INTERFACES_TD
