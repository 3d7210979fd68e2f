//===- EvalReport.h - The numbers of `shodh-run eval` ---------------------===//
//
// `shodh-run eval` reports relative L2 and MSE (physical units) per data
// file, over all files, and per domain label when a file has an integer
// dataset `domain` (N) (names from its string attribute `labels`, else
// "domain <id>"; the same (id, name) in several files is one group). With
// `--divergence spectral|fd2` every group also gets the largest and the mean
// divergence figure of its predicted velocities (VelocityDivergence.h).
// `EvalReport` holds the groups and writes them as terminal lines and as
// the JSON of `--metrics-json`. Files and "all" also hold the errors of
// each target channel alone (velocity components, pressure, ...).
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/train/Metrics.h"

#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace shodh {

/// The divergence figures of a group's samples.
struct DivergenceTally {
  double max = 0.0, sum = 0.0;
  int64_t samples = 0;

  /// Adds one sample's figure.
  void add(double figure);
  /// Mean figure (0 without samples).
  double mean() const { return samples ? sum / double(samples) : 0.0; }
};

/// Errors and divergence of one group of samples.
struct EvalGroup {
  std::string name; ///< printed name: file, "all", or domain label
  std::string path; ///< the data file (files only)
  ErrorMetrics error;
  DivergenceTally divergence;
  /// Files and "all" with several target channels: the errors of each
  /// channel alone (relative L2 per sample and channel), and the channels'
  /// names (the `fields` attribute of `targets`; empty without one).
  std::vector<ErrorMetrics> channels;
  std::vector<std::string> channelNames;

  /// Adds one sample's per-channel errors (`inner` values per channel).
  void addChannels(const float *prediction, const float *target, int64_t inner);
  /// "u_x", or "2" without names.
  std::string channelName(size_t c) const;
};

/// The domain of every sample of one data file.
struct DomainLabels {
  std::vector<int64_t> ids;       ///< per sample; empty without `domain`
  std::vector<std::string> names; ///< the `labels` attribute of `domain`

  /// Reads dataset `domain` and its `labels` of `path` (none if absent);
  /// throws `Error` if `domain` is not an integer vector of `samples`.
  static DomainLabels read(const std::string &path, int64_t samples);
  /// labels[id], or "domain <id>" without a label for `id`.
  std::string name(int64_t id) const;
};

/// Every group of one evaluation.
class EvalReport {
public:
  /// `divergence`: "spectral", "fd2" or empty (not measured).
  explicit EvalReport(std::string divergence)
      : divergence_(std::move(divergence)) {}

  /// A new file group named `name` (the reference stays valid).
  EvalGroup &addFile(std::string name, std::string path);
  /// The group of domain `id` named `label` (created on first use).
  EvalGroup &domain(int64_t id, const std::string &label);
  /// The files' errors and divergence together.
  EvalGroup all() const;

  /// One terminal line: "name: 6 samples, relative L2 .., MSE ..[, ...]".
  std::string line(const EvalGroup &g) const;
  /// The per-channel line of a group with several channels ("  per
  /// channel relative L2: u_x 0.0291, u_y 0.0402"; the first
  /// kMaxChannelLines; the JSON has every channel with its MSE too).
  std::string channelLines(const EvalGroup &g) const;
  static constexpr size_t kMaxChannelLines = 16;
  /// The lines after the files: "all" (several files) and the domains.
  std::string summary() const;
  /// The JSON object of `--metrics-json`; `routingJson` (RoutingStats::json)
  /// is embedded as "routing" unless empty.
  std::string json(const std::string &routingJson) const;

private:
  /// A group as a JSON object (`extra` holds leading fields).
  std::string groupJson(const EvalGroup &g, const std::string &extra) const;

  std::string divergence_;
  std::deque<EvalGroup> files_; ///< stable references for addFile
  std::map<std::pair<int64_t, std::string>, EvalGroup> domains_;
};

} // namespace shodh
