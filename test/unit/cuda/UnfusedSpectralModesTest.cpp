//===- UnfusedSpectralModesTest.cpp - CUDA rfft/irfft code, on the host ---===//
//
// Runs without a GPU. The CUDA rfft, irfft, rfft_grad and irfft_grad run
// a cuFFT transform plus the element steps of UnfusedSpectralDevice.h with
// the grid, rows, scales and per-mode factors of the CPU's own shape checks
// (UnfusedSpectralShapes.h, UnfusedSpectralGradShapes.h). Here the same
// steps run on the host, each element function called for every element in
// reverse order on NaN-filled scratch, with FFTW's full transforms (one
// RealFft chunk) standing in for cuFFT, against the CPU kernels (one thread)
// on the problems of UnfusedSpectralCases.h and every norm:
//  - rfft and irfft_grad (r2c, then the norm's scale or s_inv c_k per mode):
//    bitwise, so the scales and factors are the CPU's.
//  - irfft and rfft_grad (c2r of the Hermitian-projected copy, of dX s_fwd /
//    c_k for the gradient) against the CPU's c2r of the raw input: within
//    1e-6 of the tensor's largest magnitude. FFTW drops the anti-Hermitian
//    part of the DC and Nyquist columns (UnfusedSpectralDevice.h), so the
//    projection changes nothing but rounding (one addition and a halving
//    per value, then FFTW's own rounding along another path: measured worst
//    1.1e-7); an index error or a lost column would be O(1).
//  - the projected copy itself: DC and Nyquist columns exactly Hermitian
//    (twins found by negating each index on the host, independently of the
//    device code), every other value the scaled input bit for bit.
//  - c_k: the factors are s / c_k and s c_k with c_k = 1 on the DC and
//    Nyquist columns and 2 elsewhere.
// A deliberately naive copy (the imaginary parts of those columns zeroed
// without averaging with the twin, what the 1-D case suggests) fails the
// irfft comparison on every grid with more than two points on its leading
// axes: the comparison can tell a wrong projection. So does each of these
// broken copies of c2rInputElement (checked by hand): the twin's index not
// negated, the Nyquist column left out, the halving dropped, the twin's
// conjugate missing.
//
//===----------------------------------------------------------------------===//
#include "RoutingCases.h"
#include "UnfusedSpectralCases.h"
#include "runtime/kernels/cpu/grad/UnfusedSpectralGradShapes.h"
#include "runtime/kernels/cpu/spectral/FftPlan.h"
#include "runtime/kernels/cpu/spectral/UnfusedSpectralShapes.h"
#include "runtime/kernels/cuda/UnfusedSpectralDevice.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

using namespace shodh;
using namespace shodh::testing;
using shodh::cuda::HalfLayout;

