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

/// GELU'(v) for the exact form: Phi(v) + v phi(v).
inline float geluDerivative(float v) {
  return vm::normalCdf(v) + v * vm::normalPdf(v);
}

/// GELU'(v) for the tanh form; t rounded as geluTanhLoop rounds it, so
/// geluGradF32 and geluWithGradF32 agree bit for bit.
inline float geluTanhDerivative(float v) {
  float sq = v * v;
  float t = vm::tanh(kSqrt2OverPi * (v + kKappa * v * v * v));
  float inner = kSqrt2OverPi * (1.0f + 3.0f * kKappa * sq);
  return 0.5f * (1.0f + t) + 0.5f * v * (1.0f - t * t) * inner;
}

SHODH_VECTOR_CLONES
void geluExactLoop(const float *x, float *y, int64_t n) {
  for (int64_t i = 0; i < n; ++i)
    y[i] = x[i] * vm::normalCdf(x[i]);
}

SHODH_VECTOR_CLONES
void geluTanhLoop(const float *x, float *y, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    float v = x[i];
    y[i] = 0.5f * v * (1.0f + vm::tanh(kSqrt2OverPi * (v + kKappa * v * v * v)));
  }
}

SHODH_VECTOR_CLONES
void geluGradExactLoop(const float *x, const float *dy, float *dx, int64_t n) {
  for (int64_t i = 0; i < n; ++i)
    dx[i] = dy[i] * geluDerivative(x[i]);
}

SHODH_VECTOR_CLONES
void geluGradTanhLoop(const float *x, const float *dy, float *dx, int64_t n) {
  for (int64_t i = 0; i < n; ++i)
    dx[i] = dy[i] * geluTanhDerivative(x[i]);
}

SHODH_VECTOR_CLONES
void geluWithGradExactLoop(const float *x, const float *dy, float *y,
                           float *dx, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    float v = x[i], cdf = vm::normalCdf(v);
    y[i] = v * cdf;
    dx[i] = dy[i] * (cdf + v * vm::normalPdf(v));
  }
}

SHODH_VECTOR_CLONES
void geluWithGradTanhLoop(const float *x, const float *dy, float *y, float *dx,
                          int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    float v = x[i], sq = v * v;
    // t as geluTanhLoop rounds it, so y is bitwise the forward's.
    float t = vm::tanh(kSqrt2OverPi * (v + kKappa * v * v * v));
    float inner = kSqrt2OverPi * (1.0f + 3.0f * kKappa * sq);
    y[i] = 0.5f * v * (1.0f + t);
    dx[i] = dy[i] * (0.5f * (1.0f + t) + 0.5f * v * (1.0f - t * t) * inner);
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
  for (int64_t i = 0; i < n; ++i) {
    float v = x[i];
    dx[i] = dy[i] * (cdf[i] + v * vm::normalPdf(v));
  }
}

SHODH_VECTOR_CLONES
void geluSavingTanhLoop(const float *x, float *y, float *tanhOut, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    float v = x[i];
    float t = vm::tanh(kSqrt2OverPi * (v + kKappa * v * v * v));
    tanhOut[i] = t;
    y[i] = 0.5f * v * (1.0f + t);
  }
}

SHODH_VECTOR_CLONES
void geluGradFromTanhLoop(const float *x, const float *tanhIn, const float *dy, float *dx,
                          int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    float v = x[i], sq = v * v, t = tanhIn[i];
    float inner = kSqrt2OverPi * (1.0f + 3.0f * kKappa * sq);
    dx[i] = dy[i] * (0.5f * (1.0f + t) + 0.5f * v * (1.0f - t * t) * inner);
  }
}

} // namespace

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
