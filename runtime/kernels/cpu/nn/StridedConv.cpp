//===- StridedConv.cpp - Strided convolutions by small patch blocks -------===//
//
// See StridedConv.h; the patch matrices are built and scattered by
// PatchMatrix.h.
//
//===----------------------------------------------------------------------===//
#include "runtime/kernels/cpu/nn/StridedConv.h"
#include "runtime/core/ThreadPool.h"
#include "runtime/kernels/cpu/nn/ConvGemm.h"
#include "runtime/kernels/cpu/nn/PatchMatrix.h"

#include <algorithm>
#include <vector>

namespace shodh {

namespace {

/// Elements of one block's patch matrix (256 KiB in f32; the same count in
/// f64, so that both precisions use the same blocks). On Shodh-MoE's
/// shapes (C·K = 128 or 192 patch rows) a block is one 16 x 16 output
/// plane, where sgemm ran about twice as fast as on the ~1 MiB blocks of
/// the im2col path.
constexpr int64_t kPatchBudget = 1 << 16;

/// Most parts of the weight gradient (each with its own partial sums).
constexpr int64_t kWeightParts = 16;

/// Elements of all the weight gradient's partial sums together; weights
/// that would get fewer than kMinWeightParts parts take the im2col path.
constexpr int64_t kPartialBudget = 1 << 20;
constexpr int64_t kMinWeightParts = 4;

/// Sets the positions of dx [B, cin, in] that no tap of patch geometry `g`
/// reads (past out·K on some axis) to the bias (or 0).
template <typename T>
void fillRemainder(const ConvGeometry &g, int64_t cin, const T *b, T *dx,
                   ThreadPool *pool) {
  const int64_t cover[3] = {g.out[0] * g.kernel[0], g.out[1] * g.kernel[1],
                            g.out[2] * g.kernel[2]};
  if (cover[0] == g.in[0] && cover[1] == g.in[1] && cover[2] == g.in[2])
    return;
  parallelFor(pool, g.batch * cin, 1, [&](int64_t u0, int64_t u1) {
    for (int64_t u = u0; u < u1; ++u) {
      const T bias = b ? b[u % cin] : T(0);
      for (int64_t iz = 0; iz < g.in[0]; ++iz)
        for (int64_t iy = 0; iy < g.in[1]; ++iy) {
          T *row = dx + ((u * g.in[0] + iz) * g.in[1] + iy) * g.in[2];
          const bool covered = iz < cover[0] && iy < cover[1];
          std::fill(row + (covered ? cover[2] : 0), row + g.in[2], bias);
        }
    }
  });
}

/// The scratch of one running chunk: a patch matrix and (`gathers`) the
/// slab of gatherPatches.
template <typename T> struct Scratch {
  std::vector<T> patches, slab;
  Scratch(const ConvGeometry &g, int64_t cin, const PatchBlocks &p,
          bool gathers = true)
      : patches(static_cast<size_t>(
            std::max<int64_t>(cin * g.kernelSize() * p.rows * p.cols, 1))),
        slab(static_cast<size_t>(gathers ? patchSlabSize(g, cin, p) : 0)) {}
};

} // namespace

bool stridedConvApplies(const ConvGeometry &g) {
  return g.stride[0] > 1 || g.stride[1] > 1 || g.stride[2] > 1;
}

bool stridedGradWeightApplies(const ConvGeometry &g, int64_t cin,
                              int64_t cout) {
  return stridedConvApplies(g) &&
         cout * cin * g.kernelSize() * kMinWeightParts <= kPartialBudget;
}

bool patchConvApplies(const ConvGeometry &g) {
  for (int d = 0; d < 3; ++d)
    if (g.kernel[d] != g.stride[d] || g.pad[d] != 0)
      return false;
  return stridedConvApplies(g);
}

template <typename T>
void stridedConv(const ConvGeometry &g, int64_t cin, int64_t cout, const T *x,
                 const T *w, const T *b, T *y, ThreadPool *pool) {
  const int64_t rows = cin * g.kernelSize(), os = g.outSize();
  const PatchBlocks plan = planPatchBlocks(g, rows, kPatchBudget);
  parallelFor(pool, g.batch * plan.perSample, 1, [&](int64_t u0, int64_t u1) {
    Scratch<T> s(g, cin, plan);
    for (int64_t u = u0; u < u1; ++u) {
      const PatchBlock blk = patchBlock(g, plan, u);
      const int64_t cols = blk.size();
      gatherPatches(g, cin, x + blk.n * cin * g.inSize(), blk, s.patches.data(),
                    s.slab.data());
      T *yb = y + blk.n * cout * os + blk.offset;
      for (int64_t o = 0; b && o < cout; ++o)
        std::fill(yb + o * os, yb + o * os + cols, b[o]);
      gemm<T>(CblasNoTrans, CblasNoTrans, cout, cols, rows, w, rows,
              s.patches.data(), cols, b ? T(1) : T(0), yb, os);
    }
  });
}

template <typename T>
void stridedConvGradWeight(const ConvGeometry &g, int64_t cin, int64_t cout,
                           const T *x, const T *dy, T *dw, ThreadPool *pool) {
  const int64_t rows = cin * g.kernelSize(), os = g.outSize();
  const int64_t weight = cout * rows;
  const PatchBlocks plan = planPatchBlocks(g, rows, kPatchBudget);
  const int64_t units = g.batch * plan.perSample;
  const int64_t parts = std::max<int64_t>(
      1, std::min({kWeightParts, units,
                   kPartialBudget / std::max<int64_t>(weight, 1)}));
  // Part sums of dwᵀ [C·K, O] = P dy_blockᵀ: with dy's block transposed
  // (small) the product is a plain NN sgemm, about twice as fast here as
  // dy_block Pᵀ, which makes OpenBLAS transpose P.
  std::vector<T> partial(static_cast<size_t>(parts * weight));
  parallelFor(pool, parts, 1, [&](int64_t p0, int64_t p1) {
    Scratch<T> s(g, cin, plan);
    std::vector<T> dyT(static_cast<size_t>(plan.rows * plan.cols * cout));
    for (int64_t part = p0; part < p1; ++part) {
      T *sum = partial.data() + part * weight;
      const int64_t first = part * units / parts;
      const int64_t last = (part + 1) * units / parts;
      if (first == last) // an empty range: the sum is 0
        std::fill(sum, sum + weight, T(0));
      for (int64_t u = first; u < last; ++u) {
        const PatchBlock blk = patchBlock(g, plan, u);
        const int64_t cols = blk.size();
        gatherPatches(g, cin, x + blk.n * cin * g.inSize(), blk,
                      s.patches.data(), s.slab.data());
        const T *d = dy + blk.n * cout * os + blk.offset;
        for (int64_t o = 0; o < cout; ++o)
          for (int64_t j = 0; j < cols; ++j)
            dyT[size_t(j * cout + o)] = d[o * os + j];
        gemm<T>(CblasNoTrans, CblasNoTrans, rows, cout, cols, s.patches.data(),
                cols, dyT.data(), cout, u == first ? T(0) : T(1), sum, cout);
      }
    }
  });
  // dw[o, r] = the parts' sums at (r, o) added in part order.
  parallelFor(pool, cout, 1, [&](int64_t o0, int64_t o1) {
    for (int64_t o = o0; o < o1; ++o)
      for (int64_t r = 0; r < rows; ++r) {
        T total = partial[size_t(r * cout + o)];
        for (int64_t part = 1; part < parts; ++part)
          total += partial[size_t(part * weight + r * cout + o)];
        dw[o * rows + r] = total;
      }
  });
}

template <typename T>
void patchConvGradInput(const ConvGeometry &g, int64_t cin, int64_t cout,
                        const T *dy, const T *w, const T *b, T *dx,
                        ThreadPool *pool) {
  const int64_t rows = cin * g.kernelSize(), os = g.outSize();
  const PatchBlocks plan = planPatchBlocks(g, rows, kPatchBudget);
  fillRemainder(g, cin, b, dx, pool);
  parallelFor(pool, g.batch * plan.perSample, 1, [&](int64_t u0, int64_t u1) {
    Scratch<T> s(g, cin, plan, false);
    for (int64_t u = u0; u < u1; ++u) {
      const PatchBlock blk = patchBlock(g, plan, u);
      const int64_t cols = blk.size();
      if (cout == 0) // an empty sum
        std::fill(s.patches.begin(), s.patches.end(), T(0));
      else
        gemm<T>(CblasTrans, CblasNoTrans, rows, cols, cout, w, rows,
                dy + blk.n * cout * os + blk.offset, os, T(0), s.patches.data(),
                cols);
      scatterPatches(g, cin, s.patches.data(), blk, b,
                     dx + blk.n * cin * g.inSize());
    }
  });
}

#define SHODH_STRIDED_CONV(T)                                                  \
  template void stridedConv<T>(const ConvGeometry &, int64_t, int64_t,         \
                               const T *, const T *, const T *, T *,           \
                               ThreadPool *);                                  \
  template void stridedConvGradWeight<T>(const ConvGeometry &, int64_t,        \
                                         int64_t, const T *, const T *, T *,   \
                                         ThreadPool *);                        \
  template void patchConvGradInput<T>(const ConvGeometry &, int64_t, int64_t,  \
                                      const T *, const T *, const T *, T *,    \
                                      ThreadPool *);
SHODH_STRIDED_CONV(float)
SHODH_STRIDED_CONV(double)
#undef SHODH_STRIDED_CONV

} // namespace shodh
