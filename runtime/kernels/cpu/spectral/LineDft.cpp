//===- LineDft.cpp - Kept low frequencies of real lines, by GEMM ----------===//
#include "runtime/kernels/cpu/spectral/LineDft.h"
#include "runtime/kernels/cpu/RowBlockGemm.h"
#include "runtime/kernels/cpu/VectorClones.h"
#include "runtime/support/Status.h"

#include <cblas.h>
#include <fmt/format.h>

#include <algorithm>
#include <climits>
#include <cmath>

namespace shodh {

namespace {

/// Appends the forward matrix [rows x 2 bins.size()] of bins `bins` over
/// line positions j < rows of a length-n line (cos, -sin interleaved) and the
/// inverse [2 bins.size() x rows] (w cos, -w sin rows). Angles from
/// (k j mod n) in double.
void appendMatrices(int64_t n, int64_t rows, const std::vector<int64_t> &bins,
                    std::vector<float> &fwd, std::vector<float> &inv) {
  const int64_t c = int64_t(bins.size()), f0 = int64_t(fwd.size()),
                i0 = int64_t(inv.size());
  fwd.resize(size_t(f0 + rows * 2 * c));
  inv.resize(size_t(i0 + 2 * c * rows));
  const double step = 2.0 * M_PI / double(n);
  for (int64_t q = 0; q < c; ++q) {
    const int64_t k = bins[size_t(q)];
    const double w = (k == 0 || 2 * k == n) ? 1.0 : 2.0;
    for (int64_t j = 0; j < rows; ++j) {
      const double a = step * double((k * j) % n);
      const double cs = std::cos(a), sn = std::sin(a);
      fwd[size_t(f0 + j * 2 * c + 2 * q)] = float(cs);
      fwd[size_t(f0 + j * 2 * c + 2 * q + 1)] = float(-sn);
      inv[size_t(i0 + 2 * q * rows + j)] = float(w * cs);
      inv[size_t(i0 + (2 * q + 1) * rows + j)] = float(-w * sn);
    }
  }
}

void gemm(int64_t m, int64_t n, int64_t k, float alpha, const float *a, int64_t lda,
          const float *b, int64_t ldb, float *c, int64_t ldc, float beta = 0.0f) {
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, int(m), int(n), int(k), alpha, a,
              int(lda), b, int(ldb), beta, c, int(ldc));
}

/// The radix-2 step of `lines` lines of 2h floats (x, rows ldx apart) into
/// scratch rows of 2h: [a + b | a - b] for the halves a, b. Cloned per ISA
/// level (the baseline build's loop adds four lanes at a time).
SHODH_VECTOR_CLONES
void splitHalves(const float *__restrict x, int64_t lines, int64_t ldx,
                 int64_t h, float *__restrict scratch) {
  for (int64_t l = 0; l < lines; ++l) {
    const float *a = x + l * ldx, *b = a + h;
    float *s = scratch + l * 2 * h, *d = s + h;
    for (int64_t j = 0; j < h; ++j) {
      s[j] = a[j] + b[j];
      d[j] = a[j] - b[j];
    }
  }
}

/// Its inverse's recombination from scratch rows [E | O] of 2h floats: the
/// halves of each line of x (rows ldx apart) become E + O and E - O, added
/// onto x with `accumulate`.
SHODH_VECTOR_CLONES
void joinHalves(const float *__restrict scratch, int64_t lines, int64_t h,
                float *__restrict x, int64_t ldx, bool accumulate) {
  for (int64_t l = 0; l < lines; ++l) {
    const float *e = scratch + l * 2 * h, *od = e + h;
    float *a = x + l * ldx, *b = a + h;
    if (accumulate)
      for (int64_t j = 0; j < h; ++j) {
        a[j] += e[j] + od[j];
        b[j] += e[j] - od[j];
      }
    else
      for (int64_t j = 0; j < h; ++j) {
        a[j] = e[j] + od[j];
        b[j] = e[j] - od[j];
      }
  }
}

} // namespace

LineDft::LineDft(int64_t n, int64_t m, bool split)
    : n_(n), m_(m), split_(split && n % 2 == 0 && n >= 4) {
  if (n < 1 || m < 1 || m > n / 2 + 1 || 2 * n * (m + 1) > INT_MAX)
    throw Error(fmt::format("the direct DFT of lines of length {} keeping {} bins is out of "
                            "range (needs 1 <= m <= n/2 + 1 and 2n(m + 1) <= {}); use "
                            "--fft-last-axis fftw",
                            n, m, INT_MAX));
  std::vector<int64_t> even, odd;
  for (int64_t k = 0; k < m; ++k)
    (split_ && k % 2 ? odd : even).push_back(k);
  me_ = int64_t(even.size()), mo_ = int64_t(odd.size());
  appendMatrices(n, split_ ? n / 2 : n, even, fwd_, inv_);
  if (split_)
    appendMatrices(n, n / 2, odd, fwd_, inv_);
}

int64_t LineDft::column(int64_t k) const {
  return split_ ? (k % 2 ? me_ + k / 2 : k / 2) : k;
}

void LineDft::forward(const float *x, int64_t lines, int64_t ldx, cfloat *out,
                      int64_t ldo, float alpha, float *scratch,
                      int64_t block) const {
  auto *o = reinterpret_cast<float *>(out);
  if (!split_)
    return sgemmRowBlock(CblasNoTrans, lines, block, 2 * m_, n_, x, ldx,
                         fwd_.data(), 2 * m_, 0.0f, o, 2 * ldo, alpha);
  const int64_t h = n_ / 2;
  splitHalves(x, lines, ldx, h, scratch); // [sums | differences] per line
  gemm(lines, 2 * me_, h, alpha, scratch, n_, fwd_.data(), 2 * me_, o, 2 * ldo);
  if (mo_)
    gemm(lines, 2 * mo_, h, alpha, scratch + h, n_, fwd_.data() + h * 2 * me_, 2 * mo_,
         o + 2 * me_, 2 * ldo);
}

void LineDft::inverse(const cfloat *in, int64_t lines, int64_t ldi, float *x,
                      int64_t ldx, float alpha, float *scratch, bool accumulate,
                      int64_t block) const {
  const auto *i = reinterpret_cast<const float *>(in);
  if (!split_)
    return sgemmRowBlock(CblasNoTrans, lines, block, n_, 2 * m_, i, 2 * ldi,
                         inv_.data(), n_, accumulate ? 1.0f : 0.0f, x, ldx,
                         alpha);
  const int64_t h = n_ / 2;
  gemm(lines, h, 2 * me_, alpha, i, 2 * ldi, inv_.data(), h, scratch, n_);
  if (mo_)
    gemm(lines, h, 2 * mo_, alpha, i + 2 * me_, 2 * ldi, inv_.data() + 2 * me_ * h, h,
         scratch + h, n_);
  else // no odd bins (m = 1): O = 0
    for (int64_t l = 0; l < lines; ++l)
      std::fill(scratch + l * n_ + h, scratch + (l + 1) * n_, 0.0f);
  joinHalves(scratch, lines, h, x, ldx, accumulate);
}

} // namespace shodh
