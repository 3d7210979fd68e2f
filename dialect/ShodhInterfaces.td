//===- ShodhInterfaces.td - Op interfaces of the shodh dialect -*- tablegen -*-===//
//
// Op interfaces shared by shodh ops. `KernelOpInterface` describes how an op
// lowers to a runtime kernel call (`shodh.kernel`);
// `HyperparamAttrOpInterface` marks integer attributes that may be written
// with hyperparameters. Later: gradient rules (`GradientOpInterface`) and
// experts (`ExpertOpInterface`).
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

#endif // SHODH_INTERFACES_TD
