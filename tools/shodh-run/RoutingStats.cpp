//===- RoutingStats.cpp - Routing statistics of `shodh-run eval` ----------===//
#include "tools/shodh-run/RoutingStats.h"
#include "runtime/support/JsonText.h"
#include "runtime/support/Status.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace shodh {
namespace {

/// "[4, 8, 2]".
std::string shapeText(const std::vector<int64_t> &shape) {
  return fmt::format("[{}]", fmt::join(shape, ", "));
}

/// Throws unless `t` is `dtype` of rank `rank`.
void expectTensor(const std::string &name, const TensorRef &t, DType dtype,
                  size_t rank, const char *what) {
  if (t.dtype != dtype || t.shape.size() != rank)
    throw Error(fmt::format("eval output '{}' is {} {}; expected {}", name,
                            dtypeName(t.dtype), shapeText(t.shape), what));
}

/// `n / total`, 0 when total is 0.
double share(int64_t n, int64_t total) {
  return total > 0 ? double(n) / double(total) : 0.0;
}

/// Makes room for `experts` experts in `s`.
void growExperts(RoutingLayerStats &s, int64_t experts) {
  if (experts <= s.experts)
    return;
  s.experts = experts;
  s.assigned.resize(experts, 0);
  s.energySum.resize(experts * s.bands, 0.0);
  for (auto &[label, counts] : s.domains)
    counts.resize(experts, 0);
}

/// Adds the dispatch offsets of one batch: E and the dropped assignments.
void addOffsets(RoutingLayerStats &s, const TensorRef &offsets,
                const TensorRef &ids, int64_t rows) {
  const int64_t batchAssignments = ids.numel();
  expectTensor(s.name + ".offsets", offsets, DType::I64, 1, "i64 [E+1]");
  int64_t experts = offsets.shape[0] - 1;
  if (experts < 1 || (s.hasOffsets && experts != s.experts))
    throw Error(fmt::format("eval output '{}.offsets' has shape {}", s.name,
                            shapeText(offsets.shape)));
  growExperts(s, experts);
  s.hasOffsets = true;
  int64_t kept = offsets.as<int64_t>()[experts];
  if (kept < 0 || kept > batchAssignments)
    throw Error(fmt::format("eval output '{}.offsets' keeps {} of {} rows",
                            s.name, kept, batchAssignments));
  if (rows >= ids.shape[0]) {
    s.dropped += batchAssignments - kept;
    return;
  }
  // A static-batch model's last batch is padded with zero rows after the
  // real ones. Each expert keeps its first assignments in (row, token, slot)
  // order, so an expert's drops fall on the padding's assignments first:
  // only drops beyond those are drops of real tokens.
  const int64_t *off = offsets.as<int64_t>(), *id = ids.as<int64_t>();
  const int64_t realAssignments = rows * (ids.numel() / ids.shape[0]);
  std::vector<int64_t> assigned(experts, 0), padding(experts, 0);
  for (int64_t i = 0; i < batchAssignments; ++i)
    if (id[i] >= 0 && id[i] < experts)
      ++assigned[id[i]], padding[id[i]] += i >= realAssignments;
  for (int64_t e = 0; e < experts; ++e)
    s.dropped +=
        std::max<int64_t>(0, assigned[e] - (off[e + 1] - off[e]) - padding[e]);
}

/// Checks the energy tensor against the expert ids and sets `bands`.
void checkEnergy(RoutingLayerStats &s, const TensorRef &energy,
                 const TensorRef &experts) {
  expectTensor(s.name + ".energy", energy, DType::F32, 3, "f32 [B, T, bands]");
  if (energy.shape[0] != experts.shape[0] ||
      energy.shape[1] != experts.shape[1] || energy.shape[2] < 1 ||
      (s.bands && energy.shape[2] != s.bands))
    throw Error(fmt::format("eval output '{}.energy' has shape {} but the "
                            "expert ids have {}",
                            s.name, shapeText(energy.shape),
                            shapeText(experts.shape)));
  if (s.bands == 0) {
    s.bands = energy.shape[2];
    s.energySum.assign(s.experts * s.bands, 0.0);
  }
}

} // namespace

double RoutingLayerStats::meanEnergy(int64_t e, int64_t b) const {
  return assigned[e] ? energySum[e * bands + b] / double(assigned[e]) : 0.0;
}

double RoutingLayerStats::meanBand(int64_t e) const {
  if (bands == 0)
    return -1.0;
  double total = 0.0, weighted = 0.0;
  for (int64_t b = 0; b < bands; ++b)
    total += meanEnergy(e, b), weighted += double(b) * meanEnergy(e, b);
  return total > 0.0 ? weighted / total : 0.0;
}

