//===- LineDft.h - Kept low frequencies of real lines, by GEMM ------------===//
//
// The m lowest frequencies of real lines of length n (rfft bins 0..m-1) and
// back (the c2r of a half spectrum zero beyond m, unnormalised), as sgemm
// products with cos/sin matrices made once: the direct DFT over only the
// kept bins, which at FNO sizes beats a full FFT (TruncatedFft.h).
//
// With `split` (n even) one radix-2 step in frequency halves the products:
//   X_2k   = sum_{j<n/2} (x_j + x_{j+n/2}) e^{-2πi k j/(n/2)}
//   X_2k+1 = sum_{j<n/2} (x_j - x_{j+n/2}) e^{-2πi (2k+1) j/n}
// two GEMMs of depth n/2, the even bins first in the output (column(k)),
// and for the inverse x_j = E_j + O_j, x_{j+n/2} = E_j - O_j with E and O
// the even and odd bins' sums. Without it the output is in bin order.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/kernels/cpu/spectral/SpectralLayout.h"

#include <cstdint>
#include <vector>

namespace shodh {

class LineDft {
public:
  /// Lines of length `n` keeping bins [0, m), 1 <= m <= n/2 + 1; `split`
  /// asks for the radix-2 form (ignored unless n is even and >= 4).
  LineDft(int64_t n, int64_t m, bool split);

  bool split() const { return split_; }
  /// The output column of bin k (k itself unless split).
  int64_t column(int64_t k) const;
  /// Floats of scratch forward / inverse need per call: lines * n when
  /// split, else 0.
  int64_t scratchFloats(int64_t lines) const { return split_ ? lines * n_ : 0; }

  /// out[l, column(k)] = alpha * sum_j x[l, j] e^{-2πi kj/n} for l < lines;
  /// x's lines `ldx` floats apart, out's `ldo` complex apart. Unsplit, with
  /// `block` >= lines: one sgemm of `block` rows (sgemmRowBlock), so that a
  /// line's bits do not depend on how many lines share the call.
  void forward(const float *x, int64_t lines, int64_t ldx, cfloat *out,
               int64_t ldo, float alpha, float *scratch,
               int64_t block = 0) const;
  /// x[l, j] = alpha * sum_k w_k Re(in[l, column(k)] e^{2πi kj/n}), w_k = 2
  /// except 1 at k = 0 and k = n/2 (so DC's and Nyquist's imaginary parts
  /// drop out, as in FFTW's and numpy's c2r); `accumulate` adds onto x.
  /// `block` as in forward.
  void inverse(const cfloat *in, int64_t lines, int64_t ldi, float *x,
               int64_t ldx, float alpha, float *scratch,
               bool accumulate = false, int64_t block = 0) const;

private:
  int64_t n_, m_, me_ = 0, mo_ = 0;
  bool split_;
  // Unsplit: fwd_ [n x 2m], inv_ [2m x n]. Split: fwd_ = even [n/2 x 2me]
  // then odd [n/2 x 2mo]; inv_ = even [2me x n/2] then odd [2mo x n/2].
  std::vector<float> fwd_, inv_;
};

} // namespace shodh
