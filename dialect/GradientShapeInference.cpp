//===- GradientShapeInference.cpp - Result types of training ops ----------===//
//
// Implements InferTypeOpInterface for the ops that --shodh-build-training
// creates: the backward ops of linear, gelu, the FFTs, spectral_contract and
// spectral_conv, the losses and their gradients, and the gradient norm and
// clipping. Each backward op's result has the type of the forward operand
// whose cotangent it is; the rules check what the operands determine.
//
//===----------------------------------------------------------------------===//
#include "dialect/SpectralGradShapeRules.h"

using namespace mlir;
using namespace mlir::shodh;

/// Checks that `axis` indexes a dimension of `type`.
template <typename OpT>
static LogicalResult checkAxis(std::optional<Location> loc,
                               RankedTensorType type, int64_t axis) {
  if (axis < 0 || axis >= type.getRank())
    return opError<OpT>(loc, "axis ", axis, " is out of range for rank ",
                        type.getRank());
  return success();
}

/// Gets ranked operand types with one element type.
template <typename OpT>
static LogicalResult
getSameElementTypes(std::optional<Location> loc, TypeRange operands,
                    SmallVectorImpl<RankedTensorType> &out) {
  if (failed(getRankedTypes<OpT>(loc, operands, out)))
    return failure();
  return checkSameElementType<OpT>(loc, out);
}

//===----------------------------------------------------------------------===//
// Linear and GELU gradients
//===----------------------------------------------------------------------===//

LogicalResult
LinearGradInputOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                    Adaptor adaptor,
                                    SmallVectorImpl<Type> &inferred) {
  using OpT = LinearGradInputOp;
  SmallVector<RankedTensorType> types;
  if (failed(getSameElementTypes<OpT>(loc, adaptor.getOperands().getTypes(),
                                      types)))
    return failure();
  RankedTensorType dy = types[0], weight = types[1];
  int64_t axis = adaptor.getAxis();
  if (failed(checkAxis<OpT>(loc, dy, axis)))
    return failure();
  if (weight.getRank() != 2)
    return opError<OpT>(loc, "weight must have rank 2 ([Cout, Cin]), got ",
                        weight);
  if (sizesConflict(dy.getDimSize(axis), weight.getDimSize(0)))
    return opError<OpT>(loc, "dy has ", dy.getDimSize(axis),
                        " channels at axis ", axis, " but the weight has ",
                        weight.getDimSize(0), " output channels");
  SmallVector<int64_t> shape(dy.getShape());
  shape[axis] = weight.getDimSize(1);
  if (types.size() > 2 && // accumulate: dx's type
      failed(joinAddend<OpT>(loc, shape, types[2], "accumulate", "dx has")))
    return failure();
  inferred.push_back(RankedTensorType::get(shape, dy.getElementType()));
  return success();
}
SHODH_COMPATIBLE_RETURN_TYPES(LinearGradInputOp)

/// The weight gradient's type [Cout, Cin] of (input, dy) at `axis`.
template <typename OpT>
static LogicalResult inferWeightGradient(std::optional<Location> loc, TypeRange operands,
                                         int64_t axis, SmallVectorImpl<Type> &inferred) {
  SmallVector<RankedTensorType> types;
  if (failed(getSameElementTypes<OpT>(loc, operands, types)))
    return failure();
  RankedTensorType input = types[0], dy = types[1];
  if (failed(checkAxis<OpT>(loc, input, axis)))
    return failure();
  if (dy.getRank() != input.getRank())
    return opError<OpT>(loc, "dy must have the input's rank ", input.getRank(),
                        ", got ", dy);
  for (int64_t dim = 0, e = input.getRank(); dim < e; ++dim)
    if (dim != axis && sizesConflict(input.getDimSize(dim), dy.getDimSize(dim)))
      return opError<OpT>(loc, "dimension #", dim, ": input has ",
                          input.getDimSize(dim), " but dy has ",
                          dy.getDimSize(dim));
  inferred.push_back(RankedTensorType::get(
      {dy.getDimSize(axis), input.getDimSize(axis)}, input.getElementType()));
  return success();
}

