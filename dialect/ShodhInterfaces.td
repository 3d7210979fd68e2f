//===- ShodhInterfaces.td - Op interfaces of the shodh dialect -*- tablegen -*-===//
//
// Op interfaces shared by shodh ops. `KernelOpInterface` describes how an op
// lowers to a runtime kernel call (`shodh.kernel`). Later: gradient rules
// (`GradientOpInterface`) and experts (`ExpertOpInterface`).
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

#endif // SHODH_INTERFACES_TD
