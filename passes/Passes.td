//===- Passes.td - Passes over the shodh dialect -----------*- tablegen -*-===//
//
// Declares the shodh compiler passes in pipeline order. Each has a
// `--shodh-...` flag and a lit test named after the flag in test/passes/.
//
//===----------------------------------------------------------------------===//
#ifndef SHODH_PASSES_TD
#define SHODH_PASSES_TD

include "mlir/Pass/PassBase.td"

def ShodhBindHyperparams : Pass<"shodh-bind-hyperparams", "::mlir::ModuleOp"> {
  let summary = "Override hyperparameters and resolve symbolic dims into types";
  let description = [{
    Applies `set` overrides (`key=value`, parsed according to the declared
    kind of `key`) to the module's `shodh.hyperparams`, then resolves every
    `dims` of `shodh.param` and every `shodh.dims` of function arguments into
    concrete tensor types. The batch symbol `B` becomes `batch` when it is
    positive and stays dynamic otherwise. Function signatures are updated.
  }];
  let options = [
    ListOption<"set", "set", "std::string",
               "Hyperparameter overrides, each 'key=value'">,
    Option<"batch", "batch", "int64_t", /*default=*/"0",
           "Batch size bound to the dimension 'B' (0 keeps it symbolic)">,
  ];
  let dependentDialects = ["::mlir::func::FuncDialect"];
}

def ShodhInferShapes : Pass<"shodh-infer-shapes", "::mlir::ModuleOp"> {
  let summary = "Re-infer result types through every function";
  let description = [{
    Walks each function in order: `shodh.read` takes its parameter's type, ops
    implementing InferTypeOpInterface get their inferred result types, and the
    function's result types follow its return. Inference failures are
    reported as errors at the op.
  }];
}

def ShodhLowerToKernels : Pass<"shodh-lower-to-kernels", "::mlir::ModuleOp"> {
  let summary = "Replace compute ops by shodh.kernel calls";
  let description = [{
    Replaces every op implementing KernelOpInterface by `shodh.kernel` with
    the op's kernel name and attributes. `shodh.read`, `shodh.kernel` and
    `func.return` stay; any other op in a function is an error.
  }];
}

def ShodhLifetimes : Pass<"shodh-lifetimes", "::mlir::ModuleOp"> {
  let summary = "Number kernel calls and annotate activation live ranges";
  let description = [{
    On lowered functions: makes every returned value the result of its own
    kernel call (inserting `shodh.kernel "copy"` for returned arguments,
    parameter reads and repeated values), then sets `shodh.index` on each
    call, `shodh.live` (one [first, last] range per result) on each call and
    `shodh.live` on each function argument. Returned values live until N,
    the number of calls.
  }];
}

def ShodhSerialize : Pass<"shodh-serialize", "::mlir::ModuleOp"> {
  let summary = "Write the lowered, annotated module as a model file";
  let description = [{
    Translates the module (after `--shodh-lifetimes`) into a model file
    (runtime/format/model.fbs) and writes it atomically to `output`.
  }];
  let options = [
    Option<"output", "output", "std::string", /*default=*/"",
           "Path of the model file to write">,
    Option<"target", "target", "std::string", /*default=*/"\"cpu\"",
           "Target recorded in the model file">,
  ];
}

#endif // SHODH_PASSES_TD