LogicalResult
LinearGradParamsOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                     Adaptor adaptor,
                                     SmallVectorImpl<Type> &inferred) {
  if (failed(inferWeightGradient<LinearGradParamsOp>(loc, adaptor.getOperands().getTypes(),
                                                     adaptor.getAxis(), inferred)))
    return failure();
  auto dy = cast<RankedTensorType>(adaptor.getDy().getType());
  inferred.push_back(
      RankedTensorType::get({dy.getDimSize(adaptor.getAxis())}, dy.getElementType()));
  return success();
}
SHODH_COMPATIBLE_RETURN_TYPES(LinearGradParamsOp)

LogicalResult
LinearGradWeightOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                     Adaptor adaptor,
                                     SmallVectorImpl<Type> &inferred) {
  return inferWeightGradient<LinearGradWeightOp>(loc, adaptor.getOperands().getTypes(),
                                                 adaptor.getAxis(), inferred);
}
SHODH_COMPATIBLE_RETURN_TYPES(LinearGradWeightOp)

LogicalResult
LinearGradBiasOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                   Adaptor adaptor,
                                   SmallVectorImpl<Type> &inferred) {
  using OpT = LinearGradBiasOp;
  SmallVector<RankedTensorType> types;
  if (failed(
          getRankedTypes<OpT>(loc, adaptor.getOperands().getTypes(), types)) ||
      failed(checkAxis<OpT>(loc, types[0], adaptor.getAxis())))
    return failure();
  inferred.push_back(RankedTensorType::get(
      {types[0].getDimSize(adaptor.getAxis())}, types[0].getElementType()));
  return success();
}
SHODH_COMPATIBLE_RETURN_TYPES(LinearGradBiasOp)

LogicalResult GeluGradOp::inferReturnTypes(MLIRContext *,
                                           std::optional<Location> loc,
                                           Adaptor adaptor,
                                           SmallVectorImpl<Type> &inferred) {
  return inferElementwise<GeluGradOp>(loc, adaptor.getOperands().getTypes(),
                                      inferred);
}
SHODH_COMPATIBLE_RETURN_TYPES(GeluGradOp)

//===----------------------------------------------------------------------===//
// FFT gradients
//===----------------------------------------------------------------------===//

LogicalResult RfftGradOp::inferReturnTypes(MLIRContext *,
                                           std::optional<Location> loc,
                                           Adaptor adaptor,
                                           SmallVectorImpl<Type> &inferred) {
  using OpT = RfftGradOp;
  FailureOr<RankedTensorType> dy = getFloatTensor<OpT>(
      loc, adaptor.getDy().getType(), /*complex=*/true, "dy");
  if (failed(dy) || failed(checkNdims<OpT>(loc, adaptor.getNdims(), *dy)))
    return failure();
  int64_t lastSize = adaptor.getLastSize();
  int64_t half = dy->getShape().back();
  if (lastSize <= 0 || sizesConflict(lastSize / 2 + 1, half))
    return opError<OpT>(loc, "last_size = ", lastSize, " does not give the ",
                        half, " rfft frequencies of dy");
  SmallVector<int64_t> shape(dy->getShape());
  shape.back() = lastSize;
  Type element = cast<ComplexType>(dy->getElementType()).getElementType();
  inferred.push_back(RankedTensorType::get(shape, element));
  return success();
}
SHODH_COMPATIBLE_RETURN_TYPES(RfftGradOp)

LogicalResult IrfftGradOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &inferred) {
  using OpT = IrfftGradOp;
  FailureOr<RankedTensorType> dy = getFloatTensor<OpT>(
      loc, adaptor.getDy().getType(), /*complex=*/false, "dy");
  if (failed(dy) || failed(checkNdims<OpT>(loc, adaptor.getNdims(), *dy)))
    return failure();
  SmallVector<int64_t> shape(dy->getShape());
  shape.back() = halfSize(shape.back());
  inferred.push_back(
      RankedTensorType::get(shape, ComplexType::get(dy->getElementType())));
  return success();
}
SHODH_COMPATIBLE_RETURN_TYPES(IrfftGradOp)

//===----------------------------------------------------------------------===//
// spectral_contract gradients
//===----------------------------------------------------------------------===//

