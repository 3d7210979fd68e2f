//===- SessionFlags.cpp - Runtime guard flags shared by shodh-run commands ===//
#include "tools/shodh-run/SessionFlags.h"
#include "runtime/core/Device.h"
#include "runtime/support/Status.h"
#include "tools/common/CliChecks.h"

#include <cmath>

namespace shodh {

void SessionFlags::addTo(CLI::App *cmd) {
  cmd->add_flag("--check-numerics", checkNumerics,
                "after every kernel call, stop at the first NaN/Inf output "
                "(names the call and whether its inputs were finite)");
  cmd->add_option("--memory-limit", memoryLimitMiB,
                  "MiB the program may plan for (arena + parameters + state); "
                  "default: MemAvailable or the cgroup limit")
      ->check(cli::numberIn(1.0, 1.0e12));
  cmd->add_option("--fft-plan", fftPlan,
                  "FFTW planning: estimate (default; a fixed heuristic plan) "
                  "or measure (times candidate algorithms when the model is "
                  "prepared: faster steps, a few seconds more start-up)")
      ->check(CLI::IsMember({"estimate", "measure"}));
  CLI::Option *dev = cmd->add_option(
      "--device", device,
      "where kernels run: cpu (default), cuda (GPU 0; fails if the build has "
      "no CUDA backend or no GPU is visible) or auto (cuda if a GPU is "
      "visible, else cpu)");
  dev->check(CLI::IsMember({"cpu", "cuda", "auto"}));
}

Backend SessionFlags::backend() const {
  if (device == "cuda")
    return Backend::Cuda;
  if (device == "auto")
    return probeCuda().devices > 0 ? Backend::Cuda : Backend::Cpu;
  return Backend::Cpu;
}

FftPlanning SessionFlags::fftPlanning() const {
  return fftPlan == "measure" ? FftPlanning::Measure : FftPlanning::Estimate;
}

std::optional<uint64_t> SessionFlags::memoryLimitBytes() const {
  if (memoryLimitMiB <= 0)
    return std::nullopt;
  return static_cast<uint64_t>(std::llround(memoryLimitMiB * 1048576.0));
}

SessionOptions SessionFlags::apply(SessionOptions options) const {
  options.checkNumerics = checkNumerics;
  options.memoryLimit = memoryLimitBytes();
  options.backend = backend();
  if (options.backend == Backend::Cuda)
    requireCudaDevice("--device cuda");
  setFftPlanning(fftPlanning());
  return options;
}

} // namespace shodh
