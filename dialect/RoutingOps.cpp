//===- RoutingOps.cpp - Verifiers and kernel lowering of the routing ops ===//
//
// The attribute verifiers of the routing ops (temperature, k with
// renormalize, capacity factor, KL prior and entropy weight, allocation_kl's
// prior), their hyperparameter attributes, and KernelOpInterface: the
// kernel names and attributes of the routing kernels (docs/experts.md
// § Routing ops and router losses). Shape rules are in
// RoutingShapeInference.cpp, gradient rules in RoutingGradients.cpp.
//
//===----------------------------------------------------------------------===//
#include "dialect/HyperparamAttrs.h"
#include "dialect/ShodhOps.h"

#include "mlir/IR/Builders.h"
#include "llvm/Support/Format.h"

#include <cmath>

using namespace mlir;
using namespace mlir::shodh;

//===----------------------------------------------------------------------===//
// Verifiers
//===----------------------------------------------------------------------===//

/// Formats `value` the short way ("0.1", "1e-08").
static std::string formatNumber(double value) {
  std::string text;
  llvm::raw_string_ostream(text) << llvm::format("%g", value);
  return text;
}

/// Checks that attribute `name` is a finite number > 0 (`positive`) or
/// >= 0.
static LogicalResult verifyFloat(Operation *op, StringRef name, double value,
                                 bool positive) {
  bool ok = std::isfinite(value) && (positive ? value > 0.0 : value >= 0.0);
  if (!ok)
    return op->emitOpError(name)
           << " must be a finite number " << (positive ? "> 0" : ">= 0")
           << ", got " << formatNumber(value);
  return success();
}

LogicalResult RouterOp::verify() {
  return verifyFloat(*this, "temperature", getTemperature().convertToDouble(),
                     true);
}

LogicalResult RouterGradOp::verify() {
  return verifyFloat(*this, "temperature", getTemperature().convertToDouble(),
                     true);
}

LogicalResult TopKOp::verify() {
  if (getKnownInt(getK()) == 1 && getRenormalize())
    return emitOpError("k = 1 with renormalize = true makes the gate the "
                       "constant 1, so the router would get no gradient; use "
                       "renormalize = false for top-1 routing");
  return success();
}

LogicalResult DispatchOp::verify() {
  return verifyFloat(*this, "capacity_factor",
                     getCapacityFactor().convertToDouble(), false);
}

/// Checks a KL prior: E positive numbers summing to 1, E = `experts` when
/// known; the message says "... but <before> E <after>".
static LogicalResult verifyPrior(Operation *op,
                                 std::optional<ArrayRef<double>> prior,
                                 int64_t experts, StringRef before,
                                 StringRef after) {
  if (!prior)
    return success();
  if (!ShapedType::isDynamic(experts) &&
      static_cast<int64_t>(prior->size()) != experts)
    return op->emitOpError("prior has ")
           << prior->size() << " entries but " << before << experts << after;
  double sum = 0.0;
  for (auto [i, p] : llvm::enumerate(*prior)) {
    if (!std::isfinite(p) || p <= 0.0)
      return op->emitOpError("prior entries must be finite and > 0, entry ")
             << i << " is " << formatNumber(p);
    sum += p;
  }
  if (std::fabs(sum - 1.0) > 1e-6)
    return op->emitOpError("prior must sum to 1, got ") << formatNumber(sum);
  return success();
}

/// Checks the KL loss's prior (E the size of probs' last dim when static)
/// and entropy weight.
static LogicalResult verifyKlAttrs(Operation *op, Value probs,
                                   std::optional<ArrayRef<double>> prior,
                                   double entropyWeight, StringRef over) {
  if (failed(verifyFloat(op, "entropy_weight", entropyWeight, false)))
    return failure();
  if (over != "tokens" && over != "samples")
    return op->emitOpError("entropy_over must be \"tokens\" or "
                           "\"samples\", got \"")
           << over << "\"";
  int64_t experts = cast<RankedTensorType>(probs.getType()).getShape().back();
  return verifyPrior(op, prior, experts, "probs has ", " experts");
}

LogicalResult RouterKlLossOp::verify() {
  return verifyKlAttrs(*this, getProbs(), getPrior(),
                       getEntropyWeight().convertToDouble(), getEntropyOver());
}

LogicalResult RouterKlLossGradOp::verify() {
  return verifyKlAttrs(*this, getProbs(), getPrior(),
                       getEntropyWeight().convertToDouble(), getEntropyOver());
}

LogicalResult AllocationKlOp::verify() {
  return verifyPrior(*this, getPrior(), getKnownInt(getNumExperts()),
                     "num_experts is ", "");
}

//===----------------------------------------------------------------------===//
// HyperparamAttrOpInterface
//===----------------------------------------------------------------------===//

SmallVector<StringRef> TopKOp::getHyperparamAttrNames() {
  return {getKAttrName().getValue()};
}

SmallVector<StringRef> DispatchOp::getHyperparamAttrNames() {
  return {getNumExpertsAttrName().getValue()};
}

SmallVector<StringRef> AllocationKlOp::getHyperparamAttrNames() {
  return {getNumExpertsAttrName().getValue()};
}

//===----------------------------------------------------------------------===//
// KernelOpInterface
//===----------------------------------------------------------------------===//

