//===- ChannelMlpGrad.cpp - CPU channel_mlp_grad and channel_mlp_mse_grad -===//
//
// See ChannelMlp.h for the contract and the fixed groups of tiles. Per tile:
// recompute h = w1 x + b1; dg = w2^T dy; g = gelu(h) and dh = gelu'(h) dg
// in one elementwise pass; dw2 += dy g^T; db2 += Σ dy; dw1 += dh x^T;
// db1 += Σ dh; dx = w1^T dh. Bias sums and the final sum over groups are in
// double. The MSE form (channel_mlp_mse_grad) first makes the tile's dy:
// g = gelu(h), y = w2 g + b2 (channel_mlp's GEMM call), the loss partial
// Σ (y - t)^2 and dy = 2 (y - t) / numel (mse_loss_grad's formula, both in
// double), then dh = gelu'(h) dg from the kept Φ(h) (with one output dg =
// w2[:, 0] dy formed inside that pass); the rest as above.
//
//===----------------------------------------------------------------------===//
#include "runtime/core/ThreadPool.h"
#include "runtime/kernels/cpu/ElementwiseMath.h"
#include "runtime/kernels/cpu/SmallGemm.h"
#include "runtime/kernels/cpu/WeightGemm.h"
#include "runtime/kernels/cpu/mlp/ChannelMlp.h"
#include "runtime/kernels/cpu/mlp/MlpTile.h"

#include <cblas.h>

#include <algorithm>
#include <memory>
#include <vector>

namespace shodh {

namespace {

/// One group's weight and bias gradient partials (and MSE loss partial).
struct GroupPartials {
  std::vector<float> dw1, dw2;
  std::vector<double> db1, db2;
  double loss = 0.0;
  GroupPartials(const MlpGeometry &g)
      : dw1(static_cast<size_t>(g.h * g.c)), dw2(static_cast<size_t>(g.o * g.h)),
        db1(static_cast<size_t>(g.h)), db2(static_cast<size_t>(g.o)) {}
};

/// Scratch of one chunk: pre-activation, activation, dg / dh, and (MSE
/// form) Φ(h) (or the tanh) kept from the forward and the tile's y / dy.
struct TileScratch {
  TileBuffer pre, act, dh;
  std::unique_ptr<TileBuffer> saved;
  std::vector<float> dy;
  TileScratch(const MlpGeometry &g, bool mse)
      : pre(g), act(g), dh(g), saved(mse ? std::make_unique<TileBuffer>(g) : nullptr),
        dy(mse ? size_t(g.o * kMlpTile) : 0) {}
};

/// The gradient kernels (channel_mlp_grad, channel_mlp_mse_grad).
class ChannelMlpGradKernel : public Kernel {
public:
  ChannelMlpGradKernel(const KernelSignature &sig, MlpForm form)
      : call_(sig, form), mse_(form == MlpForm::MseGrad) {}

  void prepare(const std::vector<TensorRef> &in,
               const std::vector<TensorRef> &out, KernelContext &) override {
    g_ = call_.geometry(in, out);
    // At most kMlpGroups, fewer when the partials would pass ~32 MiB.
    int64_t weights = g_.h * g_.c + g_.o * g_.h;
    groups_ = std::min({g_.tiles(), kMlpGroups,
                        std::max<int64_t>(1, (int64_t(8) << 20) / weights)});
    partials_.clear(); // sized in run (the CUDA kernel prepares this one
                       // only to check shapes)
  }

