//===- DataLoader.h - Batches of normalised samples, prefetched -----------===//
//
// A `DataLoader` cuts a `TrainingData` into batches. For training it shuffles
// every epoch (`epochOrder(n, seed, epoch)`), returns only full batches
// (drop_last: the n mod batch samples left at the end of an epoch are skipped
// that epoch) and runs through epochs without end; for evaluation it visits
// the samples once, in file order, with a last partial batch.
//
// A background thread prepares the next batch — gathering the samples and
// normalising them — while the caller runs the current one. A batch depends
// only on the loader's position (epoch, index of the next sample in that
// epoch's order), never on timing, so a run restarted at a saved `position()`
// sees exactly the batches the original run would have seen.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/train/Normalizer.h"
#include "runtime/train/TrainingData.h"

#include <condition_variable>
#include <cstdint>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace shodh {

/// How a loader walks through the data.
struct LoaderOptions {
  int64_t batch = 1; ///< samples per batch (>= 1)
  bool training =
      true; ///< shuffle, drop_last, endless epochs; else one ordered pass
  uint64_t seed = 0; ///< shuffling seed
  bool normalizeTargets =
      true; ///< false: targets stay in physical units (evaluation)
};

/// Where a loader stands: the next batch starts at sample `order[next]` of
/// epoch `epoch`. Positions are canonical: for training, `next + batch <= n`.
struct LoaderPosition {
  int64_t epoch = 0;
  int64_t next = 0;

  bool operator==(const LoaderPosition &o) const {
    return epoch == o.epoch && next == o.next;
  }
};

/// One batch: `rows` samples, inputs (normalised) and targets, row-major.
struct Batch {
  LoaderPosition start; ///< position of the batch's first sample
  int64_t rows = 0;
  std::vector<int64_t> samples; ///< indices into the data set
  std::vector<float> inputs;
  std::vector<float> targets;
};

/// Batches of a data set, prepared one ahead on a background thread.
class DataLoader {
public:
  /// Starts the prefetch thread at `start`. Throws `Error` if the batch is
  /// not positive, or for training if the data holds fewer samples than one
  /// batch, or if `start` lies outside the data.
  DataLoader(const TrainingData &data, const Normalizer &norm,
             LoaderOptions options, LoaderPosition start = {});
  /// Stops and joins the prefetch thread.
  ~DataLoader();
  DataLoader(const DataLoader &) = delete;
  DataLoader &operator=(const DataLoader &) = delete;

  /// The next batch (waiting for the prefetch thread), or nothing once an
  /// evaluation pass is over. Rethrows an exception from the thread.
  std::optional<Batch> next();
  /// The position after the last batch returned: what a checkpoint stores.
  LoaderPosition position() const { return consumed_; }
  /// Full batches per training epoch (floor(n / batch)).
  int64_t batchesPerEpoch() const;

private:
  /// The position after a batch of `rows` starting at `p`, made canonical.
  LoaderPosition advance(LoaderPosition p, int64_t rows) const;
  /// Rows of the batch starting at `p` (0 at the end of an evaluation pass).
  int64_t rowsAt(LoaderPosition p) const;
  /// Gathers and normalises the batch at `p` (prefetch thread).
  Batch build(LoaderPosition p);
  /// The prefetch thread's loop.
  void produce();

  const TrainingData &data_;
  const Normalizer &norm_;
  LoaderOptions options_;
  int64_t n_;
  LoaderPosition consumed_;

  // Owned by the prefetch thread.
  std::vector<int64_t> order_;
  int64_t orderEpoch_ = -1;

  // Shared, guarded by mutex_.
  std::mutex mutex_;
  std::condition_variable changed_;
  std::optional<Batch> slot_;
  bool finished_ = false; ///< the thread produced the end of an evaluation pass
  bool stop_ = false;
  std::exception_ptr error_;
  std::thread thread_;
};

} // namespace shodh
