//===- PiUpdateCases.h - The pi_update runs the CUDA tests cover ----------===//
//
// PI controller runs (gains, initial state, a sequence of measurements),
// shared by the host test of the device update (PiUpdateModesTest.cpp) and
// the GPU parity test (PiUpdateParityTest.cpp). Together they pass through
// both clamps with anti-windup (the integral frozen while the error pushes
// further out), leave each clamp when the error changes sign, hit an error
// of exactly zero, skip NaN measurements, and include M²M's gains
// (models/m2m.mlir), controllers whose output u sits exactly on
// lambda_max or lambda_min (where `>=` against `>` decides whether the
// integral moves) and a state where the order of u's additions decides it.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "test/unit/runtime/CpuKernelHarness.h"

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace shodh::testing {

/// One controller run.
struct PiRun {
  std::string name;
  double setpoint, kp, ki, lambda0, lambdaMin, lambdaMax;
  float lambda;                ///< initial pi.<name>.lambda
  double integral;             ///< initial pi.<name>.integral
  std::vector<float> measured; ///< one per step

  /// The attributes of the pi_update call.
  std::vector<NamedAttr> attrs() const {
    return {{"setpoint", setpoint},
            {"kp", kp},
            {"ki", ki},
            {"lambda0", lambda0},
            {"lambda_min", lambdaMin},
            {"lambda_max", lambdaMax}};
  }
};

/// `n` values uniform in [lo, hi) from a fixed LCG (seed `seed`).
inline std::vector<float> piUniform(int n, float lo, float hi, uint64_t seed) {
  std::vector<float> v;
  for (int i = 0; i < n; ++i) {
    seed = seed * 6364136223846793005ull + 1442695040888963407ull;
    v.push_back(lo + (hi - lo) * float(double(seed >> 40) / double(1 << 24)));
  }
  return v;
}

/// `v` repeated `n` times.
inline std::vector<float> piConstant(int n, float v) {
  return std::vector<float>(size_t(n), v);
}

/// The concatenation of `parts`.
inline std::vector<float> piJoin(std::vector<std::vector<float>> parts) {
  std::vector<float> all;
  for (const std::vector<float> &p : parts)
    all.insert(all.end(), p.begin(), p.end());
  return all;
}

inline const std::vector<PiRun> &piRuns() {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  static const std::vector<PiRun> runs = {
      // M²M's router controller: around the setpoint, far above (clamped
      // at 1, integral frozen), far below (back down to the clamp at 0),
      // NaNs between.
      {"m2m", 0.1, 0.5, 0.05, 0.01, 0.0, 1.0, 0.01f, 0.0,
       piJoin({piUniform(150, 0.0f, 0.3f, 1), piConstant(60, 2.5f),
               piConstant(3, nan), piConstant(120, 0.0f),
               piUniform(80, 0.0f, 0.4f, 2)})},
      // A narrow band: alternate blocks beyond each clamp, an exact zero
      // error (setpoint 1 is representable), random values around it.
      {"narrow", 1.0, 2.0, 0.5, 0.5, 0.25, 0.75, 0.5f, 0.0,
       piJoin({piConstant(20, 3.0f), piConstant(20, -1.0f), piConstant(5, 1.0f),
               piConstant(2, nan), piConstant(20, 3.0f), piConstant(3, 1.0f),
               piUniform(100, 0.0f, 2.0f, 3)})},
      // u == lambda_max exactly (kp = ki = 0, lambda0 = max): positive
      // errors freeze the integral, negative ones integrate.
      {"at max", 0.5, 0.0, 0.0, 1.0, 0.0, 1.0, 1.0f, 0.0,
       piUniform(200, 0.0f, 1.0f, 4)},
      // u == lambda_min exactly: negative errors freeze the integral.
      {"at min", 0.5, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0f, 0.0,
       piUniform(200, 0.0f, 1.0f, 7)},
      // M²M's setpoint, kp and ki with lambda0 = 0.1, from a state where
      // u = lambda0 + kp·e + ki·integral rounds to exactly lambda_max (1)
      // in the CPU's order but to 1 - 2^-53 if the last two terms are
      // added first: the first step must freeze the integral.
      {"on the boundary", 0.1, 0.5, 0.05, 0.1, 0.0, 1.0, 1.0f,
       8.659126996994017,
       piJoin({piConstant(1, 1.0340873003005981f), piConstant(2, 0.05f),
               piUniform(20, 0.0f, 0.3f, 8)})},
      // Pure integral action from a non-default state, a negative
      // lambda_min, small errors that accumulate in double.
      {"integral", 0.0, 0.0, 1.0, 0.0, -0.5, 0.5, 0.3f, -0.25,
       piJoin({piUniform(300, -0.01f, 0.02f, 5),
               piUniform(300, -0.03f, 0.01f, 6)})},
  };
  return runs;
}

} // namespace shodh::testing
