//===- Linear.cpp - The CPU "linear" kernel (channel mixing over one axis) ===//
//
// See Linear.h for the contract and the blocking. Shapes are checked on
// symbolic dims by the factory and again on concrete dims in `prepare`.
//
//===----------------------------------------------------------------------===//
#include "runtime/kernels/cpu/Linear.h"
#include "runtime/core/ThreadPool.h"
#include "runtime/kernels/cpu/AxisSplit.h"
#include "runtime/kernels/cpu/RowBlockGemm.h"
#include "runtime/kernels/cpu/SignatureChecks.h"
#include "runtime/kernels/cpu/SmallGemm.h"
#include "runtime/support/Status.h"

#include <cblas.h>
#include <fmt/format.h>

#include <algorithm>
#include <climits>

namespace shodh {

namespace {

/// Shapes of the operands of one linear call (b empty when there is no bias,
/// r empty when there is no residual).
struct LinearShapes {
  std::vector<Dim> x, w, b, y, r;
  bool hasBias = false, hasResidual = false;
};

/// Checks the ranks of the operands and the range of `axis`.
void checkLinearRanks(const std::string &where, int64_t axis,
                      const LinearShapes &s) {
  if (axis < 0 || axis >= static_cast<int64_t>(s.x.size()))
    throw Error(fmt::format(
        "{}: attribute 'axis' = {} is out of range for x of rank {}", where,
        axis, s.x.size()));
  if (s.w.size() != 2)
    throw Error(
        fmt::format("{}: weight must have rank 2 ([Cout, Cin]), got rank {}",
                    where, s.w.size()));
  if (s.hasBias && s.b.size() != 1)
    throw Error(fmt::format("{}: bias must have rank 1 ([Cout]), got rank {}",
                            where, s.b.size()));
  if (s.y.size() != s.x.size())
    throw Error(fmt::format("{}: output has rank {} but x has rank {}", where,
                            s.y.size(), s.x.size()));
}

/// Checks channel counts and that y matches x away from `axis`.
void checkLinearDims(const std::string &where, size_t axis,
                     const LinearShapes &s) {
  if (dimsConflict(s.w[1], s.x[axis]))
    throw Error(
        fmt::format("{}: weight has {} input channels but x has {} at axis {}",
                    where, formatDim(s.w[1]), formatDim(s.x[axis]), axis));
  if (s.hasBias && dimsConflict(s.b[0], s.w[0]))
    throw Error(fmt::format(
        "{}: bias has {} elements but weight has {} output channels", where,
        formatDim(s.b[0]), formatDim(s.w[0])));
  if (dimsConflict(s.y[axis], s.w[0]))
    throw Error(fmt::format(
        "{}: output has {} channels at axis {} but weight has {} output "
        "channels",
        where, formatDim(s.y[axis]), axis, formatDim(s.w[0])));
  for (size_t d = 0; d < s.x.size(); ++d)
    if (d != axis && dimsConflict(s.y[d], s.x[d]))
      throw Error(fmt::format("{}: output dim {} is {} but x dim {} is {}",
                              where, d, formatDim(s.y[d]), d,
                              formatDim(s.x[d])));
  if (s.hasResidual)
    expectSameShape(where, "residual", s.r, "output", s.y);
}

/// Runs both shape checks.
void checkLinearShapes(const std::string &where, int64_t axis,
                       const LinearShapes &s) {
  checkLinearRanks(where, axis, s);
  checkLinearDims(where, static_cast<size_t>(axis), s);
}

/// The linear kernel: validated at construction, sized in `prepare`.
class LinearKernel : public Kernel {
public:
  /// Validates the call (operands, dtypes, axis, shapes).
  explicit LinearKernel(const KernelSignature &sig);
  /// Re-checks concrete shapes and computes the GEMM geometry.
  void prepare(const std::vector<TensorRef> &in,
               const std::vector<TensorRef> &out, KernelContext &ctx) override;
  /// Runs the blocked sgemms on the pool.
  void run(const std::vector<TensorRef> &in, const std::vector<TensorRef> &out,
           KernelContext &ctx) override;

private:
  /// Y[n0:n1, :] = X[n0:n1, :] W^T (+ b) (+ r) for the row blocks [b0, b1).
  void runRowBlocks(const float *x, const float *w, const float *b,
                    const float *r, float *y, int64_t b0, int64_t b1) const;
  /// Y_n[:, cols] = W X_n[:, cols] (+ b) (+ r) for the units [u0, u1), a
  /// unit being one (n, column block) pair.
  void runColumnBlocks(const float *x, const float *w, const float *b,
                       const float *r, float *y, int64_t u0, int64_t u1) const;

