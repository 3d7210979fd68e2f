//===- AttentionKernels.cpp - CPU multi-head self-attention ---------------===//
//
// Kernel contract (docs/runtime.md § Attention kernels), f32, `heads` (Int,
// positive, divides C):
//   attention             x [B, T, C], wqkv [3C, C], bqkv [3C], wo [C, C],
//                         bo [C] -> y [B, T, C]
//   attention_heads       qkv [B, T, 3C] -> o [B, T, C]
//   attention_heads_grad  qkv [B, T, 3C], dy [B, T, C] -> dqkv [B, T, 3C]
// torch.nn.MultiheadAttention(C, heads, batch_first=True) semantics (no
// mask, no dropout). `attention` keeps qkv and o in kernel-owned scratch
// (B T 4C floats); the projections run as sgemm over fixed blocks of
// kProjRows token rows, the heads as one unit per (batch, head) with a
// kAttentionRowBlock x T score block per unit (AttentionCore.cpp). Units
// write disjoint outputs, so results do not depend on the thread count.
//
//===----------------------------------------------------------------------===//
#include "runtime/kernels/cpu/attention/AttentionKernels.h"
#include "runtime/core/Kernel.h"
#include "runtime/core/ThreadPool.h"
#include "runtime/kernels/cpu/RowBlockGemm.h"
#include "runtime/kernels/cpu/SignatureChecks.h"
#include "runtime/kernels/cpu/attention/AttentionCore.h"
#include "runtime/support/Status.h"

#include <cblas.h>
#include <fmt/format.h>

#include <algorithm>
#include <memory>
#include <vector>

namespace shodh {

namespace {

using namespace attention;

/// Token rows per projection unit.
constexpr int64_t kProjRows = 64;

/// Which kernel an AttentionKernel instance is.
enum class AttnKind { Full, Heads, HeadsGrad };

/// The attention kernels (see the file comment).
class AttentionKernel : public Kernel {
public:
  /// Validates the call.
  AttentionKernel(const KernelSignature &sig, AttnKind kind);
  /// Checks the concrete shapes and sizes the scratch.
  void prepare(const std::vector<TensorRef> &in,
               const std::vector<TensorRef> &out, KernelContext &ctx) override;
  /// Runs on the pool.
  void run(const std::vector<TensorRef> &in, const std::vector<TensorRef> &out,
           KernelContext &ctx) override;

private:
  /// y[r] = b + x[r] w^T for all B T rows (w is [n, C]).
  void project(const float *x, const float *w, const float *b, float *y,
               int64_t n, KernelContext &ctx) const;
  /// o = attention_heads(qkv), or dqkv from dy when `dy` is set.
  void heads(const float *qkv, const float *dy, float *out,
             KernelContext &ctx) const;

