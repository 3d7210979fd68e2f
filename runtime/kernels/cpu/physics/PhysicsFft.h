//===- PhysicsFft.h - Batched real FFTs in f32 and f64 for physics kernels ===//
//
// `FieldFft<T>` (T = float or double) transforms `rows` contiguous real
// grids N_1 x .. x N_d to half spectra (r2c) or back (c2r, unnormalised),
// one grid at a time, so the kernel's pool can run rows side by side and
// every row is transformed by the same plan whatever the thread count (the
// results are bit-identical for every thread count). Rows of one array can
// sit at different SIMD alignments, so there is one single-grid plan per
// alignment class that occurs (at most a few). Plans are made in a kernel's
// `prepare` on the arrays it will run on (FFTW_ESTIMATE: a deterministic
// choice; the planner is serialised by the process-wide FFTW mutex of
// FftPlan.h). `executeRow` may be given other arrays of the same alignment
// (FFTW's new-array execute); a differently aligned array is an error. c2r
// destroys its input: callers pass scratch.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/kernels/cpu/spectral/FftPlan.h"

#include <complex>
#include <cstdint>
#include <string>
#include <vector>

namespace shodh {

/// A batched r2c or c2r transform of element type T, in chunks of rows.
template <typename T> class FieldFft {
public:
  /// Plans `rows` transforms of `grid` between `real` and `half`; `where`
  /// prefixes error messages.
  FieldFft(const std::vector<int64_t> &grid, int64_t rows, FftDirection dir,
           T *real, std::complex<T> *half, std::string where);
  ~FieldFft();
  FieldFft(const FieldFft &) = delete;
  FieldFft &operator=(const FieldFft &) = delete;

  /// Number of rows (grids).
  int64_t rows() const { return rows_; }
  /// Transforms row `r` of `real` and `half` (whole arrays, as at planning).
  void executeRow(int64_t r, T *real, std::complex<T> *half) const;

private:
  /// The single-grid plan for one alignment class of (real, half) rows.
  struct AlignedPlan {
    void *plan;
    int realAlign, halfAlign;
  };
  /// The plan for rows at these alignments, or null.
  void *planFor(int realAlign, int halfAlign) const;

  std::vector<AlignedPlan> plans_;
  int64_t rows_ = 0;
  FftDirection dir_;
  int64_t realSize_ = 1, halfSize_ = 1;
  std::string where_;
};

extern template class FieldFft<float>;
extern template class FieldFft<double>;

} // namespace shodh
