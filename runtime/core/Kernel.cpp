//===- Kernel.cpp - Kernel registry and tensor references -----------------===//
//
// The registry is a sorted map from (name, backend) to factories behind a
// reader-writer lock. The built-in registry is created on first use (a
// function-local static, so initialisation is thread-safe) with the CPU
// kernels and a linked-in CUDA backend's; a CUDA plugin adds its kernels
// when it is loaded (CudaLoader.cpp). Factories live in map nodes, so the
// pointers `find` returns stay valid while kernels are added.
//
//===----------------------------------------------------------------------===//
#include "runtime/core/Kernel.h"
#include "runtime/core/CudaRuntime.h"
#include "runtime/support/Status.h"

#include <fmt/format.h>

#include <mutex>

namespace shodh {

const char *backendName(Backend b) {
  switch (b) {
  case Backend::Cpu:
    return "cpu";
  case Backend::Cuda:
    return "cuda";
  }
  return "unknown";
}

int64_t TensorRef::numel() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

void KernelRegistry::add(const std::string &name, Backend backend,
                         KernelFactory factory) {
  if (!factory)
    throw Error(fmt::format("kernel '{}' for backend {}: empty factory", name,
                            backendName(backend)));
  std::unique_lock lock(mutex_);
  auto inserted =
      factories_.emplace(std::make_pair(name, backend), std::move(factory));
  if (!inserted.second)
    throw Error(fmt::format("kernel '{}' is already registered for backend {}",
                            name, backendName(backend)));
}

const KernelFactory *KernelRegistry::find(const std::string &name,
                                          Backend backend) const {
  std::shared_lock lock(mutex_);
  auto it = factories_.find(std::make_pair(name, backend));
  return it == factories_.end() ? nullptr : &it->second;
}

std::vector<std::string> KernelRegistry::names(Backend backend) const {
  std::shared_lock lock(mutex_);
  std::vector<std::string>
      out; // the map is ordered by name first: already sorted
  for (const auto &entry : factories_)
    if (entry.first.second == backend)
      out.push_back(entry.first.first);
  return out;
}

KernelRegistry &KernelRegistry::mutableBuiltin() {
  static KernelRegistry registry;
  static std::once_flag once;
  std::call_once(once, [] {
    registerCpuKernels(registry);
    std::string why;
    if (cudaRuntimeLinkedIn())
      loadCudaRuntime(why)->registerKernels(registry);
  });
  return registry;
}

const KernelRegistry &KernelRegistry::builtin() { return mutableBuiltin(); }

void KernelRegistry::addLoadedBackend(const CudaRuntime &runtime) {
  runtime.registerKernels(mutableBuiltin());
}

} // namespace shodh
