//===- ExpertOps.cpp - Shape rules, gradients and lowering of expert ops --===//
//
// The expert ops of docs/experts.md (§ Expert ops): expert_mlp, expert_fno
// and their gradient ops. Every expert op takes (sorted, offsets,
// params...); the shape rules check the ragged layout contract (tokens
// (B, R, F...) f32, offsets (E+1) i64, every parameter stacked with E as
// dim 0) and the expert's own parameter shapes. Errors name the operand and
// what was expected; checks apply where sizes are static.
//
//===----------------------------------------------------------------------===//
#include "dialect/ExpertShapeRules.h"

#include "mlir/IR/Builders.h"

using namespace mlir;
using namespace mlir::shodh;
using namespace mlir::shodh::expert_rules;

int64_t mlir::shodh::getExpertCount(Operation *op) {
  auto offsets = dyn_cast<RankedTensorType>(op->getOperand(1).getType());
  if (offsets && offsets.getRank() == 1 && !offsets.isDynamicDim(0))
    return offsets.getDimSize(0) - 1;
  for (Value param : op->getOperands().drop_front(2))
    if (auto t = dyn_cast<RankedTensorType>(param.getType()))
      if (t.getRank() > 0 && !t.isDynamicDim(0))
        return t.getDimSize(0);
  return ShapedType::kDynamic;
}

LogicalResult ExpertMlpOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor a,
                                            SmallVectorImpl<Type> &inferred) {
  ExpertTypes ty;
  FailureOr<RankedTensorType> y = inferMlp<ExpertMlpOp>(
      loc, a.getSorted().getType(), a.getOffsets().getType(),
      a.getW1().getType(), a.getB1().getType(), a.getW2().getType(),
      a.getB2().getType(), ty);
  if (failed(y))
    return failure();
  inferred.push_back(*y);
  return success();
}

SHODH_COMPATIBLE_RETURN_TYPES(ExpertMlpOp)

LogicalResult
ExpertMlpGradOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                  Adaptor a, SmallVectorImpl<Type> &inferred) {
  using OpT = ExpertMlpGradOp;
  ExpertTypes ty;
  FailureOr<RankedTensorType> y =
      inferMlp<OpT>(loc, a.getSorted().getType(), a.getOffsets().getType(),
                    a.getW1().getType(), a.getB1().getType(),
                    a.getW2().getType(), Type(), ty);
  if (failed(y))
    return failure();
  auto dy = dyn_cast<RankedTensorType>(a.getDy().getType());
  if (!dy || failed(verifyCompatibleShape(dy, *y)) ||
      dy.getElementType() != y->getElementType())
    return opError<OpT>(loc, "dy must match the forward result ", *y, ", got ",
                        a.getDy().getType());
  RankedTensorType w2 = ty.params[2];
  inferred.append({ty.tokens, ty.params[0], ty.params[1], w2,
                   RankedTensorType::get({ty.experts, w2.getDimSize(1)},
                                         w2.getElementType())});
  return success();
}

SHODH_COMPATIBLE_RETURN_TYPES(ExpertMlpGradOp)

LogicalResult ExpertFnoOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor a,
                                            SmallVectorImpl<Type> &inferred) {
  ExpertTypes ty;
  FailureOr<RankedTensorType> y = inferFno<ExpertFnoOp>(
      loc, a.getSorted().getType(), a.getOffsets().getType(),
      a.getWspec().getType(), a.getWskip().getType(), a.getBskip().getType(),
      getKnownInts(a.getModes()), ty);
  if (failed(y))
    return failure();
  inferred.push_back(*y);
  return success();
}

SHODH_COMPATIBLE_RETURN_TYPES(ExpertFnoOp)

