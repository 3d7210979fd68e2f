//===- LrSchedule.h - Learning rate as a function of the step -------------===//
//
// The runtime computes the learning rate of every step and feeds it to
// `train_step` as its `lr` input. The schedule comes from the model's
// hyperparameters (written by the compiler from the `shodh.train` config):
//
//   key               kind    default     meaning
//   train.lr          Float   1e-3        base learning rate (--lr overrides)
//   train.schedule    String  "constant"  "constant", "cosine" or "step"
//   train.warmup      Int     0           cosine: linear warm-up steps
//   train.step_size   Int     1000        step: steps between decays
//   train.gamma       Float   0.5         step: decay factor
//
// For step s = 0, 1, … (the number of steps completed before it), with T the
// total number of steps of the run (--steps) and W the warm-up:
//
//   constant  lr
//   cosine    lr·(s+1)/W                                  for s < W
//             0.5·lr·(1 + cos(π·min(1, (s−W)/max(1, T−W))))  otherwise
//   step      lr·gamma^floor(s / step_size)
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/format/ModelDesc.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace shodh {

/// The shape of a schedule.
enum class ScheduleKind { Constant, Cosine, Step };

/// A learning-rate schedule; see the file comment for the formulas.
struct LrSchedule {
  ScheduleKind kind = ScheduleKind::Constant;
  double lr = 1e-3;
  int64_t warmup = 0;
  int64_t stepSize = 1000;
  double gamma = 0.5;
  int64_t total = 0;

  /// The learning rate of step `step` (0-based).
  double at(int64_t step) const;
  /// "cosine(lr=0.001, warmup=100, total=5000)".
  std::string describe() const;
};

/// Reads the schedule from `train.*` hyperparameters (defaults for missing
/// keys), for a run of `totalSteps` steps, with `lrOverride` replacing
/// `train.lr` when given. Throws `Error` naming the key for a wrong kind, an
/// unknown schedule name or an out-of-range value.
LrSchedule
scheduleFromHyperparams(const std::vector<NamedAttr> &hyperparams,
                        int64_t totalSteps,
                        std::optional<double> lrOverride = std::nullopt);

/// The value of hyperparameter `name` if it is a string; nullopt if absent.
/// Throws if it has another kind.
std::optional<std::string>
stringHyperparam(const std::vector<NamedAttr> &hyperparams,
                 const std::string &name);

} // namespace shodh
