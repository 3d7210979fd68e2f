//===- SpectralGrad.cpp - Gradients of the unfused spectral kernels -------===//
//
// See SpectralGrad.h for the contract.
//
//===----------------------------------------------------------------------===//
#include "runtime/kernels/cpu/grad/SpectralGrad.h"
#include "runtime/core/ThreadPool.h"
#include "runtime/kernels/cpu/SignatureChecks.h"
#include "runtime/kernels/cpu/grad/SpectralAdjoint.h"
#include "runtime/kernels/cpu/grad/UnfusedSpectralGradShapes.h"
#include "runtime/kernels/cpu/spectral/ModeGemm.h"
#include "runtime/kernels/cpu/spectral/FftPlan.h"
#include "runtime/support/Status.h"

#include <fmt/format.h>

#include <array>

namespace shodh {

namespace {

/// Smallest number of modes worth a chunk of their own.
constexpr int64_t kModeGrain = 16384;

/// Checks operand counts and the dtypes of one input and one output.
void expectUnary(const KernelSignature &sig, DType in, DType out) {
  expectOperandCounts(sig, 1, 1, 1);
  expectDType(sig, *sig.inputs[0], "input", {in});
  expectDType(sig, *sig.outputs[0], "output", {out});
}

/// rfft_grad (dir Forward: the gradient of rfft) and irfft_grad (Inverse).
class RealFftGradKernel : public Kernel {
public:
  /// Validates dtypes and the ndims / norm attributes.
  RealFftGradKernel(const KernelSignature &sig, FftDirection forwardDir);
  /// Checks the shapes, plans the FFT and the per-mode factors.
  void prepare(const std::vector<TensorRef> &in,
               const std::vector<TensorRef> &out, KernelContext &ctx) override;
  /// Scales and transforms.
  void run(const std::vector<TensorRef> &in, const std::vector<TensorRef> &out,
           KernelContext &ctx) override;

private:
  std::string where_;
  FftDirection forwardDir_; ///< direction of the op being differentiated
  int ndims_ = 1;
  std::string norm_;
  std::vector<float> factor_; ///< per half-spectrum mode
  int64_t rows_ = 0, halfSize_ = 0;
  std::vector<cfloat> scratch_;
  std::unique_ptr<RealFft> fft_;
};

RealFftGradKernel::RealFftGradKernel(const KernelSignature &sig,
                                     FftDirection forwardDir)
    : where_(sig.where), forwardDir_(forwardDir) {
  bool ofRfft = forwardDir == FftDirection::Forward;
  expectUnary(sig, ofRfft ? DType::C64 : DType::F32,
              ofRfft ? DType::F32 : DType::C64);
  ndims_ = static_cast<int>(intAttr(sig, "ndims"));
  norm_ = stringAttr(sig, "norm", "backward");
  size_t rank = sig.inputs[0]->shape.size();
  if (ndims_ < 1 || ndims_ > 3 || size_t(ndims_) > rank ||
      sig.outputs[0]->shape.size() != rank)
    throw Error(fmt::format("{}: ndims = {} must be in [1, 3] and at most the "
                            "rank, and input and output ranks must agree",
                            where_, ndims_));
  float unused;
  if (!fftScale(norm_, 1, FftDirection::Forward, unused))
    throw Error(fmt::format("{}: unknown norm '{}' (expected backward, ortho "
                            "or forward)",
                            where_, norm_));
}

void RealFftGradKernel::prepare(const std::vector<TensorRef> &in,
                                const std::vector<TensorRef> &out,
                                KernelContext &ctx) {
  bool ofRfft = forwardDir_ == FftDirection::Forward;
  const TensorRef &real = ofRfft ? out[0] : in[0];
  const TensorRef &half = ofRfft ? in[0] : out[0];
  RealFftGradShapes s = checkRealFftGradShapes(where_, forwardDir_, ndims_,
                                               norm_, in[0].shape,
                                               out[0].shape);
  const std::vector<int64_t> &grid = s.grid;
  halfSize_ = s.halfSize;
  rows_ = s.rows;
  factor_ = std::move(s.factor);
  cfloat *spectrum = half.as<cfloat>();
  if (ofRfft) { // c2r destroys its input: work on scratch
    scratch_.assign(size_t(half.numel()), cfloat());
    spectrum = scratch_.data();
  }
  fft_ = std::make_unique<RealFft>(
      grid, rows_, ofRfft ? FftDirection::Inverse : FftDirection::Forward,
      real.as<float>(), spectrum, ctx.pool ? ctx.pool->size() : 1);
}

void RealFftGradKernel::run(const std::vector<TensorRef> &in,
                            const std::vector<TensorRef> &out,
                            KernelContext &ctx) {
  bool ofRfft = forwardDir_ == FftDirection::Forward;
  auto scaleRows = [&](const cfloat *src, cfloat *dst) {
    parallelFor(ctx.pool, rows_ * halfSize_, kModeGrain,
                [&](int64_t b, int64_t e) {
                  for (int64_t i = b; i < e; ++i)
                    dst[i] = src[i] * factor_[i % halfSize_];
                });
  };
  auto transform = [&] {
    parallelFor(ctx.pool, fft_->chunks(), 1, [&](int64_t c0, int64_t c1) {
      for (int64_t c = c0; c < c1; ++c)
        fft_->executeChunk(int(c));
    });
  };
  if (ofRfft) {
    scaleRows(in[0].as<cfloat>(), scratch_.data());
    transform();
  } else {
    transform();
    scaleRows(out[0].as<cfloat>(), out[0].as<cfloat>());
  }
}

/// spectral_contract_grad_input (weight = false) and _weight (weight = true).
class ContractGradKernel : public Kernel {
public:
  /// Validates operand counts and dtypes (all complex<f32>).
  ContractGradKernel(const KernelSignature &sig, bool weight)
      : where_(sig.where), weight_(weight) {
    expectOperandCounts(sig, 2, 2, 1);
    const char *names[] = {weight ? "x" : "dy", weight ? "dy" : "weight"};
    for (int i = 0; i < 2; ++i)
      expectDType(sig, *sig.inputs[i], names[i], {DType::C64});
    expectDType(sig, *sig.outputs[0], "output", {DType::C64});
  }

