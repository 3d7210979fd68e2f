//===- InterpolateDevice.h - Per-element code of interpolate (CUDA) -------===//
//
// `interpolate` and `interpolate_grad` on the GPU (contract:
// cpu/moe/Interpolate.h; f32, 1 to 3 resampled trailing axes, linear with
// align_corners = False). As on the CPU the resampled axes are viewed as
// three (missing leading axes have size 1, an identity axis) and every
// leading slice is resampled alike.
//
// `makeInterpolateTables` (host) computes each axis's taps exactly as the
// CPU kernel does (float arithmetic in its order) and, for the gradient,
// inverts them: for each source index of an axis, the (output index,
// weight) pairs that read it, in increasing output index and, within one
// output index, tap 0 before tap 1 (the second tap only when its weight is
// nonzero, as the CPU's scatter). The tables are uploaded once per shape.
//
// The per-element functions (`__host__ __device__`, Interpolate.cu runs one
// per thread with nvcc --fmad=false):
// - `interpolatePoint`: one output point, the CPU's nested blend
//   expression verbatim (same products and sums, same parenthesisation).
// - `interpolateGradPoint`: one input-gradient point as a gather. The CPU
//   scatters output points in increasing output index (o_1, o_2, o_3) and,
//   per point, its taps in (i, j, k) order, adding g·w_i·w_j·w_k to a zero
//   start; the contributions to one input point therefore arrive in
//   (o_1, o_2, o_3, i, j, k) order, which the gather walks from the three
//   inverted tap lists (grouped by output index). Same products, same
//   order, so the same bits, without atomics.
// A host test (test/unit/cuda/InterpolateModesTest.cpp) runs both over
// every element and compares with the CPU kernels bitwise.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#if defined(__CUDACC__)
#define SHODH_INTERP_HD __host__ __device__
#else
#define SHODH_INTERP_HD
#endif

