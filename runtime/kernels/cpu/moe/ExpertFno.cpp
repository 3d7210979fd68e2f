//===- ExpertFno.cpp - The CPU "expert_fno" kernels -----------------------===//
//
// See ExpertFno.h for the contract. `FnoExperts` holds what both kernels
// share: the extents, one TruncatedFft plan per distinct mode count, the
// map of each truncated layout into the stacked (mmax) weight block, and
// the spectral pass of one expert's rows. The forward adds the skip path
// and applies GELU; the gradient recomputes the pre-activation, applies
// GELU's derivative and runs the adjoints of spectral_conv_grad per expert.
// Their working memory (truncated spectra, gathered weights, GEMM panels,
// dz) is bound per run from the session's shared ScratchPool, so the call
// sites of a program share one block instead of holding one each.
//
//===----------------------------------------------------------------------===//
#include "runtime/kernels/cpu/moe/ExpertFno.h"
#include "runtime/core/ScratchPool.h"
#include "runtime/core/ThreadPool.h"
#include "runtime/kernels/cpu/ElementwiseMath.h"
#include "runtime/kernels/cpu/SignatureChecks.h"
#include "runtime/kernels/cpu/grad/SpectralAdjoint.h"
#include "runtime/kernels/cpu/moe/ExpertSupport.h"
#include "runtime/kernels/cpu/spectral/ModeGemm.h"
#include "runtime/kernels/cpu/spectral/TruncatedFft.h"

#include <cblas.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <climits>
#include <map>

namespace shodh {

namespace {

/// Plans and index maps of one mode count m.
struct ModeSet {
  SpectralGeometry geom;
  std::unique_ptr<TruncatedFft> fft;
  std::vector<int64_t> stacked; ///< truncated element -> stacked offset
  std::vector<float> gradScale; ///< c_k / N per truncated element
};

/// The state shared by expert_fno and expert_fno_grad.
class FnoExperts {
public:
  /// Checks counts, dtypes, ranks and `modes` of a call with `outputs`
  /// results; `grad` calls have dy as input 2.
  FnoExperts(const KernelSignature &sig, bool grad) : where_(sig.where) {
    expectOperandCounts(sig, grad ? 6 : 5, grad ? 6 : 5, grad ? 4 : 1);
    const size_t p = grad ? 3 : 2; // first parameter
    rank_ = sig.inputs[0]->shape.size();
    if (rank_ != 5 && rank_ != 6)
      throw Error(fmt::format("{}: x must have rank 5 or 6 ([B, R, C, h, w] "
                              "or [B, R, C, d, h, w]), got rank {}",
                              sig.where, rank_));
    struct Want {
      const TensorDesc *t;
      const char *name;
      DType dt;
      size_t rank;
    };
    std::vector<Want> wants = {{sig.inputs[0], "x", DType::F32, rank_},
                               {sig.inputs[1], "offsets", DType::I64, 1},
                               {sig.inputs[p], "wspec", DType::C64, rank_},
                               {sig.inputs[p + 1], "wskip", DType::F32, 3},
                               {sig.inputs[p + 2], "bskip", DType::F32, 2}};
    if (grad) {
      wants.push_back({sig.inputs[2], "dy", DType::F32, rank_});
      const char *names[] = {"dx", "dwspec", "dwskip", "dbskip"};
      for (size_t i = 0; i < 4; ++i)
        wants.push_back({sig.outputs[i], names[i], wants[i == 0 ? 0 : i + 1].dt,
                         wants[i == 0 ? 0 : i + 1].rank});
    } else {
      wants.push_back({sig.outputs[0], "output", DType::F32, rank_});
    }
    for (const Want &w : wants) {
      expectDType(sig, *w.t, w.name, {w.dt});
      if (w.t->shape.size() != w.rank)
        throw Error(fmt::format("{}: {} must have rank {}, got rank {}",
                                sig.where, w.name, w.rank, w.t->shape.size()));
    }
    modes_ = intsAttr(sig, "modes");
    for (size_t e = 0; e < modes_.size(); ++e)
      if (modes_[e] < 1)
        throw Error(fmt::format("{}: modes[{}] must be positive, got {}",
                                sig.where, e, modes_[e]));
    if (modes_.empty())
      throw Error(
          fmt::format("{}: 'modes' must have one entry per expert", sig.where));
    mmax_ = *std::max_element(modes_.begin(), modes_.end());
  }

