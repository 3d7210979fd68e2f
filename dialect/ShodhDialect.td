//===- ShodhDialect.td - The shodh dialect -----------------*- tablegen -*-===//
//
// Declares the `shodh` dialect and the base class of its operations. Ops live
// in ShodhOps.td, op interfaces in ShodhInterfaces.td.
//
//===----------------------------------------------------------------------===//
#ifndef SHODH_DIALECT_TD
#define SHODH_DIALECT_TD

include "mlir/IR/OpBase.td"

def Shodh_Dialect : Dialect {
  let name = "shodh";
  let cppNamespace = "::mlir::shodh";
  let summary = "Neural operators: parameters, dense, spectral and expert ops";
  let description = [{
    The `shodh` dialect describes neural-operator models. A model is a
    `builtin.module` that declares its hyperparameters once as the module
    attribute `shodh.hyperparams`, its trainable parameters as `shodh.param`
    symbols, and its programs (`@infer`, later `@eval` and `@train_step`) as
    `func.func` operations over builtin tensors.

    ```mlir
    module attributes {shodh.hyperparams = {cin = 3 : i64, width = 16 : i64}} {
      shodh.param @w {dims = ["width", "cin"],
                      init = {kind = "fan_in_uniform", fan = "cin", seed = 1 : i64}}
          : tensor<?x?xf32>
      func.func @infer(%x: tensor<?x?xf32> {shodh.dims = ["B", "cin"]})
          -> tensor<?x?xf32> {
        %w = shodh.read @w : tensor<?x?xf32>
        %y = shodh.linear %x, %w {axis = 1 : i64}
            : (tensor<?x?xf32>, tensor<?x?xf32>) -> tensor<?x?xf32>
        return %y : tensor<?x?xf32>
      }
    }
    ```

    Dialect attributes:
    - `shodh.hyperparams` (on `builtin.module`): a dictionary of integer,
      float, bool or string values; the names `B` (the batch dimension)
      and `train.*` (the training configuration) are reserved.
    - `shodh.dims` (on function arguments): one entry per dimension, an
      integer literal, the name of an integer hyperparameter, an integer
      expression over hyperparameters (`"2*modes"`, `"res/2+1"`: `+ - * /`
      with integer division, parentheses nested up to 256 deep), or `"B"`
      for the batch dimension, which may stay dynamic.
    - `shodh.name` (on function arguments and results): the tensor's name in
      the model file.
    - `shodh.index`, `shodh.live` (set by `--shodh-lifetimes`): the position of
      a `shodh.kernel` in its program and the live ranges of its results and
      of the program's arguments.

    An op takes only the attributes listed under it below: any other name
    without a dialect prefix is an error that suggests the closest one
    (`'shodh.conv' op has no attribute 'padding_mod' (did you mean
    'padding_mode'?)`), so a misspelled optional attribute cannot leave the
    op at its default unnoticed.
  }];
  let hasOperationAttrVerify = 1;
  let hasRegionArgAttrVerify = 1;
  let hasRegionResultAttrVerify = 1;
}

/// Refuses attributes an op does not define (ShodhTraits.h).
def Shodh_KnownAttributesOnly : NativeOpTrait<"KnownAttributesOnly"> {
  let cppNamespace = "::mlir::shodh::OpTrait";
}

/// Base class of all shodh operations.
class Shodh_Op<string mnemonic, list<Trait> traits = []>
    : Op<Shodh_Dialect, mnemonic,
         !listconcat([Shodh_KnownAttributesOnly], traits)>;

#endif // SHODH_DIALECT_TD
