//===- RouterLosses.cpp - CPU router losses and their gradients -----------===//
//
//   load_balance_loss      (probs, experts) -> loss       E · Σᵢ fᵢ Pᵢ
//   load_balance_loss_grad (probs, experts[, dloss]) -> dprobs
//   router_z_loss          (logits) -> loss               mean lse²
//   router_z_loss_grad     (logits[, dloss]) -> dlogits
//   router_kl_loss         (probs) -> loss      KL(a ‖ prior) + β mean H
//   router_kl_loss_grad    (probs[, dloss]) -> dprobs
//   allocation_kl          (experts) -> kl          KL(f ‖ prior), no gradient
// (attrs of the KL pair: `prior` float array, optional; `entropy_weight`;
// `entropy_over` "tokens" (H of each token's probabilities, default) or
// "samples" (H of each sample's mean over its T tokens); of allocation_kl:
// `num_experts` int, `prior` optional).
// N = B·T token rows of E values; the reductions run sequentially over the
// rows in double (O(N·E), small next to the experts), so the losses are
// bit-identical for every thread count; the gradients are elementwise.
//
//===----------------------------------------------------------------------===//
#include "runtime/core/ThreadPool.h"
#include "runtime/kernels/cpu/SignatureChecks.h"
#include "runtime/kernels/cpu/moe/RoutingSupport.h"
#include "runtime/kernels/cpu/optim/FloatAttr.h"
#include "runtime/support/Status.h"

#include <fmt/format.h>

#include <cmath>
#include <variant>

namespace shodh {

namespace {

/// Logarithms clamp their argument here (docs/experts.md).
constexpr double kLogFloor = 1e-30;

/// log(max(x, kLogFloor)).
double safeLog(double x) { return std::log(std::max(x, kLogFloor)); }

/// The optional `prior` attribute (empty when absent): finite entries > 0.
std::vector<double> readPrior(const KernelSignature &sig,
                              const std::string &where) {
  const AttrValue *v = sig.call->attr("prior");
  if (!v)
    return {};
  if (!std::holds_alternative<std::vector<double>>(*v))
    throw Error(
        fmt::format("{}: attribute 'prior' must be a float array", where));
  std::vector<double> prior = std::get<std::vector<double>>(*v);
  for (double p : prior)
    if (!std::isfinite(p) || p <= 0.0)
      throw Error(fmt::format("{}: prior entries must be finite and > 0, "
                              "got {}",
                              where, p));
  return prior;
}

/// Fraction of the `assignments` expert ids `ids` that go to each of the
/// `e` experts (zeros when there are none); throws on an id outside [0, e).
std::vector<double> assignmentFractions(const std::string &where,
                                        const int64_t *ids, int64_t assignments,
                                        int64_t e) {
  std::vector<int64_t> count = countAssignments(where, ids, assignments, e);
  std::vector<double> frac(size_t(e), 0.0);
  for (size_t i = 0; i < frac.size(); ++i)
    frac[i] = assignments ? double(count[i]) / double(assignments) : 0.0;
  return frac;
}

/// Σᵢ aᵢ log(aᵢ / priorᵢ) over aᵢ > 0 (0·log 0 = 0); uniform prior when
/// `prior` is empty.
double klToPrior(const std::vector<double> &a,
                 const std::vector<double> &prior) {
  double kl = 0.0, e = double(a.size());
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i] > 0.0)
      kl += a[i] * std::log(a[i] / (prior.empty() ? 1.0 / e : prior[i]));
  return kl;
}

/// Which router loss.
enum class RouterLoss { LoadBalance, Z, Kl };

/// The three losses, forward or gradient.
class RouterLossKernel : public RoutingKernel {
public:
  RouterLossKernel(const KernelSignature &sig, RouterLoss kind, bool grad)
      : RoutingKernel(sig), kind_(kind), grad_(grad) {
    size_t base = kind == RouterLoss::LoadBalance ? 2 : 1;
    expectOperandCounts(sig, base, grad ? base + 1 : base, 1);
    expectDType(sig, *sig.inputs[0], kind == RouterLoss::Z ? "logits" : "probs",
                {DType::F32});
    if (base == 2)
      expectDType(sig, *sig.inputs[1], "experts", {DType::I64});
    if (sig.inputs.size() > base)
      expectDType(sig, *sig.inputs[base], "dloss", {DType::F32});
    expectDType(sig, *sig.outputs[0], "output", {DType::F32});
    if (kind == RouterLoss::Kl)
      readKlAttrs(sig);
    checkSignature(sig);
  }

  void check(const OperandDims &in, const OperandDims &out) const override {
    const char *name = kind_ == RouterLoss::Z ? "logits" : "probs";
    expectRank(name, in[0], 3);
    size_t base = 1;
    if (kind_ == RouterLoss::LoadBalance) {
      base = 2;
      expectRank("experts", in[1], 3);
      expectDim("experts", in[1], 0, name, in[0], 0);
      expectDim("experts", in[1], 1, name, in[0], 1);
    }
    if (kind_ == RouterLoss::Kl && !prior_.empty())
      expectSize(name, in[0], 2, int64_t(prior_.size()), "the prior's length");
    if (in.size() > base)
      expectScalar("dloss", in[base]);
    if (grad_)
      expectSameShape(where_, "output", out[0], name, in[0]);
    else
      expectScalar("output", out[0]);
  }

