//===- test_models.h - Sample models shared by the format tests -----------===//
//
// Builders for valid `ModelDesc`s that exercise every field of the format
// (symbolic dimensions, every attribute kind, init specs, stored data,
// several programs with lifetimes), a deep comparison of two models with
// gtest expectations, and a scratch directory that removes itself.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/format/ModelDesc.h"

#include <string>

namespace shodh {
namespace testing {

/// A small valid model using every field: 8 tensors (3 with data), programs
/// "infer" and "train_step", hyperparameters of every attribute kind.
ModelDesc makeSampleModel();

/// A valid model whose data section holds two tensors and exceeds 64 KiB.
ModelDesc makeLargeDataModel();

/// Appends deterministic bytes for tensor `id` (its full static byte size) to
/// the data section at the next 64-byte boundary and points its DataRef there.
void attachData(ModelDesc &model, int32_t id, uint8_t seed);

/// Expects `actual` to equal `expected` field by field.
void expectModelsEqual(const ModelDesc &expected, const ModelDesc &actual);

/// A fresh directory under $TMPDIR (or /tmp), removed with its contents.
class ScratchDir {
public:
  ScratchDir();
  ~ScratchDir();
  ScratchDir(const ScratchDir &) = delete;
  ScratchDir &operator=(const ScratchDir &) = delete;
  /// The directory's path.
  const std::string &path() const { return path_; }
  /// `path()/name`.
  std::string file(const std::string &name) const { return path_ + "/" + name; }

private:
  std::string path_;
};

} // namespace testing
} // namespace shodh
