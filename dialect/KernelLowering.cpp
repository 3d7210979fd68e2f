//===- KernelLowering.cpp - KernelOpInterface of the shodh ops ------------===//
//
// For every op that lowers to a runtime kernel: the kernel's name (the
// registry key of runtime/kernels), its attributes exactly as the kernel
// contract in docs/runtime.md names them, and for the optimizer ops the
// persistent tensors they read and write in place.
//
//===----------------------------------------------------------------------===//
#include "dialect/ShodhOps.h"

#include "mlir/IR/Builders.h"

using namespace mlir;
using namespace mlir::shodh;

//===----------------------------------------------------------------------===//
// KernelOpInterface
//===----------------------------------------------------------------------===//

StringRef LinearOp::getKernelName() { return "linear"; }

SmallVector<NamedAttribute> LinearOp::getKernelAttrs() {
  Builder b(getContext());
  return {b.getNamedAttr("axis", b.getI64IntegerAttr(getAxis()))};
}

StringRef LinearAddOp::getKernelName() { return "linear"; }

/// Inputs x, w, r[, b]: `residual = 1` tells the kernel the third is r.
SmallVector<NamedAttribute> LinearAddOp::getKernelAttrs() {
  Builder b(getContext());
  return {b.getNamedAttr("axis", b.getI64IntegerAttr(getAxis())),
          b.getNamedAttr("residual", b.getI64IntegerAttr(1))};
}

StringRef GeluOp::getKernelName() { return "gelu"; }

SmallVector<NamedAttribute> GeluOp::getKernelAttrs() {
  Builder b(getContext());
  return {b.getNamedAttr("approximate", b.getStringAttr(getApproximate()))};
}

StringRef AddOp::getKernelName() { return "add"; }

SmallVector<NamedAttribute> AddOp::getKernelAttrs() { return {}; }

StringRef MulOp::getKernelName() { return "mul"; }

SmallVector<NamedAttribute> MulOp::getKernelAttrs() { return {}; }

/// The attributes of the FFT kernels: `ndims` and `norm`.
template <typename OpT>
static SmallVector<NamedAttribute> getFftKernelAttrs(OpT op) {
  Builder b(op.getContext());
  return {b.getNamedAttr("ndims", b.getI64IntegerAttr(op.getNdims())),
          b.getNamedAttr("norm", b.getStringAttr(op.getNorm()))};
}

/// The `modes` kernel attribute (bound form: `array<i64: ...>`).
template <typename OpT>
static SmallVector<NamedAttribute> getModesKernelAttrs(OpT op) {
  Builder b(op.getContext());
  return {b.getNamedAttr("modes", op.getModesAttr())};
}

StringRef RfftOp::getKernelName() { return "rfft"; }

SmallVector<NamedAttribute> RfftOp::getKernelAttrs() {
  return getFftKernelAttrs(*this);
}

StringRef IrfftOp::getKernelName() { return "irfft"; }

SmallVector<NamedAttribute> IrfftOp::getKernelAttrs() {
  return getFftKernelAttrs(*this);
}

StringRef SpectralTruncateOp::getKernelName() { return "spectral_truncate"; }

SmallVector<NamedAttribute> SpectralTruncateOp::getKernelAttrs() {
  return getModesKernelAttrs(*this);
}

StringRef SpectralPadOp::getKernelName() { return "spectral_pad"; }

SmallVector<NamedAttribute> SpectralPadOp::getKernelAttrs() {
  return getModesKernelAttrs(*this);
}

StringRef SpectralContractOp::getKernelName() { return "spectral_contract"; }

SmallVector<NamedAttribute> SpectralContractOp::getKernelAttrs() { return {}; }

StringRef SpectralConvOp::getKernelName() { return "spectral_conv"; }

SmallVector<NamedAttribute> SpectralConvOp::getKernelAttrs() {
  return getModesKernelAttrs(*this);
}

StringRef LinearGradInputOp::getKernelName() { return "linear_grad_input"; }

/// The `axis` kernel attribute.
template <typename OpT>
static SmallVector<NamedAttribute> getAxisKernelAttrs(OpT op) {
  Builder b(op.getContext());
  return {b.getNamedAttr("axis", b.getI64IntegerAttr(op.getAxis()))};
}

SmallVector<NamedAttribute> LinearGradInputOp::getKernelAttrs() {
  return getAxisKernelAttrs(*this); // a third input is the accumulator
}

StringRef LinearGradWeightOp::getKernelName() { return "linear_grad_weight"; }

SmallVector<NamedAttribute> LinearGradWeightOp::getKernelAttrs() {
  return getAxisKernelAttrs(*this);
}

StringRef LinearGradParamsOp::getKernelName() { return "linear_grad_params"; }

SmallVector<NamedAttribute> LinearGradParamsOp::getKernelAttrs() {
  return getAxisKernelAttrs(*this);
}

StringRef LinearGradBiasOp::getKernelName() { return "linear_grad_bias"; }

SmallVector<NamedAttribute> LinearGradBiasOp::getKernelAttrs() {
  return getAxisKernelAttrs(*this);
}

StringRef GeluGradOp::getKernelName() { return "gelu_grad"; }

SmallVector<NamedAttribute> GeluGradOp::getKernelAttrs() {
  Builder b(getContext());
  return {b.getNamedAttr("approximate", b.getStringAttr(getApproximate()))};
}

StringRef RfftGradOp::getKernelName() { return "rfft_grad"; }

SmallVector<NamedAttribute> RfftGradOp::getKernelAttrs() {
  return getFftKernelAttrs(*this);
}

StringRef IrfftGradOp::getKernelName() { return "irfft_grad"; }

SmallVector<NamedAttribute> IrfftGradOp::getKernelAttrs() {
  return getFftKernelAttrs(*this);
}

