//===- ChannelMlp.cpp - shodh.channel_mlp, its gradient and MSE form ------===//
//
// Shape rules, verifiers, the gradient rule and the kernel lowering of the
// fused channel MLP (ShodhMlpOps.td). Operands are f32 tensors: x [..C..]
// with C at `axis`, w1 [H, C], b1 [H], w2 [O, H], b2 [O]; the result is x's
// shape with O at `axis`. The gradient op takes dy (the result's shape) in
// place of b2 and returns (dx, dw1, db1, dw2, db2); the MSE form takes b2
// and a target (the result's shape) and returns the loss [1] first.
//
//===----------------------------------------------------------------------===//
#include "dialect/ShapeRules.h"

#include "mlir/IR/Builders.h"

using namespace mlir;
using namespace mlir::shodh;

namespace {

/// The checked types of x, w1, b1, w2 and the inferred result type.
struct MlpTypes {
  RankedTensorType x, w1, b1, w2, y;
};

/// Checks `t` (operand `name`) has rank `rank`; `layout` describes it.
template <typename OpT>
LogicalResult checkRank(std::optional<Location> loc, RankedTensorType t,
                        StringRef name, int64_t rank, StringRef layout) {
  if (t.getRank() != rank)
    return opError<OpT>(loc, name, " must have rank ", rank, " (", layout,
                        "), got ", t);
  return success();
}

/// Checks that size `a` (of `what`) agrees with `b` (of `other`).
template <typename OpT>
LogicalResult checkSize(std::optional<Location> loc, int64_t a, StringRef what,
                        int64_t b, StringRef other) {
  if (sizesConflict(a, b))
    return opError<OpT>(loc, what, " is ", a, " but ", other, " is ", b);
  return success();
}

/// Checks x, w1, b1, w2 (`types[0..3]`) and the axis; infers y.
template <typename OpT>
FailureOr<MlpTypes> checkMlp(std::optional<Location> loc,
                             ArrayRef<RankedTensorType> types, int64_t axis) {
  if (failed(checkSameElementType<OpT>(loc, types)))
    return failure();
  if (!types[0].getElementType().isF32())
    return opError<OpT>(loc, "operands must be f32, got ",
                        types[0].getElementType());
  MlpTypes t{types[0], types[1], types[2], types[3], {}};
  if (axis < 0 || axis >= t.x.getRank())
    return opError<OpT>(loc, "axis ", axis,
                        " is out of range for an input of rank ",
                        t.x.getRank());
  if (failed(checkRank<OpT>(loc, t.w1, "w1", 2, "[H, C]")) ||
      failed(checkRank<OpT>(loc, t.b1, "b1", 1, "[H]")) ||
      failed(checkRank<OpT>(loc, t.w2, "w2", 2, "[O, H]")) ||
      failed(checkSize<OpT>(loc, t.w1.getDimSize(1), "w1's C",
                            t.x.getDimSize(axis), "the input's size at axis")) ||
      failed(checkSize<OpT>(loc, t.b1.getDimSize(0), "b1's H",
                            t.w1.getDimSize(0), "w1's H")) ||
      failed(checkSize<OpT>(loc, t.w2.getDimSize(1), "w2's H",
                            t.w1.getDimSize(0), "w1's H")))
    return failure();
  SmallVector<int64_t> shape(t.x.getShape());
  shape[axis] = t.w2.getDimSize(0);
  t.y = RankedTensorType::get(shape, t.x.getElementType());
  return t;
}

/// checkMlp, then b2 (`types[4]`) as [O].
template <typename OpT>
FailureOr<MlpTypes> checkMlpWithBias(std::optional<Location> loc,
                                     ArrayRef<RankedTensorType> types, int64_t axis) {
  FailureOr<MlpTypes> t = checkMlp<OpT>(loc, types, axis);
  if (failed(t) || failed(checkRank<OpT>(loc, types[4], "b2", 1, "[O]")) ||
      failed(checkSize<OpT>(loc, types[4].getDimSize(0), "b2's O",
                            t->w2.getDimSize(0), "w2's O")))
    return failure();
  return t;
}

/// The gradient results (dx, dw1, db1, dw2, db2) for checked types `t`.
void appendGradientTypes(const MlpTypes &t, SmallVectorImpl<Type> &inferred) {
  inferred.append({t.x, t.w1, t.b1, t.w2,
                   RankedTensorType::get({t.w2.getDimSize(0)}, t.x.getElementType())});
}

} // namespace