LogicalResult
ExpertFnoGradOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                  Adaptor a, SmallVectorImpl<Type> &inferred) {
  using OpT = ExpertFnoGradOp;
  ExpertTypes ty;
  FailureOr<RankedTensorType> y =
      inferFno<OpT>(loc, a.getSorted().getType(), a.getOffsets().getType(),
                    a.getWspec().getType(), a.getWskip().getType(),
                    a.getBskip().getType(), a.getModes(), ty);
  if (failed(y))
    return failure();
  auto dy = dyn_cast<RankedTensorType>(a.getDy().getType());
  if (!dy || failed(verifyCompatibleShape(dy, *y)) ||
      dy.getElementType() != y->getElementType())
    return opError<OpT>(loc, "dy must match the forward result ", *y, ", got ",
                        a.getDy().getType());
  inferred.append({ty.tokens, ty.params[0], ty.params[1], ty.params[2]});
  return success();
}

SHODH_COMPATIBLE_RETURN_TYPES(ExpertFnoGradOp)

//===----------------------------------------------------------------------===//
// ExpertOpInterface, gradients, kernels
//===----------------------------------------------------------------------===//

StringRef ExpertMlpOp::getExpertKind() { return "mlp"; }
StringRef ExpertFnoOp::getExpertKind() { return "fno"; }

/// Fills `operandGrads` with one null value per operand of `op`.
static void resetGrads(Operation *op, SmallVectorImpl<Value> &operandGrads) {
  operandGrads.assign(op->getNumOperands(), Value());
}

LogicalResult ExpertMlpOp::buildGradient(OpBuilder &builder,
                                         ArrayRef<Value> resultGrads,
                                         ArrayRef<bool> needed,
                                         SmallVectorImpl<Value> &operandGrads) {
  resetGrads(*this, operandGrads);
  Value dy = resultGrads[0];
  if (!dy)
    return success();
  auto grad = builder.create<ExpertMlpGradOp>(
      getLoc(), getSorted(), getOffsets(), dy, getW1(), getB1(), getW2());
  // Operand 1 (offsets) is integer: no cotangent.
  const unsigned map[] = {0, ~0u, 1, 2, 3, 4};
  for (unsigned i = 0; i < 6; ++i)
    if (needed[i] && map[i] != ~0u)
      operandGrads[i] = grad->getResult(map[i]);
  return success();
}

LogicalResult ExpertFnoOp::buildGradient(OpBuilder &builder,
                                         ArrayRef<Value> resultGrads,
                                         ArrayRef<bool> needed,
                                         SmallVectorImpl<Value> &operandGrads) {
  resetGrads(*this, operandGrads);
  Value dy = resultGrads[0];
  if (!dy)
    return success();
  auto modes = dyn_cast<DenseI64ArrayAttr>(getModes());
  if (!modes)
    return emitOpError("cannot be differentiated while 'modes' still uses "
                       "hyperparameters");
  auto grad = builder.create<ExpertFnoGradOp>(getLoc(), getSorted(),
                                              getOffsets(), dy, getWspec(),
                                              getWskip(), getBskip(), modes);
  const unsigned map[] = {0, ~0u, 1, 2, 3};
  for (unsigned i = 0; i < 5; ++i)
    if (needed[i] && map[i] != ~0u)
      operandGrads[i] = grad->getResult(map[i]);
  return success();
}

StringRef ExpertMlpOp::getKernelName() { return "expert_mlp"; }
SmallVector<NamedAttribute> ExpertMlpOp::getKernelAttrs() { return {}; }
StringRef ExpertMlpGradOp::getKernelName() { return "expert_mlp_grad"; }
SmallVector<NamedAttribute> ExpertMlpGradOp::getKernelAttrs() { return {}; }

StringRef ExpertFnoOp::getKernelName() { return "expert_fno"; }
SmallVector<NamedAttribute> ExpertFnoOp::getKernelAttrs() {
  Builder b(getContext());
  return {b.getNamedAttr("modes", getModesAttr())};
}
StringRef ExpertFnoGradOp::getKernelName() { return "expert_fno_grad"; }
SmallVector<NamedAttribute> ExpertFnoGradOp::getKernelAttrs() {
  Builder b(getContext());
  return {b.getNamedAttr("modes", getModesAttr())};
}

SmallVector<StringRef> ExpertFnoOp::getHyperparamAttrNames() {
  return {getModesAttrName().getValue()};
}
