//===- Checkpoint.cpp - Saving and reading training state -----------------===//
//
// Making a checkpoint from a session, writing and reading it (with the
// `ckpt.*` and `norm.*` checks). Using one with a model — matching,
// restoring, --init-from — is CheckpointRestore.cpp.
//
//===----------------------------------------------------------------------===//
#include "runtime/train/Checkpoint.h"
#include "runtime/format/ModelFile.h"
#include "runtime/support/Status.h"
#include "runtime/train/CheckpointTensors.h"
#include "runtime/train/TensorText.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstring>

namespace shodh {

const char *const kNormInputMean = "norm.input.mean";
const char *const kNormInputStd = "norm.input.std";
const char *const kNormTargetMean = "norm.target.mean";
const char *const kNormTargetStd = "norm.target.std";

namespace {

/// Appends `size` bytes at the next multiple of 64 of `data`.
DataRef appendAligned(std::vector<uint8_t> &data, const void *bytes,
                      uint64_t size) {
  uint64_t offset = (data.size() + 63) / 64 * 64;
  data.resize(offset + size);
  if (size)
    std::memcpy(data.data() + offset, bytes, size);
  return DataRef{offset, size};
}

/// Byte size of a static persistent tensor.
uint64_t staticBytes(const TensorDesc &t) {
  uint64_t n = dtypeSize(t.dtype);
  for (const Dim &d : t.shape)
    n *= static_cast<uint64_t>(d.size);
  return n;
}

/// Adds (or replaces) an f64 [C] state tensor holding `values`.
void putStatsTensor(ModelDesc &m, const std::string &name,
                    const std::vector<double> &values) {
  int32_t id = m.findTensor(name);
  if (id < 0) {
    m.tensors.emplace_back();
    id = static_cast<int32_t>(m.tensors.size() - 1);
  }
  TensorDesc &t = m.tensors[id];
  t = TensorDesc{};
  t.name = name, t.dtype = DType::F64, t.role = TensorRole::State;
  t.shape = {Dim::fixed(static_cast<int64_t>(values.size()))};
  t.data = appendAligned(m.data, values.data(), values.size() * sizeof(double));
}

/// The training state as `ckpt.*` hyperparameters.
std::vector<NamedAttr> stateAttrs(const TrainState &s) {
  std::vector<NamedAttr> attrs = {{"ckpt.step", s.step},
                                  {"ckpt.epoch", s.loader.epoch},
                                  {"ckpt.position", s.loader.next},
                                  {"ckpt.seed", static_cast<int64_t>(s.seed)},
                                  {"ckpt.batch", s.batch},
                                  {"ckpt.samples", s.samples},
                                  {"ckpt.total_steps", s.totalSteps},
                                  {"ckpt.seconds", s.seconds},
                                  {"ckpt.window_loss", s.windowLoss},
                                  {"ckpt.window_steps", s.windowSteps}};
  if (s.bestValRelL2) {
    attrs.push_back({"ckpt.best_step", s.bestStep});
    attrs.push_back({"ckpt.best_val_rel_l2", *s.bestValRelL2});
    attrs.push_back({"ckpt.since_best", s.sinceBest});
  }
  return attrs;
}

/// True if `m` has the hyperparameter `name`.
bool hasAttr(const ModelDesc &m, const std::string &name) {
  return std::any_of(m.meta.hyperparams.begin(), m.meta.hyperparams.end(),
                     [&](const NamedAttr &a) { return a.name == name; });
}

/// Throws the "corrupted checkpoint" error for `path`.
[[noreturn]] void corrupted(const std::string &path, const std::string &why) {
  throw Error(fmt::format("'{}': corrupted checkpoint ({})", path, why));
}

/// The `ckpt.*` hyperparameter `name` of `m`; throws if missing or mistyped.
const AttrValue &stateAttr(const ModelDesc &m, const std::string &path,
                           const std::string &name) {
  for (const NamedAttr &a : m.meta.hyperparams)
    if (a.name == name)
      return a.value;
  corrupted(path, fmt::format("hyperparameter '{}' is missing", name));
}

/// A non-negative Int `ckpt.*` value.
int64_t stateInt(const ModelDesc &m, const std::string &path,
                 const std::string &name, bool allowNegative = false) {
  const int64_t *v = std::get_if<int64_t>(&stateAttr(m, path, name));
  if (!v || (!allowNegative && *v < 0))
    corrupted(path,
              fmt::format("hyperparameter '{}' must be a non-negative integer",
                          name));
  return *v;
}

/// A Float `ckpt.*` value.
double stateFloat(const ModelDesc &m, const std::string &path,
                  const std::string &name) {
  const double *v = std::get_if<double>(&stateAttr(m, path, name));
  if (!v)
    corrupted(path, fmt::format("hyperparameter '{}' must be a number", name));
  return *v;
}

/// Parses the `ckpt.*` hyperparameters, if the file has any.
std::optional<TrainState> parseState(const ModelDesc &m,
                                     const std::string &path) {
  bool any = false;
  for (const NamedAttr &a : m.meta.hyperparams)
    any = any || a.name.rfind("ckpt.", 0) == 0;
  if (!any)
    return std::nullopt;
  TrainState s;
  s.step = stateInt(m, path, "ckpt.step");
  s.loader = LoaderPosition{stateInt(m, path, "ckpt.epoch"),
                            stateInt(m, path, "ckpt.position")};
  s.seed = static_cast<uint64_t>(stateInt(m, path, "ckpt.seed", true));
  s.batch = stateInt(m, path, "ckpt.batch");
  s.samples = stateInt(m, path, "ckpt.samples");
  s.totalSteps = stateInt(m, path, "ckpt.total_steps");
  s.seconds = stateFloat(m, path, "ckpt.seconds");
  s.windowLoss = stateFloat(m, path, "ckpt.window_loss");
  s.windowSteps = stateInt(m, path, "ckpt.window_steps");
  // All three or none (none before the first validation).
  if (hasAttr(m, "ckpt.best_step") || hasAttr(m, "ckpt.best_val_rel_l2") ||
      hasAttr(m, "ckpt.since_best")) {
    s.bestStep = stateInt(m, path, "ckpt.best_step");
    s.bestValRelL2 = stateFloat(m, path, "ckpt.best_val_rel_l2");
    s.sinceBest = stateInt(m, path, "ckpt.since_best");
    if (s.bestStep < 1 || s.bestStep > s.step)
      corrupted(path, fmt::format("hyperparameter 'ckpt.best_step' is {} but "
                                  "must be in 1..{} (ckpt.step)",
                                  s.bestStep, s.step));
    if (!std::isfinite(*s.bestValRelL2) || *s.bestValRelL2 < 0)
      corrupted(path, fmt::format("hyperparameter 'ckpt.best_val_rel_l2' is "
                                  "{} but must be a finite value >= 0",
                                  *s.bestValRelL2));
  }
  if (s.batch < 1 || s.loader.next > s.samples)
    corrupted(path, "inconsistent loader state");
  return s;
}

/// Reads one f64 [C] statistics tensor; `positive` demands values > 0.
std::vector<double> readStats(const ModelDesc &m, const std::string &path,
                              const char *name, bool positive) {
  int32_t id = m.findTensor(name);
  if (id < 0)
    corrupted(path, fmt::format("tensor '{}' is missing", name));
  const TensorDesc &t = m.tensors[id];
  if (t.dtype != DType::F64 || t.shape.size() != 1 || !t.data)
    corrupted(
        path,
        fmt::format("tensor '{}' must be f64 [C] with stored values", name));
  std::vector<double> v(static_cast<size_t>(t.shape[0].size));
  std::memcpy(v.data(), m.data.data() + t.data->offset,
              v.size() * sizeof(double));
  for (double x : v)
    if (!std::isfinite(x) || (positive && !(x > 0)))
      corrupted(path, fmt::format("tensor '{}' holds {}", name, x));
  return v;
}

/// Parses the normalisation tensors, if the file has any.
std::optional<Normalizer> parseNorm(const ModelDesc &m,
                                    const std::string &path) {
  bool any = false;
  for (const TensorDesc &t : m.tensors)
    any = any || isNormTensor(t.name);
  if (!any)
    return std::nullopt;
  Normalizer n;
  n.inputs.mean = readStats(m, path, kNormInputMean, false);
  n.inputs.std = readStats(m, path, kNormInputStd, true);
  n.targets.mean = readStats(m, path, kNormTargetMean, false);
  n.targets.std = readStats(m, path, kNormTargetStd, true);
  if (n.inputs.mean.size() != n.inputs.std.size() ||
      n.targets.mean.size() != n.targets.std.size())
    corrupted(path,
              "normalisation means and standard deviations differ in length");
  return n;
}

} // namespace

ModelDesc makeCheckpoint(Session &session, const Normalizer &norm,
                         const TrainState &state) {
  const ModelDesc &model = session.model();
  ModelDesc ckpt;
  ckpt.meta = model.meta;
  ckpt.programs = model.programs;
  ckpt.tensors = model.tensors;
  for (size_t i = 0; i < ckpt.tensors.size(); ++i) {
    TensorDesc &t = ckpt.tensors[i];
    if (isTrainable(t.role)) {
      TensorRef v = session.persistent(static_cast<int32_t>(i));
      t.data = appendAligned(ckpt.data, v.data, staticBytes(t));
    } else if (t.data) {
      t.data = appendAligned(ckpt.data, model.data.data() + t.data->offset,
                             t.data->size);
    }
  }
  putStatsTensor(ckpt, kNormInputMean, norm.inputs.mean);
  putStatsTensor(ckpt, kNormInputStd, norm.inputs.std);
  putStatsTensor(ckpt, kNormTargetMean, norm.targets.mean);
  putStatsTensor(ckpt, kNormTargetStd, norm.targets.std);
  std::vector<NamedAttr> &hps = ckpt.meta.hyperparams;
  hps.erase(std::remove_if(hps.begin(), hps.end(),
                           [](const NamedAttr &a) {
                             return a.name.rfind("ckpt.", 0) == 0;
                           }),
            hps.end());
  for (NamedAttr &a : stateAttrs(state))
    hps.push_back(std::move(a));
  return ckpt;
}

void writeCheckpoint(const ModelDesc &checkpoint, const std::string &path) {
  Status s = writeModelFile(checkpoint, path);
  if (!s.ok())
    throw Error(s.message());
}

Checkpoint readCheckpoint(const std::string &path) {
  Checkpoint c;
  c.path = path;
  Status s = loadModelFile(path, c.desc);
  if (!s.ok())
    throw Error(s.message());
  c.state = parseState(c.desc, path);
  c.norm = parseNorm(c.desc, path);
  return c;
}

} // namespace shodh