  /// Checks the concrete extents of x, offsets and the parameters (inputs
  /// `p`, `p+1`, `p+2`), plans the transforms and sizes the scratch.
  void prepare(const std::vector<TensorRef> &in, size_t p, KernelContext &ctx);

  /// Checks that `shape` (of `what`) is [B, R, channels, S].
  void expectField(const char *what, const std::vector<int64_t> &shape,
                   int64_t channels) const {
    std::vector<int64_t> want = {batch_[0], batch_[1], channels};
    want.insert(want.end(), grid_.begin(), grid_.end());
    expectShape(what, shape, want);
  }

  void expectShape(const char *what, const std::vector<int64_t> &shape,
                   const std::vector<int64_t> &want) const {
    if (shape != want)
      throw Error(fmt::format("{}: {} must be [{}], got [{}]", where_, what,
                              fmt::join(want, ", "), fmt::join(shape, ", ")));
  }

  /// Gathers expert e's sub-block of wspec into wsub_ ([C, O, T_e]).
  const cfloat *gatherWeight(int64_t e, const cfloat *wspec);

  /// z[r] = spectral_conv_e(x[r]) for the n rows from r0 (unscaled spectra
  /// of x kept in truncX_ at row r0).
  void spectral(KernelContext &ctx, int64_t e, int64_t r0, int64_t n,
                const float *x, const cfloat *w, float *z);

  /// y[r] += wskip[e] x[r] + bskip[e] for kept row r of expert e.
  void addSkip(int64_t e, const float *x, const float *wskip,
               const float *bskip, float *y) const {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, int(out_),
                int(points_), int(in_), 1.0f, wskip + e * out_ * in_, int(in_),
                x, int(points_), 1.0f, y, int(points_));
    for (int64_t o = 0; o < out_; ++o)
      for (int64_t s = 0; s < points_; ++s)
        y[o * points_ + s] += bskip[e * out_ + o];
  }

  ModeSet &set(int64_t e) { return sets_[size_t(setOf_[size_t(e)])]; }

