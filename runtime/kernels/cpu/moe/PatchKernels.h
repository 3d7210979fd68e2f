//===- PatchKernels.h - The CPU "patchify" / "unpatchify" kernels ---------===//
//
// Contract (docs/experts.md § Patches and resampling), f32:
//   patchify   (x [B, C, N_1..N_d]) -> t [B, P, C, p_1..p_d], attr `patch`
//              (Ints p_1..p_d, d = 2 or 3, p_a divides N_a); P = prod N_a/p_a,
//              patches in row-major order of their grid position.
//   unpatchify (t [B, P, C, p_1..p_d]) -> x [B, C, N_1..N_d], attr `grid`
//              (Ints N_1..N_d): the inverse permutation.
//   reshape    (x [B, S...]) -> y [B, shape...], attr `shape` (Ints), same
//              element count: a copy (row-major order unchanged).
// Pure copies (any thread partition gives identical results), parallel over
// (b, patch) pairs.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/core/Kernel.h"

#include <memory>

namespace shodh {

/// Creates a patchify kernel; throws `Error` naming the call if invalid.
std::unique_ptr<Kernel> makePatchifyKernel(const KernelSignature &sig);

/// Creates an unpatchify kernel; throws `Error` naming the call if invalid.
std::unique_ptr<Kernel> makeUnpatchifyKernel(const KernelSignature &sig);

/// Creates a reshape kernel; throws `Error` naming the call if invalid.
std::unique_ptr<Kernel> makeReshapeKernel(const KernelSignature &sig);

} // namespace shodh
