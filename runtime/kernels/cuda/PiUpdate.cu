//===- PiUpdate.cu - Device code of pi_update -----------------------------===//
//
// One thread applies the update law (PiUpdateDevice.h) to the state in
// device memory: nothing is copied back to the host, and the step is the
// CPU's bit for bit (double arithmetic, --fmad=false).
//
//===----------------------------------------------------------------------===//
#include "runtime/kernels/cuda/Common.cuh"
#include "runtime/kernels/cuda/PiUpdateDevice.h"

namespace shodh::cuda {

namespace {

__global__ void piUpdateKernel(PiGains g, const float *lambda,
                               const double *integral, const float *measured,
                               float *used, float *lambdaOut,
                               double *integralOut) {
  if (gridStart() == 0)
    piUpdateApply(g, lambda, integral, measured, used, lambdaOut, integralOut);
}

} // namespace

void launchPiUpdate(const PiGains &g, const float *lambda,
                    const double *integral, const float *measured, float *used,
                    float *lambdaOut, double *integralOut, void *stream) {
  SHODH_LAUNCH(piUpdateKernel, 1, 1, static_cast<cudaStream_t>(stream), g,
               lambda, integral, measured, used, lambdaOut, integralOut);
}

} // namespace shodh::cuda
