//===- PhysicsModes.h - One output element of each physics kernel ---------===//
//
// The per-element work of the CUDA physics kernels, shared by the device
// code (Physics.cu: one thread per element) and a host test that runs the
// very same functions against the CPU kernels without a GPU
// (test/unit/cuda/PhysicsModesTest.cpp). Each function is the CPU kernel's
// arithmetic for one element, in its order (cpu/physics/SpectralPhysics.cpp
// and Fd2Physics.cpp); compiled without FMA contraction (nvcc --fmad=false,
// x86-64 baseline on the host) it rounds exactly as the CPU does.
//
// T is float or double; C a complex pair with members x (re) and y (im):
// float2/double2 on the device. Layouts: PhysicsLaunch.h.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/kernels/cuda/PhysicsLaunch.h"

#if defined(__CUDACC__)
#define SHODH_HOST_DEVICE __host__ __device__
#else
#define SHODH_HOST_DEVICE
#endif

namespace shodh::cuda {

/// The wavenumbers of the leading axes of half-spectrum row `lead` (the
/// CPU's SpectralFieldKernel::mapRow); entries past d - 2 are untouched.
template <typename T>
SHODH_HOST_DEVICE void leadingWavenumbers(const PhysicsGeometry &g, const T *k,
                                          int64_t lead, T *kLead) {
  int64_t rest = lead;
  for (int a = g.spatial - 2; a >= 0; --a) {
    kLead[a] = k[g.kOffset[a] + rest % g.n[a]];
    rest /= g.n[a];
  }
}

/// Output mode e = (b, o, lead, j) of a spectral derivative: the sum over
/// the terms of output o, in order, of factor * scale * i k_axis in[b, in].
template <typename T, typename C>
SHODH_HOST_DEVICE C spectralDerivativeMode(const PhysicsGeometry &g, const T *k,
                                           const C *in, int64_t e) {
  const int last = g.spatial - 1;
  const T scale = T(g.scale);
  int64_t j = e % g.half, row = e / g.half;
  int64_t lead = row % g.leadRows, bo = row / g.leadRows;
  int64_t o = bo % g.outChannels, b = bo / g.outChannels;
  T kLead[3] = {T(0), T(0), T(0)};
  leadingWavenumbers(g, k, lead, kLead);
  C acc;
  acc.x = T(0), acc.y = T(0);
  for (int i = 0; i < g.termCount; ++i) {
    const PhysicsTerm &t = g.terms[i];
    if (t.out != o)
      continue;
    C src = in[((b * g.inChannels + t.in) * g.leadRows + lead) * g.half + j];
    T kk = t.axis == last ? k[g.kOffset[last] + j] : kLead[t.axis];
    T sign = T(t.factor) * scale;
    T re = -kk * src.y, im = kk * src.x; // i k src
    acc.x += re * sign;
    acc.y += im * sign;
  }
  return acc;
}

/// Mode e = (b, lead, j) of every channel of spec [B, d, ...], projected in
/// place: u <- (u - k (k . u) / |k|^2) * scale, or u * scale where |k| = 0.
template <typename T, typename C>
SHODH_HOST_DEVICE void lerayProjectMode(const PhysicsGeometry &g, const T *k,
                                        C *spec, int64_t e) {
  const int d = g.spatial;
  const T scale = T(g.scale);
  const int64_t stride = g.leadRows * g.half; // between channels
  int64_t j = e % g.half, row = e / g.half;
  int64_t lead = row % g.leadRows, b = row / g.leadRows;
  T kv[3] = {T(0), T(0), T(0)};
  leadingWavenumbers(g, k, lead, kv);
  kv[d - 1] = k[g.kOffset[d - 1] + j];
  C *u = spec + (b * d * g.leadRows + lead) * g.half + j;
  T k2 = T(0), dotRe = T(0), dotIm = T(0);
  for (int c = 0; c < d; ++c) {
    k2 += kv[c] * kv[c];
    dotRe += kv[c] * u[c * stride].x;
    dotIm += kv[c] * u[c * stride].y;
  }
  if (k2 == T(0)) { // the mean flow (and Nyquist-only modes) are kept
    for (int c = 0; c < d; ++c) {
      u[c * stride].x *= scale;
      u[c * stride].y *= scale;
    }
    return;
  }
  T alongRe = dotRe / k2, alongIm = dotIm / k2;
  for (int c = 0; c < d; ++c) {
    T pRe = kv[c] * alongRe, pIm = kv[c] * alongIm;
    u[c * stride].x = (u[c * stride].x - pRe) * scale;
    u[c * stride].y = (u[c * stride].y - pIm) * scale;
  }
}

/// Output point e = (b, o, i0, i1, i2) of a fd2 derivative (a 2D grid has
/// N_3 = 1): 0 + sum over the terms of output o, in order, of factor *
/// (x[i + e_axis] - x[i - e_axis]), indices wrapping.
template <typename T>
SHODH_HOST_DEVICE T fd2Point(const PhysicsGeometry &g, const T *x, int64_t e) {
  const int64_t n1 = g.n[1], n2 = g.n[2];
  const int64_t points = g.n[0] * n1 * n2;
  int64_t p = e % points, bo = e / points;
  int64_t o = bo % g.outChannels, b = bo / g.outChannels;
  const int64_t i[3] = {p / (n1 * n2), (p / n2) % n1, p % n2};
  const int64_t stride[3] = {n1 * n2, n2, 1};
  T acc = T(0);
  for (int t = 0; t < g.termCount; ++t) {
    const PhysicsTerm &term = g.terms[t];
    if (term.out != o)
      continue;
    int a = term.axis;
    const T *src = x + (b * g.inChannels + term.in) * points + p;
    int64_t up = i[a] + 1 == g.n[a] ? -i[a] : 1;
    int64_t down = i[a] == 0 ? g.n[a] - 1 : -1;
    acc += T(term.factor) * (src[up * stride[a]] - src[down * stride[a]]);
  }
  return acc;
}

} // namespace shodh::cuda
