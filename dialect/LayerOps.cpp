//===- LayerOps.cpp - shodh.spectral_conv_add and shodh.fourier_layer -----===//
//
// Shape rules, verifiers and kernel lowering of the fused Fourier layers
// (ShodhLayerOps.td). Both forward forms take spectral_conv's operand rules;
// spectral_conv_add joins the result with the addend's type, fourier_layer
// checks the skip linear's weight [O, I] and bias [O]. Both lower to the
// `spectral_conv` kernel: `addend = 1` (a third input) or `skip = 1` (skip
// weight and bias as the third and fourth), with `activation`.
// fourier_layer_grad takes spectral_conv_grad's rules (or
// spectral_conv_grad_saved's for a complex first operand) plus the skip
// weight [O, I] and the pre-activation (dx's type), and lowers to the
// `spectral_conv_grad` kernel with `skip = 1` and `activation`.
// fourier_layer_save is fourier_layer with `save_spectrum = 1` (a second
// result, x's truncated spectrum). fourier_layer_grad_params is
// fourier_layer_grad plus the skip's input x (dx's type) and its weight and
// bias gradients: `skip_params = 1`.
//
//===----------------------------------------------------------------------===//
#include "dialect/SpectralGradShapeRules.h"

#include "mlir/IR/Builders.h"

#include <string>

using namespace mlir;
using namespace mlir::shodh;

namespace {

/// The activation attribute's values.
LogicalResult verifyActivation(Operation *op, StringRef act) {
  if (act != "none" && act != "gelu" && act != "gelu_tanh")
    return op->emitOpError("activation must be \"none\", \"gelu\" or "
                           "\"gelu_tanh\", got \"")
           << act << "\"";
  return success();
}

/// "[O = 32, I = ?]"-style sizes for messages.
std::string size(int64_t v) { return ShapedType::isDynamic(v) ? std::string("?") : std::to_string(v); }

/// The `spectral_conv` kernel attributes of a fused layer: its modes, the
/// flag naming its third input (`addend` or `skip`) and its activation.
SmallVector<NamedAttribute> layerKernelAttrs(MLIRContext *ctx, DenseI64ArrayAttr modes,
                                             StringRef flag, StringRef activation) {
  Builder b(ctx);
  return {b.getNamedAttr("modes", modes), b.getNamedAttr(flag, b.getI64IntegerAttr(1)),
          b.getNamedAttr("activation", b.getStringAttr(activation))};
}

} // namespace

LogicalResult SpectralConvAddOp::inferReturnTypes(
    MLIRContext *, std::optional<Location> loc, Adaptor adaptor,
    SmallVectorImpl<Type> &inferred) {
  using OpT = SpectralConvAddOp;
  FailureOr<RankedTensorType> result = inferConvResult<OpT>(
      loc, adaptor.getInput().getType(), adaptor.getWeight().getType(), adaptor.getModes());
  FailureOr<RankedTensorType> addend = getFloatTensor<OpT>(
      loc, adaptor.getAddend().getType(), /*complex=*/false, "addend");
  if (failed(result) || failed(addend))
    return failure();
  if (addend->getElementType() != result->getElementType())
    return opError<OpT>(loc, "addend must have the input's element type ",
                        result->getElementType(), ", got ", *addend);
  SmallVector<int64_t> shape(result->getShape());
  if (failed(joinAddend<OpT>(loc, shape, *addend, "addend",
                             "the spectral convolution gives")))
    return failure();
  inferred.push_back(RankedTensorType::get(shape, result->getElementType()));
  return success();
}

SHODH_COMPATIBLE_RETURN_TYPES(SpectralConvAddOp)

LogicalResult SpectralConvAddOp::verify() { return verifyActivation(*this, getActivation()); }

StringRef SpectralConvAddOp::getKernelName() { return "spectral_conv"; }

/// Inputs x, w, addend: `addend = 1` tells the kernel there is a third.
SmallVector<NamedAttribute> SpectralConvAddOp::getKernelAttrs() {
  return layerKernelAttrs(getContext(), getModesAttr(), "addend", getActivation());
}

