//===- StepIncrement.cpp - The CPU "step_increment" kernel ----------------===//
#include "runtime/kernels/cpu/optim/StepIncrement.h"
#include "runtime/kernels/cpu/SignatureChecks.h"
#include "runtime/support/Status.h"

#include <fmt/format.h>

namespace shodh {

namespace {

/// Throws unless `shape` (of operand `what`) is [] or [1].
void expectCounterShape(const std::string &where, const char *what,
                        const std::vector<Dim> &shape) {
  if (shape.empty() ||
      (shape.size() == 1 && !dimsConflict(shape[0], Dim::fixed(1))))
    return;
  throw Error(fmt::format("{}: {} must have shape [1] (or []), got rank {}",
                          where, what, shape.size()));
}

/// step' = step + 1.
class StepIncrementKernel : public Kernel {
public:
  /// Validates the operands.
  explicit StepIncrementKernel(const KernelSignature &sig) : where_(sig.where) {
    expectOperandCounts(sig, 1, 1, 1);
    expectDType(sig, *sig.inputs[0], "step", {DType::I64});
    expectDType(sig, *sig.outputs[0], "output", {DType::I64});
    expectCounterShape(where_, "step", sig.inputs[0]->shape);
    expectCounterShape(where_, "output", sig.outputs[0]->shape);
  }

  /// Re-checks the concrete shapes.
  void prepare(const std::vector<TensorRef> &in,
               const std::vector<TensorRef> &out, KernelContext &) override {
    expectCounterShape(where_, "step", fixedDims(in[0].shape));
    expectCounterShape(where_, "output", fixedDims(out[0].shape));
  }

  /// Increments the counter.
  void run(const std::vector<TensorRef> &in, const std::vector<TensorRef> &out,
           KernelContext &) override {
    *out[0].as<int64_t>() = *in[0].as<int64_t>() + 1;
  }

private:
  std::string where_;
};

} // namespace

std::unique_ptr<Kernel> makeStepIncrementKernel(const KernelSignature &sig) {
  return std::make_unique<StepIncrementKernel>(sig);
}

} // namespace shodh
