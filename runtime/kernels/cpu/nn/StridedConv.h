//===- StridedConv.h - Strided convolutions by small patch blocks ---------===//
//
// The CPU conv kernels' path for convolutions with a stride above 1 on
// some axis (Shodh-MoE's 4³ stride-2 encoder and 2³ stride-2 decoder),
// where the generic im2col spends more time gathering strided, padded
// elements than sgemm spends multiplying them.
//
// The output positions are cut into blocks of whole output rows of one
// output plane (or, for very long rows, chunks of one row), sized from the
// shape alone so that a block's patch matrix P [C·K, cols] holds about
// 2^16 elements and stays in cache (PatchMatrix.h builds it from a
// phase-split copy of the input rows the block reads, so that every row of
// P is a contiguous copy whatever the stride). A unit is a (sample, block):
//
//   forward        y_block = b + W [O, C·K] · P (sgemm, dgemm in f64);
//   weight grad    dwᵀ += P · dy_blockᵀ (dy's small block transposed
//                  first: a plain NN product) over the units, which are cut
//                  into at most 16 parts (a function of the shape) whose
//                  partial sums are added in part order;
//   input grad /   only for patch geometry (kernel == stride and padding
//   transpose      0: every input position is read by at most one output
//                  position and tap): Q = Wᵀ · dy_block, scattered
//                  (depth-to-space) into dx plus the bias without any
//                  accumulation; the positions no tap reads (the remainder
//                  when S is not a multiple of the stride, or
//                  output_padding) get the bias or 0.
//
// Other strided input gradients and transposes (overlapping taps, e.g. the
// encoder's 4³ / 2) keep col2im, and so do weight gradients whose per-part
// sums would exceed 2^20 elements.
//
// No element has two writers and every sum has an order fixed by the
// shape, so results do not depend on the thread count.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/kernels/cpu/nn/ConvGeometry.h"

#include <cstdint>

namespace shodh {

class ThreadPool;

/// True if the forward correlation of `g` takes the strided path: a stride
/// above 1 on some axis.
bool stridedConvApplies(const ConvGeometry &g);

/// True if the weight gradient of `g` with `cin` inputs and `cout` outputs
/// takes the strided path: stridedConvApplies and a weight small enough for
/// per-part partial sums.
bool stridedGradWeightApplies(const ConvGeometry &g, int64_t cin, int64_t cout);

/// True if `g` has patch geometry (kernel == stride and padding 0 on every
/// axis, some stride above 1): its input gradient and transpose take the
/// strided path's scatter.
bool patchConvApplies(const ConvGeometry &g);

/// y [B, cout, out] = b (or 0) + the correlation of x [B, cin, in] with w
/// [cout, cin, K] (stridedConvApplies(g)).
template <typename T>
void stridedConv(const ConvGeometry &g, int64_t cin, int64_t cout, const T *x,
                 const T *w, const T *b, T *y, ThreadPool *pool);

/// dw [cout, cin, K] = sum over samples and output positions of dy [B,
/// cout, out] times x [B, cin, in] at the kernel offset
/// (stridedGradWeightApplies).
template <typename T>
void stridedConvGradWeight(const ConvGeometry &g, int64_t cin, int64_t cout,
                           const T *x, const T *dy, T *dw, ThreadPool *pool);

/// dx [B, cin, in] = b (or 0) + the adjoint of the correlation with w [cout,
/// cin, K] applied to dy [B, cout, out] (patchConvApplies(g)): conv_grad_input
/// and conv_transpose.
template <typename T>
void patchConvGradInput(const ConvGeometry &g, int64_t cin, int64_t cout,
                        const T *dy, const T *w, const T *b, T *dx,
                        ThreadPool *pool);

} // namespace shodh
