//===- TrainingData.h - A data set held in memory for training ------------===//
//
// `TrainingData` is one HDF5 data file (docs/data-format.md) read into memory:
// the datasets `inputs` and `targets`, both (samples, channels, spatial...),
// with the same number of samples. The training loop, validation and `eval`
// all work from it. `checkSampleShape` compares a dataset's per-sample shape
// with a program operand, naming the file, dataset and tensor on a mismatch.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/data/Hdf5File.h"
#include "runtime/format/ModelDesc.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace shodh {

/// `inputs` and `targets` of one HDF5 file, converted to f32.
struct TrainingData {
  std::string path;  ///< the file, for messages
  std::string label; ///< the root attribute `pde` if present, else empty
  FloatArray inputs;
  FloatArray targets;

  /// Number of samples (the leading axis).
  int64_t samples() const { return inputs.shape.empty() ? 0 : inputs.shape[0]; }
  /// Values per sample of `inputs`.
  int64_t inputsPerSample() const;
  /// Values per sample of `targets`.
  int64_t targetsPerSample() const;
};

/// Reads `inputs` and `targets` from `path`. Throws `Error` if the file or a
/// dataset is missing, a dataset is not floating point, has fewer than two
/// axes (samples, channels, ...), holds no samples, or the two datasets have
/// different numbers of samples.
TrainingData loadTrainingData(const std::string &path);

/// Checks that `shape` (a dataset, samples first) fits the program operand
/// `operand`: same rank and equal static dims after the first. Throws
/// `'f.h5': dataset 'inputs' has shape (4, 2, 8) but model input 'x' expects
/// [B, 3, 8] (first axis = samples)`; `kind` is "input" or "output".
void checkSampleShape(const TensorDesc &operand,
                      const std::vector<int64_t> &shape,
                      const std::string &path, const std::string &dataset,
                      const std::string &kind = "input");

/// Adds the bindings of `operand`'s symbolic dims for a batch of `rows`
/// samples of data shaped `shape`: the first dim gets `rows`, the others the
/// data's sizes. Throws if a symbol is already bound to another value.
void bindOperandSymbols(const TensorDesc &operand,
                        const std::vector<int64_t> &shape, int64_t rows,
                        std::map<std::string, int64_t> &symbols);

} // namespace shodh