StringRef SpectralContractGradInputOp::getKernelName() {
  return "spectral_contract_grad_input";
}

SmallVector<NamedAttribute> SpectralContractGradInputOp::getKernelAttrs() {
  return {};
}

StringRef SpectralContractGradWeightOp::getKernelName() {
  return "spectral_contract_grad_weight";
}

SmallVector<NamedAttribute> SpectralContractGradWeightOp::getKernelAttrs() {
  return {};
}

StringRef SpectralConvGradInputOp::getKernelName() {
  return "spectral_conv_grad_input";
}

SmallVector<NamedAttribute> SpectralConvGradInputOp::getKernelAttrs() {
  return getModesKernelAttrs(*this);
}

StringRef SpectralConvGradWeightOp::getKernelName() {
  return "spectral_conv_grad_weight";
}

SmallVector<NamedAttribute> SpectralConvGradWeightOp::getKernelAttrs() {
  return getModesKernelAttrs(*this);
}

StringRef SpectralConvGradOp::getKernelName() { return "spectral_conv_grad"; }

SmallVector<NamedAttribute> SpectralConvGradOp::getKernelAttrs() {
  return getModesKernelAttrs(*this);
}

StringRef SpectralConvSaveOp::getKernelName() { return "spectral_conv"; }

/// The saved spectrum is the kernel's second output.
SmallVector<NamedAttribute> SpectralConvSaveOp::getKernelAttrs() {
  SmallVector<NamedAttribute> attrs = getModesKernelAttrs(*this);
  Builder b(getContext());
  attrs.push_back(b.getNamedAttr("save_spectrum", b.getI64IntegerAttr(1)));
  return attrs;
}

StringRef SpectralConvGradSavedOp::getKernelName() {
  return "spectral_conv_grad";
}

/// The first input is the forward input's saved spectrum.
SmallVector<NamedAttribute> SpectralConvGradSavedOp::getKernelAttrs() {
  SmallVector<NamedAttribute> attrs = getModesKernelAttrs(*this);
  Builder b(getContext());
  attrs.push_back(b.getNamedAttr("saved_spectrum", b.getI64IntegerAttr(1)));
  return attrs;
}

StringRef MseLossOp::getKernelName() { return "mse_loss"; }

SmallVector<NamedAttribute> MseLossOp::getKernelAttrs() { return {}; }

StringRef MseLossGradOp::getKernelName() { return "mse_loss_grad"; }

SmallVector<NamedAttribute> MseLossGradOp::getKernelAttrs() { return {}; }

StringRef RelL2LossOp::getKernelName() { return "rel_l2_loss"; }

SmallVector<NamedAttribute> RelL2LossOp::getKernelAttrs() { return {}; }

StringRef RelL2LossGradOp::getKernelName() { return "rel_l2_loss_grad"; }

SmallVector<NamedAttribute> RelL2LossGradOp::getKernelAttrs() { return {}; }

StringRef GradGlobalNormOp::getKernelName() { return "grad_global_norm"; }

SmallVector<NamedAttribute> GradGlobalNormOp::getKernelAttrs() { return {}; }

StringRef ClipByNormOp::getKernelName() { return "clip_by_norm"; }

SmallVector<NamedAttribute> ClipByNormOp::getKernelAttrs() {
  Builder b(getContext());
  return {b.getNamedAttr("max_norm", getMaxNormAttr())};
}

/// Out of place: the clipped gradient is a new arena tensor, because the
/// model-file verifier allows one writer per arena tensor.
SmallVector<int64_t> ClipByNormOp::getKernelInPlace() { return {}; }

StringRef AdamOp::getKernelName() { return "adam"; }

SmallVector<NamedAttribute> AdamOp::getKernelAttrs() {
  Builder b(getContext());
  return {b.getNamedAttr("beta1", getBeta1Attr()),
          b.getNamedAttr("beta2", getBeta2Attr()),
          b.getNamedAttr("eps", getEpsAttr()),
          b.getNamedAttr("weight_decay", getWeightDecayAttr()),
          b.getNamedAttr("decoupled", b.getI64IntegerAttr(getDecoupled()))};
}

/// Creates `shodh.read @ref` of type `type` with `builder`.
static Value readGlobal(OpBuilder &builder, Location loc, FlatSymbolRefAttr ref,
                        Type type) {
  return builder.create<ReadOp>(loc, type, ref);
}

SmallVector<Value> AdamOp::getKernelInputs(OpBuilder &builder) {
  Location loc = getLoc();
  Type paramType = getGlobalTensorType(
      SymbolTable::lookupNearestSymbolFrom(*this, getParamAttr()));
  Type stepType = RankedTensorType::get({1}, builder.getI64Type());
  return {readGlobal(builder, loc, getParamAttr(), paramType),
          getGrad(),
          readGlobal(builder, loc, getMAttr(), paramType),
          readGlobal(builder, loc, getVAttr(), paramType),
          readGlobal(builder, loc, getStepAttr(), stepType),
          getLr()};
}

SmallVector<Attribute> AdamOp::getKernelWrites() {
  return {getParamAttr(), getMAttr(), getVAttr()};
}

StringRef StepIncrementOp::getKernelName() { return "step_increment"; }

SmallVector<NamedAttribute> StepIncrementOp::getKernelAttrs() { return {}; }

SmallVector<Value> StepIncrementOp::getKernelInputs(OpBuilder &builder) {
  Type stepType = RankedTensorType::get({1}, builder.getI64Type());
  return {readGlobal(builder, getLoc(), getStepAttr(), stepType)};
}

SmallVector<Attribute> StepIncrementOp::getKernelWrites() {
  return {getStepAttr()};
}

#define GET_OP_CLASSES
#include "dialect/ShodhOps.cpp.inc"
