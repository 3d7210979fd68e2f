//===- MultiscaleSource.cpp - Sources with region-wise frequency content --===//
#include "runtime/data/gen/MultiscaleSource.h"
#include "runtime/support/Status.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace shodh {
namespace {

/// C-infinity step: 0 for t <= -w/2, 1 for t >= w/2 (the CDF of a smooth
/// bump of width w).
double smoothStep(double t, double w) {
  double a = t / w + 0.5;
  if (a <= 0.0)
    return 0.0;
  if (a >= 1.0)
    return 1.0;
  double p = std::exp(-1.0 / a), q = std::exp(-1.0 / (1.0 - a));
  return p / (p + q);
}

/// Draws the P x P map; at least one patch of each kind when P > 1.
std::vector<uint8_t> drawRegionMap(SplitMix64 &rng, int patches) {
  const size_t count = static_cast<size_t>(patches * patches);
  std::vector<uint8_t> map(count);
  for (uint8_t &v : map)
    v = rng.uniform() < 0.5 ? 1 : 0;
  bool alike = std::all_of(map.begin(), map.end(),
                           [&](uint8_t v) { return v == map[0]; });
  if (alike && count > 1) {
    size_t flip =
        std::min(count - 1, static_cast<size_t>(rng.uniform() * count));
    map[flip] ^= 1;
  }
  return map;
}

/// `f` with its Nyquist modes (|kx| or |ky| = R/2) removed: the blending
/// weight's steps put a little energy (~1e-3 of the peak coefficient) up to
/// the grid's highest modes, and at Nyquist a derivative has no unique value.
std::vector<double> withoutNyquist(const std::vector<double> &f,
                                   PeriodicSolver &fft) {
  std::vector<std::complex<double>> spec = fft.forward(f);
  for (int64_t row = 0; row < fft.res(); ++row)
    for (int64_t col = 0; col < fft.halfCols(); ++col) {
      Wavevector k = fft.wavevector(row, col);
      if (k.nyquistX || k.nyquistY)
        spec[row * fft.halfCols() + col] = 0.0;
    }
  return fft.inverse(spec);
}

/// Root-mean-square of a field.
double rms(const std::vector<double> &f) {
  double s = 0.0;
  for (double v : f)
    s += v * v;
  return std::sqrt(s / static_cast<double>(f.size()));
}

} // namespace

void checkMultiscaleSourceParams(const MultiscaleSourceParams &p, int64_t res) {
  if (p.patches < 1 || p.patches > 64 || res % p.patches != 0)
    throw Error(fmt::format("--patches must be in [1, 64] and divide --res "
                            "({}) (got {})",
                            res, p.patches));
  if (!(p.lowMin >= 1.0) || p.lowMax < p.lowMin || p.highMin < p.lowMax ||
      p.highMax < p.highMin)
    throw Error("multiscale source: the frequency bands must be ordered "
                "1 <= lowMin <= lowMax <= highMin <= highMax");
  // Every wavevector with |k| <= highMax must fit strictly below Nyquist.
  if (2.0 * p.highMax >= static_cast<double>(res))
    throw Error(fmt::format("--res must be above {} to resolve the "
                            "high-frequency band |k| <= {} (got {})",
                            static_cast<int64_t>(2 * p.highMax), p.highMax,
                            res));
  if (!(p.transition > 0.0) || !(p.transition <= 1.0))
    throw Error("multiscale source: the transition width must be in (0, 1]");
}

std::vector<double> patchWeight(int patches, int i, double width, int64_t res) {
  const double a = double(i) / patches, b = double(i + 1) / patches;
  std::vector<double> phi(static_cast<size_t>(res));
  for (int64_t c = 0; c < res; ++c) {
    double x = double(c) / double(res), sum = 0.0;
    for (int image = -1; image <= 1; ++image) // periodic images of the interval
      sum +=
          smoothStep(x - a + image, width) - smoothStep(x - b + image, width);
    phi[c] = sum;
  }
  return phi;
}

std::vector<double> bandLimitedField(SplitMix64 &rng, double kMin, double kMax,
                                     PeriodicSolver &fft) {
  const int64_t n = fft.res(), half = fft.halfCols();
  const int64_t kCap = static_cast<int64_t>(std::floor(kMax));
  std::vector<std::complex<double>> spec(static_cast<size_t>(n * half), 0.0);
  for (int64_t ky = -kCap; ky <= kCap; ++ky) {
    for (int64_t kx = 0; kx <= kCap; ++kx) {
      if (kx == 0 && ky <= 0)
        continue; // the conjugate of (0, -ky): set below
      double k = std::hypot(double(kx), double(ky));
      if (k < kMin || k > kMax)
        continue;
      std::complex<double> c(rng.normal(), rng.normal());
      spec[(ky >= 0 ? ky : ky + n) * half + kx] = c;
      if (kx == 0)
        spec[(n - ky) * half] = std::conj(c);
    }
  }
  std::vector<double> field = fft.inverse(spec);
  double scale = rms(field);
  if (!(scale > 0.0))
    throw Error(fmt::format("multiscale source: the band {} <= |k| <= {} "
                            "holds no wavevector",
                            kMin, kMax));
  for (double &v : field)
    v /= scale;
  return field;
}

MultiscaleSource drawMultiscaleSource(SplitMix64 &rng,
                                      const MultiscaleSourceParams &p,
                                      PeriodicSolver &fft) {
  const int64_t n = fft.res();
  checkMultiscaleSourceParams(p, n);
  MultiscaleSource s;
  s.regionMap = drawRegionMap(rng, p.patches);
  std::vector<double> low = bandLimitedField(rng, p.lowMin, p.lowMax, fft);
  std::vector<double> high = bandLimitedField(rng, p.highMin, p.highMax, fft);
  const double width = p.transition / p.patches;
  std::vector<std::vector<double>> phi;
  for (int i = 0; i < p.patches; ++i)
    phi.push_back(patchWeight(p.patches, i, width, n));
  s.highWeight.assign(static_cast<size_t>(n * n), 0.0);
  for (int i = 0; i < p.patches; ++i)
    for (int j = 0; j < p.patches; ++j) {
      if (!s.regionMap[i * p.patches + j])
        continue;
      for (int64_t r = 0; r < n; ++r)
        for (int64_t c = 0; c < n; ++c)
          s.highWeight[r * n + c] += phi[i][r] * phi[j][c];
    }
  s.field.resize(static_cast<size_t>(n * n));
  for (size_t q = 0; q < s.field.size(); ++q) {
    double m = s.highWeight[q];
    s.field[q] = (1.0 - m) * low[q] + m * high[q];
  }
  s.field = withoutNyquist(s.field, fft);
  double peak = 0.0;
  for (double v : s.field)
    peak = std::max(peak, std::abs(v));
  for (double &v : s.field)
    v /= peak;
  return s;
}

} // namespace shodh
