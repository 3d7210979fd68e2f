//===- Normalizer.h - Per-channel normalisation of inputs and targets -----===//
//
// Training feeds the model normalised data: every channel c of the inputs
// (and, separately, of the targets) is mapped to (x − mean[c]) / std[c], the
// statistics computed once on the training set. The channel axis is axis 1
// of a dataset (samples, channels, spatial...); mean and std run over the
// samples and all spatial positions, accumulated in double:
//
//   mean[c] = Σ x / m,   std[c] = max(sqrt(Σ (x − mean[c])² / m), 1e-8)
//
// with m = samples × spatial points (numpy's `x.mean(axis=(0,2,3))` and
// `x.std(axis=(0,2,3))`, ddof = 0). Predictions are de-normalised with the
// target statistics (y·std + mean) before metrics are computed or outputs
// written, so every reported number is in physical units. Checkpoints store
// the statistics as the f64 [C] state tensors `norm.input.mean`,
// `norm.input.std`, `norm.target.mean`, `norm.target.std`.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/data/Hdf5File.h"

#include <cstdint>
#include <string>
#include <vector>

namespace shodh {

/// Smallest standard deviation used for scaling (constant channels).
constexpr double kStdFloor = 1e-8;

/// Mean and standard deviation of each channel.
struct ChannelStats {
  std::vector<double> mean;
  std::vector<double> std;

  /// Number of channels.
  int64_t channels() const { return static_cast<int64_t>(mean.size()); }
  /// Statistics that leave data unchanged (mean 0, std 1).
  static ChannelStats identity(int64_t channels);
  /// True if these statistics leave data unchanged (every mean 0, std 1).
  bool isIdentity() const;
  /// Maps `rows` samples of `channels()` × `inner` values to (x − mean)/std
  /// (T = float or double; computed in double).
  template <typename T>
  void normalize(T *values, int64_t rows, int64_t inner) const;
  /// Maps `rows` samples back: x·std + mean.
  template <typename T>
  void denormalize(T *values, int64_t rows, int64_t inner) const;
};

/// Per-channel statistics of `a` (samples, channels, spatial...), channel
/// axis 1, double accumulation, two passes (mean, then squared deviations).
ChannelStats computeChannelStats(const FloatArray &a);

/// RMS of the float32 rounding error of values near |mean|, relative to
/// std: ulp(|mean|) / sqrt(12) / std (8.8e-4 for 300 ± 0.01). Training reads
/// data as float32, so this is a floor under the error of a channel whose
/// mean is large against its spread, whatever the file's type.
double f32RoundingRelativeToStd(double mean, double std);

/// Notes for the channels of `stats` whose float32 rounding error exceeds
/// 1e-4 of their std, one line per dataset (empty if none): "'inputs'
/// channel 0 (mean 300, std 0.01: 0.00088 of the std): training reads
/// every file as float32, which rounds ...".
std::vector<std::string> precisionNotes(const ChannelStats &stats,
                                        const std::string &dataset);

/// The statistics of inputs and targets used by a training run.
struct Normalizer {
  ChannelStats inputs;
  ChannelStats targets;
};

} // namespace shodh
