//===- SpectralConv.cpp - The fused spectral_conv kernel (CPU) ------------===//
//
// Forward transforms of all B·I grids (TruncatedFft), the per-mode channel
// mixing (ModeGemm), then the inverse transforms of the B·O output grids,
// each followed by its epilogue (addend, activation). With `skip` the skip
// product W x_b + b is written into y_b in 512-column blocks (as the
// `linear` kernel does), the inverse transforms of b's grids are added onto
// it and the activation follows per grid: when the batch splits evenly over
// the pool each thread takes whole batch elements, computing b's skip
// product right after b's forward transforms (x_b is still in cache) and
// b's inverses one after another; otherwise the transforms, the products
// and the B·O inverses are spread separately.
// Every grid's arithmetic is fixed by the shapes, so results do not depend
// on the thread count or on which way it ran.
//
//===----------------------------------------------------------------------===//
#include "runtime/kernels/cpu/spectral/SpectralConv.h"
#include "runtime/core/Kernel.h"
#include "runtime/core/ThreadPool.h"
#include "runtime/kernels/cpu/ElementwiseMath.h"
#include "runtime/kernels/cpu/Linear.h"
#include "runtime/kernels/cpu/SignatureChecks.h"
#include "runtime/kernels/cpu/SmallGemm.h"
#include "runtime/kernels/cpu/spectral/FftPlan.h"
#include "runtime/kernels/cpu/spectral/ModeGemm.h"
#include "runtime/kernels/cpu/spectral/SpectralConvShapes.h"
#include "runtime/kernels/cpu/spectral/TruncatedFft.h"
#include "runtime/support/Status.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <climits>

namespace shodh {
namespace {

class SpectralConvKernel : public Kernel {
public:
  explicit SpectralConvKernel(const KernelSignature &sig) : where_(sig.where) {
    save_ = flagAttr(sig, "save_spectrum");
    addend_ = flagAttr(sig, "addend");
    skip_ = flagAttr(sig, "skip");
    if (addend_ && skip_)
      throw Error(fmt::format("{}: attributes 'addend' and 'skip' exclude each other", where_));
    const FusedActivation act = activationAttr(sig);
    gelu_ = act.gelu, tanh_ = act.tanh;
    size_t ins = 2 + (addend_ || skip_ ? 1 : 0), outs = save_ ? 2 : 1;
    bool countOk = sig.outputs.size() == outs &&
                   (sig.inputs.size() == ins || (skip_ && sig.inputs.size() == ins + 1));
    if (!countOk)
      throw Error(fmt::format("{}: expected {}{} inputs and {} outputs, got {} and {}", where_,
                              ins, skip_ ? " or " + std::to_string(ins + 1) : "", outs,
                              sig.inputs.size(), sig.outputs.size()));
    const char *names[] = {"x", "weight", addend_ ? "addend" : "skip weight", "skip bias"};
    for (size_t i = 0; i < sig.inputs.size(); ++i)
      expectDType(sig, *sig.inputs[i], names[i], {i == 1 ? DType::C64 : DType::F32});
    expectDType(sig, *sig.outputs[0], "output", {DType::F32});
    if (save_)
      expectDType(sig, *sig.outputs[1], "saved spectrum", {DType::C64});
    modes_ = intsAttr(sig, "modes");
    if (modes_.empty() || modes_.size() > 3)
      throw Error(fmt::format("{}: 'modes' must have 1 to 3 entries", where_));
  }

  void prepare(const std::vector<TensorRef> &in, const std::vector<TensorRef> &out,
               KernelContext &ctx) override {
    SpectralConvShapes c =
        checkSpectralConvShapes(where_, modes_, {save_, addend_, skip_}, in, out);
    geom_ = c.geom;
    dims_ = {c.B, c.I, c.O, geom_.truncSize()};
    points_ = c.points;
    if (skip_ && std::max({c.I, c.O, points_}) > INT_MAX)
      throw Error(fmt::format("{}: the skip product's sizes exceed the BLAS limit of {}", where_,
                              INT_MAX));
    fftScale("backward", points_, FftDirection::Inverse, scale_);
    const int64_t ts = geom_.truncSize();
    truncIn_.assign(save_ ? 0 : static_cast<size_t>(dims_[0] * dims_[1] * ts), cfloat());
    truncOut_.assign(static_cast<size_t>(dims_[0] * dims_[2] * ts), cfloat());
    fft_ = std::make_unique<TruncatedFft>(geom_, ctx.pool->size());
    gemm_ = ModeGemm::forward(dims_[0], dims_[1], dims_[2], ts);
    gemmScratch_.assign(size_t(gemm_.scratchFloats(ctx.pool->size())), 0.0f);
    streamSkip_ = skip_ && streamOutput(dims_[0] * dims_[2] * points_ * int64_t(sizeof(float)),
                                        ctx.pool->size());
  }

  void run(const std::vector<TensorRef> &in, const std::vector<TensorRef> &out,
           KernelContext &ctx) override;

private:
  /// Columns s0 .. s0 + 512 of y_b = W x_b + bias (the skip product).
  void skipBlock(const std::vector<TensorRef> &in, float *y, int64_t b, int64_t s0) const;
  /// The `skip` form whole (see the file comment); `spectrum` receives the
  /// forward transforms.
  void runWithSkip(const std::vector<TensorRef> &in, cfloat *spectrum, float *y,
                   KernelContext &ctx);
  void activate(float *v, int64_t n) const {
    if (gelu_)
      geluF32(v, v, n, tanh_);
  }