/// Gets two complex tensors of one element type and the contract ranks.
template <typename OpT>
static LogicalResult
getContractOperands(std::optional<Location> loc, Value first, Value second,
                    StringRef firstName, StringRef secondName,
                    SmallVectorImpl<RankedTensorType> &out) {
  FailureOr<RankedTensorType> a =
      getFloatTensor<OpT>(loc, first.getType(), /*complex=*/true, firstName);
  FailureOr<RankedTensorType> b =
      getFloatTensor<OpT>(loc, second.getType(), /*complex=*/true, secondName);
  if (failed(a) || failed(b) ||
      failed(checkSameElementType<OpT>(loc, {*a, *b})) ||
      failed(checkContractRanks<OpT>(loc, *a, *b)) ||
      failed(checkContractModes<OpT>(loc, *a, *b)))
    return failure();
  out.append({*a, *b});
  return success();
}

/// Returns [d0, d1, trailing dims of `modes`].
static RankedTensorType withLeading(int64_t d0, int64_t d1,
                                    RankedTensorType modes) {
  SmallVector<int64_t> shape{d0, d1};
  shape.append(modes.getShape().begin() + 2, modes.getShape().end());
  return RankedTensorType::get(shape, modes.getElementType());
}

LogicalResult SpectralContractGradInputOp::inferReturnTypes(
    MLIRContext *, std::optional<Location> loc, Adaptor adaptor,
    SmallVectorImpl<Type> &inferred) {
  using OpT = SpectralContractGradInputOp;
  SmallVector<RankedTensorType> types;
  if (failed(getContractOperands<OpT>(loc, adaptor.getDy(), adaptor.getWeight(),
                                      "dy", "weight", types)))
    return failure();
  RankedTensorType dy = types[0], weight = types[1];
  if (sizesConflict(dy.getDimSize(1), weight.getDimSize(1)))
    return opError<OpT>(loc, "dy has ", dy.getDimSize(1),
                        " channels but the weight has ", weight.getDimSize(1),
                        " output channels");
  inferred.push_back(withLeading(dy.getDimSize(0), weight.getDimSize(0), dy));
  return success();
}
SHODH_COMPATIBLE_RETURN_TYPES(SpectralContractGradInputOp)

LogicalResult SpectralContractGradWeightOp::inferReturnTypes(
    MLIRContext *, std::optional<Location> loc, Adaptor adaptor,
    SmallVectorImpl<Type> &inferred) {
  using OpT = SpectralContractGradWeightOp;
  SmallVector<RankedTensorType> types;
  if (failed(getContractOperands<OpT>(loc, adaptor.getInput(), adaptor.getDy(),
                                      "input", "dy", types)))
    return failure();
  RankedTensorType input = types[0], dy = types[1];
  if (sizesConflict(input.getDimSize(0), dy.getDimSize(0)))
    return opError<OpT>(loc, "input has batch ", input.getDimSize(0),
                        " but dy has ", dy.getDimSize(0));
  inferred.push_back(withLeading(input.getDimSize(1), dy.getDimSize(1), input));
  return success();
}
SHODH_COMPATIBLE_RETURN_TYPES(SpectralContractGradWeightOp)

//===----------------------------------------------------------------------===//
// spectral_conv gradients
//===----------------------------------------------------------------------===//

LogicalResult SpectralConvGradInputOp::inferReturnTypes(
    MLIRContext *, std::optional<Location> loc, Adaptor adaptor,
    SmallVectorImpl<Type> &inferred) {
  return inferConvGradInput<SpectralConvGradInputOp>(
      loc, adaptor.getDy().getType(), adaptor.getWeight().getType(),
      adaptor.getModes(), inferred);
}
SHODH_COMPATIBLE_RETURN_TYPES(SpectralConvGradInputOp)

LogicalResult SpectralConvGradWeightOp::inferReturnTypes(
    MLIRContext *, std::optional<Location> loc, Adaptor adaptor,
    SmallVectorImpl<Type> &inferred) {
  return inferConvGradWeight<SpectralConvGradWeightOp>(
      loc, adaptor.getInput().getType(), adaptor.getDy().getType(),
      adaptor.getModes(), inferred);
}
SHODH_COMPATIBLE_RETURN_TYPES(SpectralConvGradWeightOp)

