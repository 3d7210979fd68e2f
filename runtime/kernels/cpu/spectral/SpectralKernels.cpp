//===- SpectralKernels.cpp - CPU kernels of the spectral op family --------===//
//
// Kernel contract (emitted by the compiler's lowering, see docs/runtime.md):
//   rfft               x f32 [..., N_1..N_d] -> c64 [..., N_1..N_{d-1}, N_d/2+1]
//                      attrs: ndims (Int, 1..3), norm (String: backward|ortho|forward)
//   irfft              c64 [..., N_1..N_{d-1}, N_d/2+1] -> f32 [..., N_1..N_d]; ndims, norm
//   spectral_truncate  c64 [..., N_1.., N_d/2+1] -> c64 [..., 2m_1.., m_d]; modes (Ints)
//   spectral_pad       c64 [..., 2m_1.., m_d] -> c64 [..., N_1.., N_d/2+1]; modes (Ints)
//   spectral_contract  x c64 [B, I, K...], w c64 [I, O, K...] -> c64 [B, O, K...]
//   spectral_conv      see SpectralConv.h
// The layout of truncated spectra is described in SpectralLayout.h.
//
//===----------------------------------------------------------------------===//
#include "runtime/core/Kernel.h"
#include "runtime/core/ThreadPool.h"
#include "runtime/kernels/cpu/SignatureChecks.h"
#include "runtime/kernels/cpu/spectral/FftPlan.h"
#include "runtime/kernels/cpu/spectral/ModeGemm.h"
#include "runtime/kernels/cpu/spectral/SpectralConv.h"
#include "runtime/kernels/cpu/spectral/UnfusedSpectralShapes.h"
#include "runtime/kernels/cpu/spectral/SpectralKernels.h"
#include "runtime/support/Status.h"

#include <fmt/format.h>

#include <array>
#include <cstring>
#include <memory>

namespace shodh {
namespace {

/// Checks operand counts and element types.
void expectOperands(const KernelSignature &sig, std::vector<DType> ins, std::vector<DType> outs) {
  if (sig.inputs.size() != ins.size() || sig.outputs.size() != outs.size())
    throw Error(fmt::format("{}: expected {} inputs and {} outputs, got {} and {}", sig.where,
                            ins.size(), outs.size(), sig.inputs.size(), sig.outputs.size()));
  auto check = [&](const TensorDesc *t, DType want, const char *what, size_t i) {
    if (t->dtype != want)
      throw Error(fmt::format("{}: {} {} ('{}') must be {}, got {}", sig.where, what, i, t->name,
                              dtypeName(want), dtypeName(t->dtype)));
  };
  for (size_t i = 0; i < ins.size(); ++i)
    check(sig.inputs[i], ins[i], "input", i);
  for (size_t i = 0; i < outs.size(); ++i)
    check(sig.outputs[i], outs[i], "output", i);
}

/// Runs fn(c) for each chunk c of `n` on the pool.
void forEach(KernelContext &ctx, int64_t n, const std::function<void(int64_t)> &fn) {
  ctx.pool->parallelFor(n, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i)
      fn(i);
  });
}

/// Multiplies `n` floats by `s` in parallel (skipped when s == 1).
void scaleInPlace(KernelContext &ctx, float *v, int64_t n, float s) {
  if (s == 1.0f)
    return;
  ctx.pool->parallelFor(n, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i)
      v[i] *= s;
  });
}

/// rfft / irfft over the trailing `ndims` axes.
class RealFftKernel : public Kernel {
public:
  RealFftKernel(const KernelSignature &sig, FftDirection dir) : where_(sig.where), dir_(dir) {
    bool fwd = dir == FftDirection::Forward;
    expectOperands(sig, {fwd ? DType::F32 : DType::C64}, {fwd ? DType::C64 : DType::F32});
    ndims_ = static_cast<int>(intAttr(sig, "ndims"));
    norm_ = stringAttr(sig, "norm", "backward");
    float unused;
    if (ndims_ < 1 || ndims_ > 3 || ndims_ > int(sig.inputs[0]->shape.size()))
      throw Error(fmt::format("{}: ndims = {} must be in [1, 3] and at most the rank", where_,
                              ndims_));
    if (!fftScale(norm_, 1, dir, unused))
      throw Error(fmt::format("{}: unknown norm '{}' (expected backward, ortho or forward)", where_,
                              norm_));
  }

  void prepare(const std::vector<TensorRef> &in, const std::vector<TensorRef> &out,
               KernelContext &ctx) override {
    const TensorRef &real = dir_ == FftDirection::Forward ? in[0] : out[0];
    const TensorRef &half = dir_ == FftDirection::Forward ? out[0] : in[0];
    RealFftShapes s = checkRealFftShapes(where_, dir_, ndims_, norm_, in[0].shape, out[0].shape);
    const std::vector<int64_t> &grid = s.grid;
    rows_ = s.rows;
    scale_ = s.scale;
    if (dir_ == FftDirection::Inverse)
      scratch_.assign(static_cast<size_t>(half.numel()), cfloat());
    cfloat *spectrum = dir_ == FftDirection::Forward ? half.as<cfloat>() : scratch_.data();
    fft_ = std::make_unique<RealFft>(grid, rows_, dir_, real.as<float>(), spectrum,
                                     ctx.pool->size());
  }