/// What the three ops share besides their shape rules: compatible result
/// types, the `approximate` check, the kernel name and its attributes
/// (`axis` and `approximate`).
#define SHODH_MLP_OP_COMMON(OpT, kernel)                                        \
  SHODH_COMPATIBLE_RETURN_TYPES(OpT)                                           \
  LogicalResult OpT::verify() { return verifyGeluApproximate(*this, getApproximate()); } \
  StringRef OpT::getKernelName() { return kernel; }                            \
  SmallVector<NamedAttribute> OpT::getKernelAttrs() {                          \
    Builder b(getContext());                                                   \
    return {b.getNamedAttr("axis", b.getI64IntegerAttr(getAxis())),             \
            b.getNamedAttr("approximate", b.getStringAttr(getApproximate()))}; \
  }

SHODH_MLP_OP_COMMON(ChannelMlpOp, "channel_mlp")
SHODH_MLP_OP_COMMON(ChannelMlpGradOp, "channel_mlp_grad")
SHODH_MLP_OP_COMMON(ChannelMlpMseGradOp, "channel_mlp_mse_grad")

#undef SHODH_MLP_OP_COMMON

//===----------------------------------------------------------------------===//
// ChannelMlpOp
//===----------------------------------------------------------------------===//

LogicalResult ChannelMlpOp::inferReturnTypes(MLIRContext *,
                                             std::optional<Location> loc,
                                             Adaptor adaptor,
                                             SmallVectorImpl<Type> &inferred) {
  using OpT = ChannelMlpOp;
  SmallVector<RankedTensorType> types;
  if (failed(getRankedTypes<OpT>(loc, adaptor.getOperands().getTypes(),
                                 types)))
    return failure();
  FailureOr<MlpTypes> t = checkMlpWithBias<OpT>(loc, types, adaptor.getAxis());
  if (failed(t))
    return failure();
  inferred.push_back(t->y);
  return success();
}

LogicalResult ChannelMlpOp::buildGradient(OpBuilder &builder,
                                          ArrayRef<Value> resultGrads,
                                          ArrayRef<bool> needed,
                                          SmallVectorImpl<Value> &operandGrads) {
  operandGrads.assign(getNumOperands(), Value());
  if (!resultGrads[0] || llvm::none_of(needed, [](bool b) { return b; }))
    return success();
  auto grad = builder.create<ChannelMlpGradOp>(
      getLoc(), getInput(), getW1(), getB1(), getW2(), resultGrads[0],
      getAxis(), getApproximate());
  for (unsigned i = 0; i < getNumOperands(); ++i)
    if (needed[i])
      operandGrads[i] = grad.getResult(i);
  return success();
}

//===----------------------------------------------------------------------===//
// ChannelMlpGradOp
//===----------------------------------------------------------------------===//

LogicalResult ChannelMlpGradOp::inferReturnTypes(
    MLIRContext *, std::optional<Location> loc, Adaptor adaptor,
    SmallVectorImpl<Type> &inferred) {
  using OpT = ChannelMlpGradOp;
  SmallVector<RankedTensorType> types;
  if (failed(getRankedTypes<OpT>(loc, adaptor.getOperands().getTypes(),
                                 types)))
    return failure();
  FailureOr<MlpTypes> t = checkMlp<OpT>(loc, types, adaptor.getAxis());
  if (failed(t))
    return failure();
  RankedTensorType dy = types[4];
  if (failed(verifyCompatibleShape(dy.getShape(), t->y.getShape())))
    return opError<OpT>(loc, "dy must have the result's shape ", t->y,
                        ", got ", dy);
  appendGradientTypes(*t, inferred);
  return success();
}

//===----------------------------------------------------------------------===//
// ChannelMlpMseGradOp
//===----------------------------------------------------------------------===//

LogicalResult ChannelMlpMseGradOp::inferReturnTypes(
    MLIRContext *, std::optional<Location> loc, Adaptor adaptor,
    SmallVectorImpl<Type> &inferred) {
  using OpT = ChannelMlpMseGradOp;
  SmallVector<RankedTensorType> types;
  if (failed(getRankedTypes<OpT>(loc, adaptor.getOperands().getTypes(),
                                 types)))
    return failure();
  FailureOr<MlpTypes> t = checkMlpWithBias<OpT>(loc, types, adaptor.getAxis());
  if (failed(t))
    return failure();
  RankedTensorType target = types[5];
  if (target.getElementType() != t->x.getElementType() ||
      failed(verifyCompatibleShape(target.getShape(), t->y.getShape())))
    return opError<OpT>(loc, "target must have the MLP result's type ", t->y,
                        ", got ", target);
  inferred.push_back(RankedTensorType::get({1}, t->x.getElementType()));
  appendGradientTypes(*t, inferred);
  return success();
}
