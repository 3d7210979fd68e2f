//===- RouterSpectralEnergy.cpp - The CPU "spectral_energy" kernel --------===//
//
// (patches (B, T, C, [d,] h, w)) -> (features (B, T, n)), attr `bands` = n:
// per token, the fraction of the fluctuation energy in n equal bands of the
// normalised radial wavenumber (docs/experts.md). The per-token work —
// mean removal, separable DFTs in double (a real DFT to the w/2+1 half
// spectrum, then complex DFTs over h and d, O(hw·(w+h+d)) per channel,
// cheap for patch sizes), the Hermitian-weighted power per band — is
// SpectralEnergyToken.h, shared with the CUDA kernel; the tables are made
// in prepare. Tokens are independent; one thread computes a token.
//
//===----------------------------------------------------------------------===//
#include "runtime/core/ThreadPool.h"
#include "runtime/kernels/cpu/SignatureChecks.h"
#include "runtime/kernels/cpu/moe/RoutingSupport.h"
#include "runtime/kernels/cpu/moe/SpectralEnergyToken.h"
#include "runtime/support/Status.h"

#include <fmt/format.h>

namespace shodh {

namespace {

/// spectral_energy.
class SpectralEnergyKernel : public RoutingKernel {
public:
  explicit SpectralEnergyKernel(const KernelSignature &sig)
      : RoutingKernel(sig) {
    expectOperandCounts(sig, 1, 1, 1);
    expectDType(sig, *sig.inputs[0], "patches", {DType::F32});
    expectDType(sig, *sig.outputs[0], "output", {DType::F32});
    bands_ = intAttr(sig, "bands");
    if (bands_ < 1)
      throw Error(fmt::format(
          "{}: attribute 'bands' must be at least 1, got {}", where_, bands_));
    checkSignature(sig);
  }

  void check(const OperandDims &in, const OperandDims &out) const override {
    expectRank("patches", in[0], -5);
    if (in[0].size() > 6)
      throw Error(fmt::format("{}: patches must have rank 5 or 6, got {}",
                              where_, in[0].size()));
    expectRank("output", out[0], 3);
    expectDim("output", out[0], 0, "patches", in[0], 0);
    expectDim("output", out[0], 1, "patches", in[0], 1);
    expectSize("output", out[0], 2, bands_, "bands");
  }

  void prepare(const std::vector<TensorRef> &in,
               const std::vector<TensorRef> &out, KernelContext &ctx) override {
    RoutingKernel::prepare(in, out, ctx);
    g_ = spectral_energy::geometryOf(in[0].shape, bands_);
    tables_ = spectral_energy::makeTables(g_);
  }

  void run(const std::vector<TensorRef> &in, const std::vector<TensorRef> &out,
           KernelContext &ctx) override {
    const int64_t tokens = in[0].shape[0] * in[0].shape[1];
    const int64_t size = g_.channels * g_.d * g_.h * g_.w;
    const float *x = in[0].as<float>();
    float *y = out[0].as<float>();
    parallelFor(ctx.pool, tokens, 1, [&](int64_t t0, int64_t t1) {
      std::vector<double> scratch(
          static_cast<size_t>(spectral_energy::scratchDoubles(g_)));
      for (int64_t t = t0; t < t1; ++t)
        spectral_energy::token(x + t * size, g_, tables_.twD.data(),
                               tables_.twH.data(), tables_.twW.data(),
                               tables_.band.data(), tables_.weight.data(),
                               scratch.data(), y + t * bands_);
    });
  }

private:
  int64_t bands_ = 1;
  spectral_energy::Geometry g_;
  spectral_energy::Tables tables_;
};

} // namespace

std::unique_ptr<Kernel> makeSpectralEnergyKernel(const KernelSignature &sig) {
  return std::make_unique<SpectralEnergyKernel>(sig);
}

} // namespace shodh
