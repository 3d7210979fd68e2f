//===- SpectralConvGrad.cpp - Gradients of the fused "spectral_conv" ------===//
//
// See SpectralConvGrad.h for the contract and the derivation. The kernels
// check ranks in the factory and concrete extents in `prepare`
// (SpectralGradShapes.h, shared with the CUDA kernels), where they also
// allocate their spectra and plan their FFTs.
//
//===----------------------------------------------------------------------===//
#include "runtime/kernels/cpu/grad/SpectralConvGrad.h"

#include "runtime/core/ThreadPool.h"
#include "runtime/kernels/cpu/ElementwiseMath.h"
#include "runtime/kernels/cpu/Linear.h"
#include "runtime/kernels/cpu/SignatureChecks.h"
#include "runtime/kernels/cpu/SmallGemm.h"
#include "runtime/kernels/cpu/grad/LinearGrad.h"
#include "runtime/kernels/cpu/grad/SpectralGradShapes.h"
#include "runtime/kernels/cpu/spectral/GroupScratch.h"
#include "runtime/kernels/cpu/spectral/ModeGemm.h"
#include "runtime/kernels/cpu/spectral/TruncatedFft.h"
#include "runtime/support/Status.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

namespace shodh {

namespace {

/// Threads to plan FFT chunks for.
int fftChunks(const KernelContext &ctx) {
  return ctx.pool ? ctx.pool->size() : 1;
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
  /// Truncated r2c, adjoint contraction, c2r of the padded result (1/N).
  void run(const std::vector<TensorRef> &in, const std::vector<TensorRef> &out,
           KernelContext &ctx) override;

private:
  std::string where_;
  std::vector<int64_t> modes_;
  SpectralGeometry geom_;
  int64_t batch_ = 0, in_ = 0, out_ = 0;
  float scale_ = 1.0f;
  std::vector<cfloat> truncDy_, truncDx_;
  std::unique_ptr<TruncatedFft> fft_;
  ModeGemm gemm_;
  std::vector<float> gemmScratch_;
};

void SpectralConvGradInputKernel::prepare(const std::vector<TensorRef> &in,
                                          const std::vector<TensorRef> &out,
                                          KernelContext &ctx) {
  SpectralGradShapes s = checkSpectralGradShapes(SpectralGradKind::Input, false,
                                                 where_, modes_, in, out);
  geom_ = s.geom, batch_ = s.batch, in_ = s.in, out_ = s.out;
  scale_ = inverseScale(geom_);
  const int64_t ts = geom_.truncSize();
  truncDy_.assign(size_t(batch_ * out_ * ts), cfloat());
  truncDx_.assign(size_t(batch_ * in_ * ts), cfloat());
  fft_ = std::make_unique<TruncatedFft>(geom_, fftChunks(ctx));
  gemm_ = ModeGemm::adjointInput(batch_, in_, out_, ts);
  gemmScratch_.assign(size_t(gemm_.scratchFloats(fftChunks(ctx))), 0.0f);
}

void SpectralConvGradInputKernel::run(const std::vector<TensorRef> &in,
                                      const std::vector<TensorRef> &out,
                                      KernelContext &ctx) {
  fft_->forward(ctx.pool, in[0].as<float>(), truncDy_.data(), batch_ * out_);
  gemm_.run(ctx.pool, truncDy_.data(), in[1].as<cfloat>(), truncDx_.data(),
            nullptr, gemmScratch_.data());
  fft_->inverse(ctx.pool, truncDx_.data(), out[0].as<float>(), batch_ * in_,
                scale_);
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
  /// Two truncated r2c, the batch sum per (i, o) pair.
  void run(const std::vector<TensorRef> &in, const std::vector<TensorRef> &out,
           KernelContext &ctx) override;

private:
  std::string where_;
  std::vector<int64_t> modes_;
  SpectralGeometry geom_;
  std::vector<float> modeScale_; ///< c_k / N per truncated mode
  int64_t batch_ = 0, in_ = 0, out_ = 0;
  std::vector<cfloat> truncX_, truncDy_;
  std::unique_ptr<TruncatedFft> fft_;
  ModeGemm gemm_;
  std::vector<float> gemmScratch_;
};

void SpectralConvGradWeightKernel::prepare(const std::vector<TensorRef> &in,
                                           const std::vector<TensorRef> &out,
                                           KernelContext &ctx) {
  SpectralGradShapes s = checkSpectralGradShapes(
      SpectralGradKind::Weight, false, where_, modes_, in, out);
  geom_ = s.geom, batch_ = s.batch, in_ = s.in, out_ = s.out;
  modeScale_ = weightGradScales(geom_);
  const int64_t ts = geom_.truncSize();
  truncX_.assign(size_t(batch_ * in_ * ts), cfloat());
  truncDy_.assign(size_t(batch_ * out_ * ts), cfloat());
  fft_ = std::make_unique<TruncatedFft>(geom_, fftChunks(ctx));
  gemm_ = ModeGemm::adjointWeight(batch_, in_, out_, ts);
  gemmScratch_.assign(size_t(gemm_.scratchFloats(fftChunks(ctx))), 0.0f);
}

void SpectralConvGradWeightKernel::run(const std::vector<TensorRef> &in,
                                       const std::vector<TensorRef> &out,
                                       KernelContext &ctx) {
  fft_->forward(ctx.pool, in[0].as<float>(), truncX_.data(), batch_ * in_);
  fft_->forward(ctx.pool, in[1].as<float>(), truncDy_.data(), batch_ * out_);
  gemm_.run(ctx.pool, truncX_.data(), truncDy_.data(), out[0].as<cfloat>(),
            modeScale_.data(), gemmScratch_.data());
}

/// spectral_conv_grad: (x, dy, W) -> (dx, dW), one transform of dy; with
/// saved_spectrum = 1 the first input is x's truncated spectrum (saved by
/// the forward spectral_conv) and x is not transformed at all. With skip = 1
/// a fourth input Ws [O, I] adds the skip linear's input gradient Ws^T dy
/// into dx, and with an activation the last input `pre` multiplies dx by
/// act'(pre) (fourier_layer_grad, SpectralConvGrad.h). With skip_params = 1
/// a fifth input x (the skip's input) gives two more outputs, the skip's
/// weight and bias gradients (fourier_layer_grad_params).
class SpectralConvGradKernel : public Kernel {
public:
  /// Validates operand counts, dtypes, ranks and `modes`.
  explicit SpectralConvGradKernel(const KernelSignature &sig)
      : where_(sig.where) {
    saved_ = flagAttr(sig, "saved_spectrum");
    skip_ = flagAttr(sig, "skip");
    skipParams_ = flagAttr(sig, "skip_params");
    if (skipParams_ && !skip_)
      throw Error(
          fmt::format("{}: attribute 'skip_params' needs 'skip'", sig.where));
    const FusedActivation act = activationAttr(sig);
    tanh_ = act.tanh;
    preDerivative_ = flagAttr(sig, "pre_derivative");
    if (preDerivative_ && act.gelu)
      throw Error(fmt::format(
          "{}: attribute 'pre_derivative' (the last input is act'(pre) "
          "itself) needs activation 'none'",
          sig.where));
    // gelu_: a last input pre multiplies dx, by GELU'(pre) or (pre_derivative)
    // by itself.
    gelu_ = act.gelu || preDerivative_;
    const size_t ins =
        3 + (skip_ ? 1 : 0) + (skipParams_ ? 1 : 0) + (gelu_ ? 1 : 0);
    expectOperandCounts(sig, ins, ins, skipParams_ ? 4 : 2);
    const char *names[] = {saved_ ? "spectrum" : "x", "dy", "weight", "dx",
                           "dw"};
    const TensorDesc *all[] = {sig.inputs[0], sig.inputs[1], sig.inputs[2],
                               sig.outputs[0], sig.outputs[1]};
    for (int i = 0; i < 5; ++i)
      expectDType(
          sig, *all[i], names[i],
          {i == 2 || i == 4 || (i == 0 && saved_) ? DType::C64 : DType::F32});
    modes_ = intsAttr(sig, "modes");
    if (modes_.empty() || modes_.size() > 3)
      throw Error(fmt::format("{}: 'modes' must have 1 to 3 entries, got {}",
                              sig.where, modes_.size()));
    for (int i = 0; i < 5; ++i)
      if (all[i]->shape.size() != modes_.size() + 2)
        throw Error(fmt::format("{}: {} must have rank {}, got rank {}",
                                sig.where, names[i], modes_.size() + 2,
                                all[i]->shape.size()));
    if (skip_)
      expectDType(sig, *sig.inputs[3], "skip weight", {DType::F32});
    if (skipParams_) {
      expectDType(sig, *sig.inputs[4], "skip input", {DType::F32});
      expectDType(sig, *sig.outputs[2], "skip weight gradient", {DType::F32});
      expectDType(sig, *sig.outputs[3], "skip bias gradient", {DType::F32});
    }
    if (gelu_)
      expectDType(sig, *sig.inputs.back(),
                  preDerivative_ ? "activation derivative" : "pre-activation",
                  {DType::F32});
  }

