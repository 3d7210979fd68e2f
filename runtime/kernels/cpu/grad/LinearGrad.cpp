//===- LinearGrad.cpp - Gradients of the CPU "linear" kernel --------------===//
//
// See LinearGrad.h for the contract and the blocking. Factories check the
// symbolic shapes; `prepare` re-checks the concrete ones with the same code.
//
//===----------------------------------------------------------------------===//
#include "runtime/kernels/cpu/grad/LinearGrad.h"
#include "runtime/core/ThreadPool.h"
#include "runtime/kernels/cpu/AxisSplit.h"
#include "runtime/kernels/cpu/Linear.h"
#include "runtime/kernels/cpu/SignatureChecks.h"
#include "runtime/kernels/cpu/WeightGemm.h"
#include "runtime/kernels/cpu/grad/BlockedSum.h"
#include "runtime/support/Status.h"

#include <cblas.h>
#include <fmt/format.h>

#include <algorithm>
#include <climits>
#include <cstring>

namespace shodh {

namespace {

/// Smallest number of db entries or dw elements worth a chunk of their own.
constexpr int64_t kGradGrain = 4096;

/// Throws unless 0 <= axis < rank of operand `what`.
void checkAxis(const std::string &where, int64_t axis, const char *what,
               size_t rank) {
  if (axis < 0 || axis >= static_cast<int64_t>(rank))
    throw Error(fmt::format(
        "{}: attribute 'axis' = {} is out of range for {} of rank {}", where,
        axis, what, rank));
}

/// Throws if dims `a` (described by `aWhat`) and `b` conflict.
void checkDim(const std::string &where, const std::string &aWhat, const Dim &a,
              const std::string &bWhat, const Dim &b) {
  if (dimsConflict(a, b))
    throw Error(fmt::format("{}: {} is {} but {} is {}", where, aWhat,
                            formatDim(a), bWhat, formatDim(b)));
}

/// Throws unless `shape` has `ref`'s rank and dims except at `axis`.
void checkSameExceptAxis(const std::string &where, const char *what,
                         const std::vector<Dim> &shape, const char *refName,
                         const std::vector<Dim> &ref, size_t axis) {
  if (shape.size() != ref.size())
    throw Error(fmt::format("{}: {} has rank {} but {} has rank {}", where,
                            what, shape.size(), refName, ref.size()));
  for (size_t d = 0; d < shape.size(); ++d)
    if (d != axis)
      checkDim(where, fmt::format("{} dim {}", what, d), shape[d],
               fmt::format("{} dim {}", refName, d), ref[d]);
}

/// Throws unless `w` has rank 2 (a [Cout, Cin] matrix called `what`).
void checkMatrix(const std::string &where, const char *what,
                 const std::vector<Dim> &w) {
  if (w.size() != 2)
    throw Error(
        fmt::format("{}: {} must have rank 2 ([Cout, Cin]), got rank {}", where,
                    what, w.size()));
}

/// Throws if any of `dims` is too large for a BLAS int.
void checkBlasLimit(const std::string &where,
                    std::initializer_list<int64_t> dims) {
  for (int64_t d : dims)
    if (d > INT_MAX)
      throw Error(fmt::format("{}: dimension {} exceeds the BLAS limit of {}",
                              where, d, INT_MAX));
}

/// Checks (dy, w) -> dx of linear_grad_input.
void checkGradInputShapes(const std::string &where, int64_t axis,
                          const std::vector<Dim> &dy, const std::vector<Dim> &w,
                          const std::vector<Dim> &dx) {
  checkAxis(where, axis, "dy", dy.size());
  checkMatrix(where, "weight", w);
  checkSameExceptAxis(where, "output", dx, "dy", dy, size_t(axis));
  checkDim(where, "weight's Cout (dim 0)", w[0], fmt::format("dy dim {}", axis),
           dy[axis]);
  checkDim(where, fmt::format("output dim {}", axis), dx[axis],
           "weight's Cin (dim 1)", w[1]);
}

/// Checks (x, dy) -> dw of linear_grad_weight.
void checkGradWeightShapes(const std::string &where, int64_t axis,
                           const std::vector<Dim> &x,
                           const std::vector<Dim> &dy,
                           const std::vector<Dim> &dw) {
  checkAxis(where, axis, "x", x.size());
  checkSameExceptAxis(where, "dy", dy, "x", x, size_t(axis));
  checkMatrix(where, "output", dw);
  checkDim(where, "output dim 0", dw[0], fmt::format("dy dim {}", axis),
           dy[axis]);
  checkDim(where, "output dim 1", dw[1], fmt::format("x dim {}", axis),
           x[axis]);
}

/// Checks (dy) -> db of linear_grad_bias.
void checkGradBiasShapes(const std::string &where, int64_t axis,
                         const std::vector<Dim> &dy,
                         const std::vector<Dim> &db) {
  checkAxis(where, axis, "dy", dy.size());
  if (db.size() != 1)
    throw Error(fmt::format("{}: output must have rank 1 ([Cout]), got rank {}",
                            where, db.size()));
  checkDim(where, "output dim 0", db[0], fmt::format("dy dim {}", axis),
           dy[axis]);
}

/// Checks operand counts and that every operand is f32.
void expectAllF32(const KernelSignature &sig, size_t inputs,
                  std::initializer_list<const char *> names, size_t outputs = 1) {
  expectOperandCounts(sig, inputs, inputs, outputs);
  auto name = names.begin();
  for (const TensorDesc *t : sig.inputs)
    expectDType(sig, *t, *name++, {DType::F32});
  for (const TensorDesc *t : sig.outputs)
    expectDType(sig, *t, "output", {DType::F32});
}

/// linear_grad_input: dx = W^T dy over the channel axis.
class LinearGradInputKernel : public Kernel {
public:
  /// Validates operands, dtypes, axis and symbolic shapes.
  explicit LinearGradInputKernel(const KernelSignature &sig)
      : where_(sig.where) {
    // An optional third input is added to dx (the GEMM accumulates on it).
    accumulate_ = sig.inputs.size() == 3;
    expectAllF32(sig, accumulate_ ? 3 : 2, {"dy", "weight", "accumulate"});
    axis_ = intAttr(sig, "axis");
    checkGradInputShapes(where_, axis_, sig.inputs[0]->shape,
                         sig.inputs[1]->shape, sig.outputs[0]->shape);
    if (accumulate_)
      expectSameShape(where_, "accumulate", sig.inputs[2]->shape, "output",
                      sig.outputs[0]->shape);
  }