namespace {

/// Largest difference between the c2r emulation and the CPU, relative to
/// the CPU tensor's largest magnitude (see the file comment).
constexpr double kC2rTolerance = 1e-6;

/// Leading rows of a case (the dims before the grid).
int64_t rowsOf(const FftCase &c) {
  return extentProduct(Shape(c.real.begin(), c.real.end() - c.ndims));
}

/// The layout the CUDA kernels derive from the grid.
HalfLayout layoutOf(const FftCase &c) {
  Shape grid = c.grid();
  return cuda::halfLayoutOf(grid.data(), c.ndims);
}

/// The c2r input of `half` as the device writes it (factor may be null);
/// `naive` zeroes the DC/Nyquist imaginary parts instead of projecting.
std::vector<cfloat> c2rInput(const FftCase &c, const HostTensor &half,
                             const float *factor, bool naive = false) {
  const HalfLayout g = layoutOf(c);
  const int64_t n = rowsOf(c) * cuda::halfSizeOf(g);
  const float nan = std::numeric_limits<float>::quiet_NaN();
  std::vector<cfloat> out(size_t(n), cfloat(nan, nan));
  const float *src = reinterpret_cast<const float *>(half.storage.data());
  float *dst = reinterpret_cast<float *>(out.data());
  for (int64_t e = n - 1; e >= 0; --e) {
    cuda::c2rInputElement(src, factor, g, e, dst);
    const int64_t j = e % g.last;
    if (naive && (j == 0 || (g.nyquist && j == g.last - 1))) {
      const float f = factor ? factor[e % cuda::halfSizeOf(g)] : 1.0f;
      dst[2 * e] = src[2 * e] * f, dst[2 * e + 1] = 0.0f;
    }
  }
  return out;
}

/// FFTW's c2r of `spectrum` (destroyed) into a new real tensor, times
/// `scale` when it is not 1.
HostTensor c2r(const FftCase &c, std::vector<cfloat> &spectrum, float scale) {
  HostTensor real(DType::F32, c.real);
  RealFft fft(c.grid(), rowsOf(c), FftDirection::Inverse, real.f32(),
              spectrum.data(), 1);
  for (int k = 0; k < fft.chunks(); ++k)
    fft.executeChunk(k);
  if (scale != 1.0f)
    for (int64_t i = 0; i < real.numel(); ++i)
      real.f32()[i] *= scale;
  return real;
}

/// FFTW's r2c of `real` into a new half-spectrum tensor.
HostTensor r2c(const FftCase &c, const HostTensor &real) {
  HostTensor half(DType::C64, c.half());
  RealFft fft(c.grid(), rowsOf(c), FftDirection::Forward, real.f32(),
              reinterpret_cast<cfloat *>(half.storage.data()), 1);
  for (int k = 0; k < fft.chunks(); ++k)
    fft.executeChunk(k);
  return half;
}

/// max |got - want| / max |want| over the floats of two tensors.
double relativeError(const HostTensor &got, const HostTensor &want) {
  std::vector<float> g = floatsOf(got), w = floatsOf(want);
  EXPECT_EQ(g.size(), w.size());
  double err = 0, scale = 0;
  for (size_t i = 0; i < w.size() && i < g.size(); ++i) {
    err = std::max(err, std::fabs(double(g[i]) - double(w[i])));
    scale = std::max(scale, std::fabs(double(w[i])));
  }
  return scale > 0 ? err / scale : err;
}

/// The attributes of a transform case.
std::vector<NamedAttr> fftAttrs(const FftCase &c, const std::string &norm) {
  return {{"ndims", int64_t(c.ndims)}, {"norm", norm}};
}

/// Expects the DC and Nyquist columns of `v` exactly Hermitian over the
/// leading axes (twins by negating each index) and every other value equal
/// to src * factor.
void expectProjected(const FftCase &c, const std::vector<cfloat> &v,
                     const HostTensor &src, const float *factor) {
  const Shape grid = c.grid();
  const int64_t last = grid.back() / 2 + 1,
                halfSize = extentProduct(c.half()) / rowsOf(c);
  const cfloat *in = reinterpret_cast<const cfloat *>(src.storage.data());
  for (int64_t e = 0; e < int64_t(v.size()); ++e) {
    const int64_t mode = e % halfSize, j = mode % last;
    const bool column = j == 0 || (grid.back() % 2 == 0 && j == last - 1);
    if (!column) {
      const float f = factor ? factor[mode] : 1.0f;
      ASSERT_EQ(v[e].real(), in[e].real() * f) << c.name() << " " << e;
      ASSERT_EQ(v[e].imag(), in[e].imag() * f) << c.name() << " " << e;
      continue;
    }
    // Leading indices k_a of this mode, negated mod N_a.
    int64_t rest = mode / last, twin = 0, stride = last;
    for (int a = c.ndims - 2; a >= 0; --a) {
      const int64_t k = rest % grid[a];
      rest /= grid[a];
      twin += ((grid[a] - k) % grid[a]) * stride;
      stride *= grid[a];
    }
    const cfloat t = v[e - mode + twin + j];
    ASSERT_EQ(v[e].real(), t.real()) << c.name() << " twin of " << e;
    ASSERT_EQ(v[e].imag(), -t.imag()) << c.name() << " twin of " << e;
  }
}

TEST(UnfusedSpectralModes, RfftAndIrfftGradAreTheCpusBitwise) {
  for (const FftCase &c : fftCases())
    for (const std::string &norm : fftNorms()) {
      SCOPED_TRACE(c.name() + " norm " + norm);
      HostTensor x = randomTensor(DType::F32, c.real, 1);
      // rfft: r2c, then the norm's scale on every float.
      HostTensor cpu(DType::C64, c.half());
      runKernel("rfft", fftAttrs(c, norm), {&x}, {&cpu}, 1);
      RealFftShapes s = checkRealFftShapes("t", FftDirection::Forward, c.ndims,
                                           norm, c.real, c.half());
      HostTensor dev = r2c(c, x);
      if (s.scale != 1.0f)
        for (int64_t i = 0; i < 2 * dev.numel(); ++i)
          dev.f32()[i] *= s.scale;
      expectSameBytes(dev, cpu, "rfft");
      // irfft_grad: r2c, then s_inv c_k per mode (scaleModeElement).
      HostTensor cpuGrad(DType::C64, c.half());
      runKernel("irfft_grad", fftAttrs(c, norm), {&x}, {&cpuGrad}, 1);
      RealFftGradShapes g = checkRealFftGradShapes(
          "t", FftDirection::Inverse, c.ndims, norm, c.real, c.half());
      HostTensor devGrad = r2c(c, x);
      for (int64_t e = devGrad.numel() - 1; e >= 0; --e)
        cuda::scaleModeElement(devGrad.f32(), g.factor.data(), g.halfSize, e);
      expectSameBytes(devGrad, cpuGrad, "irfft_grad");
    }
}

TEST(UnfusedSpectralModes, IrfftAndRfftGradMatchTheCpu) {
  double worst = 0;
  for (const FftCase &c : fftCases())
    for (const std::string &norm : fftNorms()) {
      SCOPED_TRACE(c.name() + " norm " + norm);
      HostTensor z = randomTensor(DType::C64, c.half(), 2);
      // irfft: c2r of the projected copy, then the norm's scale.
      HostTensor cpu(DType::F32, c.real);
      runKernel("irfft", fftAttrs(c, norm), {&z}, {&cpu}, 1);
      RealFftShapes s = checkRealFftShapes("t", FftDirection::Inverse, c.ndims,
                                           norm, c.half(), c.real);
      std::vector<cfloat> in = c2rInput(c, z, nullptr);
      expectProjected(c, in, z, nullptr);
      HostTensor dev = c2r(c, in, s.scale);
      double err = relativeError(dev, cpu);
      EXPECT_LE(err, kC2rTolerance) << "irfft";
      worst = std::max(worst, err);
      // rfft_grad: c2r of the projected dX s_fwd / c_k, no scale after.
      HostTensor cpuGrad(DType::F32, c.real);
      runKernel("rfft_grad", fftAttrs(c, norm), {&z}, {&cpuGrad}, 1);
      RealFftGradShapes g = checkRealFftGradShapes(
          "t", FftDirection::Forward, c.ndims, norm, c.half(), c.real);
      std::vector<cfloat> gin = c2rInput(c, z, g.factor.data());
      expectProjected(c, gin, z, g.factor.data());
      HostTensor devGrad = c2r(c, gin, 1.0f);
      err = relativeError(devGrad, cpuGrad);
      EXPECT_LE(err, kC2rTolerance) << "rfft_grad";
      worst = std::max(worst, err);
    }
  std::printf("c2r of the projected input vs the CPU: worst %.3g of the "
              "tensor scale\n",
              worst);
}

TEST(UnfusedSpectralModes, ANaiveDcColumnFailsTheComparison) {
  int checked = 0;
  for (const FftCase &c : fftCases()) {
    Shape grid = c.grid();
    if (extentProduct(Shape(grid.begin(), grid.end() - 1)) <= 2)
      continue; // every index is its own twin: nothing to average
    ++checked;
    SCOPED_TRACE(c.name());
    HostTensor z = randomTensor(DType::C64, c.half(), 3);
    HostTensor cpu(DType::F32, c.real);
    runKernel("irfft", fftAttrs(c, "backward"), {&z}, {&cpu}, 1);
    std::vector<cfloat> in = c2rInput(c, z, nullptr, /*naive=*/true);
    HostTensor dev = c2r(c, in, 1.0f / float(extentProduct(grid)));
    EXPECT_GT(relativeError(dev, cpu), 100 * kC2rTolerance);
  }
  EXPECT_EQ(checked, 6); // the 2-D and 3-D grids but [2, 1, 8]
}

TEST(UnfusedSpectralModes, ModeFactorsAreTheNormOverOrTimesCk) {
  for (const FftCase &c : fftCases())
    for (const std::string &norm : fftNorms()) {
      SCOPED_TRACE(c.name() + " norm " + norm);
      const Shape grid = c.grid();
      const int64_t n = grid.back(), last = n / 2 + 1;
      for (FftDirection dir : {FftDirection::Forward, FftDirection::Inverse}) {
        bool ofRfft = dir == FftDirection::Forward;
        RealFftGradShapes g = checkRealFftGradShapes(
            "t", dir, c.ndims, norm, ofRfft ? c.half() : c.real,
            ofRfft ? c.real : c.half());
        float scale = 0;
        ASSERT_TRUE(fftScale(norm, extentProduct(grid), dir, scale));
        ASSERT_EQ(int64_t(g.factor.size()), g.halfSize);
        for (int64_t k = 0; k < g.halfSize; ++k) {
          const int64_t j = k % last;
          const float ck = (j == 0 || (n % 2 == 0 && j == n / 2)) ? 1.0f : 2.0f;
          ASSERT_EQ(g.factor[k], ofRfft ? scale / ck : scale * ck) << k;
        }
      }
    }
}

} // namespace