LogicalResult SpectralConvGradOp::inferReturnTypes(
    MLIRContext *, std::optional<Location> loc, Adaptor adaptor,
    SmallVectorImpl<Type> &inferred) {
  using OpT = SpectralConvGradOp;
  Type input = adaptor.getInput().getType(), dy = adaptor.getDy().getType(),
       weight = adaptor.getWeight().getType();
  if (failed(inferConvGradInput<OpT>(loc, dy, weight, adaptor.getModes(),
                                     inferred)) ||
      failed(inferConvGradWeight<OpT>(loc, input, dy, adaptor.getModes(),
                                      inferred)))
    return failure();
  auto dx = cast<RankedTensorType>(inferred[0]);
  auto x = cast<RankedTensorType>(input);
  if (sizesConflict(x.getDimSize(1), dx.getDimSize(1)))
    return opError<OpT>(loc, "input has ", x.getDimSize(1),
                        " channels but the weight has ", dx.getDimSize(1),
                        " input channels");
  return success();
}
SHODH_COMPATIBLE_RETURN_TYPES(SpectralConvGradOp)

LogicalResult SpectralConvSaveOp::inferReturnTypes(
    MLIRContext *, std::optional<Location> loc, Adaptor adaptor,
    SmallVectorImpl<Type> &inferred) {
  using OpT = SpectralConvSaveOp;
  FailureOr<RankedTensorType> input = getFloatTensor<OpT>(
      loc, adaptor.getInput().getType(), /*complex=*/false, "input");
  FailureOr<RankedTensorType> weight = getFloatTensor<OpT>(
      loc, adaptor.getWeight().getType(), /*complex=*/true, "weight");
  ArrayRef<int64_t> modes = adaptor.getModes();
  if (failed(input) || failed(weight) ||
      failed(checkConvModes<OpT>(loc, modes, *input, "input")) ||
      failed(checkConvOperands<OpT>(loc, *input, *weight, modes.size())) ||
      failed(checkTruncated<OpT>(loc, *weight, modes, "weight")))
    return failure();
  SmallVector<int64_t> shape{input->getDimSize(0), weight->getDimSize(1)};
  llvm::append_range(shape, input->getShape().drop_front(2));
  inferred.push_back(RankedTensorType::get(shape, input->getElementType()));
  inferred.push_back(truncatedSpectrumType(*input, modes));
  return success();
}
SHODH_COMPATIBLE_RETURN_TYPES(SpectralConvSaveOp)

LogicalResult SpectralConvGradSavedOp::inferReturnTypes(
    MLIRContext *, std::optional<Location> loc, Adaptor adaptor,
    SmallVectorImpl<Type> &inferred) {
  using OpT = SpectralConvGradSavedOp;
  ArrayRef<int64_t> modes = adaptor.getModes();
  FailureOr<RankedTensorType> spectrum = getFloatTensor<OpT>(
      loc, adaptor.getSpectrum().getType(), /*complex=*/true, "spectrum");
  if (failed(spectrum) ||
      failed(inferConvGradInput<OpT>(loc, adaptor.getDy().getType(),
                                     adaptor.getWeight().getType(), modes,
                                     inferred)))
    return failure();
  if (failed(checkSavedSpectrum<OpT>(loc, *spectrum, cast<RankedTensorType>(inferred[0]),
                                     modes)))
    return failure();
  auto weight = cast<RankedTensorType>(adaptor.getWeight().getType());
  inferred.push_back(weight);
  return success();
}
SHODH_COMPATIBLE_RETURN_TYPES(SpectralConvGradSavedOp)

//===----------------------------------------------------------------------===//
// Losses
//===----------------------------------------------------------------------===//

/// Checks prediction and target: f32/f64 tensors of compatible shapes.
template <typename OpT>
static FailureOr<RankedTensorType>
checkLossOperands(std::optional<Location> loc, TypeRange operands) {
  SmallVector<Type> inferred;
  if (failed(inferElementwise<OpT>(loc, operands, inferred)))
    return failure();
  return getFloatTensor<OpT>(loc, inferred.front(), /*complex=*/false,
                             "prediction");
}

