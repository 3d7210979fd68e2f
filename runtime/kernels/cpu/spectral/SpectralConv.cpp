//===- SpectralConv.cpp - The fused spectral_conv kernel (CPU) ------------===//
//
// Forward transforms of all B·I grids (TruncatedFft), the per-mode channel
// mixing (ModeGemm), then the inverse transforms of the B·O output grids,
// each followed by its epilogue (addend, activation).
//
// With `skip` (the Fourier layer y = act(spectral(x) + W x + b)) the batch
// goes group by group when it splits evenly over the pool and one element's
// output grids fit 4 MiB (G = 2 elements, or 1; TruncatedFft::elementGroup):
// the weight is packed for the mixing
// once, then each thread, per group, transforms x_g, mixes the group's
// spectra against the packed weight, and per element runs the inverse
// transforms into a cached scratch sum_b, adds the skip product with sum_b
// as its addend in 512-column blocks and activates: y_b is written once,
// with streaming stores, and never read, and x_b is read while in cache, so
// the layer moves x and y across memory once each (the whole-batch order
// wrote the skip product, read it back after the mixing and wrote it
// again). Otherwise (fewer elements than threads, an uneven split, larger
// grids) the stages run over the whole batch, the skip product adding y in
// place.
// Each element's sums are the same either way: results do not depend on
// the thread count or on which way it ran.
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
#include "runtime/kernels/cpu/spectral/GroupScratch.h"

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
    const FusedActivation extra = activationAttr(sig, "activated_output");
    activated_ = extra.gelu, activatedTanh_ = extra.tanh;
    derivative_ = flagAttr(sig, "derivative_output");
    if (derivative_ && !activated_)
      throw Error(fmt::format(
          "{}: attribute 'derivative_output' needs 'activated_output'",
          where_));
    if (activated_ && (!skip_ || gelu_))
      throw Error(fmt::format(
          "{}: attribute 'activated_output' needs 'skip' and activation "
          "'none' (the first output is then the pre-activation)",
          where_));
    size_t ins = 2 + (addend_ || skip_ ? 1 : 0),
           outs = 1 + (save_ ? 1 : 0) + (activated_ ? 1 : 0);
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
    if (activated_)
      expectDType(sig, *sig.outputs.back(), "activated output", {DType::F32});
    modes_ = intsAttr(sig, "modes");
    if (modes_.empty() || modes_.size() > 3)
      throw Error(fmt::format("{}: 'modes' must have 1 to 3 entries", where_));
  }

  void prepare(const std::vector<TensorRef> &in, const std::vector<TensorRef> &out,
               KernelContext &ctx) override {
    SpectralConvShapes c = checkSpectralConvShapes(
        where_, modes_, {save_, addend_, skip_, activated_}, in, out);
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
    const int64_t sumBytes =
        dims_[2] * points_ * int64_t(sizeof(float)); // sum_b
    group_ = skip_ ? fft_->elementGroup(dims_[0], sumBytes) : 0;
    gemm_ =
        ModeGemm::forward(group_ ? group_ : dims_[0], dims_[1], dims_[2], ts);
    gemmScratch_.assign(
        group_ ? 0 : size_t(gemm_.scratchFloats(ctx.pool->size())), 0.0f);
  }

  void run(const std::vector<TensorRef> &in, const std::vector<TensorRef> &out,
           KernelContext &ctx) override;

private:
  /// Columns s0 .. s0 + 512 of y_b = act(W x_b + bias + sum_b), where
  /// sum_b [O x S] holds b's inverse transforms: written into yb (with
  /// streaming stores when `stream`), or in place when sum is yb; with
  /// activated_output also a_b = act2(y_b) into ab.
  void finishBlock(const std::vector<TensorRef> &in, int64_t b, float *sum,
                   float *yb, float *ab, int64_t s0, bool stream) const;
  /// The `skip` form whole (see the file comment); `spectrum` receives the
  /// forward transforms.
  void runWithSkip(const std::vector<TensorRef> &in, cfloat *spectrum, float *y,
                   float *activated, KernelContext &ctx);
  /// The `skip` form group by group (see the file comment).
  void runGrouped(const std::vector<TensorRef> &in, cfloat *spectrum, float *y,
                  float *activated, KernelContext &ctx);
  void activate(float *v, int64_t n) const {
    if (gelu_)
      geluF32(v, v, n, tanh_);
  }

  std::string where_;
  bool save_ = false, addend_ = false, skip_ = false, gelu_ = false,
       tanh_ = false;
  bool activated_ = false,
       activatedTanh_ = false; ///< activated_output (last output)
  bool derivative_ = false;    ///< derivative_output: y = act'(pre-activation)
  std::vector<int64_t> modes_;
  SpectralGeometry geom_;
  std::array<int64_t, 4> dims_{};
  int64_t points_ = 0;
  std::vector<cfloat> truncIn_, truncOut_;
  std::unique_ptr<TruncatedFft> fft_;
  ModeGemm gemm_; ///< the mixing of the whole batch, or (grouped) of a group
  std::vector<float> gemmScratch_;
  int64_t group_ = 0; ///< batch elements per grouped pass (0: not grouped)
  AlignedBuffer ownScratch_;
  float scale_ = 1.0f;
};

