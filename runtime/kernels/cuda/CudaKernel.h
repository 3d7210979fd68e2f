//===- CudaKernel.h - Common base of the CUDA kernels ---------------------===//
//
// A CUDA kernel validates its call exactly as its CPU counterpart does: the
// factory first builds the CPU kernel (whose constructor checks operand
// counts, dtypes, static shapes and attributes) and keeps it to re-check the
// concrete shapes in `prepare`; those CPU `prepare`s only inspect shapes,
// never data, so they are safe on device pointers, and with
// `KernelContext::validateOnly` set they skip their host scratch and FFT
// plans (attention, expert_mlp, expert_fno, linear_grad_weight/params). A call
// is therefore rejected with the same message on every backend.
//
// `run` enqueues work on the session's stream (`KernelContext::device`) and
// returns without waiting; the session synchronises where results are read.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/core/Device.h"
#include "runtime/core/Kernel.h"

#include <memory>
#include <string>

namespace shodh::cuda {

/// Base class: the CPU kernel used for validation and the call site.
class CudaKernel : public Kernel {
public:
  /// `checks` is the CPU kernel built from the same signature.
  CudaKernel(const KernelSignature &sig, std::unique_ptr<Kernel> checks);
  /// Validates with the CPU kernel of the call's own name (every CUDA
  /// kernel is registered under its CPU counterpart's name).
  explicit CudaKernel(const KernelSignature &sig);
  /// Re-checks the concrete shapes with the CPU kernel's `prepare`.
  void prepare(const std::vector<TensorRef> &inputs,
               const std::vector<TensorRef> &outputs,
               KernelContext &ctx) override;

protected:
  /// The session's device; throws if the kernel runs outside a CUDA session.
  Device &device(KernelContext &ctx) const;
  /// The stream to enqueue on (a `cudaStream_t`).
  void *stream(KernelContext &ctx) const { return device(ctx).stream(); }
  /// Throws naming the call if the last launch failed.
  void checkLaunch(KernelContext &ctx) const;

  std::string where_;
  std::unique_ptr<Kernel> checks_;
};

/// The CPU kernel `name` built from `sig`: its constructor validates the
/// call (operand counts, dtypes, static shapes, attributes) with the CPU's
/// messages; throws `Error` if the CPU has no such kernel.
std::unique_ptr<Kernel> cpuKernelFor(const KernelSignature &sig,
                                     const char *name);

/// Throws `Error` ("the CUDA backend runs KERNEL in f32 only, got f64; run it
/// with --device cpu") unless the call's first input is f32: for kernels
/// whose CPU counterpart also takes f64 but whose device code is f32.
void expectF32Only(const KernelSignature &sig);

/// Turns a cuBLAS status into `Error` naming the call site and the routine.
void checkBlas(int status, const std::string &where, const char *routine);

} // namespace shodh::cuda
