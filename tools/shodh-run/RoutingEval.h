//===- RoutingEval.h - Running @eval for routing statistics ---------------===//
//
// `shodh-run eval` on a model with routing layers: the compiled `eval`
// program returns the routing tensors (RoutingStats.h); these functions find
// them, run `eval` over a data set in file order (inputs and targets
// normalised as for training, the last partial batch re-prepared for fewer
// rows or zero-padded when the batch is static) and read the optional
// per-sample domain labels (integer dataset `domain` (N) of the data file).
// `RoutingDump` keeps every layer's expert ids per sample for
// `eval --routing-dump`.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/core/Session.h"
#include "runtime/train/Normalizer.h"
#include "runtime/train/TrainingData.h"
#include "tools/shodh-run/RoutingStats.h"

#include <optional>
#include <string>
#include <vector>

namespace shodh {

/// The routing outputs of `eval`, by layer: output indices (-1: absent).
struct RoutingOutputs {
  std::string name; ///< "routing.<i>"
  int experts = -1, offsets = -1, energy = -1;
};

/// The routing layers of the model's `eval` program, in layer order; empty
/// if it has none (or no `eval`).
std::vector<RoutingOutputs> findRoutingOutputs(const ModelDesc &model);

/// The integer dataset `domain` of `path`: one label per sample. Empty if
/// the file has none; throws `Error` if it is not an integer vector of
/// `samples` entries.
std::vector<int64_t> readDomainLabels(const std::string &path, int64_t samples);

/// Every routing layer's expert ids, sample by sample in the order the data
/// sets and their samples were evaluated.
class RoutingDump {
public:
  /// Appends the first `rows` samples of layer `layer`'s ids (B, T, k) i64
  /// (already checked by RoutingStats::add).
  void add(size_t layer, const std::string &name, const TensorRef &experts,
           int64_t rows);
  /// Writes `routing.<i>.experts` (N, T, k) i64 per layer to `path`
  /// atomically; throws `Error` if the layers saw different sample counts.
  void write(const std::string &path) const;

private:
  struct Layer {
    std::string name;
    int64_t samples = 0, tokens = 0, k = 0;
    std::vector<int64_t> ids;
  };
  std::vector<Layer> layers_;
};

/// Runs `eval` over `data` with `batch` samples per call and adds every
/// routing layer's tensors to `stats` (with `domains`, if not empty) and,
/// if `dump` is not null, the expert ids to `dump`.
void collectRouting(Session &session, const Normalizer &norm,
                    const TrainingData &data, int64_t batch,
                    const std::vector<RoutingOutputs> &layers,
                    const std::vector<int64_t> &domains, RoutingStats &stats,
                    RoutingDump *dump = nullptr);

} // namespace shodh
