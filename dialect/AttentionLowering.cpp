//===- AttentionLowering.cpp - Gradients and kernels of the attention ops -===//
//
// Gradient rules (GradientOpInterface) and kernel lowering
// (KernelOpInterface) of the ops of ShodhAttentionOps.td. With
// qkv = linear(x, wqkv, bqkv) and o = attention_heads(qkv) (both
// recomputed in the backward pass, nothing is saved by the forward kernel):
//
//   attention(x, wqkv, bqkv, wo, bo)
//       do    = linear_grad_input(dy, wo),   dwo = linear_grad_weight(o, dy),
//       dbo   = linear_grad_bias(dy),
//       dqkv  = attention_heads_grad(qkv, do),
//       dx    = linear_grad_input(dqkv, wqkv),
//       dwqkv = linear_grad_weight(x, dqkv), dbqkv = linear_grad_bias(dqkv)
//   attention_heads(qkv)  dqkv = attention_heads_grad(qkv, dy)
//
// all along axis 2. Kernel contract (docs/runtime.md § Attention kernels):
// kernels have the op's name and get `heads`.
//
//===----------------------------------------------------------------------===//
#include "dialect/ShodhOps.h"

#include "mlir/IR/Builders.h"

using namespace mlir;
using namespace mlir::shodh;

LogicalResult AttentionOp::buildGradient(OpBuilder &builder,
                                         ArrayRef<Value> resultGrads,
                                         ArrayRef<bool> needed,
                                         SmallVectorImpl<Value> &operandGrads) {
  operandGrads.assign(getNumOperands(), Value());
  Value dy = resultGrads[0];
  if (!dy)
    return success();
  Location loc = getLoc();
  const int64_t axis = 2;
  bool inProj = needed[0] || needed[1] || needed[2];
  Value qkv;
  if (inProj || needed[3])
    qkv = builder.create<LinearOp>(loc, getInput(), getWqkv(), getBqkv(),
                                   axis);
  if (needed[3]) {
    Value o = builder.create<AttentionHeadsOp>(loc, qkv, getHeadsAttr());
    operandGrads[3] = builder.create<LinearGradWeightOp>(loc, o, dy, axis);
  }
  if (needed[4])
    operandGrads[4] = builder.create<LinearGradBiasOp>(loc, dy, axis);
  if (!inProj)
    return success();
  Value dO = builder.create<LinearGradInputOp>(loc, dy, getWo(), Value(), axis);
  Value dqkv =
      builder.create<AttentionHeadsGradOp>(loc, qkv, dO, getHeadsAttr());
  if (needed[0])
    operandGrads[0] =
        builder.create<LinearGradInputOp>(loc, dqkv, getWqkv(), Value(), axis);
  if (needed[1])
    operandGrads[1] =
        builder.create<LinearGradWeightOp>(loc, getInput(), dqkv, axis);
  if (needed[2])
    operandGrads[2] = builder.create<LinearGradBiasOp>(loc, dqkv, axis);
  return success();
}

LogicalResult
AttentionHeadsOp::buildGradient(OpBuilder &builder, ArrayRef<Value> resultGrads,
                                ArrayRef<bool> needed,
                                SmallVectorImpl<Value> &operandGrads) {
  operandGrads.assign(1, Value());
  if (resultGrads[0] && needed[0])
    operandGrads[0] = builder.create<AttentionHeadsGradOp>(
        getLoc(), getQkv(), resultGrads[0], getHeadsAttr());
  return success();
}

//===----------------------------------------------------------------------===//
// KernelOpInterface
//===----------------------------------------------------------------------===//

/// The `heads` attribute of every attention kernel.
static SmallVector<NamedAttribute> headsAttrs(Operation *op,
                                              IntegerAttr heads) {
  return {Builder(op->getContext()).getNamedAttr("heads", heads)};
}

StringRef AttentionOp::getKernelName() { return "attention"; }

SmallVector<NamedAttribute> AttentionOp::getKernelAttrs() {
  return headsAttrs(*this, getHeadsAttr());
}

StringRef AttentionHeadsOp::getKernelName() { return "attention_heads"; }

SmallVector<NamedAttribute> AttentionHeadsOp::getKernelAttrs() {
  return headsAttrs(*this, getHeadsAttr());
}

StringRef AttentionHeadsGradOp::getKernelName() {
  return "attention_heads_grad";
}

SmallVector<NamedAttribute> AttentionHeadsGradOp::getKernelAttrs() {
  return headsAttrs(*this, getHeadsAttr());
}
