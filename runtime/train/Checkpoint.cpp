//===- Checkpoint.cpp - Saving and restoring training state ---------------===//
#include "runtime/train/Checkpoint.h"
#include "runtime/format/ModelFile.h"
#include "runtime/support/Status.h"
#include "runtime/train/TensorText.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <type_traits>
#include <variant>

namespace shodh {

const char *const kNormInputMean = "norm.input.mean";
const char *const kNormInputStd = "norm.input.std";
const char *const kNormTargetMean = "norm.target.mean";
const char *const kNormTargetStd = "norm.target.std";

namespace {

/// True for the roles a checkpoint stores.
bool isTrainable(TensorRole r) {
  return r == TensorRole::Parameter || r == TensorRole::State;
}

/// True for the normalisation tensors.
bool isNormTensor(const std::string &name) {
  return name.rfind("norm.", 0) == 0;
}

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
  return {{"ckpt.step", s.step},
          {"ckpt.epoch", s.loader.epoch},
          {"ckpt.position", s.loader.next},
          {"ckpt.seed", static_cast<int64_t>(s.seed)},
          {"ckpt.batch", s.batch},
          {"ckpt.samples", s.samples},
          {"ckpt.total_steps", s.totalSteps},
          {"ckpt.seconds", s.seconds},
          {"ckpt.window_loss", s.windowLoss},
          {"ckpt.window_steps", s.windowSteps}};
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

/// "parameter f32 [8, 3]".
std::string describeTensor(const TensorDesc &t) {
  return fmt::format("{} {}", roleName(t.role), formatTypeOf(t));
}

/// True if a stored `have` value may fill a `want` tensor by widening
/// (f32 into f64: exact).
bool isWidening(DType have, DType want) {
  return have == DType::F32 && want == DType::F64;
}

/// Why checkpoint `ckpt` cannot fill model tensor `want` (empty if it can);
/// `widen` accepts f32 values for f64 tensors.
std::string compareTensor(const TensorDesc &want, const ModelDesc &ckpt,
                          bool widen = false) {
  int32_t id = ckpt.findTensor(want.name);
  if (id < 0)
    return fmt::format("tensor '{}' ({}) is missing from the checkpoint",
                       want.name, describeTensor(want));
  const TensorDesc &have = ckpt.tensors[id];
  bool dtypeOk = have.dtype == want.dtype ||
                 (widen && isWidening(have.dtype, want.dtype));
  if (have.role != want.role || !dtypeOk || have.shape != want.shape)
    return fmt::format(
        "tensor '{}' is {} in the checkpoint but {} in the model", want.name,
        describeTensor(have), describeTensor(want));
  if (!have.data)
    return fmt::format("tensor '{}' has no stored value in the checkpoint",
                       want.name);
  return "";
}

/// Copies tensor `name`'s stored value from the checkpoint into the
/// session: its bytes, or, for an f32 value of an f64 tensor (a model
/// compiled with --precision f64), each value widened exactly.
void copyInto(Session &session, int32_t modelId, const Checkpoint &ckpt) {
  const TensorDesc &t =
      ckpt.desc
          .tensors[ckpt.desc.findTensor(session.model().tensors[modelId].name)];
  TensorRef dst = session.persistent(modelId);
  const uint8_t *src = ckpt.desc.data.data() + t.data->offset;
  if (dst.dtype == t.dtype) {
    std::memcpy(dst.data, src, t.data->size);
    return;
  }
  double *out = dst.as<double>();
  for (int64_t i = 0; i < dst.numel(); ++i) {
    float v;
    std::memcpy(&v, src + i * sizeof(float), sizeof(float));
    out[i] = v;
  }
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

void checkCheckpointMatches(const Checkpoint &ckpt, const ModelDesc &model,
                            const std::string &modelName) {
  std::vector<std::string> problems;
  for (const TensorDesc &t : model.tensors)
    if (isTrainable(t.role) && !isNormTensor(t.name))
      if (std::string p = compareTensor(t, ckpt.desc); !p.empty())
        problems.push_back(std::move(p));
  for (const TensorDesc &t : ckpt.desc.tensors)
    if (isTrainable(t.role) && !isNormTensor(t.name) &&
        model.findTensor(t.name) < 0)
      problems.push_back(fmt::format(
          "tensor '{}' ({}) is in the checkpoint but not in the model", t.name,
          describeTensor(t)));
  if (problems.empty())
    return;
  throw Error(
      fmt::format("checkpoint '{}' does not match model '{}' ({} {}):\n  {}",
                  ckpt.path, modelName, problems.size(),
                  problems.size() == 1 ? "difference" : "differences",
                  fmt::join(problems, "\n  ")));
}

namespace {

/// A hyperparameter value as text ("0.001", "'mse'", "[1, 2]").
std::string describeValue(const AttrValue &v) {
  return std::visit(
      [](const auto &x) -> std::string {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, std::string>)
          return "'" + x + "'";
        else if constexpr (std::is_same_v<T, int64_t> ||
                           std::is_same_v<T, double>)
          return fmt::format("{}", x);
        else
          return fmt::format("[{}]", fmt::join(x, ", "));
      },
      v);
}

/// The hyperparameters of `m` by name, without the checkpoint's `ckpt.*`.
std::map<std::string, const AttrValue *> modelHyperparams(const ModelDesc &m) {
  std::map<std::string, const AttrValue *> out;
  for (const NamedAttr &a : m.meta.hyperparams)
    if (a.name.rfind("ckpt.", 0) != 0)
      out[a.name] = &a.value;
  return out;
}

} // namespace

void checkSameHyperparams(const Checkpoint &ckpt, const ModelDesc &model,
                          const std::string &modelName) {
  auto had = modelHyperparams(ckpt.desc), has = modelHyperparams(model);
  std::vector<std::string> problems;
  for (const auto &[name, value] : had) {
    auto it = has.find(name);
    if (it == has.end())
      problems.push_back(fmt::format(
          "hyperparameter '{}' is {} in the checkpoint but not in the model",
          name, describeValue(*value)));
    else if (!(*it->second == *value))
      problems.push_back(fmt::format(
          "hyperparameter '{}' is {} in the checkpoint but {} in the model",
          name, describeValue(*value), describeValue(*it->second)));
  }
  for (const auto &[name, value] : has)
    if (!had.count(name))
      problems.push_back(fmt::format(
          "hyperparameter '{}' ({}) is in the model but not in the checkpoint",
          name, describeValue(*value)));
  if (problems.empty())
    return;
  throw Error(fmt::format(
      "--resume: checkpoint '{}' was written by a model compiled differently "
      "from '{}' ({} {}); "
      "a resumed run continues with the model it started with:\n  {}",
      ckpt.path, modelName, problems.size(),
      problems.size() == 1 ? "difference" : "differences",
      fmt::join(problems, "\n  ")));
}

void restoreCheckpoint(Session &session, const Checkpoint &ckpt,
                       const std::string &modelName) {
  const ModelDesc &model = session.model();
  checkCheckpointMatches(ckpt, model, modelName);
  for (size_t i = 0; i < model.tensors.size(); ++i)
    if (isTrainable(model.tensors[i].role) &&
        !isNormTensor(model.tensors[i].name))
      copyInto(session, static_cast<int32_t>(i), ckpt);
}

std::vector<std::string>
restoreCheckpoints(Session &session, const std::vector<Checkpoint> &ckpts,
                   const std::string &modelName) {
  if (ckpts.empty())
    throw Error("no checkpoint given");
  const ModelDesc &model = session.model();
  std::vector<std::string> problems, notes;
  std::vector<std::string> paths;
  int64_t widened = 0; // f32 values loaded into f64 tensors
  for (const Checkpoint &c : ckpts)
    paths.push_back(fmt::format("'{}'", c.path));
  for (size_t i = 0; i < model.tensors.size(); ++i) {
    const TensorDesc &t = model.tensors[i];
    if (!isTrainable(t.role) || isNormTensor(t.name))
      continue;
    std::vector<const Checkpoint *> holders;
    std::vector<std::string> mismatches; // same name, other type or no data
    for (const Checkpoint &c : ckpts) {
      std::string why = compareTensor(t, c.desc, /*widen=*/true);
      if (why.empty())
        holders.push_back(&c);
      else if (c.desc.findTensor(t.name) >= 0)
        mismatches.push_back(fmt::format("'{}': {}", c.path, why));
    }
    if (holders.empty()) {
      problems.push_back(
          ckpts.size() == 1 ? compareTensor(t, ckpts.front().desc, true)
          : mismatches.empty()
              ? fmt::format("tensor '{}' ({}) is in none of {}", t.name,
                            describeTensor(t), fmt::join(paths, ", "))
              : fmt::format("{}", fmt::join(mismatches, "\n  ")));
      continue;
    }
    for (const std::string &m : mismatches)
      notes.push_back(fmt::format("{} (taken from '{}' instead)", m,
                                  holders.front()->path));
    copyInto(session, static_cast<int32_t>(i), *holders.front());
    const ModelDesc &from = holders.front()->desc;
    if (from.tensors[from.findTensor(t.name)].dtype != t.dtype)
      ++widened;
    if (holders.size() > 1 && t.role == TensorRole::Parameter)
      notes.push_back(fmt::format("parameter '{}' is in {} checkpoints; "
                                  "using '{}'",
                                  t.name, holders.size(),
                                  holders.front()->path));
  }
  if (!problems.empty())
    throw Error(fmt::format(
        "{} {} {} not match model '{}' ({} {}):\n  {}",
        ckpts.size() == 1 ? "checkpoint" : "checkpoints",
        fmt::join(paths, ", "), ckpts.size() == 1 ? "does" : "do", modelName,
        problems.size(), problems.size() == 1 ? "difference" : "differences",
        fmt::join(problems, "\n  ")));
  if (widened > 0)
    notes.push_back(fmt::format("{} f32 tensor{} widened to the model's f64",
                                widened, widened == 1 ? "" : "s"));
  for (const Checkpoint &c : ckpts) {
    std::vector<std::string> unused;
    for (const TensorDesc &t : c.desc.tensors)
      if (t.role == TensorRole::Parameter && model.findTensor(t.name) < 0)
        unused.push_back(t.name);
    if (!unused.empty())
      notes.push_back(fmt::format("{} parameter{} of '{}' not in the model "
                                  "ignored (with {} state): {}",
                                  unused.size(),
                                  unused.size() == 1 ? "" : "s", c.path,
                                  unused.size() == 1 ? "its" : "their",
                                  fmt::join(unused, ", ")));
  }
  return notes;
}

std::optional<Normalizer>
combinedNormalizer(const std::vector<Checkpoint> &ckpts) {
  auto identity = [](const Normalizer &n) {
    return n.inputs.isIdentity() && n.targets.isIdentity();
  };
  if (ckpts.size() == 1) // identity statistics: --no-normalize, nothing to do
    return ckpts.front().norm && !identity(*ckpts.front().norm)
               ? ckpts.front().norm
               : std::nullopt;
  for (const Checkpoint &c : ckpts)
    if (c.norm && !identity(*c.norm))
      throw Error(fmt::format(
          "'{}' carries normalisation statistics, which describe the inputs "
          "and targets of its own run, not those of a model combined from "
          "several checkpoints; train the parts with --no-normalize",
          c.path));
  return std::nullopt;
}

InitFromReport initParameters(Session &session, const Checkpoint &ckpt) {
  const ModelDesc &model = session.model();
  InitFromReport r;
  for (size_t i = 0; i < model.tensors.size(); ++i) {
    const TensorDesc &t = model.tensors[i];
    if (t.role != TensorRole::Parameter)
      continue;
    int32_t id = ckpt.desc.findTensor(t.name);
    const TensorDesc *have = id >= 0 ? &ckpt.desc.tensors[id] : nullptr;
    if (!have || have->role != TensorRole::Parameter)
      r.mismatches.push_back(fmt::format(
          "parameter '{}' ({}) is not in '{}'; it keeps its initial value",
          t.name, formatTypeOf(t), ckpt.path));
    else if (!have->data) // a compiled model, not a checkpoint
      r.mismatches.push_back(fmt::format(
          "parameter '{}' ({}) has no stored value in '{}' (a compiled model, "
          "not a checkpoint?); it keeps its initial value",
          t.name, formatTypeOf(t), ckpt.path));
    else if (have->dtype != t.dtype || have->shape != t.shape)
      r.mismatches.push_back(
          fmt::format("parameter '{}' is {} in '{}' but {} in the model; it "
                      "keeps its initial value",
                      t.name, formatTypeOf(*have), ckpt.path, formatTypeOf(t)));
    else
      copyInto(session, static_cast<int32_t>(i), ckpt), ++r.copied;
  }
  for (const TensorDesc &t : ckpt.desc.tensors)
    if (t.role == TensorRole::Parameter && model.findTensor(t.name) < 0)
      r.mismatches.push_back(fmt::format(
          "parameter '{}' ({}) of '{}' is not in the model; ignored", t.name,
          formatTypeOf(t), ckpt.path));
  if (r.copied == 0)
    throw Error(fmt::format(
        "--init-from '{}': no parameter matches the model by name, dtype and "
        "shape:\n  {}",
        ckpt.path, fmt::join(r.mismatches, "\n  ")));
  return r;
}

} // namespace shodh
