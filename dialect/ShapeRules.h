//===- ShapeRules.h - Helpers of the shape rules ----------------*- C++ -*-===//
//
// Small helpers shared by the shape rules (inferReturnTypes) of shodh compute
// ops: error reporting at an optional location, size joins and conflicts,
// operand type checks, the elementwise rule and the compatibility test of
// declared result types.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "dialect/ShodhOps.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/TypeUtilities.h"
#include "llvm/Support/CheckedArithmetic.h"

namespace mlir::shodh {

/// Emits "'<op>' op <message...>" at `loc` if present; always fails.
template <typename OpT, typename... Args>
inline LogicalResult opError(std::optional<Location> loc, Args &&...args) {
  return emitOptionalError(loc, "'", OpT::getOperationName(), "' op ",
                           std::forward<Args>(args)...);
}

/// `type` as printed, without the quotes a diagnostic argument gets ("f32"
/// in "must be an f32 tensor").
inline std::string typeName(Type type) {
  std::string text;
  llvm::raw_string_ostream os(text);
  type.print(os);
  return text;
}

/// The largest value a size attribute (modes, patch sizes, strides,
/// paddings, expert counts) may hold: sums and products of a few of them stay
/// far inside int64 (no tensor axis can be that long anyway: the runtime
/// refuses tensors over 2^48 bytes).
constexpr int64_t kMaxSizeAttr = int64_t(1) << 40;

/// `checked`(`a`, `b`) for static sizes (kDynamic if either is dynamic);
/// fails with "<what> <a> <sign> <b> overflows 64 bits" if the result does
/// not fit (llvm::checkedMul / checkedAdd give nullopt) or is kDynamic's
/// value.
template <typename OpT, typename Checked>
inline FailureOr<int64_t> staticArith(std::optional<Location> loc, int64_t a,
                                      int64_t b, StringRef what, StringRef sign,
                                      Checked checked) {
  if (ShapedType::isDynamic(a) || ShapedType::isDynamic(b))
    return ShapedType::kDynamic;
  std::optional<int64_t> r = checked(a, b);
  if (!r || ShapedType::isDynamic(*r))
    return opError<OpT>(loc, what, " ", a, " ", sign, " ", b,
                        " overflows 64 bits");
  return *r;
}

/// `a` * `b` of static sizes, checked (staticArith).
template <typename OpT>
inline FailureOr<int64_t> staticProduct(std::optional<Location> loc, int64_t a,
                                        int64_t b, StringRef what) {
  return staticArith<OpT>(loc, a, b, what, "*", llvm::checkedMul<int64_t>);
}

/// `a` + `b` of static sizes, checked (staticArith).
template <typename OpT>
inline FailureOr<int64_t> staticSum(std::optional<Location> loc, int64_t a,
                                    int64_t b, StringRef what) {
  return staticArith<OpT>(loc, a, b, what, "+", llvm::checkedAdd<int64_t>);
}

/// Returns true if the static sizes `a` and `b` disagree.
inline bool sizesConflict(int64_t a, int64_t b) {
  return !ShapedType::isDynamic(a) && !ShapedType::isDynamic(b) && a != b;
}

/// Returns the more static of two compatible sizes.
inline int64_t joinSize(int64_t a, int64_t b) {
  return ShapedType::isDynamic(a) ? b : a;
}

/// Casts every type in `types` to a ranked tensor, failing if one is not.
template <typename OpT>
inline LogicalResult getRankedTypes(std::optional<Location> loc,
                                    TypeRange types,
                                    SmallVectorImpl<RankedTensorType> &out) {
  for (Type type : types) {
    auto ranked = dyn_cast<RankedTensorType>(type);
    if (!ranked)
      return opError<OpT>(loc, "operands must be ranked tensors, got ", type);
    out.push_back(ranked);
  }
  return success();
}

/// Checks that all `types` share one element type.
template <typename OpT>
inline LogicalResult checkSameElementType(std::optional<Location> loc,
                                          ArrayRef<RankedTensorType> types) {
  for (RankedTensorType type : types.drop_front())
    if (type.getElementType() != types.front().getElementType())
      return opError<OpT>(loc, "operands must have the same element type, got ",
                          types.front().getElementType(), " and ",
                          type.getElementType());
  return success();
}

/// Accepts inferred types that are compatible with the declared ones: same
/// element types and shapes that agree wherever both are static.
inline bool areCompatibleTypes(TypeRange lhs, TypeRange rhs) {
  if (lhs.size() != rhs.size())
    return false;
  for (auto [l, r] : llvm::zip(lhs, rhs))
    if (getElementTypeOrSelf(l) != getElementTypeOrSelf(r) ||
        failed(verifyCompatibleShape(l, r)))
      return false;
  return true;
}

/// Defines `OpT::isCompatibleReturnTypes` (InferTypeOpInterface) as
/// areCompatibleTypes; used once per shape-inferring op.
#define SHODH_COMPATIBLE_RETURN_TYPES(OpT)                                     \
  bool OpT::isCompatibleReturnTypes(::mlir::TypeRange l,                       \
                                    ::mlir::TypeRange r) {                     \
    return ::mlir::shodh::areCompatibleTypes(l, r);                            \
  }

/// Infers the result of an elementwise op over operands of compatible shape.
template <typename OpT>
inline LogicalResult inferElementwise(std::optional<Location> loc,
                                      TypeRange operands,
                                      SmallVectorImpl<Type> &inferred) {
  SmallVector<RankedTensorType> types;
  if (failed(getRankedTypes<OpT>(loc, operands, types)) ||
      failed(checkSameElementType<OpT>(loc, types)))
    return failure();
  RankedTensorType lhs = types[0], rhs = types[1];
  if (failed(verifyCompatibleShape(lhs, rhs)))
    return opError<OpT>(loc, "operand shapes ", lhs, " and ", rhs,
                        " are incompatible");
  SmallVector<int64_t> shape;
  for (auto [a, b] : llvm::zip(lhs.getShape(), rhs.getShape()))
    shape.push_back(joinSize(a, b));
  inferred.push_back(RankedTensorType::get(shape, lhs.getElementType()));
  return success();
}

/// Joins `shape` (a fused op's result) with the tensor `addend` added to it
/// (`what`: "residual", "accumulate"); `mine` names `shape` in the message
/// ("dx has").
template <typename OpT>
inline LogicalResult
joinAddend(std::optional<Location> loc, SmallVectorImpl<int64_t> &shape,
           RankedTensorType addend, StringRef what, StringRef mine) {
  if (addend.getRank() != static_cast<int64_t>(shape.size()))
    return opError<OpT>(loc, what, " must have rank ", shape.size(), ", got ",
                        addend);
  for (int64_t d = 0, e = addend.getRank(); d < e; ++d) {
    if (sizesConflict(shape[d], addend.getDimSize(d)))
      return opError<OpT>(loc, what, " dimension #", d, " is ",
                          addend.getDimSize(d), " but ", mine, " ", shape[d]);
    shape[d] = joinSize(shape[d], addend.getDimSize(d));
  }
  return success();
}

} // namespace mlir::shodh
