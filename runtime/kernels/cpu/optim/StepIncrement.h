//===- StepIncrement.h - The CPU "step_increment" kernel ------------------===//
//
// Contract: input step, output step' (normally the same tensor: in place),
// both i64 of shape [1] (or []): step' = step + 1. A train_step program
// increments the counter (initialised to 0) once, before the optimizer
// updates, so `adam` sees t = 1 on the first step.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/core/Kernel.h"

#include <memory>

namespace shodh {

/// Creates a step_increment kernel; throws `Error` naming the call if it is
/// invalid.
std::unique_ptr<Kernel> makeStepIncrementKernel(const KernelSignature &sig);

} // namespace shodh
