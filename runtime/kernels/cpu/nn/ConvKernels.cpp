//===- ConvKernels.cpp - CPU conv, conv_transpose and conv gradients ------===//
//
// Kernel contract (docs/runtime.md § Convolution and normalisation
// kernels), f32 or f64 (all operands and the output of one call alike),
// fields [B, C, S...] with 1 to 3 spatial axes:
//   conv              x [B,C,S], w [O,C,K] [, b [O]] -> y [B,O,S'];
//                     stride, padding, padding_mode
//   conv_grad_input   dy [B,O,S'], w [O,C,K] -> dx [B,C,S]; same attrs
//   conv_transpose    x [B,C,S], w [C,O,K] [, b [O]] -> y [B,O,S'];
//                     stride, padding, output_padding (zero padding)
//   conv_grad_weight  x [B,C,S], dy [B,O,S'] -> dw [O,C,K]; conv attrs
// with S' = floor((S + 2p - K) / s) + 1 for conv and S' = (S - 1) s - 2p +
// K + output_padding for conv_transpose (whose input is then the S' of a
// conv of its output).
//
// Each call takes one of three paths, chosen in `prepare` (choosePath):
// the direct stride-1 path (DirectConv.h), the strided path for a stride
// above 1 (StridedConv.h: conv and conv_grad_weight always, the input
// gradient and conv_transpose for kernel == stride with padding 0), or,
// for everything else, im2col/col2im (ConvGeometry.h) plus OpenBLAS sgemm
// (f64: dgemm, same blocks and order) on blocks of output positions,
// parallel over units that own their outputs:
//   conv: (batch, column block) units, y_block = W [O, C*K] x col;
//   conv_grad_input / conv_transpose: (batch, channel c) units, each
//     summing W[:, c]^T dy_block into its channel block by block in order;
//   conv_grad_weight: channel units accumulating dw[:, c] = sum of
//     dy_block col_c^T over (batch, block) in order; with few channels
//     each channel's (batch, block) pairs are cut into a fixed number of
//     parts (from the shape) whose partial sums are added in part order.
// No two threads write one element, and every sum has a fixed order, so the
// results do not depend on the thread count.
//
//===----------------------------------------------------------------------===//
#include "runtime/kernels/cpu/nn/ConvKernels.h"
#include "runtime/core/ThreadPool.h"
#include "runtime/kernels/cpu/SignatureChecks.h"
#include "runtime/kernels/cpu/nn/ConvGemm.h"
#include "runtime/kernels/cpu/nn/ConvGeometry.h"
#include "runtime/kernels/cpu/nn/DirectConv.h"
#include "runtime/kernels/cpu/nn/StridedConv.h"
#include "runtime/support/Status.h"

#include <fmt/format.h>

#include <algorithm>