  std::string where_;
  size_t rank_ = 5;
  std::vector<int64_t> modes_, grid_, batch_, stackShape_;
  int64_t mmax_ = 0, experts_ = 0, rows_ = 0, in_ = 0, out_ = 0, points_ = 0;
  int64_t stackSize_ = 0; ///< elements of one stacked [2mmax.., mmax] block
  std::vector<ModeSet> sets_;
  std::vector<int> setOf_; ///< expert -> index into sets_
  /// Scratch, bound for each run (`bindScratch`): the session's shared pool
  /// or `own_`.
  cfloat *truncX_ = nullptr, *truncY_ = nullptr, *wsub_ = nullptr;
  float *gemmScratch_ = nullptr;
  /// Elements of each scratch piece (set in prepare).
  int64_t truncXSize_ = 0, truncYSize_ = 0, wsubSize_ = 0, gemmSize_ = 0;
  AlignedBuffer own_;

public:
  /// Binds the scratch pieces for one run and returns `extraBytes` more
  /// (64-byte aligned) for the caller.
  uint8_t *bindScratch(KernelContext &ctx, uint64_t extraBytes);
};

/// `bytes` rounded up to the tensor alignment.
uint64_t aligned(uint64_t bytes) {
  return (bytes + kTensorAlignment - 1) / kTensorAlignment * kTensorAlignment;
}

uint8_t *FnoExperts::bindScratch(KernelContext &ctx, uint64_t extraBytes) {
  const uint64_t x = aligned(uint64_t(truncXSize_) * sizeof(cfloat)),
                 y = aligned(uint64_t(truncYSize_) * sizeof(cfloat)),
                 w = aligned(uint64_t(wsubSize_) * sizeof(cfloat)),
                 g = aligned(uint64_t(gemmSize_) * sizeof(float));
  uint8_t *p = ScratchPool::acquire(ctx, own_, x + y + w + g + extraBytes);
  truncX_ = reinterpret_cast<cfloat *>(p);
  truncY_ = reinterpret_cast<cfloat *>(p + x);
  wsub_ = reinterpret_cast<cfloat *>(p + x + y);
  gemmScratch_ = reinterpret_cast<float *>(p + x + y + w);
  return p + x + y + w + g;
}

/// For the truncated layout of modes `m` (all axes), the offset of each
/// element in the stacked layout `stack` (modes mmax).
std::vector<int64_t> stackedIndex(const SpectralGeometry &g, int64_t mmax,
                                  const std::vector<int64_t> &stack) {
  std::vector<int64_t> shape = g.truncShape(), index;
  const int64_t m = g.modes[0], size = g.truncSize();
  const size_t d = shape.size();
  index.reserve(size_t(size));
  for (int64_t t = 0; t < size; ++t) {
    int64_t rest = t, offset = 0, stride = 1;
    for (size_t a = d; a-- > 0;) {
      int64_t i = rest % shape[a];
      rest /= shape[a];
      if (a + 1 < d && i >= m)
        i += 2 * (mmax - m);
      offset += i * stride;
      stride *= stack[a];
    }
    index.push_back(offset);
  }
  return index;
}

void FnoExperts::prepare(const std::vector<TensorRef> &in, size_t p,
                         KernelContext &ctx) {
  const std::vector<int64_t> &x = in[0].shape;
  batch_ = {x[0], x[1]};
  rows_ = x[0] * x[1], in_ = x[2];
  grid_.assign(x.begin() + 3, x.end());
  points_ = productFrom(grid_, 0);
  const std::vector<int64_t> &ws = in[p].shape;
  experts_ = ws[0], out_ = ws[2];
  if (int64_t(modes_.size()) != experts_)
    throw Error(fmt::format("{}: 'modes' has {} entries but wspec has {} "
                            "experts",
                            where_, modes_.size(), experts_));
  const size_t d = grid_.size();
  SpectralGeometry big{grid_, std::vector<int64_t>(d, mmax_)};
  std::string bad = big.validate();
  if (!bad.empty())
    throw Error(fmt::format("{}: largest mode count: {}", where_, bad));
  stackShape_ = big.truncShape();
  stackSize_ = big.truncSize();
  std::vector<int64_t> want = {experts_, in_, out_};
  want.insert(want.end(), stackShape_.begin(), stackShape_.end());
  expectShape("wspec", ws, want);
  expectShape("offsets", in[1].shape, {experts_ + 1});
  expectShape("wskip", in[p + 1].shape, {experts_, out_, in_});
  expectShape("bskip", in[p + 2].shape, {experts_, out_});
  for (int64_t v : {in_, out_, points_})
    if (v < 1 || v > INT_MAX)
      throw Error(fmt::format("{}: C, O and the patch size must be in [1, {}]",
                              where_, INT_MAX));
  const int threads = ctx.pool ? ctx.pool->size() : 1;
  std::map<int64_t, int> seen;
  sets_.clear();
  setOf_.clear();
  for (int64_t m : modes_) {
    auto [it, fresh] = seen.emplace(m, int(sets_.size()));
    if (fresh) {
      ModeSet s;
      s.geom = SpectralGeometry{grid_, std::vector<int64_t>(d, m)};
      if (!ctx.validateOnly) // FFTW plans: only where the CPU runs it
        s.fft = std::make_unique<TruncatedFft>(s.geom, threads);
      s.stacked = stackedIndex(s.geom, mmax_, stackShape_);
      s.gradScale = truncatedModeWeights(s.geom);
      for (float &c : s.gradScale)
        c /= float(points_);
      sets_.push_back(std::move(s));
    }
    setOf_.push_back(it->second);
  }
  truncXSize_ = rows_ * in_ * stackSize_;
  truncYSize_ = rows_ * std::max(in_, out_) * stackSize_;
  wsubSize_ = in_ * out_ * stackSize_;
  // The largest of the three products' scratch at the most rows an expert
  // can get (scratchFloats does not depend on the mode count).
  gemmSize_ = std::max(
      {ModeGemm::forward(rows_, in_, out_, 1).scratchFloats(threads),
       ModeGemm::adjointInput(rows_, in_, out_, 1).scratchFloats(threads),
       ModeGemm::adjointWeight(rows_, in_, out_, 1).scratchFloats(threads)});
}

const cfloat *FnoExperts::gatherWeight(int64_t e, const cfloat *wspec) {
  const std::vector<int64_t> &idx = set(e).stacked;
  const int64_t ts = int64_t(idx.size());
  for (int64_t io = 0; io < in_ * out_; ++io) {
    const cfloat *src = wspec + (e * in_ * out_ + io) * stackSize_;
    cfloat *dst = wsub_ + io * ts;
    for (int64_t t = 0; t < ts; ++t)
      dst[t] = src[idx[size_t(t)]];
  }
  return wsub_;
}

void FnoExperts::spectral(KernelContext &ctx, int64_t e, int64_t r0, int64_t n,
                          const float *x, const cfloat *w, float *z) {
  ModeSet &s = set(e);
  const int64_t ts = s.geom.truncSize();
  cfloat *tx = truncX_ + r0 * in_ * stackSize_;
  s.fft->forward(ctx.pool, x + r0 * in_ * points_, tx, n * in_);
  ModeGemm::forward(n, in_, out_, ts)
      .run(ctx.pool, tx, w, truncY_, nullptr, gemmScratch_);
  s.fft->inverse(ctx.pool, truncY_, z + r0 * out_ * points_, n * out_,
                 1.0f / float(points_));
}

/// expert_fno.
class ExpertFnoKernel : public Kernel {
public:
  explicit ExpertFnoKernel(const KernelSignature &sig) : fno_(sig, false) {}

