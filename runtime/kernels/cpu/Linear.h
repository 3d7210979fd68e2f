//===- Linear.h - The CPU "linear" kernel (channel mixing over one axis) --===//
//
// Contract: inputs (x, w) or (x, w, b), output y, attr `axis` (Int,
// 0 <= axis < rank(x)); all f32. x has Cin at `axis`, w is [Cout, Cin], b is
// [Cout], y is x's shape with Cout at `axis`:
//   y[n, o, s] = sum_i w[o, i] * x[n, i, s] + b[o]
// with n over the dims before `axis` and s over the dims after it.
//
// Fast path: cblas_sgemm on fixed-size blocks. With s non-trivial (S > 1)
// each unit is (n, a block of kLinearColumnBlock columns of s):
//   Y_n[:, s0:s1] = W [Cout x Cin] * X_n[:, s0:s1]
// with the channel axis last (S == 1) each unit is a block of
// kLinearRowBlock rows n: Y[n0:n1, :] = X[n0:n1, :] * W^T.
// The blocks depend only on the shapes, never on the thread count, and the
// pool only decides which thread runs which block; since OpenBLAS is kept
// single-threaded, results are bit-identical for every thread count.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/core/Kernel.h"

#include <cstdint>
#include <memory>

namespace shodh {

/// Columns of s per sgemm when S > 1.
constexpr int64_t kLinearColumnBlock = 512;
/// Rows n per sgemm when the channel axis is the last one (S == 1).
constexpr int64_t kLinearRowBlock = 128;

/// One unit of the S > 1 path for one n: y[:, s0 : s0 + cols] =
/// W [cout x cin] x[:, s0 : s0 + cols] + b (+ r), cols = min(block, S - s0);
/// x, y (and r) point at n's [cin | cout x S] slices; b and r may be null.
/// Also the skip product of the fused Fourier layer (spectral/SpectralConv.h),
/// which adds the inverse transforms as r and streams y out (`stream`,
/// SmallGemm.h: y is not read again by the layer).
void linearColumnBlock(const float *x, const float *w, const float *b, const float *r,
                       float *y, int64_t cin, int64_t cout, int64_t S, int64_t s0,
                       bool stream = false);

/// Its adjoint, one unit of linear_grad_input's S > 1 path for one n:
/// dx[:, s0 : s0 + cols] = W^T dy[:, s0 : s0 + cols] (+ acc), W [cout x cin];
/// dy, dx (and acc, which may be dx) point at n's [cout | cin x S] slices.
/// Also the skip's input gradient of the fused Fourier layer gradient
/// (grad/SpectralConvGrad.h), which adds the inverse transforms as acc and
/// may set `stream` as the layer does.
void linearAdjointColumnBlock(const float *dy, const float *w, const float *acc, float *dx,
                              int64_t cin, int64_t cout, int64_t S, int64_t s0,
                              bool stream = false);

/// Creates a linear kernel; throws `Error` naming the call if it is invalid.
std::unique_ptr<Kernel> makeLinearKernel(const KernelSignature &sig);

} // namespace shodh
