//===- RoutingGradients.cpp - Gradient rules of the routing ops -----------===//
//
// GradientOpInterface of the routing ops (docs/experts.md § Routing ops and
// router losses):
//
//   router(x, w, b)           dz = router_grad(probs, dprobs[, dlogits])
//                             (or dz = dlogits), then linear_grad_input /
//                             _weight / _bias of dz over axis 2
//   spectral_energy(p)        stop-gradient: p gets no cotangent
//   top_k(probs)              top_k_grad(probs, experts, dgates)
//   dispatch(x, experts)      dispatch_grad(dsorted, source, offsets) to x
//   combine(out, gates, ..)   combine_grad(dy, out, gates, source, offsets)
//   router losses             *_loss_grad(operands[, dloss]); dloss absent
//                             when the loss is the root (d(loss) = 1)
//   allocation_kl(experts)    stop-gradient (a measurement of counts)
//
// Expert ids, source and offsets are integers: they get no cotangent.
//
//===----------------------------------------------------------------------===//
#include "dialect/ShodhOps.h"

using namespace mlir;
using namespace mlir::shodh;

/// Fills `operandGrads` with one null value per operand of `op`.
static void resetGrads(Operation *op, SmallVectorImpl<Value> &operandGrads) {
  operandGrads.assign(op->getNumOperands(), Value());
}

LogicalResult RouterOp::buildGradient(OpBuilder &builder,
                                      ArrayRef<Value> resultGrads,
                                      ArrayRef<bool> needed,
                                      SmallVectorImpl<Value> &operandGrads) {
  resetGrads(*this, operandGrads);
  Value dlogits = resultGrads[0], dprobs = resultGrads[1];
  Location loc = getLoc();
  Value dz = dlogits;
  if (dprobs)
    dz = builder.create<RouterGradOp>(loc, getProbs(), dprobs, dlogits,
                                      getTemperatureAttr());
  if (!dz)
    return success();
  const int64_t axis = 2; // the feature / expert axis of (B, T, F|E)
  if (needed[0])
    operandGrads[0] =
        builder.create<LinearGradInputOp>(loc, dz, getWeight(), Value(), axis);
  if (needed[1])
    operandGrads[1] =
        builder.create<LinearGradWeightOp>(loc, getTokens(), dz, axis);
  if (getBias() && needed[2])
    operandGrads[2] = builder.create<LinearGradBiasOp>(loc, dz, axis);
  return success();
}

LogicalResult
SpectralEnergyOp::buildGradient(OpBuilder &, ArrayRef<Value>, ArrayRef<bool>,
                                SmallVectorImpl<Value> &operandGrads) {
  resetGrads(*this, operandGrads); // stop-gradient by definition
  return success();
}

LogicalResult
AllocationKlOp::buildGradient(OpBuilder &, ArrayRef<Value>, ArrayRef<bool>,
                              SmallVectorImpl<Value> &operandGrads) {
  resetGrads(*this, operandGrads); // piecewise constant: no cotangent
  return success();
}

LogicalResult TopKOp::buildGradient(OpBuilder &builder,
                                    ArrayRef<Value> resultGrads,
                                    ArrayRef<bool> needed,
                                    SmallVectorImpl<Value> &operandGrads) {
  resetGrads(*this, operandGrads);
  if (resultGrads[0] && needed[0])
    operandGrads[0] =
        builder.create<TopKGradOp>(getLoc(), getProbs(), getExperts(),
                                   resultGrads[0], getRenormalizeAttr());
  return success();
}

LogicalResult DispatchOp::buildGradient(OpBuilder &builder,
                                        ArrayRef<Value> resultGrads,
                                        ArrayRef<bool> needed,
                                        SmallVectorImpl<Value> &operandGrads) {
  resetGrads(*this, operandGrads);
  if (!resultGrads[0] || !needed[0])
    return success();
  int64_t k = cast<RankedTensorType>(getExperts().getType()).getDimSize(2);
  if (ShapedType::isDynamic(k))
    return emitOpError("cannot be differentiated with a dynamic number of "
                       "slots k in experts ")
           << getExperts().getType();
  operandGrads[0] = builder.create<DispatchGradOp>(
      getLoc(), resultGrads[0], getSource(), getOffsets(),
      builder.getI64IntegerAttr(k));
  return success();
}

LogicalResult CombineOp::buildGradient(OpBuilder &builder,
                                       ArrayRef<Value> resultGrads,
                                       ArrayRef<bool> needed,
                                       SmallVectorImpl<Value> &operandGrads) {
  resetGrads(*this, operandGrads);
  if (!resultGrads[0] || (!needed[0] && !needed[1]))
    return success();
  auto grad =
      builder.create<CombineGradOp>(getLoc(), resultGrads[0], getOut(),
                                    getGates(), getSource(), getOffsets());
  if (needed[0])
    operandGrads[0] = grad.getDout();
  if (needed[1])
    operandGrads[1] = grad.getDgates();
  return success();
}

LogicalResult LoadBalanceLossOp::buildGradient(
    OpBuilder &builder, ArrayRef<Value> resultGrads, ArrayRef<bool> needed,
    SmallVectorImpl<Value> &operandGrads) {
  resetGrads(*this, operandGrads);
  if (needed[0])
    operandGrads[0] = builder.create<LoadBalanceLossGradOp>(
        getLoc(), getProbs(), getExperts(), resultGrads[0]);
  return success();
}

LogicalResult
RouterZLossOp::buildGradient(OpBuilder &builder, ArrayRef<Value> resultGrads,
                             ArrayRef<bool> needed,
                             SmallVectorImpl<Value> &operandGrads) {
  resetGrads(*this, operandGrads);
  if (needed[0])
    operandGrads[0] = builder.create<RouterZLossGradOp>(getLoc(), getLogits(),
                                                        resultGrads[0]);
  return success();
}

LogicalResult
RouterKlLossOp::buildGradient(OpBuilder &builder, ArrayRef<Value> resultGrads,
                              ArrayRef<bool> needed,
                              SmallVectorImpl<Value> &operandGrads) {
  resetGrads(*this, operandGrads);
  if (needed[0])
    operandGrads[0] = builder.create<RouterKlLossGradOp>(
        getLoc(), getProbs(), resultGrads[0], getPriorAttr(),
        getEntropyWeightAttr(), getEntropyOverAttr());
  return success();
}
