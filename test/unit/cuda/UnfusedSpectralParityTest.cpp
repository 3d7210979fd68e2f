//===- UnfusedSpectralParityTest.cpp - Unfused spectral kernels, CPU vs GPU
//===//
//
// rfft, irfft, spectral_truncate, spectral_pad, spectral_contract and the
// gradients rfft_grad, irfft_grad, spectral_contract_grad_input and
// spectral_contract_grad_weight on the GPU against the CPU kernels, on the
// problems of UnfusedSpectralCases.h (1-D to 3-D grids, even and odd
// extents, an axis of extent 1, the 1-D size 8192, every norm; 1 to 3 mode
// axes). Every GPU call runs twice on outputs filled with NaN first: the two
// runs must be bit-identical (no atomics; the weight gradient sums the batch
// in order) and write every element. Inputs of irfft and rfft_grad are
// random half spectra, not Hermitian in their DC and Nyquist columns, as in
// a model (the GPU projects them: UnfusedSpectralDevice.h). Skipped without
// a device.
//
// Tolerances (per tensor, against its largest magnitude):
//  - truncate and pad: 0 (the same index map; copies and zeros).
//  - transforms: 2e-5. cuFFT and FFTW each round an f32 transform of N
//    points to about eps log2(N) (6e-8 x 13 at 8192) of the transform's
//    magnitude; the host run of the same steps with FFTW
//    (UnfusedSpectralModesTest.cpp) agrees with the CPU to 1.1e-7, so the
//    bound leaves two orders of magnitude for cuFFT's different
//    factorisation, yet an index or scaling error is O(1).
//  - contractions: 1e-5. Sums of at most 5 complex products of values in
//    [-1, 1) in the CPU's order; ModeGemm may fuse multiply-adds where the
//    GPU (--fmad=false) does not: a few ulps of the sum.
//
//===----------------------------------------------------------------------===//
#include "CudaHarness.h"
#include "ExpertFnoCases.h"
#include "RoutingCases.h"
#include "UnfusedSpectralCases.h"

#include <gtest/gtest.h>

using namespace shodh;
using namespace shodh::testing;

