//===- Linear.cpp - The CPU "linear" kernel (channel mixing over one axis) ===//
//
// See Linear.h for the contract and the blocking. Shapes are checked on
// symbolic dims by the factory and again on concrete dims in `prepare`.
//
//===----------------------------------------------------------------------===//
#include "runtime/kernels/cpu/Linear.h"
#include "runtime/core/ThreadPool.h"
#include "runtime/kernels/cpu/SignatureChecks.h"
#include "runtime/support/Status.h"

#include <cblas.h>
#include <fmt/format.h>

#include <algorithm>
#include <climits>

namespace shodh {

namespace {

/// Shapes of the operands of one linear call (b empty when there is no bias).
struct LinearShapes {
  std::vector<Dim> x, w, b, y;
  bool hasBias = false;
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
}

/// Runs both shape checks.
void checkLinearShapes(const std::string &where, int64_t axis,
                       const LinearShapes &s) {
  checkLinearRanks(where, axis, s);
  checkLinearDims(where, static_cast<size_t>(axis), s);
}

/// Product of shape[from, to).
int64_t product(const std::vector<int64_t> &shape, size_t from, size_t to) {
  int64_t p = 1;
  for (size_t i = from; i < to; ++i)
    p *= shape[i];
  return p;
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
  /// Y[n0:n1, :] = X[n0:n1, :] W^T (+ b) for the row blocks [b0, b1).
  void runRowBlocks(const float *x, const float *w, const float *b, float *y,
                    int64_t b0, int64_t b1) const;
  /// Y_n[:, cols] = W X_n[:, cols] (+ b) for the units [u0, u1), a unit
  /// being one (n, column block) pair.
  void runColumnBlocks(const float *x, const float *w, const float *b, float *y,
                       int64_t u0, int64_t u1) const;

  std::string where_;
  int64_t axis_ = 0;
  bool hasBias_ = false;
  int64_t outer_ = 0, cin_ = 0, cout_ = 0, inner_ = 0;
};

LinearKernel::LinearKernel(const KernelSignature &sig) : where_(sig.where) {
  expectOperandCounts(sig, 2, 3, 1);
  const char *names[] = {"x", "weight", "bias"};
  for (size_t i = 0; i < sig.inputs.size(); ++i)
    expectDType(sig, *sig.inputs[i], names[i], {DType::F32});
  expectDType(sig, *sig.outputs[0], "output", {DType::F32});
  axis_ = intAttr(sig, "axis");
  hasBias_ = sig.inputs.size() == 3;
  LinearShapes s{sig.inputs[0]->shape, sig.inputs[1]->shape,
                 hasBias_ ? sig.inputs[2]->shape : std::vector<Dim>{},
                 sig.outputs[0]->shape, hasBias_};
  checkLinearShapes(where_, axis_, s);
}

void LinearKernel::prepare(const std::vector<TensorRef> &in,
                           const std::vector<TensorRef> &out, KernelContext &) {
  LinearShapes s{fixedDims(in[0].shape), fixedDims(in[1].shape),
                 hasBias_ ? fixedDims(in[2].shape) : std::vector<Dim>{},
                 fixedDims(out[0].shape), hasBias_};
  checkLinearShapes(where_, axis_, s);
  size_t axis = static_cast<size_t>(axis_);
  outer_ = product(in[0].shape, 0, axis);
  cin_ = in[0].shape[axis];
  inner_ = product(in[0].shape, axis + 1, in[0].shape.size());
  cout_ = in[1].shape[0];
  for (int64_t d : {cin_, cout_, inner_}) // what reaches BLAS as an int
    if (d > INT_MAX)
      throw Error(fmt::format("{}: dimension {} exceeds the BLAS limit of {}",
                              where_, d, INT_MAX));
}

void LinearKernel::runRowBlocks(const float *x, const float *w, const float *b,
                                float *y, int64_t b0, int64_t b1) const {
  for (int64_t blk = b0; blk < b1; ++blk) {
    int64_t n0 = blk * kLinearRowBlock,
            rows = std::min(kLinearRowBlock, outer_ - n0);
    float *yb = y + n0 * cout_;
    for (int64_t r = 0; b && r < rows; ++r)
      std::copy(b, b + cout_, yb + r * cout_);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, int(rows), int(cout_),
                int(cin_), 1.0f, x + n0 * cin_, int(cin_), w, int(cin_),
                b ? 1.0f : 0.0f, yb, int(cout_));
  }
}

void LinearKernel::runColumnBlocks(const float *x, const float *w,
                                   const float *b, float *y, int64_t u0,
                                   int64_t u1) const {
  int64_t blocksPerRow = (inner_ + kLinearColumnBlock - 1) / kLinearColumnBlock;
  for (int64_t u = u0; u < u1; ++u) {
    int64_t n = u / blocksPerRow, s0 = (u % blocksPerRow) * kLinearColumnBlock;
    int64_t cols = std::min(kLinearColumnBlock, inner_ - s0);
    float *yb = y + n * cout_ * inner_ + s0;
    for (int64_t o = 0; b && o < cout_; ++o)
      std::fill(yb + o * inner_, yb + o * inner_ + cols, b[o]);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, int(cout_),
                int(cols), int(cin_), 1.0f, w, int(cin_),
                x + n * cin_ * inner_ + s0, int(inner_), b ? 1.0f : 0.0f, yb,
                int(inner_));
  }
}

void LinearKernel::run(const std::vector<TensorRef> &in,
                       const std::vector<TensorRef> &out, KernelContext &ctx) {
  const float *x = in[0].as<float>(), *w = in[1].as<float>();
  const float *b = hasBias_ ? in[2].as<float>() : nullptr;
  float *y = out[0].as<float>();
  if (outer_ == 0 || cout_ == 0 || inner_ == 0)
    return;
  if (cin_ ==
      0) { // an empty sum: y is the bias (BLAS rejects K = 0 leading dims)
    for (int64_t i = 0; i < outer_ * cout_ * inner_; ++i)
      y[i] = b ? b[(i / inner_) % cout_] : 0.0f;
    return;
  }
  if (inner_ == 1) {
    int64_t blocks = (outer_ + kLinearRowBlock - 1) / kLinearRowBlock;
    parallelFor(ctx.pool, blocks, 1, [&](int64_t b0, int64_t b1) {
      runRowBlocks(x, w, b, y, b0, b1);
    });
    return;
  }
  int64_t units =
      outer_ * ((inner_ + kLinearColumnBlock - 1) / kLinearColumnBlock);
  parallelFor(ctx.pool, units, 1, [&](int64_t u0, int64_t u1) {
    runColumnBlocks(x, w, b, y, u0, u1);
  });
}

} // namespace

std::unique_ptr<Kernel> makeLinearKernel(const KernelSignature &sig) {
  return std::make_unique<LinearKernel>(sig);
}

} // namespace shodh
