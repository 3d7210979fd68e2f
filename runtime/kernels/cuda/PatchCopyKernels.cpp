//===- PatchCopyKernels.cpp - patchify, unpatchify, reshape (CUDA) --------===//
//
// Contracts as on the CPU (cpu/moe/PatchKernels.h): the CPU kernels
// validate the call and re-check the concrete shapes; patchify and
// unpatchify are one thread per token element (patchFieldIndex,
// RoutingDevice.h), reshape a device-to-device copy. Pure copies: bitwise.
//
//===----------------------------------------------------------------------===//
#include "runtime/kernels/cuda/DeviceCheck.h"
#include "runtime/kernels/cpu/moe/PatchKernels.h"
#include "runtime/kernels/cuda/CudaKernel.h"
#include "runtime/kernels/cuda/CudaKernels.h"
#include "runtime/kernels/cuda/RoutingLaunch.h"

namespace shodh::cuda {

namespace {

/// The PatchShape of a call from its field and token shapes (ranks already
/// checked by the CPU kernel: field d + 2, tokens d + 3, d = 2 or 3).
PatchShape patchShapeOf(const std::vector<int64_t> &field,
                        const std::vector<int64_t> &tokens) {
  PatchShape s;
  const size_t d = field.size() - 2, skip = 3 - d;
  s.batch = field[0], s.channels = field[1], s.patches = tokens[1];
  for (size_t a = 0; a < d; ++a)
    s.grid[skip + a] = field[2 + a], s.patch[skip + a] = tokens[3 + a];
  return s;
}

/// patchify (toTokens) / unpatchify.
class PatchCopyKernel : public CudaKernel {
public:
  PatchCopyKernel(const KernelSignature &sig, bool toTokens)
      : CudaKernel(sig, toTokens ? makePatchifyKernel(sig)
                                 : makeUnpatchifyKernel(sig)),
        toTokens_(toTokens) {}

  void prepare(const std::vector<TensorRef> &in,
               const std::vector<TensorRef> &out, KernelContext &ctx) override {
    CudaKernel::prepare(in, out, ctx);
    shape_ = toTokens_ ? patchShapeOf(in[0].shape, out[0].shape)
                       : patchShapeOf(out[0].shape, in[0].shape);
  }

  void run(const std::vector<TensorRef> &in, const std::vector<TensorRef> &out,
           KernelContext &ctx) override {
    launchPatchCopy(shape_, toTokens_, in[0].as<float>(), out[0].as<float>(),
                    stream(ctx));
    checkLaunch(ctx);
  }

private:
  bool toTokens_;
  PatchShape shape_;
};

/// reshape: the same bytes (skipped when the output aliases the input).
class ReshapeCopyKernel : public CudaKernel {
public:
  explicit ReshapeCopyKernel(const KernelSignature &sig)
      : CudaKernel(sig, makeReshapeKernel(sig)) {}

  void run(const std::vector<TensorRef> &in, const std::vector<TensorRef> &out,
           KernelContext &ctx) override {
    size_t bytes = size_t(in[0].numel()) * sizeof(float);
    if (bytes == 0 || out[0].data == in[0].data)
      return;
    SHODH_CUDA_CHECK(cudaMemcpyAsync(out[0].data, in[0].data, bytes,
                                     cudaMemcpyDeviceToDevice,
                                     static_cast<cudaStream_t>(stream(ctx))));
  }
};

} // namespace

void registerCudaPatchKernels(KernelRegistry &registry) {
  registry.add("patchify", Backend::Cuda, [](const KernelSignature &sig) {
    return std::unique_ptr<Kernel>(new PatchCopyKernel(sig, true));
  });
  registry.add("unpatchify", Backend::Cuda, [](const KernelSignature &sig) {
    return std::unique_ptr<Kernel>(new PatchCopyKernel(sig, false));
  });
  registry.add("reshape", Backend::Cuda, [](const KernelSignature &sig) {
    return std::unique_ptr<Kernel>(new ReshapeCopyKernel(sig));
  });
}

} // namespace shodh::cuda