void SpectralConvKernel::finishBlock(const std::vector<TensorRef> &in,
                                     int64_t b, float *sum, float *yb,
                                     float *ab, int64_t s0, bool stream) const {
  const int64_t I = dims_[1], O = dims_[2], S = points_;
  const float *xb = in[0].as<float>() + b * I * S, *ws = in[2].as<float>();
  const float *bias = in.size() > 3 ? in[3].as<float>() : nullptr;
  if (!gelu_ && !activated_)
    return linearColumnBlock(xb, ws, bias, sum, yb, I, O, S, s0, stream);
  linearColumnBlock(xb, ws, bias, sum, sum, I, O, S, s0);
  const int64_t n = std::min(kLinearColumnBlock, S - s0);
  for (int64_t o = 0; o < O; ++o) {
    float *row = sum + o * S + s0;
    const int64_t at = o * S + s0;
    if (!activated_) {
      activate(row, n);
      if (sum != yb)
        streamCopy(row, yb + at, n);
      continue;
    }
    // y is the pre-activation z (or, derivative_output, act'(z)), a =
    // act(z): from the scratch both are streamed out; in place (sum is y)
    // written plainly.
    if (derivative_) {
      float a[kLinearColumnBlock], d[kLinearColumnBlock];
      geluWithDerivativeF32(row, a, d, n, activatedTanh_);
      if (sum == yb) {
        std::copy(a, a + n, ab + at);
        std::copy(d, d + n, yb + at);
      } else {
        streamCopy(a, ab + at, n);
        streamCopy(d, yb + at, n);
      }
      continue;
    }
    if (sum == yb) {
      geluF32(row, ab + at, n, activatedTanh_);
      continue;
    }
    streamCopy(row, yb + at, n);
    geluF32(row, row, n, activatedTanh_);
    streamCopy(row, ab + at, n);
  }
}

void SpectralConvKernel::runGrouped(const std::vector<TensorRef> &in,
                                    cfloat *spectrum, float *y,
                                    float *activated, KernelContext &ctx) {
  const int64_t B = dims_[0], I = dims_[1], O = dims_[2], ts = dims_[3], S = points_;
  const int64_t G = group_;
  const GroupScratch scratch(ctx, ownScratch_, gemm_, in[1].as<cfloat>(), O * S,
                             fft_->chunks());
  const float *x = in[0].as<float>();
  fft_->forEachElement(ctx.pool, B / G, [&](int c, int64_t group) {
    float *sum = scratch.sum(c);
    const int64_t b0 = group * G;
    // Per element (1-D: the same line blocks whatever the group).
    for (int64_t b = b0; b < b0 + G; ++b)
      fft_->forwardRows(x + b * I * S, spectrum + b * I * ts, I, 1.0f, c);
    gemm_.runPacked(spectrum + b0 * I * ts, scratch.packedB(),
                    truncOut_.data() + b0 * O * ts, nullptr, scratch.tile(c));
    for (int64_t b = b0; b < b0 + G; ++b) {
      fft_->inverseRows(truncOut_.data() + b * O * ts, sum, O, scale_, false,
                        c);
      for (int64_t s0 = 0; s0 < S; s0 += kLinearColumnBlock)
        finishBlock(in, b, sum, y + b * O * S,
                    activated ? activated + b * O * S : nullptr, s0,
                    /*stream=*/true);
    }
    streamFence(); // the group's streamCopy stores, before the pool's barrier
  });
}

void SpectralConvKernel::runWithSkip(const std::vector<TensorRef> &in,
                                     cfloat *spectrum, float *y,
                                     float *activated, KernelContext &ctx) {
  if (group_)
    return runGrouped(in, spectrum, y, activated, ctx);
  // Fewer batch elements than threads, or an uneven split: the transforms,
  // the mixing and the B·O inverse transforms (into y) over the pool, then
  // the skip products over (b, column block) units, adding y in place.
  // Every element's arithmetic is the grouped form's.
  const int64_t B = dims_[0], I = dims_[1], O = dims_[2], S = points_;
  fft_->forward(ctx.pool, in[0].as<float>(), spectrum, B * I);
  gemm_.run(ctx.pool, spectrum, in[1].as<cfloat>(), truncOut_.data(), nullptr,
            gemmScratch_.data());
  fft_->inverse(ctx.pool, truncOut_.data(), y, B * O, scale_);
  const int64_t blocks = (S + kLinearColumnBlock - 1) / kLinearColumnBlock;
  ctx.pool->parallelFor(B * blocks, [&](int64_t u0, int64_t u1) {
    for (int64_t u = u0; u < u1; ++u) {
      const int64_t b = u / blocks;
      float *yb = y + b * O * S;
      finishBlock(in, b, yb, yb, activated ? activated + b * O * S : nullptr,
                  (u % blocks) * kLinearColumnBlock, false);
    }
  });
}

void SpectralConvKernel::run(const std::vector<TensorRef> &in, const std::vector<TensorRef> &out,
                             KernelContext &ctx) {
  const int64_t B = dims_[0], I = dims_[1], O = dims_[2];
  cfloat *spectrum = save_ ? out[1].as<cfloat>() : truncIn_.data();
  float *y = out[0].as<float>();
  if (skip_)
    return runWithSkip(in, spectrum, y,
                       activated_ ? out.back().as<float>() : nullptr, ctx);
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
