//===- InferCommand.cpp - shodh-run infer ----------------------------------===//
//
// Runs a model's `infer` program over the samples of an HDF5 file in batches
// and writes the outputs (atomically) to another HDF5 file. The dataset's
// trailing dims must match the model input's static dims; the leading (sample)
// axis feeds the batch symbol. A last partial batch re-prepares the program
// for the smaller batch, or is zero-padded when the batch size was fixed at
// compile time. When the data file also holds `targets`, MSE and relative L2
// are printed. `--dump-params` writes every parameter as an HDF5 dataset.
// `--weights ckpt.fb` runs with a checkpoint's parameters and state; inputs
// are then normalised with its statistics and outputs de-normalised, so the
// written outputs and the reported errors are in physical units. Several
// `--weights` files together may hold the model (restoreCheckpoints).
// `--map inputs,targets` runs the program over each named dataset and
// writes each result under the dataset's own name (e.g. a latent data set
// from an encoder), `--copy domain` copies datasets through unchanged.
// A program compiled with `shodhc --precision f64` reads its inputs as f64
// (f32 data widened exactly) and writes f64 outputs; f32 weights are
// widened when loaded.
//
//===----------------------------------------------------------------------===//
#include "runtime/core/Session.h"
#include "runtime/data/Hdf5File.h"
#include "runtime/support/OutputFile.h"
#include "runtime/support/Status.h"
#include "runtime/train/Checkpoint.h"
#include "runtime/train/ParameterExport.h"
#include "tools/shodh-run/Commands.h"
#include "tools/shodh-run/ModelText.h"
#include "tools/shodh-run/SessionFlags.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <type_traits>

namespace shodh {
namespace {

struct InferOptions {
  std::string model, data, out, dumpParams;
  std::vector<std::string> weights, map, copy;
  std::string program = "infer";
  std::string inputDataset = "inputs";
  int64_t batch = 16;
  bool batchGiven = false; ///< --batch on the command line
  int threads = 1;
  SessionFlags flags;
};

/// Checks the data's per-sample shape against the program input.
void checkInputShape(const TensorDesc &in, const std::vector<int64_t> &shape,
                     const std::string &dataPath, const std::string &dataset) {
  bool ok = shape.size() == in.shape.size();
  for (size_t i = 1; ok && i < shape.size(); ++i)
    ok = !in.shape[i].isStatic() || in.shape[i].size == shape[i];
  if (!ok)
    throw Error(fmt::format("'{}': dataset '{}' has shape {} but model input '{}' expects {} "
                            "(first axis = samples)",
                            dataPath, dataset, formatShape(shape), in.name, formatDims(in.shape)));
  if (in.dtype != DType::F32 && in.dtype != DType::F64)
    throw Error(fmt::format("model input '{}' is {}; infer feeds f32 or f64 data", in.name,
                            dtypeName(in.dtype)));
}

/// Symbol bindings for a batch of `rows` samples of the given data shape.
std::map<std::string, int64_t> bindingsFor(const TensorDesc &in, const std::vector<int64_t> &shape,
                                           int64_t rows) {
  std::map<std::string, int64_t> symbols;
  for (size_t i = 0; i < in.shape.size(); ++i)
    if (!in.shape[i].isStatic())
      symbols[in.shape[i].symbol] = i == 0 ? rows : shape[i];
  return symbols;
}

/// Accumulates output statistics and errors against targets. The mean and
/// variance sum the differences from the first output (shifted data): a
/// plain sum of squares minus the squared mean loses every digit of the
/// spread of outputs like 300 K ± 0.01 (a 20 % wrong std over 2^24 values).
struct Stats {
  double shift = 0, sum = 0, sumSq = 0, errSq = 0, min = INFINITY,
         max = -INFINITY;
  int64_t count = 0;                           // finite outputs
  int64_t compared = 0;                        // values compared with targets
  std::vector<double> relL2;                   // per sample compared
  int64_t samples = 0;                         // samples seen (addSample)
  int64_t nonFinite = 0, firstNonFinite = -1;  // outputs: count, flat index
  int64_t badTargets = 0, firstBadTarget = -1; // samples with NaN/inf targets
  int64_t seen = 0;                            // outputs seen

