//===- PiUpdateKernels.cpp - pi_update (CUDA) -----------------------------===//
//
// Contract of cpu/control/PiController.h, whose kernel validates the call
// (same messages: operands, dtypes, [1] shapes, finite gains, kp, ki >= 0,
// lambda_min <= lambda_max). `run` is one single-thread launch
// (PiUpdate.cu) on the state where it lives, device memory; the outputs
// λ' and integral' are normally the state tensors themselves.
//
//===----------------------------------------------------------------------===//
#include "runtime/kernels/cpu/control/PiController.h"
#include "runtime/kernels/cuda/CudaKernel.h"
#include "runtime/kernels/cuda/CudaKernels.h"
#include "runtime/kernels/cuda/PiUpdateDevice.h"

namespace shodh::cuda {

namespace {

class PiUpdateKernel : public CudaKernel {
public:
  explicit PiUpdateKernel(const KernelSignature &sig)
      : CudaKernel(sig, makePiUpdateKernel(sig)), gains_(readPiGains(sig)) {}

  void run(const std::vector<TensorRef> &in, const std::vector<TensorRef> &out,
           KernelContext &ctx) override {
    launchPiUpdate(gains_, in[0].as<float>(), in[1].as<double>(),
                   in[2].as<float>(), out[0].as<float>(), out[1].as<float>(),
                   out[2].as<double>(), stream(ctx));
    checkLaunch(ctx);
  }

private:
  PiGains gains_;
};

} // namespace

void registerCudaPiUpdateKernels(KernelRegistry &registry) {
  registry.add("pi_update", Backend::Cuda, [](const KernelSignature &sig) {
    return std::unique_ptr<Kernel>(new PiUpdateKernel(sig));
  });
}

} // namespace shodh::cuda
