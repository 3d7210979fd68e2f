//===- DimsSpec.h - Symbolic dimension lists --------------------*- C++ -*-===//
//
// A dims spec is an array with one entry per tensor dimension: an integer
// literal, the name of an integer hyperparameter, an integer expression over
// hyperparameters ("2*modes", "res/2+1", see IntExpr.h), or (on function
// arguments only) the batch symbol "B". It appears as `dims` on `shodh.param`
// and as the `shodh.dims` argument attribute. This file verifies specs
// against a tensor type and resolves them into concrete sizes. Integer-list
// op attributes written with hyperparameters (`modes = ["modes", "modes"]`)
// use the same entries without the batch symbol.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"

namespace mlir::shodh {

/// Where a dims spec appears; decides whether the batch symbol is allowed
/// (Argument), reported as misplaced (Param) or an ordinary name (Attribute).
enum class DimsContext { Param, Argument, Attribute };

/// Resolves `dims` into sizes using the integer hyperparameters in `hyper`.
/// The batch symbol resolves to `batch` (ShapedType::kDynamic to keep it
/// symbolic). Emits an error and fails on malformed entries.
FailureOr<SmallVector<int64_t>>
resolveDimsSpec(function_ref<InFlightDiagnostic()> emitError, ArrayAttr dims,
                DictionaryAttr hyper, DimsContext context, int64_t batch);

/// Resolves the integer-list op attribute `name` (`list`, entries as in a
/// dims spec, each positive) with the integer hyperparameters in `hyper`.
FailureOr<SmallVector<int64_t>>
resolveIntList(function_ref<InFlightDiagnostic()> emitError,
               llvm::StringRef name, ArrayAttr list, DictionaryAttr hyper);

/// Verifies `dims` against `type`: the rank matches, every entry resolves,
/// and static sizes of `type` agree with the resolved entries.
LogicalResult verifyDimsSpec(function_ref<InFlightDiagnostic()> emitError,
                             ArrayAttr dims, ShapedType type,
                             DictionaryAttr hyper, DimsContext context);

} // namespace mlir::shodh
