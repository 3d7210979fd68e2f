//===- Compiler.h - The shodhc driver ---------------------------*- C++ -*-===//
//
// Compiles one model source into a model file or into the final IR. All
// diagnostics are printed to stderr with source locations; no output is
// written when compilation fails.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "frontend/Pipeline.h"

#include "llvm/Support/MemoryBuffer.h"

#include <memory>
#include <string>

namespace mlir::shodh {

/// What the compiler writes.
enum class EmitKind { ModelFile, Mlir };

/// Options of one compilation.
struct CompileOptions : PipelineOptions {
  /// Name of the source (for diagnostics and the model file's metadata).
  std::string inputName;
  /// Output path; "-" or empty prints MLIR to stdout.
  std::string outputPath;
  /// Target recorded in the model file.
  std::string target = "cpu";
  /// Output form.
  EmitKind emit = EmitKind::ModelFile;
  /// Print the IR after every pass to stderr.
  bool printIrAfterAll = false;
};

/// Compiles `source`; returns failure after reporting errors.
LogicalResult compileModel(std::unique_ptr<llvm::MemoryBuffer> source,
                           const CompileOptions &options);

} // namespace mlir::shodh
