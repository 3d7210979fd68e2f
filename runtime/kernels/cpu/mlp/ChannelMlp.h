//===- ChannelMlp.h - The CPU "channel_mlp" kernels -----------------------===//
//
// Contract (docs/runtime.md § Channel MLP):
//   channel_mlp           inputs (x, w1, b1, w2, b2), output y
//   channel_mlp_grad      inputs (x, w1, b1, w2, dy), outputs (dx, dw1, db1,
//                         dw2, db2)
//   channel_mlp_mse_grad  inputs (x, w1, b1, w2, b2, target), outputs (loss,
//                         dx, dw1, db1, dw2, db2): y = channel_mlp(x, ..),
//                         loss = mse_loss(y, target) and the gradients with
//                         dy = mse_loss_grad(y, target), y never a tensor
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
// are bit-identical for every thread count. The MSE form computes each
// tile's y and dy (exactly as channel_mlp and mse_loss_grad would) before
// its gradient, so the gradients equal the three separate kernels' bit for
// bit; the loss sums (y - t)^2 in double per group, in group order.
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

/// Which of the three kernels a call is.
enum class MlpForm {
  Forward, ///< channel_mlp
  Grad,    ///< channel_mlp_grad (fifth input dy, five outputs)
  MseGrad, ///< channel_mlp_mse_grad (b2 and target in, loss and five out)
};

/// The attributes and symbolic checks shared by the kernels (and the CUDA
/// ones, which validate through the CPU factories).
struct MlpCall {
  std::string where;
  int64_t axis = 1;
  bool tanhApprox = false;
  MlpForm form = MlpForm::Forward;
  /// Grad or MseGrad: the five gradients are outputs.
  bool grad() const { return form != MlpForm::Forward; }
  /// Index of dx among the outputs (1 for MseGrad, after the loss).
  size_t firstGrad() const { return form == MlpForm::MseGrad ? 1 : 0; }

  /// Reads and checks the attributes, dtypes and symbolic shapes of `sig`
  /// for the operand lists of `form`.
  MlpCall(const KernelSignature &sig, MlpForm form);
  /// Checks the concrete shapes (inputs in contract order, outputs) and
  /// returns the extents.
  MlpGeometry geometry(const std::vector<TensorRef> &in,
                       const std::vector<TensorRef> &out) const;
};

/// Creates a channel_mlp kernel; throws `Error` naming the call if invalid.
std::unique_ptr<Kernel> makeChannelMlpKernel(const KernelSignature &sig);
/// Creates a channel_mlp_grad kernel; throws `Error` naming the call if
/// invalid.
std::unique_ptr<Kernel> makeChannelMlpGradKernel(const KernelSignature &sig);
/// Creates a channel_mlp_mse_grad kernel; throws `Error` naming the call if
/// invalid.
std::unique_ptr<Kernel> makeChannelMlpMseGradKernel(const KernelSignature &sig);

} // namespace shodh
