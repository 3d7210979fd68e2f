//===- Rollout.cpp - Autoregressive rollout in `shodh-run eval` -----------===//
#include "tools/shodh-run/Rollout.h"
#include "runtime/support/JsonText.h"
#include "runtime/support/Status.h"
#include "runtime/train/Predictor.h"
#include "runtime/train/TensorText.h"
#include "runtime/train/TrainContract.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <cstring>

namespace shodh {

int64_t Trajectories::snapshotSize() const {
  int64_t n = 1;
  for (size_t i = 2; i < values.shape.size(); ++i)
    n *= values.shape[i];
  return n;
}

Trajectories loadTrajectories(const std::string &path,
                              const std::string &dataset) {
  Hdf5Reader file(path);
  if (!file.hasDataset(dataset))
    throw Error(fmt::format("'{}': no dataset '{}' (--rollout names the "
                            "trajectories, shaped (N, T, C, spatial...))",
                            path, dataset));
  const std::string type = file.datasetTypeName(dataset);
  if (type != "f32" && type != "f64")
    throw Error(fmt::format("'{}': dataset '{}' must hold floating-point "
                            "values (f32 or f64), not {}",
                            path, dataset, type));
  std::vector<int64_t> shape = file.datasetShape(dataset);
  if (shape.size() < 4 ||
      std::any_of(shape.begin(), shape.end(), [](int64_t d) { return d < 1; }))
    throw Error(fmt::format("'{}': dataset '{}' has shape {}; --rollout needs "
                            "trajectories (N, T, C, spatial...) with 1-3 "
                            "spatial axes and no empty axis",
                            path, dataset, formatShape(shape)));
  Trajectories t{path, dataset, file.readFloats(dataset)};
  const int64_t perTrajectory = t.values.numel() / t.count();
  const int64_t perSnapshot = t.snapshotSize();
  for (size_t i = 0; i < t.values.values.size(); ++i)
    if (!std::isfinite(t.values.values[i]))
      throw Error(fmt::format(
          "'{}': dataset '{}' holds {} in trajectory {}, snapshot {}; "
          "evaluation needs finite data (f64 values beyond the f32 range "
          "become inf)",
          path, dataset, t.values.values[i], int64_t(i) / perTrajectory,
          int64_t(i) % perTrajectory / perSnapshot));
  return t;
}

int64_t RolloutShape::stepsWithin(int64_t snapshots) const {
  return snapshots < windowIn + windowOut ? 0
                                          : (snapshots - windowIn) / windowOut;
}

namespace {

/// Snapshots of `channels` channels in operand `t` (dim 1), or 0 if that
/// dim is not a static multiple of `channels`.
int64_t snapshotsIn(const TensorDesc &t, int64_t channels) {
  const Dim &c = t.shape[1];
  return c.isStatic() && c.size > 0 && c.size % channels == 0
             ? c.size / channels
             : 0;
}

} // namespace

RolloutShape rolloutShape(const ModelDesc &model, const std::string &modelPath,
                          const Trajectories &t) {
  PredictOperands ops = checkPredictProgram(model);
  const TensorDesc &x = model.tensors[ops.x];
  const TensorDesc &y = model.tensors[ops.prediction];
  const std::vector<int64_t> &s = t.values.shape;
  auto mismatch = [&](const std::string &why) {
    return Error(fmt::format(
        "--rollout: '{}': dataset '{}' has shape {} (trajectories, snapshots, "
        "channels, spatial...) but '{}' maps input '{}' {} to prediction "
        "'{}' {}: {}",
        t.path, t.dataset, formatShape(s), modelPath, x.name, formatDimsOf(x),
        y.name, formatDimsOf(y), why));
  };
  for (const TensorDesc *op : {&x, &y}) {
    if (op->shape.size() + 1 != s.size())
      throw mismatch(fmt::format("the data has {} spatial axes, the model {}",
                                 s.size() - 3, op->shape.size() - 2));
    for (size_t i = 2; i < op->shape.size(); ++i)
      if (op->shape[i].isStatic() && op->shape[i].size != s[i + 1])
        throw mismatch(fmt::format("spatial axis {} has {} points, the model "
                                   "{}",
                                   i - 2, s[i + 1], op->shape[i].size));
  }
  RolloutShape r{t.channels(), snapshotsIn(x, t.channels()),
                 snapshotsIn(y, t.channels())};
  if (r.windowIn == 0 || r.windowOut == 0)
    throw mismatch(fmt::format(
        "the input's and the prediction's channels must be static multiples "
        "of the {} channel(s) of one snapshot (a window of snapshots)",
        t.channels()));
  return r;
}

RolloutErrors rollout(Predictor &predictor, const Trajectories &t,
                      const RolloutShape &shape, int64_t steps) {
  const int64_t n = t.count(), snap = t.snapshotSize();
  const int64_t in = shape.windowIn * snap, out = shape.windowOut * snap;
  const int64_t perTrajectory = t.snapshots() * snap;
  std::vector<int64_t> spatial(t.values.shape.begin() + 3,
                               t.values.shape.end());
  auto shaped = [&](int64_t channels) {
    std::vector<int64_t> sh{n, channels};
    sh.insert(sh.end(), spatial.begin(), spatial.end());
    return sh;
  };
  TrainingData step;
  step.path = t.path;
  step.inputs.shape = shaped(shape.windowIn * shape.channels);
  step.targets.shape = shaped(shape.windowOut * shape.channels);
  step.inputs.values.resize(size_t(n * in));
  step.targets.values.resize(size_t(n * out));
  const float *data = t.values.values.data();
  for (int64_t i = 0; i < n; ++i)
    std::copy_n(data + i * perTrajectory, in,
                step.inputs.values.begin() + i * in);

  RolloutErrors e{t.path, t.path, {}, {}};
  std::vector<SquaredSums> sums(static_cast<size_t>(n));
  std::vector<float> next(step.inputs.values.size());
  // The next window is the last W_in snapshots of (window, prediction): the
  // window's last `kept` values, then the prediction's last `fresh`.
  const int64_t kept = std::max<int64_t>(in - out, 0), fresh = in - kept;
  for (int64_t k = 0; k < steps; ++k) {
    const int64_t first = shape.windowIn + k * shape.windowOut;
    for (int64_t i = 0; i < n; ++i) {
      std::copy_n(data + i * perTrajectory + first * snap, out,
                  step.targets.values.begin() + i * out);
      std::copy_n(step.inputs.values.begin() + i * in + fresh, kept,
                  next.begin() + i * in);
    }
    e.steps.push_back(
        predictor.evaluate(step, [&](const Batch &b, const float *pred) {
          for (int64_t r = 0; r < b.rows; ++r) {
            const int64_t i = b.samples[r];
            const float *p = pred + r * out;
            sums[i].add(p, step.targets.values.data() + i * out, out);
            std::copy_n(p + (out - fresh), fresh, next.begin() + i * in + kept);
          }
        }));
    step.inputs.values.swap(next);
  }
  for (const SquaredSums &s : sums)
    e.whole.addSampleSums(s, steps * out);
  return e;
}

RolloutErrors combinedRollout(const std::vector<RolloutErrors> &files) {
  RolloutErrors all{"all", "", {}, {}};
  for (const RolloutErrors &f : files) {
    all.steps.resize(f.steps.size());
    for (size_t k = 0; k < f.steps.size(); ++k)
      all.steps[k].merge(f.steps[k]);
    all.whole.merge(f.whole);
  }
  return all;
}

namespace {

/// "snapshot 4" or "snapshots 4-7" (0-based indices into T).
std::string snapshotRange(int64_t first, int64_t last) {
  return first == last ? fmt::format("snapshot {}", first)
                       : fmt::format("snapshots {}-{}", first, last);
}

} // namespace

std::string rolloutText(const RolloutShape &shape, const RolloutErrors &e) {
  const int64_t steps = int64_t(e.steps.size());
  std::string text =
      fmt::format("{}: {} trajectories, {}, relative L2 {:.6g}, MSE {:.6g}\n",
                  e.name, e.whole.samples(),
                  snapshotRange(shape.windowIn,
                                shape.windowIn + steps * shape.windowOut - 1),
                  e.whole.relL2(), e.whole.mse());
  for (int64_t k = 0; k < steps; ++k) {
    const int64_t first = shape.windowIn + k * shape.windowOut;
    text +=
        fmt::format("  step {} ({}): relative L2 {:.6g}, MSE {:.6g}\n", k + 1,
                    snapshotRange(first, first + shape.windowOut - 1),
                    e.steps[k].relL2(), e.steps[k].mse());
  }
  return text;
}

namespace {

/// One group as a JSON object (`extra` holds leading fields).
std::string groupJson(const RolloutShape &shape, const RolloutErrors &e,
                      const std::string &extra) {
  std::vector<std::string> steps;
  for (size_t k = 0; k < e.steps.size(); ++k) {
    const int64_t first = shape.windowIn + int64_t(k) * shape.windowOut;
    steps.push_back(fmt::format(
        "{{\"step\": {}, \"first_snapshot\": {}, \"last_snapshot\": {}, "
        "\"relative_l2\": {}, \"mse\": {}}}",
        k + 1, first, first + shape.windowOut - 1,
        jsonNumber(e.steps[k].relL2()), jsonNumber(e.steps[k].mse())));
  }
  return fmt::format("{{{}\"trajectories\": {}, \"relative_l2\": {}, "
                     "\"mse\": {},\n    \"steps\": [{}]}}",
                     extra, e.whole.samples(), jsonNumber(e.whole.relL2()),
                     jsonNumber(e.whole.mse()), fmt::join(steps, ",\n      "));
}

} // namespace

std::string rolloutJson(const std::string &dataset, const RolloutShape &shape,
                        const std::vector<RolloutErrors> &files) {
  std::vector<std::string> parts;
  for (const RolloutErrors &f : files)
    parts.push_back(
        groupJson(shape, f,
                  fmt::format("\"name\": {}, \"path\": {}, ",
                              jsonQuoted(f.name), jsonQuoted(f.path))));
  return fmt::format(
      "{{\"rollout\": {{\"dataset\": {}, \"channels\": {}, \"window_in\": {}, "
      "\"window_out\": {}, \"steps\": {},\n \"files\": [{}],\n \"all\": "
      "{}}}}}\n",
      jsonQuoted(dataset), shape.channels, shape.windowIn, shape.windowOut,
      files.empty() ? 0 : files.front().steps.size(),
      fmt::join(parts, ",\n   "), groupJson(shape, combinedRollout(files), ""));
}

} // namespace shodh
