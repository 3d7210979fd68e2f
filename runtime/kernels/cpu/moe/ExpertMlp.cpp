//===- ExpertMlp.cpp - The CPU "expert_mlp" kernels -----------------------===//
//
// See ExpertMlp.h for the contract. Both kernels check dtypes and ranks in
// the factory, extents in `prepare` (where they also size their scratch for
// the worst case, every row kept), and the offsets' values in `run`.
//
//===----------------------------------------------------------------------===//
#include "runtime/kernels/cpu/moe/ExpertMlp.h"
#include "runtime/core/ThreadPool.h"
#include "runtime/kernels/cpu/ElementwiseMath.h"
#include "runtime/kernels/cpu/RowBlockGemm.h"
#include "runtime/kernels/cpu/SignatureChecks.h"
#include "runtime/kernels/cpu/moe/ExpertSupport.h"

#include <cblas.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <climits>
#include <cstring>

namespace shodh {

namespace {

/// Throws unless `t` (called `what`) has rank `rank`.
void expectRank(const KernelSignature &sig, const TensorDesc &t,
                const char *what, size_t rank, const char *layout) {
  if (t.shape.size() != rank)
    throw Error(fmt::format("{}: {} must have rank {} ({}), got rank {}",
                            sig.where, what, rank, layout, t.shape.size()));
}

/// Throws unless `shape` (of `what`) equals `want`.
void expectShape(const std::string &where, const char *what,
                 const std::vector<int64_t> &shape,
                 const std::vector<int64_t> &want) {
  if (shape != want)
    throw Error(fmt::format("{}: {} must be [{}], got [{}]", where, what,
                            fmt::join(want, ", "), fmt::join(shape, ", ")));
}

/// Extents of an expert MLP call, read and checked in `prepare`.
struct MlpDims {
  int64_t rows = 0, experts = 0, f = 0, h = 0, g = 0;

  /// Reads E, H, F from w1 [E, H, F] and G from w2 [E, G, H]; checks x,
  /// offsets, b1 and w2 against them.
  void read(const std::string &where, const std::vector<TensorRef> &in,
            int64_t gFrom) {
    const std::vector<int64_t> &x = in[0].shape, &w1 = in[2].shape;
    rows = x[0] * x[1], experts = w1[0], h = w1[1], f = w1[2];
    g = gFrom;
    expectShape(where, "x", x, {x[0], x[1], f});
    expectShape(where, "offsets", in[1].shape, {experts + 1});
    expectShape(where, "b1", in[3].shape, {experts, h});
    expectShape(where, "w2", in[4].shape, {experts, g, h});
    for (int64_t d : {f, h, g})
      if (d < 1 || d > INT_MAX)
        throw Error(fmt::format("{}: F, H and G must be in [1, {}], got F = "
                                "{}, H = {}, G = {}",
                                where, INT_MAX, f, h, g));
  }
};

/// Checks the six-input, (x, offsets, [dy,] w1, b1, w2...) dtypes and ranks.
void checkInputs(const KernelSignature &sig, bool grad) {
  const char *names[] = {"x",
                         "offsets",
                         grad ? "dy" : "w1",
                         grad ? "w1" : "b1",
                         grad ? "b1" : "w2",
                         grad ? "w2" : "b2"};
  const size_t ranks[] = {
      3, 1, 3, grad ? 3u : 2u, grad ? 2u : 3u, grad ? 3u : 2u};
  for (size_t i = 0; i < 6; ++i) {
    expectDType(sig, *sig.inputs[i], names[i],
                {i == 1 ? DType::I64 : DType::F32});
    expectRank(sig, *sig.inputs[i], names[i], ranks[i],
               i == 1 ? "E+1" : "see the expert_mlp contract");
  }
}

/// Fills rows [r0, r1) of `out` ([rows, n]) with `bias` ([n]).
void fillRows(float *out, const float *bias, int64_t r0, int64_t r1,
              int64_t n) {
  for (int64_t r = r0; r < r1; ++r)
    std::memcpy(out + r * n, bias, size_t(n) * sizeof(float));
}

/// pre[r0..r1) = x w1[e]^T + b1[e]: the hidden pre-activations of a block.
void hiddenPre(const MlpDims &d, const float *x, const float *w1,
               const float *b1, float *pre, const RowBlock &blk) {
  const int64_t n = blk.end - blk.begin, e = blk.expert;
  fillRows(pre, b1 + e * d.h, blk.begin, blk.end, d.h);
  sgemmRowBlock(CblasTrans, n, kExpertRowBlock, d.h, d.f, x + blk.begin * d.f,
                d.f, w1 + e * d.h * d.f, d.f, 1.0f, pre + blk.begin * d.h, d.h);
}

/// expert_mlp.
class ExpertMlpKernel : public Kernel {
public:
  explicit ExpertMlpKernel(const KernelSignature &sig) : where_(sig.where) {
    expectOperandCounts(sig, 6, 6, 1);
    checkInputs(sig, false);
    expectDType(sig, *sig.outputs[0], "output", {DType::F32});
    expectRank(sig, *sig.outputs[0], "output", 3, "B, R, G");
  }

