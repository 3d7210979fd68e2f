//===- DirectConv.h - Stride-1 convolutions without im2col ----------------===//
//
// The CPU conv kernels' path for stride-1 correlations with few output
// channels (the 3x3x3 convolutions of Shodh-MoE's autoencoder), where
// im2col's K-fold copy of the input costs more than the arithmetic:
//
//   y[n, o, j] = b[o] + sum_{c, k} w[o, c, k] * x[n, c, j - p + k]
//
// (zeros or wrap outside the grid). One unit per (sample, output plane):
// the unit pads the K_0 input planes it reads into a thread-local slab
// (C x K_0 x P_1 x P_2 values, P = in + 2p), then every output row of the
// plane accumulates, for each (c, k_0, k_1), the K_2 shifted slab rows times
// w[o, c, k] into each of the O output rows (a vectorised axpy; one
// function per x86-64 ISA level). Each output element is summed by one
// thread in the order (c, k_0, k_1, k_2): results do not depend on the
// thread count.
//
// The weight gradient of a stride-1 conv (directConvGradWeight) runs per
// input channel over the same padded slabs, one pass per plane giving the
// dot products of all K_1 K_2 taps with dy.
//
// The input gradient of a stride-1 conv is the same correlation of dy with
// the flipped, transposed weight w'[c, o, k] = w[o, c, K - 1 - k] and
// padding K - 1 - p: `flippedGeometry` and `flipWeight` build it (zero
// padding, or circular padding that keeps the grid, 2p = K - 1).
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/kernels/cpu/nn/ConvGeometry.h"

#include <cstdint>

namespace shodh {

class ThreadPool;

/// True if the direct path computes a correlation of geometry `g` with
/// `cout` output channels: stride 1 on every axis and at most
/// kDirectMaxChannels outputs (beyond, im2col + GEMM is faster).
bool directConvApplies(const ConvGeometry &g, int64_t cout);

/// The geometry of the input gradient of stride-1 conv `g` as a forward
/// correlation of dy (its `in` is g.out, its `out` g.in), or false if the
/// direct path cannot compute it (circular padding with 2p != K - 1 on some
/// axis: the wrap is modulo the input grid, not dy's).
bool flippedGeometry(const ConvGeometry &g, ConvGeometry &flipped);

/// w'[c, o, k] = w[o, c, K - 1 - k] (every spatial axis flipped) for w
/// [cout, cin, K] with `kernelSize` = prod K points per (o, c).
template <typename T>
void flipWeight(const T *w, T *flipped, int64_t cout, int64_t cin,
                const ConvGeometry &g);

/// y [B, cout, out] = b (or 0) + the correlation of x [B, cin, in] with w
/// [cout, cin, K] (see the file comment). `g.stride` must be all 1.
template <typename T>
void directConv(const ConvGeometry &g, int64_t cin, int64_t cout, const T *x,
                const T *w, const T *b, T *y, ThreadPool *pool);

/// dw [cout, cin, K] = sum over samples and output positions of dy [B,
/// cout, out] times the (padded) x [B, cin, in] at the kernel offset: the
/// weight gradient of a stride-1 conv. One unit per input channel c, each
/// summing its samples and output planes in order (a pass over each plane
/// yields the dot products of all K_1 K_2 taps): thread-count independent.
template <typename T>
void directConvGradWeight(const ConvGeometry &g, int64_t cin, int64_t cout,
                          const T *x, const T *dy, T *dw, ThreadPool *pool);

} // namespace shodh
