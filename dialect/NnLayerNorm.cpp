//===- NnLayerNorm.cpp - Shape rules of layer_norm and its gradients ------===//
//
// shodh.layer_norm normalises an f32 or f64 tensor along one axis (`axis`, in
// range) with per-channel `gamma` and `beta` of shape [C] and the input's
// element type, C the size at
// `axis`; `eps` must be positive and finite. The backward ops
// layer_norm_grad_input (x's type) and layer_norm_grad_gamma ([C]) check
// the same, and that dy has x's shape.
//
//===----------------------------------------------------------------------===//
#include "dialect/ShapeRules.h"

#include <cmath>

using namespace mlir;
using namespace mlir::shodh;

/// Returns the input as an f32 or f64 tensor of rank >= 1 with `axis` in range
/// and `eps` positive and finite.
template <typename OpT>
static FailureOr<RankedTensorType>
getNormInput(std::optional<Location> loc, Type type, int64_t axis, double eps) {
  auto x = dyn_cast<RankedTensorType>(type);
  if (!x || !(x.getElementType().isF32() || x.getElementType().isF64()) ||
      x.getRank() < 1)
    return opError<OpT>(
        loc, "input must be an f32 or f64 tensor of rank >= 1, got ", type);
  if (axis < 0 || axis >= x.getRank())
    return opError<OpT>(loc, "axis ", axis, " is out of range for rank ",
                        x.getRank());
  if (!std::isfinite(eps) || eps <= 0.0)
    return opError<OpT>(loc, "eps must be positive and finite, got ", eps);
  return x;
}

/// Checks that `type` (operand `name`) is a [C] of x's element type with
/// C = x's size at `axis`.
template <typename OpT>
static LogicalResult checkPerChannel(std::optional<Location> loc, Type type,
                                     StringRef name, RankedTensorType x,
                                     int64_t axis) {
  auto v = dyn_cast<RankedTensorType>(type);
  if (!v || v.getElementType() != x.getElementType() || v.getRank() != 1 ||
      sizesConflict(v.getDimSize(0), x.getDimSize(axis)))
    return opError<OpT>(loc, name, " must be an ", typeName(x.getElementType()),
                        " tensor [C] with C = ", x.getDimSize(axis),
                        " (the input's size at axis ", axis, "), got ", type);
  return success();
}

/// Checks that dy is compatible with x.
template <typename OpT>
static LogicalResult checkDyLikeInput(std::optional<Location> loc, Type dy,
                                      RankedTensorType x) {
  auto d = dyn_cast<RankedTensorType>(dy);
  if (!d || d.getElementType() != x.getElementType() ||
      failed(verifyCompatibleShape(d, x)))
    return opError<OpT>(loc, "dy must have the input's type ", x, ", got ", dy);
  return success();
}

LogicalResult LayerNormOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &inferred) {
  using OpT = LayerNormOp;
  int64_t axis = adaptor.getAxis();
  auto x = getNormInput<OpT>(loc, adaptor.getInput().getType(), axis,
                             adaptor.getEps().convertToDouble());
  if (failed(x) ||
      failed(checkPerChannel<OpT>(loc, adaptor.getGamma().getType(), "gamma",
                                  *x, axis)) ||
      failed(checkPerChannel<OpT>(loc, adaptor.getBeta().getType(), "beta", *x,
                                  axis)))
    return failure();
  inferred.push_back(*x);
  return success();
}

SHODH_COMPATIBLE_RETURN_TYPES(LayerNormOp)

LogicalResult LayerNormGradInputOp::inferReturnTypes(
    MLIRContext *, std::optional<Location> loc, Adaptor adaptor,
    SmallVectorImpl<Type> &inferred) {
  using OpT = LayerNormGradInputOp;
  int64_t axis = adaptor.getAxis();
  auto x = getNormInput<OpT>(loc, adaptor.getInput().getType(), axis,
                             adaptor.getEps().convertToDouble());
  if (failed(x) ||
      failed(checkPerChannel<OpT>(loc, adaptor.getGamma().getType(), "gamma",
                                  *x, axis)) ||
      failed(checkDyLikeInput<OpT>(loc, adaptor.getDy().getType(), *x)))
    return failure();
  inferred.push_back(*x);
  return success();
}

SHODH_COMPATIBLE_RETURN_TYPES(LayerNormGradInputOp)

LogicalResult LayerNormGradGammaOp::inferReturnTypes(
    MLIRContext *, std::optional<Location> loc, Adaptor adaptor,
    SmallVectorImpl<Type> &inferred) {
  using OpT = LayerNormGradGammaOp;
  int64_t axis = adaptor.getAxis();
  auto x = getNormInput<OpT>(loc, adaptor.getInput().getType(), axis,
                             adaptor.getEps().convertToDouble());
  if (failed(x) ||
      failed(checkDyLikeInput<OpT>(loc, adaptor.getDy().getType(), *x)))
    return failure();
  inferred.push_back(
      RankedTensorType::get({x->getDimSize(axis)}, x->getElementType()));
  return success();
}

SHODH_COMPATIBLE_RETURN_TYPES(LayerNormGradGammaOp)
