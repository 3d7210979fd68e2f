//===- ExpertFno.h - The CPU "expert_fno" kernels -------------------------===//
//
// Contract (docs/experts.md § Expert ops), f32 / complex<f32>, offsets i64,
// d = 2 or 3 spatial axes S = (h, w) or (dd, h, w), attr `modes` (Ints, one
// m_e per expert, mmax = max):
//   expert_fno      (x [B, R, C, S], offsets [E+1],
//                    wspec [E, C, O, 2mmax.., mmax] c64, wskip [E, O, C],
//                    bskip [E, O]) -> y [B, R, O, S]
//       y[r] = gelu(spectral_conv_e(x[r]) + wskip[e] x[r] + bskip[e]);
//       spectral_conv_e keeps m_e modes per axis and uses the sub-block of
//       wspec[e] holding those frequencies (full axes: indices < m_e and
//       >= 2mmax - m_e; last axis < m_e). Rows >= offsets[E] are zero.
//   expert_fno_grad (x, offsets, dy [B, R, O, S], wspec, wskip, bskip)
//                    -> (dx, dwspec, dwskip, dbskip)
//       pre-activation recomputed; spectral parts as spectral_conv_grad
//       (dwspec zero outside each expert's sub-block).
// Each expert's rows go through TruncatedFft (planned per distinct m_e in
// `prepare`) and ModeGemm, the skip path is one sgemm per row; parameter
// sums run in row order, so results do not depend on the thread count.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/core/Kernel.h"

#include <memory>

namespace shodh {

/// Creates an expert_fno kernel; throws `Error` naming the call if invalid.
std::unique_ptr<Kernel> makeExpertFnoKernel(const KernelSignature &sig);

/// Creates an expert_fno_grad kernel; throws `Error` naming the call if
/// invalid.
std::unique_ptr<Kernel> makeExpertFnoGradKernel(const KernelSignature &sig);

} // namespace shodh