  std::string where_;
  bool save_ = false, addend_ = false, skip_ = false, gelu_ = false, tanh_ = false;
  bool streamSkip_ = false; ///< the skip product streams y (SmallGemm.h)
  std::vector<int64_t> modes_;
  SpectralGeometry geom_;
  std::array<int64_t, 4> dims_{};
  int64_t points_ = 0;
  std::vector<cfloat> truncIn_, truncOut_;
  std::unique_ptr<TruncatedFft> fft_;
  ModeGemm gemm_;
  std::vector<float> gemmScratch_;
  float scale_ = 1.0f;
};

void SpectralConvKernel::skipBlock(const std::vector<TensorRef> &in, float *y, int64_t b,
                                   int64_t s0) const {
  const int64_t I = dims_[1], O = dims_[2], S = points_;
  const float *bias = in.size() > 3 ? in[3].as<float>() : nullptr;
  linearColumnBlock(in[0].as<float>() + b * I * S, in[2].as<float>(), bias, nullptr,
                    y + b * O * S, I, O, S, s0, streamSkip_);
}

void SpectralConvKernel::runWithSkip(const std::vector<TensorRef> &in, cfloat *spectrum,
                                     float *y, KernelContext &ctx) {
  const int64_t B = dims_[0], I = dims_[1], O = dims_[2], ts = dims_[3], S = points_;
  const float *x = in[0].as<float>();
  auto mix = [&] {
    gemm_.run(ctx.pool, spectrum, in[1].as<cfloat>(), truncOut_.data(), nullptr,
              gemmScratch_.data());
  };
  if (fft_->splitsByElement(B)) {
    // Whole batch elements per thread: b's skip product right after its
    // forward transforms (x_b still in cache), and b's inverse transforms
    // added onto y_b grid by grid, each activated while in cache.
    fft_->forEachElement(ctx.pool, B, [&](int c, int64_t b) {
      fft_->forwardRows(x + b * I * S, spectrum + b * I * ts, I, 1.0f, c);
      for (int64_t s0 = 0; s0 < S; s0 += kLinearColumnBlock)
        skipBlock(in, y, b, s0);
    });
    mix();
    fft_->forEachElement(ctx.pool, B, [&](int c, int64_t b) {
      float *yb = y + b * O * S;
      TruncatedFft::Epilogue act = [&](int64_t offset, int64_t n) { activate(yb + offset, n); };
      fft_->inverseRows(truncOut_.data() + b * O * ts, yb, O, scale_, true, c,
                        gelu_ ? &act : nullptr);
    });
    return;
  }
  // Fewer batch elements than threads, or an uneven split: the transforms,
  // the skip products over (b, column block) units, then the B·O inverse
  // transforms over the pool. Every grid's arithmetic is the same as above.
  fft_->forward(ctx.pool, x, spectrum, B * I);
  mix();
  const int64_t blocks = (S + kLinearColumnBlock - 1) / kLinearColumnBlock;
  ctx.pool->parallelFor(B * blocks, [&](int64_t u0, int64_t u1) {
    for (int64_t u = u0; u < u1; ++u)
      skipBlock(in, y, u / blocks, (u % blocks) * kLinearColumnBlock);
  });
  TruncatedFft::Epilogue act = [&](int64_t offset, int64_t n) { activate(y + offset, n); };
  fft_->inverse(ctx.pool, truncOut_.data(), y, B * O, scale_, gelu_ ? &act : nullptr,
                /*accumulate=*/true);
}

void SpectralConvKernel::run(const std::vector<TensorRef> &in, const std::vector<TensorRef> &out,
                             KernelContext &ctx) {
  const int64_t B = dims_[0], I = dims_[1], O = dims_[2];
  cfloat *spectrum = save_ ? out[1].as<cfloat>() : truncIn_.data();
  float *y = out[0].as<float>();
  if (skip_)
    return runWithSkip(in, spectrum, y, ctx);
  fft_->forward(ctx.pool, in[0].as<float>(), spectrum, B * I);
  gemm_.run(ctx.pool, spectrum, in[1].as<cfloat>(), truncOut_.data(), nullptr,
            gemmScratch_.data());
  // The inverse transform's 1/N is applied to the kept modes only.
  if (!addend_ && !gelu_)
    return fft_->inverse(ctx.pool, truncOut_.data(), y, B * O, scale_);
  // Each grid gets the addend and the activation as soon as it is written.
  const float *a = addend_ ? in[2].as<float>() : nullptr;
  TruncatedFft::Epilogue epilogue = [&](int64_t offset, int64_t n) {
    float *g = y + offset;
    if (a)
      for (int64_t i = 0; i < n; ++i)
        g[i] += a[offset + i];
    activate(g, n);
  };
  fft_->inverse(ctx.pool, truncOut_.data(), y, B * O, scale_, &epilogue);
}

} // namespace

std::unique_ptr<Kernel> makeSpectralConvKernel(const KernelSignature &sig) {
  return std::make_unique<SpectralConvKernel>(sig);
}

} // namespace shodh
