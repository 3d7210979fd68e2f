//===- UnfusedSpectralDevice.h - Per-element code of CUDA rfft/irfft ------===//
//
// The element work of the CUDA rfft, irfft, rfft_grad and irfft_grad
// kernels (UnfusedSpectral.cu), written once as `__host__ __device__`
// functions so that a host test (test/unit/cuda/UnfusedSpectralModesTest.cpp)
// runs the same code for every element without a GPU. Complex values are
// interleaved (re, im) floats, as std::complex<float>.
//
// The c2r input. FFTW's (and numpy's) multi-dimensional c2r runs c2c
// transforms along the leading axes, then a c2r along the last axis that
// ignores the imaginary parts of its DC entry and (N_d even) its Nyquist
// entry. For those two last-axis columns it therefore uses Re(F(Z)), F the
// c2c over the leading axes, which equals F(P(Z)) with P the Hermitian
// projection P(Z)[k] = (Z[k] + conj(Z[-k])) / 2 (indices mod N_a); the other
// columns are used as they are. cuFFT leaves c2r of a non-Hermitian input
// unspecified (some sizes read the imaginary DC parts, others symmetrise:
// pytorch/pytorch#154496), and the spectra the unfused kernels invert are
// not Hermitian in general (irfft of a padded contraction, rfft_grad of any
// gradient). So the CUDA kernels write P(Z) into those two columns of the
// c2r's scratch and copy the rest: the input is then exactly Hermitian
// (every c2r gives the same real signal) and that signal is the CPU's.
// A twin of itself (k = -k) keeps its real part exactly, imaginary part 0.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>

#if defined(__CUDACC__)
#define SHODH_UNFUSED_HD __host__ __device__
#else
#define SHODH_UNFUSED_HD
#endif

namespace shodh::cuda {

/// The half spectrum of a grid N_1 x .. x N_d: the full axes before the
/// last as (lead0, lead1) (d = 1: 1, 1; d = 2: 1, N_1; d = 3: N_1, N_2) and
/// the last axis' N_d/2 + 1 entries.
struct HalfLayout {
  int64_t lead0 = 1, lead1 = 1;
  int64_t last = 1;     ///< N_d/2 + 1
  bool nyquist = false; ///< N_d even: entry last - 1 is the Nyquist column
};

/// The layout of the half spectrum of grid[0..d), 1 <= d <= 3.
SHODH_UNFUSED_HD inline HalfLayout halfLayoutOf(const int64_t *grid, int d) {
  HalfLayout g;
  g.lead0 = d == 3 ? grid[0] : 1;
  g.lead1 = d >= 2 ? grid[d - 2] : 1;
  g.last = grid[d - 1] / 2 + 1;
  g.nyquist = grid[d - 1] % 2 == 0;
  return g;
}

/// Complex values of one half spectrum.
SHODH_UNFUSED_HD inline int64_t halfSizeOf(const HalfLayout &g) {
  return g.lead0 * g.lead1 * g.last;
}

/// Complex element `e` (of consecutive half spectra `src`) of the c2r
/// input: factor[mode] src[e] (factor null: src[e]), Hermitian-projected
/// in the DC and Nyquist columns (see the file comment), into `dst`.
SHODH_UNFUSED_HD inline void c2rInputElement(const float *src,
                                             const float *factor,
                                             const HalfLayout &g, int64_t e,
                                             float *dst) {
  const int64_t mode = e % halfSizeOf(g), j = mode % g.last;
  const float f = factor ? factor[mode] : 1.0f;
  float re = src[2 * e] * f, im = src[2 * e + 1] * f;
  if (j == 0 || (g.nyquist && j == g.last - 1)) {
    const int64_t p = mode / g.last, k1 = p % g.lead1, k0 = p / g.lead1;
    const int64_t m0 = k0 == 0 ? 0 : g.lead0 - k0,
                  m1 = k1 == 0 ? 0 : g.lead1 - k1;
    const int64_t twinMode = (m0 * g.lead1 + m1) * g.last + j;
    const int64_t twin = e - mode + twinMode;
    if (twin == e) {
      im = 0.0f;
    } else {
      const float ft = factor ? factor[twinMode] : 1.0f;
      re = (re + src[2 * twin] * ft) * 0.5f;
      im = (im - src[2 * twin + 1] * ft) * 0.5f;
    }
  }
  dst[2 * e] = re;
  dst[2 * e + 1] = im;
}

/// Complex element `e` of consecutive half spectra of `halfSize` values,
/// in place: v[e] *= factor[e % halfSize] (irfft_grad's s_inv c_k).
SHODH_UNFUSED_HD inline void scaleModeElement(float *v, const float *factor,
                                              int64_t halfSize, int64_t e) {
  const float f = factor[e % halfSize];
  v[2 * e] *= f;
  v[2 * e + 1] *= f;
}

} // namespace shodh::cuda