  /// Re-checks concrete shapes and records the GEMM geometry.
  void prepare(const std::vector<TensorRef> &in,
               const std::vector<TensorRef> &out, KernelContext &) override {
    checkGradInputShapes(where_, axis_, fixedDims(in[0].shape),
                         fixedDims(in[1].shape), fixedDims(out[0].shape));
    if (accumulate_)
      expectSameShape(where_, "accumulate", fixedDims(in[2].shape), "output",
                      fixedDims(out[0].shape));
    dy_ = splitAt(in[0].shape, size_t(axis_));
    cin_ = in[1].shape[1];
    checkBlasLimit(where_, {dy_.channels, cin_, dy_.inner});
  }

  /// Runs the blocked sgemms on the pool.
  void run(const std::vector<TensorRef> &in, const std::vector<TensorRef> &out,
           KernelContext &ctx) override;

private:
  /// DX[blk, :] = DY[blk, :] W (+ ACC[blk, :]) for row blocks [b0, b1)
  /// (channel axis last).
  void rowBlocks(const float *dy, const float *w, const float *acc, float *dx,
                 int64_t b0, int64_t b1) const;
  /// DX_n[:, blk] = W^T DY_n[:, blk] (+ ACC_n[:, blk]) for (n, column block)
  /// units [u0, u1).
  void columnBlocks(const float *dy, const float *w, const float *acc,
                    float *dx, int64_t u0, int64_t u1) const;

