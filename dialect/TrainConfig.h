//===- TrainConfig.h - The training configuration ---------------*- C++ -*-===//
//
// The module attribute `shodh.train`: loss, optimizer and its
// hyperparameters, gradient clipping and the learning-rate schedule. The
// dialect verifies it (unknown keys, wrong kinds and values out of range are
// errors naming the key); --shodh-build-training reads it; serialization
// writes every entry, defaults filled in, as a metadata hyperparameter
// "train.<key>" for the runtime, which applies the schedule. `shodhc --set
// train.<key>=<value>` overrides one entry (parseTrainOverride).
//
//===----------------------------------------------------------------------===//
#pragma once

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Diagnostics.h"

#include <string>

namespace mlir::shodh {

/// A checked training configuration; every field has its default when the
/// attribute leaves it out.
struct TrainConfig {
  std::string loss = "mse";
  std::string optimizer = "adam";
  double lr = 1.0e-3;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1.0e-8;
  double weightDecay = 0.0;
  /// Global-norm gradient clipping threshold; 0 turns clipping off.
  double clipNorm = 0.0;
  std::string schedule = "constant";
  int64_t warmup = 0;
  int64_t stepSize = 1000;
  double gamma = 0.5;

  /// Every entry (defaults included) as attributes named by their keys, in
  /// the order of the key table: strings, f64 floats and i64 integers.
  SmallVector<NamedAttribute> toAttrs(MLIRContext *context) const;
};

/// Checks the `shodh.train` value `value` and reads it; emits an error
/// naming the offending key.
FailureOr<TrainConfig>
parseTrainConfig(function_ref<InFlightDiagnostic()> emitError, Attribute value);

/// Reads the command-line override `key=text` of one `shodh.train` entry
/// (`shodhc --set train.key=text`): `text` becomes a string, an f64 float or
/// an i64 integer as `key` requires, and is checked exactly like the
/// attribute's entry. Text that does not parse as a number is checked as a
/// string, so the error is the attribute's ("'lr' must be a number, got
/// \"fast\"").
FailureOr<NamedAttribute>
parseTrainOverride(function_ref<InFlightDiagnostic()> emitError,
                   MLIRContext *context, StringRef key, StringRef text);

/// Whether `name` is a key of `shodh.train` ("lr", "clip_norm", ...).
bool isTrainKey(StringRef name);

/// Verifies `shodh.train` = `value` on `op`, which must be a module.
LogicalResult verifyTrainAttr(Operation *op, Attribute value);

} // namespace mlir::shodh
