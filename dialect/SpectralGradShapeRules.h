//===- SpectralGradShapeRules.h - Result rules of spectral_conv gradients -===//
//
// The shape rules shared by the spectral_conv gradient ops
// (GradientShapeInference.cpp) and the fused layer gradient
// (shodh.fourier_layer_grad, LayerOps.cpp): dx from dy and the weight, dw
// from the forward input (or its saved spectrum) and dy.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "dialect/SpectralShapeRules.h"

namespace mlir::shodh {

/// Checks modes against the real grid of operand `what`, `field`
/// ([B, C, N_1..N_d]).
template <typename OpT>
inline LogicalResult checkConvModes(std::optional<Location> loc,
                                    ArrayRef<int64_t> modes,
                                    RankedTensorType field, StringRef what) {
  if (failed(checkModesCount<OpT>(loc, modes, field.getRank())) ||
      failed(checkPositive<OpT>(loc, modes, "modes")))
    return failure();
  if (field.getRank() != static_cast<int64_t>(modes.size()) + 2)
    return opError<OpT>(loc, what, " must have rank ", modes.size() + 2,
                        " ([B, C] and one spatial axis per mode), got ", field);
  return checkModesFit<OpT>(loc, modes,
                            halfShape(field.getShape().drop_front(2)), 2);
}

/// The dx type of a spectral_conv gradient from dy and the weight.
template <typename OpT>
inline LogicalResult inferConvGradInput(std::optional<Location> loc, Type dyType,
                                        Type weightType, ArrayRef<int64_t> modes,
                                        SmallVectorImpl<Type> &inferred) {
  FailureOr<RankedTensorType> dy =
      getFloatTensor<OpT>(loc, dyType, /*complex=*/false, "dy");
  FailureOr<RankedTensorType> weight =
      getFloatTensor<OpT>(loc, weightType, /*complex=*/true, "weight");
  if (failed(dy) || failed(weight) ||
      failed(checkConvModes<OpT>(loc, modes, *dy, "dy")) ||
      failed(checkConvOperands<OpT>(loc, *dy, *weight, modes.size(),
                                    /*checkInputChannels=*/false)) ||
      failed(checkTruncated<OpT>(loc, *weight, modes, "weight")))
    return failure();
  // dy holds the O output channels: the weight's second dimension.
  if (sizesConflict(dy->getDimSize(1), weight->getDimSize(1)))
    return opError<OpT>(loc, "dy has ", dy->getDimSize(1),
                        " channels but the weight has ", weight->getDimSize(1),
                        " output channels");
  SmallVector<int64_t> shape(dy->getShape());
  shape[1] = weight->getDimSize(0);
  inferred.push_back(RankedTensorType::get(shape, dy->getElementType()));
  return success();
}

/// The dw type of a spectral_conv gradient from the forward input and dy.
template <typename OpT>
inline LogicalResult inferConvGradWeight(std::optional<Location> loc,
                                         Type inputType, Type dyType,
                                         ArrayRef<int64_t> modes,
                                         SmallVectorImpl<Type> &inferred) {
  FailureOr<RankedTensorType> input =
      getFloatTensor<OpT>(loc, inputType, /*complex=*/false, "input");
  FailureOr<RankedTensorType> dy =
      getFloatTensor<OpT>(loc, dyType, /*complex=*/false, "dy");
  if (failed(input) || failed(dy) ||
      failed(checkSameElementType<OpT>(loc, {*input, *dy})) ||
      failed(checkConvModes<OpT>(loc, modes, *input, "input")))
    return failure();
  if (dy->getRank() != input->getRank())
    return opError<OpT>(loc, "dy must have the input's rank ", input->getRank(),
                        ", got ", *dy);
  for (int64_t dim = 0, e = input->getRank(); dim < e; ++dim)
    if (dim != 1 && sizesConflict(input->getDimSize(dim), dy->getDimSize(dim)))
      return opError<OpT>(loc, "dimension #", dim, ": input has ",
                          input->getDimSize(dim), " but dy has ",
                          dy->getDimSize(dim));
  SmallVector<int64_t> shape{input->getDimSize(1), dy->getDimSize(1)};
  llvm::append_range(shape, truncatedShape(modes));
  inferred.push_back(
      RankedTensorType::get(shape, ComplexType::get(input->getElementType())));
  return success();
}

/// Checks the forward input's saved spectrum `spectrum` against the input
/// gradient `dx` ([B, I, N..]): [B, I, truncated extents of `modes`].
template <typename OpT>
inline LogicalResult checkSavedSpectrum(std::optional<Location> loc, RankedTensorType spectrum,
                                        RankedTensorType dx, ArrayRef<int64_t> modes) {
  if (spectrum.getRank() != dx.getRank())
    return opError<OpT>(loc, "spectrum must be [B, I, truncated modes], got ", spectrum);
  if (failed(checkTruncated<OpT>(loc, spectrum, modes, "spectrum")))
    return failure();
  for (int64_t d : {0, 1})
    if (sizesConflict(spectrum.getDimSize(d), dx.getDimSize(d)))
      return opError<OpT>(loc, "spectrum dimension #", d, " is ", spectrum.getDimSize(d),
                          " but dx has ", dx.getDimSize(d));
  return success();
}

} // namespace mlir::shodh
