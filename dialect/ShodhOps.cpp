//===- ShodhOps.cpp - Operations of the shodh dialect ---------------------===//
//
// Verifiers of shodh ops, symbol resolution of `shodh.read`, and the
// KernelOpInterface implementations. Shape inference is in
// ShapeInference.cpp; dims and init specs in DimsSpec.cpp and InitSpec.cpp.
//
//===----------------------------------------------------------------------===//
#include "dialect/ShodhOps.h"
#include "dialect/DimsSpec.h"
#include "dialect/Hyperparams.h"
#include "dialect/InitSpec.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace mlir::shodh;

//===----------------------------------------------------------------------===//
// ParamOp
//===----------------------------------------------------------------------===//

/// Verifies `dims` against the type, or that the type is static without it.
static LogicalResult verifyParamDims(ParamOp op) {
  auto emitError = [&] { return op.emitOpError(); };
  ArrayAttr dims = op.getDimsAttr();
  if (!dims) {
    if (!op.getTensorType().hasStaticShape())
      return emitError() << "needs 'dims' because its type "
                         << op.getTensorType() << " is not fully static";
    return success();
  }
  return verifyDimsSpec(emitError, dims, op.getTensorType(),
                        getEnclosingHyperparams(op), DimsContext::Param);
}

/// Verifies the init spec.
static LogicalResult verifyParamInit(ParamOp op) {
  auto emitError = [&] { return op.emitOpError(); };
  return resolveInitSpec(emitError, op.getInit(), getEnclosingHyperparams(op));
}

LogicalResult ParamOp::verify() {
  if (failed(verifyParamDims(*this)))
    return failure();
  return verifyParamInit(*this);
}

//===----------------------------------------------------------------------===//
// ReadOp
//===----------------------------------------------------------------------===//

ParamOp ReadOp::getParamOp() {
  return SymbolTable::lookupNearestSymbolFrom<ParamOp>(*this, getParamAttr());
}

LogicalResult ReadOp::verifySymbolUses(SymbolTableCollection &symbolTable) {
  Operation *symbol =
      symbolTable.lookupNearestSymbolFrom(*this, getParamAttr());
  if (!symbol)
    return emitOpError("unknown parameter ") << getParamAttr();
  auto param = dyn_cast<ParamOp>(symbol);
  if (!param)
    return emitOpError() << getParamAttr() << " is a '" << symbol->getName()
                         << "', not a shodh.param";
  RankedTensorType paramType = param.getTensorType();
  if (getType().getElementType() != paramType.getElementType() ||
      failed(verifyCompatibleShape(getType(), paramType)))
    return emitOpError("result type ")
           << getType() << " is incompatible with parameter " << getParamAttr()
           << " of type " << paramType;
  return success();
}

//===----------------------------------------------------------------------===//
// GeluOp
//===----------------------------------------------------------------------===//

LogicalResult GeluOp::verify() {
  StringRef mode = getApproximate();
  if (mode != "none" && mode != "tanh")
    return emitOpError("approximate must be \"none\" or \"tanh\", got \"")
           << mode << "\"";
  return success();
}

//===----------------------------------------------------------------------===//
// KernelOp
//===----------------------------------------------------------------------===//

LogicalResult KernelOp::verify() {
  if (getKernel().empty())
    return emitOpError("kernel name must not be empty");
  if (getNumResults() == 0)
    return emitOpError("kernel '")
           << getKernel() << "' must produce at least one result";
  return success();
}

//===----------------------------------------------------------------------===//
// KernelOpInterface
//===----------------------------------------------------------------------===//

StringRef LinearOp::getKernelName() { return "linear"; }

SmallVector<NamedAttribute> LinearOp::getKernelAttrs() {
  Builder b(getContext());
  return {b.getNamedAttr("axis", b.getI64IntegerAttr(getAxis()))};
}

StringRef GeluOp::getKernelName() { return "gelu"; }

SmallVector<NamedAttribute> GeluOp::getKernelAttrs() {
  Builder b(getContext());
  return {b.getNamedAttr("approximate", b.getStringAttr(getApproximate()))};
}

StringRef AddOp::getKernelName() { return "add"; }

SmallVector<NamedAttribute> AddOp::getKernelAttrs() { return {}; }

StringRef MulOp::getKernelName() { return "mul"; }

SmallVector<NamedAttribute> MulOp::getKernelAttrs() { return {}; }

#define GET_OP_CLASSES
#include "dialect/ShodhOps.cpp.inc"