namespace {

constexpr double kFftTolerance = 2e-5;
constexpr double kContractTolerance = 1e-5;

/// Expects every float of `got` within rtol max |want| of `want` (rtol 0:
/// the same bytes).
void expectNearScaled(const HostTensor &got, const HostTensor &want,
                      double rtol, const std::string &what) {
  if (rtol == 0)
    return expectSameBytes(got, want, what);
  std::vector<float> g = floatsOf(got), w = floatsOf(want);
  ASSERT_EQ(g.size(), w.size()) << what;
  double scale = 0;
  for (float v : w)
    scale = std::max(scale, std::fabs(double(v)));
  for (size_t i = 0; i < w.size(); ++i)
    ASSERT_NEAR(g[i], w[i], rtol * scale) << what << " float " << i;
}

/// Runs `name` on the CPU (2 threads) into a new tensor of (dtype, shape),
/// then twice on the GPU on NaN-filled outputs; expects the GPU runs
/// bit-identical and within `rtol` of the CPU.
void expectParity(const std::string &name, const std::vector<NamedAttr> &attrs,
                  const std::vector<const HostTensor *> &ins, DType dtype,
                  const Shape &shape, double rtol, const std::string &what) {
  HostTensor want(dtype, shape);
  runKernel(name, attrs, ins, {&want}, 2);
  HostTensor runs[2] = {HostTensor(dtype, shape), HostTensor(dtype, shape)};
  for (HostTensor &run : runs) {
    fillAllFloats(run, std::nanf(""));
    runOnCuda(name, attrs, ins, {&run});
  }
  expectSameBytes(runs[1], runs[0], what + " repeat");
  expectNearScaled(runs[0], want, rtol, what);
}

/// The attributes of a transform case.
std::vector<NamedAttr> fftAttrs(const FftCase &c, const std::string &norm) {
  return {{"ndims", int64_t(c.ndims)}, {"norm", norm}};
}

TEST(UnfusedSpectralParity, RfftAndIrfft) {
  SHODH_REQUIRE_CUDA_DEVICE();
  for (const FftCase &c : fftCases())
    for (const std::string &norm : fftNorms()) {
      std::string what = c.name() + " norm " + norm;
      HostTensor x = randomTensor(DType::F32, c.real, 1);
      HostTensor z = randomTensor(DType::C64, c.half(), 2);
      expectParity("rfft", fftAttrs(c, norm), {&x}, DType::C64, c.half(),
                   kFftTolerance, "rfft " + what);
      expectParity("irfft", fftAttrs(c, norm), {&z}, DType::F32, c.real,
                   kFftTolerance, "irfft " + what);
    }
}

TEST(UnfusedSpectralParity, RfftGradAndIrfftGrad) {
  SHODH_REQUIRE_CUDA_DEVICE();
  for (const FftCase &c : fftCases())
    for (const std::string &norm : fftNorms()) {
      std::string what = c.name() + " norm " + norm;
      HostTensor dX = randomTensor(DType::C64, c.half(), 3);
      HostTensor dy = randomTensor(DType::F32, c.real, 4);
      expectParity("rfft_grad", fftAttrs(c, norm), {&dX}, DType::F32, c.real,
                   kFftTolerance, "rfft_grad " + what);
      expectParity("irfft_grad", fftAttrs(c, norm), {&dy}, DType::C64, c.half(),
                   kFftTolerance, "irfft_grad " + what);
    }
}

TEST(UnfusedSpectralParity, IrfftInvertsRfftOnTheGpu) {
  SHODH_REQUIRE_CUDA_DEVICE();
  // A genuine half spectrum (the GPU's own rfft) comes back as the signal:
  // the projection leaves Hermitian input alone up to rounding.
  for (const FftCase &c : fftCases()) {
    HostTensor x = randomTensor(DType::F32, c.real, 5);
    HostTensor X(DType::C64, c.half()), back(DType::F32, c.real);
    runOnCuda("rfft", fftAttrs(c, "ortho"), {&x}, {&X});
    runOnCuda("irfft", fftAttrs(c, "ortho"), {&X}, {&back});
    expectNearScaled(back, x, kFftTolerance, "round trip " + c.name());
  }
}

TEST(UnfusedSpectralParity, TruncateAndPadBitwise) {
  SHODH_REQUIRE_CUDA_DEVICE();
  for (const CornerCase &c : cornerCases()) {
    std::vector<NamedAttr> modes = {{"modes", c.modes}};
    HostTensor half = randomTensor(DType::C64, c.half, 6);
    HostTensor trunc = randomTensor(DType::C64, c.trunc(), 7);
    expectParity("spectral_truncate", modes, {&half}, DType::C64, c.trunc(), 0,
                 "spectral_truncate");
    expectParity("spectral_pad", modes, {&trunc}, DType::C64, c.half, 0,
                 "spectral_pad");
  }
}

TEST(UnfusedSpectralParity, ContractAndItsGradients) {
  SHODH_REQUIRE_CUDA_DEVICE();
  for (const ContractCase &c : contractCases()) {
    HostTensor x = randomTensor(DType::C64, c.x, 8);
    HostTensor w = randomTensor(DType::C64, c.w, 9);
    HostTensor dy = randomTensor(DType::C64, c.y(), 10);
    expectParity("spectral_contract", {}, {&x, &w}, DType::C64, c.y(),
                 kContractTolerance, "spectral_contract");
    expectParity("spectral_contract_grad_input", {}, {&dy, &w}, DType::C64, c.x,
                 kContractTolerance, "spectral_contract_grad_input");
    expectParity("spectral_contract_grad_weight", {}, {&x, &dy}, DType::C64,
                 c.w, kContractTolerance, "spectral_contract_grad_weight");
  }
}

} // namespace
