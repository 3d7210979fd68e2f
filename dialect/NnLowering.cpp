//===- NnLowering.cpp - Gradients and kernels of conv and layer_norm ------===//
//
// Gradient rules (GradientOpInterface) and kernel lowering
// (KernelOpInterface) of the ops of ShodhNnOps.td:
//
//   conv(x, w, b)            dx = conv_grad_input(dy, w) {input_size = S},
//                            dw = conv_grad_weight(x, dy) {kernel_size = K},
//                            db = linear_grad_bias(dy) {axis = 1}
//   conv_transpose(x, w, b)  dx = conv(dy, w) (zero padding),
//                            dw = conv_grad_weight(dy, x) {kernel_size = K},
//                            db = linear_grad_bias(dy) {axis = 1}
//   layer_norm(x, g, b)      dx = layer_norm_grad_input(x, g, dy),
//                            dg = layer_norm_grad_gamma(x, dy),
//                            db = linear_grad_bias(dy) {axis}
//
// The conv gradients need static spatial sizes of x and w (attributes of
// the backward ops). Kernel contract (docs/runtime.md § Convolution and
// normalisation kernels): kernels have the op's name and get `stride` and
// `padding` always (defaults filled in), `padding_mode` for conv and its
// backward ops, `output_padding` for conv_transpose, `axis` and `eps` for
// the layer-norm kernels.
//
//===----------------------------------------------------------------------===//
#include "dialect/ShodhOps.h"

#include "mlir/IR/Builders.h"

using namespace mlir;
using namespace mlir::shodh;

/// `attr`, or `fill` on each spatial axis of `op`'s first operand.
static DenseI64ArrayAttr resolvedList(Operation *op, DenseI64ArrayAttr attr,
                                      int64_t fill) {
  if (attr)
    return attr;
  int64_t spatial =
      cast<RankedTensorType>(op->getOperand(0).getType()).getRank() - 2;
  return Builder(op->getContext())
      .getDenseI64ArrayAttr(SmallVector<int64_t>(spatial, fill));
}

/// The static spatial sizes of `value` ([B, C, S...]), or an error naming
/// `what` when one is dynamic.
static FailureOr<DenseI64ArrayAttr> staticSpatial(Operation *op, Value value,
                                                  StringRef what) {
  auto type = cast<RankedTensorType>(value.getType());
  ArrayRef<int64_t> spatial = type.getShape().drop_front(2);
  if (llvm::any_of(spatial, ShapedType::isDynamic))
    return op->emitOpError("cannot be differentiated while the ")
           << what << " has dynamic spatial sizes: " << type;
  return Builder(op->getContext()).getDenseI64ArrayAttr(spatial);
}

//===----------------------------------------------------------------------===//
// GradientOpInterface
//===----------------------------------------------------------------------===//

LogicalResult ConvOp::buildGradient(OpBuilder &builder,
                                    ArrayRef<Value> resultGrads,
                                    ArrayRef<bool> needed,
                                    SmallVectorImpl<Value> &operandGrads) {
  operandGrads.assign(getNumOperands(), Value());
  Value dy = resultGrads[0];
  if (!dy)
    return success();
  Location loc = getLoc();
  DenseI64ArrayAttr stride = resolvedList(*this, getStrideAttr(), 1);
  DenseI64ArrayAttr padding = resolvedList(*this, getPaddingAttr(), 0);
  StringAttr mode = builder.getStringAttr(getPaddingMode());
  if (needed[0]) {
    auto size = staticSpatial(*this, getInput(), "input");
    if (failed(size))
      return failure();
    operandGrads[0] = builder.create<ConvGradInputOp>(
        loc, dy, getWeight(), stride, padding, mode, *size);
  }
  if (needed[1]) {
    auto kernel = staticSpatial(*this, getWeight(), "weight");
    if (failed(kernel))
      return failure();
    operandGrads[1] = builder.create<ConvGradWeightOp>(
        loc, getInput(), dy, stride, padding, mode, *kernel);
  }
  if (getBias() && needed[2])
    operandGrads[2] = builder.create<LinearGradBiasOp>(loc, dy, 1);
  return success();
}

LogicalResult
ConvTransposeOp::buildGradient(OpBuilder &builder, ArrayRef<Value> resultGrads,
                               ArrayRef<bool> needed,
                               SmallVectorImpl<Value> &operandGrads) {
  operandGrads.assign(getNumOperands(), Value());
  Value dy = resultGrads[0];
  if (!dy)
    return success();
  Location loc = getLoc();
  DenseI64ArrayAttr stride = resolvedList(*this, getStrideAttr(), 1);
  DenseI64ArrayAttr padding = resolvedList(*this, getPaddingAttr(), 0);
  StringAttr zeros = builder.getStringAttr("zeros");
  if (needed[0])
    operandGrads[0] = builder.create<ConvOp>(loc, dy, getWeight(), Value(),
                                             stride, padding, zeros);
  if (needed[1]) {
    auto kernel = staticSpatial(*this, getWeight(), "weight");
    if (failed(kernel))
      return failure();
    operandGrads[1] = builder.create<ConvGradWeightOp>(
        loc, dy, getInput(), stride, padding, zeros, *kernel);
  }
  if (getBias() && needed[2])
    operandGrads[2] = builder.create<LinearGradBiasOp>(loc, dy, 1);
  return success();
}

