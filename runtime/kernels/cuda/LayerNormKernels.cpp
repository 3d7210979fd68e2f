//===- LayerNormKernels.cpp - layer_norm and its gradients (CUDA) ---------===//
//
// Contracts as on the CPU (cpu/nn/LayerNormKernels.cpp), in f32 only (an
// f64 call, which the CPU runs, is refused): the CPU kernel's
// constructor validates the call, its `prepare` (shape checks only)
// re-checks the concrete shapes; the device code is LayerNorm.cu. The
// statistics dgamma needs are kept in device scratch made in `prepare`.
//
//===----------------------------------------------------------------------===//
#include "runtime/kernels/cpu/nn/LayerNormKernels.h"
#include "runtime/kernels/cpu/SignatureChecks.h"
#include "runtime/kernels/cpu/optim/FloatAttr.h"
#include "runtime/kernels/cuda/CudaKernel.h"
#include "runtime/kernels/cuda/CudaKernels.h"
#include "runtime/kernels/cuda/LayerNormDevice.h"
#include "runtime/support/Status.h"

#include <fmt/format.h>

namespace shodh::cuda {

namespace {

enum class NormKind { Forward, GradInput, GradGamma };

class LayerNormKernel : public CudaKernel {
public:
  LayerNormKernel(const KernelSignature &sig, NormKind kind)
      : CudaKernel(sig), kind_(kind),
        axis_(intAttr(sig, "axis")) {
    shape_.eps = floatAttr(sig, "eps");
    expectF32Only(sig); // the CPU kernel accepts f64 too
  }

  void prepare(const std::vector<TensorRef> &in,
               const std::vector<TensorRef> &out, KernelContext &ctx) override {
    CudaKernel::prepare(in, out, ctx);
    const std::vector<int64_t> &x = in[0].shape;
    shape_.outer = 1, shape_.inner = 1, shape_.channels = x[size_t(axis_)];
    for (int64_t d = 0; d < int64_t(x.size()); ++d)
      if (d != axis_)
        (d < axis_ ? shape_.outer : shape_.inner) *= x[size_t(d)];
    if (kind_ == NormKind::GradGamma)
      stats_ = DeviceBuffer(2 * sizeof(double) *
                                uint64_t(shape_.outer * shape_.inner),
                            device(ctx));
  }

  void run(const std::vector<TensorRef> &in, const std::vector<TensorRef> &out,
           KernelContext &ctx) override {
    const float *x = in[0].as<float>();
    float *y = out[0].as<float>();
    void *s = stream(ctx);
    if (kind_ == NormKind::Forward)
      launchLayerNorm(shape_, x, in[1].as<float>(), in[2].as<float>(), y, s);
    else if (kind_ == NormKind::GradInput)
      launchLayerNormGradInput(shape_, x, in[1].as<float>(), in[2].as<float>(),
                               y, s);
    else
      launchLayerNormGradGamma(shape_, x, in[1].as<float>(),
                               reinterpret_cast<double *>(stats_.data()), y, s);
    checkLaunch(ctx);
  }

private:
  NormKind kind_;
  int64_t axis_;
  NormShape shape_;
  DeviceBuffer stats_;
};

} // namespace

void registerCudaLayerNormKernels(KernelRegistry &registry) {
  auto add = [&](const char *name, NormKind kind) {
    registry.add(name, Backend::Cuda, [kind](const KernelSignature &sig) {
      return std::unique_ptr<Kernel>(new LayerNormKernel(sig, kind));
    });
  };
  add("layer_norm", NormKind::Forward);
  add("layer_norm_grad_input", NormKind::GradInput);
  add("layer_norm_grad_gamma", NormKind::GradGamma);
}

} // namespace shodh::cuda
