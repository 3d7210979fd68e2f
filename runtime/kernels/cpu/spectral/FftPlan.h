//===- FftPlan.h - Batched real FFTs over trailing axes (FFTW, float) -----===//
//
// `RealFft` transforms `rows` contiguous real grids N_1 x ... x N_d to half
// spectra (r2c) or back (c2r, unnormalised), split into one FFTW plan per
// thread chunk so a fixed pool of threads executes them side by side. Plans
// are made once (in a kernel's `prepare`) on the arrays they will run on;
// FFTW's planner is serialised by a process-wide mutex since it is not
// thread-safe, execution is. c2r destroys its input: callers pass scratch.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/kernels/cpu/spectral/SpectralLayout.h"

#include <functional>
#include <mutex>
#include <string>

namespace shodh {

/// Serialises calls into FFTW's planner (shared by all FFT code).
std::mutex &fftwPlannerMutex();

/// How FFTW plans: FFTW_ESTIMATE (the default; a deterministic heuristic
/// choice) or FFTW_MEASURE (times candidate algorithms: faster transforms,
/// but the choice, and so the last bits of results, can change between
/// processes unless the wisdom of the first is imported by the next).
enum class FftPlanning { Estimate, Measure };

/// Sets the planning mode for transforms planned from now on (process-wide).
void setFftPlanning(FftPlanning mode);
FftPlanning fftPlanning();

/// The FFTW planner flag of the current mode.
unsigned fftwPlannerFlags();

/// How the truncated transforms (TruncatedFft.h) do the last axis, where
/// only the m lowest of N/2 + 1 frequencies are kept: Auto (the default)
/// picks Dft when m <= kDftLastAxisMaxModes, N <= kDftLastAxisMaxLength and
/// the grid is 1-D or has at least 8 lines, else Fftw; Fftw always runs
/// FFTW's r2c/c2r over all N/2 + 1; Dft always multiplies by cos/sin
/// matrices over the kept bins (LineDft.h: after one radix-2 step for
/// grids, two sgemms of depth N/2 per grid; 1-D lines one sgemm per block).
/// A fixed rule, not a measurement, so the choice (and the results' last
/// bits) is the same in every process.
enum class LastAxisTransform { Auto, Fftw, Dft };
constexpr int64_t kDftLastAxisMaxModes = 16;
/// Beyond this the DFT's ~2mN (grids) or 4mN (1-D) FLOPs per line lose to
/// FFTW's N log N, and its matrices (16 m N bytes) grow large.
constexpr int64_t kDftLastAxisMaxLength = 1024;

/// Sets the last-axis mode for transforms planned from now on (process-wide;
/// `shodh-run bench --fft-last-axis`).
void setLastAxisTransform(LastAxisTransform mode);
LastAxisTransform lastAxisTransform();

/// FFTW's accumulated wisdom as text / merges wisdom text into it (false if
/// the text is not valid wisdom). Callers do the file I/O.
std::string exportFftWisdom();
bool importFftWisdom(const std::string &text);

/// Direction of a real transform.
enum class FftDirection { Forward, Inverse };

/// How a normalisation mode scales the forward and inverse transforms.
/// norm: "backward" (1, 1/N), "ortho" (1/sqrt N both), "forward" (1/N, 1).
/// Returns false for an unknown mode.
bool fftScale(const std::string &norm, int64_t n, FftDirection dir, float &scale);

/// A batched r2c or c2r transform split into per-thread chunks.
class RealFft {
public:
  /// Plans `rows` transforms of `grid` between `real` and `half`, in `chunks` pieces.
  RealFft(const std::vector<int64_t> &grid, int64_t rows, FftDirection dir, float *real,
          cfloat *half, int chunks);
  ~RealFft();
  RealFft(const RealFft &) = delete;
  RealFft &operator=(const RealFft &) = delete;

  /// Number of chunks (call `executeChunk` for each, possibly in parallel).
  int chunks() const { return static_cast<int>(plans_.size()); }
  /// Executes chunk `c` on the arrays given at planning time.
  void executeChunk(int c) const;

private:
  struct Chunk {
    void *plan;
    int64_t first;
  };
  std::vector<Chunk> plans_;
  FftDirection dir_;
  float *real_;
  cfloat *half_;
  int64_t realSize_, halfSize_;
};

} // namespace shodh
