//===- TruncatedFft.h - Real grids <-> truncated spectra, pruned ----------===//
//
// The forward and inverse transforms between real grids N_1 x ... x N_d and
// the truncated corner layout of SpectralLayout.h, computed one grid at a
// time by staged 1-D FFTW transforms that skip what truncation discards:
//
//   forward: r2c along the last axis (all lines), then c2c along each full
//            axis a = d-1 .. 1, only over the lines whose later indices are
//            kept (corner blocks, last-axis index < m_d); gather the corners.
//   inverse: zero a half spectrum (with the direct DFT below: only the
//            entries it reads that no corner fills), scatter the corners,
//            c2c along a = 1 .. d-1 over the same pruned line sets, c2r
//            along the last axis.
//
// For FNO's 64² grid with 12 modes this does the column transforms on 12 of
// 33 columns, a third fewer butterflies than a full 2-D r2c/c2r, and the
// half spectrum of one grid (17 KiB) stays in cache instead of a batch-sized
// buffer. Each thread chunk owns a scratch half spectrum; plans are made
// once, in `prepare`, and executed through FFTW's new-array interface.
//
// The last axis keeps only m_d of its N_d/2 + 1 frequencies; for small m_d
// (LastAxisTransform in FftPlan.h) its r2c / c2r are replaced by a direct
// DFT over the kept ones (LineDft.h), sgemm products per grid with cos/sin
// matrices made once, after one radix-2 step that halves them (the kept
// columns of the half spectrum then hold the even bins first; the gather
// index follows). ~2mN FLOPs per line against FFTW's ~2.5 N log2 N, but at
// GEMM speed: for 64² grids with 12 modes the line transforms take well
// under half FFTW's time (docs/benchmarks.md § Roofline).
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/kernels/cpu/spectral/FftPlan.h"
#include "runtime/kernels/cpu/spectral/SpectralLayout.h"

#include <functional>
#include <memory>
#include <vector>

namespace shodh {

class LineDft;
class ThreadPool;

/// Pruned transforms between `rows` real grids and truncated spectra.
class TruncatedFft {
public:
  /// Plans for geometry `g`, with scratch for `threads` concurrent chunks;
  /// `lastAxis` as in FftPlan.h (default: the process-wide setting).
  TruncatedFft(const SpectralGeometry &g, int threads,
               LastAxisTransform lastAxis = lastAxisTransform());
  ~TruncatedFft();
  TruncatedFft(const TruncatedFft &) = delete;
  TruncatedFft &operator=(const TruncatedFft &) = delete;

  /// trunc[r] = scale * corners of rfft(real[r]) for r < rows; grids are
  /// contiguous (stride = grid size), blocks contiguous (stride truncSize).
  void forward(ThreadPool *pool, const float *real, cfloat *trunc, int64_t rows,
               float scale = 1.0f) const;

  /// forward() of `rows` rows on the calling thread with scratch `chunk`
  /// (< chunks()), for callers that parallelise themselves; 1-D lines in
  /// blocks of 256 from the first row, as inverseRows.
  void forwardRows(const float *real, cfloat *trunc, int64_t rows, float scale,
                   int chunk) const;

  /// Called on each stretch [offset, offset + n) of `real` right after the
  /// inverse wrote it (one grid, or a block of 1-D lines), on the thread
  /// that wrote it, while it is in cache (spectral_conv's addend and GELU).
  using Epilogue = std::function<void(int64_t offset, int64_t n)>;

  /// real[r] = irfft (unnormalised) of the half spectrum holding
  /// scale * trunc[r] in its corners and zeros elsewhere (added onto real[r]
  /// with `accumulate`); then `epilogue`.
  void inverse(ThreadPool *pool, const cfloat *trunc, float *real, int64_t rows,
               float scale, const Epilogue *epilogue = nullptr,
               bool accumulate = false) const;

  /// inverse() of `rows` rows on the calling thread with scratch `chunk`
  /// (< chunks()), for callers that parallelise themselves; `accumulate`
  /// adds the transforms onto `real` instead of overwriting it. Grids go
  /// one at a time (results as inverse()'s); 1-D lines in blocks of 256
  /// from the first row (results depend only on `rows`).
  void inverseRows(const cfloat *trunc, float *real, int64_t rows, float scale,
                   bool accumulate, int chunk, const Epilogue *epilogue = nullptr) const;
  /// Concurrent chunks the scratch allows (the `threads` of the constructor).
  int chunks() const { return static_cast<int>(scratch_.size()); }

  /// Whether `batch` elements split evenly over the chunks, at least one
  /// each: then forEachElement gives every chunk the same number of whole
  /// batch elements (the fused spectral kernels keep an element's grids in
  /// cache from one stage to the next that way).
  bool splitsByElement(int64_t batch) const {
    return batch >= chunks() && batch % chunks() == 0;
  }
  /// Batch elements per grouped pass of the fused layers (their per-mode
  /// mixing runs on a group's spectra at once): 2 when every chunk gets an
  /// even number of whole elements, else 1 when splitsByElement(batch),
  /// else 0 (no grouping).
  /// `scratchBytes`: the per-thread scratch one element needs (its output
  /// grids); past kMaxGroupScratch it would not stay cached anyway, and
  /// the session's scratch would grow with the thread count: 0.
  int64_t elementGroup(int64_t batch, int64_t scratchBytes) const {
    if (scratchBytes > kMaxGroupScratch)
      return 0;
    for (int64_t g : {2, 1})
      if (batch % g == 0 && splitsByElement(batch / g))
        return g;
    return 0;
  }
  /// The largest per-thread scratch of the grouped form (4 MiB).
  static constexpr int64_t kMaxGroupScratch = int64_t(4) << 20;
  /// Runs fn(chunk, b) for every b < batch on `pool` (inline without one),
  /// chunk c taking b in [batch·c/chunks, batch·(c+1)/chunks) in order, so
  /// fn may pass `chunk` to forwardRows / inverseRows.
  void forEachElement(ThreadPool *pool, int64_t batch,
                      const std::function<void(int chunk, int64_t b)> &fn) const;

  /// Whether the last axis runs as a direct DFT (sgemm) rather than FFTW.
  bool lastAxisDft() const { return dft_; }

private:
  struct Stage; // one guru plan and the offset of its line set
  struct Scratch;
  void forwardOne(const float *real, cfloat *trunc, float scale, Scratch &s) const;
  void inverseOne(const cfloat *trunc, float *real, float scale, bool accumulate,
                  Scratch &s) const;

  SpectralGeometry geom_;
  std::vector<int64_t> index_; ///< truncated element -> half-spectrum offset
  /// With the direct DFT: the runs (offset, count) of half-spectrum entries
  /// the inverse reads (last-axis index < m_d) that no kept mode fills,
  /// zeroed before each scatter instead of the whole half spectrum.
  std::vector<std::pair<int64_t, int64_t>> zeroRuns_;
  int64_t realSize_ = 0, halfSize_ = 0, lines_ = 0;
  void *r2c_ = nullptr, *c2r_ = nullptr;
  bool dft_ = false;
  std::unique_ptr<LineDft> line_; ///< the last axis when dft_
  std::vector<Stage> forwardStages_, inverseStages_;
  mutable std::vector<std::unique_ptr<Scratch>> scratch_;
};

} // namespace shodh