  std::string where_;
  bool accumulate_ = false;
  int64_t axis_ = 0;
  AxisSplit dy_;
  int64_t cin_ = 0;
};

void LinearGradInputKernel::rowBlocks(const float *dy, const float *w,
                                      const float *acc, float *dx, int64_t b0,
                                      int64_t b1) const {
  const int64_t cout = dy_.channels;
  for (int64_t blk = b0; blk < b1; ++blk) {
    int64_t n0 = blk * kLinearRowBlock,
            rows = std::min(kLinearRowBlock, dy_.outer - n0);
    if (acc && acc != dx)
      std::copy(acc + n0 * cin_, acc + (n0 + rows) * cin_, dx + n0 * cin_);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, int(rows), int(cin_),
                int(cout), 1.0f, dy + n0 * cout, int(cout), w, int(cin_),
                acc ? 1.0f : 0.0f, dx + n0 * cin_, int(cin_));
  }
}

void LinearGradInputKernel::columnBlocks(const float *dy, const float *w,
                                         const float *acc, float *dx,
                                         int64_t u0, int64_t u1) const {
  const int64_t cout = dy_.channels, inner = dy_.inner;
  const int64_t perRow = (inner + kLinearColumnBlock - 1) / kLinearColumnBlock;
  for (int64_t u = u0; u < u1; ++u) {
    int64_t n = u / perRow, s0 = (u % perRow) * kLinearColumnBlock;
    linearAdjointColumnBlock(dy + n * cout * inner, w, acc ? acc + n * cin_ * inner : nullptr,
                             dx + n * cin_ * inner, cin_, cout, inner, s0);
  }
}

void LinearGradInputKernel::run(const std::vector<TensorRef> &in,
                                const std::vector<TensorRef> &out,
                                KernelContext &ctx) {
  const float *dy = in[0].as<float>(), *w = in[1].as<float>();
  const float *acc = accumulate_ ? in[2].as<float>() : nullptr;
  float *dx = out[0].as<float>();
  if (dy_.outer == 0 || cin_ == 0 || dy_.inner == 0)
    return;
  if (dy_.channels == 0) { // an empty sum (BLAS rejects K = 0)
    if (acc)
      std::copy(acc, acc + out[0].numel(), dx);
    else
      std::fill(dx, dx + out[0].numel(), 0.0f);
    return;
  }
  if (dy_.inner == 1) {
    int64_t blocks = (dy_.outer + kLinearRowBlock - 1) / kLinearRowBlock;
    parallelFor(ctx.pool, blocks, 1,
                [&](int64_t b0, int64_t b1) { rowBlocks(dy, w, acc, dx, b0, b1); });
    return;
  }
  int64_t units =
      dy_.outer * ((dy_.inner + kLinearColumnBlock - 1) / kLinearColumnBlock);
  parallelFor(ctx.pool, units, 1,
              [&](int64_t u0, int64_t u1) { columnBlocks(dy, w, acc, dx, u0, u1); });
}

/// linear_grad_weight: dw = sum over (n, s) of dy x^T, in fixed slabs;
/// linear_grad_params (`bias`) also db = sum over (n, s) of dy, each slab's
/// units summed in double right after their GEMM read them, the slabs then
/// added in order.
class LinearGradWeightKernel : public Kernel {
public:
  /// Validates operands, dtypes, axis and symbolic shapes.
  LinearGradWeightKernel(const KernelSignature &sig, bool bias)
      : where_(sig.where), bias_(bias) {
    expectAllF32(sig, 2, {"x", "dy"}, bias ? 2 : 1);
    axis_ = intAttr(sig, "axis");
    checkGradWeightShapes(where_, axis_, sig.inputs[0]->shape,
                          sig.inputs[1]->shape, sig.outputs[0]->shape);
    if (bias_)
      checkGradBiasShapes(where_, axis_, sig.inputs[1]->shape, sig.outputs[1]->shape);
  }

  /// Re-checks concrete shapes, fixes the units and slabs, allocates the
  /// partial sums.
  void prepare(const std::vector<TensorRef> &in,
               const std::vector<TensorRef> &out, KernelContext &) override;

  /// Accumulates the slabs in parallel, then adds them in slab order.
  void run(const std::vector<TensorRef> &in, const std::vector<TensorRef> &out,
           KernelContext &ctx) override;

private:
  /// The positions of unit `u`: with the channel axis last (inner == 1)
  /// rows [first, first + count) of n; else columns [first, first + count)
  /// of s in row n.
  struct UnitSpan {
    int64_t n, first, count;
  };
  UnitSpan unitSpan(int64_t u) const;
  /// Adds unit `u`'s contribution to `dst` (beta 0 overwrites).
  void accumulateUnit(const float *x, const float *dy, float *dst, int64_t u,
                      float beta) const;
  /// Adds unit `u`'s sums of dy per channel to `sums` (Cout doubles).
  void sumUnit(const float *dy, double *sums, int64_t u) const;