  /// Checks extents, allocates the spectra, plans the FFTs.
  void prepare(const std::vector<TensorRef> &in,
               const std::vector<TensorRef> &out, KernelContext &ctx) override {
    SpectralGradShapes s = checkSpectralGradShapes(
        SpectralGradKind::Both, saved_, where_, modes_, in, out);
    checkLayerGradInputs(where_, s, skip_, gelu_, in, out, skipParams_,
                         preDerivative_ ? "activation derivative"
                                        : "pre-activation");
    geom_ = s.geom, batch_ = s.batch, in_ = s.in, out_ = s.out;
    points_ = 1;
    for (int64_t n : geom_.grid)
      points_ *= n;
    scale_ = inverseScale(geom_);
    modeScale_ = weightGradScales(geom_);
    const int64_t ts = geom_.truncSize();
    truncX_.assign(saved_ ? 0 : size_t(batch_ * in_ * ts), cfloat());
    truncDy_.assign(size_t(batch_ * out_ * ts), cfloat());
    truncDx_.assign(size_t(batch_ * in_ * ts), cfloat());
    fft_ = std::make_unique<TruncatedFft>(geom_, fftChunks(ctx));
    const int64_t sumBytes = in_ * points_ * int64_t(sizeof(float)); // sum_b
    group_ = skip_ ? fft_->elementGroup(batch_, sumBytes) : 0;
    // The adjoint mixing of the whole batch, or (grouped) of one group.
    gemmInput_ =
        ModeGemm::adjointInput(group_ ? group_ : batch_, in_, out_, ts);
    gemmWeight_ = ModeGemm::adjointWeight(batch_, in_, out_, ts);
    gemmScratch_.assign(
        size_t(std::max(group_ ? 0 : gemmInput_.scratchFloats(fftChunks(ctx)),
                        gemmWeight_.scratchFloats(fftChunks(ctx)))),
        0.0f);
    skipPartials_.assign(skipParams_ ? size_t(batch_ * out_ * in_) : 0, 0.0f);
    biasSums_.assign(skipParams_ ? size_t(batch_ * out_) : 0, 0.0);
  }