namespace shodh {

namespace {

/// Elements of one im2col block (about 1 MiB in f32, cache-sized; the same
/// count in f64, so that both precisions use the same blocks).
constexpr int64_t kColumnBudget = 1 << 18;

/// Units of conv_grad_weight to aim for when there are few input channels.
constexpr int64_t kWeightUnits = 16;

/// Which kernel a ConvKernel instance is.
enum class ConvKind { Conv, GradInput, Transpose, GradWeight };

/// How a call is computed: im2col/col2im + GEMM (any geometry), the direct
/// stride-1 path (DirectConv.h) or the strided path (StridedConv.h).
enum class ConvPath { Im2col, Direct, Strided };

/// Checks dtypes (f32 or f64, all alike) and ranks (3 to 5, all equal; bias
/// rank 1) of a call; returns the dtype.
DType checkConvOperands(const KernelSignature &sig, bool hasBias) {
  const char *names[] = {"first input", "second input", "bias"};
  size_t rank = sig.inputs[0]->shape.size();
  if (rank < 3 || rank > 5)
    throw Error(fmt::format("{}: inputs must be fields [B, C, S...] with 1 to "
                            "3 spatial axes (rank 3 to 5), got rank {}",
                            sig.where, rank));
  DType dtype = sig.inputs[0]->dtype;
  expectDType(sig, *sig.inputs[0], names[0], {DType::F32, DType::F64});
  for (size_t i = 0; i < sig.inputs.size(); ++i) {
    expectSameDType(sig, *sig.inputs[i], names[i], dtype, names[0]);
    size_t want = hasBias && i == 2 ? 1 : rank;
    if (sig.inputs[i]->shape.size() != want)
      throw Error(fmt::format("{}: {} must have rank {}, got {}", sig.where,
                              names[i], want, sig.inputs[i]->shape.size()));
  }
  expectSameDType(sig, *sig.outputs[0], "output", dtype, names[0]);
  if (sig.outputs[0]->shape.size() != rank)
    throw Error(fmt::format("{}: output must have rank {}, got {}", sig.where,
                            rank, sig.outputs[0]->shape.size()));
  return dtype;
}

/// The spatial part of `shape`.
std::vector<int64_t> spatialOf(const std::vector<int64_t> &shape) {
  return std::vector<int64_t>(shape.begin() + 2, shape.end());
}

/// [a, b, spatial...].
std::vector<int64_t> fieldShape(int64_t a, int64_t b,
                                const std::vector<int64_t> &spatial) {
  std::vector<int64_t> s{a, b};
  s.insert(s.end(), spatial.begin(), spatial.end());
  return s;
}

/// One of the four convolution kernels (see the file comment).
class ConvKernel : public Kernel {
public:
  /// Validates the call.
  ConvKernel(const KernelSignature &sig, ConvKind kind);
  /// Builds the geometry from the concrete shapes and checks them.
  void prepare(const std::vector<TensorRef> &in,
               const std::vector<TensorRef> &out, KernelContext &ctx) override;
  /// Runs the blocked im2col/col2im + gemm on the pool.
  void run(const std::vector<TensorRef> &in, const std::vector<TensorRef> &out,
           KernelContext &ctx) override;

private:
  /// `run` in the element type T (float or double) of the call.
  template <typename T>
  void runTyped(const std::vector<TensorRef> &in,
                const std::vector<TensorRef> &out, KernelContext &ctx) const;
  /// y = conv(x, w) + b over (batch, block) units [u0, u1).
  template <typename T>
  void runConv(const T *x, const T *w, const T *b, T *y, int64_t u0,
               int64_t u1) const;
  /// dx = col2im(W^T dy) + b over (batch, channel) units [u0, u1).
  template <typename T>
  void runCol2Im(const T *dy, const T *w, const T *b, T *dx, int64_t u0,
                 int64_t u1) const;
  /// Sum over pairs [p0, p1) of (batch, block) of dy_block col_c^T into
  /// `out` ([O, K] with row stride `ldOut`).
  template <typename T>
  void runGradWeight(const T *x, const T *dy, T *out, int64_t ldOut, int64_t c,
                     int64_t p0, int64_t p1) const;
  /// The call on the direct path (a: x or dy, w: w or dy, y: the output).
  template <typename T>
  void runDirect(const T *a, const T *w, const T *b, T *y,
                 KernelContext &ctx) const;
  /// The call on the strided path (operands as in runDirect).
  template <typename T>
  void runStrided(const T *a, const T *w, const T *b, T *y,
                  KernelContext &ctx) const;
  /// The fastest path that computes the call (sets flippedGeom_).
  ConvPath choosePath();
  /// dw on the pool (see the file comment).
  template <typename T>
  void gradWeight(const T *x, const T *dy, T *dw, KernelContext &ctx) const;

