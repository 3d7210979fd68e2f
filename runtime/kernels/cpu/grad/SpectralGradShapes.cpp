//===- SpectralGradShapes.cpp - Shape checks of spectral_conv's gradients -===//
#include "runtime/kernels/cpu/grad/SpectralGradShapes.h"
#include "runtime/kernels/cpu/grad/SpectralAdjoint.h"
#include "runtime/kernels/cpu/spectral/FftPlan.h"
#include "runtime/support/Status.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace shodh {

namespace {

/// Trailing `d` dims of a shape.
std::vector<int64_t> trailingDims(const std::vector<int64_t> &s, size_t d) {
  return std::vector<int64_t>(s.end() - d, s.end());
}

/// The geometry of grid `grid` with `modes`; throws if invalid.
SpectralGeometry validGeometry(const std::string &where,
                               const std::vector<int64_t> &grid,
                               const std::vector<int64_t> &modes) {
  SpectralGeometry g{grid, modes};
  std::string bad = g.validate();
  if (!bad.empty())
    throw Error(fmt::format("{}: {}", where, bad));
  return g;
}

/// Throws unless `w` is [in, out, truncated extents of g].
void checkWeight(const std::string &where, const char *what,
                 const std::vector<int64_t> &w, int64_t in, int64_t out,
                 const SpectralGeometry &g) {
  if (w[0] != in || w[1] != out || trailingDims(w, g.dims()) != g.truncShape())
    throw Error(fmt::format("{}: {} must be [I = {}, O = {}, {}] for modes {}, "
                            "got [{}]",
                            where, what, in, out,
                            fmt::join(g.truncShape(), ", "),
                            fmt::join(g.modes, ", "), fmt::join(w, ", ")));
}

/// Throws unless `t` is [batch, channels, grid of g].
void checkField(const std::string &where, const char *what,
                const std::vector<int64_t> &t, int64_t batch, int64_t channels,
                const SpectralGeometry &g) {
  if (t[0] != batch || t[1] != channels || trailingDims(t, g.dims()) != g.grid)
    throw Error(fmt::format("{}: {} must be [B = {}, {}, {}], got [{}]", where,
                            what, batch, channels, fmt::join(g.grid, ", "),
                            fmt::join(t, ", ")));
}

/// Throws unless `t` is the saved spectrum [batch, in, truncated extents].
void checkSpectrum(const std::string &where, const std::vector<int64_t> &t,
                   int64_t batch, int64_t in, const SpectralGeometry &g) {
  std::vector<int64_t> want = {batch, in};
  for (int64_t e : g.truncShape())
    want.push_back(e);
  if (t != want)
    throw Error(fmt::format("{}: spectrum must be [{}], got [{}]", where,
                            fmt::join(want, ", "), fmt::join(t, ", ")));
}

} // namespace

void checkLayerGradInputs(const std::string &where, const SpectralGradShapes &s,
                          bool skip, bool pre, const std::vector<TensorRef> &in,
                          const std::vector<TensorRef> &out, bool skipParams,
                          const char *preName) {
  if (skip) {
    const std::vector<int64_t> &w = in[3].shape;
    if (w.size() != 2 || w[0] != s.out || w[1] != s.in)
      throw Error(fmt::format("{}: skip weight must be [O = {}, I = {}], got [{}]", where, s.out,
                              s.in, fmt::join(w, ", ")));
  }
  if (skipParams) {
    if (in[4].shape != out[0].shape)
      throw Error(fmt::format(
          "{}: skip input must have dx's shape [{}], got [{}]", where,
          fmt::join(out[0].shape, ", "), fmt::join(in[4].shape, ", ")));
    const std::vector<int64_t> dw{s.out, s.in}, db{s.out};
    if (out[2].shape != dw || out[3].shape != db)
      throw Error(fmt::format(
          "{}: skip weight and bias gradients must be [{}] and [{}], got "
          "[{}] and [{}]",
          where, fmt::join(dw, ", "), fmt::join(db, ", "),
          fmt::join(out[2].shape, ", "), fmt::join(out[3].shape, ", ")));
  }
  if (pre && in.back().shape != out[0].shape)
    throw Error(fmt::format("{}: {} must have dx's shape [{}], got [{}]", where,
                            preName, fmt::join(out[0].shape, ", "),
                            fmt::join(in.back().shape, ", ")));
}

SpectralGradShapes checkSpectralGradShapes(SpectralGradKind kind, bool saved,
                                           const std::string &where,
                                           const std::vector<int64_t> &modes,
                                           const std::vector<TensorRef> &in,
                                           const std::vector<TensorRef> &out) {
  SpectralGradShapes s;
  switch (kind) {
  case SpectralGradKind::Input: { // dy [B, O, N], w [I, O, T] -> dx
    const std::vector<int64_t> &dy = in[0].shape, &w = in[1].shape;
    s.geom = validGeometry(where, trailingDims(dy, modes.size()), modes);
    s.batch = dy[0], s.out = dy[1], s.in = w[0];
    checkWeight(where, "weight", w, s.in, s.out, s.geom);
    checkField(where, "output", out[0].shape, s.batch, s.in, s.geom);
    break;
  }
  case SpectralGradKind::Weight: { // x [B, I, N], dy [B, O, N] -> dw
    const std::vector<int64_t> &x = in[0].shape, &dy = in[1].shape;
    s.geom = validGeometry(where, trailingDims(x, modes.size()), modes);
    s.batch = x[0], s.in = x[1], s.out = dy[1];
    checkField(where, "dy", dy, s.batch, s.out, s.geom);
    checkWeight(where, "output", out[0].shape, s.in, s.out, s.geom);
    break;
  }
  case SpectralGradKind::Both: { // x or spectrum, dy, w -> dx, dw
    const std::vector<int64_t> &dy = in[1].shape;
    s.geom = validGeometry(where, trailingDims(dy, modes.size()), modes);
    s.batch = dy[0], s.in = in[0].shape[1], s.out = dy[1];
    if (saved)
      checkSpectrum(where, in[0].shape, s.batch, s.in, s.geom);
    else
      checkField(where, "x", in[0].shape, s.batch, s.in, s.geom);
    checkWeight(where, "weight", in[2].shape, s.in, s.out, s.geom);
    checkField(where, "dx", out[0].shape, s.batch, s.in, s.geom);
    checkWeight(where, "dw", out[1].shape, s.in, s.out, s.geom);
    break;
  }
  }
  return s;
}

std::vector<float> weightGradScales(const SpectralGeometry &g) {
  double points = 1;
  for (int64_t a : g.grid)
    points *= double(a);
  std::vector<float> scale = truncatedModeWeights(g);
  for (float &c : scale)
    c = static_cast<float>(c / points);
  return scale;
}

float inverseScale(const SpectralGeometry &g) {
  int64_t points = 1;
  for (int64_t a : g.grid)
    points *= a;
  float scale = 1.0f;
  fftScale("backward", points, FftDirection::Inverse, scale);
  return scale;
}

} // namespace shodh
