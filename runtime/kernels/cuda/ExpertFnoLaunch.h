//===- ExpertFnoLaunch.h - Launcher of the CUDA expert_fno steps ----------===//
//
// Plain-pointer entry point (as Launch.h) of ExpertFno.cu; it enqueues on
// the stream and returns.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/kernels/cuda/ExpertFnoDevice.h"
#include "runtime/kernels/cuda/Launch.h"

#include <cstdint>

namespace shodh::cuda {

/// Runs fnoStepAt(step, args, j) for j < n, one thread per element (the
/// pointers in `args` are device pointers); nothing for n = 0.
void launchExpertFnoStep(FnoStep step, const FnoStepArgs &args, int64_t n,
                         Stream s);

} // namespace shodh::cuda
