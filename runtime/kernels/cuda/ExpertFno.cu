//===- ExpertFno.cu - Device code of the expert_fno kernels ---------------===//
//
// One grid-stride kernel per element step of ExpertFnoDevice.h (the step
// is a template parameter, so each launch compiles to its own loop): one
// thread per output element, inputs summed in a fixed order, no atomics.
//
//===----------------------------------------------------------------------===//
#include "runtime/kernels/cuda/Common.cuh"
#include "runtime/kernels/cuda/ExpertFnoLaunch.h"

namespace shodh::cuda {

namespace {

template <FnoStep Step>
__global__ void fnoStepKernel(FnoStepArgs args, int64_t n) {
  for (int64_t j = gridStart(); j < n; j += gridStride())
    fnoStepAt<float2>(Step, args, j);
}

template <FnoStep Step>
void launch(const FnoStepArgs &args, int64_t n, Stream s) {
  SHODH_LAUNCH(fnoStepKernel<Step>, blocksFor(n), kThreads,
               static_cast<cudaStream_t>(s), args, n);
}

} // namespace

void launchExpertFnoStep(FnoStep step, const FnoStepArgs &args, int64_t n,
                         Stream s) {
  if (n <= 0)
    return;
  switch (step) {
  case FnoStep::ForwardModes:
    return launch<FnoStep::ForwardModes>(args, n, s);
  case FnoStep::InputGradModes:
    return launch<FnoStep::InputGradModes>(args, n, s);
  case FnoStep::WeightGradModes:
    return launch<FnoStep::WeightGradModes>(args, n, s);
  case FnoStep::AddBias:
    return launch<FnoStep::AddBias>(args, n, s);
  case FnoStep::SkipWeightSums:
    return launch<FnoStep::SkipWeightSums>(args, n, s);
  case FnoStep::BiasGradSums:
    return launch<FnoStep::BiasGradSums>(args, n, s);
  }
}

} // namespace shodh::cuda
