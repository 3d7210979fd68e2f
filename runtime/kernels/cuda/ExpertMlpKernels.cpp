//===- ExpertMlpKernels.cpp - expert_mlp and expert_mlp_grad (CUDA) -------===//
//
// Contracts as on the CPU (cpu/moe/ExpertMlp.h), whose kernels validate
// the calls and the shapes. The row groups are the device `offsets`: `run`
// reads them back (E+1 integers, one stream synchronisation) and checks
// them with the CPU's readOffsets (same messages), then issues grouped
// GEMMs, one cuBLAS GEMM per expert over its contiguous rows (row-major
// tensors seen by column-major cuBLAS as their transposes):
//   forward: pre_e^T = W1_e X_e^T (+ b1 prefill), act = gelu(pre),
//            Y_e^T = W2_e act_e^T (+ b2 prefill); dropped rows zero
//   grad:    dact_e^T = W2_e^T dY_e^T, dpre = gelu'(pre) dact,
//            dX_e^T = W1_e^T dpre_e^T; dW2_e^T = act_e^T dY_e,
//            dW1_e^T = X_e^T dpre_e; db1/db2 = column sums over the
//            expert's rows in row order (f32, as the CPU)
// The CPU blocks rows by 32 per sgemm and uses OpenBLAS, so results agree
// to GEMM rounding (cuBLAS runs without atomics: repeatable). GELU is the
// backend's elementwise kernel (CUDA erf: a few ulps from glibc).
//
//===----------------------------------------------------------------------===//
#include "runtime/kernels/cuda/DeviceCheck.h"
#include "runtime/kernels/cpu/moe/ExpertMlp.h"
#include "runtime/kernels/cpu/moe/ExpertSupport.h"
#include "runtime/kernels/cuda/CudaKernel.h"
#include "runtime/kernels/cuda/CudaKernels.h"
#include "runtime/kernels/cuda/Launch.h"
#include "runtime/kernels/cuda/RoutingHost.h"

#include <cublas_v2.h>

namespace shodh::cuda {

namespace {

/// Extents of a call (validated by the CPU kernel's prepare).
struct MlpExtents {
  int64_t rows = 0, experts = 0, f = 0, h = 0, g = 0;
};

class ExpertMlpKernel : public CudaKernel {
public:
  ExpertMlpKernel(const KernelSignature &sig, bool grad)
      : CudaKernel(sig, grad ? makeExpertMlpGradKernel(sig)
                             : makeExpertMlpKernel(sig)),
        grad_(grad) {}

  void prepare(const std::vector<TensorRef> &in,
               const std::vector<TensorRef> &out, KernelContext &ctx) override {
    CudaKernel::prepare(in, out, ctx);
    const TensorRef &w1 = in[grad_ ? 3 : 2], &w2 = in[grad_ ? 5 : 4];
    d_.rows = in[0].shape[0] * in[0].shape[1];
    d_.experts = w1.shape[0], d_.h = w1.shape[1], d_.f = w1.shape[2];
    d_.g = w2.shape[1];
    checkBlasDims(where_, {d_.rows, d_.f, d_.h, d_.g});
    const uint64_t hidden = sizeof(float) * uint64_t(d_.rows * d_.h);
    for (int i = 0; i < (grad_ ? 3 : 1); ++i)
      ensureBytes(scratch_[i], hidden, device(ctx));
  }

  void run(const std::vector<TensorRef> &in, const std::vector<TensorRef> &out,
           KernelContext &ctx) override {
    std::vector<int64_t> hostOff(size_t(d_.experts + 1));
    copyDeviceToHost(hostOff.data(), in[1].data,
                     sizeof(int64_t) * hostOff.size(), device(ctx));
    TensorRef offRef{DType::I64, {d_.experts + 1}, hostOff.data()};
    off_ = readOffsets(where_, offRef, d_.experts, d_.rows);
    if (grad_)
      backward(in, out, ctx);
    else
      forward(in, out[0].as<float>(), ctx);
    checkLaunch(ctx);
  }

private:
  float *hidden(int i) const {
    return reinterpret_cast<float *>(scratch_[i].data());
  }
  cublasHandle_t blas(KernelContext &ctx) const {
    return static_cast<cublasHandle_t>(device(ctx).blasHandle());
  }

  /// C (m x n, ldc) = op(A) op(B) + beta C, column-major, one GEMM.
  void gemm(KernelContext &ctx, bool ta, bool tb, int64_t m, int64_t n,
            int64_t k, const float *a, int64_t lda, const float *b, int64_t ldb,
            float beta, float *c, int64_t ldc) const {
    const float alpha = 1.0f;
    checkBlas(cublasSgemm(blas(ctx), ta ? CUBLAS_OP_T : CUBLAS_OP_N,
                          tb ? CUBLAS_OP_T : CUBLAS_OP_N, int(m), int(n),
                          int(k), &alpha, a, int(lda), b, int(ldb), &beta, c,
                          int(ldc)),
              where_, "cublasSgemm");
  }

  /// Calls fn(e, first row, rows) for every expert with rows, in order.
  template <typename Fn> void eachGroup(Fn fn) const {
    for (int64_t e = 0; e < d_.experts; ++e)
      if (off_[size_t(e) + 1] > off_[size_t(e)])
        fn(e, off_[size_t(e)], off_[size_t(e) + 1] - off_[size_t(e)]);
  }

