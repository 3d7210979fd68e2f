//===- InferShapes.cpp - Propagate result types through functions ---------===//
//
// Implements --shodh-infer-shapes: walks each function in order, gives every
// `shodh.read` its parameter's (or state's) type, re-infers the results of ops
// implementing InferTypeOpInterface, and updates the function's result types
// from its return. Inference errors are reported at the failing op.
//
//===----------------------------------------------------------------------===//
#include "dialect/ShapeRules.h"
#include "dialect/ShodhOps.h"
#include "passes/Passes.h"

#include "mlir/Interfaces/InferTypeOpInterface.h"

namespace mlir::shodh {
#define GEN_PASS_DEF_SHODHINFERSHAPES
#include "passes/Passes.h.inc"
} // namespace mlir::shodh

using namespace mlir;
using namespace mlir::shodh;

namespace {

/// Gives `read` the type of the parameter or state it reads.
LogicalResult refineRead(ReadOp read) {
  RankedTensorType type = read.getGlobalType();
  if (!type)
    return read.emitOpError("unknown parameter ") << read.getParamAttr();
  read.getResult().setType(type);
  return success();
}

/// Checks that the inferred type of result `index` of `op` keeps every
/// static size its declared type gives: the source's types are checked when
/// the sizes are still symbolic, and a size declared there must not change
/// silently once the hyperparameters are bound.
LogicalResult checkDeclaredSizes(Operation *op, unsigned index, Type declared,
                                 Type inferred) {
  auto from = dyn_cast<RankedTensorType>(declared);
  auto to = dyn_cast<RankedTensorType>(inferred);
  if (!from || !to || from.getRank() != to.getRank())
    return success();
  for (auto [dim, sizes] :
       llvm::enumerate(llvm::zip(from.getShape(), to.getShape()))) {
    auto [was, is] = sizes;
    if (!sizesConflict(was, is))
      continue;
    return op->emitOpError("result #")
           << index << " is declared " << declared << " but its operands give "
           << inferred << " (dimension #" << dim << ": " << was << " vs " << is
           << " once the hyperparameters are bound); write '?' there or fix "
              "the sizes";
  }
  return success();
}

/// Re-infers the result types of `op` from its operands.
LogicalResult refineInferred(InferTypeOpInterface op) {
  Operation *raw = op.getOperation();
  SmallVector<Type> types;
  if (failed(op.inferReturnTypes(raw->getContext(), raw->getLoc(),
                                 raw->getOperands(), raw->getAttrDictionary(),
                                 raw->getPropertiesStorage(), raw->getRegions(),
                                 types)))
    return failure();
  for (auto [index, result, type] : llvm::enumerate(raw->getResults(), types)) {
    if (failed(checkDeclaredSizes(raw, index, result.getType(), type)))
      return failure();
    result.setType(type);
  }
  return success();
}

/// Refines one op; ops without a shape rule keep their types.
LogicalResult refineOp(Operation *op) {
  if (auto read = dyn_cast<ReadOp>(op))
    return refineRead(read);
  if (auto inferable = dyn_cast<InferTypeOpInterface>(op))
    return refineInferred(inferable);
  return success();
}

/// Refines every op of `func` and its result types.
LogicalResult inferFunction(func::FuncOp func) {
  if (func.isExternal())
    return success();
  for (Operation &op : func.getBody().getOps())
    if (failed(refineOp(&op)))
      return failure();
  Operation *terminator = func.getBody().back().getTerminator();
  func.setFunctionType(FunctionType::get(func.getContext(),
                                         func.getArgumentTypes(),
                                         terminator->getOperandTypes()));
  return success();
}

/// The pass: infers every function of the module.
struct InferShapesPass
    : mlir::shodh::impl::ShodhInferShapesBase<InferShapesPass> {
  void runOnOperation() override {
    for (func::FuncOp func : getOperation().getOps<func::FuncOp>())
      if (failed(inferFunction(func)))
        return signalPassFailure();
  }
};

} // namespace