  std::string where_;
  ConvKind kind_;
  bool hasBias_ = false, f64_ = false;
  ConvAttrs attrs_;
  std::vector<int64_t> outputPadding_;
  ConvGeometry g_;
  /// The path of the call (see choosePath); for the direct input gradient,
  /// the geometry of its flipped correlation of dy.
  ConvPath path_ = ConvPath::Im2col;
  ConvGeometry flippedGeom_;
  int64_t cin_ = 0, cout_ = 0, block_ = 1, blocks_ = 1, parts_ = 1;
};

ConvKernel::ConvKernel(const KernelSignature &sig, ConvKind kind)
    : where_(sig.where), kind_(kind) {
  bool biased = kind == ConvKind::Conv || kind == ConvKind::Transpose;
  expectOperandCounts(sig, 2, biased ? 3 : 2, 1);
  hasBias_ = sig.inputs.size() == 3;
  f64_ = checkConvOperands(sig, hasBias_) == DType::F64;
  size_t spatial = sig.inputs[0]->shape.size() - 2;
  attrs_ = parseConvAttrs(sig, spatial, kind != ConvKind::Transpose);
  if (kind == ConvKind::Transpose) {
    outputPadding_ = intsAttr(sig, "output_padding");
    if (outputPadding_.size() != spatial)
      throw Error(fmt::format("{}: attribute 'output_padding' must have one "
                              "entry per spatial axis ({}), got {}",
                              where_, spatial, outputPadding_.size()));
    for (size_t d = 0; d < spatial; ++d)
      if (outputPadding_[d] < 0 || outputPadding_[d] >= attrs_.stride[d])
        throw Error(fmt::format("{}: output_padding[{}] = {} must be in [0, "
                                "stride[{}] = {})",
                                where_, d, outputPadding_[d], d,
                                attrs_.stride[d]));
  }
}

void ConvKernel::prepare(const std::vector<TensorRef> &in,
                         const std::vector<TensorRef> &out, KernelContext &) {
  const auto &a = in[0].shape, &w = in[1].shape, &y = out[0].shape;
  size_t spatial = a.size() - 2;
  std::vector<int64_t> want, bias;
  if (kind_ == ConvKind::Conv || kind_ == ConvKind::GradWeight) {
    // a = x [B, C, S]; the weight is w (conv) or the output dw.
    const auto &weight = kind_ == ConvKind::Conv ? w : y;
    cin_ = a[1], cout_ = weight[0];
    g_ =
        makeConvGeometry(where_, a[0], spatialOf(a), spatialOf(weight), attrs_);
    std::vector<int64_t> ys = fieldShape(a[0], cout_, outDims(g_, spatial));
    want = kind_ == ConvKind::Conv ? ys : fieldShape(cout_, cin_, spatialOf(y));
    if (kind_ == ConvKind::GradWeight)
      expectSameShape(where_, "dy", fixedDims(w), "the convolution output",
                      fixedDims(ys));
    if (weight[1] != cin_)
      throw Error(fmt::format("{}: weight has {} input channels but x has {}",
                              where_, weight[1], cin_));
  } else {
    // a = dy (or the transpose's x) [B, O, S'] is the conv output; the
    // result [B, C, S] the conv input, w [O, C, K] in both layouts.
    cout_ = w[0], cin_ = w[1];
    g_ = makeConvGeometry(where_, a[0], spatialOf(y), spatialOf(w), attrs_);
    std::vector<int64_t> conv = outDims(g_, spatial);
    if (kind_ == ConvKind::Transpose)
      for (size_t d = 0; d < spatial; ++d)
        conv[d] = (a[2 + d] - 1) * attrs_.stride[d] - 2 * attrs_.padding[d] +
                  w[2 + d] + outputPadding_[d];
    want = fieldShape(a[0], cin_,
                      kind_ == ConvKind::Transpose ? conv : spatialOf(y));
    if (kind_ != ConvKind::Transpose)
      expectSameShape(where_, "dy", fixedDims(a), "the convolution output",
                      fixedDims(fieldShape(a[0], cout_, conv)));
    else if (a[1] != cout_)
      throw Error(fmt::format("{}: weight has {} input channels but x has {}",
                              where_, cout_, a[1]));
  }
  expectSameShape(where_, "output", fixedDims(y), "expected", fixedDims(want));
  if (hasBias_) {
    int64_t channels = kind_ == ConvKind::Conv ? cout_ : cin_;
    expectSameShape(where_, "bias", fixedDims(in[2].shape), "[channels]",
                    {Dim::fixed(channels)});
  }
  path_ = choosePath();
  int64_t rows = (kind_ == ConvKind::Conv ? cin_ : 1) * g_.kernelSize();
  block_ = convColumnBlock(rows, g_.outSize(), kColumnBudget);
  blocks_ = (g_.outSize() + block_ - 1) / block_;
  // conv_grad_weight: split each channel's (batch, block) pairs so that
  // there are about kWeightUnits units when C is small (a function of the
  // shape only, so the summation order does not depend on the pool).
  parts_ = std::clamp<int64_t>(kWeightUnits / std::max<int64_t>(cin_, 1), 1,
                               std::max<int64_t>(g_.batch * blocks_, 1));
  for (int64_t d : {cin_ * g_.kernelSize(), g_.outSize(), cout_, g_.inSize()})
    checkBlasDim(where_, d);
}

ConvPath ConvKernel::choosePath() {
  switch (kind_) {
  case ConvKind::Conv:
    if (directConvApplies(g_, cout_))
      return ConvPath::Direct;
    return stridedConvApplies(g_) ? ConvPath::Strided : ConvPath::Im2col;
  case ConvKind::GradWeight:
    if (directConvApplies(g_, cout_))
      return ConvPath::Direct;
    return stridedGradWeightApplies(g_, cin_, cout_) ? ConvPath::Strided
                                                     : ConvPath::Im2col;
  case ConvKind::GradInput:
    if (flippedGeometry(g_, flippedGeom_) &&
        directConvApplies(flippedGeom_, cin_))
      return ConvPath::Direct;
    [[fallthrough]];
  case ConvKind::Transpose:
    return patchConvApplies(g_) ? ConvPath::Strided : ConvPath::Im2col;
  }
  return ConvPath::Im2col;
}

template <typename T>
void ConvKernel::runConv(const T *x, const T *w, const T *b, T *y, int64_t u0,
                         int64_t u1) const {
  int64_t kp = g_.kernelSize(), rows = cin_ * kp, os = g_.outSize();
  std::vector<T> col(size_t(rows * block_));
  for (int64_t u = u0; u < u1; ++u) {
    int64_t n = u / blocks_, j0 = (u % blocks_) * block_;
    int64_t cols = std::min(block_, os - j0);
    for (int64_t c = 0; c < cin_; ++c)
      im2col(g_, x + (n * cin_ + c) * g_.inSize(), j0, cols,
             col.data() + c * kp * cols);
    T *yb = y + n * cout_ * os + j0;
    for (int64_t o = 0; b && o < cout_; ++o)
      std::fill(yb + o * os, yb + o * os + cols, b[o]);
    gemm<T>(CblasNoTrans, CblasNoTrans, cout_, cols, rows, w, rows, col.data(),
            cols, b ? T(1) : T(0), yb, os);
  }
}

template <typename T>
void ConvKernel::runCol2Im(const T *dy, const T *w, const T *b, T *dx,
                           int64_t u0, int64_t u1) const {
  int64_t kp = g_.kernelSize(), os = g_.outSize(), is = g_.inSize();
  std::vector<T> col(size_t(kp * block_));
  for (int64_t u = u0; u < u1; ++u) {
    int64_t n = u / cin_, c = u % cin_;
    T *channel = dx + u * is;
    std::fill(channel, channel + is, b ? b[c] : T(0));
    for (int64_t j0 = 0; j0 < os; j0 += block_) {
      int64_t cols = std::min(block_, os - j0);
      gemm<T>(CblasTrans, CblasNoTrans, kp, cols, cout_, w + c * kp, cin_ * kp,
              dy + n * cout_ * os + j0, os, T(0), col.data(), cols);
      col2im(g_, col.data(), j0, cols, channel);
    }
  }
}

template <typename T>
void ConvKernel::runGradWeight(const T *x, const T *dy, T *out, int64_t ldOut,
                               int64_t c, int64_t p0, int64_t p1) const {
  int64_t kp = g_.kernelSize(), os = g_.outSize(), is = g_.inSize();
  std::vector<T> col(size_t(kp * block_));
  bool first = true;
  for (int64_t pair = p0; pair < p1; ++pair, first = false) {
    int64_t n = pair / blocks_, j0 = (pair % blocks_) * block_;
    int64_t cols = std::min(block_, os - j0);
    im2col(g_, x + (n * cin_ + c) * is, j0, cols, col.data());
    gemm<T>(CblasNoTrans, CblasTrans, cout_, kp, cols, dy + n * cout_ * os + j0,
            os, col.data(), cols, first ? T(0) : T(1), out, ldOut);
  }
  if (first) // an empty range: the sum is 0
    for (int64_t o = 0; o < cout_; ++o)
      std::fill(out + o * ldOut, out + o * ldOut + kp, T(0));
}

template <typename T>
void ConvKernel::gradWeight(const T *x, const T *dy, T *dw,
                            KernelContext &ctx) const {
  int64_t kp = g_.kernelSize(), pairs = g_.batch * blocks_;
  if (parts_ == 1) { // one unit per channel, straight into dw[:, c]
    parallelFor(ctx.pool, cin_, 1, [&](int64_t c0, int64_t c1) {
      for (int64_t c = c0; c < c1; ++c)
        runGradWeight(x, dy, dw + c * kp, cin_ * kp, c, 0, pairs);
    });
    return;
  }
  // (channel, part of the (batch, block) pairs) units write partial sums,
  // added per channel in part order.
  std::vector<T> partial(size_t(cin_ * parts_ * cout_ * kp));
  parallelFor(ctx.pool, cin_ * parts_, 1, [&](int64_t u0, int64_t u1) {
    for (int64_t u = u0; u < u1; ++u) {
      int64_t c = u / parts_, part = u % parts_;
      runGradWeight(x, dy, partial.data() + u * cout_ * kp, kp, c,
                    part * pairs / parts_, (part + 1) * pairs / parts_);
    }
  });
  parallelFor(ctx.pool, cin_, 1, [&](int64_t c0, int64_t c1) {
    for (int64_t c = c0; c < c1; ++c)
      for (int64_t o = 0; o < cout_; ++o) {
        T *row = dw + (o * cin_ + c) * kp;
        const T *first = partial.data() + (c * parts_ * cout_ + o) * kp;
        std::copy(first, first + kp, row);
        for (int64_t part = 1; part < parts_; ++part)
          for (int64_t k = 0; k < kp; ++k)
            row[k] += first[part * cout_ * kp + k];
      }
  });
}

template <typename T>
void ConvKernel::runDirect(const T *a, const T *w, const T *b, T *y,
                           KernelContext &ctx) const {
  if (kind_ == ConvKind::Conv) {
    directConv(g_, cin_, cout_, a, w, b, y, ctx.pool);
  } else if (kind_ == ConvKind::GradWeight) {
    directConvGradWeight(g_, cin_, cout_, a, w, y, ctx.pool);
  } else { // the input gradient: dy correlated with flipped w
    std::vector<T> flipped(size_t(cout_ * cin_ * g_.kernelSize()));
    flipWeight(w, flipped.data(), cout_, cin_, g_);
    directConv(flippedGeom_, cout_, cin_, a, flipped.data(), b, y, ctx.pool);
  }
}

template <typename T>
void ConvKernel::runStrided(const T *a, const T *w, const T *b, T *y,
                            KernelContext &ctx) const {
  if (kind_ == ConvKind::Conv)
    stridedConv(g_, cin_, cout_, a, w, b, y, ctx.pool);
  else if (kind_ == ConvKind::GradWeight)
    stridedConvGradWeight(g_, cin_, cout_, a, w, y, ctx.pool);
  else // the input gradient or transpose of patch geometry
    patchConvGradInput(g_, cin_, cout_, a, w, b, y, ctx.pool);
}

template <typename T>
void ConvKernel::runTyped(const std::vector<TensorRef> &in,
                          const std::vector<TensorRef> &out,
                          KernelContext &ctx) const {
  const T *a = in[0].as<T>(), *w = in[1].as<T>();
  const T *b = hasBias_ ? in[2].as<T>() : nullptr;
  T *y = out[0].as<T>();
  if (out[0].numel() == 0)
    return;
  if (kind_ == ConvKind::Conv && cin_ == 0) { // an empty sum: y = b (or 0)
    int64_t os = g_.outSize();
    for (int64_t i = 0; i < out[0].numel(); ++i)
      y[i] = b ? b[(i / os) % cout_] : T(0);
    return;
  }
  if (path_ == ConvPath::Direct) {
    runDirect(a, w, b, y, ctx);
  } else if (path_ == ConvPath::Strided) {
    runStrided(a, w, b, y, ctx);
  } else if (kind_ == ConvKind::GradWeight) {
    gradWeight(a, w, y, ctx);
  } else if (kind_ == ConvKind::Conv) {
    parallelFor(ctx.pool, g_.batch * blocks_, 1,
                [&](int64_t u0, int64_t u1) { runConv(a, w, b, y, u0, u1); });
  } else {
    parallelFor(ctx.pool, g_.batch * cin_, 1,
                [&](int64_t u0, int64_t u1) { runCol2Im(a, w, b, y, u0, u1); });
  }
}

void ConvKernel::run(const std::vector<TensorRef> &in,
                     const std::vector<TensorRef> &out, KernelContext &ctx) {
  if (f64_)
    runTyped<double>(in, out, ctx);
  else
    runTyped<float>(in, out, ctx);
}

} // namespace

std::unique_ptr<Kernel> makeConvKernel(const KernelSignature &sig) {
  return std::make_unique<ConvKernel>(sig, ConvKind::Conv);
}

std::unique_ptr<Kernel> makeConvGradInputKernel(const KernelSignature &sig) {
  return std::make_unique<ConvKernel>(sig, ConvKind::GradInput);
}

std::unique_ptr<Kernel> makeConvTransposeKernel(const KernelSignature &sig) {
  return std::make_unique<ConvKernel>(sig, ConvKind::Transpose);
}

std::unique_ptr<Kernel> makeConvGradWeightKernel(const KernelSignature &sig) {
  return std::make_unique<ConvKernel>(sig, ConvKind::GradWeight);
}

} // namespace shodh
