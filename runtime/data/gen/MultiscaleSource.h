//===- MultiscaleSource.h - Sources with region-wise frequency content ----===//
//
// Source terms for the multi-scale data set of M²M (arXiv 2410.11617): on
// the periodic unit square split into P x P patches, a random region map
// marks each patch as low- or high-frequency, and
//
//   f = (1 - m) f_low + m f_high,     then f / max|f|
//
// f_low   band-limited random field, 1 <= |k| <= 4 (|k| Euclidean, integer
//         wavevectors, independent complex normal coefficients, flat band);
// f_high  the same with 16 <= |k| <= 24;
//         both scaled to unit RMS before blending;
// m       the smooth indicator of the high-frequency patches,
//         m(x, y) = sum over high patches (i, j) of phi_i(y) phi_j(x), where
//         phi_i is the indicator of [i/P, (i+1)/P) convolved (periodically)
//         with a C-infinity bump of width w = transition / P: the phi_i sum
//         to 1, m = 1 inside high patches and 0 inside low ones farther than
//         w/2 from a boundary, with no jump that would itself spread energy
//         over all frequencies;
//         the blend's Nyquist modes (a ~1e-3 remnant of the steps) are
//         removed before normalising, so every derivative of f is defined.
//
// Each patch is high-frequency with probability 1/2; a map with all patches
// alike (P > 1) gets one patch, drawn uniformly, flipped, so every source
// mixes both scales. Region map entry [i * P + j] is patch row i (y in
// [i/P, (i+1)/P)), column j (x): 1 = high frequency.
//
// The random field coefficients are drawn over a fixed list of wavevectors
// (ky = -kmax..kmax, then kx = 0..kmax, half plane), so a seed gives the same
// continuous source on every grid that resolves the bands (R >= 64).
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/data/gen/PeriodicSolver.h"
#include "runtime/data/gen/Random.h"

#include <cstdint>
#include <vector>

namespace shodh {

/// Geometry and bands of a multi-scale source.
struct MultiscaleSourceParams {
  int patches = 2;                       ///< P: P x P patches
  double lowMin = 1.0, lowMax = 4.0;     ///< |k| band of f_low
  double highMin = 16.0, highMax = 24.0; ///< |k| band of f_high
  double transition = 0.125; ///< boundary width as a fraction of a patch
};

/// One drawn source with its region map.
struct MultiscaleSource {
  std::vector<double> field;      ///< f, R*R, max|f| = 1
  std::vector<double> highWeight; ///< m, R*R, in [0, 1]
  std::vector<uint8_t> regionMap; ///< P*P, 1 = high-frequency patch
};

/// Checks `p` for an R x R grid; throws `Error` naming what is wrong.
void checkMultiscaleSourceParams(const MultiscaleSourceParams &p, int64_t res);

/// Smooth periodic weight phi_i of patch `i` of `patches` along one axis,
/// boundary width `width`, at x = 0, 1/R, ..., (R-1)/R.
std::vector<double> patchWeight(int patches, int i, double width, int64_t res);

/// A band-limited random field with kMin <= |k| <= kMax, unit RMS on the grid
/// of `fft`; coefficients drawn from `rng` in the fixed order above.
std::vector<double> bandLimitedField(SplitMix64 &rng, double kMin, double kMax,
                                     PeriodicSolver &fft);

/// Draws the region map, then f_low, then f_high, and blends them.
MultiscaleSource drawMultiscaleSource(SplitMix64 &rng,
                                      const MultiscaleSourceParams &p,
                                      PeriodicSolver &fft);

} // namespace shodh
