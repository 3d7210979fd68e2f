//===- AttentionOps.cpp - Shape rules of the attention ops ----------------===//
//
// shodh.attention takes f32 tokens x [B, T, C] with C divisible by `heads`
// (>= 1), wqkv [3C, C], bqkv [3C], wo [C, C] and bo [C], and gives x's type;
// while C is unknown (a model written with hyperparameters, before
// --shodh-infer-shapes) only `heads` is checked. shodh.attention_heads takes qkv [B, T, 3C] (static last axis,
// C divisible by `heads`) and gives [B, T, C]; attention_heads_grad takes
// qkv and dy [B, T, C] and gives qkv's type.
//
//===----------------------------------------------------------------------===//
#include "dialect/ShapeRules.h"

using namespace mlir;
using namespace mlir::shodh;

/// Checks that `type` (operand `name`) is an f32 [B, T, N] tensor with a
/// static N, and returns it.
template <typename OpT>
static FailureOr<RankedTensorType> getTokens(std::optional<Location> loc,
                                             Type type, StringRef name) {
  auto t = dyn_cast<RankedTensorType>(type);
  if (!t || !t.getElementType().isF32() || t.getRank() != 3 ||
      ShapedType::isDynamic(t.getDimSize(2)))
    return opError<OpT>(loc, name,
                        " must be an f32 tensor [B, T, C] with a static "
                        "channel size, got ",
                        type);
  return t;
}

/// Checks that `heads` is positive and divides `channels` (positive).
template <typename OpT>
static LogicalResult checkHeads(std::optional<Location> loc, int64_t heads,
                                int64_t channels) {
  if (heads < 1)
    return opError<OpT>(loc, "heads must be positive, got ", heads);
  if (channels < 1)
    return opError<OpT>(loc, "the channel size C must be positive, got ",
                        channels);
  if (channels % heads != 0)
    return opError<OpT>(loc, "the channel size C = ", channels,
                        " must be divisible by heads = ", heads);
  return success();
}

/// Checks that `type` (operand `name`) is an f32 tensor of static `shape`
/// (`what` spells it symbolically).
template <typename OpT>
static LogicalResult checkParam(std::optional<Location> loc, Type type,
                                StringRef name, ArrayRef<int64_t> shape,
                                StringRef what) {
  auto t = dyn_cast<RankedTensorType>(type);
  bool ok = t && t.getElementType().isF32() &&
            t.getRank() == int64_t(shape.size());
  for (size_t d = 0; ok && d < shape.size(); ++d)
    ok = !sizesConflict(t.getDimSize(d), shape[d]);
  if (!ok) {
    std::string want;
    llvm::raw_string_ostream os(want);
    llvm::interleave(shape, os, "x");
    return opError<OpT>(loc, name, " must be an f32 tensor ", what, " = [",
                        want, "], got ", type);
  }
  return success();
}

LogicalResult AttentionOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &inferred) {
  using OpT = AttentionOp;
  auto x = dyn_cast<RankedTensorType>(adaptor.getInput().getType());
  auto wo = dyn_cast<RankedTensorType>(adaptor.getWo().getType());
  if (x && x.getElementType().isF32() && x.getRank() == 3 &&
      ShapedType::isDynamic(x.getDimSize(2))) {
    // C unknown in the input: take it from a static wo [C, C], else only
    // heads can be checked until shape inference binds it.
    if (!wo || wo.getRank() != 2 || !wo.hasStaticShape()) {
      if (adaptor.getHeads() < 1)
        return opError<OpT>(loc, "heads must be positive, got ",
                            adaptor.getHeads());
      inferred.push_back(x);
      return success();
    }
    x = RankedTensorType::get({x.getDimSize(0), x.getDimSize(1),
                               wo.getDimSize(1)},
                              x.getElementType());
  } else if (failed(getTokens<OpT>(loc, adaptor.getInput().getType(),
                                   "input"))) {
    return failure();
  }
  int64_t c = x.getDimSize(2);
  if (failed(checkHeads<OpT>(loc, adaptor.getHeads(), c)) ||
      failed(checkParam<OpT>(loc, adaptor.getWqkv().getType(), "wqkv",
                             {3 * c, c}, "[3C, C]")) ||
      failed(checkParam<OpT>(loc, adaptor.getBqkv().getType(), "bqkv",
                             {3 * c}, "[3C]")) ||
      failed(checkParam<OpT>(loc, adaptor.getWo().getType(), "wo", {c, c},
                             "[C, C]")) ||
      failed(checkParam<OpT>(loc, adaptor.getBo().getType(), "bo", {c},
                             "[C]")))
    return failure();
  inferred.push_back(x);
  return success();
}

SHODH_COMPATIBLE_RETURN_TYPES(AttentionOp)

/// Checks qkv [B, T, 3C] and `heads`, and returns [B, T, C].
template <typename OpT>
static FailureOr<RankedTensorType> getHeadsOutput(std::optional<Location> loc,
                                                  Type type, int64_t heads) {
  auto qkv = getTokens<OpT>(loc, type, "qkv");
  if (failed(qkv))
    return failure();
  int64_t packed = qkv->getDimSize(2);
  if (packed % 3 != 0)
    return opError<OpT>(loc, "qkv's last size ", packed,
                        " must be 3C (q, k and v side by side)");
  if (failed(checkHeads<OpT>(loc, heads, packed / 3)))
    return failure();
  return RankedTensorType::get(
      {qkv->getDimSize(0), qkv->getDimSize(1), packed / 3},
      qkv->getElementType());
}

LogicalResult AttentionHeadsOp::inferReturnTypes(
    MLIRContext *, std::optional<Location> loc, Adaptor adaptor,
    SmallVectorImpl<Type> &inferred) {
  auto out = getHeadsOutput<AttentionHeadsOp>(
      loc, adaptor.getQkv().getType(), adaptor.getHeads());
  if (failed(out))
    return failure();
  inferred.push_back(*out);
  return success();
}

SHODH_COMPATIBLE_RETURN_TYPES(AttentionHeadsOp)

LogicalResult AttentionHeadsGradOp::inferReturnTypes(
    MLIRContext *, std::optional<Location> loc, Adaptor adaptor,
    SmallVectorImpl<Type> &inferred) {
  using OpT = AttentionHeadsGradOp;
  auto out =
      getHeadsOutput<OpT>(loc, adaptor.getQkv().getType(), adaptor.getHeads());
  if (failed(out))
    return failure();
  auto dy = dyn_cast<RankedTensorType>(adaptor.getDy().getType());
  if (!dy || dy.getElementType() != out->getElementType() ||
      failed(verifyCompatibleShape(dy, *out)))
    return opError<OpT>(loc, "dy must have the forward result's type ", *out,
                        ", got ", adaptor.getDy().getType());
  inferred.push_back(adaptor.getQkv().getType());
  return success();
}

SHODH_COMPATIBLE_RETURN_TYPES(AttentionHeadsGradOp)
