//===- SpectralShapeInference.cpp - Result types of spectral ops ----------===//
//
// Implements InferTypeOpInterface for the spectral ops: rfft/irfft,
// spectral_truncate/spectral_pad, spectral_contract and the fused
// spectral_conv. Shapes follow the rfft layout: a real grid N_1..N_d has the
// half spectrum N_1..N_{d-1}, N_d/2+1; truncation keeps 2m_i rows on full
// axes and m_d on the half axis. Mode counts written with hyperparameters
// (not yet bound) are unknown and give dynamic sizes; checks apply where
// sizes are static.
//
//===----------------------------------------------------------------------===//
#include "dialect/HyperparamAttrs.h"
#include "dialect/SpectralShapeRules.h"

using namespace mlir;
using namespace mlir::shodh;

//===----------------------------------------------------------------------===//
// RfftOp, IrfftOp
//===----------------------------------------------------------------------===//

LogicalResult RfftOp::inferReturnTypes(MLIRContext *,
                                       std::optional<Location> loc,
                                       Adaptor adaptor,
                                       SmallVectorImpl<Type> &inferred) {
  FailureOr<RankedTensorType> input = getFloatTensor<RfftOp>(
      loc, adaptor.getInput().getType(), /*complex=*/false, "input");
  if (failed(input) ||
      failed(checkNdims<RfftOp>(loc, adaptor.getNdims(), *input)))
    return failure();
  SmallVector<int64_t> shape(input->getShape());
  shape.back() = halfSize(shape.back());
  inferred.push_back(
      RankedTensorType::get(shape, ComplexType::get(input->getElementType())));
  return success();
}

SHODH_COMPATIBLE_RETURN_TYPES(RfftOp)

/// Checks that `lastSize` is positive and gives the input's `half` bins.
static LogicalResult checkLastSize(std::optional<Location> loc,
                                   int64_t lastSize, int64_t half,
                                   int64_t dim) {
  if (ShapedType::isDynamic(lastSize))
    return success();
  if (lastSize <= 0)
    return opError<IrfftOp>(loc, "last_size must be positive, got ", lastSize);
  if (sizesConflict(lastSize / 2 + 1, half))
    return opError<IrfftOp>(
        loc, "last_size = ", lastSize, " gives ", lastSize / 2 + 1,
        " rfft frequencies but dimension #", dim, " of the input has ", half);
  return success();
}

LogicalResult IrfftOp::inferReturnTypes(MLIRContext *,
                                        std::optional<Location> loc,
                                        Adaptor adaptor,
                                        SmallVectorImpl<Type> &inferred) {
  FailureOr<RankedTensorType> input = getFloatTensor<IrfftOp>(
      loc, adaptor.getInput().getType(), /*complex=*/true, "input");
  if (failed(input) ||
      failed(checkNdims<IrfftOp>(loc, adaptor.getNdims(), *input)))
    return failure();
  int64_t lastSize = getKnownInt(adaptor.getLastSize());
  int64_t lastDim = input->getRank() - 1;
  if (failed(checkLastSize(loc, lastSize, input->getDimSize(lastDim), lastDim)))
    return failure();
  SmallVector<int64_t> shape(input->getShape());
  shape.back() = lastSize;
  Type element = cast<ComplexType>(input->getElementType()).getElementType();
  inferred.push_back(RankedTensorType::get(shape, element));
  return success();
}

SHODH_COMPATIBLE_RETURN_TYPES(IrfftOp)

//===----------------------------------------------------------------------===//
// SpectralTruncateOp, SpectralPadOp
//===----------------------------------------------------------------------===//

LogicalResult
SpectralTruncateOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                     Adaptor adaptor,
                                     SmallVectorImpl<Type> &inferred) {
  using OpT = SpectralTruncateOp;
  FailureOr<RankedTensorType> input = getFloatTensor<OpT>(
      loc, adaptor.getInput().getType(), /*complex=*/true, "input");
  SmallVector<int64_t> modes = getKnownInts(adaptor.getModes());
  if (failed(input) ||
      failed(checkModesCount<OpT>(loc, modes, input->getRank())) ||
      failed(checkPositive<OpT>(loc, modes, "modes")))
    return failure();
  int64_t first = input->getRank() - modes.size();
  if (failed(checkModesFit<OpT>(loc, modes, input->getShape().drop_front(first),
                                first)))
    return failure();
  inferred.push_back(RankedTensorType::get(
      replaceTrailing(*input, truncatedShape(modes)), input->getElementType()));
  return success();
}