  void prepare(const std::vector<TensorRef> &in,
               const std::vector<TensorRef> &out, KernelContext &ctx) override {
    dims_.read(where_, in, in[4].shape[1]);
    expectShape(where_, "b2", in[5].shape, {dims_.experts, dims_.g});
    expectShape(where_, "output", out[0].shape,
                {in[0].shape[0], in[0].shape[1], dims_.g});
    if (!ctx.validateOnly)
      hidden_.assign(size_t(dims_.rows * dims_.h), 0.0f);
  }

  void run(const std::vector<TensorRef> &in, const std::vector<TensorRef> &out,
           KernelContext &ctx) override {
    const MlpDims &d = dims_;
    std::vector<int64_t> off = readOffsets(where_, in[1], d.experts, d.rows);
    const float *x = in[0].as<float>(), *w1 = in[2].as<float>(),
                *b1 = in[3].as<float>(), *w2 = in[4].as<float>(),
                *b2 = in[5].as<float>();
    float *y = out[0].as<float>(), *hid = hidden_.data();
    std::vector<RowBlock> blocks = rowBlocks(off);
    parallelFor(ctx.pool, int64_t(blocks.size()), 1,
                [&](int64_t b0, int64_t b1e) {
                  for (int64_t i = b0; i < b1e; ++i) {
                    const RowBlock &blk = blocks[size_t(i)];
                    const int64_t n = blk.end - blk.begin, e = blk.expert;
                    hiddenPre(d, x, w1, b1, hid, blk);
                    geluF32(hid + blk.begin * d.h, hid + blk.begin * d.h,
                            n * d.h, false);
                    fillRows(y, b2 + e * d.g, blk.begin, blk.end, d.g);
                    sgemmRowBlock(CblasTrans, n, kExpertRowBlock, d.g, d.h,
                                  hid + blk.begin * d.h, d.h,
                                  w2 + e * d.g * d.h, d.h, 1.0f,
                                  y + blk.begin * d.g, d.g);
                  }
                });
    std::fill(y + off.back() * d.g, y + d.rows * d.g, 0.0f);
  }

private:
  std::string where_;
  MlpDims dims_;
  std::vector<float> hidden_;
};

/// expert_mlp_grad.
class ExpertMlpGradKernel : public Kernel {
public:
  explicit ExpertMlpGradKernel(const KernelSignature &sig) : where_(sig.where) {
    expectOperandCounts(sig, 6, 6, 5);
    checkInputs(sig, true);
    const char *names[] = {"dx", "dw1", "db1", "dw2", "db2"};
    const size_t ranks[] = {3, 3, 2, 3, 2};
    for (size_t i = 0; i < 5; ++i) {
      expectDType(sig, *sig.outputs[i], names[i], {DType::F32});
      expectRank(sig, *sig.outputs[i], names[i], ranks[i],
                 "see the expert_mlp_grad contract");
    }
  }

  void prepare(const std::vector<TensorRef> &in,
               const std::vector<TensorRef> &out, KernelContext &ctx) override {
    // Inputs are x, offsets, dy, w1, b1, w2: view them in forward order.
    std::vector<TensorRef> fwd = {in[0], in[1], in[3], in[4], in[5]};
    dims_.read(where_, fwd, in[5].shape[1]);
    const MlpDims &d = dims_;
    expectShape(where_, "dy", in[2].shape,
                {in[0].shape[0], in[0].shape[1], d.g});
    expectShape(where_, "dx", out[0].shape, in[0].shape);
    expectShape(where_, "dw1", out[1].shape, in[3].shape);
    expectShape(where_, "db1", out[2].shape, in[4].shape);
    expectShape(where_, "dw2", out[3].shape, in[5].shape);
    expectShape(where_, "db2", out[4].shape, {d.experts, d.g});
    if (!ctx.validateOnly) {
      pre_.assign(size_t(d.rows * d.h), 0.0f);
      act_.assign(size_t(d.rows * d.h), 0.0f);
    }
  }

