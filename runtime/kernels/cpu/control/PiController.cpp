//===- PiController.cpp - The CPU "pi_update" kernel ----------------------===//
//
// See PiController.h for the contract and the update law.
//
//===----------------------------------------------------------------------===//
#include "runtime/kernels/cpu/control/PiController.h"
#include "runtime/kernels/cpu/SignatureChecks.h"
#include "runtime/kernels/cpu/optim/FloatAttr.h"
#include "runtime/support/Status.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace shodh {

PiState piControllerStep(const PiGains &g, PiState state, double measured) {
  return piLawStep(g, state, measured);
}

PiGains readPiGains(const KernelSignature &sig) {
  PiGains g;
  g.setpoint = floatAttr(sig, "setpoint");
  g.kp = floatAttr(sig, "kp");
  g.ki = floatAttr(sig, "ki");
  g.lambda0 = floatAttr(sig, "lambda0");
  g.lambdaMin = floatAttr(sig, "lambda_min");
  g.lambdaMax = floatAttr(sig, "lambda_max");
  for (double v : {g.setpoint, g.kp, g.ki, g.lambda0, g.lambdaMin, g.lambdaMax})
    if (!std::isfinite(v))
      throw Error(fmt::format("{}: PI controller attributes must be finite",
                              sig.where));
  if (g.kp < 0 || g.ki < 0)
    throw Error(fmt::format("{}: kp and ki must be >= 0, got {} and {}",
                            sig.where, g.kp, g.ki));
  if (g.lambdaMin > g.lambdaMax)
    throw Error(fmt::format("{}: lambda_min ({}) must be <= lambda_max ({})",
                            sig.where, g.lambdaMin, g.lambdaMax));
  return g;
}

namespace {

/// used = λ; (λ, integral) = piControllerStep(...).
class PiUpdateKernel : public Kernel {
public:
  /// Validates the operands and attributes.
  explicit PiUpdateKernel(const KernelSignature &sig)
      : where_(sig.where), gains_(readPiGains(sig)) {
    expectOperandCounts(sig, 3, 3, 3);
    const char *inNames[] = {"lambda", "integral", "measured"};
    const char *outNames[] = {"used", "lambda'", "integral'"};
    const DType inTypes[] = {DType::F32, DType::F64, DType::F32};
    const DType outTypes[] = {DType::F32, DType::F32, DType::F64};
    for (int i = 0; i < 3; ++i) {
      expectDType(sig, *sig.inputs[i], inNames[i], {inTypes[i]});
      expectOneValueShape(where_, inNames[i], sig.inputs[i]->shape);
      expectDType(sig, *sig.outputs[i], outNames[i], {outTypes[i]});
      expectOneValueShape(where_, outNames[i], sig.outputs[i]->shape);
    }
  }

  /// Applies the update law.
  void run(const std::vector<TensorRef> &in, const std::vector<TensorRef> &out,
           KernelContext &) override {
    const float lambda = *in[0].as<float>();
    PiState state{lambda, *in[1].as<double>()};
    PiState next = piControllerStep(gains_, state, *in[2].as<float>());
    *out[0].as<float>() = lambda;
    *out[1].as<float>() = static_cast<float>(next.lambda);
    *out[2].as<double>() = next.integral;
  }

private:
  std::string where_;
  PiGains gains_;
};

} // namespace

std::unique_ptr<Kernel> makePiUpdateKernel(const KernelSignature &sig) {
  return std::make_unique<PiUpdateKernel>(sig);
}

} // namespace shodh
