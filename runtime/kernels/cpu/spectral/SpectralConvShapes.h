//===- SpectralConvShapes.h - Shape checks of the spectral_conv kernel ----===//
//
// The concrete-shape checks of `spectral_conv` (x [B, I, N...], weight
// [I, O, truncated modes], y [B, O, N...], the optional saved spectrum
// [B, I, truncated modes], addend [B, O, N...], skip weight [O, I] and skip
// bias [O]), shared by the CPU and CUDA kernels' `prepare`.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/kernels/cpu/spectral/SpectralLayout.h"
#include "runtime/support/Status.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <string>
#include <vector>

namespace shodh {

/// The checked sizes of one spectral_conv call.
struct SpectralConvShapes {
  SpectralGeometry geom;
  int64_t B = 0, I = 0, O = 0;
};

/// The optional operands' shapes (null when the call has none).
struct SpectralConvExtras {
  const std::vector<int64_t> *saved = nullptr, *addend = nullptr, *skipWeight = nullptr,
                             *skipBias = nullptr;
};

/// Checks the shapes; throws Error naming `where`.
inline SpectralConvShapes
checkSpectralConvShapes(const std::string &where, const std::vector<int64_t> &modes,
                        const std::vector<int64_t> &x, const std::vector<int64_t> &w,
                        const std::vector<int64_t> &y, const SpectralConvExtras &extra) {
  const std::vector<int64_t> *saved = extra.saved, *addend = extra.addend;
  const size_t d = modes.size();
  if (x.size() != d + 2 || w.size() != d + 2 || y.size() != d + 2)
    throw Error(fmt::format("{}: x, weight and output must have rank {} ([B, C, {} spatial])",
                            where, d + 2, d));
  auto trailing = [d](const std::vector<int64_t> &s) {
    return std::vector<int64_t>(s.end() - long(d), s.end());
  };
  SpectralConvShapes s{SpectralGeometry{trailing(x), modes}, x[0], x[1], w[1]};
  std::string bad = s.geom.validate();
  if (!bad.empty())
    throw Error(fmt::format("{}: {}", where, bad));
  if (w[0] != x[1] || trailing(w) != s.geom.truncShape())
    throw Error(fmt::format("{}: weight must be [I = {}, O, {}] for modes {}", where, x[1],
                            fmt::join(s.geom.truncShape(), ", "), fmt::join(modes, ", ")));
  if (y[0] != x[0] || y[1] != w[1] || trailing(y) != s.geom.grid)
    throw Error(fmt::format("{}: output must be [B, O, grid of x]", where));
  if (saved) {
    std::vector<int64_t> want = {x[0], x[1]};
    for (int64_t t : s.geom.truncShape())
      want.push_back(t);
    if (*saved != want)
      throw Error(fmt::format("{}: the saved spectrum must be [{}], got [{}]", where,
                              fmt::join(want, ", "), fmt::join(*saved, ", ")));
  }
  if (addend && *addend != y)
    throw Error(fmt::format("{}: the addend must have the output's shape [{}], got [{}]",
                            where, fmt::join(y, ", "), fmt::join(*addend, ", ")));
  if (extra.skipWeight && *extra.skipWeight != std::vector<int64_t>{s.O, s.I})
    throw Error(fmt::format("{}: the skip weight must be [O = {}, I = {}], got [{}]", where, s.O,
                            s.I, fmt::join(*extra.skipWeight, ", ")));
  if (extra.skipBias && *extra.skipBias != std::vector<int64_t>{s.O})
    throw Error(fmt::format("{}: the skip bias must be [O = {}], got [{}]", where, s.O,
                            fmt::join(*extra.skipBias, ", ")));
  return s;
}

} // namespace shodh
