//===- InitRandom.h - Counter-based random numbers for parameter init -----===//
//
// Parameter initialisation must give the same values on every machine and
// for every thread count, so value j of a tensor depends only on (seed, j):
//
//   mix(z)      = SplitMix64 output function of state z (all arithmetic mod
//   2^64):
//                   z += 0x9E3779B97F4A7C15
//                   z  = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
//                   z  = (z ^ (z >> 27)) * 0x94D049BB133111EB
//                   return z ^ (z >> 31)
//   U(seed, j)  = (mix(seed ^ (0x9E3779B97F4A7C15 * (j + 1))) >> 11) * 2^-53 in
//   [0, 1) N(seed, j)  = sqrt(-2 ln(1 - U(seed, 2j))) * cos(2 pi U(seed, 2j +
//   1))    (Box–Muller)
//
// docs/runtime.md § Initialisation gives the same formulas with a numpy
// transcription.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cmath>
#include <cstdint>

namespace shodh {

/// The SplitMix64 output function applied to state `z` (Steele et al. 2014).
inline uint64_t splitMix64(uint64_t z) {
  z += 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

/// U(seed, index): uniform double in [0, 1) with 53 random bits.
inline double initUniform01(uint64_t seed, uint64_t index) {
  uint64_t bits = splitMix64(seed ^ (0x9E3779B97F4A7C15ull * (index + 1)));
  return static_cast<double>(bits >> 11) * 0x1.0p-53;
}

/// N(seed, index): standard normal from the uniforms 2*index and 2*index + 1.
inline double initStandardNormal(uint64_t seed, uint64_t index) {
  constexpr double kTwoPi = 6.283185307179586476925286766559;
  double u1 = initUniform01(seed, 2 * index);
  double u2 = initUniform01(seed, 2 * index + 1);
  return std::sqrt(-2.0 * std::log(1.0 - u1)) * std::cos(kTwoPi * u2);
}

} // namespace shodh
