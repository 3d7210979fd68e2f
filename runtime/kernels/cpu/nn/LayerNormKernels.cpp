//===- LayerNormKernels.cpp - CPU layer_norm and its gradients ------------===//
//
// Kernel contract (docs/runtime.md § Convolution and normalisation
// kernels), f32 or f64 (all operands and the output of one call alike), x
// of any rank >= 1 viewed as [outer, C, inner] around `axis` (Int), `eps`
// (Float > 0):
//   layer_norm             x, gamma [C], beta [C] -> y (x's shape)
//   layer_norm_grad_input  x, gamma [C], dy       -> dx (x's shape)
//   layer_norm_grad_gamma  x, dy                  -> dgamma [C]
// with mean and biased variance over the C values at each (outer, inner)
// position, computed in double in both precisions (f64 reads and writes
// double, f32 rounds the double results once). Positions are processed in
// blocks of kNormBlock along `inner` (contiguous loads for every channel),
// one unit per (outer, block); dgamma is one sequential double sum per
// channel over all positions. Results do not depend on the thread count.
//
//===----------------------------------------------------------------------===//
#include "runtime/kernels/cpu/nn/LayerNormKernels.h"
#include "runtime/core/ThreadPool.h"
#include "runtime/kernels/cpu/SignatureChecks.h"
#include "runtime/kernels/cpu/optim/FloatAttr.h"
#include "runtime/support/Status.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace shodh {

namespace {

/// Positions per unit along the inner extent.
constexpr int64_t kNormBlock = 256;

/// Which kernel a LayerNormKernel instance is.
enum class NormKind { Forward, GradInput, GradGamma };

/// The layer-norm kernels (see the file comment).
class LayerNormKernel : public Kernel {
public:
  /// Validates the call.
  LayerNormKernel(const KernelSignature &sig, NormKind kind);
  /// Checks the concrete shapes and computes [outer, C, inner].
  void prepare(const std::vector<TensorRef> &in,
               const std::vector<TensorRef> &out, KernelContext &ctx) override;
  /// Runs on the pool.
  void run(const std::vector<TensorRef> &in, const std::vector<TensorRef> &out,
           KernelContext &ctx) override;

private:
  /// `run` in the element type T (float or double) of the call.
  template <typename T>
  void runTyped(const std::vector<TensorRef> &in,
                const std::vector<TensorRef> &out, KernelContext &ctx) const;
  /// Mean and 1/sqrt(var + eps) of positions [i0, i0 + n) of outer row `o`.
  template <typename T>
  void stats(const T *x, int64_t o, int64_t i0, int64_t n, double *mean,
             double *rstd) const;
  /// Forward (`other` = beta) or input gradient (`other` = dy) of unit u.
  template <typename T>
  void runUnit(const T *x, const T *gamma, const T *other, T *y,
               int64_t u) const;
  /// dgamma: per-position statistics, then one double sum per channel.
  template <typename T>
  void gradGamma(const T *x, const T *dy, T *dgamma, KernelContext &ctx) const;