  void run(const std::vector<TensorRef> &in, const std::vector<TensorRef> &out,
           KernelContext &ctx) override {
    const float *x = in[0].as<float>();
    const int64_t e = in[0].shape[2], n = in[0].shape[0] * in[0].shape[1];
    size_t base = kind_ == RouterLoss::LoadBalance ? 2 : 1;
    const double dloss = in.size() > base ? double(*in[base].as<float>()) : 1.0;
    float *y = out[0].as<float>();
    if (kind_ == RouterLoss::LoadBalance)
      loadBalance(x, in[1].as<int64_t>(), in[1].numel(), n, e, dloss, y, ctx);
    else if (kind_ == RouterLoss::Z)
      zLoss(x, n, e, dloss, y, ctx);
    else
      klLoss(x, in[0].shape[1], n, e, dloss, y, ctx);
  }

private:
  /// Reads and checks `prior`, `entropy_weight` and `entropy_over`.
  void readKlAttrs(const KernelSignature &sig) {
    beta_ = floatAttr(sig, "entropy_weight", 0.0);
    if (!std::isfinite(beta_) || beta_ < 0.0)
      throw Error(fmt::format("{}: attribute 'entropy_weight' must be a finite "
                              "number >= 0, got {}",
                              where_, beta_));
    prior_ = readPrior(sig, where_);
    std::string over = stringAttr(sig, "entropy_over", "tokens");
    if (over != "tokens" && over != "samples")
      throw Error(fmt::format("{}: attribute 'entropy_over' must be "
                              "\"tokens\" or \"samples\", got \"{}\"",
                              where_, over));
    perSample_ = over == "samples";
  }

  /// Per-row elementwise gradient fill: out[r, i] = fn(r, i).
  template <typename Fn>
  static void fill(float *out, int64_t n, int64_t e, KernelContext &ctx,
                   Fn fn) {
    parallelFor(ctx.pool, n,
                std::max<int64_t>(1, 16384 / std::max<int64_t>(e, 1)),
                [&](int64_t r0, int64_t r1) {
                  for (int64_t r = r0; r < r1; ++r)
                    for (int64_t i = 0; i < e; ++i)
                      out[r * e + i] = float(fn(r, i));
                });
  }

  /// Column means of the (n, e) rows, in double, rows in order.
  static std::vector<double> columnMeans(const float *x, int64_t n, int64_t e) {
    std::vector<double> mean(size_t(e), 0.0);
    for (int64_t r = 0; r < n; ++r)
      for (int64_t i = 0; i < e; ++i)
        mean[size_t(i)] += double(x[r * e + i]);
    for (double &m : mean)
      m = n ? m / double(n) : 0.0;
    return mean;
  }

  void loadBalance(const float *p, const int64_t *ids, int64_t assignments,
                   int64_t n, int64_t e, double dloss, float *y,
                   KernelContext &ctx) const {
    std::vector<double> frac = assignmentFractions(where_, ids, assignments, e);
    if (grad_)
      return fill(y, n, e, ctx, [&](int64_t, int64_t i) {
        return dloss * double(e) * frac[size_t(i)] / double(n);
      });
    std::vector<double> mean = columnMeans(p, n, e);
    double sum = 0.0;
    for (int64_t i = 0; i < e; ++i)
      sum += frac[size_t(i)] * mean[size_t(i)];
    *y = float(double(e) * sum);
  }

  /// logsumexp of each row.
  static std::vector<double> rowLse(const float *z, int64_t n, int64_t e) {
    std::vector<double> lse(static_cast<size_t>(n));
    for (int64_t r = 0; r < n; ++r) {
      double max = -INFINITY, sum = 0.0;
      for (int64_t i = 0; i < e; ++i)
        max = std::max(max, double(z[r * e + i]));
      for (int64_t i = 0; i < e; ++i)
        sum += std::exp(double(z[r * e + i]) - max);
      lse[size_t(r)] = max + std::log(sum);
    }
    return lse;
  }

  void zLoss(const float *z, int64_t n, int64_t e, double dloss, float *y,
             KernelContext &ctx) const {
    std::vector<double> lse = rowLse(z, n, e);
    if (grad_)
      return fill(y, n, e, ctx, [&](int64_t r, int64_t i) {
        double l = lse[size_t(r)];
        return dloss * 2.0 * l * std::exp(double(z[r * e + i]) - l) / double(n);
      });
    double sum = 0.0;
    for (double l : lse)
      sum += l * l;
    *y = float(n ? sum / double(n) : 0.0);
  }

