//===- CudaKernels.cpp - Registration of every CUDA kernel ----------------===//
//
// The single registration file of the CUDA backend: one line per family.
// A kernel missing here is reported, with every call that uses it, when a
// session is created for backend cuda (KernelInstantiation.h).
//
//===----------------------------------------------------------------------===//
#include "runtime/core/Kernel.h"
#include "runtime/kernels/cuda/CudaKernels.h"

namespace shodh {

void registerCudaKernels(KernelRegistry &registry) {
  cuda::registerCudaElementwiseKernels(registry);
  cuda::registerCudaLinearKernels(registry);
  cuda::registerCudaChannelMlpKernels(registry);
  cuda::registerCudaLossKernels(registry);
  cuda::registerCudaOptimKernels(registry);
  cuda::registerCudaSpectralKernels(registry);
  cuda::registerCudaSpectralGradKernels(registry);
  cuda::registerCudaUnfusedSpectralKernels(registry);
  cuda::registerCudaUnfusedSpectralGradKernels(registry);
  cuda::registerCudaPhysicsKernels(registry);
  cuda::registerCudaLayerNormKernels(registry);
  cuda::registerCudaPatchKernels(registry);
  cuda::registerCudaRouterKernels(registry);
  cuda::registerCudaRaggedKernels(registry);
  cuda::registerCudaRouterLossKernels(registry);
  cuda::registerCudaSpectralEnergyKernels(registry);
  cuda::registerCudaExpertKernels(registry);
  cuda::registerCudaExpertFnoKernels(registry);
  cuda::registerCudaAuxKernels(registry);
  cuda::registerCudaAttentionKernels(registry);
  cuda::registerCudaMoeKernels(registry);
  cuda::registerCudaConvKernels(registry);
  cuda::registerCudaInterpolateKernels(registry);
  cuda::registerCudaPiUpdateKernels(registry);
}

} // namespace shodh