  void run(const std::vector<TensorRef> &in, const std::vector<TensorRef> &out,
           KernelContext &ctx) override {
    const MlpDims &d = dims_;
    std::vector<int64_t> off = readOffsets(where_, in[1], d.experts, d.rows);
    const float *x = in[0].as<float>(), *dy = in[2].as<float>(),
                *w1 = in[3].as<float>(), *b1 = in[4].as<float>(),
                *w2 = in[5].as<float>();
    float *dx = out[0].as<float>(), *dw1 = out[1].as<float>(),
          *db1 = out[2].as<float>(), *dw2 = out[3].as<float>(),
          *db2 = out[4].as<float>();
    float *pre = pre_.data(), *act = act_.data();
    // Row blocks: act = gelu(pre), pre <- dpre = gelu'(pre) (dy w2), dx.
    std::vector<RowBlock> blocks = rowBlocks(off);
    parallelFor(
        ctx.pool, int64_t(blocks.size()), 1, [&](int64_t i0, int64_t i1) {
          std::vector<float> dact;
          for (int64_t i = i0; i < i1; ++i) {
            const RowBlock &blk = blocks[size_t(i)];
            const int64_t n = blk.end - blk.begin, e = blk.expert;
            float *p = pre + blk.begin * d.h, *a = act + blk.begin * d.h;
            hiddenPre(d, x, w1, b1, pre, blk);
            geluF32(p, a, n * d.h, false);
            dact.resize(size_t(n * d.h));
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, int(n),
                        int(d.h), int(d.g), 1.0f, dy + blk.begin * d.g,
                        int(d.g), w2 + e * d.g * d.h, int(d.h), 0.0f,
                        dact.data(), int(d.h));
            geluGradF32(p, dact.data(), p, n * d.h, false);
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, int(n),
                        int(d.f), int(d.h), 1.0f, p, int(d.h),
                        w1 + e * d.h * d.f, int(d.f), 0.0f,
                        dx + blk.begin * d.f, int(d.f));
          }
        });
    std::fill(dx + off.back() * d.f, dx + d.rows * d.f, 0.0f);
    // Parameter gradients: one GEMM per expert over all its rows.
    parallelFor(ctx.pool, d.experts, 1, [&](int64_t e0, int64_t e1) {
      for (int64_t e = e0; e < e1; ++e)
        expertParamGrads(e, off, x, dy, dw1 + e * d.h * d.f, db1 + e * d.h,
                         dw2 + e * d.g * d.h, db2 + e * d.g);
    });
  }

private:
  /// dw1, db1, dw2, db2 of expert `e` from its rows of dpre (in pre_), act,
  /// x and dy; zero for an expert without rows.
  void expertParamGrads(int64_t e, const std::vector<int64_t> &off,
                        const float *x, const float *dy, float *dw1, float *db1,
                        float *dw2, float *db2) const {
    const MlpDims &d = dims_;
    const int64_t r0 = off[size_t(e)], n = off[size_t(e) + 1] - r0;
    std::fill(db1, db1 + d.h, 0.0f);
    std::fill(db2, db2 + d.g, 0.0f);
    if (n == 0) {
      std::fill(dw1, dw1 + d.h * d.f, 0.0f);
      std::fill(dw2, dw2 + d.g * d.h, 0.0f);
      return;
    }
    const float *dpre = pre_.data() + r0 * d.h, *act = act_.data() + r0 * d.h;
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, int(d.g), int(d.h),
                int(n), 1.0f, dy + r0 * d.g, int(d.g), act, int(d.h), 0.0f, dw2,
                int(d.h));
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, int(d.h), int(d.f),
                int(n), 1.0f, dpre, int(d.h), x + r0 * d.f, int(d.f), 0.0f, dw1,
                int(d.f));
    for (int64_t r = 0; r < n; ++r) {
      for (int64_t j = 0; j < d.h; ++j)
        db1[j] += dpre[r * d.h + j];
      for (int64_t j = 0; j < d.g; ++j)
        db2[j] += dy[(r0 + r) * d.g + j];
    }
  }

  std::string where_;
  MlpDims dims_;
  std::vector<float> pre_, act_;
};

} // namespace

std::unique_ptr<Kernel> makeExpertMlpKernel(const KernelSignature &sig) {
  return std::make_unique<ExpertMlpKernel>(sig);
}

std::unique_ptr<Kernel> makeExpertMlpGradKernel(const KernelSignature &sig) {
  return std::make_unique<ExpertMlpGradKernel>(sig);
}

} // namespace shodh