  void prepare(const std::vector<TensorRef> &in,
               const std::vector<TensorRef> &out, KernelContext &ctx) override {
    fno_.prepare(in, 2, ctx);
    fno_.expectField("output", out[0].shape, fno_.out_);
  }

  void run(const std::vector<TensorRef> &in, const std::vector<TensorRef> &out,
           KernelContext &ctx) override {
    FnoExperts &f = fno_;
    std::vector<int64_t> off =
        readOffsets(f.where_, in[1], f.experts_, f.rows_);
    f.bindScratch(ctx, 0);
    const float *x = in[0].as<float>(), *wk = in[3].as<float>(),
                *bk = in[4].as<float>();
    float *y = out[0].as<float>();
    for (int64_t e = 0; e < f.experts_; ++e)
      if (off[size_t(e) + 1] > off[size_t(e)])
        f.spectral(ctx, e, off[size_t(e)], off[size_t(e) + 1] - off[size_t(e)],
                   x, f.gatherWeight(e, in[2].as<cfloat>()), y);
    std::vector<int32_t> owner = rowExperts(off);
    const int64_t xs = f.in_ * f.points_, ys = f.out_ * f.points_;
    parallelFor(ctx.pool, off.back(), 1, [&](int64_t r0, int64_t r1) {
      for (int64_t r = r0; r < r1; ++r) {
        f.addSkip(owner[size_t(r)], x + r * xs, wk, bk, y + r * ys);
        geluF32(y + r * ys, y + r * ys, ys, false);
      }
    });
    std::fill(y + off.back() * ys, y + f.rows_ * ys, 0.0f);
  }

private:
  FnoExperts fno_;
};

/// expert_fno_grad.
class ExpertFnoGradKernel : public Kernel {
public:
  explicit ExpertFnoGradKernel(const KernelSignature &sig) : fno_(sig, true) {}

  void prepare(const std::vector<TensorRef> &in,
               const std::vector<TensorRef> &out, KernelContext &ctx) override {
    FnoExperts &f = fno_;
    f.prepare(in, 3, ctx);
    f.expectField("dy", in[2].shape, f.out_);
    f.expectField("dx", out[0].shape, f.in_);
    f.expectShape("dwspec", out[1].shape, in[3].shape);
    f.expectShape("dwskip", out[2].shape, in[4].shape);
    f.expectShape("dbskip", out[3].shape, in[5].shape);
    dzSize_ = f.rows_ * f.out_ * f.points_;
    dwsubSize_ = f.in_ * f.out_ * f.stackSize_;
  }

