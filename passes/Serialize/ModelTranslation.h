//===- ModelTranslation.h - shodh IR to a model description -----*- C++ -*-===//
//
// Translates a lowered, lifetime-annotated shodh module into the in-memory
// model file (`shodh::ModelDesc`, runtime/format/ModelDesc.h) and writes it.
// Used by the --shodh-serialize pass and directly by shodhc.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "mlir/IR/BuiltinOps.h"
#include "runtime/format/ModelDesc.h"

#include <string>

namespace mlir::shodh {

/// The compiler version recorded in every model file.
constexpr llvm::StringLiteral kCompilerVersion = "shodhc 0.1.0";

/// Where the module came from and what it targets.
struct TranslationOptions {
  /// Name of the source file (recorded in the metadata).
  std::string sourceName;
  /// Text of the source file (hashed into the metadata).
  std::string sourceText;
  /// Target recorded in the metadata ("cpu", "cuda", "auto").
  std::string target = "cpu";
};

/// Returns the lower-case hex SHA-256 of `text`.
std::string sha256Hex(llvm::StringRef text);

/// Translates `module` into `model`; emits errors on the module's ops.
LogicalResult translateToModelDesc(ModuleOp module,
                                   const TranslationOptions &options,
                                   ::shodh::ModelDesc &model);

/// Translates `module` and writes it atomically to `path`.
LogicalResult writeModule(ModuleOp module, const TranslationOptions &options,
                          llvm::StringRef path);

} // namespace mlir::shodh
