//===- TrainingData.cpp - A data set held in memory for training ----------===//
#include "runtime/train/TrainingData.h"
#include "runtime/support/Status.h"
#include "runtime/train/TensorText.h"

#include <fmt/format.h>

#include <cmath>

namespace shodh {
namespace {

/// Values per sample of an array shaped (samples, ...).
int64_t perSample(const FloatArray &a) {
  int64_t n = 1;
  for (size_t i = 1; i < a.shape.size(); ++i)
    n *= a.shape[i];
  return n;
}

/// Reads one dataset and checks it has (samples, channels, ...) axes.
FloatArray readSampleArray(const Hdf5Reader &file, const std::string &dataset) {
  std::vector<int64_t> shape = file.datasetShape(dataset);
  if (shape.size() < 2)
    throw Error(fmt::format(
        "'{}': dataset '{}' has shape {}; need (samples, channels, ...)",
        file.path(), dataset, formatShape(shape)));
  if (shape[0] == 0)
    throw Error(fmt::format("'{}': dataset '{}' holds no samples", file.path(),
                            dataset));
  FloatArray a = file.readFloats(dataset);
  // A NaN or Inf would surface as "loss is NaN at step 1" with no file named
  // (f64 values beyond the f32 range arrive here as Inf).
  const int64_t perRow = perSample(a);
  for (size_t i = 0; i < a.values.size(); ++i)
    if (!std::isfinite(a.values[i]))
      throw Error(fmt::format(
          "'{}': dataset '{}' holds {} at sample {}, flat index {} of the "
          "sample; training and evaluation need finite data (f64 values "
          "beyond the f32 range become inf)",
          file.path(), dataset, a.values[i], int64_t(i) / perRow,
          int64_t(i) % perRow));
  return a;
}

} // namespace

int64_t TrainingData::inputsPerSample() const { return perSample(inputs); }

int64_t TrainingData::targetsPerSample() const { return perSample(targets); }

TrainingData loadTrainingData(const std::string &path) {
  Hdf5Reader file(path);
  TrainingData d;
  d.path = path;
  // Check both datasets exist before reading either (fail fast on big files).
  for (const char *name : {"inputs", "targets"})
    if (!file.hasDataset(name))
      throw Error(file.missingDataset(name));
  d.inputs = readSampleArray(file, "inputs");
  d.targets = readSampleArray(file, "targets");
  if (d.inputs.shape[0] != d.targets.shape[0])
    throw Error(fmt::format(
        "'{}': dataset 'inputs' has {} samples but 'targets' has {}", path,
        d.inputs.shape[0], d.targets.shape[0]));
  // `pde` only labels the data in messages: another tool's non-string
  // attribute of that name is no reason to refuse the file.
  try {
    std::vector<std::string> pde = file.readStringsAttr("/", "pde");
    if (!pde.empty())
      d.label = pde[0];
  } catch (const Error &) {
  }
  return d;
}

void checkSampleShape(const TensorDesc &operand,
                      const std::vector<int64_t> &shape,
                      const std::string &path, const std::string &dataset,
                      const std::string &kind) {
  bool ok = shape.size() == operand.shape.size();
  for (size_t i = 1; ok && i < shape.size(); ++i)
    ok = !operand.shape[i].isStatic() || operand.shape[i].size == shape[i];
  if (!ok)
    throw Error(fmt::format(
        "'{}': dataset '{}' has shape {} but model {} '{}' expects {} "
        "(first axis = samples)",
        path, dataset, formatShape(shape), kind, operand.name,
        formatDimsOf(operand)));
}

void bindOperandSymbols(const TensorDesc &operand,
                        const std::vector<int64_t> &shape, int64_t rows,
                        std::map<std::string, int64_t> &symbols) {
  for (size_t i = 0; i < operand.shape.size() && i < shape.size(); ++i) {
    if (operand.shape[i].isStatic())
      continue;
    int64_t value = i == 0 ? rows : shape[i];
    auto [it, inserted] = symbols.emplace(operand.shape[i].symbol, value);
    if (!inserted && it->second != value)
      throw Error(fmt::format(
          "model {} '{}': symbol '{}' would be {} but is already {}", "operand",
          operand.name, operand.shape[i].symbol, value, it->second));
  }
}

} // namespace shodh
