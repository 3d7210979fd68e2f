//===- Kernel.h - The kernel interface and registry -----------------------===//
//
// A kernel is created once per call site of a program by a factory looked up
// in the `KernelRegistry` under (name, backend). The factory validates the
// call against the symbolic tensor descriptions (attributes present, ranks and
// static dims consistent) and throws `shodh::Error` with a message naming the
// program, call index and kernel otherwise; this is part of loading a model.
// `prepare` runs once the symbols (batch size...) are bound; `run` executes.
//
// Each backend has one registration file (`kernels/cpu/CpuKernels.cpp`) with
// a function that adds all of its kernels to a registry.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/format/ModelDesc.h"
#include "runtime/support/Status.h"

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <vector>

namespace shodh {

class ThreadPool;
class Device;
class CudaRuntime;
class ScratchPool;

/// Where kernels run.
enum class Backend { Cpu, Cuda };

/// Name of a backend ("cpu", "cuda").
const char *backendName(Backend b);

/// A tensor with concrete shape and storage, as seen by a kernel.
struct TensorRef {
  DType dtype = DType::F32;
  std::vector<int64_t> shape;
  void *data = nullptr;

  /// Number of elements.
  int64_t numel() const;
  /// Typed pointer to the data.
  template <typename T> T *as() const { return static_cast<T *>(data); }
};

/// Everything a kernel may use while running.
struct KernelContext {
  ThreadPool *pool = nullptr;
  /// The session's CUDA device and stream (Backend::Cuda), else nullptr.
  Device *device = nullptr;
  /// Scratch memory shared by the session's kernels (ScratchPool.h), or
  /// nullptr outside a session.
  ScratchPool *scratch = nullptr;
  /// Set by the CUDA backend when it calls a CPU kernel's `prepare` only to
  /// check a call that runs on the device (cuda/CudaKernel.h): the kernel
  /// checks shapes and skips its host scratch and FFT plans.
  bool validateOnly = false;
};

/// What a factory sees: the call and the descriptions of its operands.
struct KernelSignature {
  const KernelCall *call = nullptr;
  std::vector<const TensorDesc *> inputs;
  std::vector<const TensorDesc *> outputs;
  std::string where; ///< e.g. "program 'infer', call 3 (linear)" for messages
};

/// A kernel instance bound to one call site.
class Kernel {
public:
  virtual ~Kernel() = default;
  /// Called once concrete shapes are known (after symbol binding). May build
  /// plans. Throws `Error` if the concrete shapes are unsupported.
  virtual void prepare(const std::vector<TensorRef> &inputs,
                       const std::vector<TensorRef> &outputs, KernelContext &ctx) {
    (void)inputs, (void)outputs, (void)ctx;
  }
  /// Executes the kernel.
  virtual void run(const std::vector<TensorRef> &inputs, const std::vector<TensorRef> &outputs,
                   KernelContext &ctx) = 0;
};

/// Builds a kernel for a call site; throws `Error` if the call is invalid.
using KernelFactory = std::function<std::unique_ptr<Kernel>(const KernelSignature &)>;

/// Maps (kernel name, backend) to factories. Safe to use from several
/// threads (the built-in registry grows when the CUDA backend is loaded).
class KernelRegistry {
public:
  KernelRegistry() = default;
  KernelRegistry(const KernelRegistry &) = delete;
  KernelRegistry &operator=(const KernelRegistry &) = delete;

  /// Registers a factory; a duplicate registration throws.
  void add(const std::string &name, Backend backend, KernelFactory factory);
  /// The factory, or nullptr if none is registered.
  const KernelFactory *find(const std::string &name, Backend backend) const;
  /// Names registered for `backend`, sorted.
  std::vector<std::string> names(Backend backend) const;

  /// The process-wide registry: the CPU kernels, and the CUDA kernels once
  /// the CUDA backend is loaded (`loadCudaRuntime`, CudaRuntime.h; from the
  /// start when it is linked into the executable).
  static const KernelRegistry &builtin();
  /// Adds a backend loaded at run time to `builtin()` (CudaLoader.cpp).
  static void addLoadedBackend(const CudaRuntime &runtime);

private:
  static KernelRegistry &mutableBuiltin();
  mutable std::shared_mutex mutex_;
  std::map<std::pair<std::string, Backend>, KernelFactory> factories_;
};

/// Registers the CPU kernels (defined in kernels/cpu/CpuKernels.cpp).
void registerCpuKernels(KernelRegistry &registry);

} // namespace shodh
