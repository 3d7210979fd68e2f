//===- OptimKernels.cpp - adam, grad norm, clipping, step (CUDA) ----------===//
//
// Contracts as on the CPU (cpu/optim/*.h). Scalars that the CPU reads on
// the host (step, lr, norm) stay on the device and are read by the device
// code, so a train step never waits for the host. grad_global_norm sums
// each gradient with the deterministic reduction of Reduce.cu, then the
// tensors in operand order.
//
//===----------------------------------------------------------------------===//
#include "runtime/kernels/cuda/DeviceCheck.h"
#include "runtime/kernels/cpu/optim/Adam.h"
#include "runtime/kernels/cpu/optim/FloatAttr.h"
#include "runtime/kernels/cpu/optim/GradNorm.h"
#include "runtime/kernels/cpu/SignatureChecks.h"
#include "runtime/kernels/cpu/optim/StepIncrement.h"
#include "runtime/kernels/cuda/CudaKernel.h"
#include "runtime/kernels/cuda/CudaKernels.h"
#include "runtime/kernels/cuda/Launch.h"

#include <algorithm>

namespace shodh::cuda {

namespace {

/// Reals of a tensor (2 numel for complex).
int64_t realCount(const TensorRef &t) {
  return t.numel() * (t.dtype == DType::C64 ? 2 : 1);
}

/// Copies `src` to `dst` on the stream unless they are the same buffer.
void copyIfDistinct(const TensorRef &src, const TensorRef &dst, void *stream) {
  if (src.data == dst.data)
    return;
  SHODH_CUDA_CHECK(cudaMemcpyAsync(
      dst.data, src.data, size_t(src.numel()) * dtypeSize(src.dtype),
      cudaMemcpyDeviceToDevice, static_cast<cudaStream_t>(stream)));
}

class AdamKernel : public CudaKernel {
public:
  explicit AdamKernel(const KernelSignature &sig)
      : CudaKernel(sig, makeAdamKernel(sig)) {
    h_.beta1 = floatAttr(sig, "beta1");
    h_.beta2 = floatAttr(sig, "beta2");
    h_.eps = floatAttr(sig, "eps");
    h_.weightDecay = floatAttr(sig, "weight_decay", 0.0);
    h_.decoupled = flagAttr(sig, "decoupled");
  }
  void run(const std::vector<TensorRef> &in, const std::vector<TensorRef> &out,
           KernelContext &ctx) override {
    // Out of place: start from copies (in place: no-ops), as on the CPU.
    copyIfDistinct(in[0], out[0], stream(ctx));
    copyIfDistinct(in[2], out[1], stream(ctx));
    copyIfDistinct(in[3], out[2], stream(ctx));
    launchAdam(h_, in[4].as<int64_t>(), in[5].as<float>(), out[0].as<float>(),
               in[1].as<float>(), out[1].as<float>(), out[2].as<float>(),
               realCount(in[0]), stream(ctx));
    checkLaunch(ctx);
  }

private:
  AdamParams h_{};
};

class GradGlobalNormKernel : public CudaKernel {
public:
  explicit GradGlobalNormKernel(const KernelSignature &sig)
      : CudaKernel(sig, makeGradGlobalNormKernel(sig)) {}
  void prepare(const std::vector<TensorRef> &in,
               const std::vector<TensorRef> &out, KernelContext &ctx) override {
    CudaKernel::prepare(in, out, ctx);
    partials_ = 0;
    for (const TensorRef &t : in)
      partials_ = std::max(partials_, rowSumScratch(1, realCount(t)));
    scratch_ = DeviceBuffer(sizeof(double) * uint64_t(partials_ + in.size()),
                            device(ctx));
  }
  void run(const std::vector<TensorRef> &in, const std::vector<TensorRef> &out,
           KernelContext &ctx) override {
    auto *scratch = reinterpret_cast<double *>(scratch_.data());
    double *sums = scratch + partials_;
    // Stream order makes reusing the partials for each tensor safe.
    for (size_t k = 0; k < in.size(); ++k)
      launchRowSums(in[k].as<float>(), nullptr, 1, realCount(in[k]), scratch,
                    sums + k, stream(ctx));
    launchNormFinish(sums, int64_t(in.size()), out[0].as<float>(),
                     stream(ctx));
    checkLaunch(ctx);
  }

private:
  int64_t partials_ = 0;
  DeviceBuffer scratch_;
};

class ClipByNormKernel : public CudaKernel {
public:
  explicit ClipByNormKernel(const KernelSignature &sig)
      : CudaKernel(sig, makeClipByNormKernel(sig)),
        maxNorm_(floatAttr(sig, "max_norm")) {}
  void run(const std::vector<TensorRef> &in, const std::vector<TensorRef> &out,
           KernelContext &ctx) override {
    launchClipByNorm(in[0].as<float>(), in[1].as<float>(), maxNorm_,
                     out[0].as<float>(), realCount(in[0]), stream(ctx));
    checkLaunch(ctx);
  }

private:
  double maxNorm_;
};

class StepIncrementKernel : public CudaKernel {
public:
  explicit StepIncrementKernel(const KernelSignature &sig)
      : CudaKernel(sig, makeStepIncrementKernel(sig)) {}
  void run(const std::vector<TensorRef> &in, const std::vector<TensorRef> &out,
           KernelContext &ctx) override {
    launchStepIncrement(in[0].as<int64_t>(), out[0].as<int64_t>(),
                        stream(ctx));
    checkLaunch(ctx);
  }
};

template <typename K> KernelFactory factory() {
  return [](const KernelSignature &s) { return std::unique_ptr<Kernel>(new K(s)); };
}

} // namespace

void registerCudaOptimKernels(KernelRegistry &registry) {
  registry.add("adam", Backend::Cuda, factory<AdamKernel>());
  registry.add("clip_by_norm", Backend::Cuda, factory<ClipByNormKernel>());
  registry.add("grad_global_norm", Backend::Cuda,
               factory<GradGlobalNormKernel>());
  registry.add("step_increment", Backend::Cuda, factory<StepIncrementKernel>());
}

} // namespace shodh::cuda
