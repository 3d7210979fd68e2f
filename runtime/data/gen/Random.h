//===- Random.h - Reproducible random numbers for data generators ---------===//
//
// Data generators must give the same file for the same seed on every machine
// and thread count, so they avoid <random>'s distributions (whose algorithms
// differ between standard libraries). Each sample gets its own stream,
// SplitMix64 seeded from (seed, sample index); normals use Box–Muller.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cmath>
#include <cstdint>

namespace shodh {

/// SplitMix64 stream (Steele, Lea, Flood 2014): tiny, fast, statistically good.
class SplitMix64 {
public:
  /// A stream for sample `index` of a data set generated with `seed`.
  SplitMix64(uint64_t seed, uint64_t index)
      : state_(seed * 0x9E3779B97F4A7C15ull + (index + 1) * 0xD1B54A32D192ED03ull) {}

  /// Next 64 random bits.
  uint64_t next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  /// Uniform double in [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  /// Uniform double in [lo, hi).
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  /// Standard normal (Box–Muller, one value per call).
  double normal() {
    double u1 = 1.0 - uniform(); // (0, 1]: log is finite
    double u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
  }

private:
  uint64_t state_;
};

} // namespace shodh
