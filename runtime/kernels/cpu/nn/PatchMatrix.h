//===- PatchMatrix.h - Patch matrices of blocks of a strided conv --------===//
//
// The data movement of the strided conv path (StridedConv.h). The output
// positions of one sample are cut into blocks of whole output rows of one
// output plane (or, for very long rows, chunks of one row), sized from the
// shape alone. A block's patch matrix P [C·K, cols] has one row per (c,
// k_0, k_1, k_2) (the row-major order of w [O, C, K]) and one column per
// output position of the block (row-major; the positions are contiguous
// in the output grid): P[(c, k), j] = x[c, j·s − p + k], zero or wrapped
// outside the grid.
//
// gatherPatches first copies the padded input rows the block reads into a
// slab, split by phase along the last axis (x[.., i] with i mod s_2 = φ
// side by side), so that every row of P is a contiguous copy from it
// whatever the stride: P[(c, k), (r, t)] = slab[c, k_0, r·s_1 + k_1,
// k_2 mod s_2, t + k_2 div s_2]. scatterPatches is the inverse for patch
// geometry (kernel == stride, padding 0, where P is a permutation of the
// covered input): it writes Q + bias into dx, interleaving the K_2 rows of
// each output row. Both run in one function per x86-64 ISA level
// (VectorClones.h), the stride-2 phase split and interleave with explicit
// vector shuffles.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/kernels/cpu/nn/ConvGeometry.h"

#include <cstdint>

namespace shodh {

/// How the output positions of one sample are cut into blocks: `rows`
/// whole output rows of one plane, or (rows = 1) chunks of `cols` columns.
struct PatchBlocks {
  int64_t rows = 1, cols = 1, rowBlocks = 1, colChunks = 1, perSample = 1;
};

/// One block: sample n, output plane z, rows [r0, r1), columns [c0, c1)
/// (whole rows, or one row), starting at `offset` in the sample's output.
struct PatchBlock {
  int64_t n, z, r0, r1, c0, c1, offset;
  /// Columns per row.
  int64_t width() const { return c1 - c0; }
  /// Output positions (columns of P).
  int64_t size() const { return (r1 - r0) * (c1 - c0); }
};

/// The blocks of `g` whose patch matrices of `patchRows` rows hold about
/// `budget` elements (a function of the shape only).
PatchBlocks planPatchBlocks(const ConvGeometry &g, int64_t patchRows,
                            int64_t budget);

/// Block `u` of all samples (sample-major, then plane, row block, column
/// chunk), u < batch · perSample.
PatchBlock patchBlock(const ConvGeometry &g, const PatchBlocks &p, int64_t u);

/// Elements of the scratch `slab` that gatherPatches needs for any block of
/// `p` with `cin` input channels.
int64_t patchSlabSize(const ConvGeometry &g, int64_t cin, const PatchBlocks &p);

/// Fills P [cin K, blk.size()] with the patches of sample `xs` [cin, in]
/// (see the file comment), using `slab` (patchSlabSize elements).
void gatherPatches(const ConvGeometry &g, int64_t cin, const float *xs,
                   const PatchBlock &blk, float *P, float *slab);
void gatherPatches(const ConvGeometry &g, int64_t cin, const double *xs,
                   const PatchBlock &blk, double *P, double *slab);

/// For patch geometry: dxs[c, j·K + k] = bias[c] (0 if `bias` is null) +
/// Q[(c, k), j] for the block's output positions j (Q laid out as P).
void scatterPatches(const ConvGeometry &g, int64_t cin, const float *Q,
                    const PatchBlock &blk, const float *bias, float *dxs);
void scatterPatches(const ConvGeometry &g, int64_t cin, const double *Q,
                    const PatchBlock &blk, const double *bias, double *dxs);

} // namespace shodh