  /// Means over the t tokens of each of the n / t samples: (n / t, e),
  /// rows in order, in double (the entropy's argument with
  /// entropy_over = "samples").
  static std::vector<double> sampleMeans(const float *p, int64_t t, int64_t n,
                                         int64_t e) {
    const int64_t samples = t ? n / t : 0;
    std::vector<double> m(size_t(samples * e), 0.0);
    for (int64_t b = 0; b < samples; ++b) {
      for (int64_t r = 0; r < t; ++r)
        for (int64_t i = 0; i < e; ++i)
          m[size_t(b * e + i)] += double(p[(b * t + r) * e + i]);
      for (int64_t i = 0; i < e; ++i)
        m[size_t(b * e + i)] /= double(t);
    }
    return m;
  }

  /// KL(a ‖ prior) + β · mean H over the n token rows of t tokens per
  /// sample: H of each row, or of each sample's mean row (perSample_).
  void klLoss(const float *p, int64_t t, int64_t n, int64_t e, double dloss,
              float *y, KernelContext &ctx) const {
    std::vector<double> a = columnMeans(p, n, e);
    auto prior = [&](int64_t i) {
      return prior_.empty() ? 1.0 / double(e) : prior_[size_t(i)];
    };
    std::vector<double> m;
    if (perSample_)
      m = sampleMeans(p, t, n, e);
    if (grad_)
      return fill(y, n, e, ctx, [&](int64_t r, int64_t i) {
        double kl = safeLog(a[size_t(i)] / prior(i)) + 1.0;
        double q = perSample_ ? m[size_t((r / t) * e + i)]
                              : double(p[r * e + i]);
        double ent = safeLog(q) + 1.0;
        return dloss * (kl - beta_ * ent) / double(n);
      });
    double kl = klToPrior(a, prior_), entropy = 0.0;
    if (perSample_) {
      for (double q : m)
        if (q > 0.0)
          entropy -= q * std::log(q);
      const int64_t samples = t ? n / t : 0;
      *y = float(kl + beta_ * (samples ? entropy / double(samples) : 0.0));
      return;
    }
    for (int64_t j = 0; j < n * e; ++j)
      if (p[j] > 0.0f)
        entropy -= double(p[j]) * std::log(double(p[j]));
    *y = float(kl + beta_ * (n ? entropy / double(n) : 0.0));
  }

  RouterLoss kind_;
  bool grad_;
  std::vector<double> prior_;
  double beta_ = 0.0;
  bool perSample_ = false;
};

/// allocation_kl: KL of the hard allocation (the fractions of the B·T·k
/// expert ids per expert) to the prior, summed sequentially in double.
class AllocationKlKernel : public RoutingKernel {
public:
  explicit AllocationKlKernel(const KernelSignature &sig) : RoutingKernel(sig) {
    expectOperandCounts(sig, 1, 1, 1);
    expectDType(sig, *sig.inputs[0], "experts", {DType::I64});
    expectDType(sig, *sig.outputs[0], "output", {DType::F32});
    experts_ = intAttr(sig, "num_experts");
    if (experts_ < 1)
      throw Error(
          fmt::format("{}: attribute 'num_experts' must be at least 1, got {}",
                      where_, experts_));
    prior_ = readPrior(sig, where_);
    if (!prior_.empty() && int64_t(prior_.size()) != experts_)
      throw Error(fmt::format("{}: prior has {} entries but num_experts is {}",
                              where_, prior_.size(), experts_));
    checkSignature(sig);
  }

  void check(const OperandDims &in, const OperandDims &out) const override {
    expectRank("experts", in[0], 3);
    expectScalar("output", out[0]);
  }

  void run(const std::vector<TensorRef> &in, const std::vector<TensorRef> &out,
           KernelContext &) override {
    std::vector<double> frac = assignmentFractions(where_, in[0].as<int64_t>(),
                                                   in[0].numel(), experts_);
    *out[0].as<float>() = float(klToPrior(frac, prior_));
  }

private:
  int64_t experts_ = 0;
  std::vector<double> prior_;
};

} // namespace

std::unique_ptr<Kernel> makeLoadBalanceLossKernel(const KernelSignature &sig) {
  return std::make_unique<RouterLossKernel>(sig, RouterLoss::LoadBalance,
                                            false);
}
std::unique_ptr<Kernel>
makeLoadBalanceLossGradKernel(const KernelSignature &sig) {
  return std::make_unique<RouterLossKernel>(sig, RouterLoss::LoadBalance, true);
}
std::unique_ptr<Kernel> makeRouterZLossKernel(const KernelSignature &sig) {
  return std::make_unique<RouterLossKernel>(sig, RouterLoss::Z, false);
}
std::unique_ptr<Kernel> makeRouterZLossGradKernel(const KernelSignature &sig) {
  return std::make_unique<RouterLossKernel>(sig, RouterLoss::Z, true);
}
std::unique_ptr<Kernel> makeRouterKlLossKernel(const KernelSignature &sig) {
  return std::make_unique<RouterLossKernel>(sig, RouterLoss::Kl, false);
}
std::unique_ptr<Kernel> makeRouterKlLossGradKernel(const KernelSignature &sig) {
  return std::make_unique<RouterLossKernel>(sig, RouterLoss::Kl, true);
}

std::unique_ptr<Kernel> makeAllocationKlKernel(const KernelSignature &sig) {
  return std::make_unique<AllocationKlKernel>(sig);
}

} // namespace shodh
