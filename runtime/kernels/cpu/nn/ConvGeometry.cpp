//===- ConvGeometry.cpp - im2col / col2im of the CPU convolutions ---------===//
//
// See ConvGeometry.h. The patch loops run over (kernel offset, output row)
// and, innermost, the output positions of one row, split into at most three
// runs along the last axis (before, inside and after the input; zeros or
// wrapped for circular padding), each copied or accumulated without a test
// per element.
//
//===----------------------------------------------------------------------===//
#include "runtime/kernels/cpu/nn/ConvGeometry.h"
#include "runtime/kernels/cpu/SignatureChecks.h"
#include "runtime/support/Status.h"

#include <fmt/format.h>

#include <algorithm>
#include <climits>

namespace shodh {

namespace {

/// `i` wrapped into [0, n) (circular padding; |i| < 2n by the checks).
inline int64_t wrap(int64_t i, int64_t n) {
  return i < 0 ? i + n : (i >= n ? i - n : i);
}

/// out[t] = in[t], t < n (rows of a few dozen values: inlined and
/// vectorised rather than a memmove call per row).
template <typename T>
inline void copyRun(const T *__restrict in, T *__restrict out, int64_t n) {
  for (int64_t t = 0; t < n; ++t)
    out[t] = in[t];
}

/// out[t] += in[t], t < n.
template <typename T>
inline void addRun(const T *__restrict in, T *__restrict out, int64_t n) {
  for (int64_t t = 0; t < n; ++t)
    out[t] += in[t];
}

/// ceil(a / b) for a >= 0, b > 0.
inline int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

/// Calls seg(colIndex, count, inputIndex, step) for every run of patch
/// elements of kernel offset (k0, k1, k2) and output positions [j0, j0 +
/// cols): the run's elements read inputs inputIndex, inputIndex + step, ...
/// (inputIndex -1: padding zeros). Along the last axis an output row splits
/// into at most three runs (before, inside and after the input; the outer
/// two wrap around for circular padding), so the callers copy contiguous
/// runs instead of testing every element.
template <typename Seg>
void forPatchSegments(const ConvGeometry &g, int64_t k0, int64_t k1, int64_t k2,
                      int64_t j0, int64_t cols, Seg &&seg) {
  const int64_t o2n = g.out[2], o12 = g.out[1] * g.out[2];
  const int64_t s = g.stride[2], n = g.in[2];
  // The output position of j, advanced row by row (no division per row).
  int64_t o0 = j0 / o12, o1 = (j0 / o2n) % g.out[1], o2 = j0 % o2n;
  for (int64_t j = j0; j < j0 + cols;
       o2 = 0, o1 = o1 + 1 == g.out[1] ? (++o0, 0) : o1 + 1) {
    int64_t run = std::min(o2n - o2, j0 + cols - j); // rest of this row
    int64_t i0 = o0 * g.stride[0] - g.pad[0] + k0;
    int64_t i1 = o1 * g.stride[1] - g.pad[1] + k1;
    bool rowOut = false;
    if (g.circular)
      i0 = wrap(i0, g.in[0]), i1 = wrap(i1, g.in[1]);
    else
      rowOut = i0 < 0 || i0 >= g.in[0] || i1 < 0 || i1 >= g.in[1];
    const int64_t col = j - j0;
    j += run;
    if (rowOut) {
      seg(col, run, int64_t(-1), s);
      continue;
    }
    const int64_t base = (i0 * g.in[1] + i1) * n;
    // Position t of the run reads i2 = a + s t along the last axis:
    // [0, lo) before the input, [lo, hi) inside, [hi, run) after it.
    const int64_t a = o2 * s - g.pad[2] + k2;
    const int64_t lo = a >= 0 ? 0 : std::min(run, ceilDiv(-a, s));
    const int64_t hi =
        std::max(lo, a >= n ? 0 : std::min(run, ceilDiv(n - a, s)));
    if (lo > 0)
      seg(col, lo, g.circular ? base + a + n : int64_t(-1), s);
    if (hi > lo)
      seg(col + lo, hi - lo, base + a + s * lo, s);
    if (run > hi)
      seg(col + hi, run - hi, g.circular ? base + a + s * hi - n : int64_t(-1),
          s);
  }
}

/// Calls fn(k, k0, k1, k2) for every kernel offset in row-major order.
template <typename Fn> void forKernel(const ConvGeometry &g, Fn &&fn) {
  int64_t k = 0;
  for (int64_t k0 = 0; k0 < g.kernel[0]; ++k0)
    for (int64_t k1 = 0; k1 < g.kernel[1]; ++k1)
      for (int64_t k2 = 0; k2 < g.kernel[2]; ++k2)
        fn(k++, k0, k1, k2);
}

/// Reads the Ints attribute `name` with `spatial` entries, each >= `min`.
std::vector<int64_t> spatialList(const KernelSignature &sig, const char *name,
                                 size_t spatial, int64_t min) {
  std::vector<int64_t> v = intsAttr(sig, name);
  if (v.size() != spatial)
    throw Error(fmt::format("{}: attribute '{}' must have one entry per "
                            "spatial axis ({}), got {}",
                            sig.where, name, spatial, v.size()));
  for (size_t i = 0; i < v.size(); ++i)
    if (v[i] < min)
      throw Error(fmt::format("{}: {}[{}] must be at least {}, got {}",
                              sig.where, name, i, min, v[i]));
  return v;
}

} // namespace

ConvAttrs parseConvAttrs(const KernelSignature &sig, size_t spatial,
                         bool withMode) {
  ConvAttrs a;
  a.stride = spatialList(sig, "stride", spatial, 1);
  a.padding = spatialList(sig, "padding", spatial, 0);
  if (withMode) {
    std::string mode = stringAttr(sig, "padding_mode", "zeros");
    if (mode != "zeros" && mode != "circular")
      throw Error(fmt::format("{}: attribute 'padding_mode' must be \"zeros\" "
                              "or \"circular\", got \"{}\"",
                              sig.where, mode));
    a.circular = mode == "circular";
  }
  return a;
}

ConvGeometry makeConvGeometry(const std::string &where, int64_t batch,
                              const std::vector<int64_t> &in,
                              const std::vector<int64_t> &kernel,
                              const ConvAttrs &attrs) {
  ConvGeometry g;
  g.batch = batch, g.circular = attrs.circular;
  size_t shift = 3 - in.size();
  for (size_t d = 0; d < in.size(); ++d) {
    int64_t s = in[d], k = kernel[d], p = attrs.padding[d];
    if (attrs.circular && p > s)
      throw Error(fmt::format("{}: circular padding {} exceeds the input size "
                              "{} of spatial axis {}",
                              where, p, s, d));
    if (k < 1 || s + 2 * p < k)
      throw Error(fmt::format("{}: spatial axis {}: input size {} with padding "
                              "{} on each side is smaller than the kernel "
                              "size {}",
                              where, d, s, p, k));
    g.in[shift + d] = s, g.kernel[shift + d] = k;
    g.stride[shift + d] = attrs.stride[d], g.pad[shift + d] = p;
    g.out[shift + d] = (s + 2 * p - k) / attrs.stride[d] + 1;
  }
  return g;
}

std::vector<int64_t> outDims(const ConvGeometry &g, size_t spatial) {
  return std::vector<int64_t>(g.out.end() - spatial, g.out.end());
}

template <typename T>
void im2col(const ConvGeometry &g, const T *x, int64_t j0, int64_t cols, T *col,
            int64_t kBegin, int64_t kEnd) {
  if (kEnd < 0)
    kEnd = g.kernelSize();
  forKernel(g, [&](int64_t k, int64_t k0, int64_t k1, int64_t k2) {
    if (k < kBegin || k >= kEnd)
      return;
    T *row = col + (k - kBegin) * cols;
    forPatchSegments(g, k0, k1, k2, j0, cols,
                     [&](int64_t c, int64_t count, int64_t i, int64_t step) {
                       T *out = row + c;
                       if (i < 0)
                         std::fill(out, out + count, T(0));
                       else if (step == 1) // short rows: a loop, no memmove
                         copyRun(x + i, out, count);
                       else
                         for (int64_t t = 0; t < count; ++t)
                           out[t] = x[i + t * step];
                     });
  });
}

template <typename T>
void col2im(const ConvGeometry &g, const T *col, int64_t j0, int64_t cols,
            T *dx) {
  forKernel(g, [&](int64_t k, int64_t k0, int64_t k1, int64_t k2) {
    const T *row = col + k * cols;
    forPatchSegments(g, k0, k1, k2, j0, cols,
                     [&](int64_t c, int64_t count, int64_t i, int64_t step) {
                       if (i >= 0 && step == 1)
                         addRun(row + c, dx + i, count);
                       else if (i >= 0)
                         for (int64_t t = 0; t < count; ++t)
                           dx[i + t * step] += row[c + t];
                     });
  });
}

template void im2col<float>(const ConvGeometry &, const float *, int64_t,
                            int64_t, float *, int64_t, int64_t);
template void im2col<double>(const ConvGeometry &, const double *, int64_t,
                             int64_t, double *, int64_t, int64_t);
template void col2im<float>(const ConvGeometry &, const float *, int64_t,
                            int64_t, float *);
template void col2im<double>(const ConvGeometry &, const double *, int64_t,
                             int64_t, double *);

int64_t convColumnBlock(int64_t rows, int64_t outSize, int64_t budget) {
  int64_t cols = std::max<int64_t>(64, budget / std::max<int64_t>(rows, 1));
  return std::max<int64_t>(1, std::min(cols, outSize));
}

void checkBlasDim(const std::string &where, int64_t n) {
  if (n > INT_MAX)
    throw Error(fmt::format("{}: dimension {} exceeds the BLAS limit of {}",
                            where, n, INT_MAX));
}

} // namespace shodh