/// fourier_layer's result type (and, with `spectrum`, the truncated
/// spectrum's) from its operands: spectral_conv's rules plus the skip
/// linear's weight [O, I] and bias [O].
template <typename OpT, typename Adaptor>
static LogicalResult inferFourierLayer(std::optional<Location> loc, Adaptor adaptor,
                                       bool spectrum, SmallVectorImpl<Type> &inferred) {
  FailureOr<RankedTensorType> result = inferConvResult<OpT>(
      loc, adaptor.getInput().getType(), adaptor.getWeight().getType(), adaptor.getModes());
  FailureOr<RankedTensorType> skipW = getFloatTensor<OpT>(
      loc, adaptor.getSkipWeight().getType(), /*complex=*/false, "skip_weight");
  if (failed(result) || failed(skipW))
    return failure();
  auto input = cast<RankedTensorType>(adaptor.getInput().getType());
  if (skipW->getElementType() != input.getElementType() || skipW->getRank() != 2)
    return opError<OpT>(loc, "skip_weight must be a rank-2 tensor of ", input.getElementType(),
                        " ([O, I]), got ", *skipW);
  const int64_t O = result->getDimSize(1), I = input.getDimSize(1);
  if (sizesConflict(skipW->getDimSize(0), O) || sizesConflict(skipW->getDimSize(1), I))
    return opError<OpT>(loc, "skip_weight must be [O = ", size(O), ", I = ", size(I), "], got ",
                        *skipW);
  if (Value b = adaptor.getSkipBias()) {
    auto bias = dyn_cast<RankedTensorType>(b.getType());
    if (!bias || bias.getElementType() != input.getElementType() || bias.getRank() != 1 ||
        sizesConflict(bias.getDimSize(0), O))
      return opError<OpT>(loc, "skip_bias must be [O = ", size(O), "] of ",
                          input.getElementType(), ", got ", b.getType());
  }
  inferred.push_back(*result);
  if (spectrum)
    inferred.push_back(truncatedSpectrumType(input, adaptor.getModes()));
  return success();
}

LogicalResult FourierLayerOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                               Adaptor adaptor,
                                               SmallVectorImpl<Type> &inferred) {
  return inferFourierLayer<FourierLayerOp>(loc, adaptor, /*spectrum=*/false, inferred);
}

SHODH_COMPATIBLE_RETURN_TYPES(FourierLayerOp)

LogicalResult FourierLayerOp::verify() { return verifyActivation(*this, getActivation()); }

StringRef FourierLayerOp::getKernelName() { return "spectral_conv"; }

/// Inputs x, w, skip_w[, skip_b]: `skip = 1` tells the kernel.
SmallVector<NamedAttribute> FourierLayerOp::getKernelAttrs() {
  return layerKernelAttrs(getContext(), getModesAttr(), "skip", getActivation());
}

LogicalResult FourierLayerSaveOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                                   Adaptor adaptor,
                                                   SmallVectorImpl<Type> &inferred) {
  if (failed(inferFourierLayer<FourierLayerSaveOp>(
          loc, adaptor, /*spectrum=*/true, inferred)))
    return failure();
  if (adaptor.getActivatedOutput() != "none") // act(result), the result's type
    inferred.push_back(inferred.front());
  return success();
}

SHODH_COMPATIBLE_RETURN_TYPES(FourierLayerSaveOp)

LogicalResult FourierLayerSaveOp::verify() {
  if (failed(verifyActivation(*this, getActivation())))
    return failure();
  StringRef extra = getActivatedOutput();
  if (extra == "none" && getDerivativeResult())
    return emitOpError(
        "derivative_result needs activated_output (the derivative of which "
        "activation?)");
  if (extra == "none")
    return success();
  if (extra != "gelu" && extra != "gelu_tanh")
    return emitOpError("activated_output must be \"none\", \"gelu\" or "
                       "\"gelu_tanh\", got \"")
           << extra << "\"";
  if (getActivation() != "none")
    return emitOpError("with activated_output the result is the "
                       "pre-activation: activation must "
                       "be \"none\", got \"")
           << getActivation() << "\"";
  return success();
}