  /// The LinearShapes of operands `in` (TensorDesc* or TensorRef, read by
  /// `dims`) and output dims `y`.
  template <typename T, typename DimsFn>
  LinearShapes shapesOf(const std::vector<T> &in, std::vector<Dim> y,
                        DimsFn dims) const {
    LinearShapes s;
    s.x = dims(in[0]), s.w = dims(in[1]), s.y = std::move(y);
    s.hasBias = hasBias_, s.hasResidual = hasResidual_;
    if (hasResidual_)
      s.r = dims(in[2]);
    if (hasBias_)
      s.b = dims(in[hasResidual_ ? 3 : 2]);
    return s;
  }

  std::string where_;
  int64_t axis_ = 0;
  bool hasBias_ = false, hasResidual_ = false;
  int64_t outer_ = 0, cin_ = 0, cout_ = 0, inner_ = 0;
};

LinearKernel::LinearKernel(const KernelSignature &sig) : where_(sig.where) {
  hasResidual_ = flagAttr(sig, "residual");
  // Inputs: x, w[, b] or, with residual = 1, x, w, r[, b].
  expectOperandCounts(sig, hasResidual_ ? 3 : 2, hasResidual_ ? 4 : 3, 1);
  const char *names[] = {"x", "weight", hasResidual_ ? "residual" : "bias",
                         "bias"};
  for (size_t i = 0; i < sig.inputs.size(); ++i)
    expectDType(sig, *sig.inputs[i], names[i], {DType::F32});
  expectDType(sig, *sig.outputs[0], "output", {DType::F32});
  axis_ = intAttr(sig, "axis");
  hasBias_ = sig.inputs.size() == (hasResidual_ ? 4u : 3u);
  checkLinearShapes(where_, axis_, shapesOf(sig.inputs, sig.outputs[0]->shape,
                                            [](const TensorDesc *t) {
                                              return t->shape;
                                            }));
}

void LinearKernel::prepare(const std::vector<TensorRef> &in,
                           const std::vector<TensorRef> &out, KernelContext &) {
  checkLinearShapes(where_, axis_,
                    shapesOf(in, fixedDims(out[0].shape),
                             [](const TensorRef &t) { return fixedDims(t.shape); }));
  AxisSplit s = splitAt(in[0].shape, static_cast<size_t>(axis_));
  outer_ = s.outer, cin_ = s.channels, inner_ = s.inner;
  cout_ = in[1].shape[0];
  for (int64_t d : {cin_, cout_, inner_}) // what reaches BLAS as an int
    if (d > INT_MAX)
      throw Error(fmt::format("{}: dimension {} exceeds the BLAS limit of {}",
                              where_, d, INT_MAX));
}

void LinearKernel::runRowBlocks(const float *x, const float *w, const float *b,
                                const float *r, float *y, int64_t b0,
                                int64_t b1) const {
  for (int64_t blk = b0; blk < b1; ++blk) {
    int64_t n0 = blk * kLinearRowBlock,
            rows = std::min(kLinearRowBlock, outer_ - n0);
    float *yb = y + n0 * cout_;
    const float *rb = r ? r + n0 * cout_ : nullptr;
    for (int64_t i = 0; (b || r) && i < rows; ++i)
      for (int64_t o = 0; o < cout_; ++o)
        yb[i * cout_ + o] = (rb ? rb[i * cout_ + o] : 0.0f) + (b ? b[o] : 0.0f);
    sgemmRowBlock(CblasTrans, rows, kLinearRowBlock, cout_, cin_, x + n0 * cin_,
                  cin_, w, cin_, (b || r) ? 1.0f : 0.0f, yb, cout_);
  }
}

void LinearKernel::runColumnBlocks(const float *x, const float *w,
                                   const float *b, const float *r, float *y,
                                   int64_t u0, int64_t u1) const {
  int64_t blocksPerRow = (inner_ + kLinearColumnBlock - 1) / kLinearColumnBlock;
  for (int64_t u = u0; u < u1; ++u) {
    int64_t n = u / blocksPerRow, s0 = (u % blocksPerRow) * kLinearColumnBlock;
    linearColumnBlock(x + n * cin_ * inner_, w, b, r ? r + n * cout_ * inner_ : nullptr,
                      y + n * cout_ * inner_, cin_, cout_, inner_, s0);
  }
}

void LinearKernel::run(const std::vector<TensorRef> &in,
                       const std::vector<TensorRef> &out, KernelContext &ctx) {
  const float *x = in[0].as<float>(), *w = in[1].as<float>();
  const float *r = hasResidual_ ? in[2].as<float>() : nullptr;
  const float *b = hasBias_ ? in[hasResidual_ ? 3 : 2].as<float>() : nullptr;
  float *y = out[0].as<float>();
  if (outer_ == 0 || cout_ == 0 || inner_ == 0)
    return;
  if (cin_ == 0) { // an empty sum: y = b + r (BLAS rejects K = 0 leading dims)
    for (int64_t i = 0; i < outer_ * cout_ * inner_; ++i)
      y[i] = (r ? r[i] : 0.0f) + (b ? b[(i / inner_) % cout_] : 0.0f);
    return;
  }
  if (inner_ == 1) {
    int64_t blocks = (outer_ + kLinearRowBlock - 1) / kLinearRowBlock;
    parallelFor(ctx.pool, blocks, 1, [&](int64_t b0, int64_t b1) {
      runRowBlocks(x, w, b, r, y, b0, b1);
    });
    return;
  }
  int64_t units =
      outer_ * ((inner_ + kLinearColumnBlock - 1) / kLinearColumnBlock);
  parallelFor(ctx.pool, units, 1, [&](int64_t u0, int64_t u1) {
    runColumnBlocks(x, w, b, r, y, u0, u1);
  });
}

} // namespace

void linearColumnBlock(const float *x, const float *w, const float *b, const float *r,
                       float *y, int64_t cin, int64_t cout, int64_t S, int64_t s0,
                       bool stream) {
  SmallGemm g;
  g.m = cout, g.n = std::min(kLinearColumnBlock, S - s0), g.k = cin;
  g.a = w, g.aRowStride = cin;
  g.x = x + s0, g.ldx = S;
  g.bias = b;
  g.addend = r ? r + s0 : nullptr, g.ldAddend = S;
  g.y = y + s0, g.ldy = S;
  g.stream = stream;
  g.run();
}

void linearAdjointColumnBlock(const float *dy, const float *w, const float *acc, float *dx,
                              int64_t cin, int64_t cout, int64_t S, int64_t s0,
                              bool stream) {
  SmallGemm g;
  g.m = cin, g.n = std::min(kLinearColumnBlock, S - s0), g.k = cout;
  g.a = w, g.aRowStride = 1, g.aColStride = cin;
  g.x = dy + s0, g.ldx = S;
  g.addend = acc ? acc + s0 : nullptr, g.ldAddend = S;
  g.y = dx + s0, g.ldy = S;
  g.stream = stream;
  g.run();
}

std::unique_ptr<Kernel> makeLinearKernel(const KernelSignature &sig) {
  return std::make_unique<LinearKernel>(sig);
}

} // namespace shodh
