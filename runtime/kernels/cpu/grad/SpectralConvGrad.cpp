//===- SpectralConvGrad.cpp - Gradients of the fused "spectral_conv" ------===//
//
// See SpectralConvGrad.h for the contract and the derivation. Both kernels
// check ranks in the factory and concrete extents in `prepare`, where they
// also allocate their spectra and plan their FFTs.
//
//===----------------------------------------------------------------------===//
#include "runtime/kernels/cpu/grad/SpectralConvGrad.h"
#include "runtime/core/ThreadPool.h"
#include "runtime/kernels/cpu/SignatureChecks.h"
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

/// Threads to plan FFT chunks for.
int fftChunks(const KernelContext &ctx) {
  return ctx.pool ? ctx.pool->size() : 1;
}

/// Runs every chunk of `fft` on the pool.
void executeAll(KernelContext &ctx, const RealFft &fft) {
  parallelFor(ctx.pool, fft.chunks(), 1, [&](int64_t c0, int64_t c1) {
    for (int64_t c = c0; c < c1; ++c)
      fft.executeChunk(int(c));
  });
}

/// Reads `modes` and checks dtypes, operand counts and ranks (d + 2 each).
std::vector<int64_t> checkSignature(const KernelSignature &sig,
                                    std::initializer_list<DType> ins, DType out,
                                    const char *names[3]) {
  expectOperandCounts(sig, 2, 2, 1);
  auto want = ins.begin();
  for (size_t i = 0; i < 2; ++i)
    expectDType(sig, *sig.inputs[i], names[i], {*want++});
  expectDType(sig, *sig.outputs[0], names[2], {out});
  std::vector<int64_t> modes = intsAttr(sig, "modes");
  if (modes.empty() || modes.size() > 3)
    throw Error(fmt::format("{}: 'modes' must have 1 to 3 entries, got {}",
                            sig.where, modes.size()));
  const TensorDesc *all[] = {sig.inputs[0], sig.inputs[1], sig.outputs[0]};
  for (int i = 0; i < 3; ++i)
    if (all[i]->shape.size() != modes.size() + 2)
      throw Error(fmt::format("{}: {} must have rank {} ([B or I, C, {} "
                              "spectral dims]), got rank {}",
                              sig.where, names[i], modes.size() + 2,
                              modes.size(), all[i]->shape.size()));
  return modes;
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

/// spectral_conv_grad_input: spectral_conv(dy, W^H).
class SpectralConvGradInputKernel : public Kernel {
public:
  /// Validates operands, dtypes, ranks and `modes`.
  explicit SpectralConvGradInputKernel(const KernelSignature &sig)
      : where_(sig.where) {
    const char *names[] = {"dy", "weight", "output"};
    modes_ = checkSignature(sig, {DType::F32, DType::C64}, DType::F32, names);
  }
  /// Checks extents, allocates the spectra, plans the FFTs.
  void prepare(const std::vector<TensorRef> &in,
               const std::vector<TensorRef> &out, KernelContext &ctx) override;
  /// r2c, truncate, adjoint contraction, pad (1/N), c2r.
  void run(const std::vector<TensorRef> &in, const std::vector<TensorRef> &out,
           KernelContext &ctx) override;

private:
  std::string where_;
  std::vector<int64_t> modes_;
  SpectralGeometry geom_;
  std::vector<int64_t> index_;
  int64_t batch_ = 0, in_ = 0, out_ = 0;
  float scale_ = 1.0f;
  std::vector<cfloat> halfDy_, truncDy_, truncDx_, halfDx_;
  std::unique_ptr<RealFft> forward_, inverse_;
};

void SpectralConvGradInputKernel::prepare(const std::vector<TensorRef> &in,
                                          const std::vector<TensorRef> &out,
                                          KernelContext &ctx) {
  const std::vector<int64_t> &dy = in[0].shape, &w = in[1].shape;
  geom_ = validGeometry(where_, trailingDims(dy, modes_.size()), modes_);
  batch_ = dy[0], out_ = dy[1], in_ = w[0];
  checkWeight(where_, "weight", w, in_, out_, geom_);
  checkField(where_, "output", out[0].shape, batch_, in_, geom_);
  index_ = geom_.gatherIndex();
  int64_t points = 1;
  for (int64_t a : geom_.grid)
    points *= a;
  fftScale("backward", points, FftDirection::Inverse, scale_);
  const int64_t hs = geom_.halfSize(), ts = geom_.truncSize();
  halfDy_.assign(size_t(batch_ * out_ * hs), cfloat());
  truncDy_.assign(size_t(batch_ * out_ * ts), cfloat());
  truncDx_.assign(size_t(batch_ * in_ * ts), cfloat());
  halfDx_.assign(size_t(batch_ * in_ * hs), cfloat());
  forward_ = std::make_unique<RealFft>(geom_.grid, batch_ * out_,
                                       FftDirection::Forward, in[0].as<float>(),
                                       halfDy_.data(), fftChunks(ctx));
  inverse_ = std::make_unique<RealFft>(
      geom_.grid, batch_ * in_, FftDirection::Inverse, out[0].as<float>(),
      halfDx_.data(), fftChunks(ctx));
}

void SpectralConvGradInputKernel::run(const std::vector<TensorRef> &in,
                                      const std::vector<TensorRef> &,
                                      KernelContext &ctx) {
  const int64_t hs = geom_.halfSize(), ts = geom_.truncSize();
  executeAll(ctx, *forward_);
  parallelFor(ctx.pool, batch_ * out_, 1, [&](int64_t b, int64_t e) {
    truncateSpectra(geom_, index_, halfDy_.data() + b * hs,
                    truncDy_.data() + b * ts, e - b);
  });
  parallelFor(ctx.pool, batch_, 1, [&](int64_t b, int64_t e) {
    contractModesAdjointInput(truncDy_.data(), in[1].as<cfloat>(),
                              truncDx_.data(), b, e, in_, out_, ts);
  });
  parallelFor(ctx.pool, batch_ * in_, 1, [&](int64_t b, int64_t e) {
    padSpectra(geom_, index_, truncDx_.data() + b * ts, halfDx_.data() + b * hs,
               e - b, scale_);
  });
  executeAll(ctx, *inverse_);
}

/// spectral_conv_grad_weight: dW = (c_k / N) sum_b conj(X) DY.
class SpectralConvGradWeightKernel : public Kernel {
public:
  /// Validates operands, dtypes, ranks and `modes`.
  explicit SpectralConvGradWeightKernel(const KernelSignature &sig)
      : where_(sig.where) {
    const char *names[] = {"x", "dy", "output"};
    modes_ = checkSignature(sig, {DType::F32, DType::F32}, DType::C64, names);
  }
  /// Checks extents, allocates the spectra, plans the FFTs.
  void prepare(const std::vector<TensorRef> &in,
               const std::vector<TensorRef> &out, KernelContext &ctx) override;
  /// Two r2c, two truncations, the batch sum per (i, o) pair.
  void run(const std::vector<TensorRef> &in, const std::vector<TensorRef> &out,
           KernelContext &ctx) override;

private:
  std::string where_;
  std::vector<int64_t> modes_;
  SpectralGeometry geom_;
  std::vector<int64_t> index_;
  std::vector<float> modeScale_; ///< c_k / N per truncated mode
  int64_t batch_ = 0, in_ = 0, out_ = 0;
  std::vector<cfloat> halfX_, halfDy_, truncX_, truncDy_;
  std::unique_ptr<RealFft> forwardX_, forwardDy_;
};

void SpectralConvGradWeightKernel::prepare(const std::vector<TensorRef> &in,
                                           const std::vector<TensorRef> &out,
                                           KernelContext &ctx) {
  const std::vector<int64_t> &x = in[0].shape, &dy = in[1].shape;
  geom_ = validGeometry(where_, trailingDims(x, modes_.size()), modes_);
  batch_ = x[0], in_ = x[1], out_ = dy[1];
  checkField(where_, "dy", dy, batch_, out_, geom_);
  checkWeight(where_, "output", out[0].shape, in_, out_, geom_);
  index_ = geom_.gatherIndex();
  double points = 1;
  for (int64_t a : geom_.grid)
    points *= double(a);
  modeScale_ = truncatedModeWeights(geom_);
  for (float &c : modeScale_)
    c = static_cast<float>(c / points);
  const int64_t hs = geom_.halfSize(), ts = geom_.truncSize();
  halfX_.assign(size_t(batch_ * in_ * hs), cfloat());
  halfDy_.assign(size_t(batch_ * out_ * hs), cfloat());
  truncX_.assign(size_t(batch_ * in_ * ts), cfloat());
  truncDy_.assign(size_t(batch_ * out_ * ts), cfloat());
  forwardX_ = std::make_unique<RealFft>(
      geom_.grid, batch_ * in_, FftDirection::Forward, in[0].as<float>(),
      halfX_.data(), fftChunks(ctx));
  forwardDy_ = std::make_unique<RealFft>(
      geom_.grid, batch_ * out_, FftDirection::Forward, in[1].as<float>(),
      halfDy_.data(), fftChunks(ctx));
}

void SpectralConvGradWeightKernel::run(const std::vector<TensorRef> &,
                                       const std::vector<TensorRef> &out,
                                       KernelContext &ctx) {
  const int64_t hs = geom_.halfSize(), ts = geom_.truncSize();
  executeAll(ctx, *forwardX_);
  executeAll(ctx, *forwardDy_);
  parallelFor(ctx.pool, batch_ * in_, 1, [&](int64_t b, int64_t e) {
    truncateSpectra(geom_, index_, halfX_.data() + b * hs,
                    truncX_.data() + b * ts, e - b);
  });
  parallelFor(ctx.pool, batch_ * out_, 1, [&](int64_t b, int64_t e) {
    truncateSpectra(geom_, index_, halfDy_.data() + b * hs,
                    truncDy_.data() + b * ts, e - b);
  });
  parallelFor(ctx.pool, in_ * out_, 1, [&](int64_t p0, int64_t p1) {
    contractModesAdjointWeight(truncX_.data(), truncDy_.data(),
                               out[0].as<cfloat>(), p0, p1, batch_, in_, out_,
                               ts, modeScale_.data());
  });
}

} // namespace

std::unique_ptr<Kernel>
makeSpectralConvGradInputKernel(const KernelSignature &sig) {
  return std::make_unique<SpectralConvGradInputKernel>(sig);
}

std::unique_ptr<Kernel>
makeSpectralConvGradWeightKernel(const KernelSignature &sig) {
  return std::make_unique<SpectralConvGradWeightKernel>(sig);
}

} // namespace shodh
