//===- RouterKernels.cpp - CPU router, top_k and their gradients ----------===//
//
// `router` (tokens, weight[, bias]) -> (logits, probs): logits = x·wᵀ + b,
// probs = softmax(logits / temperature), both (B, T, E). `router_grad`
// (probs, dprobs[, dlogits]) -> dz. `top_k` (probs) -> (gates, experts)
// and `top_k_grad` (probs, experts, dgates) -> dprobs. The logits are one
// sgemm per fixed block of 128 token rows (float accumulation, as PyTorch's
// nn.Linear); softmax and the other kernels work per row in double. Blocks
// and rows depend only on the shapes, so the results do not depend on the
// thread count (docs/experts.md).
//
//===----------------------------------------------------------------------===//
#include "runtime/core/ThreadPool.h"
#include "runtime/kernels/cpu/RowBlockGemm.h"
#include "runtime/kernels/cpu/SignatureChecks.h"
#include "runtime/kernels/cpu/moe/RoutingSupport.h"
#include "runtime/kernels/cpu/optim/FloatAttr.h"
#include "runtime/support/Status.h"

#include <fmt/format.h>

#include <cblas.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace shodh {

namespace {

/// Token rows per sgemm of the router's logits.
constexpr int64_t kRouterBlock = 128;

/// Token rows per chunk of a parallel loop, for rows of `work` flops.
int64_t rowGrain(int64_t work) {
  return std::max<int64_t>(1, 16384 / std::max<int64_t>(1, work));
}

/// Reads a positive, finite `temperature` attribute (default 1).
double temperatureAttr(const KernelSignature &sig) {
  double t = floatAttr(sig, "temperature", 1.0);
  if (!std::isfinite(t) || t <= 0.0)
    throw Error(fmt::format("{}: attribute 'temperature' must be a finite "
                            "number > 0, got {}",
                            sig.where, t));
  return t;
}

/// Writes softmax(z / temperature) of `n` values to `p` (double inside).
void softmax(const float *z, float *p, int64_t n, double temperature) {
  double max = -INFINITY;
  for (int64_t e = 0; e < n; ++e)
    max = std::max(max, double(z[e]) / temperature);
  double sum = 0.0;
  for (int64_t e = 0; e < n; ++e)
    sum += std::exp(double(z[e]) / temperature - max);
  for (int64_t e = 0; e < n; ++e)
    p[e] = float(std::exp(double(z[e]) / temperature - max) / sum);
}

/// router: logits and probabilities.
class RouterKernel : public RoutingKernel {
public:
  explicit RouterKernel(const KernelSignature &sig) : RoutingKernel(sig) {
    expectOperandCounts(sig, 2, 3, 2);
    const char *names[] = {"tokens", "weight", "bias"};
    for (size_t i = 0; i < sig.inputs.size(); ++i)
      expectDType(sig, *sig.inputs[i], names[i], {DType::F32});
    expectDType(sig, *sig.outputs[0], "logits", {DType::F32});
    expectDType(sig, *sig.outputs[1], "probs", {DType::F32});
    temperature_ = temperatureAttr(sig);
    checkSignature(sig);
  }

  void check(const OperandDims &in, const OperandDims &out) const override {
    expectRank("tokens", in[0], 3);
    expectRank("weight", in[1], 2);
    expectDim("weight", in[1], 1, "tokens", in[0], 2);
    if (in.size() > 2) {
      expectRank("bias", in[2], 1);
      expectDim("bias", in[2], 0, "weight", in[1], 0);
    }
    for (int r = 0; r < 2; ++r) {
      const char *name = r ? "probs" : "logits";
      expectRank(name, out[r], 3);
      expectDim(name, out[r], 0, "tokens", in[0], 0);
      expectDim(name, out[r], 1, "tokens", in[0], 1);
      expectDim(name, out[r], 2, "weight", in[1], 0);
    }
  }