  void run(const std::vector<TensorRef> &in, const std::vector<TensorRef> &out,
           KernelContext &ctx) override {
    if (dir_ == FftDirection::Inverse) // c2r destroys its input: work on a copy
      std::memcpy(static_cast<void *>(scratch_.data()), in[0].data,
                  scratch_.size() * sizeof(cfloat));
    forEach(ctx, fft_->chunks(), [&](int64_t c) { fft_->executeChunk(static_cast<int>(c)); });
    const TensorRef &res = out[0];
    int64_t floats = res.numel() * (dir_ == FftDirection::Forward ? 2 : 1);
    scaleInPlace(ctx, res.as<float>(), floats, scale_);
  }

private:
  std::string where_;
  FftDirection dir_;
  int ndims_ = 1;
  std::string norm_;
  int64_t rows_ = 0;
  float scale_ = 1.0f;
  std::vector<cfloat> scratch_;
  std::unique_ptr<RealFft> fft_;
};

/// spectral_truncate (pad = false) and spectral_pad (pad = true).
class CornerKernel : public Kernel {
public:
  CornerKernel(const KernelSignature &sig, bool pad) : where_(sig.where), pad_(pad) {
    expectOperands(sig, {DType::C64}, {DType::C64});
    modes_ = intsAttr(sig, "modes");
    if (modes_.empty() || modes_.size() > 3 || modes_.size() > sig.inputs[0]->shape.size())
      throw Error(fmt::format("{}: 'modes' must have 1 to 3 entries, at most the rank", where_));
  }

  void prepare(const std::vector<TensorRef> &in, const std::vector<TensorRef> &out,
               KernelContext &) override {
    CornerShapes s = checkCornerShapes(where_, pad_, modes_, in[0].shape, out[0].shape);
    geom_ = s.geom;
    index_ = geom_.gatherIndex();
    rows_ = s.rows;
  }

  void run(const std::vector<TensorRef> &in, const std::vector<TensorRef> &out,
           KernelContext &ctx) override {
    const int64_t hs = geom_.halfSize(), ts = geom_.truncSize();
    ctx.pool->parallelFor(rows_, [&](int64_t b, int64_t e) {
      if (pad_)
        padSpectra(geom_, index_, in[0].as<cfloat>() + b * ts, out[0].as<cfloat>() + b * hs, e - b,
                   1.0f);
      else
        truncateSpectra(geom_, index_, in[0].as<cfloat>() + b * hs, out[0].as<cfloat>() + b * ts,
                        e - b);
    });
  }

private:
  std::string where_;
  bool pad_;
  std::vector<int64_t> modes_;
  SpectralGeometry geom_;
  std::vector<int64_t> index_;
  int64_t rows_ = 0;
};

/// spectral_contract: per-mode complex channel mixing.
class ContractKernel : public Kernel {
public:
  explicit ContractKernel(const KernelSignature &sig) : where_(sig.where) {
    expectOperands(sig, {DType::C64, DType::C64}, {DType::C64});
  }
  void prepare(const std::vector<TensorRef> &in, const std::vector<TensorRef> &out,
               KernelContext &ctx) override {
    std::array<int64_t, 4> d =
        checkContractShapes(where_, in[0].shape, in[1].shape, out[0].shape);
    gemm_ = ModeGemm::forward(d[0], d[1], d[2], d[3]);
    scratch_.assign(size_t(gemm_.scratchFloats(ctx.pool->size())), 0.0f);
  }
  void run(const std::vector<TensorRef> &in, const std::vector<TensorRef> &out,
           KernelContext &ctx) override {
    gemm_.run(ctx.pool, in[0].as<cfloat>(), in[1].as<cfloat>(), out[0].as<cfloat>(), nullptr,
              scratch_.data());
  }

private:
  std::string where_;
  ModeGemm gemm_;
  std::vector<float> scratch_;
};

} // namespace

void registerCpuSpectralKernels(KernelRegistry &registry) {
  auto add = [&](const char *name, KernelFactory f) { registry.add(name, Backend::Cpu, f); };
  add("rfft", [](const KernelSignature &s) {
    return std::make_unique<RealFftKernel>(s, FftDirection::Forward);
  });
  add("irfft", [](const KernelSignature &s) {
    return std::make_unique<RealFftKernel>(s, FftDirection::Inverse);
  });
  add("spectral_truncate",
      [](const KernelSignature &s) { return std::make_unique<CornerKernel>(s, false); });
  add("spectral_pad",
      [](const KernelSignature &s) { return std::make_unique<CornerKernel>(s, true); });
  add("spectral_contract",
      [](const KernelSignature &s) { return std::make_unique<ContractKernel>(s); });
  add("spectral_conv", makeSpectralConvKernel);
}

} // namespace shodh
