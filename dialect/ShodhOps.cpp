//===- ShodhOps.cpp - Operations of the shodh dialect ---------------------===//
//
// Verifiers of shodh ops, symbol resolution of `shodh.read`, and the
// KernelOpInterface and HyperparamAttrOpInterface implementations. Shape
// inference is in ShapeInference.cpp and SpectralShapeInference.cpp; dims
// and init specs in DimsSpec.cpp and InitSpec.cpp.
//
//===----------------------------------------------------------------------===//
#include "dialect/ShodhOps.h"
#include "dialect/DimsSpec.h"
#include "dialect/HyperparamAttrs.h"
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
// RfftOp, IrfftOp
//===----------------------------------------------------------------------===//

/// Checks an FFT normalisation mode.
static LogicalResult verifyNorm(Operation *op, StringRef norm) {
  if (norm != "backward" && norm != "ortho" && norm != "forward")
    return op->emitOpError("norm must be \"backward\", \"ortho\" or "
                           "\"forward\", got \"")
           << norm << "\"";
  return success();
}

LogicalResult RfftOp::verify() { return verifyNorm(*this, getNorm()); }

LogicalResult IrfftOp::verify() { return verifyNorm(*this, getNorm()); }

//===----------------------------------------------------------------------===//
// RepeatOp
//===----------------------------------------------------------------------===//

/// Checks that there is one `what` per operand, each of a type compatible
/// with the operand's.
static LogicalResult checkMatchesOperands(RepeatOp op, TypeRange actual,
                                          StringRef what) {
  TypeRange inits = op.getInits().getTypes();
  if (inits.size() != actual.size())
    return op.emitOpError("expects one ")
           << what << " per operand (" << inits.size() << "), got "
           << actual.size();
  for (auto [index, pair] : llvm::enumerate(llvm::zip(inits, actual))) {
    auto [want, got] = pair;
    if (getElementTypeOrSelf(want) != getElementTypeOrSelf(got) ||
        failed(verifyCompatibleShape(want, got)))
      return op.emitOpError()
             << what << " #" << index << " has type " << got
             << ", incompatible with operand #" << index << " of type " << want;
  }
  return success();
}

/// Checks that the resolved count is non-negative.
static LogicalResult verifyRepeatCount(RepeatOp op) {
  FailureOr<int64_t> count = resolveHyperparamInt(op, "count");
  if (failed(count))
    return failure();
  if (*count >= 0)
    return success();
  InFlightDiagnostic diag = op.emitOpError("count ");
  if (auto text = dyn_cast<StringAttr>(op.getCount()))
    diag << "(" << text << ") ";
  return diag << "must be non-negative, got " << *count;
}

LogicalResult RepeatOp::verify() {
  Block &body = getBody().front();
  auto yield = dyn_cast_or_null<YieldOp>(body.empty() ? nullptr : &body.back());
  if (!yield)
    return emitOpError("body must end with shodh.yield");
  if (failed(checkMatchesOperands(*this, body.getArgumentTypes(),
                                  "body argument")) ||
      failed(checkMatchesOperands(*this, yield.getValues().getTypes(),
                                  "yielded value")) ||
      failed(checkMatchesOperands(*this, getResultTypes(), "result")))
    return failure();
  return verifyRepeatCount(*this);
}

//===----------------------------------------------------------------------===//
// HyperparamAttrOpInterface
//===----------------------------------------------------------------------===//

SmallVector<StringRef> IrfftOp::getHyperparamAttrNames() {
  return {getLastSizeAttrName().getValue()};
}

SmallVector<StringRef> SpectralTruncateOp::getHyperparamAttrNames() {
  return {getModesAttrName().getValue()};
}

SmallVector<StringRef> SpectralPadOp::getHyperparamAttrNames() {
  return {getModesAttrName().getValue(), getSizesAttrName().getValue()};
}

SmallVector<StringRef> SpectralConvOp::getHyperparamAttrNames() {
  return {getModesAttrName().getValue()};
}

SmallVector<StringRef> RepeatOp::getHyperparamAttrNames() {
  return {getCountAttrName().getValue()};
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

/// The attributes of the FFT kernels: `ndims` and `norm`.
template <typename OpT>
static SmallVector<NamedAttribute> getFftKernelAttrs(OpT op) {
  Builder b(op.getContext());
  return {b.getNamedAttr("ndims", b.getI64IntegerAttr(op.getNdims())),
          b.getNamedAttr("norm", b.getStringAttr(op.getNorm()))};
}

/// The `modes` kernel attribute (bound form: `array<i64: ...>`).
template <typename OpT>
static SmallVector<NamedAttribute> getModesKernelAttrs(OpT op) {
  Builder b(op.getContext());
  return {b.getNamedAttr("modes", op.getModes())};
}

StringRef RfftOp::getKernelName() { return "rfft"; }

SmallVector<NamedAttribute> RfftOp::getKernelAttrs() {
  return getFftKernelAttrs(*this);
}

StringRef IrfftOp::getKernelName() { return "irfft"; }

SmallVector<NamedAttribute> IrfftOp::getKernelAttrs() {
  return getFftKernelAttrs(*this);
}

StringRef SpectralTruncateOp::getKernelName() { return "spectral_truncate"; }

SmallVector<NamedAttribute> SpectralTruncateOp::getKernelAttrs() {
  return getModesKernelAttrs(*this);
}

StringRef SpectralPadOp::getKernelName() { return "spectral_pad"; }

SmallVector<NamedAttribute> SpectralPadOp::getKernelAttrs() {
  return getModesKernelAttrs(*this);
}

StringRef SpectralContractOp::getKernelName() { return "spectral_contract"; }

SmallVector<NamedAttribute> SpectralContractOp::getKernelAttrs() { return {}; }

StringRef SpectralConvOp::getKernelName() { return "spectral_conv"; }

SmallVector<NamedAttribute> SpectralConvOp::getKernelAttrs() {
  return getModesKernelAttrs(*this);
}

#define GET_OP_CLASSES
#include "dialect/ShodhOps.cpp.inc"