  /// dy (and x, unless saved) to the truncated spectrum, both adjoint
  /// contractions, one c2r (with `skip`: plus Ws^T dy; with an activation:
  /// then times act'(pre)), and with skip_params the skip's parameter
  /// gradients.
  void run(const std::vector<TensorRef> &in, const std::vector<TensorRef> &out,
           KernelContext &ctx) override {
    if (group_)
      runGrouped(in, out, ctx);
    else
      runWhole(in, out, ctx);
    if (skipParams_)
      reduceSkipParams(out[2].as<float>(), out[3].as<float>());
    const cfloat *spectrumX = in[0].as<cfloat>();
    if (!saved_) {
      fft_->forward(ctx.pool, in[0].as<float>(), truncX_.data(), batch_ * in_);
      spectrumX = truncX_.data();
    }
    gemmWeight_.run(ctx.pool, spectrumX, truncDy_.data(), out[1].as<cfloat>(),
                    modeScale_.data(), gemmScratch_.data());
  }

private:
  /// dx (and the skip's parameter gradient partials) group by group: per
  /// group of G batch elements on one thread, the transforms of dy_g, the
  /// skip's parameter gradients (dy_b in cache), the adjoint mixing against
  /// the weight packed once, then per element the inverse transforms into a
  /// cached sum, Ws^T dy_b added, act'(pre_b) applied and dx_b streamed out:
  /// dx is written once and never read.
  void runGrouped(const std::vector<TensorRef> &in,
                  const std::vector<TensorRef> &out, KernelContext &ctx) {
    const int64_t ts = geom_.truncSize(), S = points_, G = group_;
    const GroupScratch scratch(ctx, ownScratch_, gemmInput_, in[2].as<cfloat>(),
                               in_ * S, fft_->chunks());
    const float *dy = in[1].as<float>();
    float *dx = out[0].as<float>();
    const int64_t blocks = (S + kLinearColumnBlock - 1) / kLinearColumnBlock;
    fft_->forEachElement(ctx.pool, batch_ / G, [&](int c, int64_t group) {
      float *sum = scratch.sum(c);
      const int64_t b0 = group * G;
      for (int64_t b = b0; b < b0 + G; ++b) {
        fft_->forwardRows(dy + b * out_ * S, truncDy_.data() + b * out_ * ts,
                          out_, 1.0f, c);
        for (int64_t k = 0; skipParams_ && k < blocks; ++k) // dy_b is in cache
          skipParamsBlock(in[4].as<float>(), dy, b, k);
      }
      gemmInput_.runPacked(truncDy_.data() + b0 * out_ * ts, scratch.packedB(),
                           truncDx_.data() + b0 * in_ * ts, nullptr,
                           scratch.tile(c));
      for (int64_t b = b0; b < b0 + G; ++b) {
        fft_->inverseRows(truncDx_.data() + b * in_ * ts, sum, in_, scale_,
                          false, c);
        for (int64_t s0 = 0; s0 < S; s0 += kLinearColumnBlock)
          finishBlock(in, b, sum, dx + b * in_ * S, s0, /*stream=*/true);
      }
      streamFence(); // the group's streamCopy stores, before the pool's barrier
    });
  }
  /// The whole batch stage by stage (no `skip`, fewer batch elements than
  /// threads, an uneven split, or an element's dx past 4 MiB): the
  /// transforms of dy, the skip's
  /// parameter gradients per element, the adjoint mixing, the B·I inverse
  /// transforms into dx, then with `skip` Ws^T dy_b added (and act'
  /// applied) per (b, column block) unit. Every element's arithmetic is the
  /// grouped form's.
  void runWhole(const std::vector<TensorRef> &in,
                const std::vector<TensorRef> &out, KernelContext &ctx) {
    const float *dy = in[1].as<float>();
    float *dx = out[0].as<float>();
    const int64_t S = points_,
                  blocks = (S + kLinearColumnBlock - 1) / kLinearColumnBlock;
    fft_->forward(ctx.pool, dy, truncDy_.data(), batch_ * out_);
    if (skipParams_) // the same sums per element, in the same order
      parallelFor(ctx.pool, batch_, 1, [&](int64_t b0, int64_t b1) {
        for (int64_t b = b0; b < b1; ++b)
          for (int64_t k = 0; k < blocks; ++k)
            skipParamsBlock(in[4].as<float>(), dy, b, k);
      });
    gemmInput_.run(ctx.pool, truncDy_.data(), in[2].as<cfloat>(),
                   truncDx_.data(), nullptr, gemmScratch_.data());
    if (!skip_) {
      const float *pre = gelu_ ? in.back().as<float>() : nullptr;
      TruncatedFft::Epilogue act = [&](int64_t offset, int64_t n) {
        activate(pre + offset, dx + offset, n);
      };
      fft_->inverse(ctx.pool, truncDx_.data(), dx, batch_ * in_, scale_,
                    gelu_ ? &act : nullptr);
      return;
    }
    fft_->inverse(ctx.pool, truncDx_.data(), dx, batch_ * in_, scale_);
    parallelFor(ctx.pool, batch_ * blocks, 1, [&](int64_t u0, int64_t u1) {
      for (int64_t u = u0; u < u1; ++u) {
        float *dxb = dx + u / blocks * in_ * S;
        finishBlock(in, u / blocks, dxb, dxb, (u % blocks) * kLinearColumnBlock,
                    false);
      }
    });
  }
  /// Columns s0 .. s0 + 512 of dx_b = act'(pre_b) (Ws^T dy_b + sum_b), where
  /// sum_b [I x S] holds b's inverse transforms: written into dxb (with
  /// streaming stores when `stream`), or in place when sum is dxb.
  void finishBlock(const std::vector<TensorRef> &in, int64_t b, float *sum,
                   float *dxb, int64_t s0, bool stream) const {
    const int64_t S = points_;
    const float *dyb = in[1].as<float>() + b * out_ * S,
                *ws = in[3].as<float>();
    if (!gelu_)
      return linearAdjointColumnBlock(dyb, ws, sum, dxb, in_, out_, S, s0,
                                      stream);
    linearAdjointColumnBlock(dyb, ws, sum, sum, in_, out_, S, s0);
    const float *preb = in.back().as<float>() + b * in_ * S;
    const int64_t n = std::min(kLinearColumnBlock, S - s0);
    for (int64_t i = 0; i < in_; ++i) {
      float *row = sum + i * S + s0;
      activate(preb + i * S + s0, row, n);
      if (sum != dxb)
        streamCopy(row, dxb + i * S + s0, n);
    }
  }
  /// Block k (columns k * 512 ..) of element b's skip parameter gradients:
  /// P_b (+)= dy_b[:, blk] x_b[:, blk]^T (overwriting at k = 0), kept
  /// transposed ([I, O]), and S_b[o] (+)= the block's sum of dy_b[o, :] in
  /// double.
  void skipParamsBlock(const float *x, const float *dy, int64_t b, int64_t k) {
    const int64_t s0 = k * kLinearColumnBlock,
                  n = std::min(kLinearColumnBlock, points_ - s0);
    // P'_b = x_blk dy_blk^T ([I, O]): the operands swapped, so WeightGemm
    // transposes dy's block, in cache, and x streams through the
    // broadcasts; each element is the same sum of the same products.
    weightGradColumns(dy, x, skipPartials_.data() + b * out_ * in_, out_, in_,
                      points_, b, s0, n, k > 0);
    double *sums = biasSums_.data() + b * out_;
    if (k == 0)
      std::fill(sums, sums + out_, 0.0);
    biasGradColumns(dy, sums, out_, points_, b, s0, n);
  }
  /// dw = ((P_0 + P_1) + P_2) + .. and db = the S_b in element order,
  /// rounded to f32 (what linear_grad_params gives when its slabs are the
  /// batch elements).
  void reduceSkipParams(float *dw, float *db) {
    const int64_t size = out_ * in_;
    if (batch_ == 0) { // nothing to sum over
      std::fill(dw, dw + size, 0.0f);
      std::fill(db, db + out_, 0.0f);
      return;
    }
    // (P_0^T + P_1^T) + .. in the partials' [I, O] layout (contiguous,
    // element by element in b order), then transposed into dw.
    float *sum = skipPartials_.data(); // P_0^T's place
    for (int64_t b = 1; b < batch_; ++b)
      for (int64_t e = 0; e < size; ++e)
        sum[e] += skipPartials_[size_t(b * size + e)];
    for (int64_t o = 0; o < out_; ++o)
      for (int64_t i = 0; i < in_; ++i)
        dw[o * in_ + i] = sum[i * out_ + o];
    for (int64_t o = 0; o < out_; ++o) {
      double sum = 0.0;
      for (int64_t b = 0; b < batch_; ++b)
        sum += biasSums_[size_t(b * out_ + o)];
      db[o] = static_cast<float>(sum);
    }
  }
  /// g = act'(pre) * g over n elements (in place); with pre_derivative
  /// `pre` holds act'(pre) itself.
  void activate(const float *pre, float *g, int64_t n) const {
    if (preDerivative_)
      multiplyInPlaceF32(pre, g, n);
    else
      geluGradF32(pre, g, g, n, tanh_);
  }

