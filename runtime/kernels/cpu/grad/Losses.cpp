//===- Losses.cpp - The CPU loss kernels and their gradients --------------===//
//
// See Losses.h. One kernel class per loss, with a flag for its gradient; the
// sums use blockedRowSums, so they are deterministic for any thread count.
//
//===----------------------------------------------------------------------===//
#include "runtime/kernels/cpu/grad/Losses.h"
#include "runtime/core/ThreadPool.h"
#include "runtime/kernels/cpu/SignatureChecks.h"
#include "runtime/kernels/cpu/grad/BlockedSum.h"
#include "runtime/support/Status.h"

#include <fmt/format.h>

#include <cmath>
#include <limits>

namespace shodh {

namespace {

/// Smallest number of elements worth a chunk of their own.
constexpr int64_t kLossGrain = 32768;

/// Throws unless `shape` (of operand `what`) is [] or [1] (static or not).
void expectScalarShape(const std::string &where, const char *what,
                       const std::vector<Dim> &shape) {
  if (shape.empty() ||
      (shape.size() == 1 && !dimsConflict(shape[0], Dim::fixed(1))))
    return;
  throw Error(fmt::format("{}: {} must have shape [] or [1], got rank {}",
                          where, what, shape.size()));
}

/// Which loss a kernel computes, and whether it is the gradient.
enum class LossKind { Mse, RelL2 };

/// mse_loss, rel_l2_loss and their gradients.
class LossKernel : public Kernel {
public:
  /// Validates operand counts, dtypes and shapes.
  LossKernel(const KernelSignature &sig, LossKind kind, bool grad);
  /// Re-checks the concrete shapes.
  void prepare(const std::vector<TensorRef> &in,
               const std::vector<TensorRef> &out, KernelContext &) override {
    checkShapes(fixedDims(in[0].shape), fixedDims(in[1].shape),
                fixedDims(out[0].shape),
                in.size() > 2 ? fixedDims(in[2].shape) : std::vector<Dim>{});
  }
  /// Computes the loss or its gradient.
  void run(const std::vector<TensorRef> &in, const std::vector<TensorRef> &out,
           KernelContext &ctx) override;

private:
  /// Checks p, t, the output and (for gradients) dloss.
  void checkShapes(const std::vector<Dim> &p, const std::vector<Dim> &t,
                   const std::vector<Dim> &out,
                   const std::vector<Dim> &dloss) const;
  /// mean (p - t)^2, or its gradient scaled by `dloss`.
  void runMse(const TensorRef &p, const TensorRef &t, float *out, double dloss,
              KernelContext &ctx) const;
  /// mean_b ||p_b - t_b|| / ||t_b||, or its gradient scaled by `dloss`.
  void runRelL2(const TensorRef &p, const TensorRef &t, float *out,
                double dloss, KernelContext &ctx) const;

  std::string where_;
  LossKind kind_;
  bool grad_;
};

LossKernel::LossKernel(const KernelSignature &sig, LossKind kind, bool grad)
    : where_(sig.where), kind_(kind), grad_(grad) {
  expectOperandCounts(sig, 2, grad ? 3 : 2, 1);
  const char *names[] = {"prediction", "target", "dloss"};
  for (size_t i = 0; i < sig.inputs.size(); ++i)
    expectDType(sig, *sig.inputs[i], names[i], {DType::F32});
  expectDType(sig, *sig.outputs[0], "output", {DType::F32});
  checkShapes(sig.inputs[0]->shape, sig.inputs[1]->shape, sig.outputs[0]->shape,
              sig.inputs.size() > 2 ? sig.inputs[2]->shape
                                    : std::vector<Dim>{});
}

void LossKernel::checkShapes(const std::vector<Dim> &p,
                             const std::vector<Dim> &t,
                             const std::vector<Dim> &out,
                             const std::vector<Dim> &dloss) const {
  expectSameShape(where_, "target", t, "prediction", p);
  if (kind_ == LossKind::RelL2 && p.empty())
    throw Error(fmt::format(
        "{}: prediction must have rank >= 1 (dim 0 is the batch)", where_));
  if (grad_)
    expectSameShape(where_, "output", out, "prediction", p);
  else
    expectScalarShape(where_, "output", out);
  if (grad_ && !dloss.empty())
    expectScalarShape(where_, "dloss", dloss);
}

void LossKernel::run(const std::vector<TensorRef> &in,
                     const std::vector<TensorRef> &out, KernelContext &ctx) {
  double dloss = in.size() > 2 ? double(*in[2].as<float>()) : 1.0;
  if (kind_ == LossKind::Mse)
    runMse(in[0], in[1], out[0].as<float>(), dloss, ctx);
  else
    runRelL2(in[0], in[1], out[0].as<float>(), dloss, ctx);
}

void LossKernel::runMse(const TensorRef &p, const TensorRef &t, float *out,
                        double dloss, KernelContext &ctx) const {
  const float *pp = p.as<float>(), *tp = t.as<float>();
  const int64_t n = p.numel();
  if (!grad_) {
    std::vector<double> sum =
        blockedRowSums(ctx.pool, 1, n, [&](int64_t, int64_t b, int64_t e) {
          return sumOfSquaredDifferences(pp + b, tp + b, e - b);
        });
    *out = static_cast<float>(sum[0] / double(n));
    return;
  }
  const double scale = 2.0 * dloss / double(n);
  parallelFor(ctx.pool, n, kLossGrain, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i)
      out[i] = static_cast<float>(scale * (double(pp[i]) - double(tp[i])));
  });
}

