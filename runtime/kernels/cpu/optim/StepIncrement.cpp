//===- StepIncrement.cpp - The CPU "step_increment" kernel ----------------===//
#include "runtime/kernels/cpu/optim/StepIncrement.h"
#include "runtime/kernels/cpu/SignatureChecks.h"
#include "runtime/support/Status.h"

#include <fmt/format.h>

namespace shodh {

namespace {

/// step' = step + 1.
class StepIncrementKernel : public Kernel {
public:
  /// Validates the operands.
  explicit StepIncrementKernel(const KernelSignature &sig) : where_(sig.where) {
    expectOperandCounts(sig, 1, 1, 1);
    expectDType(sig, *sig.inputs[0], "step", {DType::I64});
    expectDType(sig, *sig.outputs[0], "output", {DType::I64});
    expectOneValueShape(where_, "step", sig.inputs[0]->shape);
    expectOneValueShape(where_, "output", sig.outputs[0]->shape);
  }

  /// Re-checks the concrete shapes.
  void prepare(const std::vector<TensorRef> &in,
               const std::vector<TensorRef> &out, KernelContext &) override {
    expectOneValueShape(where_, "step", fixedDims(in[0].shape));
    expectOneValueShape(where_, "output", fixedDims(out[0].shape));
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
