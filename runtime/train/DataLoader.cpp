//===- DataLoader.cpp - Batches of normalised samples, prefetched ---------===//
#include "runtime/train/DataLoader.h"
#include "runtime/support/Status.h"
#include "runtime/train/Shuffle.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <numeric>

namespace shodh {

DataLoader::DataLoader(const TrainingData &data, const Normalizer &norm,
                       LoaderOptions options, LoaderPosition start)
    : data_(data), norm_(norm), options_(options), n_(data.samples()) {
  if (options_.batch < 1)
    throw Error(
        fmt::format("batch size must be at least 1 (got {})", options_.batch));
  if (options_.training && n_ < options_.batch)
    throw Error(fmt::format("'{}' holds {} samples, fewer than one batch of {}",
                            data.path, n_, options_.batch));
  if (start.epoch < 0 || start.next < 0 || start.next > n_)
    throw Error(fmt::format(
        "'{}': loader position (epoch {}, sample {}) is outside the data "
        "({} samples)",
        data.path, start.epoch, start.next, n_));
  consumed_ = advance(start, 0);
  thread_ = std::thread([this] { produce(); });
}

DataLoader::~DataLoader() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

int64_t DataLoader::batchesPerEpoch() const { return n_ / options_.batch; }

LoaderPosition DataLoader::advance(LoaderPosition p, int64_t rows) const {
  p.next += rows;
  if (options_.training && p.next + options_.batch > n_)
    p = LoaderPosition{p.epoch + 1, 0};
  return p;
}

int64_t DataLoader::rowsAt(LoaderPosition p) const {
  return options_.training ? options_.batch
                           : std::min(options_.batch, n_ - p.next);
}

Batch DataLoader::build(LoaderPosition p) {
  if (options_.training && orderEpoch_ != p.epoch) {
    order_ = epochOrder(n_, options_.seed, p.epoch);
    orderEpoch_ = p.epoch;
  }
  Batch b;
  b.start = p;
  b.rows = rowsAt(p);
  const int64_t inSize = data_.inputsPerSample(),
                outSize = data_.targetsPerSample();
  b.inputs.resize(static_cast<size_t>(b.rows * inSize));
  b.targets.resize(static_cast<size_t>(b.rows * outSize));
  for (int64_t r = 0; r < b.rows; ++r) {
    int64_t s = options_.training ? order_[p.next + r] : p.next + r;
    b.samples.push_back(s);
    std::memcpy(b.inputs.data() + r * inSize,
                data_.inputs.values.data() + s * inSize,
                inSize * sizeof(float));
    std::memcpy(b.targets.data() + r * outSize,
                data_.targets.values.data() + s * outSize,
                outSize * sizeof(float));
  }
  norm_.inputs.normalize(b.inputs.data(), b.rows,
                         inSize / data_.inputs.shape[1]);
  if (options_.normalizeTargets)
    norm_.targets.normalize(b.targets.data(), b.rows,
                            outSize / data_.targets.shape[1]);
  return b;
}

void DataLoader::produce() {
  LoaderPosition p = consumed_;
  try {
    for (;;) {
      if (rowsAt(p) == 0) { // end of an evaluation pass
        std::lock_guard<std::mutex> lock(mutex_);
        finished_ = true;
        changed_.notify_all();
        return;
      }
      Batch b = build(p);
      p = advance(p, b.rows);
      std::unique_lock<std::mutex> lock(mutex_);
      changed_.wait(lock, [this] { return stop_ || !slot_; });
      if (stop_)
        return;
      slot_ = std::move(b);
      changed_.notify_all();
    }
  } catch (...) {
    std::lock_guard<std::mutex> lock(mutex_);
    error_ = std::current_exception();
    changed_.notify_all();
  }
}

std::optional<Batch> DataLoader::next() {
  std::unique_lock<std::mutex> lock(mutex_);
  changed_.wait(lock, [this] { return slot_ || finished_ || error_; });
  if (slot_) {
    std::optional<Batch> b = std::move(slot_);
    slot_.reset();
    changed_.notify_all();
    consumed_ = advance(b->start, b->rows);
    return b;
  }
  if (error_)
    std::rethrow_exception(error_);
  return std::nullopt;
}

} // namespace shodh
