//===- DispatchKernels.cpp - CPU dispatch, combine and their gradients ----===//
//
// The ragged token layout of docs/experts.md:
//   dispatch      (tokens, experts) -> (sorted, offsets, source)
//   dispatch_grad (dsorted, source, offsets) -> dtokens        attr k
//   combine       (out, gates, source, offsets) -> y
//   combine_grad  (dy, out, gates, source, offsets) -> (dout, dgates)
// dispatch sorts the R = B·T·k assignments with a sequential stable counting
// sort by expert (O(R)) and gathers the rows in parallel; the others invert
// `source` once and then work per token, summing a token's slots in slot
// order. Every output element has one writer, so results do not depend on
// the thread count.
//
//===----------------------------------------------------------------------===//
#include "runtime/core/ThreadPool.h"
#include "runtime/kernels/cpu/SignatureChecks.h"
#include "runtime/kernels/cpu/moe/RoutingSupport.h"
#include "runtime/kernels/cpu/optim/FloatAttr.h"
#include "runtime/support/Status.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstring>

namespace shodh {

namespace {

/// Rows per chunk for rows of `len` elements.
int64_t grainFor(int64_t len) {
  return std::max<int64_t>(1, 32768 / std::max<int64_t>(1, len));
}

/// dispatch: the stable counting sort by expert and the gather.
class DispatchKernel : public RoutingKernel {
public:
  explicit DispatchKernel(const KernelSignature &sig) : RoutingKernel(sig) {
    expectOperandCounts(sig, 2, 2, 3);
    expectDType(sig, *sig.inputs[0], "tokens", {DType::F32});
    expectDType(sig, *sig.inputs[1], "experts", {DType::I64});
    expectDType(sig, *sig.outputs[0], "sorted", {DType::F32});
    expectDType(sig, *sig.outputs[1], "offsets", {DType::I64});
    expectDType(sig, *sig.outputs[2], "source", {DType::I64});
    experts_ = intAttr(sig, "num_experts");
    capacity_ = floatAttr(sig, "capacity_factor", 0.0);
    if (experts_ < 1)
      throw Error(
          fmt::format("{}: attribute 'num_experts' must be at least 1, got {}",
                      where_, experts_));
    if (!std::isfinite(capacity_) || capacity_ < 0.0)
      throw Error(fmt::format("{}: attribute 'capacity_factor' must be a "
                              "finite number >= 0, got {}",
                              where_, capacity_));
    checkSignature(sig);
  }

  void check(const OperandDims &in, const OperandDims &out) const override {
    expectRank("tokens", in[0], -3);
    expectRank("experts", in[1], 3);
    expectDim("experts", in[1], 0, "tokens", in[0], 0);
    expectDim("experts", in[1], 1, "tokens", in[0], 1);
    expectRank("sorted", out[0], int(in[0].size()));
    expectDim("sorted", out[0], 0, "tokens", in[0], 0);
    if (in[0][1].isStatic() && in[1][2].isStatic())
      expectSize("sorted", out[0], 1, in[0][1].size * in[1][2].size, "T·k");
    for (size_t d = 2; d < in[0].size(); ++d)
      expectDim("sorted", out[0], d, "tokens", in[0], d);
    expectRank("offsets", out[1], 1);
    expectSize("offsets", out[1], 0, experts_ + 1, "num_experts + 1");
    expectRank("source", out[2], 2);
    expectDim("source", out[2], 0, "sorted", out[0], 0);
    expectDim("source", out[2], 1, "sorted", out[0], 1);
  }

  void run(const std::vector<TensorRef> &in, const std::vector<TensorRef> &out,
           KernelContext &ctx) override {
    const int64_t k = in[1].shape[2], rows = in[1].numel();
    const int64_t len = rowSize(in[0].shape);
    int64_t *offsets = out[1].as<int64_t>(), *source = out[2].as<int64_t>();
    sortAssignments(in[1].as<int64_t>(), rows, offsets, source);
    const float *x = in[0].as<float>();
    float *sorted = out[0].as<float>();
    const int64_t kept = offsets[experts_];
    parallelFor(ctx.pool, rows, grainFor(len), [&](int64_t r0, int64_t r1) {
      for (int64_t r = r0; r < r1; ++r) {
        float *dst = sorted + r * len;
        if (r < kept)
          std::memcpy(dst, x + (source[r] / k) * len,
                      size_t(len) * sizeof(float));
        else
          std::fill(dst, dst + len, 0.0f);
      }
    });
  }

private:
  /// Fills offsets and source: kept rows by (expert, assignment), then the
  /// dropped rows by (expert, assignment).
  void sortAssignments(const int64_t *ids, int64_t rows, int64_t *offsets,
                       int64_t *source) const {
    std::vector<int64_t> count = countAssignments(where_, ids, rows, experts_);
    const int64_t cap =
        capacity_ > 0.0
            ? int64_t(std::ceil(double(rows) * capacity_ / double(experts_)))
            : rows;
    std::vector<int64_t> keptNext(static_cast<size_t>(experts_));
    std::vector<int64_t> dropNext(keptNext.size());
    offsets[0] = 0;
    for (int64_t e = 0; e < experts_; ++e)
      offsets[e + 1] = offsets[e] + std::min(count[size_t(e)], cap);
    int64_t drop = offsets[experts_];
    for (int64_t e = 0; e < experts_; ++e) {
      keptNext[size_t(e)] = offsets[e];
      dropNext[size_t(e)] = drop;
      drop += count[size_t(e)] - std::min(count[size_t(e)], cap);
    }
    for (int64_t a = 0; a < rows; ++a) {
      size_t e = size_t(ids[a]);
      int64_t &next = keptNext[e] < offsets[e + 1] ? keptNext[e] : dropNext[e];
      source[next++] = a;
    }
  }

