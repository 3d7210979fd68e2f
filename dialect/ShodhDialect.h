//===- ShodhDialect.h - The shodh dialect -----------------------*- C++ -*-===//
//
// Declares the `shodh` dialect class and the names of its dialect attributes
// (module hyperparameters and training configuration, argument dims and
// names, lifetime annotations).
//
//===----------------------------------------------------------------------===//
#pragma once

#include "mlir/IR/Dialect.h"
#include "llvm/ADT/StringRef.h"

namespace mlir::shodh {

/// Module attribute: the model's hyperparameters (a dictionary).
constexpr llvm::StringLiteral kHyperparamsAttr = "shodh.hyperparams";
/// Module attribute: the training configuration (a dictionary).
constexpr llvm::StringLiteral kTrainAttr = "shodh.train";
/// Function argument attribute: symbolic dims of the argument.
constexpr llvm::StringLiteral kDimsAttr = "shodh.dims";
/// Function argument/result attribute: tensor name in the model file.
constexpr llvm::StringLiteral kNameAttr = "shodh.name";
/// `shodh.kernel` attribute: position of the call in its program.
constexpr llvm::StringLiteral kIndexAttr = "shodh.index";
/// `shodh.kernel` / function argument attribute: live ranges.
constexpr llvm::StringLiteral kLiveAttr = "shodh.live";
/// The batch dimension symbol, the only dim that may stay dynamic.
constexpr llvm::StringLiteral kBatchSymbol = "B";

} // namespace mlir::shodh

#include "dialect/ShodhDialect.h.inc"
