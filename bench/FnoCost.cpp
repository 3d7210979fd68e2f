//===- FnoCost.cpp - Analytic FLOP and byte counts of the FNO-2D model ----===//
//
// Implements the formulas documented in FnoCost.h, layer by layer, so that
// each term can be checked against the header.
//
//===----------------------------------------------------------------------===//
#include "bench/FnoCost.h"

#include <cmath>
#include <string>

namespace shodh::bench {
namespace {

constexpr double kF32 = 4;
constexpr double kC64 = 8;

/// Sizes shared by the per-layer counts.
struct Dims {
  double b, n, r, cin, cout, w, m, p;
  explicit Dims(const FnoConfig &c)
      : b(double(c.batch)), n(double(c.batch) * double(c.res) * double(c.res)),
        r(double(c.res) * double(c.res)), cin(double(c.cin)),
        cout(double(c.cout)), w(double(c.width)), m(double(c.modes)),
        p(double(c.proj)) {}
  /// Kept modes per channel pair: 2m rows (both signs) by m columns.
  double keptModes() const { return 2 * m * m; }
  /// FLOPs of B*w 2-D real transforms of R points.
  double fftFlops() const { return b * w * 2.5 * r * std::log2(r); }
  /// FLOPs of one per-mode contraction pass (forward, dW or dX-hat).
  double contractFlops() const { return 8 * b * keptModes() * w * w; }
  /// Parameters (floats) of one Fourier layer: spectral (complex) + skip.
  double fourierParams() const { return 2 * w * w * keptModes() + w * w + w; }
  double liftParams() const { return w * cin + w; }
  double projParams() const { return p * w + p + cout * p + cout; }
};

/// Forward FLOPs of one linear layer c_in -> c_out over the grid.
void linearForward(Cost &c, const Dims &d, double ci, double co) {
  c.gemmFlops += 2 * d.n * ci * co;
  c.elementwiseFlops += d.n * co;
}

/// Backward FLOPs of one linear layer (dW, db, and dX when `needDx`).
void linearBackward(Cost &c, const Dims &d, double ci, double co, bool needDx) {
  c.gemmFlops += 2 * d.n * ci * co * (needDx ? 2 : 1);
  c.elementwiseFlops += d.n * co;
}

/// Forward FLOPs and bytes of one Fourier layer (GELU after it if `gelu`).
void fourierLayer(Cost &c, const Dims &d, bool gelu) {
  c.fftFlops += 2 * d.fftFlops(); // rfft + irfft
  c.contractFlops += d.contractFlops();
  linearForward(c, d, d.w, d.w);   // skip
  c.elementwiseFlops += d.n * d.w; // spectral + skip
  if (gelu)
    c.elementwiseFlops += kGeluFlops * d.n * d.w;
  c.bytes += kF32 * 2 * d.n * d.w + kC64 * d.w * d.w * d.keptModes() +
             kF32 * (d.w * d.w + d.w);
}

/// Forward FLOPs and bytes of the whole network (one inference).
Cost forward(const Dims &d, int64_t layers) {
  Cost c;
  linearForward(c, d, d.cin, d.w); // lift
  c.bytes += kF32 * (d.n * d.cin + d.n * d.w + d.liftParams());
  for (int64_t l = 0; l < layers; ++l)
    fourierLayer(c, d, l + 1 < layers);
  linearForward(c, d, d.w, d.p); // proj1
  c.elementwiseFlops += kGeluFlops * d.n * d.p;
  linearForward(c, d, d.p, d.cout); // proj2
  c.bytes += kF32 * (d.n * d.w + d.n * d.cout + d.projParams());
  return c;
}

/// Loss, backward and Adam FLOPs and bytes, added to a forward pass.
Cost trainStep(const Dims &d, int64_t layers, double params) {
  Cost c = forward(d, layers);
  // MSE: 3 FLOPs per element forward, 2 backward; reads y and the target,
  // writes dy.
  c.elementwiseFlops += 5 * d.n * d.cout;
  c.bytes += kF32 * 3 * d.n * d.cout;
  // Projection backward: reads dy and its saved input, writes dIn and grads.
  linearBackward(c, d, d.p, d.cout, true);
  c.elementwiseFlops += kGeluGradFlops * d.n * d.p;
  linearBackward(c, d, d.w, d.p, true);
  c.bytes += kF32 * (d.n * d.cout + 2 * d.n * d.w + 2 * d.projParams());
  for (int64_t l = 0; l < layers; ++l) {
    if (l + 1 < layers)
      c.elementwiseFlops += kGeluGradFlops * d.n * d.w;
    c.fftFlops += 2 * d.fftFlops();           // rfft of dY, irfft of dX-hat
    c.contractFlops += 2 * d.contractFlops(); // dW and dX-hat
    linearBackward(c, d, d.w, d.w, true);     // skip
    c.elementwiseFlops += d.n * d.w;          // dX of both branches added
    c.bytes += kF32 * 3 * d.n * d.w + 2 * (kC64 * d.w * d.w * d.keptModes() +
                                           kF32 * (d.w * d.w + d.w));
  }
  linearBackward(c, d, d.cin, d.w, false); // lift: dW, db only
  c.bytes += kF32 * (d.n * d.w + d.n * d.cin + 2 * d.liftParams());
  c.elementwiseFlops += kAdamFlops * params;
  c.bytes += 7 * kF32 * params;
  return c;
}

std::string rangeError(const char *field, int64_t v,
                       const std::string &expected) {
  return std::string(field) + " = " + std::to_string(v) + ": expected " +
         expected;
}

} // namespace

std::string checkFnoConfig(const FnoConfig &c) {
  const std::pair<const char *, int64_t> positive[] = {
      {"batch", c.batch}, {"cin", c.cin},     {"cout", c.cout},
      {"width", c.width}, {"modes", c.modes}, {"layers", c.layers},
      {"proj", c.proj}};
  for (auto [field, v] : positive)
    if (v < 1)
      return rangeError(field, v, "at least 1");
  if (c.res < 2)
    return rangeError("res", c.res, "at least 2");
  if (2 * c.modes > c.res)
    return rangeError("modes", c.modes,
                      "at most res / 2 = " + std::to_string(c.res / 2) +
                          " (2*modes rows of the spectrum are kept)");
  return "";
}

FnoCost fnoCost(const FnoConfig &c) {
  Dims d(c);
  FnoCost out;
  double params =
      d.liftParams() + double(c.layers) * d.fourierParams() + d.projParams();
  out.params = int64_t(params);
  out.infer = forward(d, c.layers);
  out.trainStep = trainStep(d, c.layers, params);
  fourierLayer(out.layer, d, true);
  return out;
}

} // namespace shodh::bench