  std::string where_;
  NormKind kind_;
  bool f64_ = false;
  int64_t axis_ = 0;
  double eps_ = 1e-5;
  int64_t outer_ = 0, channels_ = 0, inner_ = 0, blocks_ = 0;
};

LayerNormKernel::LayerNormKernel(const KernelSignature &sig, NormKind kind)
    : where_(sig.where), kind_(kind) {
  size_t inputs = kind == NormKind::GradGamma ? 2 : 3;
  expectOperandCounts(sig, inputs, inputs, 1);
  const char *names[3] = {"x", "gamma", "dy"};
  if (kind == NormKind::Forward)
    names[2] = "beta";
  if (kind == NormKind::GradGamma)
    names[1] = "dy";
  DType dtype = sig.inputs[0]->dtype;
  expectDType(sig, *sig.inputs[0], "x", {DType::F32, DType::F64});
  for (size_t i = 1; i < inputs; ++i)
    expectSameDType(sig, *sig.inputs[i], names[i], dtype, "x");
  expectSameDType(sig, *sig.outputs[0], "output", dtype, "x");
  f64_ = dtype == DType::F64;
  const std::vector<Dim> &x = sig.inputs[0]->shape;
  axis_ = intAttr(sig, "axis");
  if (axis_ < 0 || axis_ >= int64_t(x.size()))
    throw Error(fmt::format("{}: attribute 'axis' = {} is out of range for x "
                            "of rank {}",
                            where_, axis_, x.size()));
  eps_ = floatAttr(sig, "eps");
  if (!std::isfinite(eps_) || eps_ <= 0.0)
    throw Error(fmt::format("{}: attribute 'eps' must be positive and finite, "
                            "got {}",
                            where_, eps_));
  std::vector<Dim> perChannel{x[size_t(axis_)]};
  for (size_t i = 1; i < inputs; ++i) {
    bool channelVector = std::string(names[i]) != "dy";
    expectSameShape(where_, names[i], sig.inputs[i]->shape,
                    channelVector ? "[C]" : "x",
                    channelVector ? perChannel : x);
  }
  expectSameShape(where_, "output", sig.outputs[0]->shape,
                  kind == NormKind::GradGamma ? "[C]" : "x",
                  kind == NormKind::GradGamma ? perChannel : x);
}

void LayerNormKernel::prepare(const std::vector<TensorRef> &in,
                              const std::vector<TensorRef> &out,
                              KernelContext &) {
  const std::vector<int64_t> &x = in[0].shape;
  std::vector<Dim> perChannel{Dim::fixed(x[size_t(axis_)])};
  for (size_t i = 1; i < in.size(); ++i) {
    bool isDy = (kind_ == NormKind::GradGamma && i == 1) ||
                (kind_ == NormKind::GradInput && i == 2);
    expectSameShape(where_, isDy ? "dy" : "gamma/beta", fixedDims(in[i].shape),
                    isDy ? "x" : "[C]", isDy ? fixedDims(x) : perChannel);
  }
  expectSameShape(where_, "output", fixedDims(out[0].shape), "expected",
                  kind_ == NormKind::GradGamma ? perChannel : fixedDims(x));
  outer_ = 1, inner_ = 1, channels_ = x[size_t(axis_)];
  for (int64_t d = 0; d < int64_t(x.size()); ++d)
    (d < axis_ ? outer_ : inner_) *= d == axis_ ? 1 : x[size_t(d)];
  blocks_ = (inner_ + kNormBlock - 1) / kNormBlock;
}

template <typename T>
void LayerNormKernel::stats(const T *x, int64_t o, int64_t i0, int64_t n,
                            double *mean, double *rstd) const {
  std::fill(mean, mean + n, 0.0), std::fill(rstd, rstd + n, 0.0);
  const T *row = x + o * channels_ * inner_ + i0;
  for (int64_t c = 0; c < channels_; ++c)
    for (int64_t t = 0; t < n; ++t)
      mean[t] += row[c * inner_ + t];
  for (int64_t t = 0; t < n; ++t)
    mean[t] /= double(channels_);
  for (int64_t c = 0; c < channels_; ++c)
    for (int64_t t = 0; t < n; ++t) {
      double d = row[c * inner_ + t] - mean[t];
      rstd[t] += d * d;
    }
  for (int64_t t = 0; t < n; ++t)
    rstd[t] = 1.0 / std::sqrt(rstd[t] / double(channels_) + eps_);
}

template <typename T>
void LayerNormKernel::runUnit(const T *x, const T *gamma, const T *other, T *y,
                              int64_t u) const {
  int64_t o = u / blocks_, i0 = (u % blocks_) * kNormBlock;
  int64_t n = std::min(kNormBlock, inner_ - i0);
  double mean[kNormBlock], rstd[kNormBlock], sg[kNormBlock] = {},
                                             sgx[kNormBlock] = {};
  stats(x, o, i0, n, mean, rstd);
  int64_t off = o * channels_ * inner_ + i0;
  const T *xr = x + off, *dyr = other + off;
  T *yr = y + off;
  if (kind_ == NormKind::Forward) {
    for (int64_t c = 0; c < channels_; ++c)
      for (int64_t t = 0; t < n; ++t)
        yr[c * inner_ + t] =
            T((xr[c * inner_ + t] - mean[t]) * rstd[t] * gamma[c] + other[c]);
    return;
  }
  for (int64_t c = 0; c < channels_; ++c)
    for (int64_t t = 0; t < n; ++t) {
      double g = double(dyr[c * inner_ + t]) * gamma[c];
      sg[t] += g;
      sgx[t] += g * (xr[c * inner_ + t] - mean[t]) * rstd[t];
    }
  double inv = 1.0 / double(channels_);
  for (int64_t c = 0; c < channels_; ++c)
    for (int64_t t = 0; t < n; ++t) {
      double xhat = (xr[c * inner_ + t] - mean[t]) * rstd[t];
      double g = double(dyr[c * inner_ + t]) * gamma[c];
      yr[c * inner_ + t] = T(rstd[t] * (g - sg[t] * inv - xhat * sgx[t] * inv));
    }
}

template <typename T>
void LayerNormKernel::gradGamma(const T *x, const T *dy, T *dgamma,
                                KernelContext &ctx) const {
  std::vector<double> mean(size_t(outer_ * inner_)), rstd(mean.size());
  if (channels_ > 0)
    parallelFor(ctx.pool, outer_ * blocks_, 1, [&](int64_t u0, int64_t u1) {
      for (int64_t u = u0; u < u1; ++u) {
        int64_t o = u / blocks_, i0 = (u % blocks_) * kNormBlock;
        int64_t at = o * inner_ + i0;
        stats(x, o, i0, std::min(kNormBlock, inner_ - i0), &mean[at],
              &rstd[at]);
      }
    });
  parallelFor(ctx.pool, channels_, 1, [&](int64_t c0, int64_t c1) {
    for (int64_t c = c0; c < c1; ++c) {
      double sum = 0.0;
      for (int64_t o = 0; o < outer_; ++o) {
        int64_t off = (o * channels_ + c) * inner_;
        for (int64_t i = 0; i < inner_; ++i)
          sum += double(dy[off + i]) * (x[off + i] - mean[o * inner_ + i]) *
                 rstd[o * inner_ + i];
      }
      dgamma[c] = T(sum);
    }
  });
}

template <typename T>
void LayerNormKernel::runTyped(const std::vector<TensorRef> &in,
                               const std::vector<TensorRef> &out,
                               KernelContext &ctx) const {
  const T *x = in[0].as<T>();
  T *y = out[0].as<T>();
  if (kind_ == NormKind::GradGamma)
    return gradGamma(x, in[1].as<T>(), y, ctx);
  if (channels_ == 0)
    return;
  parallelFor(ctx.pool, outer_ * blocks_, 1, [&](int64_t u0, int64_t u1) {
    for (int64_t u = u0; u < u1; ++u)
      runUnit(x, in[1].as<T>(), in[2].as<T>(), y, u);
  });
}

void LayerNormKernel::run(const std::vector<TensorRef> &in,
                          const std::vector<TensorRef> &out,
                          KernelContext &ctx) {
  if (f64_)
    runTyped<double>(in, out, ctx);
  else
    runTyped<float>(in, out, ctx);
}

} // namespace

std::unique_ptr<Kernel> makeLayerNormKernel(const KernelSignature &sig) {
  return std::make_unique<LayerNormKernel>(sig, NormKind::Forward);
}

std::unique_ptr<Kernel>
makeLayerNormGradInputKernel(const KernelSignature &sig) {
  return std::make_unique<LayerNormKernel>(sig, NormKind::GradInput);
}

std::unique_ptr<Kernel>
makeLayerNormGradGammaKernel(const KernelSignature &sig) {
  return std::make_unique<LayerNormKernel>(sig, NormKind::GradGamma);
}

} // namespace shodh
