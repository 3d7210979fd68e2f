//===- DirectConv.cpp - Stride-1 convolutions without im2col --------------===//
#include "runtime/kernels/cpu/nn/DirectConv.h"
#include "runtime/core/ThreadPool.h"
#include "runtime/kernels/cpu/VectorClones.h"

#include <algorithm>
#include <cstring>
#include <vector>

namespace shodh {

namespace {

/// Output channels up to which the direct path is used.
constexpr int64_t kDirectMaxChannels = 32;

/// Taps of one (c, k_0) step fused into one pass when K_1 K_2 is this.
constexpr int kFusedTaps = 9;

/// Lanes of the vectorised loops (GCC vectors of kLanes values): the dot
/// products sum x in kLanes interleaved partial sums (lane x mod kLanes,
/// vectorisable without reassociating), reduced in lane order at the end; the
/// order is fixed by the code, not by the ISA.
constexpr int kLanes = 16;

/// Output channels one accumulation pass updates (their taps share the
/// source loads).
constexpr int kAccBlock = 4;

/// acc[b][x] += sum_t w[b][t] * src[off[t] + x] for x < n, b < OB, the NT
/// taps t in order: one (c, k_0) step of OB output channels over a plane;
/// each source value is loaded once for the OB channels, each accumulator
/// once per NT multiply-adds.
template <typename T, int NT, int OB>
SHODH_INLINE_BODY void tapsBody(T *const *acc, const T *__restrict src,
                                const int64_t *off, const T *const *w,
                                int64_t n) {
  // GCC vectors of kLanes values: the NT source vectors are loaded once
  // per chunk and each accumulator vector once per NT multiply-adds (the
  // same per-element order as the scalar tail).
  typedef T Lanes __attribute__((vector_size(sizeof(T) * kLanes)));
  T wt[OB][NT];
  for (int b = 0; b < OB; ++b)
    for (int t = 0; t < NT; ++t)
      wt[b][t] = w[b][t];
  const int64_t full = n - n % kLanes;
  for (int64_t x = 0; x < full; x += kLanes) {
    Lanes sv[NT];
    for (int t = 0; t < NT; ++t)
      std::memcpy(&sv[t], src + off[t] + x, sizeof(Lanes));
    for (int b = 0; b < OB; ++b) {
      Lanes sum;
      std::memcpy(&sum, acc[b] + x, sizeof(Lanes));
      for (int t = 0; t < NT; ++t)
        sum += wt[b][t] * sv[t];
      std::memcpy(acc[b] + x, &sum, sizeof(Lanes));
    }
  }
  for (int64_t x = full; x < n; ++x)
    for (int b = 0; b < OB; ++b) {
      T sum = acc[b][x];
      for (int t = 0; t < NT; ++t)
        sum += wt[b][t] * src[off[t] + x];
      acc[b][x] = sum;
    }
}

/// One channel with any tap count (one pass per tap, same order).
template <typename T>
SHODH_INLINE_BODY void tapsAnyBody(T *__restrict acc, const T *__restrict src,
                                   const int64_t *off, const T *w, int64_t taps,
                                   int64_t n) {
  for (int64_t t = 0; t < taps; ++t)
    for (int64_t x = 0; x < n; ++x)
      acc[x] += w[t] * src[off[t] + x];
}

/// `ob` (<= kAccBlock) output channels of one (c, k_0) step.
template <typename T>
SHODH_INLINE_BODY void accumulateTapsBody(T *const *acc, const T *src,
                                          const int64_t *off, const T *const *w,
                                          int64_t ob, int64_t taps, int64_t n) {
  if (taps == kFusedTaps && ob == 4)
    tapsBody<T, kFusedTaps, 4>(acc, src, off, w, n);
  else if (taps == kFusedTaps && ob == 3)
    tapsBody<T, kFusedTaps, 3>(acc, src, off, w, n);
  else if (taps == kFusedTaps && ob == 2)
    tapsBody<T, kFusedTaps, 2>(acc, src, off, w, n);
  else if (taps == kFusedTaps)
    tapsBody<T, kFusedTaps, 1>(acc, src, off, w, n);
  else
    for (int64_t b = 0; b < ob; ++b)
      tapsAnyBody(acc[b], src, off, w[b], taps, n);
}

SHODH_VECTOR_CLONES
void accumulateTaps(float *const *acc, const float *src, const int64_t *off,
                    const float *const *w, int64_t ob, int64_t taps,
                    int64_t n) {
  accumulateTapsBody(acc, src, off, w, ob, taps, n);
}

SHODH_VECTOR_CLONES
void accumulateTaps(double *const *acc, const double *src, const int64_t *off,
                    const double *const *w, int64_t ob, int64_t taps,
                    int64_t n) {
  accumulateTapsBody(acc, src, off, w, ob, taps, n);
}

/// The offset of a single tap (dotTapsAnyBody).
constexpr int64_t kZeroOffset = 0;

/// Output channels one weight-gradient pass serves (their dot products
/// share the source loads; 3 x 9 taps x 16 lanes fit AVX-512's registers).
constexpr int kDotBlock = 3;

/// out[b][t] += sum_x d[b][x] * src[off[t] + x] for the NT taps t and OB
/// channels b: one (c, k_0) step of the weight gradient over a plane.
template <typename T, int NT, int OB>
SHODH_INLINE_BODY void dotTapsBody(const T *const *d, const T *__restrict src,
                                   const int64_t *off, T *const *out,
                                   int64_t n) {
  // One GCC vector of kLanes values per partial-sum set: OB x NT of them
  // plus OB dy vectors and one source vector stay in registers (AVX-512).
  typedef T Lanes __attribute__((vector_size(sizeof(T) * kLanes)));
  Lanes sum[OB][NT];
  for (int b = 0; b < OB; ++b)
    for (int t = 0; t < NT; ++t)
      sum[b][t] = Lanes{};
  const int64_t full = n - n % kLanes;
  for (int64_t x = 0; x < full; x += kLanes) {
    Lanes dv[OB];
    for (int b = 0; b < OB; ++b)
      std::memcpy(&dv[b], d[b] + x, sizeof(Lanes));
    for (int t = 0; t < NT; ++t) {
      Lanes sv;
      std::memcpy(&sv, src + off[t] + x, sizeof(Lanes));
      for (int b = 0; b < OB; ++b)
        sum[b][t] += dv[b] * sv;
    }
  }
  for (int64_t x = full; x < n; ++x)
    for (int t = 0; t < NT; ++t)
      for (int b = 0; b < OB; ++b)
        sum[b][t][x - full] += d[b][x] * src[off[t] + x];
  for (int b = 0; b < OB; ++b)
    for (int t = 0; t < NT; ++t) {
      T total = T(0);
      for (int l = 0; l < kLanes; ++l)
        total += sum[b][t][l];
      out[b][t] += total;
    }
}

/// `ob` (<= kDotBlock) channels of one (c, k_0) step; other tap counts one
/// tap and channel at a time (same lane order).
template <typename T>
SHODH_INLINE_BODY void dotTapsAny(const T *const *d, const T *src,
                                  const int64_t *off, T *const *out, int64_t ob,
                                  int64_t taps, int64_t n) {
  if (taps == kFusedTaps && ob == 3)
    return dotTapsBody<T, kFusedTaps, 3>(d, src, off, out, n);
  if (taps == kFusedTaps && ob == 2)
    return dotTapsBody<T, kFusedTaps, 2>(d, src, off, out, n);
  if (taps == kFusedTaps)
    return dotTapsBody<T, kFusedTaps, 1>(d, src, off, out, n);
  for (int64_t b = 0; b < ob; ++b)
    for (int64_t t = 0; t < taps; ++t) {
      T *o = out[b] + t;
      dotTapsBody<T, 1, 1>(d + b, src + off[t], &kZeroOffset, &o, n);
    }
}

SHODH_VECTOR_CLONES
void dotTaps(const float *const *d, const float *src, const int64_t *off,
             float *const *out, int64_t ob, int64_t taps, int64_t n) {
  dotTapsAny(d, src, off, out, ob, taps, n);
}

SHODH_VECTOR_CLONES
void dotTaps(const double *const *d, const double *src, const int64_t *off,
             double *const *out, int64_t ob, int64_t taps, int64_t n) {
  dotTapsAny(d, src, off, out, ob, taps, n);
}

/// Slab offsets of the (k_1, k_2) taps of one k_0 plane (pitch p2).
std::vector<int64_t> tapOffsets(const ConvGeometry &g, int64_t p2) {
  const int64_t taps = g.kernel[1] * g.kernel[2];
  std::vector<int64_t> off(static_cast<size_t>(taps));
  for (int64_t t = 0; t < taps; ++t)
    off[t] = (t / g.kernel[2]) * p2 + t % g.kernel[2];
  return off;
}

/// The input index of padded index `i` along an axis of `n` points padded
/// by `p`, or -1 for a zero (wrapped when circular; |i - p| < 2n).
inline int64_t sourceIndex(int64_t i, int64_t p, int64_t n, bool circular) {
  int64_t s = i - p;
  if (s >= 0 && s < n)
    return s;
  if (!circular)
    return -1;
  return s < 0 ? s + n : s - n;
}

/// Fills `slab` [cin, K_0, P_1, P_2] with the padded input planes z ..
/// z + K_0 - 1 of sample `xs` ([cin, in]).
template <typename T>
void padSlab(const ConvGeometry &g, int64_t cin, const T *xs, int64_t z,
             T *slab) {
  const int64_t p1 = g.in[1] + 2 * g.pad[1], p2 = g.in[2] + 2 * g.pad[2];
  for (int64_t c = 0; c < cin; ++c)
    for (int64_t kz = 0; kz < g.kernel[0]; ++kz) {
      T *plane = slab + (c * g.kernel[0] + kz) * p1 * p2;
      int64_t iz = sourceIndex(z + kz, g.pad[0], g.in[0], g.circular);
      for (int64_t py = 0; py < p1; ++py) {
        T *row = plane + py * p2;
        int64_t iy = sourceIndex(py, g.pad[1], g.in[1], g.circular);
        if (iz < 0 || iy < 0) {
          std::fill(row, row + p2, T(0));
          continue;
        }
        const T *in = xs + ((c * g.in[0] + iz) * g.in[1] + iy) * g.in[2];
        const int64_t n2 = g.in[2], pad = g.pad[2];
        for (int64_t px = 0; px < pad; ++px) // before the row
          row[px] = g.circular ? in[px - pad + n2] : T(0);
        std::copy(in, in + n2, row + pad);
        for (int64_t px = pad + n2; px < p2; ++px) // after it
          row[px] = g.circular ? in[px - pad - n2] : T(0);
      }
    }
}

/// Output plane z of sample n (see the file comment). The plane is
/// accumulated on the slab's padded row pitch P_2, so that every (c, k, o)
/// step is one long axpy over out_1 rows (the P_2 - out_2 columns past each
/// row's end are scratch, dropped when the plane is written out).
template <typename T>
void directPlane(const ConvGeometry &g, int64_t cin, int64_t cout, const T *x,
                 const T *w, const T *b, T *y, int64_t n, int64_t z, T *slab,
                 T *acc) {
  const int64_t p1 = g.in[1] + 2 * g.pad[1], p2 = g.in[2] + 2 * g.pad[2];
  const int64_t kp = g.kernelSize(), os = g.outSize();
  const int64_t len = (g.out[1] - 1) * p2 + g.out[2]; // last row: out_2
  padSlab(g, cin, x + n * cin * g.inSize(), z, slab);
  std::fill(acc, acc + cout * g.out[1] * p2, T(0));
  // The (k_1, k_2) taps of one (c, k_0) step: offsets into the slab plane.
  const int64_t taps = g.kernel[1] * g.kernel[2];
  const std::vector<int64_t> off = tapOffsets(g, p2);
  T *accs[kAccBlock];
  const T *ws[kAccBlock];
  for (int64_t c = 0; c < cin; ++c)
    for (int64_t kz = 0; kz < g.kernel[0]; ++kz) {
      const T *src = slab + (c * g.kernel[0] + kz) * p1 * p2;
      for (int64_t o0 = 0; o0 < cout; o0 += kAccBlock) {
        const int64_t ob = std::min<int64_t>(kAccBlock, cout - o0);
        for (int64_t b = 0; b < ob; ++b) {
          accs[b] = acc + (o0 + b) * g.out[1] * p2;
          ws[b] = w + ((o0 + b) * cin + c) * kp + kz * taps;
        }
        accumulateTaps(accs, src, off.data(), ws, ob, taps, len);
      }
    }
  for (int64_t o = 0; o < cout; ++o)
    for (int64_t oy = 0; oy < g.out[1]; ++oy) {
      const T *row = acc + (o * g.out[1] + oy) * p2;
      T *dst = y + (n * cout + o) * os + (z * g.out[1] + oy) * g.out[2];
      const T bias = b ? b[o] : T(0);
      for (int64_t ox = 0; ox < g.out[2]; ++ox)
        dst[ox] = bias + row[ox];
    }
}

/// dw[:, c, :] = sum over samples and output planes (in order) of the
/// planes' tap dot products (see directConvGradWeight).
template <typename T>
void gradWeightChannel(const ConvGeometry &g, int64_t cin, int64_t cout,
                       const T *x, const T *dy, T *dw, int64_t c, T *slab,
                       T *plane) {
  const int64_t p1 = g.in[1] + 2 * g.pad[1], p2 = g.in[2] + 2 * g.pad[2];
  const int64_t kp = g.kernelSize(), os = g.outSize();
  const int64_t taps = g.kernel[1] * g.kernel[2];
  const int64_t len = (g.out[1] - 1) * p2 + g.out[2];
  const std::vector<int64_t> off = tapOffsets(g, p2);
  const int64_t pitch = g.out[1] * p2; // one dy plane on the slab's pitch
  std::vector<T> sums(static_cast<size_t>(cout * kp), T(0));
  std::fill(plane, plane + kDotBlock * pitch, T(0)); // columns past out_2: 0
  const T *planes[kDotBlock];
  T *outs[kDotBlock];
  for (int64_t n = 0; n < g.batch; ++n)
    for (int64_t z = 0; z < g.out[0]; ++z) {
      padSlab(g, 1, x + (n * cin + c) * g.inSize(), z, slab);
      for (int64_t o0 = 0; o0 < cout; o0 += kDotBlock) {
        const int64_t ob = std::min<int64_t>(kDotBlock, cout - o0);
        for (int64_t b = 0; b < ob; ++b) {
          const T *d = dy + (n * cout + o0 + b) * os + z * g.out[1] * g.out[2];
          for (int64_t oy = 0; oy < g.out[1]; ++oy)
            std::copy(d + oy * g.out[2], d + (oy + 1) * g.out[2],
                      plane + b * pitch + oy * p2);
          planes[b] = plane + b * pitch;
        }
        for (int64_t kz = 0; kz < g.kernel[0]; ++kz) {
          for (int64_t b = 0; b < ob; ++b)
            outs[b] = sums.data() + (o0 + b) * kp + kz * taps;
          dotTaps(planes, slab + kz * p1 * p2, off.data(), outs, ob, taps, len);
        }
      }
    }
  for (int64_t o = 0; o < cout; ++o)
    std::copy(sums.begin() + o * kp, sums.begin() + (o + 1) * kp,
              dw + (o * cin + c) * kp);
}

} // namespace

bool directConvApplies(const ConvGeometry &g, int64_t cout) {
  return g.stride[0] == 1 && g.stride[1] == 1 && g.stride[2] == 1 &&
         cout <= kDirectMaxChannels;
}

bool flippedGeometry(const ConvGeometry &g, ConvGeometry &flipped) {
  flipped = g;
  for (int d = 0; d < 3; ++d) {
    if (g.stride[d] != 1 || (g.circular && 2 * g.pad[d] != g.kernel[d] - 1))
      return false;
    flipped.in[d] = g.out[d], flipped.out[d] = g.in[d];
    flipped.pad[d] = g.kernel[d] - 1 - g.pad[d];
  }
  return true;
}

template <typename T>
void flipWeight(const T *w, T *flipped, int64_t cout, int64_t cin,
                const ConvGeometry &g) {
  const int64_t kp = g.kernelSize();
  for (int64_t o = 0; o < cout; ++o)
    for (int64_t c = 0; c < cin; ++c)
      for (int64_t k = 0; k < kp; ++k)
        flipped[(c * cout + o) * kp + (kp - 1 - k)] = w[(o * cin + c) * kp + k];
}

template <typename T>
void directConv(const ConvGeometry &g, int64_t cin, int64_t cout, const T *x,
                const T *w, const T *b, T *y, ThreadPool *pool) {
  const int64_t slabSize =
      cin * g.kernel[0] * (g.in[1] + 2 * g.pad[1]) * (g.in[2] + 2 * g.pad[2]);
  const int64_t accSize = cout * g.out[1] * (g.in[2] + 2 * g.pad[2]);
  parallelFor(pool, g.batch * g.out[0], 1, [&](int64_t u0, int64_t u1) {
    std::vector<T> slab(static_cast<size_t>(std::max<int64_t>(slabSize, 1)));
    std::vector<T> acc(static_cast<size_t>(std::max<int64_t>(accSize, 1)));
    for (int64_t u = u0; u < u1; ++u)
      directPlane(g, cin, cout, x, w, b, y, u / g.out[0], u % g.out[0],
                  slab.data(), acc.data());
  });
}

template <typename T>
void directConvGradWeight(const ConvGeometry &g, int64_t cin, int64_t cout,
                          const T *x, const T *dy, T *dw, ThreadPool *pool) {
  const int64_t p1 = g.in[1] + 2 * g.pad[1], p2 = g.in[2] + 2 * g.pad[2];
  parallelFor(pool, cin, 1, [&](int64_t c0, int64_t c1) {
    std::vector<T> slab(static_cast<size_t>(g.kernel[0] * p1 * p2));
    std::vector<T> plane(
        static_cast<size_t>(std::max<int64_t>(kDotBlock * g.out[1] * p2, 1)));
    for (int64_t c = c0; c < c1; ++c)
      gradWeightChannel(g, cin, cout, x, dy, dw, c, slab.data(), plane.data());
  });
}

template void flipWeight<float>(const float *, float *, int64_t, int64_t,
                                const ConvGeometry &);
template void flipWeight<double>(const double *, double *, int64_t, int64_t,
                                 const ConvGeometry &);
template void directConv<float>(const ConvGeometry &, int64_t, int64_t,
                                const float *, const float *, const float *,
                                float *, ThreadPool *);
template void directConv<double>(const ConvGeometry &, int64_t, int64_t,
                                 const double *, const double *, const double *,
                                 double *, ThreadPool *);

template void directConvGradWeight<float>(const ConvGeometry &, int64_t,
                                          int64_t, const float *, const float *,
                                          float *, ThreadPool *);
template void directConvGradWeight<double>(const ConvGeometry &, int64_t,
                                           int64_t, const double *,
                                           const double *, double *,
                                           ThreadPool *);

} // namespace shodh
