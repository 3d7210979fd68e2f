//===- AuxLossGrad.cpp - The CPU "aux_loss_grad" kernel -------------------===//
#include "runtime/kernels/cpu/control/AuxLossGrad.h"
#include "runtime/kernels/cpu/SignatureChecks.h"
#include "runtime/kernels/cpu/optim/FloatAttr.h"
#include "runtime/support/Status.h"

#include <fmt/format.h>

#include <cmath>

namespace shodh {
namespace {

/// Throws unless `t` (operand `what`) is f32 with one element.
void expectScalarF32(const KernelSignature &sig, const TensorDesc &t,
                     const char *what) {
  expectDType(sig, t, what, {DType::F32});
  if (t.shape.empty() ||
      (t.shape.size() == 1 && !dimsConflict(t.shape[0], Dim::fixed(1))))
    return;
  throw Error(fmt::format("{}: {} must have shape [1], got rank {}", sig.where,
                          what, t.shape.size()));
}

/// out = coefficient · weight.
class AuxLossGradKernel : public Kernel {
public:
  /// Validates the operands and the coefficient.
  explicit AuxLossGradKernel(const KernelSignature &sig)
      : coefficient_(floatAttr(sig, "coefficient")) {
    expectOperandCounts(sig, 0, 1, 1);
    if (!std::isfinite(coefficient_))
      throw Error(fmt::format("{}: coefficient must be finite", sig.where));
    if (!sig.inputs.empty())
      expectScalarF32(sig, *sig.inputs[0], "weight");
    expectScalarF32(sig, *sig.outputs[0], "output");
  }

  /// Writes the seed.
  void run(const std::vector<TensorRef> &in, const std::vector<TensorRef> &out,
           KernelContext &) override {
    double weight = in.empty() ? 1.0 : double(*in[0].as<float>());
    *out[0].as<float>() = static_cast<float>(coefficient_ * weight);
  }

private:
  double coefficient_;
};

} // namespace

std::unique_ptr<Kernel> makeAuxLossGradKernel(const KernelSignature &sig) {
  return std::make_unique<AuxLossGradKernel>(sig);
}

} // namespace shodh