  void run(const std::vector<TensorRef> &in, const std::vector<TensorRef> &out,
           KernelContext &ctx) override {
    const float *x = in[0].as<float>(), *w = in[1].as<float>();
    const float *b = in.size() > 2 ? in[2].as<float>() : nullptr;
    float *logits = out[0].as<float>(), *probs = out[1].as<float>();
    const int64_t rows = in[0].shape[0] * in[0].shape[1];
    const int64_t f = in[0].shape[2], e = in[1].shape[0];
    // Fixed blocks of kRouterBlock rows, one sgemm each (logits = X·Wᵀ):
    // blocks depend only on the shapes, so results do not depend on the
    // thread count.
    const int64_t blocks = (rows + kRouterBlock - 1) / kRouterBlock;
    parallelFor(ctx.pool, blocks, 1, [&](int64_t b0, int64_t b1) {
      for (int64_t blk = b0; blk < b1; ++blk) {
        const int64_t r0 = blk * kRouterBlock;
        const int64_t n = std::min(kRouterBlock, rows - r0);
        sgemmRowBlock(CblasTrans, n, kRouterBlock, e, f, x + r0 * f, f, w, f,
                      0.0f, logits + r0 * e, e);
        for (int64_t r = r0; r < r0 + n; ++r) {
          float *z = logits + r * e;
          if (b)
            for (int64_t i = 0; i < e; ++i)
              z[i] += b[i];
          softmax(z, probs + r * e, e, temperature_);
        }
      }
    });
  }

private:
  double temperature_ = 1.0;
};

/// router_grad: dz = p ⊙ (dp − ⟨dp, p⟩) / temperature [+ dlogits].
class RouterGradKernel : public RoutingKernel {
public:
  explicit RouterGradKernel(const KernelSignature &sig) : RoutingKernel(sig) {
    expectOperandCounts(sig, 2, 3, 1);
    const char *names[] = {"probs", "dprobs", "dlogits"};
    for (size_t i = 0; i < sig.inputs.size(); ++i)
      expectDType(sig, *sig.inputs[i], names[i], {DType::F32});
    expectDType(sig, *sig.outputs[0], "output", {DType::F32});
    temperature_ = temperatureAttr(sig);
    checkSignature(sig);
  }

  void check(const OperandDims &in, const OperandDims &out) const override {
    expectRank("probs", in[0], 3);
    expectSameShape(where_, "dprobs", in[1], "probs", in[0]);
    if (in.size() > 2)
      expectSameShape(where_, "dlogits", in[2], "probs", in[0]);
    expectSameShape(where_, "output", out[0], "probs", in[0]);
  }

  void run(const std::vector<TensorRef> &in, const std::vector<TensorRef> &out,
           KernelContext &ctx) override {
    const float *p = in[0].as<float>(), *dp = in[1].as<float>();
    const float *dl = in.size() > 2 ? in[2].as<float>() : nullptr;
    float *dz = out[0].as<float>();
    const int64_t e = in[0].shape[2],
                  rows = in[0].numel() / std::max<int64_t>(e, 1);
    parallelFor(ctx.pool, rows, rowGrain(e), [&](int64_t r0, int64_t r1) {
      for (int64_t i = r0 * e; i < r1 * e; i += e) {
        double dot = 0.0;
        for (int64_t j = 0; j < e; ++j)
          dot += double(dp[i + j]) * double(p[i + j]);
        for (int64_t j = 0; j < e; ++j) {
          double v =
              double(p[i + j]) * (double(dp[i + j]) - dot) / temperature_;
          dz[i + j] = float(dl ? v + double(dl[i + j]) : v);
        }
      }
    });
  }

private:
  double temperature_ = 1.0;
};

/// True if expert `a` ranks before `b`: higher probability, ties (and NaN,
/// which ranks last) to the lower id.
bool ranksBefore(const float *p, int64_t a, int64_t b) {
  float pa = std::isnan(p[a]) ? -INFINITY : p[a];
  float pb = std::isnan(p[b]) ? -INFINITY : p[b];
  return pa > pb || (pa == pb && a < b);
}

/// top_k: the k best experts of each token and their gates.
class TopKKernel : public RoutingKernel {
public:
  explicit TopKKernel(const KernelSignature &sig) : RoutingKernel(sig) {
    expectOperandCounts(sig, 1, 1, 2);
    expectDType(sig, *sig.inputs[0], "probs", {DType::F32});
    expectDType(sig, *sig.outputs[0], "gates", {DType::F32});
    expectDType(sig, *sig.outputs[1], "experts", {DType::I64});
    k_ = intAttr(sig, "k");
    renormalize_ = intAttr(sig, "renormalize", 1) != 0;
    if (k_ < 1)
      throw Error(fmt::format("{}: attribute 'k' must be at least 1, got {}",
                              where_, k_));
    checkSignature(sig);
  }

  void check(const OperandDims &in, const OperandDims &out) const override {
    expectRank("probs", in[0], 3);
    if (in[0][2].isStatic() && in[0][2].size < k_)
      throw Error(fmt::format("{}: k = {} exceeds the {} experts of probs",
                              where_, k_, in[0][2].size));
    for (int r = 0; r < 2; ++r) {
      const char *name = r ? "experts" : "gates";
      expectRank(name, out[r], 3);
      expectDim(name, out[r], 0, "probs", in[0], 0);
      expectDim(name, out[r], 1, "probs", in[0], 1);
      expectSize(name, out[r], 2, k_, "k");
    }
  }

