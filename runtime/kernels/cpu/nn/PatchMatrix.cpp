//===- PatchMatrix.cpp - Patch matrices of blocks of a strided conv -------===//
//
// See PatchMatrix.h. Slab row ρ of (c, k_0) is padded input row r0·s_1 −
// p_1 + ρ of plane z·s_0 − p_0 + k_0; it holds the s_2 phases of the
// segment of that row the block's columns read, m values each (the last
// phase may end with a padding value nobody reads).
//
//===----------------------------------------------------------------------===//
#include "runtime/kernels/cpu/nn/PatchMatrix.h"
#include "runtime/kernels/cpu/VectorClones.h"

#include <algorithm>
#include <cstring>
#include <utility>

namespace shodh {

namespace {

/// Bytes of the GCC vectors of the shuffles (one AVX-512 register; two or
/// four on the lower ISA levels).
constexpr int kVectorBytes = 64;

/// A GCC vector of kVectorBytes of T.
template <typename T> struct Vec {
  static constexpr int lanes = kVectorBytes / sizeof(T);
  typedef T type __attribute__((vector_size(kVectorBytes)));
};

/// ceil(a / b) for a >= 0, b > 0.
inline int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

/// The input index of i along an axis of `n` points, or -1 for a padding
/// zero (wrapped when circular and -n <= i < 2n).
inline int64_t inputIndex(int64_t i, int64_t n, bool circular) {
  if (i >= 0 && i < n)
    return i;
  if (!circular || i < -n || i >= 2 * n)
    return -1;
  return i < 0 ? i + n : i - n;
}

/// Values per phase of a slab row of a block `width` columns wide.
inline int64_t phaseLength(const ConvGeometry &g, int64_t width) {
  return width - 1 + ceilDiv(g.kernel[2], g.stride[2]);
}

/// even = lanes 0, 2, .. and odd = lanes 1, 3, .. of the concatenation
/// a:b (pointers, so that no vector crosses a call boundary).
template <typename V, size_t... I>
SHODH_INLINE_BODY void splitLanes(const V *a, const V *b, V *even, V *odd,
                                  std::index_sequence<I...>) {
  *even = __builtin_shufflevector(*a, *b, (2 * I)...);
  *odd = __builtin_shufflevector(*a, *b, (2 * I + 1)...);
}

/// lo and hi = the lanes of a and b interleaved (a0 b0 a1 b1 ..).
template <typename V, size_t... I>
SHODH_INLINE_BODY void mergeLanes(const V *a, const V *b, V *lo, V *hi,
                                  std::index_sequence<I...>) {
  constexpr size_t n = sizeof...(I);
  *lo = __builtin_shufflevector(*a, *b, ((I % 2) * n + I / 2)...);
  *hi = __builtin_shufflevector(*a, *b, ((I % 2) * n + n / 2 + I / 2)...);
}

/// dst[t] = src[t], t < n: whole vectors, then (if n is not a multiple)
/// one vector ending at n, overlapping the last; rows shorter than a
/// vector element by element. Rows are a few dozen values, too short for
/// a memcpy call.
template <typename T>
SHODH_INLINE_BODY void copyRun(const T *src, T *dst, int64_t n) {
  using V = typename Vec<T>::type;
  constexpr int L = Vec<T>::lanes;
  if (n < L) {
    for (int64_t t = 0; t < n; ++t)
      dst[t] = src[t];
    return;
  }
  V v;
  for (int64_t t = 0; t + L <= n; t += L) {
    std::memcpy(&v, src + t, sizeof(V));
    std::memcpy(dst + t, &v, sizeof(V));
  }
  if (n % L == 0)
    return;
  std::memcpy(&v, src + n - L, sizeof(V));
  std::memcpy(dst + n - L, &v, sizeof(V));
}

/// dst[φ stride + t] = src[t s + φ] for φ < s, t < m: the phases of a row.
template <typename T>
SHODH_INLINE_BODY void splitPhases(const T *__restrict src, int64_t s,
                                   int64_t m, T *__restrict dst,
                                   int64_t stride) {
  if (s == 1)
    return copyRun(src, dst, m);
  int64_t t = 0;
  if (s == 2) {
    using V = typename Vec<T>::type;
    constexpr int L = Vec<T>::lanes;
    for (; t + L <= m; t += L) {
      V a, b, even, odd;
      std::memcpy(&a, src + 2 * t, sizeof(V));
      std::memcpy(&b, src + 2 * t + L, sizeof(V));
      splitLanes(&a, &b, &even, &odd, std::make_index_sequence<L>());
      std::memcpy(dst + t, &even, sizeof(V));
      std::memcpy(dst + stride + t, &odd, sizeof(V));
    }
  }
  for (; t < m; ++t)
    for (int64_t phase = 0; phase < s; ++phase)
      dst[phase * stride + t] = src[t * s + phase];
}

/// Slab row `dst` (s phases of m values) of the input row `row` (n points)
/// for padded-segment start `first` (an input index); `line` (s m values)
/// holds the padded segment when it leaves the row.
template <typename T>
SHODH_INLINE_BODY void phaseRow(const T *row, int64_t n, int64_t first,
                                int64_t s, int64_t m, bool circular, T *line,
                                T *dst) {
  const int64_t len = s * m;
  const T *src = row + first;
  if (first < 0 || first + len > n) {
    const int64_t lo = std::clamp<int64_t>(-first, 0, len);
    const int64_t hi = std::clamp<int64_t>(n - first, lo, len);
    for (int64_t t = 0; t < lo; ++t) {
      const int64_t i = inputIndex(first + t, n, circular);
      line[t] = i < 0 ? T(0) : row[i];
    }
    copyRun(row + first + lo, line + lo, hi - lo);
    for (int64_t t = hi; t < len; ++t) {
      const int64_t i = inputIndex(first + t, n, circular);
      line[t] = i < 0 ? T(0) : row[i];
    }
    src = line;
  }
  splitPhases(src, s, m, dst, m);
}

/// Prefetches the n values of `row` (every cache line of them).
template <typename T>
SHODH_INLINE_BODY void prefetchRow(const T *row, int64_t n) {
  constexpr int64_t kLine = 64 / sizeof(T);
  for (int64_t t = 0; t < n; t += kLine)
    __builtin_prefetch(row + t);
  __builtin_prefetch(row + n - 1);
}

/// The input plane of (c, k_0) = q for output plane z (null: padding
/// zeros).
template <typename T>
SHODH_INLINE_BODY const T *inputPlane(const ConvGeometry &g, const T *xs,
                                      int64_t z, int64_t q) {
  const int64_t iz = inputIndex(z * g.stride[0] - g.pad[0] + q % g.kernel[0],
                                g.in[0], g.circular);
  return iz < 0 ? nullptr
                : xs + ((q / g.kernel[0]) * g.in[0] + iz) * g.in[1] * g.in[2];
}

/// gatherPatches when K_2 == s_2 and p_2 == 0: the phases of an input row
/// segment are exactly the K_2 rows of P it feeds, so they are split
/// straight into P (no slab).
template <typename T>
SHODH_INLINE_BODY void splitIntoPatches(const ConvGeometry &g, int64_t cin,
                                        const T *xs, const PatchBlock &blk,
                                        T *P) {
  const auto &k = g.kernel, &s = g.stride;
  const int64_t cols = blk.size(), width = blk.width();
  const int64_t planes = cin * k[0];
  for (int64_t q = 0; q < planes; ++q) {
    const T *in = inputPlane(g, xs, blk.z, q);
    const T *next = q + 1 < planes ? inputPlane(g, xs, blk.z, q + 1) : nullptr;
    for (int64_t r = blk.r0; r < blk.r1; ++r)
      for (int64_t a1 = 0; a1 < k[1]; ++a1) {
        T *dst = P + (q * k[1] + a1) * k[2] * cols + (r - blk.r0) * width;
        const int64_t iy =
            inputIndex(r * s[1] - g.pad[1] + a1, g.in[1], g.circular);
        if (next && iy >= 0)
          prefetchRow(next + iy * g.in[2], g.in[2]);
        if (!in || iy < 0)
          for (int64_t a2 = 0; a2 < k[2]; ++a2)
            std::fill(dst + a2 * cols, dst + a2 * cols + width, T(0));
        else
          splitPhases(in + iy * g.in[2] + blk.c0 * s[2], s[2], width, dst,
                      cols);
      }
  }
}

template <typename T>
SHODH_INLINE_BODY void gatherPatchesBody(const ConvGeometry &g, int64_t cin,
                                         const T *xs, const PatchBlock &blk,
                                         T *P, T *slab) {
  if (g.kernel[2] == g.stride[2] && g.pad[2] == 0)
    return splitIntoPatches(g, cin, xs, blk, P);
  const auto &k = g.kernel, &s = g.stride;
  const int64_t cols = blk.size(), width = blk.width();
  const int64_t rows = (blk.r1 - blk.r0 - 1) * s[1] + k[1]; // slab rows
  const int64_t m = phaseLength(g, width), pitch = s[2] * m;
  const int64_t first = blk.c0 * s[2] - g.pad[2];
  T *line = slab + cin * k[0] * rows * pitch;
  const int64_t planes = cin * k[0];
  for (int64_t q = 0; q < planes; ++q) {
    const T *in = inputPlane(g, xs, blk.z, q);
    // The rows of the next plane are fetched while this one is split: one
    // channel's rows are a few KiB apart, beyond the hardware prefetchers.
    const T *next = q + 1 < planes ? inputPlane(g, xs, blk.z, q + 1) : nullptr;
    T *plane = slab + q * rows * pitch;
    for (int64_t rho = 0; rho < rows; ++rho) {
      const int64_t iy =
          inputIndex(blk.r0 * s[1] - g.pad[1] + rho, g.in[1], g.circular);
      if (next && iy >= 0)
        prefetchRow(next + iy * g.in[2], g.in[2]);
      if (!in || iy < 0)
        std::fill(plane + rho * pitch, plane + (rho + 1) * pitch, T(0));
      else
        phaseRow(in + iy * g.in[2], g.in[2], first, s[2], m, g.circular, line,
                 plane + rho * pitch);
    }
  }
  for (int64_t c = 0; c < cin; ++c)
    for (int64_t a0 = 0; a0 < k[0]; ++a0)
      for (int64_t a1 = 0; a1 < k[1]; ++a1)
        for (int64_t a2 = 0; a2 < k[2]; ++a2) {
          T *dst = P + (((c * k[0] + a0) * k[1] + a1) * k[2] + a2) * cols;
          const T *src = slab + ((c * k[0] + a0) * rows + a1) * pitch +
                         (a2 % s[2]) * m + a2 / s[2];
          for (int64_t r = 0; r < blk.r1 - blk.r0; ++r)
            copyRun(src + r * s[1] * pitch, dst + r * width, width);
        }
}

/// out[t k + a] = bias + q[a stride + t] for t < n, a < k: one output row
/// segment from the k rows of Q.
template <typename T>
SHODH_INLINE_BODY void interleaveRow(const T *__restrict q, int64_t stride,
                                     int64_t k, int64_t n, T bias,
                                     T *__restrict out) {
  int64_t t = 0;
  if (k == 2) {
    using V = typename Vec<T>::type;
    constexpr int L = Vec<T>::lanes;
    for (; t + L <= n; t += L) {
      V a, b, lo, hi;
      std::memcpy(&a, q + t, sizeof(V));
      std::memcpy(&b, q + stride + t, sizeof(V));
      mergeLanes(&a, &b, &lo, &hi, std::make_index_sequence<L>());
      lo += bias, hi += bias;
      std::memcpy(out + 2 * t, &lo, sizeof(V));
      std::memcpy(out + 2 * t + L, &hi, sizeof(V));
    }
  }
  for (; t < n; ++t)
    for (int64_t a = 0; a < k; ++a)
      out[t * k + a] = bias + q[a * stride + t];
}

template <typename T>
SHODH_INLINE_BODY void scatterPatchesBody(const ConvGeometry &g, int64_t cin,
                                          const T *Q, const PatchBlock &blk,
                                          const T *bias, T *dxs) {
  const int64_t cols = blk.size(), width = blk.width();
  const auto &k = g.kernel;
  for (int64_t c = 0; c < cin; ++c) {
    const T b = bias ? bias[c] : T(0);
    for (int64_t a0 = 0; a0 < k[0]; ++a0)
      for (int64_t a1 = 0; a1 < k[1]; ++a1) {
        const T *rows = Q + ((c * k[0] + a0) * k[1] + a1) * k[2] * cols;
        const int64_t iz = blk.z * k[0] + a0;
        for (int64_t r = blk.r0; r < blk.r1; ++r) {
          const int64_t iy = r * k[1] + a1;
          T *out = dxs + ((c * g.in[0] + iz) * g.in[1] + iy) * g.in[2] +
                   blk.c0 * k[2];
          interleaveRow(rows + (r - blk.r0) * width, cols, k[2], width, b, out);
        }
      }
  }
}

} // namespace

PatchBlocks planPatchBlocks(const ConvGeometry &g, int64_t patchRows,
                            int64_t budget) {
  // Narrowest chunk of an output row when one row exceeds the budget.
  constexpr int64_t kMinChunk = 64;
  PatchBlocks p;
  const int64_t target =
      std::max<int64_t>(1, budget / std::max<int64_t>(patchRows, 1));
  if (target >= g.out[2]) {
    p.cols = g.out[2];
    p.rows = std::min(g.out[1], target / g.out[2]);
  } else {
    p.rows = 1;
    p.cols = std::min(g.out[2], std::max(target, kMinChunk));
  }
  p.rowBlocks = ceilDiv(g.out[1], p.rows);
  p.colChunks = ceilDiv(g.out[2], p.cols);
  p.perSample = g.out[0] * p.rowBlocks * p.colChunks;
  return p;
}

PatchBlock patchBlock(const ConvGeometry &g, const PatchBlocks &p, int64_t u) {
  PatchBlock b;
  const int64_t chunk = u % p.colChunks;
  u /= p.colChunks;
  const int64_t rowBlock = u % p.rowBlocks;
  u /= p.rowBlocks;
  b.z = u % g.out[0], b.n = u / g.out[0];
  b.r0 = rowBlock * p.rows, b.r1 = std::min(g.out[1], b.r0 + p.rows);
  b.c0 = chunk * p.cols, b.c1 = std::min(g.out[2], b.c0 + p.cols);
  b.offset = (b.z * g.out[1] + b.r0) * g.out[2] + b.c0;
  return b;
}

int64_t patchSlabSize(const ConvGeometry &g, int64_t cin,
                      const PatchBlocks &p) {
  const int64_t rows = (p.rows - 1) * g.stride[1] + g.kernel[1];
  const int64_t pitch = g.stride[2] * phaseLength(g, p.cols);
  return (cin * g.kernel[0] * rows + 1) * pitch; // + the padded segment
}

SHODH_VECTOR_CLONES
void gatherPatches(const ConvGeometry &g, int64_t cin, const float *xs,
                   const PatchBlock &blk, float *P, float *slab) {
  gatherPatchesBody(g, cin, xs, blk, P, slab);
}

SHODH_VECTOR_CLONES
void gatherPatches(const ConvGeometry &g, int64_t cin, const double *xs,
                   const PatchBlock &blk, double *P, double *slab) {
  gatherPatchesBody(g, cin, xs, blk, P, slab);
}

SHODH_VECTOR_CLONES
void scatterPatches(const ConvGeometry &g, int64_t cin, const float *Q,
                    const PatchBlock &blk, const float *bias, float *dxs) {
  scatterPatchesBody(g, cin, Q, blk, bias, dxs);
}

SHODH_VECTOR_CLONES
void scatterPatches(const ConvGeometry &g, int64_t cin, const double *Q,
                    const PatchBlock &blk, const double *bias, double *dxs) {
  scatterPatchesBody(g, cin, Q, blk, bias, dxs);
}

} // namespace shodh
