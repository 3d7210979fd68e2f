//===- PhysicsLowering.cpp - Gradients and kernels of the physics ops -----===//
//
// Gradient rules (GradientOpInterface) and kernel lowering
// (KernelOpInterface) of div_free_project, divergence, divergence_grad and
// curl. Every op here is linear and built from antisymmetric derivatives on
// a periodic grid, so each adjoint is another physics op on the cotangent:
//
//   div_free_project(u)   du = div_free_project(dy)   (self-adjoint)
//   divergence(u)         du = divergence_grad(dy)    (-grad)
//   divergence_grad(g)    dg = divergence(dy)
//   curl(a)               da = curl(dy)               (3D self-adjoint;
//                                                      2D psi <-> vorticity)
//
// Kernel contract (docs/runtime.md § Physics kernels): the kernel has the
// op's name and gets `lengths` (always, the default 2*pi per axis filled in)
// and `method` for the derivative ops.
//
//===----------------------------------------------------------------------===//
#include "dialect/ShodhOps.h"

#include "mlir/IR/Builders.h"

#include <cmath>

using namespace mlir;
using namespace mlir::shodh;

/// The box lengths of physics op `op`: its `lengths`, or 2*pi per axis.
static DenseF64ArrayAttr resolvedLengths(Operation *op,
                                         DenseF64ArrayAttr lengths) {
  if (lengths)
    return lengths;
  int64_t spatial =
      cast<RankedTensorType>(op->getOperand(0).getType()).getRank() - 2;
  SmallVector<double> box(spatial, 2.0 * M_PI);
  return Builder(op->getContext()).getDenseF64ArrayAttr(box);
}

/// The kernel attributes `lengths` and, unless `method` is empty, `method`.
static SmallVector<NamedAttribute>
physicsAttrs(Operation *op, DenseF64ArrayAttr lengths, StringRef method) {
  Builder b(op->getContext());
  SmallVector<NamedAttribute> attrs{
      b.getNamedAttr("lengths", resolvedLengths(op, lengths))};
  if (!method.empty())
    attrs.push_back(b.getNamedAttr("method", b.getStringAttr(method)));
  return attrs;
}

//===----------------------------------------------------------------------===//
// GradientOpInterface
//===----------------------------------------------------------------------===//

LogicalResult
DivFreeProjectOp::buildGradient(OpBuilder &builder, ArrayRef<Value> resultGrads,
                                ArrayRef<bool> needed,
                                SmallVectorImpl<Value> &operandGrads) {
  operandGrads.assign(1, Value());
  if (resultGrads[0] && needed[0])
    operandGrads[0] = builder.create<DivFreeProjectOp>(getLoc(), resultGrads[0],
                                                       getLengthsAttr());
  return success();
}

LogicalResult
DivergenceOp::buildGradient(OpBuilder &builder, ArrayRef<Value> resultGrads,
                            ArrayRef<bool> needed,
                            SmallVectorImpl<Value> &operandGrads) {
  operandGrads.assign(1, Value());
  if (resultGrads[0] && needed[0])
    operandGrads[0] = builder.create<DivergenceGradOp>(
        getLoc(), resultGrads[0], builder.getStringAttr(getMethod()),
        getLengthsAttr());
  return success();
}

LogicalResult
DivergenceGradOp::buildGradient(OpBuilder &builder, ArrayRef<Value> resultGrads,
                                ArrayRef<bool> needed,
                                SmallVectorImpl<Value> &operandGrads) {
  operandGrads.assign(1, Value());
  if (resultGrads[0] && needed[0])
    operandGrads[0] = builder.create<DivergenceOp>(
        getLoc(), resultGrads[0], builder.getStringAttr(getMethod()),
        getLengthsAttr());
  return success();
}

LogicalResult CurlOp::buildGradient(OpBuilder &builder,
                                    ArrayRef<Value> resultGrads,
                                    ArrayRef<bool> needed,
                                    SmallVectorImpl<Value> &operandGrads) {
  operandGrads.assign(1, Value());
  if (resultGrads[0] && needed[0])
    operandGrads[0] = builder.create<CurlOp>(getLoc(), resultGrads[0],
                                             builder.getStringAttr(getMethod()),
                                             getLengthsAttr());
  return success();
}

//===----------------------------------------------------------------------===//
// KernelOpInterface
//===----------------------------------------------------------------------===//

StringRef DivFreeProjectOp::getKernelName() { return "div_free_project"; }

SmallVector<NamedAttribute> DivFreeProjectOp::getKernelAttrs() {
  return physicsAttrs(*this, getLengthsAttr(), "");
}

StringRef DivergenceOp::getKernelName() { return "divergence"; }

SmallVector<NamedAttribute> DivergenceOp::getKernelAttrs() {
  return physicsAttrs(*this, getLengthsAttr(), getMethod());
}

StringRef DivergenceGradOp::getKernelName() { return "divergence_grad"; }

SmallVector<NamedAttribute> DivergenceGradOp::getKernelAttrs() {
  return physicsAttrs(*this, getLengthsAttr(), getMethod());
}

StringRef CurlOp::getKernelName() { return "curl"; }

SmallVector<NamedAttribute> CurlOp::getKernelAttrs() {
  return physicsAttrs(*this, getLengthsAttr(), getMethod());
}
