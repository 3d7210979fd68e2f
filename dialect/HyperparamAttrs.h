//===- HyperparamAttrs.h - Op attributes using hyperparameters -*- C++ -*-===//
//
// Integer op attributes that may refer to hyperparameters (see
// HyperparamAttrOpInterface): integer lists (`modes = ["modes", "modes"]`,
// bound form `array<i64: ...>`) and integer scalars (`count = "layers-1"`,
// bound form `i64`). This file verifies and binds them and reads their
// values where known.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "dialect/ShodhInterfaces.h"

#include "mlir/IR/BuiltinAttributes.h"

namespace mlir::shodh {

/// The entries of an integer-list attribute; entries that are not integer
/// literals (expressions, malformed entries) are ShapedType::kDynamic.
SmallVector<int64_t> getKnownInts(Attribute attr);

/// The value of an integer-scalar attribute, or ShapedType::kDynamic if it
/// is an expression (or malformed).
int64_t getKnownInt(Attribute attr);

/// Returns true if attribute `attr` of a HyperparamAttrOpInterface op is in
/// bound form (or absent).
bool isBoundHyperparamAttr(Attribute attr);

/// Resolves the integer-scalar attribute `name` of `op` with the enclosing
/// module's hyperparameters; emits an error on `op` if it does not resolve.
FailureOr<int64_t> resolveHyperparamInt(Operation *op, llvm::StringRef name);

/// Replaces every hyperparameter attribute of `op` by its bound form using
/// `hyper`; emits an error on `op` if one does not resolve.
LogicalResult bindHyperparamAttrs(HyperparamAttrOpInterface op,
                                  DictionaryAttr hyper);

} // namespace mlir::shodh
