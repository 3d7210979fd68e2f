//===- CudaLoader.cpp - Finding the CUDA backend: linked in or a plugin ---===//
//
// `loadCudaRuntime` runs once per process. A backend linked into the
// executable (ShodhCuda, whose link options keep its entry point) is found
// through a weak reference to the entry point; otherwise the plugin is
// opened with dlopen(RTLD_NOW), so a plugin whose symbols do not resolve
// (built from other sources, or for an executable that does not export the
// runtime core) is refused at once with dlerror's message instead of
// failing later. On success the backend's kernels join the built-in
// registry.
//
//===----------------------------------------------------------------------===//
#include "runtime/core/CudaRuntime.h"
#include "runtime/core/Kernel.h"

#include <fmt/format.h>

#include <dlfcn.h>
#include <unistd.h>

#include <cstdlib>
#include <exception>
#include <mutex>
#include <string>

/// Defined by the CUDA backend when it is linked in; null otherwise.
extern "C" const shodh::CudaRuntime *
SHODH_CUDA_RUNTIME_ENTRY(int abi, const char *buildId) __attribute__((weak));

namespace shodh {

namespace {

#ifdef SHODH_HAVE_CUDA // the plugin exists only in builds with the backend

/// The plugin's file name (runtime/kernels/cuda/CMakeLists.txt).
constexpr const char *kPluginName = "libshodh_cuda.so";

/// Signature of the entry point.
using EntryFn = const CudaRuntime *(*)(int, const char *);

/// The directory of the running executable ("" if /proc is unavailable).
std::string executableDir() {
  std::string path(4096, '\0');
  ssize_t n = readlink("/proc/self/exe", path.data(), path.size() - 1);
  if (n <= 0)
    return {};
  path.resize(static_cast<size_t>(n));
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? std::string() : path.substr(0, slash);
}

/// Where the plugin is looked for: $SHODH_CUDA_PLUGIN, else next to the
/// executable.
std::string pluginPath() {
  if (const char *env = std::getenv("SHODH_CUDA_PLUGIN"); env && *env)
    return env;
  std::string dir = executableDir();
  return dir.empty() ? std::string(kPluginName) : dir + "/" + kPluginName;
}

/// Opens the plugin and returns its runtime, or nullptr with `why` set.
const CudaRuntime *openPlugin(std::string &why) {
  std::string path = pluginPath();
  void *handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char *err = dlerror();
    why = fmt::format("the CUDA backend plugin could not be loaded ({}; set "
                      "SHODH_CUDA_PLUGIN to its path, see docs/cuda.md)",
                      err ? err : path);
    return nullptr;
  }
  auto entry = reinterpret_cast<EntryFn>(
      dlsym(handle, SHODH_CUDA_RUNTIME_ENTRY_NAME));
  if (!entry) {
    why = fmt::format("{} is not a Shodh CUDA backend plugin (it has no "
                      "symbol {})",
                      path, SHODH_CUDA_RUNTIME_ENTRY_NAME);
    dlclose(handle);
    return nullptr;
  }
  const CudaRuntime *rt = entry(kCudaRuntimeAbi, SHODH_BUILD_ID);
  if (!rt) {
    why = fmt::format("{} comes from another build than this shodh-run "
                      "(build {}); copy shodh-run and libshodh_cuda.so from "
                      "the same build",
                      path, SHODH_BUILD_ID);
    dlclose(handle);
  }
  // A loaded plugin stays open for the life of the process: kernels and
  // device memory of the backend may outlive any scope here.
  return rt;
}

#endif // SHODH_HAVE_CUDA

/// The one-time result of loading.
struct Loaded {
  const CudaRuntime *runtime = nullptr;
  std::string why;
};

const Loaded &loadOnce() {
  static const Loaded loaded = [] {
    Loaded l;
#ifdef SHODH_HAVE_CUDA
    if (cudaRuntimeLinkedIn()) {
      // Its kernels are registered with the built-in registry itself.
      l.runtime = SHODH_CUDA_RUNTIME_ENTRY(kCudaRuntimeAbi, SHODH_BUILD_ID);
      return l;
    }
    try {
      l.runtime = openPlugin(l.why);
      if (l.runtime)
        KernelRegistry::addLoadedBackend(*l.runtime);
    } catch (const std::exception &e) { // e.g. a kernel registered twice
      l.runtime = nullptr;
      l.why = fmt::format("the CUDA backend plugin failed to register its "
                          "kernels: {}",
                          e.what());
    }
#else
    l.why = "this build of shodh has no CUDA backend (it was configured "
            "without nvcc or with -DSHODH_CUDA=OFF; see docs/cuda.md)";
#endif
    return l;
  }();
  return loaded;
}

} // namespace

bool cudaRuntimeLinkedIn() { return SHODH_CUDA_RUNTIME_ENTRY != nullptr; }

const CudaRuntime *loadCudaRuntime(std::string &why) {
  const Loaded &l = loadOnce();
  if (!l.runtime)
    why = l.why;
  return l.runtime;
}

} // namespace shodh
