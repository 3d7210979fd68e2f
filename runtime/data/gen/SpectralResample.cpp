//===- SpectralResample.cpp - Moving periodic fields between grid sizes ---===//
#include "runtime/data/gen/SpectralResample.h"
#include "runtime/data/gen/PeriodicSolver.h"
#include "runtime/support/Status.h"

#include <fmt/format.h>

#include <algorithm>

namespace shodh {

std::vector<std::complex<double>>
resampleSpectrum(const std::vector<std::complex<double>> &spectrum, int64_t n,
                 int64_t m) {
  const int64_t srcHalf = n / 2 + 1, dstHalf = m / 2 + 1;
  if (n < 2 || m < 2 || static_cast<int64_t>(spectrum.size()) != n * srcHalf)
    throw Error(fmt::format("spectral resampling: a {0}x{0} grid needs {1} "
                            "half-spectrum values (got {2})",
                            n, n * srcHalf, spectrum.size()));
  // Kept: |k| <= kMax with kMax < min(n, m) / 2 on both axes.
  const int64_t kMax = (std::min(n, m) - 1) / 2;
  const double scale = static_cast<double>(m * m) / static_cast<double>(n * n);
  std::vector<std::complex<double>> out(static_cast<size_t>(m * dstHalf), 0.0);
  for (int64_t ky = -kMax; ky <= kMax; ++ky) {
    int64_t srcRow = ky >= 0 ? ky : ky + n, dstRow = ky >= 0 ? ky : ky + m;
    for (int64_t kx = 0; kx <= kMax; ++kx)
      out[dstRow * dstHalf + kx] = spectrum[srcRow * srcHalf + kx] * scale;
  }
  return out;
}

std::vector<double> resampleField(const std::vector<double> &field, int64_t n,
                                  int64_t m) {
  if (n == m)
    return field;
  PeriodicSolver from(n), to(m);
  return to.inverse(resampleSpectrum(from.forward(field), n, m));
}

} // namespace shodh
