//===- Gradients.cpp - Gradient rules of shodh ops ------------------------===//
//
// Implements GradientOpInterface: for each differentiable op, the backward
// ops that map the cotangents of its results to the cotangents of the
// operands asked for (the runtime's kernel contract, docs/compiler.md §
// Training):
//
//   linear(x, w, b)          dx = linear_grad_input(dy, w), dw =
//                            linear_grad_weight(x, dy), db =
//                            linear_grad_bias(dy)
//   gelu(x)                  dx = gelu_grad(x, dy)
//   add(a, b)                da = db = dy
//   mul(a, b)                da = mul(dy, b), db = mul(dy, a)
//   rfft(x) / irfft(Z)       rfft_grad(dX) / irfft_grad(dy)
//   spectral_truncate(X)     spectral_pad(dT) onto X's half spectrum
//   spectral_pad(T)          spectral_truncate(dP)
//   spectral_contract(X, W)  spectral_contract_grad_input / _grad_weight
//   spectral_conv(x, W)      spectral_conv_grad_input / _grad_weight
//   mse_loss / rel_l2_loss   *_loss_grad(p, t) (as the root: d(loss) = 1)
//
// A null result cotangent means zero, so every operand cotangent is null.
//
//===----------------------------------------------------------------------===//
#include "dialect/ShodhOps.h"

using namespace mlir;
using namespace mlir::shodh;

/// Fills `operandGrads` with one null value per operand of `op`.
static void resetGrads(Operation *op, SmallVectorImpl<Value> &operandGrads) {
  operandGrads.assign(op->getNumOperands(), Value());
}

/// Returns the bound integer list `attr` of `op`, or reports that it is not.
static FailureOr<ArrayRef<int64_t>> getBoundList(Operation *op, Attribute attr,
                                                 StringRef name) {
  if (auto bound = dyn_cast<DenseI64ArrayAttr>(attr))
    return bound.asArrayRef();
  return op->emitOpError("cannot be differentiated while '")
         << name << "' still uses hyperparameters";
}

//===----------------------------------------------------------------------===//
// Dense ops
//===----------------------------------------------------------------------===//

LogicalResult LinearOp::buildGradient(OpBuilder &builder,
                                      ArrayRef<Value> resultGrads,
                                      ArrayRef<bool> needed,
                                      SmallVectorImpl<Value> &operandGrads) {
  resetGrads(*this, operandGrads);
  Value dy = resultGrads[0];
  if (!dy)
    return success();
  Location loc = getLoc();
  if (needed[0])
    operandGrads[0] =
        builder.create<LinearGradInputOp>(loc, dy, getWeight(), Value(), getAxis());
  if (needed[1])
    operandGrads[1] =
        builder.create<LinearGradWeightOp>(loc, getInput(), dy, getAxis());
  if (getBias() && needed[2])
    operandGrads[2] = builder.create<LinearGradBiasOp>(loc, dy, getAxis());
  return success();
}

LogicalResult GeluOp::buildGradient(OpBuilder &builder,
                                    ArrayRef<Value> resultGrads,
                                    ArrayRef<bool> needed,
                                    SmallVectorImpl<Value> &operandGrads) {
  resetGrads(*this, operandGrads);
  if (resultGrads[0] && needed[0])
    operandGrads[0] = builder.create<GeluGradOp>(
        getLoc(), getInput(), resultGrads[0], getApproximate());
  return success();
}

LogicalResult AddOp::buildGradient(OpBuilder &, ArrayRef<Value> resultGrads,
                                   ArrayRef<bool> needed,
                                   SmallVectorImpl<Value> &operandGrads) {
  resetGrads(*this, operandGrads);
  for (unsigned i = 0; i < 2; ++i)
    if (needed[i])
      operandGrads[i] = resultGrads[0];
  return success();
}

LogicalResult MulOp::buildGradient(OpBuilder &builder,
                                   ArrayRef<Value> resultGrads,
                                   ArrayRef<bool> needed,
                                   SmallVectorImpl<Value> &operandGrads) {
  resetGrads(*this, operandGrads);
  Value dy = resultGrads[0];
  if (!dy)
    return success();
  if (needed[0])
    operandGrads[0] = builder.create<MulOp>(getLoc(), dy, getRhs());
  if (needed[1])
    operandGrads[1] = builder.create<MulOp>(getLoc(), dy, getLhs());
  return success();
}

//===----------------------------------------------------------------------===//
// Spectral ops
//===----------------------------------------------------------------------===//

LogicalResult RfftOp::buildGradient(OpBuilder &builder,
                                    ArrayRef<Value> resultGrads,
                                    ArrayRef<bool> needed,
                                    SmallVectorImpl<Value> &operandGrads) {
  resetGrads(*this, operandGrads);
  if (!resultGrads[0] || !needed[0])
    return success();
  int64_t lastSize = getInput().getType().getShape().back();
  if (ShapedType::isDynamic(lastSize))
    return emitOpError("cannot be differentiated with a dynamic last "
                       "dimension");
  operandGrads[0] = builder.create<RfftGradOp>(getLoc(), resultGrads[0],
                                               getNdims(), lastSize, getNorm());
  return success();
}

LogicalResult IrfftOp::buildGradient(OpBuilder &builder,
                                     ArrayRef<Value> resultGrads,
                                     ArrayRef<bool> needed,
                                     SmallVectorImpl<Value> &operandGrads) {
  resetGrads(*this, operandGrads);
  if (resultGrads[0] && needed[0])
    operandGrads[0] = builder.create<IrfftGradOp>(getLoc(), resultGrads[0],
                                                  getNdims(), getNorm());
  return success();
}