void RoutingStats::add(size_t layer, const std::string &name,
                       const RoutingBatch &batch, int64_t rows,
                       const int64_t *domains) {
  if (layer >= layers_.size())
    layers_.resize(layer + 1);
  RoutingLayerStats &s = layers_[layer];
  s.name = name;
  const TensorRef &ids = *batch.experts;
  expectTensor(name + ".experts", ids, DType::I64, 3, "i64 [B, T, k]");
  const int64_t tokens = ids.shape[1], k = ids.shape[2];
  if (s.k && s.k != k)
    throw Error(fmt::format("eval output '{}.experts' changed k", name));
  s.k = k;
  rows = std::min(rows, ids.shape[0]);
  if (batch.offsets)
    addOffsets(s, *batch.offsets, ids, rows);
  if (batch.energy)
    checkEnergy(s, *batch.energy, ids);
  const int64_t *id = ids.as<int64_t>();
  int64_t largest = -1;
  for (int64_t i = 0; i < rows * tokens * k; ++i) {
    if (id[i] < 0 || (s.hasOffsets && id[i] >= s.experts))
      throw Error(fmt::format("eval output '{}.experts' holds expert id {}, "
                              "outside [0, {})",
                              name, id[i], s.experts));
    largest = std::max(largest, id[i]);
  }
  growExperts(s, largest + 1);
  const float *energy = batch.energy ? batch.energy->as<float>() : nullptr;
  for (int64_t r = 0; r < rows; ++r) {
    std::vector<int64_t> *domain = nullptr;
    if (domains) {
      domain = &s.domains[domains[r]];
      domain->resize(s.experts, 0);
    }
    for (int64_t t = 0; t < tokens; ++t)
      for (int64_t j = 0; j < k; ++j) {
        int64_t e = id[(r * tokens + t) * k + j];
        ++s.assigned[e];
        if (domain)
          ++(*domain)[e];
        for (int64_t b = 0; energy && b < s.bands; ++b)
          s.energySum[e * s.bands + b] +=
              energy[(r * tokens + t) * s.bands + b];
      }
  }
  s.tokens += rows * tokens;
}

std::string RoutingStats::text() const {
  std::string out;
  for (const RoutingLayerStats &s : layers_) {
    // Without offsets nothing is known about drops: "n/a", not "0".
    out += fmt::format("{}: {} experts, top-{}, {} tokens, {} assignments, "
                       "{}\n",
                       s.name, s.experts, s.k, s.tokens, s.assignments(),
                       s.hasOffsets
                           ? fmt::format("{} dropped", s.dropped)
                           : std::string("dropped n/a (no dispatch offsets)"));
    out += fmt::format("  expert  assigned   share{}\n",
                       s.bands ? "  mean band  mean energy per band" : "");
    for (int64_t e = 0; e < s.experts; ++e) {
      std::string energy;
      if (s.bands) {
        energy = fmt::format("  {:9.3f} ", s.meanBand(e));
        for (int64_t b = 0; b < s.bands; ++b)
          energy += fmt::format(" {:.3e}", s.meanEnergy(e, b));
      }
      out += fmt::format("  {:>6}  {:>8}  {:5.1f}%{}\n", e, s.assigned[e],
                         100.0 * share(s.assigned[e], s.assignments()), energy);
    }
    if (s.domains.empty())
      continue;
    size_t width = 6;
    for (const auto &[label, counts] : s.domains)
      width = std::max(width, domainText(label).size());
    out += "  domain x expert (share of the domain's assignments):\n";
    out += fmt::format("  {:>{}}  assigned", "domain", width);
    for (int64_t e = 0; e < s.experts; ++e)
      out += fmt::format("  {:>6}", fmt::format("e{}", e));
    out += "\n";
    for (const auto &[label, counts] : s.domains) {
      int64_t total = 0;
      for (int64_t c : counts)
        total += c;
      out += fmt::format("  {:>{}}  {:>8}", domainText(label), width, total);
      for (int64_t c : counts)
        out += fmt::format("  {:6.3f}", share(c, total));
      out += "\n";
    }
  }
  return out;
}

std::string RoutingStats::domainText(int64_t id) const {
  auto named = domainNames_.find(id);
  return named == domainNames_.end() || named->second.empty()
             ? std::to_string(id)
             : fmt::format("{} ({})", named->second, id);
}

std::string RoutingStats::json() const {
  std::vector<std::string> layers;
  for (const RoutingLayerStats &s : layers_) {
    std::vector<std::string> shares, energy, bandMeans, domains;
    for (int64_t e = 0; e < s.experts; ++e) {
      shares.push_back(jsonNumber(share(s.assigned[e], s.assignments())));
      std::vector<std::string> row;
      for (int64_t b = 0; b < s.bands; ++b)
        row.push_back(jsonNumber(s.meanEnergy(e, b)));
      energy.push_back(fmt::format("[{}]", fmt::join(row, ", ")));
      bandMeans.push_back(jsonNumber(s.meanBand(e)));
    }
    for (const auto &[label, counts] : s.domains) {
      auto named = domainNames_.find(label);
      domains.push_back(fmt::format(
          "{{\"domain\": {}{}, \"assigned\": [{}]}}", label,
          named == domainNames_.end()
              ? ""
              : ", \"name\": " + jsonQuoted(named->second),
          fmt::join(counts, ", ")));
    }
    std::string energyJson =
        s.bands ? fmt::format(", \"bands\": {}, \"mean_energy\": [{}], "
                              "\"mean_band\": [{}]",
                              s.bands, fmt::join(energy, ", "),
                              fmt::join(bandMeans, ", "))
                : "";
    layers.push_back(fmt::format(
        "{{\"name\": \"{}\", \"experts\": {}, \"k\": {}, \"tokens\": {}, "
        "\"assignments\": {}, \"dropped\": {}, \"assigned\": [{}], "
        "\"share\": [{}]{}, \"domains\": [{}]}}",
        s.name, s.experts, s.k, s.tokens, s.assignments(),
        s.hasOffsets ? std::to_string(s.dropped) : "null",
        fmt::join(s.assigned, ", "), fmt::join(shares, ", "), energyJson,
        fmt::join(domains, ", ")));
  }
  return fmt::format("{{\"layers\": [{}]}}\n", fmt::join(layers, ",\n  "));
}

} // namespace shodh
