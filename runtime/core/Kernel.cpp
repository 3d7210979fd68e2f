//===- Kernel.cpp - Kernel registry and tensor references -----------------===//
//
// The registry is a sorted map from (name, backend) to factories. The
// built-in registry is created on first use (a function-local static, so
// initialisation is thread-safe) and holds every backend compiled in.
//
//===----------------------------------------------------------------------===//
#include "runtime/core/Kernel.h"
#include "runtime/support/Status.h"

#include <fmt/format.h>

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
  auto inserted =
      factories_.emplace(std::make_pair(name, backend), std::move(factory));
  if (!inserted.second)
    throw Error(fmt::format("kernel '{}' is already registered for backend {}",
                            name, backendName(backend)));
}

const KernelFactory *KernelRegistry::find(const std::string &name,
                                          Backend backend) const {
  auto it = factories_.find(std::make_pair(name, backend));
  return it == factories_.end() ? nullptr : &it->second;
}

std::vector<std::string> KernelRegistry::names(Backend backend) const {
  std::vector<std::string>
      out; // the map is ordered by name first: already sorted
  for (const auto &entry : factories_)
    if (entry.first.second == backend)
      out.push_back(entry.first.first);
  return out;
}

const KernelRegistry &KernelRegistry::builtin() {
  static const KernelRegistry registry = [] {
    KernelRegistry r;
    registerCpuKernels(r);
#ifdef SHODH_HAVE_CUDA
    registerCudaKernels(r);
#endif
    return r;
  }();
  return registry;
}

} // namespace shodh
