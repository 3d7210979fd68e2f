//===- LinearGrad.h - Gradients of the CPU "linear" kernel ----------------===//
//
// With y[n, o, s] = sum_i w[o, i] x[n, i, s] + b[o] (see Linear.h; n over the
// dims before `axis`, s over the dims after it), all f32, attr `axis` (Int):
//
//   linear_grad_input  (dy, w) -> dx   dx[n, i, s] = sum_o w[o, i] dy[n, o, s]
//                                      dx is dy's shape with Cin at `axis`
//   linear_grad_weight (x, dy) -> dw   dw[o, i] = sum_{n, s} dy[n, o, s] x[n,
//   i, s]
//                                      dw is [Cout, Cin]
//   linear_grad_bias   (dy)    -> db   db[o] = sum_{n, s} dy[n, o, s], db is
//   [Cout]
//   linear_grad_params (x, dy) -> (dw, db)   both of the above, dy read once
//
// Blocking (all of it depends only on the shapes, and OpenBLAS is
// single-threaded, so results are bit-identical for every thread count):
//  - grad_input uses linear's blocks: one sgemm per (n, block of
//    kLinearColumnBlock columns of s), DX_n[:, blk] = W^T DY_n[:, blk], or,
//    with the channel axis last, one per block of kLinearRowBlock rows n,
//    DX[blk, :] = DY[blk, :] W.
//  - grad_weight cuts the reduction over (n, s) into the same units, groups
//    consecutive units into P = min(units, kLinearGradSlabs) slabs
//    (ThreadPool's static chunking of `units` into P pieces), accumulates
//    each slab with sgemm (beta = 1 after its first unit) into its own
//    Cout x Cin partial, then adds the partials elementwise in slab order
//    dw = ((S_0 + S_1) + S_2) + ...
//  - grad_bias sums each db[o] sequentially in double (n outer, s inner),
//    then rounds to f32.
//  - grad_params runs grad_weight's slabs and, after each unit's GEMM, adds
//    that unit's rows of dy (in cache) into the slab's per-channel double
//    sums; db = the slab sums in slab order, rounded to f32.
// No operand may alias an output.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/core/Kernel.h"

#include <cstdint>
#include <memory>

namespace shodh {

/// Number of partial sums (slabs) of linear_grad_weight's reduction.
constexpr int64_t kLinearGradSlabs = 16;

/// One block of columns of the weight gradient's sum with the channel axis
/// not last: dst (+)= dy_n[:, s0 .. s0 + count) x_n[:, s0 .. s0 + count)^T
/// for x [.., cin, inner] and dy [.., cout, inner] at row n (WeightGemm;
/// overwrites unless `accumulate`). linear_grad_weight's units, and the
/// fused layer gradient's skip parameter blocks (SpectralConvGrad.h, with
/// x and dy swapped: the transposed product), so the two give the same bits
/// for the same blocks on WeightGemm's AVX-512 path.
void weightGradColumns(const float *x, const float *dy, float *dst, int64_t cin,
                       int64_t cout, int64_t inner, int64_t n, int64_t s0,
                       int64_t count, bool accumulate);
/// The bias gradient's block alike: sums[o] += sumRow of dy_n[o, s0 ..
/// s0 + count) in double, o < cout (sumRows: four channels at a time).
void biasGradColumns(const float *dy, double *sums, int64_t cout, int64_t inner,
                     int64_t n, int64_t s0, int64_t count);

/// Creates a linear_grad_input kernel; throws `Error` naming the call if it
/// is invalid.
std::unique_ptr<Kernel> makeLinearGradInputKernel(const KernelSignature &sig);
/// Creates a linear_grad_weight kernel; throws `Error` naming the call if it
/// is invalid.
std::unique_ptr<Kernel> makeLinearGradWeightKernel(const KernelSignature &sig);
/// Creates a linear_grad_params kernel (dw and db of one dy); throws `Error`
/// naming the call if it is invalid.
std::unique_ptr<Kernel> makeLinearGradParamsKernel(const KernelSignature &sig);
/// Creates a linear_grad_bias kernel; throws `Error` naming the call if it is
/// invalid.
std::unique_ptr<Kernel> makeLinearGradBiasKernel(const KernelSignature &sig);

} // namespace shodh
