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
#include <string>
#include <vector>

namespace shodh {

/// A kernel run inside another one (moe runs dispatch, an expert and
/// combine), with the call and tensor descriptions its signature points to.
struct SubKernel {
  KernelCall call;
  std::vector<TensorDesc> descs; ///< inputs, then outputs
  std::unique_ptr<Kernel> kernel;
};

/// Creates `sub` as kernel `name` of `backend` for the concrete operands
/// `ins` / `outs` (static shapes taken from them) and prepares it; `where`
/// names the enclosing call in errors. Throws `Error` if `backend` has no
/// such kernel.
void prepareSubKernel(SubKernel &sub, Backend backend, const std::string &where,
                      const std::string &name, std::vector<NamedAttr> attrs,
                      const std::vector<TensorRef> &ins,
                      const std::vector<TensorRef> &outs, KernelContext &ctx);

/// Creates a moe kernel; throws `Error` naming the call if it is invalid.
std::unique_ptr<Kernel> makeMoeKernel(const KernelSignature &sig);

} // namespace shodh
