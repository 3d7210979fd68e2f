//===- CheckpointRestore.cpp - Using a checkpoint with a model ------------===//
//
// Matching a checkpoint against a model (tensors, hyperparameters),
// restoring it into a session (one or several checkpoints), combining
// normalisation statistics and --init-from. Making and reading checkpoints
// is Checkpoint.cpp.
//
//===----------------------------------------------------------------------===//
#include "runtime/support/Status.h"
#include "runtime/train/Checkpoint.h"
#include "runtime/train/CheckpointTensors.h"
#include "runtime/train/TensorText.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <type_traits>
#include <variant>

namespace shodh {

namespace {

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
  bool dtypeOk =
      have.dtype == want.dtype || (widen && isWidening(have.dtype, want.dtype));
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

/// The differences between the hyperparameters `had` (the checkpoint's) and
/// `has` (the model's), one line each; `train.*` ones are left out when
/// `withTrain` is false.
std::vector<std::string>
hyperparamDifferences(const std::map<std::string, const AttrValue *> &had,
                      const std::map<std::string, const AttrValue *> &has,
                      bool withTrain) {
  auto skip = [&](const std::string &name) {
    return !withTrain && name.rfind("train.", 0) == 0;
  };
  std::vector<std::string> problems;
  for (const auto &[name, value] : had) {
    if (skip(name))
      continue;
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
    if (!skip(name) && !had.count(name))
      problems.push_back(fmt::format(
          "hyperparameter '{}' ({}) is in the model but not in the checkpoint",
          name, describeValue(*value)));
  return problems;
}

/// The error for tensors a checkpoint cannot fill: `header` ("checkpoint
/// 'a.fb' does not match model 'm.fb'"), the parameters' problems, the
/// optimizer state's in one line when parameters are listed too, and the
/// hyperparameters `ckpt` was compiled with where they differ (the usual
/// cause; `ckpt` null to leave them out).
Error mismatchError(const std::string &header,
                    const std::vector<std::string> &params,
                    const std::vector<std::string> &state,
                    const Checkpoint *ckpt, const ModelDesc &model) {
  const size_t count = params.size() + state.size();
  std::vector<std::string> lines = params;
  if (params.empty() || state.size() == 1)
    lines.insert(lines.end(), state.begin(), state.end());
  else if (!state.empty())
    lines.push_back(fmt::format("and {} optimizer-state tensors ({}, ...)",
                                state.size(), state.front()));
  std::vector<std::string> hyper;
  if (ckpt)
    hyper = hyperparamDifferences(modelHyperparams(ckpt->desc),
                                  modelHyperparams(model), false);
  std::string cause =
      hyper.empty() ? ""
                    : fmt::format("\nthe checkpoint's model was compiled with "
                                  "other hyperparameters:\n  {}",
                                  fmt::join(hyper, "\n  "));
  return Error(fmt::format("{} ({} {}):\n  {}{}", header, count,
                           count == 1 ? "difference" : "differences",
                           fmt::join(lines, "\n  "), cause));
}
} // namespace

void checkCheckpointMatches(const Checkpoint &ckpt, const ModelDesc &model,
                            const std::string &modelName) {
  // Parameters and optimizer state apart: the state of a mismatched
  // parameter mismatches the same way, and is summed up in one line.
  std::vector<std::string> params, state;
  auto add = [&](const TensorDesc &t, std::string problem) {
    (t.role == TensorRole::Parameter ? params : state)
        .push_back(std::move(problem));
  };
  for (const TensorDesc &t : model.tensors)
    if (isTrainable(t.role) && !isNormTensor(t.name))
      if (std::string p = compareTensor(t, ckpt.desc); !p.empty())
        add(t, std::move(p));
  for (const TensorDesc &t : ckpt.desc.tensors)
    if (isTrainable(t.role) && !isNormTensor(t.name) &&
        model.findTensor(t.name) < 0)
      add(t, fmt::format(
                 "tensor '{}' ({}) is in the checkpoint but not in the model",
                 t.name, describeTensor(t)));
  if (params.empty() && state.empty())
    return;
  throw mismatchError(fmt::format("checkpoint '{}' does not match model '{}'",
                                  ckpt.path, modelName),
                      params, state, &ckpt, model);
}

void checkSameHyperparams(const Checkpoint &ckpt, const ModelDesc &model,
                          const std::string &modelName) {
  std::vector<std::string> problems = hyperparamDifferences(
      modelHyperparams(ckpt.desc), modelHyperparams(model), true);
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

std::optional<std::string> changedHyperparamsNote(const Checkpoint &ckpt,
                                                  const ModelDesc &model) {
  std::vector<std::string> was, is;
  std::map<std::string, const AttrValue *> had = modelHyperparams(ckpt.desc),
                                           has = modelHyperparams(model);
  for (const auto &[name, value] : had) {
    auto it = has.find(name);
    if (name.rfind("train.", 0) != 0 && it != has.end() &&
        !(*it->second == *value)) {
      was.push_back(fmt::format("{}={}", name, describeValue(*value)));
      is.push_back(fmt::format("{}={}", name, describeValue(*it->second)));
    }
  }
  if (was.empty())
    return std::nullopt;
  return fmt::format("'{}' comes from a model compiled with {}; this one has "
                     "{} (its parameters fit)",
                     ckpt.path, fmt::join(was, " "), fmt::join(is, " "));
}

std::vector<std::string>
restoreCheckpoints(Session &session, const std::vector<Checkpoint> &ckpts,
                   const std::string &modelName) {
  if (ckpts.empty())
    throw Error("no checkpoint given");
  const ModelDesc &model = session.model();
  std::vector<std::string> params, state, notes;
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
      (t.role == TensorRole::Parameter ? params : state)
          .push_back(
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
  if (!params.empty() || !state.empty())
    throw mismatchError(
        fmt::format("{} {} {} not match model '{}'",
                    ckpts.size() == 1 ? "checkpoint" : "checkpoints",
                    fmt::join(paths, ", "), ckpts.size() == 1 ? "does" : "do",
                    modelName),
        params, state, ckpts.size() == 1 ? &ckpts.front() : nullptr, model);
  if (widened > 0)
    notes.push_back(fmt::format("{} f32 tensor{} widened to the model's f64",
                                widened, widened == 1 ? "" : "s"));
  for (const Checkpoint &c : ckpts) {
    if (std::optional<std::string> note = changedHyperparamsNote(c, model))
      notes.push_back(*note);
    std::vector<std::string> unused;
    for (const TensorDesc &t : c.desc.tensors)
      if (t.role == TensorRole::Parameter && model.findTensor(t.name) < 0)
        unused.push_back(t.name);
    if (!unused.empty())
      notes.push_back(fmt::format("{} parameter{} of '{}' not in the model "
                                  "ignored (with {} state): {}",
                                  unused.size(), unused.size() == 1 ? "" : "s",
                                  c.path, unused.size() == 1 ? "its" : "their",
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