  int64_t experts_ = 1;
  double capacity_ = 0.0;
};

/// Shared checks of the kernels reading a dispatch's (source, offsets).
class RaggedKernel : public RoutingKernel {
protected:
  using RoutingKernel::RoutingKernel;

  /// Throws unless `rows` (B, T·k, ...) matches source and offsets is 1-D.
  void checkRagged(const char *rowsName, const std::vector<Dim> &rows,
                   const std::vector<Dim> &source,
                   const std::vector<Dim> &offsets) const {
    expectRank(rowsName, rows, -3);
    expectRank("source", source, 2);
    expectDim("source", source, 0, rowsName, rows, 0);
    expectDim("source", source, 1, rowsName, rows, 1);
    expectRank("offsets", offsets, 1);
  }

  /// Throws unless `tokens` (B, T, ...) has `rows`'s batch and trailing
  /// dims.
  void checkTokens(const char *tokName, const std::vector<Dim> &tokens,
                   const char *rowsName, const std::vector<Dim> &rows) const {
    expectRank(tokName, tokens, int(rows.size()));
    expectDim(tokName, tokens, 0, rowsName, rows, 0);
    for (size_t d = 2; d < rows.size(); ++d)
      expectDim(tokName, tokens, d, rowsName, rows, d);
  }

  /// The inverse of `source` (see invertSource).
  std::vector<int64_t> rowOf(const TensorRef &source,
                             const TensorRef &offsets) const {
    return invertSource(where_, source.as<int64_t>(), offsets.as<int64_t>(),
                        source.numel(), offsets.shape[0] - 1);
  }
};

/// y[t] = Σ_j gates[t, j] · out[row(a)] over the token's kept slots, in slot
/// order (gates null: all 1): combine's forward and dispatch's gradient.
void gatherSum(const float *o, const float *g, const std::vector<int64_t> &rows,
               float *y, int64_t tokens, int64_t k, int64_t len,
               KernelContext &ctx) {
  parallelFor(ctx.pool, tokens, grainFor(len * k), [&](int64_t t0, int64_t t1) {
    for (int64_t t = t0; t < t1; ++t) {
      float *dst = y + t * len;
      std::fill(dst, dst + len, 0.0f);
      for (int64_t j = 0; j < k; ++j) {
        int64_t r = rows[size_t(t * k + j)];
        if (r < 0)
          continue;
        const float gate = g ? g[t * k + j] : 1.0f, *src = o + r * len;
        for (int64_t i = 0; i < len; ++i)
          dst[i] += gate * src[i];
      }
    }
  });
}

/// dispatch_grad: dtokens[b, t] = Σ_j dsorted[row(a)].
class DispatchGradKernel : public RaggedKernel {
public:
  explicit DispatchGradKernel(const KernelSignature &sig) : RaggedKernel(sig) {
    expectOperandCounts(sig, 3, 3, 1);
    expectDType(sig, *sig.inputs[0], "dsorted", {DType::F32});
    expectDType(sig, *sig.inputs[1], "source", {DType::I64});
    expectDType(sig, *sig.inputs[2], "offsets", {DType::I64});
    expectDType(sig, *sig.outputs[0], "output", {DType::F32});
    k_ = intAttr(sig, "k");
    if (k_ < 1)
      throw Error(fmt::format("{}: attribute 'k' must be at least 1, got {}",
                              where_, k_));
    checkSignature(sig);
  }

  void check(const OperandDims &in, const OperandDims &out) const override {
    checkRagged("dsorted", in[0], in[1], in[2]);
    checkTokens("output", out[0], "dsorted", in[0]);
    if (in[0][1].isStatic() && in[0][1].size % k_ != 0)
      throw Error(fmt::format("{}: dsorted has {} rows, not a multiple of k = "
                              "{}",
                              where_, in[0][1].size, k_));
    if (in[0][1].isStatic())
      expectSize("output", out[0], 1, in[0][1].size / k_, "dsorted's rows / k");
  }