  void run(const std::vector<TensorRef> &in, const std::vector<TensorRef> &out,
           KernelContext &ctx) override {
    const float *p = in[0].as<float>();
    float *gates = out[0].as<float>();
    int64_t *experts = out[1].as<int64_t>();
    const int64_t e = in[0].shape[2], rows = in[0].shape[0] * in[0].shape[1];
    parallelFor(ctx.pool, rows, rowGrain(e * k_), [&](int64_t r0, int64_t r1) {
      std::vector<char> taken(static_cast<size_t>(e));
      for (int64_t r = r0; r < r1; ++r)
        selectRow(p + r * e, e, gates + r * k_, experts + r * k_, taken);
    });
  }

private:
  /// Selection by k scans (k is small): deterministic, NaN-safe.
  void selectRow(const float *p, int64_t e, float *gates, int64_t *ids,
                 std::vector<char> &taken) const {
    std::fill(taken.begin(), taken.end(), 0);
    double sum = 0.0;
    for (int64_t j = 0; j < k_; ++j) {
      int64_t best = -1;
      for (int64_t i = 0; i < e; ++i)
        if (!taken[size_t(i)] && (best < 0 || ranksBefore(p, i, best)))
          best = i;
      taken[size_t(best)] = 1;
      ids[j] = best;
      sum += double(p[best]);
    }
    for (int64_t j = 0; j < k_; ++j)
      gates[j] = !renormalize_ ? p[ids[j]]
                 : sum > 0.0   ? float(double(p[ids[j]]) / sum)
                               : float(1.0 / double(k_));
  }

  int64_t k_ = 1;
  bool renormalize_ = true;
};

/// top_k_grad: the gates' cotangent back onto the chosen probabilities.
class TopKGradKernel : public RoutingKernel {
public:
  explicit TopKGradKernel(const KernelSignature &sig) : RoutingKernel(sig) {
    expectOperandCounts(sig, 3, 3, 1);
    expectDType(sig, *sig.inputs[0], "probs", {DType::F32});
    expectDType(sig, *sig.inputs[1], "experts", {DType::I64});
    expectDType(sig, *sig.inputs[2], "dgates", {DType::F32});
    expectDType(sig, *sig.outputs[0], "output", {DType::F32});
    renormalize_ = intAttr(sig, "renormalize", 1) != 0;
    checkSignature(sig);
  }

  void check(const OperandDims &in, const OperandDims &out) const override {
    expectRank("probs", in[0], 3);
    expectRank("experts", in[1], 3);
    expectDim("experts", in[1], 0, "probs", in[0], 0);
    expectDim("experts", in[1], 1, "probs", in[0], 1);
    expectSameShape(where_, "dgates", in[2], "experts", in[1]);
    expectSameShape(where_, "output", out[0], "probs", in[0]);
  }

  void run(const std::vector<TensorRef> &in, const std::vector<TensorRef> &out,
           KernelContext &ctx) override {
    const float *p = in[0].as<float>(), *dg = in[2].as<float>();
    const int64_t *ids = in[1].as<int64_t>();
    float *dp = out[0].as<float>();
    const int64_t e = in[0].shape[2], k = in[1].shape[2];
    const int64_t rows = in[0].shape[0] * in[0].shape[1];
    parallelFor(ctx.pool, rows, rowGrain(e + k), [&](int64_t r0, int64_t r1) {
      for (int64_t r = r0; r < r1; ++r)
        row(p + r * e, ids + r * k, dg + r * k, dp + r * e, e, k);
    });
  }

private:
  /// One token: zero, then the chosen experts' cotangents.
  void row(const float *p, const int64_t *ids, const float *dg, float *dp,
           int64_t e, int64_t k) const {
    std::fill(dp, dp + e, 0.0f);
    for (int64_t j = 0; j < k; ++j)
      if (ids[j] < 0 || ids[j] >= e)
        throw Error(fmt::format("{}: expert id {} is outside [0, {})", where_,
                                ids[j], e));
    if (!renormalize_) {
      for (int64_t j = 0; j < k; ++j)
        dp[ids[j]] += dg[j];
      return;
    }
    double sum = 0.0, dot = 0.0;
    for (int64_t j = 0; j < k; ++j)
      sum += double(p[ids[j]]);
    if (!(sum > 0.0))
      return; // the forward's uniform fallback gates are constant
    for (int64_t j = 0; j < k; ++j)
      dot += double(dg[j]) * double(p[ids[j]]) / sum;
    for (int64_t j = 0; j < k; ++j)
      dp[ids[j]] += float((double(dg[j]) - dot) / sum);
  }

  bool renormalize_ = true;
};

} // namespace

std::unique_ptr<Kernel> makeRouterKernel(const KernelSignature &sig) {
  return std::make_unique<RouterKernel>(sig);
}
std::unique_ptr<Kernel> makeRouterGradKernel(const KernelSignature &sig) {
  return std::make_unique<RouterGradKernel>(sig);
}
std::unique_ptr<Kernel> makeTopKKernel(const KernelSignature &sig) {
  return std::make_unique<TopKKernel>(sig);
}
std::unique_ptr<Kernel> makeTopKGradKernel(const KernelSignature &sig) {
  return std::make_unique<TopKGradKernel>(sig);
}

} // namespace shodh
