//===- DimsSpec.h - Symbolic dimension lists --------------------*- C++ -*-===//
//
// A dims spec is an array with one entry per tensor dimension: an integer
// literal, the name of an integer hyperparameter, or (on function arguments
// only) the batch symbol "B". It appears as `dims` on `shodh.param` and as
// the `shodh.dims` argument attribute. This file verifies specs against a
// tensor type and resolves them into concrete sizes.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"

namespace mlir::shodh {

/// Where a dims spec appears; decides whether the batch symbol is allowed.
enum class DimsContext { Param, Argument };

/// Resolves `dims` into sizes using the integer hyperparameters in `hyper`.
/// The batch symbol resolves to `batch` (ShapedType::kDynamic to keep it
/// symbolic). Emits an error and fails on malformed entries.
FailureOr<SmallVector<int64_t>>
resolveDimsSpec(function_ref<InFlightDiagnostic()> emitError, ArrayAttr dims,
                DictionaryAttr hyper, DimsContext context, int64_t batch);

/// Verifies `dims` against `type`: the rank matches, every entry resolves,
/// and static sizes of `type` agree with the resolved entries.
LogicalResult verifyDimsSpec(function_ref<InFlightDiagnostic()> emitError,
                             ArrayAttr dims, ShapedType type,
                             DictionaryAttr hyper, DimsContext context);

} // namespace mlir::shodh
