//===- Pipeline.h - The compile pipeline ------------------------*- C++ -*-===//
//
// Builds the pass pipeline from a verified model to a lowered, annotated
// module ready for serialization.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "mlir/Pass/PassManager.h"

#include <cstdint>
#include <string>
#include <vector>

namespace mlir::shodh {

/// Options of the compile pipeline.
struct PipelineOptions {
  /// Hyperparameter overrides, each "key=value"; "train.key=value" changes
  /// an entry of `shodh.train`.
  std::vector<std::string> overrides;
  /// Batch size bound to "B"; 0 keeps it symbolic.
  int64_t batch = 0;
  /// Run --shodh-fuse-spectral (off: the unfused spectral kernels run).
  bool fuseSpectral = true;
  /// Build @train_step and @eval even without `shodh.train` (defaults).
  bool train = false;
  /// The function compiled as @infer (empty: @infer itself).
  std::string entry;
  /// Compile in double precision (--shodh-promote-f64; inference only).
  bool f64 = false;
};

/// Adds select-entry, bind-hyperparams, expand-repeats, promote-f64 (with
/// `f64`), infer-shapes, fuse-spectral (unless disabled), build-training,
/// canonicalize, cse, lower-to-kernels and lifetimes to `pm`.
void buildCompilePipeline(OpPassManager &pm, const PipelineOptions &options);

} // namespace mlir::shodh
