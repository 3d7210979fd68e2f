//===- ExpertMlp.h - The CPU "expert_mlp" kernels -------------------------===//
//
// Contract (docs/experts.md § Expert ops), all f32 except offsets (i64):
//   expert_mlp      (x [B, R, F], offsets [E+1], w1 [E, H, F], b1 [E, H],
//                    w2 [E, G, H], b2 [E, G]) -> y [B, R, G]
//       y[r] = w2[e] gelu(w1[e] x[r] + b1[e]) + b2[e] for the rows r of
//       expert e (exact GELU); rows >= offsets[E] are zero.
//   expert_mlp_grad (x, offsets, dy [B, R, G], w1, b1, w2)
//                    -> (dx [B, R, F], dw1, db1, dw2, db2 [E, G])
//       the hidden pre-activations are recomputed; dropped rows get dx = 0,
//       an expert without rows zero parameter gradients.
// Row work runs in fixed blocks of kExpertRowBlock rows of one expert (one
// sgemm per block and layer); parameter gradients are one sgemm per expert
// over all its rows, reductions run in row order. Results do not depend on
// the thread count. Outputs must not alias inputs.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/core/Kernel.h"

#include <memory>

namespace shodh {

/// Creates an expert_mlp kernel; throws `Error` naming the call if invalid.
std::unique_ptr<Kernel> makeExpertMlpKernel(const KernelSignature &sig);

/// Creates an expert_mlp_grad kernel; throws `Error` naming the call if
/// invalid.
std::unique_ptr<Kernel> makeExpertMlpGradKernel(const KernelSignature &sig);

} // namespace shodh
