//===- RouterKernels.cpp - router, top_k and their gradients (CUDA) -------===//
//
// Contracts as on the CPU (cpu/moe/RouterKernels.cpp), whose kernels
// validate the calls. router: logits = x w^T as one cuBLAS GEMM (the CPU
// uses OpenBLAS sgemms of 128 rows: the logits agree to GEMM rounding),
// then one thread per token adds the bias and takes the softmax in the
// CPU's double arithmetic (routerRow). router_grad, top_k and top_k_grad
// are one thread per token running the CPU's per-row code
// (RoutingDevice.h); top_k_grad reports an expert id outside [0, E) with
// the CPU's message after the launch (RoutingHost.h).
//
//===----------------------------------------------------------------------===//
#include "runtime/kernels/cuda/DeviceCheck.h"
#include "runtime/kernels/cpu/SignatureChecks.h"
#include "runtime/kernels/cpu/moe/RoutingSupport.h"
#include "runtime/kernels/cpu/optim/FloatAttr.h"
#include "runtime/kernels/cuda/CudaKernel.h"
#include "runtime/kernels/cuda/CudaKernels.h"
#include "runtime/kernels/cuda/RoutingHost.h"

#include <cublas_v2.h>

namespace shodh::cuda {

namespace {

/// router: logits (GEMM + bias) and probs.
class RouterKernel : public CudaKernel {
public:
  explicit RouterKernel(const KernelSignature &sig)
      : CudaKernel(sig, makeRouterKernel(sig)),
        temperature_(floatAttr(sig, "temperature", 1.0)) {}

  void prepare(const std::vector<TensorRef> &in,
               const std::vector<TensorRef> &out, KernelContext &ctx) override {
    CudaKernel::prepare(in, out, ctx);
    rows_ = in[0].shape[0] * in[0].shape[1];
    f_ = in[0].shape[2], e_ = in[1].shape[0];
    checkBlasDims(where_, {rows_, f_, e_});
  }

  void run(const std::vector<TensorRef> &in, const std::vector<TensorRef> &out,
           KernelContext &ctx) override {
    const float *x = in[0].as<float>(), *w = in[1].as<float>();
    const float *b = in.size() > 2 ? in[2].as<float>() : nullptr;
    float *logits = out[0].as<float>();
    if (rows_ == 0 || e_ == 0)
      return;
    if (f_ == 0) {
      SHODH_CUDA_CHECK(cudaMemsetAsync(logits, 0,
                                       sizeof(float) * size_t(rows_ * e_),
                                       static_cast<cudaStream_t>(stream(ctx))));
    } else {
      const float alpha = 1.0f, beta = 0.0f;
      auto blas = static_cast<cublasHandle_t>(device(ctx).blasHandle());
      // Column-major: logits^T (e x rows) = W (e x f) X^T (f x rows).
      checkBlas(cublasSgemm(blas, CUBLAS_OP_T, CUBLAS_OP_N, int(e_), int(rows_),
                            int(f_), &alpha, w, int(f_), x, int(f_), &beta,
                            logits, int(e_)),
                where_, "cublasSgemm");
    }
    launchRouterRows(logits, b, out[1].as<float>(), rows_, e_, temperature_,
                     stream(ctx));
    checkLaunch(ctx);
  }

private:
  double temperature_;
  int64_t rows_ = 0, f_ = 0, e_ = 0;
};

/// router_grad.
class RouterGradKernel : public CudaKernel {
public:
  explicit RouterGradKernel(const KernelSignature &sig)
      : CudaKernel(sig, makeRouterGradKernel(sig)),
        temperature_(floatAttr(sig, "temperature", 1.0)) {}

  void run(const std::vector<TensorRef> &in, const std::vector<TensorRef> &out,
           KernelContext &ctx) override {
    const int64_t e = in[0].shape[2], rows = e ? in[0].numel() / e : 0;
    launchRouterGrad(in[0].as<float>(), in[1].as<float>(),
                     in.size() > 2 ? in[2].as<float>() : nullptr,
                     out[0].as<float>(), rows, e, temperature_, stream(ctx));
    checkLaunch(ctx);
  }

private:
  double temperature_;
};

/// top_k.
class TopKKernel : public CudaKernel {
public:
  explicit TopKKernel(const KernelSignature &sig)
      : CudaKernel(sig, makeTopKKernel(sig)), k_(intAttr(sig, "k")),
        renormalize_(intAttr(sig, "renormalize", 1) != 0) {}

  void run(const std::vector<TensorRef> &in, const std::vector<TensorRef> &out,
           KernelContext &ctx) override {
    const int64_t e = in[0].shape[2], rows = in[0].shape[0] * in[0].shape[1];
    launchTopK(in[0].as<float>(), rows, e, k_, renormalize_, out[0].as<float>(),
               out[1].as<int64_t>(), stream(ctx));
    checkLaunch(ctx);
  }

private:
  int64_t k_;
  bool renormalize_;
};

/// top_k_grad.
class TopKGradKernel : public CudaKernel {
public:
  explicit TopKGradKernel(const KernelSignature &sig)
      : CudaKernel(sig, makeTopKGradKernel(sig)),
        renormalize_(intAttr(sig, "renormalize", 1) != 0) {}

  void prepare(const std::vector<TensorRef> &in,
               const std::vector<TensorRef> &out, KernelContext &ctx) override {
    CudaKernel::prepare(in, out, ctx);
    fault_.allocate(device(ctx));
  }

  void run(const std::vector<TensorRef> &in, const std::vector<TensorRef> &out,
           KernelContext &ctx) override {
    const int64_t e = in[0].shape[2], k = in[1].shape[2];
    const int64_t rows = in[0].shape[0] * in[0].shape[1];
    fault_.reset(device(ctx));
    launchTopKGrad(in[0].as<float>(), in[1].as<int64_t>(), in[2].as<float>(),
                   out[0].as<float>(), rows, e, k, renormalize_, fault_.data(),
                   stream(ctx));
    checkLaunch(ctx);
    fault_.raiseBadId(where_, in[1].as<int64_t>(), e, device(ctx), true);
  }

private:
  bool renormalize_;
  FaultRecord fault_;
};

template <typename K> KernelFactory factory() {
  return [](const KernelSignature &sig) {
    return std::unique_ptr<Kernel>(new K(sig));
  };
}

} // namespace

void registerCudaRouterKernels(KernelRegistry &registry) {
  registry.add("router", Backend::Cuda, factory<RouterKernel>());
  registry.add("router_grad", Backend::Cuda, factory<RouterGradKernel>());
  registry.add("top_k", Backend::Cuda, factory<TopKKernel>());
  registry.add("top_k_grad", Backend::Cuda, factory<TopKGradKernel>());
}

} // namespace shodh::cuda
