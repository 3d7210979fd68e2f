//===- ExpertMoe.h - The CPU "moe" kernel (fused MoE layer) ---------------===//
//
// Contract (docs/experts.md § Expert ops, fused layer): inputs (tokens [B, T,
// F...] f32, experts [B, T, k] i64, gates [B, T, k] f32, params...), output y
// [B, T, G...] f32; attrs `expert` ("mlp": params w1, b1, w2, b2; "fno":
// wspec, wskip, bskip and `modes`), `num_experts` (Int), `capacity_factor`
// (Float, default 0). y = combine(expert(dispatch(tokens, experts)), gates):
// exactly the three kernels `dispatch`, `expert_<kind>` and `combine`, run
// in sequence on kernel-owned scratch for sorted / offsets / source / the
// expert output (sized in `prepare`), so those never take arena space and
// the results are bit-identical to the unfused chain.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/core/Kernel.h"

#include <memory>

namespace shodh {

/// Creates a moe kernel; throws `Error` naming the call if it is invalid.
std::unique_ptr<Kernel> makeMoeKernel(const KernelSignature &sig);

} // namespace shodh