  /// Outputs; NaN and infinities are counted, not summed.
  template <typename T>
  void addOutputs(const T *v, int64_t n) {
    for (int64_t i = 0; i < n; ++i, ++seen) {
      double x = double(v[i]);
      if (!std::isfinite(x)) {
        if (nonFinite++ == 0)
          firstNonFinite = seen;
        continue;
      }
      if (count == 0)
        shift = x;
      double d = x - shift;
      sum += d, sumSq += d * d, ++count;
      min = std::min(min, x), max = std::max(max, x);
    }
  }
  double mean() const {
    return shift + sum / double(std::max<int64_t>(count, 1));
  }
  double stddev() const {
    double n = double(std::max<int64_t>(count, 1)), m = sum / n;
    return std::sqrt(std::max(sumSq / n - m * m, 0.0));
  }
  /// One sample against its targets; a sample whose targets hold NaN or
  /// infinities is counted and left out of the errors.
  template <typename T>
  void addSample(const T *pred, const T *target, int64_t n) {
    const int64_t sample = samples++;
    for (int64_t i = 0; i < n; ++i)
      if (!std::isfinite(double(target[i]))) {
        if (badTargets++ == 0)
          firstBadTarget = sample;
        return;
      }
    double e = 0, t = 0;
    for (int64_t i = 0; i < n; ++i)
      e += (double(pred[i]) - target[i]) * (double(pred[i]) - target[i]), t += double(target[i]) * target[i];
    errSq += e, compared += n;
    relL2.push_back(t > 0 ? std::sqrt(e / t) : std::sqrt(e));
  }
};

/// Loads `--weights` into the session; returns their normalisation (if
/// any), checked against the data's channel count.
std::optional<Normalizer> applyWeights(const InferOptions &o, Session &session,
                                       const std::vector<int64_t> &shape) {
  if (o.weights.empty())
    return std::nullopt;
  std::vector<Checkpoint> ckpts;
  for (const std::string &path : o.weights)
    ckpts.push_back(readCheckpoint(path));
  for (const std::string &note : restoreCheckpoints(session, ckpts, o.model))
    fmt::print("note: {}\n", note);
  std::optional<Normalizer> norm = combinedNormalizer(ckpts);
  if (norm && (shape.size() < 2 || shape[1] != norm->inputs.channels()))
    throw Error(fmt::format("'{}': dataset '{}' has shape {} but the normalisation of the "
                            "weights is for {} channels at axis 1",
                            o.data, o.map.empty() ? o.inputDataset : o.map.front(),
                            formatShape(shape), norm->inputs.channels()));
  return norm;
}

/// Values per (sample, channel) of a batch tensor [rows, C, ...].
int64_t innerOf(const TensorRef &t) {
  int64_t inner = 1;
  for (size_t i = 2; i < t.shape.size(); ++i)
    inner *= t.shape[i];
  return inner;
}

/// The single input and output of the program, with clear errors otherwise.
const ProgramDesc &singleIoProgram(const ModelDesc &m, const std::string &name) {
  const ProgramDesc *p = m.findProgram(name);
  if (!p)
    throw Error(fmt::format("model has no program '{}'", name));
  if (p->inputs.size() != 1 || p->outputs.size() != 1)
    throw Error(fmt::format("program '{}' has {} inputs and {} outputs; infer feeds exactly one "
                            "input dataset and writes one output",
                            name, p->inputs.size(), p->outputs.size()));
  return *p;
}

/// A dense row-major array of T (the program's element type) with its shape.
template <typename T>
struct Array {
  std::vector<int64_t> shape;
  std::vector<T> values;
};

/// Rows [first, first + count) of dataset `name` as T.
template <typename T>
std::vector<T> readRowsAs(const Hdf5Reader &data, const std::string &name, int64_t first,
                          int64_t count) {
  if constexpr (std::is_same_v<T, double>)
    return data.readRowsF64(name, first, count);
  else
    return data.readRows(name, first, count).values;
}

/// Runs the program over every sample of one dataset.
struct DatasetRunner {
  const InferOptions &o;
  const ModelDesc &m;
  const ProgramDesc &prog;
  Session &session;
  const Hdf5Reader &data;
  const std::optional<Normalizer> &norm;