  std::string where_;
  bool bias_;
  int64_t axis_ = 0;
  AxisSplit x_;
  int64_t cout_ = 0, units_ = 0, slabs_ = 0;
  std::vector<float> partials_; ///< slabs 1..P-1, each Cout x Cin
  std::vector<double> biasSums_; ///< slabs 0..P-1, each Cout (with bias_)
};

void LinearGradWeightKernel::prepare(const std::vector<TensorRef> &in,
                                     const std::vector<TensorRef> &out,
                                     KernelContext &ctx) {
  checkGradWeightShapes(where_, axis_, fixedDims(in[0].shape),
                        fixedDims(in[1].shape), fixedDims(out[0].shape));
  if (bias_)
    checkGradBiasShapes(where_, axis_, fixedDims(in[1].shape), fixedDims(out[1].shape));
  x_ = splitAt(in[0].shape, size_t(axis_));
  cout_ = in[1].shape[size_t(axis_)];
  checkBlasLimit(where_, {x_.channels, cout_, x_.inner});
  units_ = x_.inner == 1 ? (x_.outer + kLinearRowBlock - 1) / kLinearRowBlock
                         : x_.outer * ((x_.inner + kLinearColumnBlock - 1) /
                                       kLinearColumnBlock);
  slabs_ = std::min(units_, kLinearGradSlabs);
  if (ctx.validateOnly) // a CUDA call's checks: no host scratch
    return;
  int64_t extra = std::max<int64_t>(0, slabs_ - 1);
  partials_.assign(static_cast<size_t>(extra * cout_ * x_.channels), 0.0f);
  biasSums_.assign(bias_ ? static_cast<size_t>(slabs_ * cout_) : 0, 0.0);
}

LinearGradWeightKernel::UnitSpan LinearGradWeightKernel::unitSpan(int64_t u) const {
  if (x_.inner == 1) {
    const int64_t n0 = u * kLinearRowBlock;
    return {0, n0, std::min(kLinearRowBlock, x_.outer - n0)};
  }
  const int64_t perRow = (x_.inner + kLinearColumnBlock - 1) / kLinearColumnBlock;
  const int64_t s0 = (u % perRow) * kLinearColumnBlock;
  return {u / perRow, s0, std::min(kLinearColumnBlock, x_.inner - s0)};
}

void LinearGradWeightKernel::sumUnit(const float *dy, double *sums, int64_t u) const {
  const int64_t inner = x_.inner;
  const UnitSpan s = unitSpan(u);
  if (inner == 1) { // rows of dy [outer x Cout]
    for (int64_t i = s.first; i < s.first + s.count; ++i)
      for (int64_t o = 0; o < cout_; ++o)
        sums[o] += dy[i * cout_ + o];
    return;
  }
  biasGradColumns(dy, sums, cout_, inner, s.n, s.first, s.count);
}

void LinearGradWeightKernel::accumulateUnit(const float *x, const float *dy,
                                            float *dst, int64_t u,
                                            float beta) const {
  const int64_t cin = x_.channels, inner = x_.inner;
  const UnitSpan s = unitSpan(u);
  if (inner == 1) {
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, int(cout_), int(cin),
                int(s.count), 1.0f, dy + s.first * cout_, int(cout_), x + s.first * cin,
                int(cin), beta, dst, int(cin));
    return;
  }
  weightGradColumns(x, dy, dst, cin, cout_, inner, s.n, s.first, s.count,
                    beta != 0.0f);
}

void LinearGradWeightKernel::run(const std::vector<TensorRef> &in,
                                 const std::vector<TensorRef> &out,
                                 KernelContext &ctx) {
  const float *x = in[0].as<float>(), *dy = in[1].as<float>();
  float *dw = out[0].as<float>();
  const int64_t size = cout_ * x_.channels;
  std::fill(biasSums_.begin(), biasSums_.end(), 0.0);
  if (slabs_ == 0) { // nothing to sum over
    std::fill(dw, dw + size, 0.0f);
    if (bias_)
      std::fill(out[1].as<float>(), out[1].as<float>() + cout_, 0.0f);
    return;
  }
  parallelFor(ctx.pool, slabs_, 1, [&](int64_t p0, int64_t p1) {
    for (int64_t p = p0; p < p1; ++p) {
      float *dst = p == 0 ? dw : partials_.data() + (p - 1) * size;
      ChunkRange r = staticChunk(units_, slabs_, p);
      for (int64_t u = r.begin; u < r.end; ++u) {
        if (size > 0)
          accumulateUnit(x, dy, dst, u, u == r.begin ? 0.0f : 1.0f);
        if (bias_) // dy's block is in cache now
          sumUnit(dy, biasSums_.data() + p * cout_, u);
      }
    }
  });
  if (bias_) // the slabs' sums in slab order
    for (int64_t o = 0; o < cout_; ++o) {
      double sum = 0.0;
      for (int64_t p = 0; p < slabs_; ++p)
        sum += biasSums_[size_t(p * cout_ + o)];
      out[1].as<float>()[o] = static_cast<float>(sum);
    }
  if (size == 0)
    return;
  parallelFor(ctx.pool, size, kGradGrain, [&](int64_t e0, int64_t e1) {
    for (int64_t p = 1; p < slabs_; ++p) {
      const float *part = partials_.data() + (p - 1) * size;
      for (int64_t e = e0; e < e1; ++e)
        dw[e] += part[e];
    }
  });
}

