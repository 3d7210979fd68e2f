//===- Elementwise.cu - add, mul, gelu and gelu_grad on the device --------===//
//
// One thread per element over a grid-stride loop: each output depends only
// on its own inputs, so results never depend on the launch shape. The GELU
// formulas follow the CPU kernels' operation order (Gelu.h, GeluGrad.h) with
// CUDA's erf/tanh/exp, which may differ from glibc's by an ulp or two.
//
//===----------------------------------------------------------------------===//
#include "runtime/kernels/cuda/Common.cuh"
#include "runtime/kernels/cuda/Launch.h"

namespace shodh::cuda {

namespace {

template <typename T>
__global__ void binaryKernel(bool add, const T *a, const T *b, T *y,
                             int64_t n) {
  for (int64_t i = gridStart(); i < n; i += gridStride())
    y[i] = add ? a[i] + b[i] : a[i] * b[i];
}

template <typename T>
__global__ void geluKernel(bool tanhMode, const T *x, T *y, int64_t n) {
  const T invSqrt2 = T(0.70710678118654752440);
  const T beta = T(0.79788456080286535588), kappa = T(0.044715);
  for (int64_t i = gridStart(); i < n; i += gridStride()) {
    T v = x[i];
    y[i] = tanhMode ? T(0.5) * v * (T(1) + tanh(beta * (v + kappa * v * v * v)))
                    : v * T(0.5) * (T(1) + erf(v * invSqrt2));
  }
}

template <typename T>
__global__ void geluGradKernel(bool tanhMode, const T *x, const T *dy, T *dx,
                               int64_t n) {
  const T invSqrt2 = T(0.70710678118654752440);
  const T invSqrt2Pi = T(0.39894228040143267794);
  const T beta = T(0.79788456080286535588), kappa = T(0.044715);
  for (int64_t i = gridStart(); i < n; i += gridStride()) {
    T v = x[i], g = dy ? dy[i] : T(1); // no dy: GELU' itself
    if (tanhMode) {
      T v2 = v * v;
      T cube = v2 * v;
      T inner = beta * (v + kappa * cube);
      T t = tanh(inner);
      T left = T(0.5) * v, right = T(1) + t;
      T leftD = T(0.5) * right;
      T tanhD = T(1) - t * t;
      T innerD = beta * (T(1) + T(3) * kappa * v2);
      T rightD = left * tanhD * innerD;
      dx[i] = g * (leftD + rightD);
    } else {
      T cdf = T(0.5) * (T(1) + erf(v * invSqrt2));
      T pdf = invSqrt2Pi * exp(v * v * T(-0.5));
      dx[i] = g * (cdf + v * pdf);
    }
  }
}

} // namespace

void launchBinary(bool add, bool f64, const void *a, const void *b, void *y,
                  int64_t n, Stream s) {
  if (n == 0)
    return;
  auto st = static_cast<cudaStream_t>(s);
  if (f64)
    SHODH_LAUNCH(binaryKernel, blocksFor(n), kThreads, st, add,
                 static_cast<const double *>(a), static_cast<const double *>(b),
                 static_cast<double *>(y), n);
  else
    SHODH_LAUNCH(binaryKernel, blocksFor(n), kThreads, st, add,
                 static_cast<const float *>(a), static_cast<const float *>(b),
                 static_cast<float *>(y), n);
}

void launchGelu(bool tanhMode, bool f64, const void *x, void *y, int64_t n,
                Stream s) {
  if (n == 0)
    return;
  auto st = static_cast<cudaStream_t>(s);
  if (f64)
    SHODH_LAUNCH(geluKernel, blocksFor(n), kThreads, st, tanhMode,
                 static_cast<const double *>(x), static_cast<double *>(y), n);
  else
    SHODH_LAUNCH(geluKernel, blocksFor(n), kThreads, st, tanhMode,
                 static_cast<const float *>(x), static_cast<float *>(y), n);
}

void launchGeluGrad(bool tanhMode, bool f64, const void *x, const void *dy,
                    void *dx, int64_t n, Stream s) {
  if (n == 0)
    return;
  auto st = static_cast<cudaStream_t>(s);
  if (f64)
    SHODH_LAUNCH(geluGradKernel, blocksFor(n), kThreads, st, tanhMode,
                 static_cast<const double *>(x),
                 static_cast<const double *>(dy), static_cast<double *>(dx), n);
  else
    SHODH_LAUNCH(geluGradKernel, blocksFor(n), kThreads, st, tanhMode,
                 static_cast<const float *>(x), static_cast<const float *>(dy),
                 static_cast<float *>(dx), n);
}

} // namespace shodh::cuda
