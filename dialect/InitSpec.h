//===- InitSpec.h - Parameter initialisation specs --------------*- C++ -*-===//
//
// The `init` dictionary of `shodh.param`: a `kind` and the fields that kind
// takes (see ShodhOps.td). Verification and resolution are one operation:
// resolving an init spec checks every field and yields plain values, with
// `fan` evaluated with the hyperparameters when it is a name or an integer
// expression ("width*width").
//
//===----------------------------------------------------------------------===//
#pragma once

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Diagnostics.h"

#include <string>

namespace mlir::shodh {

/// A checked init spec with every field resolved to a plain value.
struct ResolvedInit {
  std::string kind;
  double a = 0.0;
  double b = 0.0;
  /// fan_in_uniform: the fan; uniform: divisor of a and b (0 = none).
  int64_t fan = 0;
  uint64_t seed = 0;
};

/// True if init kind `kind` takes a `seed` field (the random kinds).
bool initKindTakesSeed(llvm::StringRef kind);

/// Checks `init` and resolves it; emits an error naming the offending field.
FailureOr<ResolvedInit>
resolveInitSpec(function_ref<InFlightDiagnostic()> emitError,
                DictionaryAttr init, DictionaryAttr hyper);

} // namespace mlir::shodh
