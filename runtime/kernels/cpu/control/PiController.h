//===- PiController.h - The CPU "pi_update" kernel and its update law -----===//
//
// Contract (kernel `pi_update`): inputs (lambda f32 [1], integral f64 [1],
// measured f32 [1]), outputs (used f32 [1], lambda' f32 [1], integral' f64
// [1]) where lambda' and integral' are normally the state tensors themselves
// (written in place); attributes setpoint, kp, ki, lambda0, lambda_min,
// lambda_max (Float). `used` receives the λ held before the update. The
// update law, computed in double with e = measured - setpoint:
//
//   u         = lambda0 + kp·e + ki·integral        (before integrating)
//   integral' = integral      if (u >= lambda_max and e > 0) or
//                                (u <= lambda_min and e < 0)
//             = integral + e  otherwise
//   lambda'   = clip(lambda0 + kp·e + ki·integral', lambda_min, lambda_max)
//
// i.e. conditional integration (anti-windup): the integral does not move
// while the output is already at or past a clamp and the error pushes it
// further that way, so λ leaves the clamp as soon as the error changes
// sign. With kp, ki >= 0 (checked by the dialect and here) e > 0 raises λ.
// A NaN measurement leaves the state unchanged.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/core/Kernel.h"
#include "runtime/kernels/cpu/control/PiLaw.h"

#include <memory>

namespace shodh {

/// One step of the update law above from `state` and `measured`
/// (piLawStep, PiLaw.h: the code the CUDA kernel runs too).
PiState piControllerStep(const PiGains &gains, PiState state, double measured);

/// The gains of a pi_update call (attributes setpoint, kp, ki, lambda0,
/// lambda_min, lambda_max), checked (finite, kp and ki >= 0, lambda_min <=
/// lambda_max); throws `Error` naming the call.
PiGains readPiGains(const KernelSignature &sig);

/// Creates a pi_update kernel; throws `Error` naming the call if it is
/// invalid.
std::unique_ptr<Kernel> makePiUpdateKernel(const KernelSignature &sig);

} // namespace shodh
