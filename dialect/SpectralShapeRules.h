//===- SpectralShapeRules.h - Helpers of the spectral shape rules -*- C++
//-*-===//
//
// Checks and shape computations shared by the shape rules of the spectral
// ops and of their gradients: element types (real or complex f32/f64), the
// number of transformed axes, mode counts and limits (2m <= N on full axes,
// m <= N/2+1 on the rfft axis) and the truncated and half-spectrum extents
// of the rfft layout.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "dialect/ShapeRules.h"

namespace mlir::shodh {

/// The most spectral axes an op transforms.
constexpr int64_t kMaxSpectralAxes = 3;

/// Returns the number of rfft frequencies N/2+1 of a real size N.
inline int64_t halfSize(int64_t n) {
  return ShapedType::isDynamic(n) ? n : n / 2 + 1;
}

/// Returns true for complex<f32> and complex<f64>.
inline bool isComplexFloat(Type type) {
  auto complex = dyn_cast<ComplexType>(type);
  return complex &&
         (complex.getElementType().isF32() || complex.getElementType().isF64());
}

/// Returns `type` as a ranked tensor of f32 or f64 (`complex` false) or of
/// complex<f32> or complex<f64> (`complex` true); `what` names the operand.
template <typename OpT>
inline FailureOr<RankedTensorType> getFloatTensor(std::optional<Location> loc,
                                                  Type type, bool complex,
                                                  StringRef what) {
  auto ranked = dyn_cast<RankedTensorType>(type);
  Type element = ranked ? ranked.getElementType() : Type();
  if (ranked && (complex ? isComplexFloat(element)
                         : (element.isF32() || element.isF64())))
    return ranked;
  return opError<OpT>(loc, what, " must be a ranked tensor of ",
                      complex ? "complex<f32> or complex<f64>" : "f32 or f64",
                      ", got ", type);
}

/// Checks that `ndims` is 1 to 3 and at most the rank of `input`.
template <typename OpT>
inline LogicalResult checkNdims(std::optional<Location> loc, int64_t ndims,
                                RankedTensorType input) {
  if (ndims < 1 || ndims > kMaxSpectralAxes)
    return opError<OpT>(loc, "ndims must be 1, 2 or 3, got ", ndims);
  if (ndims > input.getRank())
    return opError<OpT>(loc, "input of rank ", input.getRank(),
                        " has fewer than ndims = ", ndims, " dimensions");
  return success();
}

/// Checks that there are 1 to 3 modes and `rank` has room for them.
template <typename OpT>
inline LogicalResult checkModesCount(std::optional<Location> loc,
                                     ArrayRef<int64_t> modes, int64_t rank) {
  if (modes.empty() || static_cast<int64_t>(modes.size()) > kMaxSpectralAxes)
    return opError<OpT>(loc, "modes must have 1 to 3 entries, got ",
                        modes.size());
  if (static_cast<int64_t>(modes.size()) > rank)
    return opError<OpT>(loc, "input of rank ", rank, " cannot hold ",
                        modes.size(), " spectral axes (one per mode)");
  return success();
}

/// Checks that the known entries of the list `what` are positive.
template <typename OpT>
inline LogicalResult checkPositive(std::optional<Location> loc,
                                   ArrayRef<int64_t> values, StringRef what) {
  for (auto [index, value] : llvm::enumerate(values))
    if (!ShapedType::isDynamic(value) && (value <= 0 || value > kMaxSizeAttr))
      return opError<OpT>(loc, what, "[", index, "] must be positive",
                          value > 0 ? " and at most 2^40" : "", ", got ",
                          value);
  return success();
}

/// Checks that `modes` fit the half-spectrum extents `half` (N_1..N_{d-1},
/// H) whose first axis is dimension `firstDim`: 2m <= N on full axes and
/// m <= H on the last.
template <typename OpT>
inline LogicalResult checkModesFit(std::optional<Location> loc,
                                   ArrayRef<int64_t> modes,
                                   ArrayRef<int64_t> half, int64_t firstDim) {
  size_t last = modes.size() - 1;
  for (size_t i = 0; i < last; ++i)
    if (!ShapedType::isDynamic(modes[i]) && !ShapedType::isDynamic(half[i]) &&
        2 * modes[i] > half[i])
      return opError<OpT>(loc, "modes[", i, "] = ", modes[i], " needs 2 * ",
                          modes[i], " <= ", half[i],
                          ", the size of dimension #", firstDim + i);
  if (!ShapedType::isDynamic(modes[last]) &&
      !ShapedType::isDynamic(half[last]) && modes[last] > half[last])
    return opError<OpT>(loc, "modes[", last, "] = ", modes[last], " needs ",
                        modes[last], " <= ", half[last],
                        ", the number of rfft frequencies of dimension #",
                        firstDim + last);
  return success();
}

/// Returns the truncated extents 2m_1..2m_{d-1}, m_d (unknown: dynamic).
inline SmallVector<int64_t> truncatedShape(ArrayRef<int64_t> modes) {
  SmallVector<int64_t> shape;
  for (auto [index, m] : llvm::enumerate(modes))
    shape.push_back(
        ShapedType::isDynamic(m) || index + 1 == modes.size() ? m : 2 * m);
  return shape;
}

/// The truncated spectrum of a real [B, I, N..] tensor of type `x` for
/// `modes`: [B, I, 2m_1.., m_d], complex of x's element type (what
/// spectral_conv_save and fourier_layer_save return besides y).
inline RankedTensorType truncatedSpectrumType(RankedTensorType x, ArrayRef<int64_t> modes) {
  SmallVector<int64_t> shape{x.getDimSize(0), x.getDimSize(1)};
  llvm::append_range(shape, truncatedShape(modes));
  return RankedTensorType::get(shape, ComplexType::get(x.getElementType()));
}

/// Returns the half-spectrum extents N_1..N_{d-1}, N_d/2+1 of a real grid.
inline SmallVector<int64_t> halfShape(ArrayRef<int64_t> grid) {
  SmallVector<int64_t> shape(grid);
  shape.back() = halfSize(shape.back());
  return shape;
}

/// Checks that the trailing dimensions of `type` (operand `what`) are the
/// truncated extents of `modes`.
template <typename OpT>
inline LogicalResult checkTruncated(std::optional<Location> loc,
                                    RankedTensorType type,
                                    ArrayRef<int64_t> modes, StringRef what) {
  SmallVector<int64_t> expected = truncatedShape(modes);
  int64_t first = type.getRank() - expected.size();
  for (auto [index, size] : llvm::enumerate(expected))
    if (sizesConflict(type.getDimSize(first + index), size))
      return opError<OpT>(loc, what, " dimension #", first + index, " is ",
                          type.getDimSize(first + index), " but modes give ",
                          size);
  return success();
}

/// Returns `type`'s shape with its trailing dimensions replaced by `tail`.
inline SmallVector<int64_t> replaceTrailing(RankedTensorType type,
                                            ArrayRef<int64_t> tail) {
  SmallVector<int64_t> shape(type.getShape().drop_back(tail.size()));
  shape.append(tail.begin(), tail.end());
  return shape;
}

/// Checks that the weight's input channels match the input's (dimension 1).
template <typename OpT>
inline LogicalResult checkChannels(std::optional<Location> loc,
                                   RankedTensorType input,
                                   RankedTensorType weight) {
  if (sizesConflict(input.getDimSize(1), weight.getDimSize(0)))
    return opError<OpT>(loc, "input has ", input.getDimSize(1),
                        " channels but the weight expects ",
                        weight.getDimSize(0));
  return success();
}

/// Checks the ranks of x [B, I, K...] and weight [I, O, K...].
template <typename OpT>
inline LogicalResult checkContractRanks(std::optional<Location> loc,
                                        RankedTensorType input,
                                        RankedTensorType weight) {
  int64_t rank = input.getRank();
  if (rank < 3 || rank > 2 + kMaxSpectralAxes)
    return opError<OpT>(
        loc, "input must be [B, I, K...] with 1 to 3 mode dimensions, got ",
        input);
  if (weight.getRank() != rank)
    return opError<OpT>(loc,
                        "weight must be [I, O, K...] of "
                        "the input's rank ",
                        rank, ", got ", weight);
  return success();
}

/// Checks that the mode dimensions of x and weight agree.
template <typename OpT>
inline LogicalResult checkContractModes(std::optional<Location> loc,
                                        RankedTensorType input,
                                        RankedTensorType weight) {
  for (int64_t dim = 2, e = input.getRank(); dim < e; ++dim)
    if (sizesConflict(input.getDimSize(dim), weight.getDimSize(dim)))
      return opError<OpT>(loc, "mode dimension #", dim, ": input has ",
                          input.getDimSize(dim), " but the weight has ",
                          weight.getDimSize(dim));
  return success();
}

/// Checks that x is [B, I, N_1..N_d] and weight [I, O, ...] of `complex<x>`.
template <typename OpT>
inline LogicalResult checkConvOperands(std::optional<Location> loc,
                                       RankedTensorType input,
                                       RankedTensorType weight, size_t d,
                                       bool checkInputChannels = true) {
  int64_t rank = static_cast<int64_t>(d) + 2;
  if (weight.getElementType() != ComplexType::get(input.getElementType()))
    return opError<OpT>(loc, "weight must be a tensor of ",
                        ComplexType::get(input.getElementType()),
                        " to match the input, got ", weight);
  if (input.getRank() != rank)
    return opError<OpT>(loc, "input must have rank ", rank,
                        " ([B, I] and one spatial axis per mode), got ", input);
  if (weight.getRank() != rank)
    return opError<OpT>(loc, "weight must have rank ", rank,
                        " ([I, O] and one mode axis per mode), got ", weight);
  return checkInputChannels ? checkChannels<OpT>(loc, input, weight) : success();
}

/// The result type [B, O, grid] of a spectral convolution of `inputType`
/// ([B, I, N...] real) with `weightType` ([I, O, truncated modes] complex)
/// for `modes`, after checking both (spectral_conv and the fused layers).
template <typename OpT>
inline FailureOr<RankedTensorType> inferConvResult(std::optional<Location> loc,
                                                   Type inputType, Type weightType,
                                                   ArrayRef<int64_t> modes) {
  FailureOr<RankedTensorType> input =
      getFloatTensor<OpT>(loc, inputType, /*complex=*/false, "input");
  FailureOr<RankedTensorType> weight =
      getFloatTensor<OpT>(loc, weightType, /*complex=*/true, "weight");
  if (failed(input) || failed(weight) ||
      failed(checkModesCount<OpT>(loc, modes, input->getRank())) ||
      failed(checkPositive<OpT>(loc, modes, "modes")) ||
      failed(checkConvOperands<OpT>(loc, *input, *weight, modes.size())))
    return failure();
  ArrayRef<int64_t> grid = input->getShape().drop_front(2);
  if (failed(checkModesFit<OpT>(loc, modes, halfShape(grid), 2)) ||
      failed(checkTruncated<OpT>(loc, *weight, modes, "weight")))
    return failure();
  SmallVector<int64_t> shape{input->getDimSize(0), weight->getDimSize(1)};
  shape.append(grid.begin(), grid.end());
  return RankedTensorType::get(shape, input->getElementType());
}

} // namespace mlir::shodh
