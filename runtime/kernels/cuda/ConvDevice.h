//===- ConvDevice.h - Index code of the CUDA convolution kernels ----------===//
//
// The patch index maps of cpu/nn/ConvGeometry.cpp written once as
// `__host__ __device__` functions: Conv.cu runs one per element and a host
// test (ConvModesTest.cpp) compares them bitwise with the CPU's im2col and
// col2im. A convolution has 3 spatial axes (missing leading ones of size
// 1); output position j reads input x[j*s - p + k] (wrapped once when
// circular, 0 outside the grid with zero padding).
//
// col2im is a gather here: the thread of input element i adds, for each
// kernel offset k in row-major order and then each output position j of
// the block in increasing order, the patch values that read i: the order
// in which the CPU's col2im adds them into the same f32 element, so the
// sums are bitwise equal and no two threads write one element.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>

#if !defined(__CUDACC__)
#include "runtime/kernels/cpu/nn/ConvGeometry.h"
#endif

#if defined(__CUDACC__)
#define SHODH_CONV_HD __host__ __device__
#else
#define SHODH_CONV_HD
#endif

namespace shodh::cuda {

/// ConvGeometry as plain data (axis 0 outermost).
struct ConvGeom {
  int64_t in[3], kernel[3], out[3], stride[3], pad[3];
  bool circular;
  SHODH_CONV_HD int64_t inSize() const { return in[0] * in[1] * in[2]; }
  SHODH_CONV_HD int64_t kernelSize() const {
    return kernel[0] * kernel[1] * kernel[2];
  }
  SHODH_CONV_HD int64_t outSize() const { return out[0] * out[1] * out[2]; }
};

/// Input index read by output position j at kernel offset k (row-major
/// offset index), or -1 (zero padding).
SHODH_CONV_HD inline int64_t convSource(const ConvGeom &g, int64_t k,
                                        int64_t j) {
  int64_t o[3] = {j / (g.out[1] * g.out[2]), (j / g.out[2]) % g.out[1],
                  j % g.out[2]};
  int64_t kk[3] = {k / (g.kernel[1] * g.kernel[2]),
                   (k / g.kernel[2]) % g.kernel[1], k % g.kernel[2]};
  int64_t idx = 0;
  for (int a = 0; a < 3; ++a) {
    int64_t i = o[a] * g.stride[a] - g.pad[a] + kk[a], n = g.in[a];
    if (g.circular)
      i = i < 0 ? i + n : (i >= n ? i - n : i);
    else if (i < 0 || i >= n)
      return -1;
    idx = idx * n + i;
  }
  return idx;
}

/// im2col element (k, j) of one channel x.
SHODH_CONV_HD inline float im2colAt(const ConvGeom &g, const float *x,
                                    int64_t k, int64_t j) {
  int64_t i = convSource(g, k, j);
  return i < 0 ? 0.0f : x[i];
}

/// The output positions along axis a whose offset ka reads input index i
/// (at most 3, increasing); returns their count.
SHODH_CONV_HD inline int convReaders(const ConvGeom &g, int a, int64_t ka,
                                     int64_t i, int64_t *o) {
  const int64_t n = g.in[a];
  int count = 0;
  for (int w = -1; w <= 1; ++w) {
    if (w != 0 && !g.circular)
      continue;
    // The position before the wrap: i - n (< 0), i, i + n (>= n) all
    // wrap to i, and convSource wraps at most once.
    int64_t t = i + w * n;
    int64_t num = t + g.pad[a] - ka;
    if (num < 0 || num % g.stride[a] != 0 || num / g.stride[a] >= g.out[a])
      continue;
    o[count++] = num / g.stride[a];
  }
  return count;
}

/// acc plus the entries of the patch block col (kernelSize() x cols, output
/// positions [j0, j0 + cols)) that read input element i, in col2im's order.
SHODH_CONV_HD inline float col2imAt(const ConvGeom &g, const float *col,
                                    int64_t j0, int64_t cols, int64_t i,
                                    float acc) {
  const int64_t ii[3] = {i / (g.in[1] * g.in[2]), (i / g.in[2]) % g.in[1],
                         i % g.in[2]};
  int64_t k = 0;
  for (int64_t k0 = 0; k0 < g.kernel[0]; ++k0)
    for (int64_t k1 = 0; k1 < g.kernel[1]; ++k1)
      for (int64_t k2 = 0; k2 < g.kernel[2]; ++k2, ++k) {
        int64_t o0[3], o1[3], o2[3];
        int n0 = convReaders(g, 0, k0, ii[0], o0);
        int n1 = convReaders(g, 1, k1, ii[1], o1);
        int n2 = convReaders(g, 2, k2, ii[2], o2);
        for (int a = 0; a < n0; ++a)
          for (int b = 0; b < n1; ++b)
            for (int c = 0; c < n2; ++c) {
              int64_t j = (o0[a] * g.out[1] + o1[b]) * g.out[2] + o2[c];
              if (j >= j0 && j < j0 + cols)
                acc += col[k * cols + (j - j0)];
            }
      }
  return acc;
}

#if !defined(__CUDACC__)
/// ConvGeometry (host) as plain data.
inline ConvGeom deviceGeom(const ConvGeometry &g) {
  ConvGeom d{};
  for (int a = 0; a < 3; ++a) {
    d.in[a] = g.in[a], d.kernel[a] = g.kernel[a], d.out[a] = g.out[a];
    d.stride[a] = g.stride[a], d.pad[a] = g.pad[a];
  }
  d.circular = g.circular;
  return d;
}
#endif

} // namespace shodh::cuda
