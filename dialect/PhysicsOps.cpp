//===- PhysicsOps.cpp - Verifiers and shape rules of the physics ops ------===//
//
// div_free_project, divergence, divergence_grad and curl act on real fields
// [B, C, N_1, .., N_d] (f32 or f64, d = 2 or 3 spatial axes). The shape
// rules check the layout and the channel count each op needs (d components
// of a velocity, one channel of a scalar) and give the result's channels;
// the verifiers check `method` and `lengths`. Gradient rules and the kernel
// lowering are in PhysicsLowering.cpp.
//
//===----------------------------------------------------------------------===//
#include "dialect/ShapeRules.h"

#include <cmath>

using namespace mlir;
using namespace mlir::shodh;

//===----------------------------------------------------------------------===//
// Shared checks
//===----------------------------------------------------------------------===//

/// Returns `type` as a field [B, C, N_1, .., N_d] of f32 or f64 with d = 2
/// or 3, or reports what is expected.
template <typename OpT>
static FailureOr<RankedTensorType> getField(std::optional<Location> loc,
                                            Type type) {
  auto ranked = dyn_cast<RankedTensorType>(type);
  if (ranked &&
      (ranked.getElementType().isF32() || ranked.getElementType().isF64()) &&
      (ranked.getRank() == 4 || ranked.getRank() == 5))
    return ranked;
  return opError<OpT>(loc,
                      "input must be a field [B, C, N_1, .., N_d] of f32 or "
                      "f64 with d = 2 or 3 spatial axes (rank 4 or 5), got ",
                      type);
}

/// Checks that `field` has `want` channels (dimension 1) where it is static;
/// `what` says what they are.
template <typename OpT>
static LogicalResult checkChannelCount(std::optional<Location> loc,
                                       RankedTensorType field, int64_t want,
                                       StringRef what) {
  if (sizesConflict(field.getDimSize(1), want))
    return opError<OpT>(loc, "input must have ", want,
                        want == 1 ? " channel (" : " channels (", what,
                        ") in dimension #1, got ", field.getDimSize(1));
  return success();
}

/// Returns `field`'s type with `channels` channels.
static RankedTensorType withChannels(RankedTensorType field, int64_t channels) {
  SmallVector<int64_t> shape(field.getShape());
  shape[1] = channels;
  return RankedTensorType::get(shape, field.getElementType());
}

/// Infers the result of an op mapping `in` channels to `out` (in = 0: the
/// spatial rank d; out = 0: d).
template <typename OpT>
static LogicalResult inferChannelMap(std::optional<Location> loc, Type input,
                                     int64_t in, int64_t out, StringRef what,
                                     SmallVectorImpl<Type> &inferred) {
  FailureOr<RankedTensorType> field = getField<OpT>(loc, input);
  if (failed(field))
    return failure();
  int64_t d = field->getRank() - 2;
  if (failed(checkChannelCount<OpT>(loc, *field, in ? in : d, what)))
    return failure();
  inferred.push_back(withChannels(*field, out ? out : d));
  return success();
}

/// Checks the derivative `method`.
static LogicalResult verifyMethod(Operation *op, StringRef method) {
  if (method == "spectral" || method == "fd2")
    return success();
  return op->emitOpError("method must be \"spectral\" or \"fd2\", got \"")
         << method << "\"";
}

/// Checks `lengths`: one positive finite box length per spatial axis.
static LogicalResult verifyLengths(Operation *op, DenseF64ArrayAttr lengths) {
  if (!lengths)
    return success();
  int64_t spatial =
      cast<RankedTensorType>(op->getOperand(0).getType()).getRank() - 2;
  if (static_cast<int64_t>(lengths.size()) != spatial)
    return op->emitOpError("lengths must have one entry per spatial axis (")
           << spatial << "), got " << lengths.size();
  for (auto [index, length] : llvm::enumerate(lengths.asArrayRef()))
    if (!std::isfinite(length) || length <= 0.0)
      return op->emitOpError("lengths[")
             << index << "] must be positive and finite, got " << length;
  return success();
}

//===----------------------------------------------------------------------===//
// DivFreeProjectOp
//===----------------------------------------------------------------------===//

LogicalResult
DivFreeProjectOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                   Adaptor adaptor,
                                   SmallVectorImpl<Type> &inferred) {
  return inferChannelMap<DivFreeProjectOp>(loc, adaptor.getInput().getType(), 0,
                                           0,
                                           "one velocity component per "
                                           "spatial axis",
                                           inferred);
}

SHODH_COMPATIBLE_RETURN_TYPES(DivFreeProjectOp)

LogicalResult DivFreeProjectOp::verify() {
  return verifyLengths(*this, getLengthsAttr());
}

//===----------------------------------------------------------------------===//
// DivergenceOp, DivergenceGradOp
//===----------------------------------------------------------------------===//

LogicalResult DivergenceOp::inferReturnTypes(MLIRContext *,
                                             std::optional<Location> loc,
                                             Adaptor adaptor,
                                             SmallVectorImpl<Type> &inferred) {
  return inferChannelMap<DivergenceOp>(
      loc, adaptor.getInput().getType(), 0, 1,
      "one velocity component per spatial axis", inferred);
}

SHODH_COMPATIBLE_RETURN_TYPES(DivergenceOp)

LogicalResult DivergenceOp::verify() {
  return failure(failed(verifyMethod(*this, getMethod())) ||
                 failed(verifyLengths(*this, getLengthsAttr())));
}

LogicalResult
DivergenceGradOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                   Adaptor adaptor,
                                   SmallVectorImpl<Type> &inferred) {
  return inferChannelMap<DivergenceGradOp>(loc, adaptor.getInput().getType(), 1,
                                           0, "the cotangent of a divergence",
                                           inferred);
}

SHODH_COMPATIBLE_RETURN_TYPES(DivergenceGradOp)

LogicalResult DivergenceGradOp::verify() {
  return failure(failed(verifyMethod(*this, getMethod())) ||
                 failed(verifyLengths(*this, getLengthsAttr())));
}

//===----------------------------------------------------------------------===//
// CurlOp
//===----------------------------------------------------------------------===//

LogicalResult CurlOp::inferReturnTypes(MLIRContext *,
                                       std::optional<Location> loc,
                                       Adaptor adaptor,
                                       SmallVectorImpl<Type> &inferred) {
  FailureOr<RankedTensorType> field =
      getField<CurlOp>(loc, adaptor.getInput().getType());
  if (failed(field))
    return failure();
  if (field->getRank() == 5)
    return inferChannelMap<CurlOp>(loc, *field, 3, 3, "a 3D vector potential",
                                   inferred);
  int64_t channels = field->getDimSize(1);
  if (channels != 1 && channels != 2)
    return opError<CurlOp>(
        loc,
        "2D input must have 1 channel (a stream function) or 2 (a "
        "velocity) in dimension #1, got ",
        ShapedType::isDynamic(channels) ? std::string("a dynamic size")
                                        : std::to_string(channels));
  inferred.push_back(withChannels(*field, 3 - channels));
  return success();
}

SHODH_COMPATIBLE_RETURN_TYPES(CurlOp)

LogicalResult CurlOp::verify() {
  return failure(failed(verifyMethod(*this, getMethod())) ||
                 failed(verifyLengths(*this, getLengthsAttr())));
}
