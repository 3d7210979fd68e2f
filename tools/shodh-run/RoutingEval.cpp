//===- RoutingEval.cpp - Running @eval for routing statistics -------------===//
#include "tools/shodh-run/RoutingEval.h"
#include "runtime/data/Hdf5File.h"
#include "runtime/support/Status.h"
#include "runtime/train/DataLoader.h"

#include <fmt/format.h>

#include <cstring>
#include <map>
#include <memory>

namespace shodh {
namespace {

/// Splits "eval.routing.<i>.<kind>" into layer number and kind.
bool parseRoutingName(const std::string &name, int64_t &layer,
                      std::string &kind) {
  const std::string prefix = "eval.routing.";
  if (name.rfind(prefix, 0) != 0)
    return false;
  std::string rest = name.substr(prefix.size());
  size_t dot = rest.find('.');
  if (dot == std::string::npos || dot == 0)
    return false;
  for (size_t i = 0; i < dot; ++i)
    if (rest[i] < '0' || rest[i] > '9')
      return false;
  layer = std::stoll(rest.substr(0, dot));
  kind = rest.substr(dot + 1);
  return true;
}

} // namespace

std::vector<RoutingOutputs> findRoutingOutputs(const ModelDesc &model) {
  const ProgramDesc *eval = model.findProgram("eval");
  if (!eval)
    return {};
  std::map<int64_t, RoutingOutputs> byLayer;
  for (size_t i = 0; i < eval->outputs.size(); ++i) {
    int64_t layer = 0;
    std::string kind;
    if (!parseRoutingName(model.tensors[eval->outputs[i]].name, layer, kind))
      continue;
    RoutingOutputs &r = byLayer[layer];
    r.name = fmt::format("routing.{}", layer);
    if (kind == "experts")
      r.experts = int(i);
    else if (kind == "offsets")
      r.offsets = int(i);
    else if (kind == "energy")
      r.energy = int(i);
  }
  std::vector<RoutingOutputs> layers;
  for (auto &[layer, r] : byLayer)
    if (r.experts >= 0)
      layers.push_back(r);
  return layers;
}

std::vector<int64_t> readDomainLabels(const std::string &path,
                                      int64_t samples) {
  Hdf5Reader reader(path);
  if (!reader.hasDataset("domain"))
    return {};
  if (!reader.datasetIsInteger("domain") ||
      reader.datasetShape("domain").size() != 1)
    throw Error(fmt::format("'{}': dataset 'domain' must be a vector of "
                            "integers (one domain label per sample)",
                            path));
  std::vector<int64_t> shape;
  std::vector<int64_t> labels = reader.readInts("domain", shape);
  if (shape[0] != samples)
    throw Error(fmt::format("'{}': dataset 'domain' has {} labels but the "
                            "file has {} samples",
                            path, shape[0], samples));
  return labels;
}

void RoutingDump::add(size_t layer, const std::string &name,
                      const TensorRef &experts, int64_t rows) {
  if (layer >= layers_.size())
    layers_.resize(layer + 1);
  Layer &d = layers_[layer];
  const int64_t tokens = experts.shape[1], k = experts.shape[2];
  if (d.samples && (d.tokens != tokens || d.k != k))
    throw Error(fmt::format("eval output '{}.experts' changed shape from "
                            "[B, {}, {}] to [B, {}, {}]",
                            name, d.tokens, d.k, tokens, k));
  d.name = name, d.tokens = tokens, d.k = k;
  rows = std::min(rows, experts.shape[0]);
  const int64_t *id = experts.as<int64_t>();
  d.ids.insert(d.ids.end(), id, id + rows * tokens * k);
  d.samples += rows;
}

void RoutingDump::write(const std::string &path) const {
  Hdf5Writer writer(path);
  for (const Layer &d : layers_) {
    if (d.samples != layers_.front().samples)
      throw Error(fmt::format("--routing-dump: layer '{}' saw {} samples but "
                              "'{}' saw {}",
                              d.name, d.samples, layers_.front().name,
                              layers_.front().samples));
    writer.writeInts(d.name + ".experts", {d.samples, d.tokens, d.k}, d.ids);
  }
  writer.commit();
}

void collectRouting(Session &session, const Normalizer &norm,
                    const TrainingData &data, int64_t batch,
                    const std::vector<RoutingOutputs> &layers,
                    const std::vector<int64_t> &domains, RoutingStats &stats,
                    RoutingDump *dump) {
  const ModelDesc &m = session.model();
  const ProgramDesc &eval = *m.findProgram("eval");
  if (eval.inputs.size() != 2)
    throw Error(fmt::format("program 'eval' has {} inputs; expected (x, y)",
                            eval.inputs.size()));
  const TensorDesc &x = m.tensors[eval.inputs[0]],
                   &y = m.tensors[eval.inputs[1]];
  checkSampleShape(x, data.inputs.shape, data.path, "inputs");
  checkSampleShape(y, data.targets.shape, data.path, "targets");
  const bool staticBatch = x.shape[0].isStatic();
  if (staticBatch)
    batch = x.shape[0].size;
  LoaderOptions lo;
  lo.batch = batch, lo.training = false;
  DataLoader loader(data, norm, lo);
  int64_t preparedRows = -1;
  while (std::optional<Batch> b = loader.next()) {
    int64_t rows = staticBatch ? batch : b->rows;
    if (rows != preparedRows) {
      std::map<std::string, int64_t> symbols;
      bindOperandSymbols(x, data.inputs.shape, rows, symbols);
      bindOperandSymbols(y, data.targets.shape, rows, symbols);
      session.prepare("eval", symbols);
      preparedRows = rows;
    }
    TensorRef xin = session.input("eval", 0), yin = session.input("eval", 1);
    std::memset(xin.data, 0, xin.numel() * sizeof(float));
    std::memset(yin.data, 0, yin.numel() * sizeof(float));
    std::memcpy(xin.data, b->inputs.data(), b->inputs.size() * sizeof(float));
    std::memcpy(yin.data, b->targets.data(), b->targets.size() * sizeof(float));
    session.invoke("eval");
    std::vector<int64_t> labels;
    for (int64_t s : b->samples)
      labels.push_back(domains.empty() ? 0 : domains[s]);
    for (size_t l = 0; l < layers.size(); ++l) {
      const RoutingOutputs &r = layers[l];
      TensorRef experts = session.output("eval", r.experts), offsets, energy;
      RoutingBatch rb{&experts, nullptr, nullptr};
      if (r.offsets >= 0)
        offsets = session.output("eval", r.offsets), rb.offsets = &offsets;
      if (r.energy >= 0)
        energy = session.output("eval", r.energy), rb.energy = &energy;
      stats.add(l, r.name, rb, b->rows,
                domains.empty() ? nullptr : labels.data());
      if (dump)
        dump->add(l, r.name, experts, b->rows);
    }
  }
}

} // namespace shodh
