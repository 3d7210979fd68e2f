//===- ElementwiseMath.cpp - Vectorised float loops for activations -------===//
//
// Compiled with -fno-trapping-math (runtime/core/CMakeLists.txt) so gcc may
// evaluate both sides of the selects in VecMath.h and vectorise the loops;
// SHODH_VECTOR_CLONES adds AVX2+FMA and AVX-512 versions on x86-64.
//
//===----------------------------------------------------------------------===//
#include "runtime/kernels/cpu/ElementwiseMath.h"
#include "runtime/kernels/cpu/VecMath.h"
#include "runtime/kernels/cpu/VectorClones.h"


namespace shodh {

namespace vm = vecmath;

namespace {

constexpr float kSqrt2OverPi = 0.79788456080286535588f;
constexpr float kKappa = 0.044715f;

/// The formulas every loop below shares (inlined into each instruction-set
/// clone), so the forward, the gradient and their fused and two-pass forms
/// round alike and agree bit for bit.

/// GELU'(v) for the exact form from Phi(v): Phi(v) + v phi(v).
SHODH_INLINE_BODY float geluDerivativeFromCdf(float v, float cdf) {
  return cdf + v * vm::normalPdf(v);
}

/// The tanh form's t = tanh(sqrt(2 / pi) (v + kappa v^3)).
SHODH_INLINE_BODY float geluTanhT(float v) {
  return vm::tanh(kSqrt2OverPi * (v + kKappa * v * v * v));
}

/// The tanh form's GELU(v) from its t.
SHODH_INLINE_BODY float geluTanhFromT(float v, float t) { return 0.5f * v * (1.0f + t); }

/// The tanh form's GELU'(v) from its t.
SHODH_INLINE_BODY float geluTanhDerivativeFromT(float v, float t) {
  float inner = kSqrt2OverPi * (1.0f + 3.0f * kKappa * (v * v));
  return 0.5f * (1.0f + t) + 0.5f * v * (1.0f - t * t) * inner;
}

SHODH_VECTOR_CLONES
void geluExactLoop(const float *x, float *y, int64_t n) {
  for (int64_t i = 0; i < n; ++i)
    y[i] = x[i] * vm::normalCdf(x[i]);
}

SHODH_VECTOR_CLONES
void geluTanhLoop(const float *x, float *y, int64_t n) {
  for (int64_t i = 0; i < n; ++i)
    y[i] = geluTanhFromT(x[i], geluTanhT(x[i]));
}

SHODH_VECTOR_CLONES
void geluGradExactLoop(const float *x, const float *dy, float *dx, int64_t n) {
  for (int64_t i = 0; i < n; ++i)
    dx[i] = dy[i] * geluDerivativeFromCdf(x[i], vm::normalCdf(x[i]));
}

SHODH_VECTOR_CLONES
void geluGradTanhLoop(const float *x, const float *dy, float *dx, int64_t n) {
  for (int64_t i = 0; i < n; ++i)
    dx[i] = dy[i] * geluTanhDerivativeFromT(x[i], geluTanhT(x[i]));
}

SHODH_VECTOR_CLONES
void geluWithGradExactLoop(const float *x, const float *dy, float *y,
                           float *dx, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    float v = x[i], cdf = vm::normalCdf(v);
    y[i] = v * cdf;
    dx[i] = dy[i] * geluDerivativeFromCdf(v, cdf);
  }
}

SHODH_VECTOR_CLONES
void geluWithGradTanhLoop(const float *x, const float *dy, float *y, float *dx,
                          int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    float v = x[i], t = geluTanhT(v);
    y[i] = geluTanhFromT(v, t);
    dx[i] = dy[i] * geluTanhDerivativeFromT(v, t);
  }
}

SHODH_VECTOR_CLONES
void geluSavingExactLoop(const float *x, float *y, float *cdf, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    float v = x[i], c = vm::normalCdf(v);
    cdf[i] = c;
    y[i] = v * c;
  }
}

SHODH_VECTOR_CLONES
void geluGradFromCdfLoop(const float *x, const float *cdf, const float *dy, float *dx,
                         int64_t n) {
  for (int64_t i = 0; i < n; ++i)
    dx[i] = dy[i] * geluDerivativeFromCdf(x[i], cdf[i]);
}

