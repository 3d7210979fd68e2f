//===- SpectralConvShapes.h - Shape checks of the spectral_conv kernel ----===//
//
// The concrete-shape checks of `spectral_conv` (x [B, I, N...], weight
// [I, O, truncated modes], y [B, O, N...], the optional saved spectrum
// [B, I, truncated modes], addend [B, O, N...], skip weight [O, I] and skip
// bias [O]), shared by the CPU and CUDA kernels' `prepare`.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/core/Kernel.h"
#include "runtime/kernels/cpu/spectral/SpectralLayout.h"
#include "runtime/support/Status.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <string>
#include <vector>

namespace shodh {

/// The checked sizes of one spectral_conv call (points: of one grid).
struct SpectralConvShapes {
  SpectralGeometry geom;
  int64_t B = 0, I = 0, O = 0, points = 0;
};

/// Which optional operands a call has (its 0/1 attributes): a saved
/// spectrum (second output), an addend or a skip weight (third input; with
/// `skip` an optional skip bias as the fourth), the activated output (last
/// output, y's shape).
struct SpectralConvForm {
  bool save = false, addend = false, skip = false, activated = false;
};

/// Checks the shapes of a call of form `f`; throws Error naming `where`.
inline SpectralConvShapes checkSpectralConvShapes(const std::string &where,
                                                  const std::vector<int64_t> &modes,
                                                  SpectralConvForm f,
                                                  const std::vector<TensorRef> &in,
                                                  const std::vector<TensorRef> &out) {
  const std::vector<int64_t> &x = in[0].shape, &w = in[1].shape, &y = out[0].shape;
  const std::vector<int64_t> *saved = f.save ? &out[1].shape : nullptr,
                             *addend = f.addend ? &in[2].shape : nullptr,
                             *skipWeight = f.skip ? &in[2].shape : nullptr,
                             *skipBias = f.skip && in.size() > 3 ? &in[3].shape : nullptr;
  const size_t d = modes.size();
  if (x.size() != d + 2 || w.size() != d + 2 || y.size() != d + 2)
    throw Error(fmt::format("{}: x, weight and output must have rank {} ([B, C, {} spatial])",
                            where, d + 2, d));
  auto trailing = [d](const std::vector<int64_t> &s) {
    return std::vector<int64_t>(s.end() - long(d), s.end());
  };
  SpectralConvShapes s{SpectralGeometry{trailing(x), modes}, x[0], x[1], w[1], 1};
  for (int64_t n : s.geom.grid)
    s.points *= n;
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
  if (f.activated && out.back().shape != y)
    throw Error(fmt::format(
        "{}: the activated output must have the output's shape [{}], got [{}]",
        where, fmt::join(y, ", "), fmt::join(out.back().shape, ", ")));
  if (addend && *addend != y)
    throw Error(fmt::format("{}: the addend must have the output's shape [{}], got [{}]",
                            where, fmt::join(y, ", "), fmt::join(*addend, ", ")));
  if (skipWeight && *skipWeight != std::vector<int64_t>{s.O, s.I})
    throw Error(fmt::format("{}: the skip weight must be [O = {}, I = {}], got [{}]", where, s.O,
                            s.I, fmt::join(*skipWeight, ", ")));
  if (skipBias && *skipBias != std::vector<int64_t>{s.O})
    throw Error(fmt::format("{}: the skip bias must be [O = {}], got [{}]", where, s.O,
                            fmt::join(*skipBias, ", ")));
  return s;
}

} // namespace shodh