namespace shodh::cuda {

/// Source indices and weights of one output index on one axis (the CPU's
/// `Tap`).
struct InterpTap {
  int64_t i0, i1;
  float l0, l1;
};

/// One output index reading a source index, with the weight it reads it by.
struct InterpHit {
  int64_t o;
  float w;
};

/// The three resampled axes of a call (outermost first) and where each
/// axis's tables start in the shared arrays.
struct InterpGeometry {
  int64_t slices = 0;              ///< product of the leading axes
  int64_t src[3] = {1, 1, 1};      ///< input grid (x of interpolate)
  int64_t dst[3] = {1, 1, 1};      ///< output grid (y of interpolate)
  int64_t tapBase[3] = {0, 0, 0};  ///< axis a: taps[tapBase[a] + o]
  int64_t hitStart[3] = {0, 0, 0}; ///< axis a: start[hitStart[a] + i]
  /// Points of one input-grid slice.
  SHODH_INTERP_HD int64_t srcSize() const { return src[0] * src[1] * src[2]; }
  /// Points of one output-grid slice.
  SHODH_INTERP_HD int64_t dstSize() const { return dst[0] * dst[1] * dst[2]; }
};

/// The host tables of one geometry: the taps of every axis, and the hits of
/// every source index (hits[start[i]] .. hits[start[i + 1]] for the index
/// whose entry is start[i]).
struct InterpTables {
  InterpGeometry g;
  std::vector<InterpTap> taps;
  std::vector<int64_t> start;
  std::vector<InterpHit> hits;
};

/// The tap of output index `o` when resampling n points to s points,
/// computed in float exactly as the CPU kernel does (cpu/moe/Interpolate.cpp
/// `axisTaps`, PyTorch's CPU arithmetic for f32).
inline InterpTap interpolateTap(int64_t n, int64_t s, int64_t o) {
  if (n == s)
    return {o, o, 1.0f, 0.0f};
  const float ratio = float(n) / float(s);
  float src = ratio * (float(o) + 0.5f) - 0.5f;
  src = src < 0.0f ? 0.0f : src;
  const int64_t i0 = int64_t(src);
  const int64_t i1 = i0 + (i0 < n - 1 ? 1 : 0);
  const float l1 = std::min(std::max(src - float(i0), 0.0f), 1.0f);
  return {i0, i1, 1.0f - l1, l1};
}

/// The tables of resampling `slices` slices of grid `src` to grid `dst`
/// (three axes each, outermost first, leading axes 1 when d < 3).
inline InterpTables makeInterpolateTables(int64_t slices,
                                          const int64_t (&src)[3],
                                          const int64_t (&dst)[3]) {
  InterpTables t;
  t.g.slices = slices;
  for (int a = 0; a < 3; ++a) {
    t.g.src[a] = src[a], t.g.dst[a] = dst[a];
    t.g.tapBase[a] = int64_t(t.taps.size());
    t.g.hitStart[a] = int64_t(t.start.size());
    std::vector<std::vector<InterpHit>> byIndex(static_cast<size_t>(src[a]));
    for (int64_t o = 0; o < dst[a]; ++o) {
      const InterpTap tap = interpolateTap(src[a], dst[a], o);
      t.taps.push_back(tap);
      if (src[a] == 0) // an empty input grid: nothing to read or scatter to
        continue;
      byIndex[size_t(tap.i0)].push_back({o, tap.l0});
      if (tap.l1 != 0.0f) // the CPU's scatter skips a tap of weight 0
        byIndex[size_t(tap.i1)].push_back({o, tap.l1});
    }
    for (const std::vector<InterpHit> &hits : byIndex) {
      t.start.push_back(int64_t(t.hits.size()));
      t.hits.insert(t.hits.end(), hits.begin(), hits.end());
    }
    t.start.push_back(int64_t(t.hits.size()));
  }
  return t;
}

/// interpolate at output point (od, oh, ow) of the slice `x` (an input
/// grid of g.src): the CPU kernel's `gather` expression for that point.
SHODH_INTERP_HD inline float interpolatePoint(const InterpGeometry &g,
                                              const InterpTap *taps,
                                              const float *x, int64_t od,
                                              int64_t oh, int64_t ow) {
  const int64_t H = g.src[1], W = g.src[2];
  const InterpTap td = taps[g.tapBase[0] + od], th = taps[g.tapBase[1] + oh],
                  tw = taps[g.tapBase[2] + ow];
  const float *p00 = x + (td.i0 * H + th.i0) * W,
              *p01 = x + (td.i0 * H + th.i1) * W,
              *p10 = x + (td.i1 * H + th.i0) * W,
              *p11 = x + (td.i1 * H + th.i1) * W;
  float a = th.l0 * (p00[tw.i0] * tw.l0 + p00[tw.i1] * tw.l1) +
            th.l1 * (p01[tw.i0] * tw.l0 + p01[tw.i1] * tw.l1);
  if (td.l1 == 0.0f) // 1-D, 2-D: the outer axis is the identity
    return td.l0 * a;
  float b = th.l0 * (p10[tw.i0] * tw.l0 + p10[tw.i1] * tw.l1) +
            th.l1 * (p11[tw.i0] * tw.l0 + p11[tw.i1] * tw.l1);
  return td.l0 * a + td.l1 * b;
}

/// The end of the group of hits starting at `h` that share its output index.
SHODH_INTERP_HD inline int64_t interpolateGroupEnd(const InterpHit *hits,
                                                   int64_t h, int64_t end) {
  int64_t e = h + 1;
  while (e < end && hits[e].o == hits[h].o)
    ++e;
  return e;
}

/// interpolate_grad at input point (d, h, w) of the slice whose output
/// gradient is `dy` (a grid of g.dst): the CPU's scattered sum for that
/// point, gathered in the CPU's order (see the header comment).
SHODH_INTERP_HD inline float interpolateGradPoint(const InterpGeometry &g,
                                                  const int64_t *start,
                                                  const InterpHit *hits,
                                                  const float *dy, int64_t d,
                                                  int64_t h, int64_t w) {
  const int64_t Hs = g.dst[1], Ws = g.dst[2];
  const int64_t *s0 = start + g.hitStart[0] + d,
                *s1 = start + g.hitStart[1] + h,
                *s2 = start + g.hitStart[2] + w;
  float acc = 0.0f;
  for (int64_t a = s0[0]; a < s0[1];) {
    const int64_t aEnd = interpolateGroupEnd(hits, a, s0[1]);
    for (int64_t b = s1[0]; b < s1[1];) {
      const int64_t bEnd = interpolateGroupEnd(hits, b, s1[1]);
      for (int64_t c = s2[0]; c < s2[1];) {
        const int64_t cEnd = interpolateGroupEnd(hits, c, s2[1]);
        const float gv = dy[(hits[a].o * Hs + hits[b].o) * Ws + hits[c].o];
        for (int64_t i = a; i < aEnd; ++i)
          for (int64_t j = b; j < bEnd; ++j)
            for (int64_t k = c; k < cEnd; ++k)
              acc += gv * hits[i].w * hits[j].w * hits[k].w;
        c = cEnd;
      }
      b = bEnd;
    }
    a = aEnd;
  }
  return acc;
}

// ---- Interpolate.cu ------------------------------------------------------
/// y[s, o] = interpolatePoint for every slice s and output point o of
/// g.dstSize(); taps as uploaded from InterpTables::taps.
void launchInterpolate(const InterpGeometry &g, const InterpTap *taps,
                       const float *x, float *y, void *stream);
/// dx[s, i] = interpolateGradPoint for every slice s and input point i of
/// g.srcSize(); start and hits as uploaded from InterpTables.
void launchInterpolateGrad(const InterpGeometry &g, const int64_t *start,
                           const InterpHit *hits, const float *dy, float *dx,
                           void *stream);

} // namespace shodh::cuda
