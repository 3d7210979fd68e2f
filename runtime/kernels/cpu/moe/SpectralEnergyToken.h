//===- SpectralEnergyToken.h - One token of spectral_energy ---------------===//
//
// The work of `spectral_energy` for one patch token, written once for the
// CPU kernel (RouterSpectralEnergy.cpp, one token per thread of the pool)
// and the CUDA kernel (cuda/SpectralEnergy.cu, one token per device
// thread, nvcc --fmad=false), so both run the same arithmetic in the same
// order: each channel's patch loses its mean, goes through separable DFTs
// in double — a real DFT to the w/2+1 half spectrum, then complex DFTs over
// h and d — and its power, with the Hermitian weight of its half-spectrum
// column, is added to the band of each mode; the features are the band
// energies over their total (all zero for a constant patch). The tables
// (twiddles, the band of every half-spectrum mode, the column weights) are
// made once per shape on the host by `makeSpectralEnergyTables`.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cmath>
#include <cstdint>
#include <vector>

#if defined(__CUDACC__)
#define SHODH_SPECTRAL_ENERGY_HD __host__ __device__
#else
#define SHODH_SPECTRAL_ENERGY_HD
#endif

namespace shodh::spectral_energy {

/// A call's token geometry: C channels of d x h x w (d = 1 in 2-D), the
/// half-spectrum width w/2+1 and the number of bands.
struct Geometry {
  int64_t channels = 1, d = 1, h = 1, w = 1, half = 1, bands = 1;
};

/// The geometry of patches of `shape` (B, T, C, [d,] h, w) and `bands`.
inline Geometry geometryOf(const std::vector<int64_t> &shape, int64_t bands) {
  Geometry g;
  g.channels = shape[2];
  g.d = shape.size() == 6 ? shape[3] : 1;
  g.h = shape[shape.size() - 2], g.w = shape.back();
  g.half = g.w / 2 + 1;
  g.bands = bands;
  return g;
}

/// Doubles of scratch one token needs: the mean-free patch, two complex
/// half spectra (re, im interleaved) and the band energies.
SHODH_SPECTRAL_ENERGY_HD inline int64_t scratchDoubles(const Geometry &g) {
  return g.d * g.h * g.w + 4 * g.d * g.h * g.half + g.bands;
}

/// (m + step) mod n for m, step in [0, n).
SHODH_SPECTRAL_ENERGY_HD inline int64_t advance(int64_t m, int64_t step,
                                                int64_t n) {
  m += step;
  return m >= n ? m - n : m;
}

/// Complex DFT along one axis of the (re, im) array `src` into `dst`
/// (`size` complex values): n points, `stride` complex values apart;
/// tw = e^{-2πi m / n}, interleaved.
SHODH_SPECTRAL_ENERGY_HD inline void dftLines(const double *src, double *dst,
                                              int64_t size, int64_t n,
                                              int64_t stride,
                                              const double *tw) {
  for (int64_t o = 0; o < size; ++o) {
    const int64_t pos = o / stride % n; // output frequency
    const int64_t base = o - pos * stride;
    double re = 0.0, im = 0.0;
    for (int64_t q = 0, m = 0; q < n; ++q, m = advance(m, pos, n)) {
      const double xr = src[2 * (base + q * stride)];
      const double xi = src[2 * (base + q * stride) + 1];
      const double tr = tw[2 * m], ti = tw[2 * m + 1];
      re += xr * tr - xi * ti;
      im += xr * ti + xi * tr;
    }
    dst[2 * o] = re;
    dst[2 * o + 1] = im;
  }
}

/// The features y[0, bands) of the token x (channels x d x h x w floats).
/// twD/twH/twW: interleaved twiddles of d, h and w points; band: the band
/// of every half-spectrum mode (d x h x half, -1 for the DC mode); weight:
/// the Hermitian weight of each half-spectrum column; scratch:
/// scratchDoubles(g) doubles.
SHODH_SPECTRAL_ENERGY_HD inline void
token(const float *x, const Geometry &g, const double *twD, const double *twH,
      const double *twW, const int64_t *band, const double *weight,
      double *scratch, float *y) {
  const int64_t volume = g.d * g.h * g.w, modes = g.d * g.h * g.half;
  double *real = scratch, *a = real + volume, *b = a + 2 * modes;
  double *energy = b + 2 * modes;
  for (int64_t j = 0; j < g.bands; ++j)
    energy[j] = 0.0;
  for (int64_t c = 0; c < g.channels; ++c) {
    const float *xc = x + c * volume;
    double mean = 0.0;
    for (int64_t i = 0; i < volume; ++i)
      mean += double(xc[i]);
    mean /= double(volume);
    for (int64_t i = 0; i < volume; ++i)
      real[i] = double(xc[i]) - mean;
    for (int64_t line = 0; line < g.d * g.h; ++line) // real DFT over w
      for (int64_t u = 0; u < g.half; ++u) {
        const double *in = real + line * g.w;
        double re = 0.0, im = 0.0;
        for (int64_t p = 0, m = 0; p < g.w; ++p, m = advance(m, u, g.w)) {
          re += in[p] * twW[2 * m];
          im += in[p] * twW[2 * m + 1];
        }
        a[2 * (line * g.half + u)] = re;
        a[2 * (line * g.half + u) + 1] = im;
      }
    dftLines(a, b, modes, g.h, g.half, twH);       // over h
    dftLines(b, a, modes, g.d, g.h * g.half, twD); // over d
    for (int64_t o = 0; o < modes; ++o) {          // the power, into the bands
      const int64_t j = band[o];
      if (j >= 0)
        energy[j] += weight[o % g.half] *
                     (a[2 * o] * a[2 * o] + a[2 * o + 1] * a[2 * o + 1]);
    }
  }
  double total = 0.0;
  for (int64_t j = 0; j < g.bands; ++j)
    total += energy[j];
  for (int64_t j = 0; j < g.bands; ++j)
    y[j] = total > 0.0 ? float(energy[j] / total) : 0.0f;
}

/// Host-made tables of one geometry (see `token`).
struct Tables {
  std::vector<double> twD, twH, twW;
  std::vector<int64_t> band;
  std::vector<double> weight;
};

/// Signed frequency of DFT bin `u` of an axis of `n` points.
inline int64_t signedFrequency(int64_t u, int64_t n) {
  return u <= n / 2 ? u : u - n;
}

/// e^{-2πi m / n} for m in [0, n), interleaved (re, im).
inline std::vector<double> twiddles(int64_t n) {
  std::vector<double> t(static_cast<size_t>(2 * n));
  for (int64_t m = 0; m < n; ++m) {
    const double angle = -2.0 * M_PI * double(m) / double(n);
    t[size_t(2 * m)] = std::cos(angle);
    t[size_t(2 * m + 1)] = std::sin(angle);
  }
  return t;
}

/// The tables of `g`. Band of a mode with integer frequencies k (signed,
/// |k_i| <= N_i/2): the smallest j with |k|²·n² <= (j+1)²·|k|²_max,
/// |k|²_max = Σ floor(N_i/2)², in exact integers; the Hermitian weight is 2
/// for the half-spectrum columns 0 < u < w/2 that stand for a conjugate
/// pair, else 1.
inline Tables makeTables(const Geometry &g) {
  Tables t;
  t.twD = twiddles(g.d), t.twH = twiddles(g.h), t.twW = twiddles(g.w);
  const int64_t maxSq =
      (g.d / 2) * (g.d / 2) + (g.h / 2) * (g.h / 2) + (g.w / 2) * (g.w / 2);
  t.band.assign(size_t(g.d * g.h * g.half), -1);
  t.weight.assign(size_t(g.half), 2.0);
  t.weight[0] = 1.0;
  if (g.w % 2 == 0)
    t.weight[size_t(g.half - 1)] = 1.0;
  for (int64_t z = 0; z < g.d; ++z)
    for (int64_t v = 0; v < g.h; ++v)
      for (int64_t u = 0; u < g.half; ++u) {
        const int64_t kz = signedFrequency(z, g.d), kv = signedFrequency(v, g.h);
        const int64_t sq = kz * kz + kv * kv + u * u;
        if (sq == 0)
          continue;
        int64_t j = 0;
        while (j + 1 < g.bands && sq * g.bands * g.bands > (j + 1) * (j + 1) * maxSq)
          ++j;
        t.band[size_t((z * g.h + v) * g.half + u)] = j;
      }
  return t;
}

} // namespace shodh::spectral_energy
