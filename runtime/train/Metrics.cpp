//===- Metrics.cpp - Relative L2 and MSE of predictions -------------------===//
#include "runtime/train/Metrics.h"

#include <cmath>

namespace shodh {

void SquaredSums::add(const float *prediction, const float *target, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    double d = double(prediction[i]) - double(target[i]);
    error += d * d, this->target += double(target[i]) * double(target[i]);
  }
}

void ErrorMetrics::addSample(const float *prediction, const float *target,
                             int64_t n) {
  SquaredSums sums;
  sums.add(prediction, target, n);
  addSampleSums(sums, n);
}

void ErrorMetrics::addSampleSums(const SquaredSums &sums, int64_t n) {
  relL2Sum_ += sums.target > 0 ? std::sqrt(sums.error / sums.target)
                               : std::sqrt(sums.error);
  sqErrSum_ += sums.error;
  samples_ += 1, values_ += n;
}

void ErrorMetrics::addBatch(const float *prediction, const float *target,
                            int64_t rows, int64_t perSample) {
  for (int64_t r = 0; r < rows; ++r)
    addSample(prediction + r * perSample, target + r * perSample, perSample);
}

void ErrorMetrics::merge(const ErrorMetrics &o) {
  relL2Sum_ += o.relL2Sum_, sqErrSum_ += o.sqErrSum_;
  samples_ += o.samples_, values_ += o.values_;
}

} // namespace shodh
