//===- GaussianSource.cpp - Sparse grids of Gaussian bumps as PDE sources -===//
#include "runtime/data/gen/GaussianSource.h"
#include "runtime/support/Status.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace shodh {

double gaussianCentre(const GaussianGrid &grid, int i) {
  return grid.centre + (i - 0.5 * (grid.count - 1)) * grid.spacing;
}

int gaussianQuarter(const GaussianGrid &grid, int a, int b) {
  int half = grid.count / 2;
  return 2 * (a >= half ? 1 : 0) + (b >= half ? 1 : 0);
}

std::vector<double>
drawGaussianAmplitudes(SplitMix64 &rng, const GaussianGrid &grid,
                       const std::array<double, 4> &quarterVf) {
  const int total = grid.count * grid.count;
  std::vector<double> amplitudes(static_cast<size_t>(total), 0.0);
  bool any = false;
  for (int a = 0; a < grid.count; ++a) {
    for (int b = 0; b < grid.count; ++b) {
      // Active with probability 1 - vf: the reference's `rand() > vf`.
      if (rng.uniform() > quarterVf[gaussianQuarter(grid, a, b)]) {
        amplitudes[a * grid.count + b] =
            rng.uniform(kMinAmplitude, kMaxAmplitude);
        any = true;
      }
    }
  }
  if (!any) {
    int pick = std::min(total - 1, static_cast<int>(rng.uniform() * total));
    amplitudes[pick] = rng.uniform(kMinAmplitude, kMaxAmplitude);
  }
  return amplitudes;
}

std::vector<double> gaussianProfile(const GaussianGrid &grid, int i,
                                    int64_t res) {
  double c = gaussianCentre(grid, i);
  std::vector<double> profile(static_cast<size_t>(res));
  for (int64_t j = 0; j < res; ++j) {
    double d = std::abs(static_cast<double>(j) / static_cast<double>(res) - c);
    d = std::min(d, 1.0 - d); // shortest way round the unit circle
    profile[j] = std::exp(-d * d / (2.0 * grid.sigma * grid.sigma));
  }
  return profile;
}

std::vector<double> evaluateGaussianSum(const GaussianGrid &grid,
                                        const std::vector<double> &amplitudes,
                                        int64_t res) {
  const int n = grid.count;
  if (static_cast<int>(amplitudes.size()) != n * n)
    throw Error(
        fmt::format("Gaussian source: {} amplitudes for a {}x{} bump grid",
                    amplitudes.size(), n, n));
  std::vector<std::vector<double>> profiles;
  for (int i = 0; i < n; ++i)
    profiles.push_back(gaussianProfile(grid, i, res));
  // The bumps are separable: f(y, x) = sum_a gy_a(y) * (sum_b p_ab gx_b(x)).
  std::vector<double> rows(static_cast<size_t>(n * res), 0.0);
  for (int a = 0; a < n; ++a)
    for (int b = 0; b < n; ++b)
      if (double p = amplitudes[a * n + b]; p != 0.0)
        for (int64_t x = 0; x < res; ++x)
          rows[a * res + x] += p * profiles[b][x];
  std::vector<double> field(static_cast<size_t>(res * res), 0.0);
  for (int64_t y = 0; y < res; ++y)
    for (int a = 0; a < n; ++a)
      if (double g = profiles[a][y]; g != 0.0)
        for (int64_t x = 0; x < res; ++x)
          field[y * res + x] += g * rows[a * res + x];
  return field;
}

void normaliseByMax(std::vector<double> &field) {
  double peak =
      field.empty() ? 0.0 : *std::max_element(field.begin(), field.end());
  if (!(peak > 0.0))
    throw Error(fmt::format(
        "Gaussian source: maximum is {} (expected a positive field)", peak));
  for (double &v : field)
    v /= peak;
}

void removeMean(std::vector<double> &field) {
  if (field.empty())
    return;
  double mean = std::accumulate(field.begin(), field.end(), 0.0) /
                static_cast<double>(field.size());
  for (double &v : field)
    v -= mean;
}

} // namespace shodh