  std::string where_;
  AttnKind kind_;
  int64_t heads_ = 1, channels_ = 0, batch_ = 0, tokens_ = 0;
  std::vector<float> qkv_, o_;
};

AttentionKernel::AttentionKernel(const KernelSignature &sig, AttnKind kind)
    : where_(sig.where), kind_(kind) {
  static const char *fullNames[] = {"x", "wqkv", "bqkv", "wo", "bo"};
  static const char *gradNames[] = {"qkv", "dy"};
  size_t inputs = kind == AttnKind::Full ? 5 : kind == AttnKind::Heads ? 1 : 2;
  const char **names = kind == AttnKind::Full ? fullNames : gradNames;
  expectOperandCounts(sig, inputs, inputs, 1);
  for (size_t i = 0; i < inputs; ++i)
    expectDType(sig, *sig.inputs[i], names[i], {DType::F32});
  expectDType(sig, *sig.outputs[0], "output", {DType::F32});
  heads_ = intAttr(sig, "heads");
  if (heads_ < 1)
    throw Error(fmt::format("{}: attribute 'heads' must be positive, got {}",
                            where_, heads_));
  const std::vector<Dim> &x = sig.inputs[0]->shape;
  if (x.size() != 3 || !x[2].isStatic())
    throw Error(fmt::format("{}: {} must be [B, T, {}] with a static last "
                            "dim, got rank {}",
                            where_, names[0],
                            kind == AttnKind::Full ? "C" : "3C", x.size()));
  int64_t last = x[2].size;
  if (kind != AttnKind::Full && last % 3 != 0)
    throw Error(fmt::format("{}: qkv's last dim {} is not 3C", where_, last));
  channels_ = kind == AttnKind::Full ? last : last / 3;
  if (channels_ < 1 || channels_ % heads_ != 0)
    throw Error(fmt::format("{}: C = {} must be positive and divisible by "
                            "heads = {}",
                            where_, channels_, heads_));
  Dim c = Dim::fixed(channels_), c3 = Dim::fixed(3 * channels_);
  std::vector<Dim> tokensC{x[0], x[1], c};
  if (kind == AttnKind::Full) {
    expectSameShape(where_, "wqkv", sig.inputs[1]->shape, "[3C, C]", {c3, c});
    expectSameShape(where_, "bqkv", sig.inputs[2]->shape, "[3C]", {c3});
    expectSameShape(where_, "wo", sig.inputs[3]->shape, "[C, C]", {c, c});
    expectSameShape(where_, "bo", sig.inputs[4]->shape, "[C]", {c});
  }
  if (kind == AttnKind::HeadsGrad)
    expectSameShape(where_, "dy", sig.inputs[1]->shape, "[B, T, C]", tokensC);
  expectSameShape(where_, "output", sig.outputs[0]->shape,
                  kind == AttnKind::HeadsGrad ? "qkv" : "[B, T, C]",
                  kind == AttnKind::HeadsGrad ? x : tokensC);
}

void AttentionKernel::prepare(const std::vector<TensorRef> &in,
                              const std::vector<TensorRef> &out,
                              KernelContext &ctx) {
  const std::vector<int64_t> &x = in[0].shape;
  int64_t last = kind_ == AttnKind::Full ? channels_ : 3 * channels_;
  if (x.size() != 3 || x[2] != last)
    throw Error(fmt::format("{}: {} must be [B, T, {}]", where_,
                            kind_ == AttnKind::Full ? "x" : "qkv", last));
  batch_ = x[0], tokens_ = x[1];
  std::vector<Dim> tokensC = fixedDims({batch_, tokens_, channels_});
  if (kind_ == AttnKind::HeadsGrad)
    expectSameShape(where_, "dy", fixedDims(in[1].shape), "[B, T, C]", tokensC);
  expectSameShape(where_, "output", fixedDims(out[0].shape), "expected",
                  kind_ == AttnKind::HeadsGrad ? fixedDims(x) : tokensC);
  if (kind_ == AttnKind::Full && !ctx.validateOnly) {
    qkv_.assign(size_t(batch_ * tokens_ * 3 * channels_), 0.0f);
    o_.assign(size_t(batch_ * tokens_ * channels_), 0.0f);
  }
}

void AttentionKernel::project(const float *x, const float *w, const float *b,
                              float *y, int64_t n, KernelContext &ctx) const {
  int64_t rows = batch_ * tokens_;
  int64_t blocks = (rows + kProjRows - 1) / kProjRows;
  parallelFor(ctx.pool, blocks, 1, [&](int64_t b0, int64_t b1) {
    for (int64_t blk = b0; blk < b1; ++blk) {
      int64_t r0 = blk * kProjRows, m = std::min(kProjRows, rows - r0);
      for (int64_t r = r0; r < r0 + m; ++r)
        std::copy(b, b + n, y + r * n);
      sgemmRowBlock(CblasTrans, m, kProjRows, n, channels_, x + r0 * channels_,
                    channels_, w, channels_, 1.0f, y + r0 * n, n);
    }
  });
}

void AttentionKernel::heads(const float *qkv, const float *dy, float *out,
                            KernelContext &ctx) const {
  int64_t c = channels_, d = channels_ / heads_, t = tokens_;
  int64_t ld = 3 * c;
  parallelFor(ctx.pool, batch_ * heads_, 1, [&](int64_t u0, int64_t u1) {
    std::vector<float> scratch(
        size_t(dy ? backwardScratch(t) : forwardScratch(t)));
    for (int64_t u = u0; u < u1; ++u) {
      int64_t b = u / heads_, h = u % heads_;
      const float *q = qkv + b * t * ld + h * d, *k = q + c, *v = q + 2 * c;
      if (!dy) {
        headForward(q, k, v, ld, out + b * t * c + h * d, c, t, d,
                    scratch.data());
        continue;
      }
      float *dq = out + b * t * ld + h * d;
      headBackward(q, k, v, ld, dy + b * t * c + h * d, c, dq, dq + c,
                   dq + 2 * c, t, d, scratch.data());
    }
  });
}

void AttentionKernel::run(const std::vector<TensorRef> &in,
                          const std::vector<TensorRef> &out,
                          KernelContext &ctx) {
  if (batch_ == 0 || tokens_ == 0)
    return;
  float *y = out[0].as<float>();
  if (kind_ == AttnKind::Heads)
    return heads(in[0].as<float>(), nullptr, y, ctx);
  if (kind_ == AttnKind::HeadsGrad)
    return heads(in[0].as<float>(), in[1].as<float>(), y, ctx);
  project(in[0].as<float>(), in[1].as<float>(), in[2].as<float>(), qkv_.data(),
          3 * channels_, ctx);
  heads(qkv_.data(), nullptr, o_.data(), ctx);
  project(o_.data(), in[3].as<float>(), in[4].as<float>(), y, channels_, ctx);
}

/// The factory of `kind`.
template <AttnKind kind>
std::unique_ptr<Kernel> makeAttention(const KernelSignature &sig) {
  return std::make_unique<AttentionKernel>(sig, kind);
}

} // namespace

void registerCpuAttentionKernels(KernelRegistry &registry) {
  registry.add("attention", Backend::Cpu, makeAttention<AttnKind::Full>);
  registry.add("attention_heads", Backend::Cpu, makeAttention<AttnKind::Heads>);
  registry.add("attention_heads_grad", Backend::Cpu,
               makeAttention<AttnKind::HeadsGrad>);
}

} // namespace shodh
