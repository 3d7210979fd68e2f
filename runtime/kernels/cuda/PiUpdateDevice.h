//===- PiUpdateDevice.h - The PI controller's update law (CUDA) -----------===//
//
// `pi_update` on the GPU (contract and update law:
// cpu/control/PiController.h). The law is the CPU's own code, `piLawStep`
// (cpu/control/PiLaw.h, `__host__ __device__` under nvcc; --fmad=false, so
// no contraction). PiUpdate.cu runs it
// in one thread, reading and writing the state where it lives (device memory),
// so the controller never leaves the GPU. A host test
// (test/unit/cuda/PiUpdateModesTest.cpp) checks it bitwise against the CPU
// kernel over long runs through both clamps.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>

#include "runtime/kernels/cpu/control/PiLaw.h"

namespace shodh::cuda {

/// The kernel's work on its operands: used = λ; (λ', integral') = one step
/// of the stored state (λ f32, integral f64) from `measured` (f32); λ' is
/// rounded to f32 once. The outputs may be the state tensors themselves.
SHODH_PI_HD inline void piUpdateApply(const PiGains &g, const float *lambda,
                                      const double *integral,
                                      const float *measured, float *used,
                                      float *lambdaOut, double *integralOut) {
  const float held = *lambda;
  const PiState next = piLawStep(g, PiState{held, *integral}, *measured);
  *used = held;
  *lambdaOut = static_cast<float>(next.lambda);
  *integralOut = next.integral;
}

// ---- PiUpdate.cu ---------------------------------------------------------
/// piUpdateApply in one device thread (all pointers device memory).
void launchPiUpdate(const PiGains &g, const float *lambda,
                    const double *integral, const float *measured, float *used,
                    float *lambdaOut, double *integralOut, void *stream);

} // namespace shodh::cuda
