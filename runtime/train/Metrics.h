//===- Metrics.h - Relative L2 and MSE of predictions ---------------------===//
//
// `ErrorMetrics` accumulates, over samples, the two numbers `eval`,
// validation and `infer` report, always in physical units (predictions
// de-normalised, targets as stored), in double:
//
//   relative L2 = mean over samples i of ‖pᵢ − tᵢ‖₂ / ‖tᵢ‖₂   (‖pᵢ − tᵢ‖₂ if tᵢ
//   = 0) MSE         = Σ (p − t)² / (number of values)
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>

namespace shodh {

/// Σ (p − t)² and Σ t² of `n` values, in double.
struct SquaredSums {
  double error = 0, target = 0;

  /// Adds the `n` values of `prediction` against `target`.
  void add(const float *prediction, const float *target, int64_t n);
};

/// Running relative-L2 and MSE sums.
class ErrorMetrics {
public:
  /// Adds one sample of `n` values.
  void addSample(const float *prediction, const float *target, int64_t n);
  /// Adds one sample of `n` values given its sums (a sample assembled from
  /// several pieces).
  void addSampleSums(const SquaredSums &sums, int64_t n);
  /// Adds `rows` consecutive samples of `perSample` values each.
  void addBatch(const float *prediction, const float *target, int64_t rows,
                int64_t perSample);
  /// Adds another accumulator's sums.
  void merge(const ErrorMetrics &other);

  /// Mean per-sample relative L2 error (0 without samples).
  double relL2() const { return samples_ ? relL2Sum_ / double(samples_) : 0.0; }
  /// Mean squared error per value (0 without samples).
  double mse() const { return values_ ? sqErrSum_ / double(values_) : 0.0; }
  /// Samples seen.
  int64_t samples() const { return samples_; }

private:
  double relL2Sum_ = 0, sqErrSum_ = 0;
  int64_t samples_ = 0, values_ = 0;
};

} // namespace shodh