SHODH_COMPATIBLE_RETURN_TYPES(SpectralTruncateOp)

/// Checks `sizes` against `modes`: one positive entry per mode.
static LogicalResult checkPadSizes(std::optional<Location> loc,
                                   ArrayRef<int64_t> modes,
                                   ArrayRef<int64_t> sizes) {
  if (sizes.size() != modes.size())
    return opError<SpectralPadOp>(loc, "sizes must have one entry per mode (",
                                  modes.size(), "), got ", sizes.size());
  return checkPositive<SpectralPadOp>(loc, sizes, "sizes");
}

LogicalResult SpectralPadOp::inferReturnTypes(MLIRContext *,
                                              std::optional<Location> loc,
                                              Adaptor adaptor,
                                              SmallVectorImpl<Type> &inferred) {
  using OpT = SpectralPadOp;
  FailureOr<RankedTensorType> input = getFloatTensor<OpT>(
      loc, adaptor.getInput().getType(), /*complex=*/true, "input");
  SmallVector<int64_t> modes = getKnownInts(adaptor.getModes());
  SmallVector<int64_t> sizes = getKnownInts(adaptor.getSizes());
  if (failed(input) ||
      failed(checkModesCount<OpT>(loc, modes, input->getRank())) ||
      failed(checkPositive<OpT>(loc, modes, "modes")) ||
      failed(checkPadSizes(loc, modes, sizes)))
    return failure();
  SmallVector<int64_t> half = halfShape(sizes);
  int64_t first = input->getRank() - modes.size();
  if (failed(checkModesFit<OpT>(loc, modes, half, first)) ||
      failed(checkTruncated<OpT>(loc, *input, modes, "input")))
    return failure();
  inferred.push_back(RankedTensorType::get(replaceTrailing(*input, half),
                                           input->getElementType()));
  return success();
}

SHODH_COMPATIBLE_RETURN_TYPES(SpectralPadOp)

//===----------------------------------------------------------------------===//
// SpectralContractOp
//===----------------------------------------------------------------------===//

LogicalResult
SpectralContractOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                     Adaptor adaptor,
                                     SmallVectorImpl<Type> &inferred) {
  using OpT = SpectralContractOp;
  FailureOr<RankedTensorType> input = getFloatTensor<OpT>(
      loc, adaptor.getInput().getType(), /*complex=*/true, "input");
  FailureOr<RankedTensorType> weight = getFloatTensor<OpT>(
      loc, adaptor.getWeight().getType(), /*complex=*/true, "weight");
  if (failed(input) || failed(weight) ||
      failed(checkSameElementType<OpT>(loc, {*input, *weight})) ||
      failed(checkContractRanks<OpT>(loc, *input, *weight)) ||
      failed(checkChannels<OpT>(loc, *input, *weight)) ||
      failed(checkContractModes<OpT>(loc, *input, *weight)))
    return failure();
  SmallVector<int64_t> shape{input->getDimSize(0), weight->getDimSize(1)};
  for (int64_t dim = 2, e = input->getRank(); dim < e; ++dim)
    shape.push_back(joinSize(input->getDimSize(dim), weight->getDimSize(dim)));
  inferred.push_back(RankedTensorType::get(shape, input->getElementType()));
  return success();
}

SHODH_COMPATIBLE_RETURN_TYPES(SpectralContractOp)

//===----------------------------------------------------------------------===//
// SpectralConvOp
//===----------------------------------------------------------------------===//

LogicalResult
SpectralConvOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                 Adaptor adaptor,
                                 SmallVectorImpl<Type> &inferred) {
  using OpT = SpectralConvOp;
  SmallVector<int64_t> modes = getKnownInts(adaptor.getModes());
  FailureOr<RankedTensorType> result = inferConvResult<OpT>(
      loc, adaptor.getInput().getType(), adaptor.getWeight().getType(), modes);
  if (failed(result))
    return failure();
  inferred.push_back(*result);
  return success();
}

SHODH_COMPATIBLE_RETURN_TYPES(SpectralConvOp)
