//===- InferShapes.cpp - Propagate result types through functions ---------===//
//
// Implements --shodh-infer-shapes: walks each function in order, gives every
// `shodh.read` its parameter's (or state's) type, re-infers the results of ops
// implementing InferTypeOpInterface, and updates the function's result types
// from its return. Inference errors are reported at the failing op.
//
//===----------------------------------------------------------------------===//
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

/// Re-infers the result types of `op` from its operands.
LogicalResult refineInferred(InferTypeOpInterface op) {
  Operation *raw = op.getOperation();
  SmallVector<Type> types;
  if (failed(op.inferReturnTypes(raw->getContext(), raw->getLoc(),
                                 raw->getOperands(), raw->getAttrDictionary(),
                                 raw->getPropertiesStorage(), raw->getRegions(),
                                 types)))
    return failure();
  for (auto [result, type] : llvm::zip(raw->getResults(), types))
    result.setType(type);
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
