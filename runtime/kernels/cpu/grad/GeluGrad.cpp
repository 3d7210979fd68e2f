//===- GeluGrad.cpp - The CPU "gelu_grad" kernel --------------------------===//
//
// Elementwise over chunks of at least kGeluGradGrain elements; see GeluGrad.h.
//
//===----------------------------------------------------------------------===//
#include "runtime/kernels/cpu/grad/GeluGrad.h"
#include "runtime/core/ThreadPool.h"
#include "runtime/kernels/cpu/ElementwiseMath.h"
#include "runtime/kernels/cpu/Gelu.h"
#include "runtime/kernels/cpu/SignatureChecks.h"
#include "runtime/support/Status.h"

#include <fmt/format.h>

#include <cmath>
#include <type_traits>

namespace shodh {

namespace {

/// Smallest number of elements worth a chunk of its own.
constexpr int64_t kGeluGradGrain = 16384;

/// dx = dy * GELU'(x) for the exact GELU, over `n` values of type T.
template <typename T>
void geluGradExact(const T *x, const T *dy, T *dx, int64_t n) {
  const T alpha = T(0.70710678118654752440); // 1/sqrt(2)
  const T beta = T(0.39894228040143267794);  // 1/sqrt(2 pi)
  for (int64_t i = 0; i < n; ++i) {
    T v = x[i];
    T cdf = T(0.5) * (T(1) + std::erf(v * alpha));
    T pdf = beta * std::exp(v * v * T(-0.5));
    dx[i] = dy[i] * (cdf + v * pdf);
  }
}

/// dx = dy * GELU'(x) for the tanh approximation, over `n` values of type T.
template <typename T>
void geluGradTanh(const T *x, const T *dy, T *dx, int64_t n) {
  const T beta = T(0.79788456080286535588), kappa = T(0.044715); // sqrt(2/pi)
  for (int64_t i = 0; i < n; ++i) {
    T v = x[i], sq = v * v, cube = sq * v;
    T t = std::tanh(beta * (v + kappa * cube));
    T left = T(0.5) * v, right = T(1) + t;
    T leftDerivative = T(0.5) * right;
    T tanhDerivative = T(1) - t * t;
    T innerDerivative = beta * (T(1) + T(3) * kappa * sq);
    T rightDerivative = left * tanhDerivative * innerDerivative;
    dx[i] = dy[i] * (leftDerivative + rightDerivative);
  }
}

/// The gelu_grad kernel.
class GeluGradKernel : public Kernel {
public:
  /// Validates operands and the `approximate` attribute.
  explicit GeluGradKernel(const KernelSignature &sig) : where_(sig.where) {
    expectOperandCounts(sig, 2, 2, 1);
    const TensorDesc &x = *sig.inputs[0];
    expectDType(sig, x, "x", {DType::F32, DType::F64});
    expectSameDType(sig, *sig.inputs[1], "dy", x.dtype, "x");
    expectSameDType(sig, *sig.outputs[0], "output", x.dtype, "x");
    expectSameShape(where_, "dy", sig.inputs[1]->shape, "x", x.shape);
    expectSameShape(where_, "output", sig.outputs[0]->shape, "x", x.shape);
    tanh_ = geluUsesTanh(sig);
    dtype_ = x.dtype;
  }

  /// Re-checks the concrete shapes.
  void prepare(const std::vector<TensorRef> &in,
               const std::vector<TensorRef> &out, KernelContext &) override {
    expectSameShape(where_, "dy", fixedDims(in[1].shape), "x",
                    fixedDims(in[0].shape));
    expectSameShape(where_, "output", fixedDims(out[0].shape), "x",
                    fixedDims(in[0].shape));
  }

  /// Applies the derivative in parallel chunks.
  void run(const std::vector<TensorRef> &in, const std::vector<TensorRef> &out,
           KernelContext &ctx) override {
    if (dtype_ == DType::F32)
      apply<float>(in, out[0], ctx);
    else
      apply<double>(in, out[0], ctx);
  }

private:
  /// Runs the chosen formula on elements of type T.
  template <typename T>
  void apply(const std::vector<TensorRef> &in, const TensorRef &dx,
             KernelContext &ctx) {
    const T *xp = in[0].as<T>(), *dyp = in[1].as<T>();
    T *dxp = dx.as<T>();
    parallelFor(ctx.pool, dx.numel(), kGeluGradGrain,
                [&](int64_t b, int64_t e) {
                  if constexpr (std::is_same_v<T, float>)
                    geluGradF32(xp + b, dyp + b, dxp + b, e - b, tanh_);
                  else
                    tanh_ ? geluGradTanh(xp + b, dyp + b, dxp + b, e - b)
                          : geluGradExact(xp + b, dyp + b, dxp + b, e - b);
                });
  }

  std::string where_;
  bool tanh_ = false;
  DType dtype_ = DType::F32;
};

} // namespace

std::unique_ptr<Kernel> makeGeluGradKernel(const KernelSignature &sig) {
  return std::make_unique<GeluGradKernel>(sig);
}

} // namespace shodh