/// The `temperature` kernel attribute.
template <typename OpT>
static SmallVector<NamedAttribute> temperatureAttrs(OpT op) {
  Builder b(op.getContext());
  return {b.getNamedAttr(
      "temperature", b.getF64FloatAttr(op.getTemperature().convertToDouble()))};
}

/// `attrs` followed by the `prior` kernel attribute of `op` when it has one.
template <typename OpT>
static SmallVector<NamedAttribute>
withPrior(OpT op, SmallVector<NamedAttribute> attrs) {
  if (DenseF64ArrayAttr prior = op.getPriorAttr())
    attrs.push_back(Builder(op.getContext()).getNamedAttr("prior", prior));
  return attrs;
}

/// The `prior` (when given), `entropy_weight` and `entropy_over` kernel
/// attributes.
template <typename OpT> static SmallVector<NamedAttribute> klAttrs(OpT op) {
  Builder b(op.getContext());
  return withPrior(
      op, {b.getNamedAttr(
               "entropy_weight",
               b.getF64FloatAttr(op.getEntropyWeight().convertToDouble())),
           b.getNamedAttr("entropy_over",
                          b.getStringAttr(op.getEntropyOver()))});
}

StringRef RouterOp::getKernelName() { return "router"; }

SmallVector<NamedAttribute> RouterOp::getKernelAttrs() {
  return temperatureAttrs(*this);
}

StringRef SpectralEnergyOp::getKernelName() { return "spectral_energy"; }

SmallVector<NamedAttribute> SpectralEnergyOp::getKernelAttrs() {
  Builder b(getContext());
  return {b.getNamedAttr("bands", b.getI64IntegerAttr(getBands()))};
}

StringRef TopKOp::getKernelName() { return "top_k"; }

SmallVector<NamedAttribute> TopKOp::getKernelAttrs() {
  Builder b(getContext());
  return {b.getNamedAttr("k", b.getI64IntegerAttr(getKnownInt(getK()))),
          b.getNamedAttr("renormalize",
                         b.getI64IntegerAttr(getRenormalize() ? 1 : 0))};
}

StringRef DispatchOp::getKernelName() { return "dispatch"; }

SmallVector<NamedAttribute> DispatchOp::getKernelAttrs() {
  Builder b(getContext());
  return {
      b.getNamedAttr("num_experts",
                     b.getI64IntegerAttr(getKnownInt(getNumExperts()))),
      b.getNamedAttr("capacity_factor",
                     b.getF64FloatAttr(getCapacityFactor().convertToDouble()))};
}

StringRef CombineOp::getKernelName() { return "combine"; }

SmallVector<NamedAttribute> CombineOp::getKernelAttrs() { return {}; }

StringRef LoadBalanceLossOp::getKernelName() { return "load_balance_loss"; }

SmallVector<NamedAttribute> LoadBalanceLossOp::getKernelAttrs() { return {}; }

StringRef RouterZLossOp::getKernelName() { return "router_z_loss"; }

SmallVector<NamedAttribute> RouterZLossOp::getKernelAttrs() { return {}; }

StringRef RouterKlLossOp::getKernelName() { return "router_kl_loss"; }

SmallVector<NamedAttribute> RouterKlLossOp::getKernelAttrs() {
  return klAttrs(*this);
}

StringRef AllocationKlOp::getKernelName() { return "allocation_kl"; }

SmallVector<NamedAttribute> AllocationKlOp::getKernelAttrs() {
  Builder b(getContext());
  return withPrior(
      *this,
      {b.getNamedAttr("num_experts",
                      b.getI64IntegerAttr(getKnownInt(getNumExperts())))});
}

StringRef RouterGradOp::getKernelName() { return "router_grad"; }

SmallVector<NamedAttribute> RouterGradOp::getKernelAttrs() {
  return temperatureAttrs(*this);
}

StringRef TopKGradOp::getKernelName() { return "top_k_grad"; }

SmallVector<NamedAttribute> TopKGradOp::getKernelAttrs() {
  Builder b(getContext());
  return {b.getNamedAttr("renormalize",
                         b.getI64IntegerAttr(getRenormalize() ? 1 : 0))};
}

StringRef DispatchGradOp::getKernelName() { return "dispatch_grad"; }

SmallVector<NamedAttribute> DispatchGradOp::getKernelAttrs() {
  Builder b(getContext());
  return {b.getNamedAttr("k", b.getI64IntegerAttr(getK()))};
}

StringRef CombineGradOp::getKernelName() { return "combine_grad"; }

SmallVector<NamedAttribute> CombineGradOp::getKernelAttrs() { return {}; }

StringRef LoadBalanceLossGradOp::getKernelName() {
  return "load_balance_loss_grad";
}

SmallVector<NamedAttribute> LoadBalanceLossGradOp::getKernelAttrs() {
  return {};
}

StringRef RouterZLossGradOp::getKernelName() { return "router_z_loss_grad"; }

SmallVector<NamedAttribute> RouterZLossGradOp::getKernelAttrs() { return {}; }

StringRef RouterKlLossGradOp::getKernelName() { return "router_kl_loss_grad"; }

SmallVector<NamedAttribute> RouterKlLossGradOp::getKernelAttrs() {
  return klAttrs(*this);
}
