//===- GaussianSource.h - Sparse grids of Gaussian bumps as PDE sources ---===//
//
// The source term of the scalar PDE data sets of Subramanian et al. ("Towards
// Foundation Models for Scientific Machine Learning", arXiv 2306.00258): a
// 12 x 12 grid of Gaussian bumps with sigma = 1/32 whose centres are
// 2/32 apart around (0.5, 0.5), i.e. at 0.5 + (i - 5.5) * 2/32, i = 0..11.
// Each bump is active with probability 1 - vf and then has an amplitude
// drawn from U(1e-3, 1); vf comes from {0.2, 0.4, 0.6, 0.8}, one value per
// 6 x 6 quarter of the bump grid. If no bump is active, one random bump is
// switched on (as in the reference generators), so the source never vanishes.
//
// Bumps are evaluated periodically: the distance to a centre is the shortest
// distance on the torus, per axis. The outermost centres lie 5 sigma from the
// boundary, so this differs from the reference's plain distance by < 4e-6,
// and it makes the source smooth on the periodic domain.
//
// Bump (a, b) is row a (y) and column b (x); amplitudes are stored row-major,
// index a * 12 + b, matching the reference's meshgrid flattening.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/data/gen/Random.h"

#include <array>
#include <cstdint>
#include <vector>

namespace shodh {

/// Geometry of the bump grid.
struct GaussianGrid {
  int count = 12;              ///< bumps per axis (even: four equal quarters)
  double sigma = 1.0 / 32.0;   ///< standard deviation of every bump
  double spacing = 2.0 / 32.0; ///< distance between neighbouring centres
  double centre = 0.5;         ///< centre of the bump grid (both axes)
};

/// The sparsity levels vf one quarter can draw.
inline constexpr std::array<double, 4> kSparsityLevels = {0.2, 0.4, 0.6, 0.8};

/// Smallest and largest amplitude of an active bump.
inline constexpr double kMinAmplitude = 1e-3;
inline constexpr double kMaxAmplitude = 1.0;

/// Coordinate of centre `i` (0 <= i < count) along either axis.
double gaussianCentre(const GaussianGrid &grid, int i);

/// Quarter (0..3) of bump (a, b): 2 * [a >= count/2] + [b >= count/2].
int gaussianQuarter(const GaussianGrid &grid, int a, int b);

/// Draws the amplitudes (count^2, row-major; 0 = inactive) given vf per
/// quarter.
std::vector<double>
drawGaussianAmplitudes(SplitMix64 &rng, const GaussianGrid &grid,
                       const std::array<double, 4> &quarterVf);

/// Periodic 1-D Gaussian profile exp(-d^2 / (2 sigma^2)) of centre `i` at the
/// R grid points j / R (d = distance on the unit circle).
std::vector<double> gaussianProfile(const GaussianGrid &grid, int i,
                                    int64_t res);

/// Sum of the bumps with the given amplitudes on the R x R grid (not
/// normalised).
std::vector<double> evaluateGaussianSum(const GaussianGrid &grid,
                                        const std::vector<double> &amplitudes,
                                        int64_t res);

/// Divides `field` by its maximum; throws `Error` if the maximum is not
/// positive.
void normaliseByMax(std::vector<double> &field);

/// Subtracts the mean of `field`.
void removeMean(std::vector<double> &field);

} // namespace shodh
