//===- Gelu.cpp - The CPU "gelu" kernel -----------------------------------===//
//
// Elementwise, so any partition of the elements gives identical results; the
// loop is split over the pool in chunks of at least kGeluGrain elements.
//
//===----------------------------------------------------------------------===//
#include "runtime/kernels/cpu/Gelu.h"
#include "runtime/kernels/cpu/ElementwiseMath.h"
#include "runtime/core/ThreadPool.h"
#include "runtime/kernels/cpu/SignatureChecks.h"
#include "runtime/support/Status.h"

#include <fmt/format.h>

#include <cmath>
#include <type_traits>

namespace shodh {

namespace {

/// Smallest number of elements worth a chunk of its own.
constexpr int64_t kGeluGrain = 16384;

/// Exact GELU of `n` values of type T (libm; float uses ElementwiseMath).
template <typename T> void geluExact(const T *x, T *y, int64_t n) {
  const T invSqrt2 = T(0.70710678118654752440);
  for (int64_t i = 0; i < n; ++i)
    y[i] = x[i] * T(0.5) * (T(1) + std::erf(x[i] * invSqrt2));
}

/// Tanh-approximated GELU of `n` values of type T.
template <typename T> void geluTanh(const T *x, T *y, int64_t n) {
  const T beta = T(0.79788456080286535588), kappa = T(0.044715); // sqrt(2/pi)
  for (int64_t i = 0; i < n; ++i) {
    T v = x[i];
    y[i] = T(0.5) * v * (T(1) + std::tanh(beta * (v + kappa * v * v * v)));
  }
}

/// The gelu kernel.
class GeluKernel : public Kernel {
public:
  /// Validates operands and the `approximate` attribute.
  explicit GeluKernel(const KernelSignature &sig) : where_(sig.where) {
    expectOperandCounts(sig, 1, 1, 1);
    expectDType(sig, *sig.inputs[0], "x", {DType::F32, DType::F64});
    expectSameDType(sig, *sig.outputs[0], "output", sig.inputs[0]->dtype, "x");
    expectSameShape(where_, "output", sig.outputs[0]->shape, "x",
                    sig.inputs[0]->shape);
    tanh_ = geluUsesTanh(sig);
    dtype_ = sig.inputs[0]->dtype;
  }

  /// Re-checks the concrete shapes.
  void prepare(const std::vector<TensorRef> &in,
               const std::vector<TensorRef> &out, KernelContext &) override {
    expectSameShape(where_, "output", fixedDims(out[0].shape), "x",
                    fixedDims(in[0].shape));
  }

  /// Applies GELU in parallel chunks.
  void run(const std::vector<TensorRef> &in, const std::vector<TensorRef> &out,
           KernelContext &ctx) override {
    if (dtype_ == DType::F32)
      apply<float>(in[0], out[0], ctx);
    else
      apply<double>(in[0], out[0], ctx);
  }

private:
  /// Runs the chosen formula on elements of type T.
  template <typename T>
  void apply(const TensorRef &x, const TensorRef &y, KernelContext &ctx) {
    const T *xp = x.as<T>();
    T *yp = y.as<T>();
    parallelFor(ctx.pool, x.numel(), kGeluGrain, [&](int64_t b, int64_t e) {
      if constexpr (std::is_same_v<T, float>)
        geluF32(xp + b, yp + b, e - b, tanh_);
      else
        tanh_ ? geluTanh(xp + b, yp + b, e - b)
              : geluExact(xp + b, yp + b, e - b);
    });
  }

  std::string where_;
  bool tanh_ = false;
  DType dtype_ = DType::F32;
};

} // namespace

bool geluUsesTanh(const KernelSignature &sig) {
  std::string mode = stringAttr(sig, "approximate", "none");
  if (mode != "none" && mode != "tanh")
    throw Error(fmt::format(
        "{}: attribute 'approximate' must be \"none\" or \"tanh\", got \"{}\"",
        sig.where, mode));
  return mode == "tanh";
}

std::unique_ptr<Kernel> makeGeluKernel(const KernelSignature &sig) {
  return std::make_unique<GeluKernel>(sig);
}

} // namespace shodh
