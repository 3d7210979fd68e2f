//===- Hyperparams.h - Module hyperparameters -------------------*- C++ -*-===//
//
// Helpers for the `shodh.hyperparams` module attribute: classifying values
// (integer, float, bool, string), looking hyperparameters up, and verifying
// the attribute.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"

#include <optional>
#include <string>

namespace mlir::shodh {

/// The value of `attr` as int64, or std::nullopt if it is wider than 64 bits
/// (getInt() would truncate it).
inline std::optional<int64_t> getInt64(IntegerAttr attr) {
  if (attr.getValue().getSignificantBits() > 64)
    return std::nullopt;
  return attr.getValue().getSExtValue();
}

/// The kinds of value a hyperparameter may hold.
enum class HyperparamKind { Integer, Float, Bool, String };

/// Returns the kind of `value`, or std::nullopt if it is not a valid
/// hyperparameter value.
std::optional<HyperparamKind> classifyHyperparam(Attribute value);

/// Returns the lower-case name of `kind` ("integer", "float", ...).
llvm::StringRef hyperparamKindName(HyperparamKind kind);

/// Returns the hyperparameter dictionary of `module`, or null if absent or
/// malformed.
DictionaryAttr getHyperparams(ModuleOp module);

/// Returns the hyperparameters of the module enclosing `op` (or `op` itself
/// if it is a module), or null.
DictionaryAttr getEnclosingHyperparams(Operation *op);

/// Returns the comma-separated, sorted names of `hyper` ("none" if empty).
std::string listHyperparamNames(DictionaryAttr hyper);

/// Result of looking up an integer hyperparameter by name.
enum class IntLookup { Found, Missing, NotInteger };

/// Looks up `name` in `hyper` as an integer; sets `value` when found.
IntLookup lookupIntHyperparam(DictionaryAttr hyper, llvm::StringRef name,
                              int64_t &value);

/// Emits an error through `emitError` for a failed lookup of `name`.
LogicalResult
reportIntLookupFailure(function_ref<InFlightDiagnostic()> emitError,
                       llvm::StringRef what, llvm::StringRef name,
                       IntLookup result);

/// Verifies `shodh.hyperparams` = `value` on `op`.
LogicalResult verifyHyperparamsAttr(Operation *op, Attribute value);

} // namespace mlir::shodh