  std::string where_;
  bool saved_ = false, skip_ = false, gelu_ = false, tanh_ = false;
  bool preDerivative_ = false; ///< the last input is act'(pre) itself
  bool skipParams_ = false; ///< also the skip's weight and bias gradients
  std::vector<float> skipPartials_; ///< P_b^T, [B, I, O] (skipParams_)
  std::vector<double> biasSums_;    ///< S_b, [B, O] (skipParams_)
  std::vector<int64_t> modes_;
  SpectralGeometry geom_;
  std::vector<float> modeScale_; ///< c_k / N per truncated mode
  int64_t batch_ = 0, in_ = 0, out_ = 0, points_ = 0;
  float scale_ = 1.0f;
  std::vector<cfloat> truncX_, truncDy_, truncDx_;
  std::unique_ptr<TruncatedFft> fft_;
  ModeGemm gemmInput_, gemmWeight_;
  std::vector<float> gemmScratch_;
  int64_t group_ = 0; ///< batch elements per grouped pass (0: not grouped)
  AlignedBuffer ownScratch_;
};

} // namespace

std::unique_ptr<Kernel> makeSpectralConvGradKernel(const KernelSignature &sig) {
  return std::make_unique<SpectralConvGradKernel>(sig);
}

std::unique_ptr<Kernel>
makeSpectralConvGradInputKernel(const KernelSignature &sig) {
  return std::make_unique<SpectralConvGradInputKernel>(sig);
}

std::unique_ptr<Kernel>
makeSpectralConvGradWeightKernel(const KernelSignature &sig) {
  return std::make_unique<SpectralConvGradWeightKernel>(sig);
}

} // namespace shodh
