//===- Elementwise.cpp - The CPU "add", "mul" and "copy" kernels ----------===//
//
// Each output element depends on the same input elements only, so results do
// not depend on how the pool splits the loop (chunks of >= kElementGrain).
//
//===----------------------------------------------------------------------===//
#include "runtime/kernels/cpu/Elementwise.h"
#include "runtime/core/ThreadPool.h"
#include "runtime/kernels/cpu/SignatureChecks.h"
#include "runtime/support/Status.h"

#include <cstring>
#include <functional>

namespace shodh {

namespace {

/// Smallest number of elements worth a chunk of its own.
constexpr int64_t kElementGrain = 32768;

/// Which binary operation a kernel computes.
enum class BinaryOp { Add, Mul };

/// y = a (op) b over [begin, end).
template <typename T>
void binaryLoop(BinaryOp op, const T *a, const T *b, T *y, int64_t begin,
                int64_t end) {
  if (op == BinaryOp::Add)
    for (int64_t i = begin; i < end; ++i)
      y[i] = a[i] + b[i];
  else
    for (int64_t i = begin; i < end; ++i)
      y[i] = a[i] * b[i];
}

/// add / mul of two tensors of one shape.
class BinaryKernel : public Kernel {
public:
  /// Validates operand counts, dtypes and shapes.
  BinaryKernel(const KernelSignature &sig, BinaryOp op)
      : where_(sig.where), op_(op) {
    expectOperandCounts(sig, 2, 2, 1);
    const TensorDesc &a = *sig.inputs[0], &b = *sig.inputs[1],
                     &y = *sig.outputs[0];
    expectDType(sig, a, "a", {DType::F32, DType::F64});
    expectSameDType(sig, b, "b", a.dtype, "a");
    expectSameDType(sig, y, "output", a.dtype, "a");
    expectSameShape(where_, "b", b.shape, "a", a.shape);
    expectSameShape(where_, "output", y.shape, "a", a.shape);
    dtype_ = a.dtype;
  }

  /// Re-checks the concrete shapes.
  void prepare(const std::vector<TensorRef> &in,
               const std::vector<TensorRef> &out, KernelContext &) override {
    expectSameShape(where_, "b", fixedDims(in[1].shape), "a",
                    fixedDims(in[0].shape));
    expectSameShape(where_, "output", fixedDims(out[0].shape), "a",
                    fixedDims(in[0].shape));
  }

  /// Computes the operation in parallel chunks.
  void run(const std::vector<TensorRef> &in, const std::vector<TensorRef> &out,
           KernelContext &ctx) override {
    if (dtype_ == DType::F32)
      apply<float>(in, out[0], ctx);
    else
      apply<double>(in, out[0], ctx);
  }

private:
  /// Runs the loop on elements of type T.
  template <typename T>
  void apply(const std::vector<TensorRef> &in, const TensorRef &y,
             KernelContext &ctx) const {
    const T *a = in[0].as<T>(), *b = in[1].as<T>();
    T *yp = y.as<T>();
    parallelFor(
        ctx.pool, y.numel(), kElementGrain,
        [&](int64_t lo, int64_t hi) { binaryLoop(op_, a, b, yp, lo, hi); });
  }

  std::string where_;
  BinaryOp op_;
  DType dtype_ = DType::F32;
};

/// copy: y = x, bytewise.
class CopyKernel : public Kernel {
public:
  /// Validates operand counts, dtypes and shapes.
  explicit CopyKernel(const KernelSignature &sig) : where_(sig.where) {
    expectOperandCounts(sig, 1, 1, 1);
    const TensorDesc &x = *sig.inputs[0], &y = *sig.outputs[0];
    expectSameDType(sig, y, "output", x.dtype, "x");
    expectSameShape(where_, "output", y.shape, "x", x.shape);
  }

  /// Re-checks the concrete shapes.
  void prepare(const std::vector<TensorRef> &in,
               const std::vector<TensorRef> &out, KernelContext &) override {
    expectSameShape(where_, "output", fixedDims(out[0].shape), "x",
                    fixedDims(in[0].shape));
  }

  /// Copies in parallel chunks of elements.
  void run(const std::vector<TensorRef> &in, const std::vector<TensorRef> &out,
           KernelContext &ctx) override {
    const auto *x = static_cast<const uint8_t *>(in[0].data);
    auto *y = static_cast<uint8_t *>(out[0].data);
    size_t elem = dtypeSize(in[0].dtype);
    parallelFor(ctx.pool, in[0].numel(), kElementGrain,
                [&](int64_t lo, int64_t hi) {
                  std::memcpy(y + lo * elem, x + lo * elem,
                              static_cast<size_t>(hi - lo) * elem);
                });
  }

private:
  std::string where_;
};

} // namespace

std::unique_ptr<Kernel> makeAddKernel(const KernelSignature &sig) {
  return std::make_unique<BinaryKernel>(sig, BinaryOp::Add);
}

std::unique_ptr<Kernel> makeMulKernel(const KernelSignature &sig) {
  return std::make_unique<BinaryKernel>(sig, BinaryOp::Mul);
}

std::unique_ptr<Kernel> makeCopyKernel(const KernelSignature &sig) {
  return std::make_unique<CopyKernel>(sig);
}

} // namespace shodh
