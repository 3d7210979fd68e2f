//===- ChannelMlp.h - The CPU "channel_mlp" kernels -----------------------===//
//
// Contract (docs/runtime.md § Channel MLP):
//   channel_mlp       inputs (x, w1, b1, w2, b2), output y
//   channel_mlp_grad  inputs (x, w1, b1, w2, dy), outputs (dx, dw1, db1,
//                     dw2, db2)
// attrs `axis` (Int, 0 <= axis < rank(x)) and `approximate` ("none" or
// "tanh", GELU's), all f32. x has C at `axis`, w1 is [H, C], b1 [H], w2
// [O, H], b2 [O]; y and dy are x's shape with O at `axis`. With n over the
// dims before the axis and s over those after it:
//   h[n, :, s] = w1 x[n, :, s] + b1,  y[n, :, s] = w2 gelu(h[n, :, s]) + b2
// and the gradient sums dw1 = Σ dh x^T, dw2 = Σ dy gelu(h)^T, db1 = Σ dh,
// db2 = Σ dy over (n, s), with dh = gelu'(h) * (w2^T dy), dx = w1^T dh.
//
// The hidden activations exist only per tile: a unit is (n, a block of
// kMlpTile positions of s), whose h is [H x kMlpTile] scratch; the backward
// recomputes it. The forward writes disjoint tiles of y. The backward cuts
// the tiles into at most kMlpGroups fixed groups of consecutive tiles, each
// summing its weight and bias gradients into its own partials (in tile
// order); the partials are then added in group order. Tiles and groups
// depend only on the shapes and OpenBLAS is single-threaded, so results
// are bit-identical for every thread count.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/core/Kernel.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace shodh {

/// Positions of s per tile.
constexpr int64_t kMlpTile = 512;
/// Most groups of tiles with their own weight-gradient partials (fewer when
/// the partials of large weights would pass ~32 MiB).
constexpr int64_t kMlpGroups = 64;

/// Extents of a channel MLP call (concrete).
struct MlpGeometry {
  int64_t outer = 0, c = 0, h = 0, o = 0, inner = 0;
  /// Tiles per n and in all.
  int64_t tilesPerRow() const { return (inner + kMlpTile - 1) / kMlpTile; }
  int64_t tiles() const { return outer * tilesPerRow(); }
};

/// The attributes and symbolic checks shared by both kernels (and the CUDA
/// ones, which validate through the CPU factories).
struct MlpCall {
  std::string where;
  int64_t axis = 1;
  bool tanhApprox = false;
  bool grad = false; ///< channel_mlp_grad (fifth input dy, five outputs)

  /// Reads and checks the attributes, dtypes and symbolic shapes of `sig`;
  /// `grad` selects channel_mlp_grad's operand list.
  MlpCall(const KernelSignature &sig, bool grad);
  /// Checks the concrete shapes (operands in contract order; `y` is the
  /// output's shape, ignored for the gradient) and returns the extents.
  MlpGeometry geometry(const std::vector<TensorRef> &in,
                       const std::vector<int64_t> &y) const;
};

/// Creates a channel_mlp kernel; throws `Error` naming the call if invalid.
std::unique_ptr<Kernel> makeChannelMlpKernel(const KernelSignature &sig);
/// Creates a channel_mlp_grad kernel; throws `Error` naming the call if
/// invalid.
std::unique_ptr<Kernel> makeChannelMlpGradKernel(const KernelSignature &sig);

} // namespace shodh