void LossKernel::runRelL2(const TensorRef &p, const TensorRef &t, float *out,
                          double dloss, KernelContext &ctx) const {
  const float *pp = p.as<float>(), *tp = t.as<float>();
  const int64_t batch = p.shape[0], len = batch ? p.numel() / batch : 0;
  std::vector<double> diff = blockedRowSums(
      ctx.pool, batch, len, [&](int64_t r, int64_t b, int64_t e) {
        return sumOfSquaredDifferences(pp + r * len + b, tp + r * len + b,
                                       e - b);
      });
  std::vector<double> norm = blockedRowSums(
      ctx.pool, batch, len, [&](int64_t r, int64_t b, int64_t e) {
        return sumOfSquares(tp + r * len + b, e - b);
      });
  for (int64_t r = 0; r < batch; ++r) // the documented guards
    norm[r] = norm[r] == 0.0 ? 1.0 : std::sqrt(norm[r]),
    diff[r] = std::sqrt(diff[r]);
  if (!grad_) {
    double sum = 0.0;
    for (int64_t r = 0; r < batch; ++r)
      sum += diff[r] / norm[r];
    *out = static_cast<float>(sum / double(batch));
    return;
  }
  std::vector<double> coef(static_cast<size_t>(batch), 0.0);
  for (int64_t r = 0; r < batch; ++r)
    if (diff[r] != 0.0)
      coef[r] = dloss / (double(batch) * diff[r] * norm[r]);
  parallelFor(ctx.pool, batch * len, kLossGrain, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i)
      out[i] =
          static_cast<float>(coef[i / len] * (double(pp[i]) - double(tp[i])));
  });
}

/// mean_square (x -> mean x^2) and its gradient (x, dloss -> dx).
class MeanSquareKernel : public Kernel {
public:
  /// Validates operand counts, dtypes and shapes.
  MeanSquareKernel(const KernelSignature &sig, bool grad)
      : where_(sig.where), grad_(grad) {
    expectOperandCounts(sig, grad ? 2 : 1, grad ? 2 : 1, 1);
    expectDType(sig, *sig.inputs[0], "input", {DType::F32});
    if (grad)
      expectDType(sig, *sig.inputs[1], "dloss", {DType::F32});
    expectDType(sig, *sig.outputs[0], "output", {DType::F32});
    checkShapes(sig.inputs[0]->shape, sig.outputs[0]->shape,
                grad ? sig.inputs[1]->shape : std::vector<Dim>{});
  }
  /// Re-checks the concrete shapes.
  void prepare(const std::vector<TensorRef> &in,
               const std::vector<TensorRef> &out, KernelContext &) override {
    checkShapes(fixedDims(in[0].shape), fixedDims(out[0].shape),
                grad_ ? fixedDims(in[1].shape) : std::vector<Dim>{});
  }
  /// Computes the mean square or its gradient.
  void run(const std::vector<TensorRef> &in, const std::vector<TensorRef> &out,
           KernelContext &ctx) override {
    const float *x = in[0].as<float>();
    float *y = out[0].as<float>();
    const int64_t n = in[0].numel();
    if (!grad_) {
      std::vector<double> sum =
          blockedRowSums(ctx.pool, 1, n, [&](int64_t, int64_t b, int64_t e) {
            return sumOfSquares(x + b, e - b);
          });
      *y = static_cast<float>(sum[0] / double(n));
      return;
    }
    const double scale = 2.0 * double(*in[1].as<float>()) / double(n);
    parallelFor(ctx.pool, n, kLossGrain, [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; ++i)
        y[i] = static_cast<float>(scale * double(x[i]));
    });
  }

private:
  /// Checks the output against x and dloss's shape.
  void checkShapes(const std::vector<Dim> &x, const std::vector<Dim> &out,
                   const std::vector<Dim> &dloss) const {
    if (!grad_) {
      expectScalarShape(where_, "output", out);
      return;
    }
    expectSameShape(where_, "output", out, "input", x);
    expectScalarShape(where_, "dloss", dloss);
  }

  std::string where_;
  bool grad_;
};

} // namespace

std::unique_ptr<Kernel> makeMeanSquareKernel(const KernelSignature &sig) {
  return std::make_unique<MeanSquareKernel>(sig, false);
}
std::unique_ptr<Kernel> makeMeanSquareGradKernel(const KernelSignature &sig) {
  return std::make_unique<MeanSquareKernel>(sig, true);
}
std::unique_ptr<Kernel> makeMseLossKernel(const KernelSignature &sig) {
  return std::make_unique<LossKernel>(sig, LossKind::Mse, false);
}
std::unique_ptr<Kernel> makeMseLossGradKernel(const KernelSignature &sig) {
  return std::make_unique<LossKernel>(sig, LossKind::Mse, true);
}
std::unique_ptr<Kernel> makeRelL2LossKernel(const KernelSignature &sig) {
  return std::make_unique<LossKernel>(sig, LossKind::RelL2, false);
}
std::unique_ptr<Kernel> makeRelL2LossGradKernel(const KernelSignature &sig) {
  return std::make_unique<LossKernel>(sig, LossKind::RelL2, true);
}

} // namespace shodh