  /// The outputs for dataset `name` (shape `shape`), with statistics in
  /// `stats` (errors against `targets` if `compare`) and batch times in `ms`.
  template <typename T>
  Array<T> run(const std::string &name, const std::vector<int64_t> &shape, bool compare,
               Stats &stats, std::vector<double> &ms) {
    const TensorDesc &in = m.tensors[prog.inputs[0]];
    const int64_t n = shape[0];
    const bool fixedBatch = in.shape[0].isStatic();
    const int64_t batch = batchSize(shape);
    Array<T> outputs;
    int64_t preparedRows = -1;
    for (int64_t first = 0; first < n; first += batch) {
      int64_t rows = std::min(batch, n - first);
      int64_t runRows = fixedBatch ? batch : rows;
      if (runRows != preparedRows) {
        session.prepare(o.program, bindingsFor(in, shape, runRows));
        preparedRows = runRows;
      }
      std::vector<T> x = readRowsAs<T>(data, name, first, rows);
      TensorRef xin = session.input(o.program, 0);
      std::memset(xin.data, 0, xin.numel() * sizeof(T));
      if (norm)
        norm->inputs.normalize(x.data(), rows, int64_t(x.size()) / (rows * shape[1]));
      std::memcpy(xin.data, x.data(), x.size() * sizeof(T));
      auto t0 = std::chrono::steady_clock::now();
      session.invoke(o.program);
      ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
      TensorRef y = session.output(o.program, 0);
      int64_t perSample = y.numel() / runRows;
      if (outputs.shape.empty()) {
        outputs.shape = y.shape;
        outputs.shape[0] = n;
        outputs.values.reserve(static_cast<size_t>(n * perSample));
      }
      if (norm && (y.shape.size() < 2 || y.shape[1] != norm->targets.channels()))
        throw Error(fmt::format("output '{}' has shape {} but the normalisation of the weights "
                                "is for {} target channels",
                                m.tensors[prog.outputs[0]].name, formatShape(y.shape),
                                norm->targets.channels()));
      if (norm)
        norm->targets.denormalize(y.as<T>(), runRows, innerOf(y));
      const T *yv = y.as<T>();
      outputs.values.insert(outputs.values.end(), yv, yv + rows * perSample);
      stats.addOutputs(yv, rows * perSample);
      if (compare) {
        std::vector<T> t = readRowsAs<T>(data, "targets", first, rows);
        if (int64_t(t.size()) != rows * perSample)
          throw Error(fmt::format("'{}': dataset 'targets' has shape {} but outputs are {} per sample",
                                  o.data, formatShape(data.datasetShape("targets")), perSample));
        for (int64_t r = 0; r < rows; ++r)
          stats.addSample(yv + r * perSample, t.data() + r * perSample, perSample);
      }
    }
    return outputs;
  }

