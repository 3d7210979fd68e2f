//===- UnfusedSpectralShapes.h - Shape checks of the unfused spectral ops -===//
//
// The concrete-shape checks of rfft, irfft, spectral_truncate, spectral_pad
// and spectral_contract (SpectralKernels.cpp), shared by the CPU kernels and
// the CUDA ones (cuda/UnfusedSpectralKernels.cpp) so that both reject a call
// with the same message, and the extents both derive from a valid call (the
// transform grid, the number of rows, the norm's scale, the (B, I, O, K) of
// a contraction). Header-only: the CPU kernels' `prepare` and the CUDA
// kernels' `prepare` call the same inline functions.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/core/Kernel.h"
#include "runtime/kernels/cpu/spectral/FftPlan.h"
#include "runtime/kernels/cpu/spectral/SpectralLayout.h"
#include "runtime/support/Status.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace shodh {

/// The last `d` dims of `s` (the caller checks that `s` has them).
inline std::vector<int64_t> lastExtents(const std::vector<int64_t> &s,
                                        size_t d) {
  return std::vector<int64_t>(s.end() - static_cast<std::ptrdiff_t>(d),
                              s.end());
}

/// Product of `s[from..]`.
inline int64_t extentProduct(const std::vector<int64_t> &s, size_t from = 0) {
  int64_t p = 1;
  for (size_t i = from; i < s.size(); ++i)
    p *= s[i];
  return p;
}

/// Throws unless `a` and `b` both have at least `lead` dims and equal
/// leading dims.
inline void expectSameLeadingDims(const std::string &where,
                                  const std::vector<int64_t> &a,
                                  const std::vector<int64_t> &b, size_t lead) {
  if (a.size() < lead || b.size() < lead ||
      !std::equal(a.begin(), a.begin() + static_cast<std::ptrdiff_t>(lead),
                  b.begin()))
    throw Error(fmt::format("{}: leading dimensions of input and output differ",
                            where));
}

/// What rfft / irfft transform: `rows` grids `grid`, scaled by `scale`.
struct RealFftShapes {
  std::vector<int64_t> grid; ///< N_1..N_d
  int64_t rows = 0;          ///< product of the leading dims
  float scale = 1.0f;        ///< the norm's factor for this direction
};

/// Checks an rfft (`dir` Forward: real `in`, half-spectrum `out`) or irfft
/// (Inverse: half `in`, real `out`) over the trailing `ndims` axes with
/// normalisation `norm` (already validated by the factory).
inline RealFftShapes checkRealFftShapes(const std::string &where,
                                        FftDirection dir, int ndims,
                                        const std::string &norm,
                                        const std::vector<int64_t> &in,
                                        const std::vector<int64_t> &out) {
  const bool fwd = dir == FftDirection::Forward;
  const std::vector<int64_t> &real = fwd ? in : out, &half = fwd ? out : in;
  const size_t d = static_cast<size_t>(ndims);
  if (real.size() < d)
    throw Error(fmt::format("{}: leading dimensions of input and output differ",
                            where));
  const size_t lead = real.size() - d;
  expectSameLeadingDims(where, real, half, lead);
  RealFftShapes s;
  s.grid = lastExtents(real, d);
  for (int64_t n : s.grid)
    if (n < 1)
      throw Error(fmt::format("{}: the transformed extents [{}] must be >= 1",
                              where, fmt::join(s.grid, ", ")));
  SpectralGeometry g{s.grid, s.grid};
  if (half.size() != real.size() || lastExtents(half, d) != g.halfShape())
    throw Error(fmt::format("{}: spectrum shape does not match grid", where));
  s.rows = 1;
  for (size_t i = 0; i < lead; ++i)
    s.rows *= real[i];
  fftScale(norm, extentProduct(s.grid), dir, s.scale);
  return s;
}

/// What spectral_truncate / spectral_pad move: `rows` spectra of `geom`.
struct CornerShapes {
  SpectralGeometry geom; ///< grid with N_d = 2 (H - 1), and the modes
  int64_t rows = 0;      ///< product of the leading dims
};

/// Checks a spectral_truncate (`pad` false: half `in`, truncated `out`) or
/// spectral_pad (true: truncated `in`, half `out`) with `modes`.
inline CornerShapes checkCornerShapes(const std::string &where, bool pad,
                                      const std::vector<int64_t> &modes,
                                      const std::vector<int64_t> &in,
                                      const std::vector<int64_t> &out) {
  const std::vector<int64_t> &half = pad ? out : in, &trunc = pad ? in : out;
  const size_t d = modes.size();
  if (half.size() < d)
    throw Error(fmt::format("{}: leading dimensions of input and output differ",
                            where));
  expectSameLeadingDims(where, half, trunc, half.size() - d);
  std::vector<int64_t> grid = lastExtents(half, d);
  grid.back() = 2 * (grid.back() - 1); // any N with N/2+1 = H: same layout
  CornerShapes s{SpectralGeometry{grid, modes}, 0};
  std::string bad = s.geom.validate();
  if (!bad.empty())
    throw Error(fmt::format("{}: {}", where, bad));
  if (trunc.size() != half.size() ||
      lastExtents(trunc, d) != s.geom.truncShape())
    throw Error(fmt::format("{}: truncated spectrum shape does not match modes",
                            where));
  s.rows = 1;
  for (size_t i = 0; i + d < half.size(); ++i)
    s.rows *= half[i];
  return s;
}

/// Checks spectral_contract's x [B, I, K...], w [I, O, K...] and output
/// [B, O, K...] (K... = x's dims after the second); returns (B, I, O, K).
inline std::array<int64_t, 4>
checkContractShapes(const std::string &where, const std::vector<int64_t> &x,
                    const std::vector<int64_t> &w,
                    const std::vector<int64_t> &o) {
  const size_t r = std::max<size_t>(x.size(), 2);
  if (x.size() != r || w.size() != r || o.size() != r)
    throw Error(
        fmt::format("{}: x, weight and output must have rank {}", where, r));
  const std::vector<int64_t> modes = lastExtents(x, r - 2);
  if (w[0] != x[1])
    throw Error(fmt::format("{}: weight has {} input channels but x has {}",
                            where, w[0], x[1]));
  if (o[0] != x[0] || o[1] != w[1])
    throw Error(
        fmt::format("{}: output shape does not match [B, O, ...]", where));
  if (lastExtents(w, r - 2) != modes || lastExtents(o, r - 2) != modes)
    throw Error(
        fmt::format("{}: weight and output mode extents must match x", where));
  return {x[0], x[1], w[1], extentProduct(modes)};
}

} // namespace shodh
