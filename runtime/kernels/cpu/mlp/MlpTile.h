//===- MlpTile.h - One tile of the channel MLP kernels --------------------===//
//
// The GEMMs the channel_mlp kernels run per tile (ChannelMlp.h): a tile is
// `cols` consecutive positions s of one n, the hidden scratch is [H x cols]
// row-major (leading dimension cols), x, y and dy are read and written in
// place with leading dimension `inner` (the MSE form's y / dy live in tile
// scratch with leading dimension cols: tileOutput takes it).
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/core/AlignedBuffer.h"
#include "runtime/kernels/cpu/SmallGemm.h"
#include "runtime/kernels/cpu/mlp/ChannelMlp.h"

#include <cblas.h>

#include <algorithm>

namespace shodh {

/// One [H x kMlpTile] float tile of scratch, 64-byte aligned (the GELU
/// loops run on it with full-width vector loads).
class TileBuffer {
public:
  explicit TileBuffer(const MlpGeometry &g)
      : buf_(uint64_t(g.h * kMlpTile) * sizeof(float)) {}
  float *data() const { return reinterpret_cast<float *>(buf_.data()); }

private:
  AlignedBuffer buf_;
};

/// The forward operands both kernels read.
struct MlpOperands {
  const float *x, *w1, *b1, *w2;
};

/// Tile `t`: n, the first position s0 and the number of positions.
struct MlpTile {
  int64_t n = 0, s0 = 0, cols = 0;
  MlpTile(const MlpGeometry &g, int64_t t)
      : n(t / g.tilesPerRow()), s0((t % g.tilesPerRow()) * kMlpTile),
        cols(std::min(kMlpTile, g.inner - s0)) {}
  /// Offset of (n, channel 0, s0) in a tensor with `channels` at the axis.
  int64_t offset(const MlpGeometry &g, int64_t channels) const {
    return (n * channels) * g.inner + s0;
  }
};

/// hidden = w1 x_tile + b1 (the pre-activation, [H x cols]).
inline void tileHidden(const MlpGeometry &g, const MlpOperands &p,
                       const MlpTile &t, float *hidden) {
  SmallGemm gemm;
  gemm.m = g.h, gemm.n = t.cols, gemm.k = g.c;
  gemm.a = p.w1, gemm.aRowStride = g.c;
  gemm.x = p.x + t.offset(g, g.c), gemm.ldx = g.inner;
  gemm.bias = p.b1;
  gemm.y = hidden, gemm.ldy = t.cols;
  gemm.run();
}

/// y_tile = w2 act + b2, act being the tile's activations [H x cols];
/// y_tile's rows `ldy` floats apart at `yt`.
inline void tileOutput(const MlpGeometry &g, const float *w2, const float *b2,
                       int64_t cols, const float *act, float *yt, int64_t ldy) {
  for (int64_t k = 0; k < g.o; ++k)
    std::fill(yt + k * ldy, yt + k * ldy + cols, b2[k]);
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, int(g.o), int(cols),
              int(g.h), 1.0f, w2, int(g.h), act, int(cols), 1.0f, yt,
              int(ldy));
}

/// The same into the tile's place in y (rows `inner` apart).
inline void tileOutput(const MlpGeometry &g, const float *w2, const float *b2,
                       const MlpTile &t, const float *act, float *y) {
  tileOutput(g, w2, b2, t.cols, act, y + t.offset(g, g.o), g.inner);
}

} // namespace shodh