  void run(const std::vector<TensorRef> &in, const std::vector<TensorRef> &out,
           KernelContext &ctx) override {
    MlpOperands ops{in[0].as<float>(), in[1].as<float>(), in[2].as<float>(),
                    in[3].as<float>()};
    // dy (channel_mlp_grad), or b2 and the target (the MSE form).
    TileSource src{mse_ ? nullptr : in[4].as<float>(), mse_ ? in[4].as<float>() : nullptr,
                   mse_ ? in[5].as<float>() : nullptr, 0.0};
    if (mse_)
      src.scale = 2.0 / double(in[5].numel());
    float *dx = out[call_.firstGrad()].as<float>();
    if (partials_.size() != static_cast<size_t>(groups_))
      partials_.assign(static_cast<size_t>(groups_), GroupPartials(g_));
    parallelFor(ctx.pool, groups_, 1, [&](int64_t q0, int64_t q1) {
      TileScratch s(g_, mse_);
      for (int64_t q = q0; q < q1; ++q)
        runGroup(ops, src, dx, q, s);
    });
    reduce(out);
  }

private:
  /// Where a tile's dy comes from: the dy input, or (MSE form) y made from
  /// b2 and compared with the target, dy = scale (y - t).
  struct TileSource {
    const float *dy, *b2, *target;
    double scale;
  };

  /// Tiles [first, end) of group `q`: a fixed split of all tiles.
  int64_t groupStart(int64_t q) const { return q * g_.tiles() / groups_; }

  /// Runs the tiles of group `q` into its partials (reset first) and dx.
  void runGroup(const MlpOperands &p, const TileSource &src, float *dx, int64_t q,
                TileScratch &s) {
    GroupPartials &part = partials_[static_cast<size_t>(q)];
    std::fill(part.dw1.begin(), part.dw1.end(), 0.0f);
    std::fill(part.dw2.begin(), part.dw2.end(), 0.0f);
    std::fill(part.db1.begin(), part.db1.end(), 0.0);
    std::fill(part.db2.begin(), part.db2.end(), 0.0);
    part.loss = 0.0;
    for (int64_t t = groupStart(q); t < groupStart(q + 1); ++t)
      runTile(p, src, dx, MlpTile(g_, t), s, part);
  }

  /// The MSE form's dy of tile `t` into s.dy ([O x cols]): g = gelu(h)
  /// into s.act (Φ(h) into s.saved), y = w2 g + b2 into s.dy, the loss
  /// partial, then dy in place.
  void tileMseGradient(const MlpOperands &p, const TileSource &src, const MlpTile &t,
                       TileScratch &s, GroupPartials &part) const {
    geluSavingF32(s.pre.data(), s.act.data(), s.saved->data(), g_.h * t.cols,
                  call_.tanhApprox);
    float *y = s.dy.data();
    tileOutput(g_, p.w2, src.b2, t.cols, s.act.data(), y, t.cols);
    const float *target = src.target + t.offset(g_, g_.o);
    double sum = 0.0;
    for (int64_t k = 0; k < g_.o; ++k)
      for (int64_t j = 0; j < t.cols; ++j) {
        double d = double(y[k * t.cols + j]) - double(target[k * g_.inner + j]);
        sum += d * d;
        y[k * t.cols + j] = static_cast<float>(src.scale * d);
      }
    part.loss += sum;
  }

