//===- LinearKernels.cpp - linear and its gradients with cuBLAS (CUDA) ----===//
//
// Contracts as on the CPU (Linear.h, grad/LinearGrad.h). With n over the
// dims before `axis` (N of them), s over the dims after it (S) and the
// row-major tensors seen by column-major cuBLAS as their transposes:
//   linear:      S > 1: Y_n^T = X_n^T W^T, one strided-batched GEMM over n
//                S = 1: Y^T = W X^T, one GEMM
//                bias and residual are written into y first (beta = 1)
//   grad_input:  S > 1: DX_n^T = DY_n^T W, strided-batched over n
//                S = 1: DX^T = W^T DY^T; the optional accumulate input is
//                copied into dx first (beta = 1)
//   grad_weight: S > 1: DW^T = sum_n X_n DY_n^T, one GEMM per n in order
//                (beta = 1 after the first): deterministic
//                S = 1: DW^T = X^T DY, one GEMM
//   grad_bias:   one block per channel (Linear.cu)
// cuBLAS runs on the session's stream with atomics disallowed (Device.cpp),
// so results do not change from run to run.
//
//===----------------------------------------------------------------------===//
#include "runtime/kernels/cuda/DeviceCheck.h"
#include "runtime/kernels/cpu/AxisSplit.h"
#include "runtime/kernels/cpu/Linear.h"
#include "runtime/kernels/cpu/SignatureChecks.h"
#include "runtime/kernels/cpu/grad/LinearGrad.h"
#include "runtime/kernels/cuda/CudaKernel.h"
#include "runtime/kernels/cuda/CudaKernels.h"
#include "runtime/kernels/cuda/Launch.h"
#include "runtime/kernels/cuda/RoutingHost.h"
#include "runtime/support/Status.h"

#include <cublas_v2.h>
#include <fmt/format.h>

#include <climits>

namespace shodh::cuda {

namespace {

/// Which of the four kernels.
enum class LinearOp { Forward, GradInput, GradWeight, GradBias, GradParams };

class LinearFamilyKernel : public CudaKernel {
public:
  LinearFamilyKernel(const KernelSignature &sig, LinearOp op)
      : CudaKernel(sig), op_(op),
        axis_(intAttr(sig, "axis")),
        residual_(op == LinearOp::Forward && intAttr(sig, "residual", 0) == 1) {
  }

  void prepare(const std::vector<TensorRef> &in,
               const std::vector<TensorRef> &out, KernelContext &ctx) override {
    CudaKernel::prepare(in, out, ctx);
    // in[0] (x for forward/grad_weight, dy otherwise) split at `axis`.
    s_ = splitAt(in[0].shape, size_t(axis_));
    if (op_ == LinearOp::Forward) {
      cin_ = s_.channels, cout_ = in[1].shape[0];
    } else if (op_ == LinearOp::GradInput) {
      cout_ = s_.channels, cin_ = in[1].shape[1];
    } else if (op_ == LinearOp::GradWeight || op_ == LinearOp::GradParams) {
      cin_ = s_.channels, cout_ = in[1].shape[static_cast<size_t>(axis_)];
    } else {
      cout_ = s_.channels;
    }
    checkBlasDims(where_, {cin_, cout_, s_.inner, s_.outer});
  }

  void run(const std::vector<TensorRef> &in, const std::vector<TensorRef> &out,
           KernelContext &ctx) override {
    switch (op_) {
    case LinearOp::Forward:
      return forward(in, out[0].as<float>(), ctx);
    case LinearOp::GradInput:
      return gradInput(in, out[0].as<float>(), ctx);
    case LinearOp::GradWeight:
      return gradWeight(in, out[0].as<float>(), ctx);
    case LinearOp::GradBias:
      launchLinearGradBias(in[0].as<float>(), out[0].as<float>(), s_.outer,
                           s_.channels, s_.inner, stream(ctx));
      return checkLaunch(ctx);
    case LinearOp::GradParams: // the weight's GEMMs, then the bias's sums of dy
      gradWeight(in, out[0].as<float>(), ctx);
      launchLinearGradBias(in[1].as<float>(), out[1].as<float>(), s_.outer, cout_,
                           s_.inner, stream(ctx));
      return checkLaunch(ctx);
    }
  }

private:
  cublasHandle_t blas(KernelContext &ctx) const {
    return static_cast<cublasHandle_t>(device(ctx).blasHandle());
  }

  /// `count` floats of zeros at `p`, on the session's stream.
  void zeroFill(float *p, size_t count, KernelContext &ctx) const {
    SHODH_CUDA_CHECK(cudaMemsetAsync(p, 0, sizeof(float) * count,
                                     static_cast<cudaStream_t>(stream(ctx))));
  }

  void forward(const std::vector<TensorRef> &in, float *y,
               KernelContext &ctx) {
    const float *x = in[0].as<float>(), *w = in[1].as<float>();
    const float *r = residual_ ? in[2].as<float>() : nullptr;
    size_t biasAt = residual_ ? 3 : 2;
    const float *b = in.size() > biasAt ? in[biasAt].as<float>() : nullptr;
    float beta = 0.0f;
    if (r || b) {
      launchLinearPrefill(r, b, y, s_.outer, cout_, s_.inner, stream(ctx));
      checkLaunch(ctx);
      beta = 1.0f;
    }
    const float alpha = 1.0f;
    const int N = int(s_.outer), S = int(s_.inner), ci = int(cin_),
              co = int(cout_);
    if (s_.outer == 0 || cout_ == 0 || S == 0)
      return;
    if (ci == 0) { // an empty product: y is the prefill, or zeros
      if (beta == 0.0f)
        zeroFill(y, size_t(N) * size_t(co) * size_t(S), ctx);
      return;
    }
    if (S == 1)
      checkBlas(cublasSgemm(blas(ctx), CUBLAS_OP_T, CUBLAS_OP_N, co, N, ci,
                            &alpha, w, ci, x, ci, &beta, y, co),
                where_, "cublasSgemm");
    else
      linearColumnProducts(blas(ctx), x, w, y, N, S, ci, co, beta, where_);
  }

