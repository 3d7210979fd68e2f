//===- ElementwiseKernels.cpp - add, mul, copy, gelu, gelu_grad (CUDA) ----===//
//
// Contracts as on the CPU (Elementwise.h, Gelu.h, GeluGrad.h); the calls are
// validated by the CPU kernels (CudaKernel.h). copy is a device-to-device
// cudaMemcpyAsync.
//
//===----------------------------------------------------------------------===//
#include "runtime/kernels/cuda/CudaKernels.h"
#include "runtime/kernels/cuda/DeviceCheck.h"
#include "runtime/kernels/cpu/Elementwise.h"
#include "runtime/kernels/cpu/Gelu.h"
#include "runtime/kernels/cpu/grad/GeluGrad.h"
#include "runtime/kernels/cuda/CudaKernel.h"
#include "runtime/kernels/cuda/Launch.h"

namespace shodh::cuda {

namespace {

/// add / mul.
class BinaryKernel : public CudaKernel {
public:
  BinaryKernel(const KernelSignature &sig, bool add)
      : CudaKernel(sig, add ? makeAddKernel(sig) : makeMulKernel(sig)),
        add_(add), f64_(sig.inputs[0]->dtype == DType::F64) {}
  void run(const std::vector<TensorRef> &in, const std::vector<TensorRef> &out,
           KernelContext &ctx) override {
    launchBinary(add_, f64_, in[0].data, in[1].data, out[0].data,
                 out[0].numel(), stream(ctx));
    checkLaunch(ctx);
  }

private:
  bool add_, f64_;
};

/// copy: bytewise, device to device.
class CopyKernel : public CudaKernel {
public:
  explicit CopyKernel(const KernelSignature &sig)
      : CudaKernel(sig, makeCopyKernel(sig)) {}
  void run(const std::vector<TensorRef> &in, const std::vector<TensorRef> &out,
           KernelContext &ctx) override {
    size_t bytes = static_cast<size_t>(in[0].numel()) * dtypeSize(in[0].dtype);
    if (bytes == 0 || in[0].data == out[0].data)
      return;
    SHODH_CUDA_CHECK(cudaMemcpyAsync(out[0].data, in[0].data, bytes,
                                     cudaMemcpyDeviceToDevice,
                                     static_cast<cudaStream_t>(stream(ctx))));
  }
};

/// gelu and gelu_grad.
class GeluFamilyKernel : public CudaKernel {
public:
  GeluFamilyKernel(const KernelSignature &sig, bool grad)
      : CudaKernel(sig, grad ? makeGeluGradKernel(sig) : makeGeluKernel(sig)),
        grad_(grad), tanh_(geluUsesTanh(sig)),
        f64_(sig.inputs[0]->dtype == DType::F64) {}
  void run(const std::vector<TensorRef> &in, const std::vector<TensorRef> &out,
           KernelContext &ctx) override {
    if (grad_)
      launchGeluGrad(tanh_, f64_, in[0].data, in[1].data, out[0].data,
                     out[0].numel(), stream(ctx));
    else
      launchGelu(tanh_, f64_, in[0].data, out[0].data, out[0].numel(),
                 stream(ctx));
    checkLaunch(ctx);
  }

private:
  bool grad_, tanh_, f64_;
};

} // namespace

void registerCudaElementwiseKernels(KernelRegistry &registry) {
  registry.add("add", Backend::Cuda, [](const KernelSignature &s) {
    return std::unique_ptr<Kernel>(new BinaryKernel(s, true));
  });
  registry.add("mul", Backend::Cuda, [](const KernelSignature &s) {
    return std::unique_ptr<Kernel>(new BinaryKernel(s, false));
  });
  registry.add("copy", Backend::Cuda, [](const KernelSignature &s) {
    return std::unique_ptr<Kernel>(new CopyKernel(s));
  });
  registry.add("gelu", Backend::Cuda, [](const KernelSignature &s) {
    return std::unique_ptr<Kernel>(new GeluFamilyKernel(s, false));
  });
  registry.add("gelu_grad", Backend::Cuda, [](const KernelSignature &s) {
    return std::unique_ptr<Kernel>(new GeluFamilyKernel(s, true));
  });
}

} // namespace shodh::cuda