SHODH_VECTOR_CLONES
void geluSavingTanhLoop(const float *x, float *y, float *tanhOut, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    float v = x[i], t = geluTanhT(v);
    tanhOut[i] = t;
    y[i] = geluTanhFromT(v, t);
  }
}

SHODH_VECTOR_CLONES
void geluGradFromTanhLoop(const float *x, const float *tanhIn, const float *dy, float *dx,
                          int64_t n) {
  for (int64_t i = 0; i < n; ++i)
    dx[i] = dy[i] * geluTanhDerivativeFromT(x[i], tanhIn[i]);
}

SHODH_VECTOR_CLONES
void geluWithDerivativeExactLoop(const float *x, float *y, float *d,
                                 int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    float v = x[i], cdf = vm::normalCdf(v);
    y[i] = v * cdf;
    d[i] = geluDerivativeFromCdf(v, cdf);
  }
}

SHODH_VECTOR_CLONES
void geluWithDerivativeTanhLoop(const float *x, float *y, float *d, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    float v = x[i], t = geluTanhT(v);
    y[i] = geluTanhFromT(v, t);
    d[i] = geluTanhDerivativeFromT(v, t);
  }
}

SHODH_VECTOR_CLONES
void multiplyInPlaceLoop(const float *__restrict a, float *__restrict g,
                         int64_t n) {
  for (int64_t i = 0; i < n; ++i)
    g[i] = g[i] * a[i];
}

SHODH_VECTOR_CLONES
void geluGradFromCdfScaledLoop(const float *x, const float *cdf, float s,
                               const float *dy, float *dx, int64_t n) {
  for (int64_t i = 0; i < n; ++i)
    dx[i] = (s * dy[i]) * geluDerivativeFromCdf(x[i], cdf[i]);
}

SHODH_VECTOR_CLONES
void geluGradFromTanhScaledLoop(const float *x, const float *tanhIn, float s,
                                const float *dy, float *dx, int64_t n) {
  for (int64_t i = 0; i < n; ++i)
    dx[i] = (s * dy[i]) * geluTanhDerivativeFromT(x[i], tanhIn[i]);
}

} // namespace

void geluWithDerivativeF32(const float *x, float *y, float *d, int64_t n,
                           bool tanhApprox) {
  tanhApprox ? geluWithDerivativeTanhLoop(x, y, d, n)
             : geluWithDerivativeExactLoop(x, y, d, n);
}

void multiplyInPlaceF32(const float *a, float *g, int64_t n) {
  multiplyInPlaceLoop(a, g, n);
}

void geluGradFromSavedScaledF32(const float *x, const float *saved, float s,
                                const float *dy, float *dx, int64_t n,
                                bool tanhApprox) {
  tanhApprox ? geluGradFromTanhScaledLoop(x, saved, s, dy, dx, n)
             : geluGradFromCdfScaledLoop(x, saved, s, dy, dx, n);
}

void geluSavingF32(const float *x, float *y, float *saved, int64_t n, bool tanhApprox) {
  tanhApprox ? geluSavingTanhLoop(x, y, saved, n) : geluSavingExactLoop(x, y, saved, n);
}

void geluGradFromSavedF32(const float *x, const float *saved, const float *dy, float *dx,
                          int64_t n, bool tanhApprox) {
  tanhApprox ? geluGradFromTanhLoop(x, saved, dy, dx, n)
             : geluGradFromCdfLoop(x, saved, dy, dx, n);
}

void geluWithGradF32(const float *x, const float *dy, float *y, float *dx,
                     int64_t n, bool tanhApprox) {
  tanhApprox ? geluWithGradTanhLoop(x, dy, y, dx, n)
             : geluWithGradExactLoop(x, dy, y, dx, n);
}

void geluF32(const float *x, float *y, int64_t n, bool tanhApprox) {
  tanhApprox ? geluTanhLoop(x, y, n) : geluExactLoop(x, y, n);
}

void geluGradF32(const float *x, const float *dy, float *dx, int64_t n,
                 bool tanhApprox) {
  tanhApprox ? geluGradTanhLoop(x, dy, dx, n) : geluGradExactLoop(x, dy, dx, n);
}

} // namespace shodh
