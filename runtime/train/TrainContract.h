//===- TrainContract.h - What the runtime expects of compiled programs ----===//
//
// The compiler emits, for a model compiled with a `shodh.train` config:
//
//   train_step(x, y, lr) -> (loss, ...)   x, y f32 [B, ...]; lr f32 with one
//                                          element; loss f32 with one element.
//                                          Updates parameters and state
//                                          (optimizer moments, `train.step`,
//                                          PI controllers) in place. Further
//                                          one-element f32 outputs named
//                                          `aux.*` (auxiliary loss terms) and
//                                          `pi.*` (controller weights) are
//                                          logged.
//   eval(x, y) -> (prediction, loss)
//   infer(x) -> (prediction, ...)
//
// Operands are matched by position. These functions check a model against
// that contract before anything runs and name the program, operand and what
// was expected when it does not hold.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/format/ModelDesc.h"

#include <cstdint>
#include <string>
#include <vector>

namespace shodh {

/// A logged scalar output of `train_step`: its name without the program
/// prefix ("aux.balance", "pi.balance") and its output index.
struct LoggedOutput {
  std::string name;
  size_t output = 0;
};

/// Tensor ids of `train_step`'s operands.
struct TrainStepOperands {
  int32_t x = -1, y = -1, lr = -1, loss = -1;
  /// The `aux.*` and `pi.*` outputs, in output order.
  std::vector<LoggedOutput> logged;
};

/// Tensor ids of the prediction program's operands.
struct PredictOperands {
  std::string program; ///< "infer"
  int32_t x = -1, prediction = -1;
};

/// Checks `train_step`; throws `Error`, e.g. "model has no program
/// 'train_step'; compile with a shodh.train config".
TrainStepOperands checkTrainStep(const ModelDesc &model);

/// Checks `infer` (one f32 input, an f32 first output); throws `Error`.
PredictOperands checkPredictProgram(const ModelDesc &model);

} // namespace shodh