/// Returns a real grid N_1..N_d whose half spectrum is the trailing
/// `rank` dimensions of `spectrum`: N_d = 2 (H - 1) (or 1 for H = 1); fails
/// on dynamic sizes.
static FailureOr<SmallVector<int64_t>>
gridOfSpectrum(Operation *op, RankedTensorType spectrum, size_t rank) {
  SmallVector<int64_t> grid(spectrum.getShape().take_back(rank));
  if (llvm::any_of(grid, ShapedType::isDynamic))
    return op->emitOpError("cannot be differentiated with dynamic spectral "
                           "dimensions in ")
           << spectrum;
  grid.back() = grid.back() > 1 ? 2 * (grid.back() - 1) : 1;
  return grid;
}

LogicalResult SpectralTruncateOp::buildGradient(
    OpBuilder &builder, ArrayRef<Value> resultGrads, ArrayRef<bool> needed,
    SmallVectorImpl<Value> &operandGrads) {
  resetGrads(*this, operandGrads);
  if (!resultGrads[0] || !needed[0])
    return success();
  FailureOr<ArrayRef<int64_t>> modes = getBoundList(*this, getModes(), "modes");
  if (failed(modes))
    return failure();
  FailureOr<SmallVector<int64_t>> grid = gridOfSpectrum(
      *this, cast<RankedTensorType>(getInput().getType()), modes->size());
  if (failed(grid))
    return failure();
  operandGrads[0] = builder.create<SpectralPadOp>(
      getLoc(), resultGrads[0], builder.getDenseI64ArrayAttr(*modes),
      builder.getDenseI64ArrayAttr(*grid));
  return success();
}

LogicalResult
SpectralPadOp::buildGradient(OpBuilder &builder, ArrayRef<Value> resultGrads,
                             ArrayRef<bool> needed,
                             SmallVectorImpl<Value> &operandGrads) {
  resetGrads(*this, operandGrads);
  if (!resultGrads[0] || !needed[0])
    return success();
  FailureOr<ArrayRef<int64_t>> modes = getBoundList(*this, getModes(), "modes");
  if (failed(modes))
    return failure();
  operandGrads[0] = builder.create<SpectralTruncateOp>(
      getLoc(), resultGrads[0], builder.getDenseI64ArrayAttr(*modes));
  return success();
}

LogicalResult SpectralContractOp::buildGradient(
    OpBuilder &builder, ArrayRef<Value> resultGrads, ArrayRef<bool> needed,
    SmallVectorImpl<Value> &operandGrads) {
  resetGrads(*this, operandGrads);
  Value dy = resultGrads[0];
  if (!dy)
    return success();
  if (needed[0])
    operandGrads[0] =
        builder.create<SpectralContractGradInputOp>(getLoc(), dy, getWeight());
  if (needed[1])
    operandGrads[1] =
        builder.create<SpectralContractGradWeightOp>(getLoc(), getInput(), dy);
  return success();
}

LogicalResult
SpectralConvOp::buildGradient(OpBuilder &builder, ArrayRef<Value> resultGrads,
                              ArrayRef<bool> needed,
                              SmallVectorImpl<Value> &operandGrads) {
  resetGrads(*this, operandGrads);
  Value dy = resultGrads[0];
  if (!dy)
    return success();
  FailureOr<ArrayRef<int64_t>> modes = getBoundList(*this, getModes(), "modes");
  if (failed(modes))
    return failure();
  if (needed[0] && needed[1]) { // one op: the kernel transforms dy once
    auto both = builder.create<SpectralConvGradOp>(getLoc(), getInput(), dy,
                                                   getWeight(), *modes);
    operandGrads[0] = both.getDx();
    operandGrads[1] = both.getDw();
    return success();
  }
  if (needed[0])
    operandGrads[0] = builder.create<SpectralConvGradInputOp>(
        getLoc(), dy, getWeight(), *modes);
  if (needed[1])
    operandGrads[1] = builder.create<SpectralConvGradWeightOp>(
        getLoc(), getInput(), dy, *modes);
  return success();
}

//===----------------------------------------------------------------------===//
// Losses
//===----------------------------------------------------------------------===//

/// The gradient of loss `op` with respect to its prediction: `GradOpT(p, t)`
/// when the loss is the root of the backward graph (null cotangent).
template <typename GradOpT, typename LossOpT>
static LogicalResult
buildLossGradient(LossOpT op, OpBuilder &builder, ArrayRef<Value> resultGrads,
                  ArrayRef<bool> needed, SmallVectorImpl<Value> &operandGrads) {
  resetGrads(op, operandGrads);
  if (resultGrads[0])
    return op.emitOpError("is differentiated only as the root of a training "
                          "graph (its result must not feed other ops)");
  if (needed[0])
    operandGrads[0] = builder.create<GradOpT>(op.getLoc(), op.getPrediction(),
                                              op.getTarget());
  return success();
}

LogicalResult MseLossOp::buildGradient(OpBuilder &builder,
                                       ArrayRef<Value> resultGrads,
                                       ArrayRef<bool> needed,
                                       SmallVectorImpl<Value> &operandGrads) {
  return buildLossGradient<MseLossGradOp>(*this, builder, resultGrads, needed,
                                          operandGrads);
}

LogicalResult RelL2LossOp::buildGradient(OpBuilder &builder,
                                         ArrayRef<Value> resultGrads,
                                         ArrayRef<bool> needed,
                                         SmallVectorImpl<Value> &operandGrads) {
  return buildLossGradient<RelL2LossGradOp>(*this, builder, resultGrads, needed,
                                            operandGrads);
}