  /// Checks shapes and records (B, I, O, K).
  void prepare(const std::vector<TensorRef> &in,
               const std::vector<TensorRef> &out, KernelContext &ctx) override {
    dims_ = checkContractGradShapes(where_, weight_, in[0].shape, in[1].shape,
                                    out[0].shape);
    const int64_t B = dims_[0], I = dims_[1], O = dims_[2], K = dims_[3];
    gemm_ = weight_ ? ModeGemm::adjointWeight(B, I, O, K)
                    : ModeGemm::adjointInput(B, I, O, K);
    scratch_.assign(size_t(gemm_.scratchFloats(ctx.pool ? ctx.pool->size() : 1)), 0.0f);
  }

  /// Runs the adjoint contraction on the pool.
  void run(const std::vector<TensorRef> &in, const std::vector<TensorRef> &out,
           KernelContext &ctx) override {
    gemm_.run(ctx.pool, in[0].as<cfloat>(), in[1].as<cfloat>(),
              out[0].as<cfloat>(), nullptr, scratch_.data());
  }

private:
  std::string where_;
  bool weight_;
  std::array<int64_t, 4> dims_{}; ///< B, I, O, K
  ModeGemm gemm_;
  std::vector<float> scratch_;
};

} // namespace

std::unique_ptr<Kernel> makeRfftGradKernel(const KernelSignature &sig) {
  return std::make_unique<RealFftGradKernel>(sig, FftDirection::Forward);
}
std::unique_ptr<Kernel> makeIrfftGradKernel(const KernelSignature &sig) {
  return std::make_unique<RealFftGradKernel>(sig, FftDirection::Inverse);
}
std::unique_ptr<Kernel>
makeSpectralContractGradInputKernel(const KernelSignature &sig) {
  return std::make_unique<ContractGradKernel>(sig, false);
}
std::unique_ptr<Kernel>
makeSpectralContractGradWeightKernel(const KernelSignature &sig) {
  return std::make_unique<ContractGradKernel>(sig, true);
}

} // namespace shodh
