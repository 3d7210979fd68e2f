//===- PiLaw.h - The PI controller's update law, for both backends --------===//
//
// One step of the update law of `pi_update` (PiController.h), written once
// for the CPU kernel and the CUDA one (`__host__ __device__` under nvcc,
// cuda/PiUpdateDevice.h): double arithmetic in a fixed order, the
// anti-windup test, and the clamp as libstdc++'s std::clamp computes it,
// min(max(v, lo), hi), so both backends give the same bits. A NaN
// measurement leaves the state alone. Header-only, no dependencies.
//
//===----------------------------------------------------------------------===//
#pragma once

#if defined(__CUDACC__)
#define SHODH_PI_HD __host__ __device__
#else
#define SHODH_PI_HD
#endif

namespace shodh {

/// The attributes of a PI controller.
struct PiGains {
  double setpoint = 0, kp = 0, ki = 0, lambda0 = 0, lambdaMin = 0,
         lambdaMax = 0;
};

/// The state of a PI controller.
struct PiState {
  double lambda = 0;   ///< the current weight (stored as f32)
  double integral = 0; ///< the integral of the error (stored as f64)
};

/// One step of the update law from `state` and `measured`.
SHODH_PI_HD inline PiState piLawStep(const PiGains &g, PiState state,
                                     double measured) {
  if (measured != measured) // NaN: the state stays
    return state;
  const double e = measured - g.setpoint;
  const double u = g.lambda0 + g.kp * e + g.ki * state.integral;
  const bool windup =
      (u >= g.lambdaMax && e > 0) || (u <= g.lambdaMin && e < 0);
  PiState next;
  next.integral = windup ? state.integral : state.integral + e;
  const double v = g.lambda0 + g.kp * e + g.ki * next.integral;
  const double atLeastMin = v < g.lambdaMin ? g.lambdaMin : v; // max(v, lo)
  next.lambda = g.lambdaMax < atLeastMin ? g.lambdaMax : atLeastMin; // min
  return next;
}

} // namespace shodh
