//===- MetricsLog.h - metrics.jsonl: one JSON record per logged step ------===//
//
// Each logged step appends one line (flushed at once, so `tail -f` and a
// crash both see every finished record):
//
//   {"step": 200, "epoch": 3, "loss": 0.0123, "loss_avg": 0.0131, "lr":
//   0.00098,
//    "val_rel_l2": 0.045, "val_mse": 1.2e-05, "seconds": 12.5}
//
// `loss` is the training loss of that step (normalised units, as computed
// by `train_step`), `loss_avg` its mean over the steps since the previous
// record, `lr` the learning rate the step used, `val_*` the validation
// metrics in physical units (null when no validation ran at that step) and
// `seconds` the training wall time so far (continued across resumes). A
// model with auxiliary loss terms or PI controllers adds their values at that
// step before `seconds` ("aux.balance": 0.8, "pi.balance": 0.05;
// docs/training.md). A non-finite number is written as null. On `--resume` the
// file keeps the records up to the checkpoint's step and drops the later ones,
// so a resumed run leaves the file an uninterrupted run would have written.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace shodh {

/// One line of metrics.jsonl.
struct MetricsRecord {
  int64_t step = 0;
  int64_t epoch = 0;
  double loss = 0;
  double lossAvg = 0;
  double lr = 0;
  std::optional<double> valRelL2;
  std::optional<double> valMse;
  /// Wall time the validation of this step took.
  std::optional<double> valSeconds;
  double seconds = 0;
  /// Logged `train_step` outputs ("aux.*", "pi.*") and their values.
  std::vector<std::pair<std::string, double>> terms = {};
};

/// The record as one JSON object (no newline).
std::string toJson(const MetricsRecord &r);

/// Appends records to a metrics.jsonl file.
class MetricsLog {
public:
  /// Opens `path`: a new run (`keepUpToStep` < 0) starts an empty file; a
  /// resumed one keeps the records with step <= `keepUpToStep`. Throws
  /// `Error` if the file cannot be written.
  MetricsLog(std::string path, int64_t keepUpToStep);
  ~MetricsLog();
  MetricsLog(const MetricsLog &) = delete;
  MetricsLog &operator=(const MetricsLog &) = delete;

  /// Appends and flushes one record.
  void append(const MetricsRecord &r);

private:
  std::string path_;
  std::FILE *file_ = nullptr;
};

} // namespace shodh