  void run(const std::vector<TensorRef> &in, const std::vector<TensorRef> &out,
           KernelContext &ctx) override;

private:
  FnoExperts fno_;
  int64_t dzSize_ = 0, dwsubSize_ = 0; ///< scratch beyond FnoExperts'
  float *dz_ = nullptr;
  cfloat *dwsub_ = nullptr;
};

void ExpertFnoGradKernel::run(const std::vector<TensorRef> &in,
                              const std::vector<TensorRef> &out,
                              KernelContext &ctx) {
  FnoExperts &f = fno_;
  std::vector<int64_t> off = readOffsets(f.where_, in[1], f.experts_, f.rows_);
  const uint64_t dzBytes = aligned(uint64_t(dzSize_) * sizeof(float));
  uint8_t *extra = f.bindScratch(
      ctx, dzBytes + aligned(uint64_t(dwsubSize_) * sizeof(cfloat)));
  dz_ = reinterpret_cast<float *>(extra);
  dwsub_ = reinterpret_cast<cfloat *>(extra + dzBytes);
  const float *x = in[0].as<float>(), *dy = in[2].as<float>(),
              *wk = in[4].as<float>(), *bk = in[5].as<float>();
  const cfloat *ws = in[3].as<cfloat>();
  float *dx = out[0].as<float>(), *dwk = out[2].as<float>(),
        *dbk = out[3].as<float>(), *dz = dz_;
  cfloat *dws = out[1].as<cfloat>();
  const int64_t xs = f.in_ * f.points_, ys = f.out_ * f.points_;
  // z = spectral + skip, then dz = gelu'(z) dy (in place).
  for (int64_t e = 0; e < f.experts_; ++e)
    if (off[size_t(e) + 1] > off[size_t(e)])
      f.spectral(ctx, e, off[size_t(e)], off[size_t(e) + 1] - off[size_t(e)], x,
                 f.gatherWeight(e, ws), dz);
  std::vector<int32_t> owner = rowExperts(off);
  parallelFor(ctx.pool, off.back(), 1, [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r) {
      f.addSkip(owner[size_t(r)], x + r * xs, wk, bk, dz + r * ys);
      geluGradF32(dz + r * ys, dy + r * ys, dz + r * ys, ys, false);
    }
  });
  // Spectral adjoints per expert: dwspec sub-block, then dx's spectral part.
  std::fill(dws, dws + f.experts_ * f.in_ * f.out_ * f.stackSize_, cfloat());
  for (int64_t e = 0; e < f.experts_; ++e) {
    const int64_t r0 = off[size_t(e)], n = off[size_t(e) + 1] - r0;
    if (n == 0)
      continue;
    ModeSet &s = f.set(e);
    const int64_t ts = s.geom.truncSize();
    cfloat *tx = f.truncX_ + r0 * f.in_ * f.stackSize_;
    cfloat *tdz = f.truncY_;
    s.fft->forward(ctx.pool, dz + r0 * ys, tdz, n * f.out_);
    ModeGemm::adjointWeight(n, f.in_, f.out_, ts)
        .run(ctx.pool, tx, tdz, dwsub_, s.gradScale.data(), f.gemmScratch_);
    for (int64_t io = 0; io < f.in_ * f.out_; ++io) {
      cfloat *dst = dws + (e * f.in_ * f.out_ + io) * f.stackSize_;
      for (int64_t t = 0; t < ts; ++t)
        dst[s.stacked[size_t(t)]] = dwsub_[size_t(io * ts + t)];
    }
    ModeGemm::adjointInput(n, f.in_, f.out_, ts)
        .run(ctx.pool, tdz, f.gatherWeight(e, ws), tx, nullptr, f.gemmScratch_);
    s.fft->inverse(ctx.pool, tx, dx + r0 * xs, n * f.in_,
                   1.0f / float(f.points_));
  }
  // dx += wskip^T dz per kept row; dropped rows are zero.
  parallelFor(ctx.pool, off.back(), 1, [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r)
      cblas_sgemm(
          CblasRowMajor, CblasTrans, CblasNoTrans, int(f.in_), int(f.points_),
          int(f.out_), 1.0f, wk + owner[size_t(r)] * f.out_ * f.in_, int(f.in_),
          dz + r * ys, int(f.points_), 1.0f, dx + r * xs, int(f.points_));
  });
  std::fill(dx + off.back() * xs, dx + f.rows_ * xs, 0.0f);
  // dwskip, dbskip: per expert, rows in order.
  parallelFor(ctx.pool, f.experts_, 1, [&](int64_t e0, int64_t e1) {
    for (int64_t e = e0; e < e1; ++e) {
      float *gw = dwk + e * f.out_ * f.in_, *gb = dbk + e * f.out_;
      std::fill(gw, gw + f.out_ * f.in_, 0.0f);
      std::fill(gb, gb + f.out_, 0.0f);
      for (int64_t r = off[size_t(e)]; r < off[size_t(e) + 1]; ++r) {
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, int(f.out_),
                    int(f.in_), int(f.points_), 1.0f, dz + r * ys,
                    int(f.points_), x + r * xs, int(f.points_), 1.0f, gw,
                    int(f.in_));
        for (int64_t o = 0; o < f.out_; ++o) {
          float sum = 0.0f;
          for (int64_t s = 0; s < f.points_; ++s)
            sum += dz[r * ys + o * f.points_ + s];
          gb[o] += sum;
        }
      }
    }
  });
}

} // namespace

std::unique_ptr<Kernel> makeExpertFnoKernel(const KernelSignature &sig) {
  return std::make_unique<ExpertFnoKernel>(sig);
}

std::unique_ptr<Kernel> makeExpertFnoGradKernel(const KernelSignature &sig) {
  return std::make_unique<ExpertFnoGradKernel>(sig);
}

} // namespace shodh