StringRef FourierLayerSaveOp::getKernelName() { return "spectral_conv"; }

/// fourier_layer's attributes plus `save_spectrum = 1` (the second output).
SmallVector<NamedAttribute> FourierLayerSaveOp::getKernelAttrs() {
  SmallVector<NamedAttribute> attrs =
      layerKernelAttrs(getContext(), getModesAttr(), "skip", getActivation());
  Builder b(getContext());
  attrs.push_back(b.getNamedAttr("save_spectrum", b.getI64IntegerAttr(1)));
  if (getActivatedOutput() != "none") // the third output, act(y)
    attrs.push_back(b.getNamedAttr("activated_output",
                                   b.getStringAttr(getActivatedOutput())));
  if (getDerivativeResult()) // the first output is act'(pre-activation)
    attrs.push_back(
        b.getNamedAttr("derivative_output", b.getI64IntegerAttr(1)));
  return attrs;
}

/// Whether two ranked types have the same element type and rank and no
/// conflicting sizes.
static bool compatibleTensors(RankedTensorType a, RankedTensorType b) {
  return a.getElementType() == b.getElementType() &&
         a.getRank() == b.getRank() &&
         llvm::none_of(llvm::seq<int64_t>(0, a.getRank()), [&](int64_t d) {
           return sizesConflict(a.getDimSize(d), b.getDimSize(d));
         });
}

/// fourier_layer_grad's (dx, dw) types from its operands (both layer
/// gradient ops): spectral_conv_grad[_saved]'s rules plus the skip weight
/// [O, I] and the pre-activation (dx's type).
template <typename OpT, typename Adaptor>
static LogicalResult inferFourierLayerGrad(std::optional<Location> loc,
                                           Adaptor adaptor,
                                           SmallVectorImpl<Type> &inferred) {
  ArrayRef<int64_t> modes = adaptor.getModes();
  Type source = adaptor.getSource().getType(), dy = adaptor.getDy().getType(),
       weight = adaptor.getWeight().getType();
  if (failed(inferConvGradInput<OpT>(loc, dy, weight, modes, inferred)))
    return failure();
  auto dx = cast<RankedTensorType>(inferred[0]);
  auto sourceType = dyn_cast<RankedTensorType>(source);
  if (sourceType && isComplexFloat(sourceType.getElementType())) {
    if (failed(checkSavedSpectrum<OpT>(loc, sourceType, dx, modes)))
      return failure();
    inferred.push_back(weight);
  } else {
    if (failed(inferConvGradWeight<OpT>(loc, source, dy, modes, inferred)))
      return failure();
    if (sizesConflict(sourceType.getDimSize(1), dx.getDimSize(1)))
      return opError<OpT>(loc, "source has ", sourceType.getDimSize(1),
                          " channels but the weight has ", dx.getDimSize(1), " input channels");
  }
  FailureOr<RankedTensorType> skipW = getFloatTensor<OpT>(
      loc, adaptor.getSkipWeight().getType(), /*complex=*/false, "skip_weight");
  if (failed(skipW))
    return failure();
  const int64_t O = cast<RankedTensorType>(dy).getDimSize(1), I = dx.getDimSize(1);
  if (skipW->getElementType() != dx.getElementType() || skipW->getRank() != 2 ||
      sizesConflict(skipW->getDimSize(0), O) || sizesConflict(skipW->getDimSize(1), I))
    return opError<OpT>(loc, "skip_weight must be [O = ", size(O), ", I = ", size(I), "] of ",
                        dx.getElementType(), ", got ", *skipW);
  if (Value pre = adaptor.getPre()) {
    auto preType = dyn_cast<RankedTensorType>(pre.getType());
    if (!preType || !compatibleTensors(preType, dx))
      return opError<OpT>(loc, "pre must have dx's type ", dx, ", got ", pre.getType());
  }
  return success();
}

LogicalResult
FourierLayerGradOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                     Adaptor adaptor,
                                     SmallVectorImpl<Type> &inferred) {
  return inferFourierLayerGrad<FourierLayerGradOp>(loc, adaptor, inferred);
}

