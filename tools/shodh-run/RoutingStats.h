//===- RoutingStats.h - Routing statistics of `shodh-run eval` ------------===//
//
// The compiler's @eval returns, per `shodh.top_k` i of a model, the expert
// ids `routing.<i>.experts` (B, T, k) i64 and, when present, the dispatch
// offsets `routing.<i>.offsets` (E+1) i64 and the spectral energy its router
// read `routing.<i>.energy` (B, T, bands) f32 (docs/experts.md).
// `RoutingStats` accumulates them over a data set and reports, per routing
// layer: assignments per expert (count and share), dropped assignments
// (capacity), the mean energy per band of the tokens sent to each expert
// with its energy-weighted mean band, and — given a domain label per sample
// (the integer dataset `domain` of the data file) — the share of each
// domain's assignments that went to each expert. Text for the terminal,
// JSON for `--routing-json`; counts are exact integers, means are summed in
// double in sample order, so the report is deterministic.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/core/Kernel.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace shodh {

/// The tensors of one routing layer for one batch.
struct RoutingBatch {
  const TensorRef *experts = nullptr; ///< (B, T, k) i64, required
  const TensorRef *offsets = nullptr; ///< (E+1) i64 or null
  const TensorRef *energy = nullptr;  ///< (B, T, bands) f32 or null
};

/// Statistics of one routing layer.
struct RoutingLayerStats {
  std::string name;    ///< "routing.0"
  int64_t experts = 0; ///< E (from offsets, else the largest id + 1)
  int64_t k = 0;       ///< slots per token
  int64_t tokens = 0;  ///< tokens seen (samples × T)
  int64_t dropped = 0; ///< assignments beyond an expert's capacity
  bool hasOffsets = false;
  std::vector<int64_t> assigned; ///< per expert
  int64_t bands = 0;             ///< 0 without energy
  std::vector<double> energySum; ///< [expert][band], over assigned tokens
  /// Per domain label: assignments per expert.
  std::map<int64_t, std::vector<int64_t>> domains;

  /// Total assignments (tokens × k).
  int64_t assignments() const { return tokens * k; }
  /// Mean energy of band `b` over the tokens sent to expert `e` (0 if none).
  double meanEnergy(int64_t e, int64_t b) const;
  /// Energy-weighted mean band index of expert `e` (-1 without energy).
  double meanBand(int64_t e) const;
};

/// Accumulates routing statistics of several layers over batches.
class RoutingStats {
public:
  /// Adds the first `rows` samples of a batch for layer `layer` (created on
  /// first use as `name`). `domains` holds one label per row, or is null.
  /// Throws `Error` on tensors of the wrong dtype/shape or ids out of range.
  void add(size_t layer, const std::string &name, const RoutingBatch &batch,
           int64_t rows, const int64_t *domains);

  const std::vector<RoutingLayerStats> &layers() const { return layers_; }

  /// Names domain label `id` (the data's `labels` attribute) in the reports.
  void nameDomain(int64_t id, const std::string &name) { domainNames_[id] = name; }

  /// The report for the terminal.
  std::string text() const;
  /// The report as a JSON object {"layers": [...]}.
  std::string json() const;

private:
  /// "open-channel (0)" for a named label, "0" otherwise.
  std::string domainText(int64_t id) const;

  std::vector<RoutingLayerStats> layers_;
  std::map<int64_t, std::string> domainNames_;
};

} // namespace shodh
