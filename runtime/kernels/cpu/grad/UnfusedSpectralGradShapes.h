//===- UnfusedSpectralGradShapes.h - Checks of the unfused spectral grads -===//
//
// The concrete-shape checks of rfft_grad, irfft_grad and
// spectral_contract_grad_{input,weight} (SpectralGrad.cpp), shared by the
// CPU kernels and the CUDA ones (cuda/UnfusedSpectralGradKernels.cpp) so
// that both reject a call with the same message, and what both derive from
// a valid call: the transform grid and rows, the per-mode factors of the
// transform adjoints (s_fwd / c_k for rfft_grad, s_inv c_k for irfft_grad,
// c_k from SpectralAdjoint.h), the (B, I, O, K) of a contraction adjoint.
// Header-only, like UnfusedSpectralShapes.h.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/core/Kernel.h"
#include "runtime/kernels/cpu/grad/SpectralAdjoint.h"
#include "runtime/kernels/cpu/spectral/FftPlan.h"
#include "runtime/kernels/cpu/spectral/UnfusedSpectralShapes.h"
#include "runtime/support/Status.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace shodh {

/// What rfft_grad / irfft_grad transform and how they scale each mode.
struct RealFftGradShapes {
  std::vector<int64_t> grid; ///< N_1..N_d, read from the real operand
  int64_t rows = 0;          ///< spectra (product of the leading dims)
  int64_t halfSize = 0;      ///< elements of one half spectrum
  /// Per half-spectrum mode (row-major): s_fwd / c_k (rfft_grad, applied
  /// before the c2r) or s_inv c_k (irfft_grad, applied after the r2c).
  std::vector<float> factor;
};

/// Checks an rfft_grad (`forwardDir` Forward: half `in`, real `out`) or
/// irfft_grad (Inverse: real `in`, half `out`) over the trailing `ndims`
/// axes with the forward's `norm` (the factory has checked ndims, the norm
/// and that both operands have the same rank).
inline RealFftGradShapes
checkRealFftGradShapes(const std::string &where, FftDirection forwardDir,
                       int ndims, const std::string &norm,
                       const std::vector<int64_t> &in,
                       const std::vector<int64_t> &out) {
  const bool ofRfft = forwardDir == FftDirection::Forward;
  const std::vector<int64_t> &real = ofRfft ? out : in,
                             &half = ofRfft ? in : out;
  const size_t d = static_cast<size_t>(ndims);
  RealFftGradShapes s;
  const bool ranks = real.size() >= d && half.size() == real.size();
  const size_t lead = ranks ? real.size() - d : 0;
  if (ranks)
    s.grid = lastExtents(real, d);
  if (!ranks || s.grid.empty() ||
      !std::equal(real.begin(), real.begin() + std::ptrdiff_t(lead),
                  half.begin()) ||
      lastExtents(half, d) != SpectralGeometry{s.grid, s.grid}.halfShape())
    throw Error(fmt::format("{}: the spectrum's shape does not match the grid "
                            "(expected the leading dims and {}/2+1 on the "
                            "last axis)",
                            where, s.grid.empty() ? 0 : s.grid.back()));
  s.halfSize = SpectralGeometry{s.grid, s.grid}.halfSize();
  s.rows = extentProduct(half) / std::max<int64_t>(1, s.halfSize);
  float scale = 1.0f; // s_fwd for rfft_grad, s_inv for irfft_grad
  fftScale(norm, extentProduct(s.grid), forwardDir, scale);
  s.factor = halfModeWeights(s.grid);
  for (float &c : s.factor)
    c = ofRfft ? scale / c : scale * c;
  return s;
}

/// Checks that `s[0..2]` (operands called `names`) share a rank >= 2 and
/// the mode extents of `s[0]`, and that `s[2]` starts with `wantOut`.
inline void checkContractAdjointRanks(const std::string &where,
                                      const char *const names[3],
                                      const std::vector<int64_t> *const s[3],
                                      const std::array<int64_t, 2> &wantOut) {
  for (int i = 0; i < 3; ++i)
    if (s[i]->size() < 2 || s[i]->size() != s[0]->size())
      throw Error(fmt::format("{}: {} must have the rank of {} (>= 2)", where,
                              names[i], names[0]));
  std::vector<int64_t> modes = lastExtents(*s[0], s[0]->size() - 2);
  for (int i = 1; i < 3; ++i)
    if (lastExtents(*s[i], modes.size()) != modes)
      throw Error(fmt::format("{}: {} mode extents differ from {}'s", where,
                              names[i], names[0]));
  if ((*s[2])[0] != wantOut[0] || (*s[2])[1] != wantOut[1])
    throw Error(fmt::format("{}: {} must be [{}, {}, ...], got [{}, {}, ...]",
                            where, names[2], wantOut[0], wantOut[1], (*s[2])[0],
                            (*s[2])[1]));
}

/// Checks spectral_contract_grad_weight (`weight`: x [B, I, K...],
/// dy [B, O, K...] -> dw [I, O, K...]) or spectral_contract_grad_input
/// (dy [B, O, K...], w [I, O, K...] -> dx [B, I, K...]); returns
/// (B, I, O, K) with K the product of the mode extents.
inline std::array<int64_t, 4> checkContractGradShapes(
    const std::string &where, bool weight, const std::vector<int64_t> &a,
    const std::vector<int64_t> &b, const std::vector<int64_t> &out) {
  const std::vector<int64_t> *shapes[3] = {&a, &b, &out};
  auto at = [](const std::vector<int64_t> &v, size_t i) {
    return v.size() > 1 ? v[i] : 0;
  };
  if (weight) { // x [B, I, K], dy [B, O, K] -> dw [I, O, K]
    const char *const names[3] = {"x", "dy", "output"};
    checkContractAdjointRanks(where, names, shapes, {at(a, 1), at(b, 1)});
    if (a[0] != b[0])
      throw Error(fmt::format("{}: x and dy batch sizes differ ({} vs {})",
                              where, a[0], b[0]));
    return {a[0], a[1], b[1], extentProduct(a, 2)};
  }
  // dy [B, O, K], w [I, O, K] -> dx [B, I, K]
  const char *const names[3] = {"dy", "weight", "output"};
  checkContractAdjointRanks(where, names, shapes, {at(a, 0), at(b, 0)});
  if (b[1] != a[1])
    throw Error(fmt::format("{}: weight has {} output channels but dy has {}",
                            where, b[1], a[1]));
  return {a[0], b[0], a[1], extentProduct(a, 2)};
}

} // namespace shodh
