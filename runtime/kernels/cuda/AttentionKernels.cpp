//===- AttentionKernels.cpp - attention, attention_heads(_grad) (CUDA) ----===//
//
// Contracts of cpu/attention/AttentionKernels.cpp, whose kernels validate
// the calls and shapes. The heads run AttentionSchedule.h's schedule (the
// CPU's row blocks of kAttentionRowBlock query rows; per batch entry and
// block, each GEMM is one cuBLAS strided batch over the heads) with the
// softmax rows of Attention.cu. The score scratch is heads x
// kAttentionRowBlock x T floats (x 2 for the gradient), never B h T^2.
// `attention` projects x to qkv and o to y with one GEMM each on a bias
// prefill (device scratch qkv, o: B T 4C floats). Row-major operands are
// handed to column-major cuBLAS as their transposes (RowMajorGemm.h).
// Results agree with the CPU to GEMM rounding and CUDA expf (a
// few ulps from vecmath::exp); no atomics, so repeat runs are
// bit-identical.
//
//===----------------------------------------------------------------------===//
#include "runtime/kernels/cpu/attention/AttentionKernels.h"
#include "runtime/kernels/cpu/SignatureChecks.h"
#include "runtime/kernels/cuda/AttentionLaunch.h"
#include "runtime/kernels/cuda/AttentionSchedule.h"
#include "runtime/kernels/cuda/CudaKernel.h"
#include "runtime/kernels/cuda/CudaKernels.h"
#include "runtime/kernels/cuda/RoutingHost.h"
#include "runtime/support/Status.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace shodh::cuda {

namespace {

using attention::kAttentionRowBlock;

enum class AttnKind { Full, Heads, HeadsGrad };

const char *nameOf(AttnKind kind) {
  return kind == AttnKind::Full    ? "attention"
         : kind == AttnKind::Heads ? "attention_heads"
                                   : "attention_heads_grad";
}

/// The CPU kernel of `kind` (registered only through its registry hook).
std::unique_ptr<Kernel> cpuAttention(const KernelSignature &sig,
                                     AttnKind kind) {
  KernelRegistry cpu;
  registerCpuAttentionKernels(cpu);
  return (*cpu.find(nameOf(kind), Backend::Cpu))(sig);
}

class AttentionKernel : public CudaKernel {
public:
  AttentionKernel(const KernelSignature &sig, AttnKind kind)
      : CudaKernel(sig, cpuAttention(sig, kind)), kind_(kind),
        heads_(intAttr(sig, "heads")) {}

  void prepare(const std::vector<TensorRef> &in,
               const std::vector<TensorRef> &out, KernelContext &ctx) override {
    CudaKernel::prepare(in, out, ctx);
    const std::vector<int64_t> &x = in[0].shape;
    b_ = x[0], t_ = x[1];
    c_ = kind_ == AttnKind::Full ? x[2] : x[2] / 3;
    dims_ = AttentionDims{b_, t_, c_, heads_};
    checkBlasDims(where_,
                  {b_ * t_, t_, 3 * c_, heads_, kAttentionRowBlock * t_});
    Device &dev = device(ctx);
    const uint64_t block = uint64_t(dims_.blockFloats());
    ensureBytes(scores_,
                sizeof(float) * block * (kind_ == AttnKind::HeadsGrad ? 2 : 1),
                dev);
    if (kind_ == AttnKind::Full) {
      ensureBytes(qkv_, sizeof(float) * uint64_t(b_ * t_ * 3 * c_), dev);
      ensureBytes(o_, sizeof(float) * uint64_t(b_ * t_ * c_), dev);
    }
  }

  void run(const std::vector<TensorRef> &in, const std::vector<TensorRef> &out,
           KernelContext &ctx) override {
    if (b_ == 0 || t_ == 0)
      return;
    float *y = out[0].as<float>();
    if (kind_ == AttnKind::Heads)
      heads(in[0].as<float>(), nullptr, y, ctx);
    else if (kind_ == AttnKind::HeadsGrad)
      heads(in[0].as<float>(), in[1].as<float>(), y, ctx);
    else {
      float *qkv = reinterpret_cast<float *>(qkv_.data());
      float *o = reinterpret_cast<float *>(o_.data());
      project(in[0].as<float>(), in[1].as<float>(), in[2].as<float>(), qkv,
              3 * c_, ctx);
      heads(qkv, nullptr, o, ctx);
      project(o, in[3].as<float>(), in[4].as<float>(), y, c_, ctx);
    }
    checkLaunch(ctx);
  }

private:
  void gemm(KernelContext &ctx, bool ta, bool tb, int64_t m, int64_t n,
            int64_t k, float alpha, BatchedMat<const float> a,
            BatchedMat<const float> b, float beta, BatchedMat<float> c,
            int64_t batch) const {
    rowMajorGemm(device(ctx), where_, ta, tb, m, n, k, alpha, a, b, beta, c,
                 batch);
  }

  /// y[r] = bias + x[r] w^T for all B T rows (w is [n, C]).
  void project(const float *x, const float *w, const float *bias, float *y,
               int64_t n, KernelContext &ctx) const {
    const int64_t rows = b_ * t_;
    launchLinearPrefill(nullptr, bias, y, rows, n, 1, stream(ctx));
    gemm(ctx, false, true, rows, n, c_, 1.0f, {x, c_, 0}, {w, c_, 0}, 1.0f,
         {y, n, 0}, 1);
  }

  /// o = attention_heads(qkv), or dqkv from dy when `dy` is set.
  void heads(const float *qkv, const float *dy, float *out,
             KernelContext &ctx) const {
    void *st = stream(ctx);
    attentionSchedule(
        dims_, qkv, dy, out, reinterpret_cast<float *>(scores_.data()),
        [&](bool ta, bool tb, int64_t m, int64_t n, int64_t k, float alpha,
            BatchedMat<const float> a, BatchedMat<const float> b, float beta,
            BatchedMat<float> c, int64_t batch) {
          gemm(ctx, ta, tb, m, n, k, alpha, a, b, beta, c, batch);
        },
        [&](float *p, float *dp, int64_t count, int64_t t) {
          if (dp)
            launchSoftmaxGradRows(p, dp, count, t, st);
          else
            launchSoftmaxRows(p, count, t, st);
        });
  }

  AttnKind kind_;
  int64_t heads_, b_ = 0, t_ = 0, c_ = 0;
  AttentionDims dims_;
  DeviceBuffer scores_, qkv_, o_;
};

} // namespace

void registerCudaAttentionKernels(KernelRegistry &registry) {
  for (AttnKind kind : {AttnKind::Full, AttnKind::Heads, AttnKind::HeadsGrad})
    registry.add(
        nameOf(kind), Backend::Cuda, [kind](const KernelSignature &sig) {
          return std::unique_ptr<Kernel>(new AttentionKernel(sig, kind));
        });
}

} // namespace shodh::cuda
