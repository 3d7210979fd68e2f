//===- SpectralAdjoint.cpp - Adjoints of the spectral mode operations -----===//
//
// Real and imaginary parts are handled as floats so loops over modes
// vectorise, as in contractModes (SpectralLayout.cpp).
//
//===----------------------------------------------------------------------===//
#include "runtime/kernels/cpu/grad/SpectralAdjoint.h"

#include <cstring>

namespace shodh {

float halfSpectrumWeight(int64_t index, int64_t lastAxis) {
  bool single = index == 0 || (lastAxis % 2 == 0 && index == lastAxis / 2);
  return single ? 1.0f : 2.0f;
}

std::vector<float> truncatedModeWeights(const SpectralGeometry &g) {
  // The last axis keeps its m_d lowest modes: truncated index = mode index.
  const int64_t last = g.modes.back(), size = g.truncSize();
  std::vector<float> c(static_cast<size_t>(size));
  for (int64_t f = 0; f < size; ++f)
    c[f] = halfSpectrumWeight(f % last, g.grid.back());
  return c;
}

std::vector<float> halfModeWeights(const std::vector<int64_t> &grid) {
  SpectralGeometry g{grid, grid};
  const int64_t last = grid.back() / 2 + 1, size = g.halfSize();
  std::vector<float> c(static_cast<size_t>(size));
  for (int64_t f = 0; f < size; ++f)
    c[f] = halfSpectrumWeight(f % last, grid.back());
  return c;
}

void contractModesAdjointInput(const cfloat *dy, const cfloat *w, cfloat *dx,
                               int64_t bBegin, int64_t bEnd, int64_t in,
                               int64_t outCh, int64_t k) {
  for (int64_t b = bBegin; b < bEnd; ++b)
    for (int64_t i = 0; i < in; ++i) {
      float *xv = reinterpret_cast<float *>(dx + (b * in + i) * k);
      std::memset(static_cast<void *>(xv), 0, sizeof(cfloat) * k);
      for (int64_t o = 0; o < outCh; ++o) {
        const float *yv =
            reinterpret_cast<const float *>(dy + (b * outCh + o) * k);
        const float *wv =
            reinterpret_cast<const float *>(w + (i * outCh + o) * k);
        for (int64_t j = 0; j < k; ++j) { // dy * conj(w)
          float yr = yv[2 * j], yi = yv[2 * j + 1], wr = wv[2 * j],
                wi = wv[2 * j + 1];
          xv[2 * j] += yr * wr + yi * wi;
          xv[2 * j + 1] += yi * wr - yr * wi;
        }
      }
    }
}

void contractModesAdjointWeight(const cfloat *x, const cfloat *dy, cfloat *dw,
                                int64_t pairBegin, int64_t pairEnd,
                                int64_t batch, int64_t in, int64_t outCh,
                                int64_t k, const float *scale) {
  for (int64_t pair = pairBegin; pair < pairEnd; ++pair) {
    const int64_t i = pair / outCh, o = pair % outCh;
    float *wv = reinterpret_cast<float *>(dw + pair * k);
    std::memset(static_cast<void *>(wv), 0, sizeof(cfloat) * k);
    for (int64_t b = 0; b < batch; ++b) {
      const float *xv = reinterpret_cast<const float *>(x + (b * in + i) * k);
      const float *yv =
          reinterpret_cast<const float *>(dy + (b * outCh + o) * k);
      for (int64_t j = 0; j < k; ++j) { // conj(x) * dy
        float xr = xv[2 * j], xi = xv[2 * j + 1], yr = yv[2 * j],
              yi = yv[2 * j + 1];
        wv[2 * j] += xr * yr + xi * yi;
        wv[2 * j + 1] += xr * yi - xi * yr;
      }
    }
    for (int64_t j = 0; scale && j < k; ++j)
      wv[2 * j] *= scale[j], wv[2 * j + 1] *= scale[j];
  }
}

} // namespace shodh