LogicalResult LayerNormOp::buildGradient(OpBuilder &builder,
                                         ArrayRef<Value> resultGrads,
                                         ArrayRef<bool> needed,
                                         SmallVectorImpl<Value> &operandGrads) {
  operandGrads.assign(3, Value());
  Value dy = resultGrads[0];
  if (!dy)
    return success();
  Location loc = getLoc();
  if (needed[0])
    operandGrads[0] = builder.create<LayerNormGradInputOp>(
        loc, getInput(), getGamma(), dy, getAxisAttr(), getEpsAttr());
  if (needed[1])
    operandGrads[1] = builder.create<LayerNormGradGammaOp>(
        loc, getInput(), dy, getAxisAttr(), getEpsAttr());
  if (needed[2])
    operandGrads[2] = builder.create<LinearGradBiasOp>(loc, dy, getAxis());
  return success();
}

//===----------------------------------------------------------------------===//
// KernelOpInterface
//===----------------------------------------------------------------------===//

/// `stride`, `padding` (resolved) and, unless empty, `padding_mode`.
static SmallVector<NamedAttribute> convAttrs(Operation *op,
                                             DenseI64ArrayAttr stride,
                                             DenseI64ArrayAttr padding,
                                             StringRef mode) {
  Builder b(op->getContext());
  SmallVector<NamedAttribute> attrs{
      b.getNamedAttr("stride", resolvedList(op, stride, 1)),
      b.getNamedAttr("padding", resolvedList(op, padding, 0))};
  if (!mode.empty())
    attrs.push_back(b.getNamedAttr("padding_mode", b.getStringAttr(mode)));
  return attrs;
}

/// `axis` and `eps` of the layer-norm kernels.
static SmallVector<NamedAttribute> normAttrs(Operation *op, int64_t axis,
                                             FloatAttr eps) {
  Builder b(op->getContext());
  return {
      b.getNamedAttr("axis", b.getI64IntegerAttr(axis)),
      b.getNamedAttr("eps", eps ? Attribute(eps) : b.getF64FloatAttr(1e-5))};
}

StringRef ConvOp::getKernelName() { return "conv"; }

SmallVector<NamedAttribute> ConvOp::getKernelAttrs() {
  return convAttrs(*this, getStrideAttr(), getPaddingAttr(), getPaddingMode());
}

StringRef ConvTransposeOp::getKernelName() { return "conv_transpose"; }

SmallVector<NamedAttribute> ConvTransposeOp::getKernelAttrs() {
  SmallVector<NamedAttribute> attrs =
      convAttrs(*this, getStrideAttr(), getPaddingAttr(), "");
  attrs.push_back(
      Builder(getContext())
          .getNamedAttr("output_padding",
                        resolvedList(*this, getOutputPaddingAttr(), 0)));
  return attrs;
}

StringRef ConvGradInputOp::getKernelName() { return "conv_grad_input"; }

SmallVector<NamedAttribute> ConvGradInputOp::getKernelAttrs() {
  return convAttrs(*this, getStrideAttr(), getPaddingAttr(), getPaddingMode());
}

StringRef ConvGradWeightOp::getKernelName() { return "conv_grad_weight"; }

SmallVector<NamedAttribute> ConvGradWeightOp::getKernelAttrs() {
  return convAttrs(*this, getStrideAttr(), getPaddingAttr(), getPaddingMode());
}

StringRef LayerNormOp::getKernelName() { return "layer_norm"; }

SmallVector<NamedAttribute> LayerNormOp::getKernelAttrs() {
  return normAttrs(*this, getAxis(), getEpsAttr());
}

StringRef LayerNormGradInputOp::getKernelName() {
  return "layer_norm_grad_input";
}

SmallVector<NamedAttribute> LayerNormGradInputOp::getKernelAttrs() {
  return normAttrs(*this, getAxis(), getEpsAttr());
}

StringRef LayerNormGradGammaOp::getKernelName() {
  return "layer_norm_grad_gamma";
}

SmallVector<NamedAttribute> LayerNormGradGammaOp::getKernelAttrs() {
  return normAttrs(*this, getAxis(), getEpsAttr());
}
