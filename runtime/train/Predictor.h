//===- Predictor.h - Running `infer` over a data set with metrics ---------===//
//
// `Predictor` feeds a data set through a session's `infer` program in
// batches, in file order: inputs are normalised with the run's statistics,
// predictions de-normalised with the target statistics, and compared with
// the stored targets (`ErrorMetrics`, physical units). Validation during
// training and `shodh-run eval` both use it. A last partial batch
// re-prepares the program for fewer rows, or is zero-padded when the batch
// dimension is static.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/core/Session.h"
#include "runtime/train/DataLoader.h"
#include "runtime/train/Metrics.h"
#include "runtime/train/Normalizer.h"
#include "runtime/train/TrainContract.h"
#include "runtime/train/TrainingData.h"

#include <cstdint>
#include <functional>

namespace shodh {

/// Checks that `data` has the channels `norm` was computed for; throws
/// "'f.h5': dataset 'inputs' has 4 channels but the normalisation has 3".
void checkChannels(const TrainingData &data, const Normalizer &norm);

/// Evaluates a session's `infer` program on data sets.
class Predictor {
public:
  /// Checks the `infer` contract. `batch` is the number of samples per call
  /// (replaced by the static batch dim if the program has one).
  Predictor(Session &session, const Normalizer &norm, int64_t batch);

  /// Sees each batch's `batch.rows` de-normalised predictions (rows x
  /// values per sample, physical units) with the batch (sample indices,
  /// stored targets).
  using BatchObserver =
      std::function<void(const Batch &batch, const float *predictions)>;

  /// Metrics of the predictions on `data` against its targets. Checks the
  /// data's shapes against the program first. `observe`, if set, is called
  /// on every batch (shodh-run eval's per-domain and divergence figures).
  ErrorMetrics evaluate(const TrainingData &data,
                        const BatchObserver &observe = {});

private:
  /// Prepares `infer` for `rows` samples shaped like `data`, if needed.
  void prepareFor(const TrainingData &data, int64_t rows);

  Session &session_;
  const Normalizer &norm_;
  PredictOperands ops_;
  int64_t batch_;
  bool staticBatch_;
  int64_t preparedRows_ = -1;
  std::vector<int64_t> preparedShape_;
};

} // namespace shodh
