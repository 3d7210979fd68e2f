//===- GradNorm.cpp - The CPU "grad_global_norm" and "clip_by_norm" kernels
//===//
//
// See GradNorm.h for the contract.
//
//===----------------------------------------------------------------------===//
#include "runtime/kernels/cpu/optim/GradNorm.h"
#include "runtime/core/ThreadPool.h"
#include "runtime/kernels/cpu/SignatureChecks.h"
#include "runtime/kernels/cpu/grad/BlockedSum.h"
#include "runtime/kernels/cpu/optim/FloatAttr.h"
#include "runtime/support/Status.h"

#include <fmt/format.h>

#include <cmath>

namespace shodh {

namespace {

/// Smallest number of reals worth a chunk of their own.
constexpr int64_t kClipGrain = 32768;

/// Number of reals of a tensor (2 numel for complex).
int64_t realCount(const TensorRef &t) {
  return t.numel() * (t.dtype == DType::C64 ? 2 : 1);
}

/// grad_global_norm: the 2-norm of every gradient together.
class GradGlobalNormKernel : public Kernel {
public:
  /// Validates operand counts, dtypes and the output shape.
  explicit GradGlobalNormKernel(const KernelSignature &sig)
      : where_(sig.where) {
    if (sig.inputs.empty() || sig.outputs.size() != 1)
      throw Error(fmt::format("{}: expected at least 1 input and 1 output, got "
                              "{} and {}",
                              where_, sig.inputs.size(), sig.outputs.size()));
    for (const TensorDesc *t : sig.inputs)
      expectDType(sig, *t, "gradient", {DType::F32, DType::C64});
    expectDType(sig, *sig.outputs[0], "output", {DType::F32});
    expectOneValueShape(where_, "output", sig.outputs[0]->shape);
  }

  /// Re-checks the output shape.
  void prepare(const std::vector<TensorRef> &,
               const std::vector<TensorRef> &out, KernelContext &) override {
    expectOneValueShape(where_, "output", fixedDims(out[0].shape));
  }

  /// Sums squares per tensor in fixed blocks, tensors in operand order.
  void run(const std::vector<TensorRef> &in, const std::vector<TensorRef> &out,
           KernelContext &ctx) override {
    double total = 0.0;
    for (const TensorRef &t : in) {
      const float *v = t.as<float>();
      total += blockedRowSums(ctx.pool, 1, realCount(t),
                              [&](int64_t, int64_t b, int64_t e) {
                                return sumOfSquares(v + b, e - b);
                              })[0];
    }
    *out[0].as<float>() = static_cast<float>(std::sqrt(total));
  }

private:
  std::string where_;
};

/// clip_by_norm: scales a gradient by the clipping coefficient.
class ClipByNormKernel : public Kernel {
public:
  /// Validates operands and max_norm.
  explicit ClipByNormKernel(const KernelSignature &sig) : where_(sig.where) {
    expectOperandCounts(sig, 2, 2, 1);
    const TensorDesc &g = *sig.inputs[0];
    expectDType(sig, g, "gradient", {DType::F32, DType::C64});
    expectDType(sig, *sig.inputs[1], "norm", {DType::F32});
    expectSameDType(sig, *sig.outputs[0], "output", g.dtype, "gradient");
    maxNorm_ = floatAttr(sig, "max_norm");
    if (!(maxNorm_ >= 0.0))
      throw Error(fmt::format("{}: attribute 'max_norm' = {} must be >= 0",
                              where_, maxNorm_));
    checkShapes(g.shape, sig.inputs[1]->shape, sig.outputs[0]->shape);
  }

  /// Re-checks the concrete shapes.
  void prepare(const std::vector<TensorRef> &in,
               const std::vector<TensorRef> &out, KernelContext &) override {
    checkShapes(fixedDims(in[0].shape), fixedDims(in[1].shape),
                fixedDims(out[0].shape));
  }

  /// g' = g * c, elementwise over the reals.
  void run(const std::vector<TensorRef> &in, const std::vector<TensorRef> &out,
           KernelContext &ctx) override {
    const float c = clipCoefficient(*in[1].as<float>(), maxNorm_);
    const float *g = in[0].as<float>();
    float *y = out[0].as<float>();
    parallelFor(ctx.pool, realCount(in[0]), kClipGrain,
                [&](int64_t b, int64_t e) {
                  for (int64_t i = b; i < e; ++i)
                    y[i] = g[i] * c;
                });
  }

private:
  /// Checks g, norm and the output.
  void checkShapes(const std::vector<Dim> &g, const std::vector<Dim> &norm,
                   const std::vector<Dim> &out) const {
    expectOneValueShape(where_, "norm", norm);
    expectSameShape(where_, "output", out, "gradient", g);
  }

  std::string where_;
  double maxNorm_ = 0.0;
};

} // namespace

float clipCoefficient(float norm, double maxNorm) {
  float c = (1.0f / (norm + 1e-6f)) * static_cast<float>(maxNorm);
  return c > 1.0f ? 1.0f : c; // NaN stays NaN
}

std::unique_ptr<Kernel> makeGradGlobalNormKernel(const KernelSignature &sig) {
  return std::make_unique<GradGlobalNormKernel>(sig);
}

std::unique_ptr<Kernel> makeClipByNormKernel(const KernelSignature &sig) {
  return std::make_unique<ClipByNormKernel>(sig);
}

} // namespace shodh
