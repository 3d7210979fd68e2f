//===- ControlOps.h - Names and checks shared by the control ops -*- C++
//-*-===//
//
// The state symbols of a PI controller and the checks of its gains and
// clamps, shared by `shodh.pi_controller`, `shodh.pi_update` and
// `--shodh-build-training`.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "mlir/IR/Operation.h"
#include "llvm/ADT/StringRef.h"

#include <string>

namespace mlir::shodh {

/// The state of controller `controller`: "pi.<controller>.lambda" or
/// "pi.<controller>.integral" (`which`).
std::string piStateName(llvm::StringRef controller, llvm::StringRef which);

/// The attributes of a PI controller, as doubles.
struct PiGains {
  double setpoint, kp, ki, lambda0, lambdaMin, lambdaMax;
};

/// Checks that the gains are finite, kp and ki >= 0 and
/// lambda_min <= lambda0 <= lambda_max; emits an error at `op` otherwise.
LogicalResult verifyPiGains(Operation *op, const PiGains &gains);

} // namespace mlir::shodh