/// linear_grad_bias: db[o] = sum over (n, s) of dy, in double per o.
class LinearGradBiasKernel : public Kernel {
public:
  /// Validates operands, dtypes, axis and symbolic shapes.
  explicit LinearGradBiasKernel(const KernelSignature &sig)
      : where_(sig.where) {
    expectAllF32(sig, 1, {"dy"});
    axis_ = intAttr(sig, "axis");
    checkGradBiasShapes(where_, axis_, sig.inputs[0]->shape,
                        sig.outputs[0]->shape);
  }

  /// Re-checks concrete shapes.
  void prepare(const std::vector<TensorRef> &in,
               const std::vector<TensorRef> &out, KernelContext &) override {
    checkGradBiasShapes(where_, axis_, fixedDims(in[0].shape),
                        fixedDims(out[0].shape));
    dy_ = splitAt(in[0].shape, size_t(axis_));
  }

  /// Sums the channels [o0, o1) of each chunk in double.
  void run(const std::vector<TensorRef> &in, const std::vector<TensorRef> &out,
           KernelContext &ctx) override {
    const float *dy = in[0].as<float>();
    float *db = out[0].as<float>();
    // A chunk of channels should hold >= kGradGrain elements.
    const int64_t perChannel = std::max<int64_t>(1, dy_.outer * dy_.inner);
    parallelFor(ctx.pool, dy_.channels,
                std::max<int64_t>(1, kGradGrain / perChannel),
                [&](int64_t o0, int64_t o1) { sumChannels(dy, db, o0, o1); });
  }

private:
  /// db[o] for o in [o0, o1): n outer, s inner, accumulated in double.
  void sumChannels(const float *dy, float *db, int64_t o0, int64_t o1) const {
    const int64_t cout = dy_.channels, inner = dy_.inner;
    std::vector<double> acc(static_cast<size_t>(o1 - o0), 0.0);
    for (int64_t n = 0; n < dy_.outer; ++n)
      for (int64_t o = o0; o < o1; ++o) {
        acc[o - o0] += sumRow(dy + (n * cout + o) * inner, inner);
      }
    for (int64_t o = o0; o < o1; ++o)
      db[o] = static_cast<float>(acc[o - o0]);
  }

  std::string where_;
  int64_t axis_ = 0;
  AxisSplit dy_;
};

} // namespace

void weightGradColumns(const float *x, const float *dy, float *dst, int64_t cin,
                       int64_t cout, int64_t inner, int64_t n, int64_t s0,
                       int64_t count, bool accumulate) {
  WeightGemm g;
  g.m = cout, g.n = cin, g.k = count;
  g.a = dy + n * cout * inner + s0, g.lda = inner;
  g.b = x + n * cin * inner + s0, g.ldb = inner;
  g.c = dst, g.ldc = cin, g.accumulate = accumulate;
  g.run();
}

void biasGradColumns(const float *dy, double *sums, int64_t cout, int64_t inner,
                     int64_t n, int64_t s0, int64_t count) {
  sumRows(dy + n * cout * inner + s0, inner, cout, count, sums);
}

std::unique_ptr<Kernel> makeLinearGradInputKernel(const KernelSignature &sig) {
  return std::make_unique<LinearGradInputKernel>(sig);
}

std::unique_ptr<Kernel> makeLinearGradWeightKernel(const KernelSignature &sig) {
  return std::make_unique<LinearGradWeightKernel>(sig, false);
}

std::unique_ptr<Kernel> makeLinearGradParamsKernel(const KernelSignature &sig) {
  return std::make_unique<LinearGradWeightKernel>(sig, true);
}

std::unique_ptr<Kernel> makeLinearGradBiasKernel(const KernelSignature &sig) {
  return std::make_unique<LinearGradBiasKernel>(sig);
}

} // namespace shodh