  /// One tile's contributions (see the file comment).
  void runTile(const MlpOperands &p, const TileSource &src, float *dx,
               const MlpTile &t, TileScratch &s, GroupPartials &part) const {
    const int cols = int(t.cols);
    const int c = int(g_.c), h = int(g_.h), o = int(g_.o);
    tileHidden(g_, p, t, s.pre.data());
    if (mse_)
      tileMseGradient(p, src, t, s, part);
    // The tile's dy: the input's (rows `inner` apart) or the one just made.
    const float *dyt = mse_ ? s.dy.data() : src.dy + t.offset(g_, g_.o);
    const int ld = mse_ ? cols : int(g_.inner);
    // dg = w2^T dy, then g = gelu(h) and dh = gelu'(h) dg in one pass (the
    // MSE form has g already; with one output dg = w2[:, 0] dy is one
    // product per element, formed inside the GELU' pass).
    if (mse_ && o == 1) {
      for (int r = 0; r < h; ++r)
        geluGradFromSavedScaledF32(
            s.pre.data() + r * cols, s.saved->data() + r * cols, p.w2[r], dyt,
            s.dh.data() + r * cols, cols, call_.tanhApprox);
    } else {
      SmallGemm back; // dg = w2^T dy
      back.m = h, back.n = cols, back.k = o;
      back.a = p.w2, back.aRowStride = 1, back.aColStride = h;
      back.x = dyt, back.ldx = ld;
      back.y = s.dh.data(), back.ldy = cols;
      back.run();
      if (mse_)
        geluGradFromSavedF32(s.pre.data(), s.saved->data(), s.dh.data(),
                             s.dh.data(), g_.h * t.cols, call_.tanhApprox);
      else
        geluWithGradF32(s.pre.data(), s.dh.data(), s.act.data(), s.dh.data(),
                        g_.h * t.cols, call_.tanhApprox);
    }
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, o, h, cols, 1.0f, dyt,
                ld, s.act.data(), cols, 1.0f, part.dw2.data(), h);
    addRowSums(dyt, g_.o, t.cols, ld, part.db2);
    WeightGemm weight; // dw1 += dh x^T
    weight.m = h, weight.n = c, weight.k = cols;
    weight.a = s.dh.data(), weight.lda = cols;
    weight.b = p.x + t.offset(g_, g_.c), weight.ldb = g_.inner;
    weight.c = part.dw1.data(), weight.ldc = c, weight.accumulate = true;
    weight.run();
    addRowSums(s.dh.data(), g_.h, t.cols, t.cols, part.db1);
    SmallGemm input; // dx = w1^T dh
    input.m = c, input.n = cols, input.k = h;
    input.a = p.w1, input.aRowStride = 1, input.aColStride = c;
    input.x = s.dh.data(), input.ldx = cols;
    input.y = dx + t.offset(g_, g_.c), input.ldy = g_.inner;
    input.run();
  }

  /// sums[k] += Σ_j rows[k * ld + j] over j < cols, for k < count: eight
  /// double lanes (j mod 8, so the compiler can vectorise; a fixed order),
  /// then the lanes and the tail in order.
  static void addRowSums(const float *rows, int64_t count, int64_t cols,
                         int64_t ld, std::vector<double> &sums) {
    for (int64_t k = 0; k < count; ++k) {
      const float *row = rows + k * ld;
      double lanes[8] = {};
      int64_t j = 0;
      for (; j + 8 <= cols; j += 8)
        for (int l = 0; l < 8; ++l)
          lanes[l] += row[j + l];
      double acc = 0.0;
      for (double lane : lanes)
        acc += lane;
      for (; j < cols; ++j)
        acc += row[j];
      sums[static_cast<size_t>(k)] += acc;
    }
  }

  /// Adds the groups' partials in group order into dw1, db1, dw2, db2.
  void reduce(const std::vector<TensorRef> &out) const {
    auto sum = [&](auto member, float *dst, size_t n) {
      for (size_t i = 0; i < n; ++i) {
        double acc = 0.0;
        for (const GroupPartials &part : partials_)
          acc += (part.*member)[i];
        dst[i] = static_cast<float>(acc);
      }
    };
    const size_t f = call_.firstGrad();
    sum(&GroupPartials::dw1, out[f + 1].as<float>(), size_t(g_.h * g_.c));
    sum(&GroupPartials::db1, out[f + 2].as<float>(), size_t(g_.h));
    sum(&GroupPartials::dw2, out[f + 3].as<float>(), size_t(g_.o * g_.h));
    sum(&GroupPartials::db2, out[f + 4].as<float>(), size_t(g_.o));
    if (mse_) { // mean over the target's elements (NaN for none, as mse_loss)
      double loss = 0.0;
      for (const GroupPartials &part : partials_)
        loss += part.loss;
      *out[0].as<float>() = static_cast<float>(loss / double(g_.outer * g_.o * g_.inner));
    }
  }

  MlpCall call_;
  bool mse_;
  MlpGeometry g_;
  int64_t groups_ = 0;
  std::vector<GroupPartials> partials_;
};

} // namespace

std::unique_ptr<Kernel> makeChannelMlpGradKernel(const KernelSignature &sig) {
  return std::make_unique<ChannelMlpGradKernel>(sig, MlpForm::Grad);
}

std::unique_ptr<Kernel> makeChannelMlpMseGradKernel(const KernelSignature &sig) {
  return std::make_unique<ChannelMlpGradKernel>(sig, MlpForm::MseGrad);
}

} // namespace shodh
