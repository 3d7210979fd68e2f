//===- StepLimit.h - The most time steps one trajectory may take ----------===//
//
// Shared by the 2D and 3D Navier-Stokes solvers: a step limit so small (a
// tiny --dt-max, a blown-up CFL speed) that reaching the next output time
// would take more than kMaxSteps steps is an error at the first step, not
// days of silence.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/support/Status.h"

#include <fmt/format.h>

#include <cstdint>

namespace shodh {

/// The most time steps one trajectory may take.
constexpr double kMaxSteps = 1e8;

/// Throws unless `taken` steps plus `count` more (of at most `limit`, from
/// t = `from` to `target`) stay within kMaxSteps; `solver` names the solver.
inline void checkStepCount(const char *solver, double target, double from,
                           double count, double limit, int64_t taken) {
  if (count + static_cast<double>(taken) > kMaxSteps)
    throw Error(fmt::format(
        "{}: reaching t = {:.6g} from t = {:.6g} needs {:.3g} more steps of "
        "at most {:.3g} (the --dt-max or CFL limit), over the {:.0e} one "
        "trajectory may take; raise --dt-max or simulate less time",
        solver, target, from, count, limit, kMaxSteps));
}

} // namespace shodh
