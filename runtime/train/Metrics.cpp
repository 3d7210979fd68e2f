//===- Metrics.cpp - Relative L2 and MSE of predictions -------------------===//
#include "runtime/train/Metrics.h"

#include <cmath>

namespace shodh {

void ErrorMetrics::addSample(const float *prediction, const float *target,
                             int64_t n) {
  double err = 0, norm = 0;
  for (int64_t i = 0; i < n; ++i) {
    double d = double(prediction[i]) - double(target[i]);
    err += d * d, norm += double(target[i]) * double(target[i]);
  }
  addSampleSums(err, norm, n);
}

void ErrorMetrics::addSampleSums(double sqErr, double sqTarget, int64_t n) {
  relL2Sum_ += sqTarget > 0 ? std::sqrt(sqErr / sqTarget) : std::sqrt(sqErr);
  sqErrSum_ += sqErr;
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