  /// pre rows of every expert = x w1_e^T + b1_e (GEMM on the bias).
  void hiddenPre(const float *x, const float *w1, const float *b1, float *pre,
                 KernelContext &ctx) const {
    eachGroup([&](int64_t e, int64_t r0, int64_t n) {
      launchLinearPrefill(nullptr, b1 + e * d_.h, pre + r0 * d_.h, n, d_.h, 1,
                          stream(ctx));
      gemm(ctx, true, false, d_.h, n, d_.f, w1 + e * d_.h * d_.f, d_.f,
           x + r0 * d_.f, d_.f, 1.0f, pre + r0 * d_.h, d_.h);
    });
  }

  /// Zeroes rows [off[E], rows) of a [rows, width] tensor.
  void zeroDropped(float *t, int64_t width, KernelContext &ctx) const {
    const int64_t kept = off_.back();
    if (kept < d_.rows)
      SHODH_CUDA_CHECK(cudaMemsetAsync(
          t + kept * width, 0, sizeof(float) * size_t((d_.rows - kept) * width),
          static_cast<cudaStream_t>(stream(ctx))));
  }

  void forward(const std::vector<TensorRef> &in, float *y,
               KernelContext &ctx) const {
    const float *x = in[0].as<float>(), *w1 = in[2].as<float>(),
                *b1 = in[3].as<float>(), *w2 = in[4].as<float>(),
                *b2 = in[5].as<float>();
    float *hid = hidden(0);
    hiddenPre(x, w1, b1, hid, ctx);
    launchGelu(false, false, hid, hid, off_.back() * d_.h, stream(ctx));
    eachGroup([&](int64_t e, int64_t r0, int64_t n) {
      launchLinearPrefill(nullptr, b2 + e * d_.g, y + r0 * d_.g, n, d_.g, 1,
                          stream(ctx));
      gemm(ctx, true, false, d_.g, n, d_.h, w2 + e * d_.g * d_.h, d_.h,
           hid + r0 * d_.h, d_.h, 1.0f, y + r0 * d_.g, d_.g);
    });
    zeroDropped(y, d_.g, ctx);
  }

  void backward(const std::vector<TensorRef> &in,
                const std::vector<TensorRef> &out, KernelContext &ctx) const {
    const float *x = in[0].as<float>(), *dy = in[2].as<float>(),
                *w1 = in[3].as<float>(), *b1 = in[4].as<float>(),
                *w2 = in[5].as<float>();
    float *dx = out[0].as<float>(), *dw1 = out[1].as<float>(),
          *dw2 = out[3].as<float>();
    float *pre = hidden(0), *act = hidden(1), *dact = hidden(2);
    const int64_t kept = off_.back();
    hiddenPre(x, w1, b1, pre, ctx);
    launchGelu(false, false, pre, act, kept * d_.h, stream(ctx));
    eachGroup([&](int64_t e, int64_t r0, int64_t n) {
      gemm(ctx, false, false, d_.h, n, d_.g, w2 + e * d_.g * d_.h, d_.h,
           dy + r0 * d_.g, d_.g, 0.0f, dact + r0 * d_.h, d_.h);
    });
    launchGeluGrad(false, false, pre, dact, pre, kept * d_.h, stream(ctx));
    // Experts without rows keep these zeros (the GEMMs overwrite the rest).
    auto s = static_cast<cudaStream_t>(stream(ctx));
    SHODH_CUDA_CHECK(cudaMemsetAsync(
        dw1, 0, sizeof(float) * size_t(d_.experts * d_.h * d_.f), s));
    SHODH_CUDA_CHECK(cudaMemsetAsync(
        dw2, 0, sizeof(float) * size_t(d_.experts * d_.g * d_.h), s));
    eachGroup([&](int64_t e, int64_t r0, int64_t n) {
      float *dw1e = dw1 + e * d_.h * d_.f, *dw2e = dw2 + e * d_.g * d_.h;
      gemm(ctx, false, false, d_.f, n, d_.h, w1 + e * d_.h * d_.f, d_.f,
           pre + r0 * d_.h, d_.h, 0.0f, dx + r0 * d_.f, d_.f);
      gemm(ctx, false, true, d_.h, d_.g, n, act + r0 * d_.h, d_.h,
           dy + r0 * d_.g, d_.g, 0.0f, dw2e, d_.h);
      gemm(ctx, false, true, d_.f, d_.h, n, x + r0 * d_.f, d_.f,
           pre + r0 * d_.h, d_.h, 0.0f, dw1e, d_.f);
    });
    zeroDropped(dx, d_.f, ctx);
    const int64_t *offDev = in[1].as<int64_t>();
    launchGroupColumnSums(pre, offDev, d_.experts, d_.h, out[2].as<float>(),
                          stream(ctx));
    launchGroupColumnSums(dy, offDev, d_.experts, d_.g, out[4].as<float>(),
                          stream(ctx));
  }

  bool grad_;
  MlpExtents d_;
  std::vector<int64_t> off_;
  DeviceBuffer scratch_[3];
};

} // namespace

void registerCudaExpertKernels(KernelRegistry &registry) {
  registry.add("expert_mlp", Backend::Cuda, [](const KernelSignature &sig) {
    return std::unique_ptr<Kernel>(new ExpertMlpKernel(sig, false));
  });
  registry.add("expert_mlp_grad", Backend::Cuda,
               [](const KernelSignature &sig) {
                 return std::unique_ptr<Kernel>(new ExpertMlpKernel(sig, true));
               });
}

} // namespace shodh::cuda
