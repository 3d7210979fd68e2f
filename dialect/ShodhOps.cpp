//===- ShodhOps.cpp - Operations of the shodh dialect ---------------------===//
//
// Verifiers of shodh ops, symbol resolution of `shodh.read`, of the
// optimizer ops and of kernel calls' in-place writes, and the
// HyperparamAttrOpInterface implementations. KernelOpInterface
// implementations are in KernelLowering.cpp. Shape
// inference is in ShapeInference.cpp, SpectralShapeInference.cpp and
// GradientShapeInference.cpp; gradient rules in Gradients.cpp; dims and init
// specs in DimsSpec.cpp and InitSpec.cpp.
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
#include "llvm/Support/Format.h"

using namespace mlir;
using namespace mlir::shodh;

//===----------------------------------------------------------------------===//
// ParamOp
//===----------------------------------------------------------------------===//

/// Verifies `dims` against the type of a parameter or state `op`, or that the
/// type is static without it.
template <typename OpT> static LogicalResult verifyGlobalDims(OpT op) {
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

/// Verifies the dims and the init spec of a parameter or state `op`.
template <typename OpT> static LogicalResult verifyGlobal(OpT op) {
  if (failed(verifyGlobalDims(op)))
    return failure();
  auto emitError = [&] { return op.emitOpError(); };
  return resolveInitSpec(emitError, op.getInit(), getEnclosingHyperparams(op));
}

LogicalResult ParamOp::verify() { return verifyGlobal(*this); }

LogicalResult StateOp::verify() { return verifyGlobal(*this); }

/// Returns the tensor type of `symbol` if it is a parameter or state, else
/// null.
RankedTensorType mlir::shodh::getGlobalTensorType(Operation *symbol) {
  if (auto param = dyn_cast_or_null<ParamOp>(symbol))
    return param.getTensorType();
  if (auto state = dyn_cast_or_null<StateOp>(symbol))
    return state.getTensorType();
  return {};
}

/// Resolves `ref` from `op` to a shodh.param (`wantParam`) or shodh.state;
/// emits an error naming `what` otherwise.
static FailureOr<RankedTensorType>
lookupGlobal(Operation *op, SymbolTableCollection &symbolTable,
             FlatSymbolRefAttr ref, bool wantParam, StringRef what) {
  Operation *symbol = symbolTable.lookupNearestSymbolFrom(op, ref);
  bool matches = wantParam ? isa_and_nonnull<ParamOp>(symbol)
                           : isa_and_nonnull<StateOp>(symbol);
  if (!matches)
    return op->emitOpError() << what << " " << ref << " must name a "
                             << (wantParam ? "shodh.param" : "shodh.state");
  return getGlobalTensorType(symbol);
}

//===----------------------------------------------------------------------===//
// ReadOp
//===----------------------------------------------------------------------===//

ParamOp ReadOp::getParamOp() {
  return SymbolTable::lookupNearestSymbolFrom<ParamOp>(*this, getParamAttr());
}

RankedTensorType ReadOp::getGlobalType() {
  return getGlobalTensorType(
      SymbolTable::lookupNearestSymbolFrom(*this, getParamAttr()));
}

LogicalResult ReadOp::verifySymbolUses(SymbolTableCollection &symbolTable) {
  Operation *symbol =
      symbolTable.lookupNearestSymbolFrom(*this, getParamAttr());
  if (!symbol)
    return emitOpError("unknown parameter ") << getParamAttr();
  RankedTensorType paramType = getGlobalTensorType(symbol);
  if (!paramType)
    return emitOpError() << getParamAttr() << " is a '" << symbol->getName()
                         << "', not a shodh.param or shodh.state";
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

LogicalResult mlir::shodh::verifyGeluApproximate(Operation *op,
                                                 StringRef mode) {
  if (mode != "none" && mode != "tanh")
    return op->emitOpError("approximate must be \"none\" or \"tanh\", got \"")
           << mode << "\"";
  return success();
}

LogicalResult GeluOp::verify() {
  return verifyGeluApproximate(*this, getApproximate());
}

LogicalResult GeluGradOp::verify() {
  return verifyGeluApproximate(*this, getApproximate());
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

/// "1 axis", "2 axes".
static std::string axesText(int64_t n) {
  return std::to_string(n) + (n == 1 ? " axis" : " axes");
}

LogicalResult IrfftOp::verify() {
  if (failed(verifyNorm(*this, getNorm())))
    return failure();
  // An irfft inverting fewer or more axes than its padded spectrum has
  // transforms axes that were never transformed (or leaves some spectral).
  auto pad = getInput().getDefiningOp<SpectralPadOp>();
  size_t padded = pad ? getKnownInts(pad.getModes()).size() : 0;
  const int64_t ndims = static_cast<int64_t>(getNdims());
  if (pad && static_cast<int64_t>(padded) != ndims)
    return emitOpError("inverts ")
           << axesText(ndims) << " (ndims) but its input was padded on "
           << axesText(padded) << " by 'shodh.spectral_pad'; they must agree";
  return success();
}

LogicalResult SpectralTruncateOp::verify() {
  // One mode count per axis the rfft transformed: fewer or more would mix
  // spectral axes with untransformed ones (the channel axis, say).
  auto rfft = getInput().getDefiningOp<RfftOp>();
  size_t kept = getKnownInts(getModes()).size();
  const int64_t ndims = rfft ? static_cast<int64_t>(rfft.getNdims()) : 0;
  if (rfft && static_cast<int64_t>(kept) != ndims)
    return emitOpError("keeps modes on ")
           << axesText(kept)
           << " but its input is the spectrum of a 'shodh.rfft' over "
           << axesText(ndims)
           << " (ndims); give one mode count per transformed axis";
  return success();
}

LogicalResult RfftGradOp::verify() { return verifyNorm(*this, getNorm()); }

LogicalResult IrfftGradOp::verify() { return verifyNorm(*this, getNorm()); }

//===----------------------------------------------------------------------===//
// ClipByNormOp, AdamOp, StepIncrementOp
//===----------------------------------------------------------------------===//

/// Formats `value` the short way ("0.1", "1e-08").
static std::string formatNumber(double value) {
  std::string text;
  llvm::raw_string_ostream(text) << llvm::format("%g", value);
  return text;
}

LogicalResult ClipByNormOp::verify() {
  if (!(getMaxNorm().convertToDouble() > 0.0))
    return emitOpError("max_norm must be positive, got ")
           << formatNumber(getMaxNorm().convertToDouble());
  return success();
}

/// Checks that `value` of hyperparameter `name` lies in [low, high) (or
/// [low, inf) without `high`), excluding `low` when `open`.
static LogicalResult checkRange(Operation *op, StringRef name, double value,
                                double low, bool open,
                                std::optional<double> high = std::nullopt) {
  bool ok = (open ? value > low : value >= low) && (!high || value < *high);
  if (ok)
    return success();
  InFlightDiagnostic diag = op->emitOpError() << name << " must be ";
  diag << (open ? "> " : ">= ") << formatNumber(low);
  if (high)
    diag << " and < " << formatNumber(*high);
  return diag << ", got " << formatNumber(value);
}

LogicalResult AdamOp::verify() {
  Operation *op = *this;
  if (failed(checkRange(op, "beta1", getBeta1().convertToDouble(), 0.0, false,
                        1.0)) ||
      failed(checkRange(op, "beta2", getBeta2().convertToDouble(), 0.0, false,
                        1.0)) ||
      failed(checkRange(op, "eps", getEps().convertToDouble(), 0.0, true)) ||
      failed(checkRange(op, "weight_decay", getWeightDecay().convertToDouble(),
                        0.0, false)))
    return failure();
  auto lr = dyn_cast<RankedTensorType>(getLr().getType());
  if (!lr || lr.getShape() != ArrayRef<int64_t>{1} ||
      !lr.getElementType().isF32())
    return emitOpError("lr must be tensor<1xf32>, got ") << getLr().getType();
  return success();
}

/// Checks that `ref` names the step counter: a state of type tensor<1xi64>.
static LogicalResult verifyStepSymbol(Operation *op,
                                      SymbolTableCollection &symbolTable,
                                      FlatSymbolRefAttr ref) {
  FailureOr<RankedTensorType> type =
      lookupGlobal(op, symbolTable, ref, /*wantParam=*/false, "step");
  if (failed(type))
    return failure();
  if (type->getShape() != ArrayRef<int64_t>{1} ||
      !type->getElementType().isSignlessInteger(64))
    return op->emitOpError("step ")
           << ref << " must be tensor<1xi64>, got " << *type;
  return success();
}

LogicalResult AdamOp::verifySymbolUses(SymbolTableCollection &symbolTable) {
  Operation *op = *this;
  FailureOr<RankedTensorType> param = lookupGlobal(
      op, symbolTable, getParamAttr(), /*wantParam=*/true, "param");
  if (failed(param))
    return failure();
  if (failed(verifyCompatibleShape(*param, getGrad().getType())) ||
      param->getElementType() != getElementTypeOrSelf(getGrad().getType()))
    return emitOpError("gradient type ")
           << getGrad().getType() << " does not match parameter "
           << getParamAttr() << " of type " << *param;
  for (auto [what, ref] :
       {std::make_pair("m", getMAttr()), std::make_pair("v", getVAttr())}) {
    FailureOr<RankedTensorType> moment =
        lookupGlobal(op, symbolTable, ref, /*wantParam=*/false, what);
    if (failed(moment))
      return failure();
    if (moment->getElementType() != param->getElementType() ||
        failed(verifyCompatibleShape(*moment, *param)))
      return emitOpError() << what << " " << ref << " has type " << *moment
                           << " but the parameter has " << *param;
  }
  return verifyStepSymbol(op, symbolTable, getStepAttr());
}

LogicalResult
StepIncrementOp::verifySymbolUses(SymbolTableCollection &symbolTable) {
  return verifyStepSymbol(*this, symbolTable, getStepAttr());
}

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

/// Checks in-place result `r` writing input `index` of `op`.
static LogicalResult verifyInPlaceResult(KernelOp op, unsigned r,
                                         int64_t index) {
  if (index == -1)
    return success();
  if (index < 0 || index >= static_cast<int64_t>(op.getInputs().size()))
    return op.emitOpError("in_place entry #")
           << r << " is " << index << " but the call has "
           << op.getInputs().size() << " inputs";
  Value input = op.getInputs()[index];
  if (input.getType() != op.getResult(r).getType())
    return op.emitOpError("result #")
           << r << " of type " << op.getResult(r).getType()
           << " cannot overwrite input #" << index << " of type "
           << input.getType();
  if (isa<BlockArgument>(input) || input.getDefiningOp<ReadOp>())
    return op.emitOpError("result #")
           << r << " cannot overwrite input #" << index
           << ", an argument or persistent tensor; use 'writes'";
  for (Operation *user : input.getUsers())
    if (user != op && user->getBlock() == op->getBlock() &&
        op->isBeforeInBlock(user))
      return op.emitOpError("input #")
             << index << " is overwritten in place but read by a later op";
  return success();
}

LogicalResult KernelOp::verify() {
  if (getKernel().empty())
    return emitOpError("kernel name must not be empty");
  if (getNumResults() == 0 && (!getWritesAttr() || getWritesAttr().empty()))
    return emitOpError("kernel '")
           << getKernel()
           << "' must produce at least one result or write a tensor";
  std::optional<ArrayRef<int64_t>> inPlace = getInPlace();
  if (!inPlace)
    return success();
  if (inPlace->size() != getNumResults())
    return emitOpError("in_place must have one entry per result (")
           << getNumResults() << "), got " << inPlace->size();
  for (auto [r, index] : llvm::enumerate(*inPlace))
    if (failed(verifyInPlaceResult(*this, r, index)))
      return failure();
  return success();
}

LogicalResult KernelOp::verifySymbolUses(SymbolTableCollection &symbolTable) {
  if (!getWritesAttr())
    return success();
  for (Attribute ref : getWritesAttr()) {
    Operation *symbol = symbolTable.lookupNearestSymbolFrom(
        *this, cast<FlatSymbolRefAttr>(ref));
    if (!getGlobalTensorType(symbol))
      return emitOpError("writes ")
             << ref << ", which is not a shodh.param or shodh.state";
  }
  return success();
}