/// Infers the `tensor<1xT>` result of a loss.
template <typename OpT>
static LogicalResult inferLoss(std::optional<Location> loc, TypeRange operands,
                               SmallVectorImpl<Type> &inferred) {
  FailureOr<RankedTensorType> type = checkLossOperands<OpT>(loc, operands);
  if (failed(type))
    return failure();
  inferred.push_back(RankedTensorType::get({1}, type->getElementType()));
  return success();
}

/// Infers the gradient of a loss: the prediction's (joined) type.
template <typename OpT>
static LogicalResult inferLossGrad(std::optional<Location> loc,
                                   TypeRange operands,
                                   SmallVectorImpl<Type> &inferred) {
  FailureOr<RankedTensorType> type = checkLossOperands<OpT>(loc, operands);
  if (failed(type))
    return failure();
  inferred.push_back(*type);
  return success();
}

LogicalResult MseLossOp::inferReturnTypes(MLIRContext *,
                                          std::optional<Location> loc,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &inferred) {
  return inferLoss<MseLossOp>(loc, adaptor.getOperands().getTypes(), inferred);
}
SHODH_COMPATIBLE_RETURN_TYPES(MseLossOp)

LogicalResult RelL2LossOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &inferred) {
  return inferLoss<RelL2LossOp>(loc, adaptor.getOperands().getTypes(),
                                inferred);
}
SHODH_COMPATIBLE_RETURN_TYPES(RelL2LossOp)

LogicalResult MseLossGradOp::inferReturnTypes(MLIRContext *,
                                              std::optional<Location> loc,
                                              Adaptor adaptor,
                                              SmallVectorImpl<Type> &inferred) {
  return inferLossGrad<MseLossGradOp>(loc, adaptor.getOperands().getTypes(),
                                      inferred);
}
SHODH_COMPATIBLE_RETURN_TYPES(MseLossGradOp)

LogicalResult
RelL2LossGradOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                  Adaptor adaptor,
                                  SmallVectorImpl<Type> &inferred) {
  return inferLossGrad<RelL2LossGradOp>(loc, adaptor.getOperands().getTypes(),
                                        inferred);
}
SHODH_COMPATIBLE_RETURN_TYPES(RelL2LossGradOp)

//===----------------------------------------------------------------------===//
// Gradient norm and clipping
//===----------------------------------------------------------------------===//

/// Returns true for `tensor<1xf32>`.
static bool isScalarF32(Type type) {
  auto ranked = dyn_cast<RankedTensorType>(type);
  return ranked && ranked.getShape() == ArrayRef<int64_t>{1} &&
         ranked.getElementType().isF32();
}

LogicalResult
GradGlobalNormOp::inferReturnTypes(MLIRContext *context,
                                   std::optional<Location> loc, Adaptor adaptor,
                                   SmallVectorImpl<Type> &inferred) {
  using OpT = GradGlobalNormOp;
  if (adaptor.getGrads().empty())
    return opError<OpT>(loc, "needs at least one gradient");
  for (Value grad : adaptor.getGrads()) {
    Type element = getElementTypeOrSelf(grad.getType());
    if (!element.isF32() && !element.isF64() && !isComplexFloat(element))
      return opError<OpT>(loc,
                          "gradients must be f32, f64 or complex "
                          "tensors, got ",
                          grad.getType());
  }
  inferred.push_back(RankedTensorType::get({1}, Float32Type::get(context)));
  return success();
}
SHODH_COMPATIBLE_RETURN_TYPES(GradGlobalNormOp)

LogicalResult ClipByNormOp::inferReturnTypes(MLIRContext *,
                                             std::optional<Location> loc,
                                             Adaptor adaptor,
                                             SmallVectorImpl<Type> &inferred) {
  if (!isScalarF32(adaptor.getNorm().getType()))
    return opError<ClipByNormOp>(loc, "norm must be tensor<1xf32>, got ",
                                 adaptor.getNorm().getType());
  inferred.push_back(adaptor.getGrad().getType());
  return success();
}
SHODH_COMPATIBLE_RETURN_TYPES(ClipByNormOp)