SHODH_COMPATIBLE_RETURN_TYPES(FourierLayerGradOp)

/// The activation's value ("derivative" too: `pre` is act' itself), and
/// `pre` given exactly when it is not "none".
template <typename OpT> static LogicalResult verifyLayerGrad(OpT op) {
  if (op.getActivation() != "derivative" &&
      failed(verifyActivation(op, op.getActivation())))
    return failure();
  if ((op.getActivation() != "none") != bool(op.getPre()))
    return op.emitOpError(
               "the pre-activation operand must be given exactly when the "
               "activation is not \"none\" (activation \"")
           << op.getActivation() << "\", " << (op.getPre() ? "with" : "without")
           << " it)";
  return success();
}

LogicalResult FourierLayerGradOp::verify() { return verifyLayerGrad(*this); }

StringRef FourierLayerGradOp::getKernelName() { return "spectral_conv_grad"; }

/// `skip = 1`, the activation, and `saved_spectrum = 1` when the source is
/// the forward's saved spectrum (both layer gradient ops).
static SmallVector<NamedAttribute> layerGradKernelAttrs(Value source,
                                                        DenseI64ArrayAttr modes,
                                                        StringRef activation) {
  MLIRContext *ctx = source.getContext();
  const bool given = activation == "derivative"; // pre is act' itself
  SmallVector<NamedAttribute> attrs =
      layerKernelAttrs(ctx, modes, "skip", given ? "none" : activation);
  Builder b(ctx);
  if (given)
    attrs.push_back(b.getNamedAttr("pre_derivative", b.getI64IntegerAttr(1)));
  if (isComplexFloat(cast<RankedTensorType>(source.getType()).getElementType()))
    attrs.push_back(b.getNamedAttr("saved_spectrum", b.getI64IntegerAttr(1)));
  return attrs;
}

/// Inputs source, dy, w, skip_w[, pre].
SmallVector<NamedAttribute> FourierLayerGradOp::getKernelAttrs() {
  return layerGradKernelAttrs(getSource(), getModesAttr(), getActivation());
}

/// fourier_layer_grad's results, then the skip linear's [O, I] weight
/// gradient (skip_weight's type) and [O] bias gradient; skip_input must
/// have dx's type (the layer's input).
LogicalResult FourierLayerGradParamsOp::inferReturnTypes(
    MLIRContext *, std::optional<Location> loc, Adaptor adaptor,
    SmallVectorImpl<Type> &inferred) {
  using OpT = FourierLayerGradParamsOp;
  if (failed(inferFourierLayerGrad<OpT>(loc, adaptor, inferred)))
    return failure();
  auto dx = cast<RankedTensorType>(inferred[0]);
  auto input = dyn_cast<RankedTensorType>(adaptor.getSkipInput().getType());
  if (!input || !compatibleTensors(input, dx))
    return opError<OpT>(loc, "skip_input must have dx's type ", dx,
                        " (the layer's input), got ",
                        adaptor.getSkipInput().getType());
  auto skipW = cast<RankedTensorType>(adaptor.getSkipWeight().getType());
  inferred.push_back(skipW);
  inferred.push_back(
      RankedTensorType::get({skipW.getDimSize(0)}, skipW.getElementType()));
  return success();
}

SHODH_COMPATIBLE_RETURN_TYPES(FourierLayerGradParamsOp)

LogicalResult FourierLayerGradParamsOp::verify() {
  return verifyLayerGrad(*this);
}

StringRef FourierLayerGradParamsOp::getKernelName() {
  return "spectral_conv_grad";
}

/// Inputs source, dy, w, skip_w, skip_input[, pre]: fourier_layer_grad's
/// attributes plus `skip_params = 1` (the fifth input, the third and fourth
/// outputs).
SmallVector<NamedAttribute> FourierLayerGradParamsOp::getKernelAttrs() {
  SmallVector<NamedAttribute> attrs =
      layerGradKernelAttrs(getSource(), getModesAttr(), getActivation());
  Builder b(getContext());
  attrs.push_back(b.getNamedAttr("skip_params", b.getI64IntegerAttr(1)));
  return attrs;
}
