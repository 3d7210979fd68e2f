//===- AuxLossGrad.h - The CPU "aux_loss_grad" kernel ---------------------===//
//
// Contract: optional input weight f32 [1], output f32 [1], attribute
// coefficient (Float): out = coefficient · weight (coefficient without a
// weight), computed in double and rounded once. It seeds the backward
// graph at the value of a `shodh.aux_loss` term.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/core/Kernel.h"

#include <memory>

namespace shodh {

/// Creates an aux_loss_grad kernel; throws `Error` naming the call if it is
/// invalid.
std::unique_ptr<Kernel> makeAuxLossGradKernel(const KernelSignature &sig);

} // namespace shodh
