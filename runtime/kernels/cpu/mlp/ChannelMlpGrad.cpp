//===- ChannelMlpGrad.cpp - The CPU "channel_mlp_grad" kernel -------------===//
//
// See ChannelMlp.h for the contract and the fixed groups of tiles. Per tile:
// recompute h = w1 x + b1; dg = w2^T dy; g = gelu(h) and dh = gelu'(h) dg
// in one elementwise pass; dw2 += dy g^T; db2 += Σ dy; dw1 += dh x^T;
// db1 += Σ dh; dx = w1^T dh. Bias sums and the final sum over groups are in
// double.
//
//===----------------------------------------------------------------------===//
#include "runtime/core/ThreadPool.h"
#include "runtime/kernels/cpu/ElementwiseMath.h"
#include "runtime/kernels/cpu/SmallGemm.h"
#include "runtime/kernels/cpu/mlp/ChannelMlp.h"
#include "runtime/kernels/cpu/mlp/MlpTile.h"

#include <cblas.h>

#include <algorithm>
#include <vector>

namespace shodh {

namespace {

/// One group's weight and bias gradient partials.
struct GroupPartials {
  std::vector<float> dw1, dw2;
  std::vector<double> db1, db2;
  GroupPartials(const MlpGeometry &g)
      : dw1(static_cast<size_t>(g.h * g.c)), dw2(static_cast<size_t>(g.o * g.h)),
        db1(static_cast<size_t>(g.h)), db2(static_cast<size_t>(g.o)) {}
};

/// Scratch of one chunk: pre-activation, activation, and dg / dh.
struct TileScratch {
  TileBuffer pre, act, dh;
  explicit TileScratch(const MlpGeometry &g) : pre(g), act(g), dh(g) {}
};

/// The gradient kernel.
class ChannelMlpGradKernel : public Kernel {
public:
  explicit ChannelMlpGradKernel(const KernelSignature &sig)
      : call_(sig, true) {}

  void prepare(const std::vector<TensorRef> &in,
               const std::vector<TensorRef> &, KernelContext &) override {
    g_ = call_.geometry(in, {});
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
    const float *dy = in[4].as<float>();
    float *dx = out[0].as<float>();
    if (partials_.size() != static_cast<size_t>(groups_))
      partials_.assign(static_cast<size_t>(groups_), GroupPartials(g_));
    parallelFor(ctx.pool, groups_, 1, [&](int64_t q0, int64_t q1) {
      TileScratch s(g_);
      for (int64_t q = q0; q < q1; ++q)
        runGroup(ops, dy, dx, q, s);
    });
    reduce(out);
  }

private:
  /// Tiles [first, end) of group `q`: a fixed split of all tiles.
  int64_t groupStart(int64_t q) const { return q * g_.tiles() / groups_; }

  /// Runs the tiles of group `q` into its partials (reset first) and dx.
  void runGroup(const MlpOperands &p, const float *dy, float *dx, int64_t q,
                TileScratch &s) {
    GroupPartials &part = partials_[static_cast<size_t>(q)];
    std::fill(part.dw1.begin(), part.dw1.end(), 0.0f);
    std::fill(part.dw2.begin(), part.dw2.end(), 0.0f);
    std::fill(part.db1.begin(), part.db1.end(), 0.0);
    std::fill(part.db2.begin(), part.db2.end(), 0.0);
    for (int64_t t = groupStart(q); t < groupStart(q + 1); ++t)
      runTile(p, dy, dx, MlpTile(g_, t), s, part);
  }

  /// One tile's contributions (see the file comment).
  void runTile(const MlpOperands &p, const float *dy, float *dx,
               const MlpTile &t, TileScratch &s, GroupPartials &part) const {
    const int cols = int(t.cols), ld = int(g_.inner);
    const int c = int(g_.c), h = int(g_.h), o = int(g_.o);
    tileHidden(g_, p, t, s.pre.data());
    const float *dyt = dy + t.offset(g_, g_.o);
    // dg = w2^T dy, then g = gelu(h) and dh = gelu'(h) dg in one pass.
    SmallGemm back; // dg = w2^T dy
    back.m = h, back.n = cols, back.k = o;
    back.a = p.w2, back.aRowStride = 1, back.aColStride = h;
    back.x = dyt, back.ldx = ld;
    back.y = s.dh.data(), back.ldy = cols;
    back.run();
    geluWithGradF32(s.pre.data(), s.dh.data(), s.act.data(), s.dh.data(),
                    g_.h * t.cols, call_.tanhApprox);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, o, h, cols, 1.0f, dyt,
                ld, s.act.data(), cols, 1.0f, part.dw2.data(), h);
    addRowSums(dyt, g_.o, t.cols, g_.inner, part.db2);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, h, c, cols, 1.0f,
                s.dh.data(), cols, p.x + t.offset(g_, g_.c), ld, 1.0f,
                part.dw1.data(), c);
    addRowSums(s.dh.data(), g_.h, t.cols, t.cols, part.db1);
    SmallGemm input; // dx = w1^T dh
    input.m = c, input.n = cols, input.k = h;
    input.a = p.w1, input.aRowStride = 1, input.aColStride = c;
    input.x = s.dh.data(), input.ldx = cols;
    input.y = dx + t.offset(g_, g_.c), input.ldy = ld;
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
    sum(&GroupPartials::dw1, out[1].as<float>(), size_t(g_.h * g_.c));
    sum(&GroupPartials::db1, out[2].as<float>(), size_t(g_.h));
    sum(&GroupPartials::dw2, out[3].as<float>(), size_t(g_.o * g_.h));
    sum(&GroupPartials::db2, out[4].as<float>(), size_t(g_.o));
  }

  MlpCall call_;
  MlpGeometry g_;
  int64_t groups_ = 0;
  std::vector<GroupPartials> partials_;
};

} // namespace

std::unique_ptr<Kernel> makeChannelMlpGradKernel(const KernelSignature &sig) {
  return std::make_unique<ChannelMlpGradKernel>(sig);
}

} // namespace shodh