  void run(const std::vector<TensorRef> &in, const std::vector<TensorRef> &out,
           KernelContext &ctx) override {
    std::vector<int64_t> rows = rowOf(in[1], in[2]);
    const int64_t len = rowSize(in[0].shape),
                  tokens = out[0].numel() / std::max<int64_t>(len, 1);
    gatherSum(in[0].as<float>(), nullptr, rows, out[0].as<float>(), tokens, k_,
              len, ctx);
  }

private:
  int64_t k_ = 1;
};

/// combine and combine_grad.
class CombineKernel : public RaggedKernel {
public:
  CombineKernel(const KernelSignature &sig, bool grad)
      : RaggedKernel(sig), grad_(grad) {
    size_t base = grad ? 1 : 0;
    expectOperandCounts(sig, 4 + base, 4 + base, grad ? 2 : 1);
    if (grad)
      expectDType(sig, *sig.inputs[0], "dy", {DType::F32});
    expectDType(sig, *sig.inputs[base], "out", {DType::F32});
    expectDType(sig, *sig.inputs[base + 1], "gates", {DType::F32});
    expectDType(sig, *sig.inputs[base + 2], "source", {DType::I64});
    expectDType(sig, *sig.inputs[base + 3], "offsets", {DType::I64});
    for (const TensorDesc *o : sig.outputs)
      expectDType(sig, *o, "output", {DType::F32});
    checkSignature(sig);
  }

  void check(const OperandDims &in, const OperandDims &out) const override {
    size_t base = grad_ ? 1 : 0;
    const std::vector<Dim> &rows = in[base], &gates = in[base + 1];
    checkRagged("out", rows, in[base + 2], in[base + 3]);
    expectRank("gates", gates, 3);
    expectDim("gates", gates, 0, "out", rows, 0);
    if (gates[1].isStatic() && gates[2].isStatic())
      expectSize("out", rows, 1, gates[1].size * gates[2].size, "T·k of gates");
    const std::vector<Dim> &y = grad_ ? in[0] : out[0];
    checkTokens(grad_ ? "dy" : "output", y, "out", rows);
    expectDim(grad_ ? "dy" : "output", y, 1, "gates", gates, 1);
    if (grad_) {
      expectSameShape(where_, "dout", out[0], "out", rows);
      expectSameShape(where_, "dgates", out[1], "gates", gates);
    }
  }

  void run(const std::vector<TensorRef> &in, const std::vector<TensorRef> &out,
           KernelContext &ctx) override {
    size_t base = grad_ ? 1 : 0;
    std::vector<int64_t> rows = rowOf(in[base + 2], in[base + 3]);
    const TensorRef &o = in[base], &g = in[base + 1];
    const int64_t k = g.shape[2], tokens = g.shape[0] * g.shape[1];
    const int64_t len = rowSize(o.shape);
    if (!grad_)
      return gatherSum(o.as<float>(), g.as<float>(), rows, out[0].as<float>(),
                       tokens, k, len, ctx);
    float *dout = out[0].as<float>();
    const int64_t kept = in[base + 3].as<int64_t>()[in[base + 3].shape[0] - 1];
    std::fill(dout + kept * len, dout + o.numel(), 0.0f); // dropped rows
    parallelFor(ctx.pool, tokens, grainFor(len * k),
                [&](int64_t t0, int64_t t1) {
                  for (int64_t t = t0; t < t1; ++t)
                    backwardToken(in[0].as<float>() + t * len, o.as<float>(),
                                  g.as<float>() + t * k, rows.data() + t * k,
                                  dout, out[1].as<float>() + t * k, k, len);
                });
  }

private:
  /// dout rows and dgates of one token's slots.
  static void backwardToken(const float *dy, const float *o, const float *g,
                            const int64_t *rows, float *dout, float *dg,
                            int64_t k, int64_t len) {
    for (int64_t j = 0; j < k; ++j) {
      int64_t r = rows[j];
      if (r < 0) {
        dg[j] = 0.0f;
        continue;
      }
      const float *src = o + r * len;
      float *dst = dout + r * len;
      for (int64_t i = 0; i < len; ++i)
        dst[i] = g[j] * dy[i];
      double dot = dotF64(dy, src, len);
      dg[j] = float(dot);
    }
  }

  bool grad_;
};

} // namespace

std::unique_ptr<Kernel> makeDispatchKernel(const KernelSignature &sig) {
  return std::make_unique<DispatchKernel>(sig);
}
std::unique_ptr<Kernel> makeDispatchGradKernel(const KernelSignature &sig) {
  return std::make_unique<DispatchGradKernel>(sig);
}
std::unique_ptr<Kernel> makeCombineKernel(const KernelSignature &sig) {
  return std::make_unique<CombineKernel>(sig, false);
}
std::unique_ptr<Kernel> makeCombineGradKernel(const KernelSignature &sig) {
  return std::make_unique<CombineKernel>(sig, true);
}

} // namespace shodh
