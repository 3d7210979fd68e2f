//===- CudaKernel.cpp - Common base of the CUDA kernels -------------------===//
#include "runtime/kernels/cuda/CudaKernel.h"
#include "runtime/support/Status.h"

#include <cublas_v2.h>
#include <fmt/format.h>

namespace shodh::cuda {

CudaKernel::CudaKernel(const KernelSignature &sig,
                       std::unique_ptr<Kernel> checks)
    : where_(sig.where), checks_(std::move(checks)) {
  if (!checks_)
    throw Error(fmt::format("{}: no CPU kernel to validate the call", where_));
}

CudaKernel::CudaKernel(const KernelSignature &sig)
    : CudaKernel(sig, cpuKernelFor(sig, sig.call->kernel.c_str())) {}

void CudaKernel::prepare(const std::vector<TensorRef> &inputs,
                         const std::vector<TensorRef> &outputs,
                         KernelContext &ctx) {
  device(ctx); // a CUDA kernel outside a CUDA session is a runtime bug
  KernelContext host{ctx.pool, nullptr};
  host.validateOnly = true; // no host scratch for a call run on the device
  checks_->prepare(inputs, outputs, host);
}

Device &CudaKernel::device(KernelContext &ctx) const {
  if (!ctx.device)
    throw Error(fmt::format("{}: a cuda kernel ran without a CUDA device "
                            "(the session's backend is not cuda)",
                            where_));
  return *ctx.device;
}

void CudaKernel::checkLaunch(KernelContext &ctx) const {
  device(ctx).checkLaunch(where_.c_str());
}

std::unique_ptr<Kernel> cpuKernelFor(const KernelSignature &sig,
                                     const char *name) {
  const KernelFactory *f = KernelRegistry::builtin().find(name, Backend::Cpu);
  if (!f)
    throw Error(
        fmt::format("{}: no CPU {} to validate the call", sig.where, name));
  return (*f)(sig);
}

void expectF32Only(const KernelSignature &sig) {
  if (DType t = sig.inputs[0]->dtype; t != DType::F32)
    throw Error(fmt::format("{}: the CUDA backend runs {} in f32 only, got "
                            "{}; run it with --device cpu",
                            sig.where, sig.call->kernel, dtypeName(t)));
}

void checkBlas(int status, const std::string &where, const char *routine) {
  auto st = static_cast<cublasStatus_t>(status);
  if (st != CUBLAS_STATUS_SUCCESS)
    throw Error(fmt::format("{}: cuBLAS {} failed: {} ({})", where, routine,
                            cublasGetStatusString(st),
                            cublasGetStatusName(st)));
}

} // namespace shodh::cuda