  /// Samples per batch for data of `shape`.
  int64_t batchSize(const std::vector<int64_t> &shape) const {
    const TensorDesc &in = m.tensors[prog.inputs[0]];
    return in.shape[0].isStatic() ? in.shape[0].size
                                  : std::min(o.batch, std::max<int64_t>(shape[0], 1));
  }
};

/// True if `out`'s first axis is `in`'s batch axis (the same symbol, or
/// the same compiled-in size): infer splits it into one row per sample.
bool hasBatchAxis(const TensorDesc &in, const TensorDesc &out) {
  return !out.shape.empty() && out.shape[0] == in.shape[0];
}

/// `o.batch`, or 1 for an output without the input's batch axis (a
/// `tensor<1xf32>` reduced over the whole batch): infer writes one output
/// row per sample, which such an output has only one sample at a time.
/// Throws if `--batch` asked for more or the batch is compiled in.
int64_t rowBatch(const InferOptions &o, const TensorDesc &in,
                 const TensorDesc &out) {
  if (hasBatchAxis(in, out))
    return o.batch;
  const Dim &b = in.shape[0];
  std::string why =
      fmt::format("output '{}' has shape {}, whose first axis is not the batch "
                  "axis {} of input '{}': "
                  "infer writes one output row per sample",
                  out.name, formatDims(out.shape), formatDims({b}), in.name);
  if (b.isStatic() && b.size != 1)
    throw Error(fmt::format(
        "{}, and this model's batch is compiled in (shodhc --batch {}); "
        "compile it with --batch 1, or without --batch",
        why, b.size));
  if (o.batchGiven && o.batch != 1)
    throw Error(fmt::format(
        "{}, so such a model runs one sample at a time: pass --batch 1 "
        "(or leave --batch out)",
        why));
  if (!b.isStatic() && !o.batchGiven)
    fmt::print(stderr,
               "note: {}, so the samples run one at a time (--batch 1)\n", why);
  return 1;
}

/// The datasets the program runs over, each checked against the model.
std::vector<std::string> mappedDatasets(const InferOptions &o, const TensorDesc &in,
                                        const Hdf5Reader &data) {
  std::vector<std::string> names = o.map.empty() ? std::vector<std::string>{o.inputDataset} : o.map;
  for (const std::string &name : names) // the reader names a missing one
    checkInputShape(in, data.datasetShape(name), o.data, name);
  std::vector<std::string> written = o.map.empty() ? std::vector<std::string>{"outputs"} : names;
  for (const std::string &name : o.copy) {
    if (!data.hasDataset(name))
      throw Error(fmt::format("--copy: '{}' has no dataset '{}'", o.data, name));
    written.push_back(name);
  }
  // Every name written once, checked before the model runs.
  std::vector<std::string> sorted = written;
  std::sort(sorted.begin(), sorted.end());
  auto dup = std::adjacent_find(sorted.begin(), sorted.end());
  if (dup != sorted.end())
    throw Error(fmt::format("--map/--copy: dataset '{}' would be written twice to '{}'", *dup,
                            o.out));
  return names;
}

void runInfer(const InferOptions &o) {
  std::vector<std::pair<std::string, std::string>> inputs = {
      {"--data", o.data}, {"model", o.model}};
  for (const std::string &path : o.weights)
    inputs.push_back({"--weights", path});
  if (Status s = checkDistinctFiles(
          inputs, {{"--out", o.out}, {"--dump-params", o.dumpParams}});
      !s.ok())
    throw Error(s.message());
  ModelDesc m = loadModelOrThrow(o.model);
  const ProgramDesc &prog = singleIoProgram(m, o.program);
  const TensorDesc &in = m.tensors[prog.inputs[0]];
  Hdf5Reader data(o.data);
  std::vector<std::string> names = mappedDatasets(o, in, data);
  std::vector<int64_t> shape = data.datasetShape(names.front());
  for (const std::string &name : names)
    if (std::vector<int64_t> s = data.datasetShape(name);
        !s.empty() && s[0] == 0)
      throw Error(
          fmt::format("'{}': dataset '{}' holds no samples", o.data, name));
  bool compare = o.map.empty() && data.hasDataset("targets");
  if (compare) // compared row by row: the counts must agree before any work
    if (std::vector<int64_t> t = data.datasetShape("targets");
        !t.empty() && !shape.empty() && t[0] != shape[0])
      throw Error(
          fmt::format("'{}': dataset '{}' has {} samples but 'targets' has {}",
                      o.data, names.front(), shape[0], t[0]));
  // Compared value by value: the layout must be the output's (channels-last
  // targets of the same size were compared as if they matched).
  if (const TensorDesc &out = m.tensors[prog.outputs[0]];
      compare && hasBatchAxis(in, out))
    checkSampleShape(out, data.datasetShape("targets"), o.data, "targets",
                     "output");

  if (o.batchGiven && in.shape[0].isStatic() && in.shape[0].size != o.batch)
    fmt::print(stderr,
               "note: input '{}' has the static batch {} (compiled with shodhc "
               "--batch {}); "
               "--batch {} is ignored\n",
               in.name, in.shape[0].size, in.shape[0].size, o.batch);
  Hdf5Writer writer(o.out); // fail fast on an unwritable output
  Session session(m, o.flags.apply(SessionOptions{o.threads, Backend::Cpu}));
  std::optional<Normalizer> norm = applyWeights(o, session, shape);
  if (!o.dumpParams.empty()) {
    writeParametersHdf5(session, o.dumpParams, "--dump-params");
    fmt::print("wrote parameters to {}\n", o.dumpParams);
  }

  InferOptions runOptions = o;
  runOptions.batch = rowBatch(o, in, m.tensors[prog.outputs[0]]);
  DatasetRunner runner{runOptions, m, prog, session, data, norm};
  Stats stats;
  std::vector<double> ms;
  std::vector<int64_t> outShape;
  for (const std::string &name : names) {
    const std::string written = o.map.empty() ? "outputs" : name;
    if (in.dtype == DType::F64) {
      Array<double> outputs = runner.run<double>(name, data.datasetShape(name), compare, stats, ms);
      outShape = outputs.shape;
      writer.writeDoubles(written, outputs.shape, outputs.values);
    } else {
      Array<float> outputs = runner.run<float>(name, data.datasetShape(name), compare, stats, ms);
      outShape = outputs.shape;
      writer.writeFloats(written, FloatArray{outputs.shape, std::move(outputs.values)});
    }
  }
  for (const std::string &name : o.copy)
    writer.copyDataset(data, name);
  writer.commit();

  std::sort(ms.begin(), ms.end());
  int64_t samples = 0;
  for (const std::string &name : names)
    samples += data.datasetShape(name)[0];
  fmt::print("infer: {} samples in {} batches of {} ({} threads), median {:.3f} ms/batch\n",
             samples, ms.size(), runner.batchSize(shape),
             o.threads, ms.empty() ? 0.0 : ms[ms.size() / 2]);
  fmt::print("outputs {}{}: mean {:.6g} std {:.6g} min {:.6g} max {:.6g}\n",
             formatShape(outShape),
             names.size() > 1
                 ? fmt::format(" (each of {} datasets)", names.size())
                 : "",
             stats.mean(), stats.stddev(), stats.min, stats.max);
  if (stats.nonFinite > 0) {
    const int64_t perSample =
        std::max<int64_t>(stats.seen / std::max<int64_t>(samples, 1), 1);
    fmt::print("note: {} of the {} output values are NaN or infinite (the "
               "first in sample {}); "
               "mean, std, min and max are over the finite ones\n",
               stats.nonFinite, stats.seen, stats.firstNonFinite / perSample);
  }
  if (compare && stats.badTargets > 0)
    fmt::print("note: 'targets' holds NaN or infinite values in {} of {} "
               "samples (the first is "
               "sample {}); they are left out of mse and relative L2\n",
               stats.badTargets, stats.samples, stats.firstBadTarget);
  if (compare && !stats.relL2.empty()) {
    double rel = 0;
    for (double r : stats.relL2)
      rel += r;
    fmt::print("vs targets: mse {:.6g} relative L2 {:.6g}{}\n",
               stats.errSq / stats.compared, rel / stats.relL2.size(),
               stats.badTargets > 0
                   ? fmt::format(" ({} samples)", stats.relL2.size())
                   : "");
  }
  fmt::print("wrote {}\n", o.out);
}

} // namespace

void addInferCommand(CLI::App &app) {
  auto o = std::make_shared<InferOptions>();
  CLI::App *cmd = app.add_subcommand("infer", "run a model's infer program on an HDF5 data file");
  cmd->add_option("model", o->model, "model file (.fb)")->required();
  cmd->add_option("--data", o->data, "input HDF5 file (dataset 'inputs')")->required();
  cmd->add_option("--out", o->out, "output HDF5 file (dataset 'outputs')")->required();
  CLI::Option *batch =
      cmd->add_option("--batch", o->batch, "samples per batch (default 16)")
          ->check(CLI::Range(int64_t(1), int64_t(1) << 20));
  cmd->add_option("--threads", o->threads, "worker threads")->check(CLI::Range(1, 256));
  cmd->add_option("--dump-params", o->dumpParams, "also write every parameter to this HDF5 file");
  cmd->add_option("--weights", o->weights,
                  "checkpoint (.fb) whose parameters and normalisation to use; "
                  "repeat it for a model held by several checkpoints");
  cmd->add_option("--program", o->program, "program to run");
  CLI::Option *input =
      cmd->add_option("--input-dataset", o->inputDataset, "dataset holding the inputs");
  cmd->add_option("--map", o->map,
                  "run over each of these datasets and write each result under its own "
                  "name (instead of 'outputs')")
      ->delimiter(',')
      ->excludes(input);
  cmd->add_option("--copy", o->copy, "datasets copied unchanged into --out")->delimiter(',');
  o->flags.addTo(cmd);
  cmd->callback([o, batch] {
    o->batchGiven = batch->count() > 0;
    runInfer(*o);
  });
}

} // namespace shodh
