//===- IntExpr.h - Integer expressions over hyperparameters -----*- C++ -*-===//
//
// Dims entries, init fans and op attributes such as a repeat count may be
// written as integer expressions over integer hyperparameters and literals:
//
//   expr   := term (('+' | '-') term)*
//   term   := factor (('*' | '/') factor)*
//   factor := integer | name | '(' expr ')'
//
// `/` is integer division rounding toward zero; dividing by zero and
// overflowing 64 bits are errors. Blanks between tokens are ignored. Errors
// name the expression and the 1-based column of the offending token.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Diagnostics.h"

namespace mlir::shodh {

/// Returns true if `text` is a plain name ([A-Za-z_][A-Za-z0-9_]*), the
/// simplest expression.
bool isIntExprName(llvm::StringRef text);

/// Evaluates the expression `text` with the integer hyperparameters of
/// `hyper`. Errors read "<what> ("<text>"): <problem> at column <c>".
FailureOr<int64_t> evaluateIntExpr(function_ref<InFlightDiagnostic()> emitError,
                                   llvm::StringRef what, llvm::StringRef text,
                                   DictionaryAttr hyper);

} // namespace mlir::shodh