  void gradInput(const std::vector<TensorRef> &in, float *dx,
                 KernelContext &ctx) {
    const float *dy = in[0].as<float>(), *w = in[1].as<float>();
    float beta = 0.0f;
    if (in.size() > 2) { // accumulate: dx = acc + W^T dy
      if (in[2].data != dx)
        SHODH_CUDA_CHECK(cudaMemcpyAsync(
            dx, in[2].data, sizeof(float) * size_t(in[2].numel()),
            cudaMemcpyDeviceToDevice, static_cast<cudaStream_t>(stream(ctx))));
      beta = 1.0f;
    }
    const float alpha = 1.0f;
    const int N = int(s_.outer), S = int(s_.inner), ci = int(cin_),
              co = int(cout_);
    if (s_.outer == 0 || cin_ == 0 || S == 0)
      return;
    if (co == 0) { // an empty product: dx is the accumulator, or zeros
      if (beta == 0.0f)
        zeroFill(dx, size_t(N) * size_t(ci) * size_t(S), ctx);
      return;
    }
    if (S == 1)
      checkBlas(cublasSgemm(blas(ctx), CUBLAS_OP_N, CUBLAS_OP_N, ci, N, co,
                            &alpha, w, ci, dy, co, &beta, dx, ci),
                where_, "cublasSgemm");
    else
      linearColumnAdjoints(blas(ctx), dy, w, dx, N, S, ci, co, beta, where_);
  }

  void gradWeight(const std::vector<TensorRef> &in, float *dw,
                  KernelContext &ctx) {
    const float *x = in[0].as<float>(), *dy = in[1].as<float>();
    const float alpha = 1.0f, zero = 0.0f;
    const int S = int(s_.inner), ci = int(cin_), co = int(cout_);
    if (ci == 0 || co == 0) // no weights: nothing to write (and no valid ldc)
      return;
    if (s_.outer == 0 || S == 0) { // an empty sum
      zeroFill(dw, size_t(ci) * size_t(co), ctx);
      return;
    }
    if (S == 1) {
      checkBlas(cublasSgemm(blas(ctx), CUBLAS_OP_N, CUBLAS_OP_T, ci, co,
                            int(s_.outer), &alpha, x, ci, dy, co, &zero, dw,
                            ci),
                where_, "cublasSgemm");
      return;
    }
    linearColumnWeightGrad(blas(ctx), x, dy, dw, s_.outer, s_.inner, cin_,
                           cout_, where_);
  }

  LinearOp op_;
  int64_t axis_;
  bool residual_;
  AxisSplit s_;
  int64_t cin_ = 0, cout_ = 0;
};

} // namespace

void linearColumnProducts(void *blas, const float *x, const float *w, float *y,
                          int64_t outer, int64_t inner, int64_t cin, int64_t cout,
                          float beta, const std::string &where) {
  const float alpha = 1.0f;
  checkBlas(cublasSgemmStridedBatched(static_cast<cublasHandle_t>(blas), CUBLAS_OP_N,
                                      CUBLAS_OP_N, int(inner), int(cout), int(cin), &alpha, x,
                                      int(inner), cin * inner, w, int(cin), 0, &beta, y,
                                      int(inner), cout * inner, int(outer)),
            where, "cublasSgemmStridedBatched");
}

void linearColumnAdjoints(void *blas, const float *dy, const float *w, float *dx,
                          int64_t outer, int64_t inner, int64_t cin, int64_t cout,
                          float beta, const std::string &where) {
  const float alpha = 1.0f;
  checkBlas(cublasSgemmStridedBatched(static_cast<cublasHandle_t>(blas), CUBLAS_OP_N,
                                      CUBLAS_OP_T, int(inner), int(cin), int(cout), &alpha, dy,
                                      int(inner), cout * inner, w, int(cin), 0, &beta, dx,
                                      int(inner), cin * inner, int(outer)),
            where, "cublasSgemmStridedBatched");
}

void linearColumnWeightGrad(void *blas, const float *x, const float *dy,
                            float *dw, int64_t outer, int64_t inner,
                            int64_t cin, int64_t cout,
                            const std::string &where) {
  const float alpha = 1.0f, zero = 0.0f, one = 1.0f;
  for (int64_t n = 0; n < outer; ++n)
    checkBlas(cublasSgemm(static_cast<cublasHandle_t>(blas), CUBLAS_OP_T,
                          CUBLAS_OP_N, int(cin), int(cout), int(inner), &alpha,
                          x + n * cin * inner, int(inner),
                          dy + n * cout * inner, int(inner),
                          n == 0 ? &zero : &one, dw, int(cin)),
              where, "cublasSgemm");
}

void registerCudaLinearKernels(KernelRegistry &registry) {
  auto add = [&](const char *name, LinearOp op) {
    registry.add(name, Backend::Cuda, [op](const KernelSignature &s) {
      return std::unique_ptr<Kernel>(new LinearFamilyKernel(s, op));
    });
  };
  add("linear", LinearOp::Forward);
  add("linear_grad_input", LinearOp::GradInput);
  add("linear_grad_weight", LinearOp::GradWeight);
  add("linear_grad_bias", LinearOp::GradBias);
  add("linear_grad_params", LinearOp::GradParams);
}

} // namespace shodh::cuda
