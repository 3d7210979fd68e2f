//===- SpectralGradTest.cpp - rfft_grad, irfft_grad, contraction grads ----===//
//
// The unfused chain's gradients. References are written from the sums of
// SpectralGradReference.h term by term (rfft's adjoint is
// s_fwd Re sum_k dX_k conj(E[k][n]) without c_k; irfft's is
// s_inv c_k sum_n dy_n E[k][n]) and checked against central differences of
// the double forward (L = Re sum conj(R) X for complex outputs, L = sum r y
// for real ones; linear, so 1e-6 of the largest gradient, see
// SpectralConvGradTest). The f32 kernels match them to 5e-5 of the largest
// gradient (one f32 FFT plus a scaling).
//
//===----------------------------------------------------------------------===//
#include "SpectralGradReference.h"
#include "TrainingTestSupport.h"

#include <gtest/gtest.h>

using namespace shodh;
using namespace shodh::testing;
namespace ref = shodh::reference;

namespace {

constexpr int64_t kRows = 2;

/// A grid and a norm mode.
struct FftCase {
  std::vector<int64_t> grid;
  std::string norm;
};

std::vector<int64_t> withRows(const std::vector<int64_t> &s) {
  std::vector<int64_t> r = {kRows};
  r.insert(r.end(), s.begin(), s.end());
  return r;
}

/// (s_fwd, s_inv) of a norm mode for N points.
std::pair<double, double> scales(const std::string &norm, int64_t n) {
  if (norm == "backward")
    return {1.0, 1.0 / n};
  if (norm == "forward")
    return {1.0 / n, 1.0};
  return {1.0 / std::sqrt(double(n)), 1.0 / std::sqrt(double(n))};
}

/// Expects |got - want| <= tol * max|want|.
void expectClose(const HostTensor &got, const std::vector<double> &want,
                 const std::string &what, double tol = 5e-5) {
  ASSERT_EQ(size_t(realCount(got)), want.size()) << what;
  for (size_t j = 0; j < want.size(); ++j)
    ASSERT_NEAR(got.f32()[j], want[j], tol * maxAbs(want))
        << what << " real " << j;
}

class RealFftGrad : public ::testing::TestWithParam<FftCase> {};

TEST_P(RealFftGrad, RfftGradMatchesFiniteDifferences) {
  const FftCase &c = GetParam();
  ref::DirectDft dft(c.grid);
  const double sFwd = scales(c.norm, dft.points).first;
  HostTensor x = randomTensor(DType::F32, withRows(c.grid), 1);
  HostTensor dX = randomTensor(DType::C64, withRows(dft.half), 2);
  std::vector<double> xv = realsOf(x), r = realsOf(dX);
  auto loss = [&] { // Re sum conj(R) s_fwd rfft(x)
    double l = 0;
    for (int64_t row = 0; row < kRows; ++row) {
      std::vector<ref::cd> X = dft.rfft(xv.data() + row * dft.points);
      for (int64_t k = 0; k < dft.halfPoints; ++k)
        l += sFwd *
             std::real(std::conj(ref::complexAt(r, row * dft.halfPoints + k)) *
                       X[k]);
    }
    return l;
  };
  std::vector<double> want(xv.size());
  for (int64_t row = 0; row < kRows; ++row)
    for (int64_t n = 0; n < dft.points; ++n)
      for (int64_t k = 0; k < dft.halfPoints; ++k)
        want[row * dft.points + n] +=
            sFwd * std::real(ref::complexAt(r, row * dft.halfPoints + k) *
                             std::conj(dft.phase[k * dft.points + n]));
  expectMatchesFiniteDifferences(xv, want, loss, "dx");
  HostTensor dx(DType::F32, withRows(c.grid));
  runKernel("rfft_grad", {{"ndims", int64_t(c.grid.size())}, {"norm", c.norm}},
            {&dX}, {&dx}, 2);
  expectClose(dx, want, "rfft_grad");
}

TEST_P(RealFftGrad, IrfftGradMatchesFiniteDifferences) {
  const FftCase &c = GetParam();
  ref::DirectDft dft(c.grid);
  const double sInv = scales(c.norm, dft.points).second;
  HostTensor z = randomTensor(DType::C64, withRows(dft.half), 3);
  HostTensor dy = randomTensor(DType::F32, withRows(c.grid), 4);
  std::vector<double> zv = realsOf(z), r = realsOf(dy);
  auto loss = [&] { // sum r s_inv c2r(Z)
    double l = 0;
    for (int64_t row = 0; row < kRows; ++row) {
      std::vector<ref::cd> h(static_cast<size_t>(dft.halfPoints));
      for (int64_t k = 0; k < dft.halfPoints; ++k)
        h[k] = ref::complexAt(zv, row * dft.halfPoints + k);
      std::vector<double> y = dft.c2r(h);
      for (int64_t n = 0; n < dft.points; ++n)
        l += r[row * dft.points + n] * sInv * y[n];
    }
    return l;
  };
  std::vector<double> want(zv.size());
  for (int64_t row = 0; row < kRows; ++row) {
    std::vector<ref::cd> g = dft.rfft(r.data() + row * dft.points);
    for (int64_t k = 0; k < dft.halfPoints; ++k) {
      ref::cd v = sInv * dft.weight[k] * g[k];
      want[2 * (row * dft.halfPoints + k)] = v.real();
      want[2 * (row * dft.halfPoints + k) + 1] = v.imag();
    }
  }
  expectMatchesFiniteDifferences(zv, want, loss,
                                 "dZ (real and imaginary parts)");
  HostTensor dz(DType::C64, withRows(dft.half));
  runKernel("irfft_grad", {{"ndims", int64_t(c.grid.size())}, {"norm", c.norm}},
            {&dy}, {&dz}, 2);
  expectClose(dz, want, "irfft_grad");
}

INSTANTIATE_TEST_SUITE_P(Grids, RealFftGrad,
                         ::testing::Values(FftCase{{16}, "backward"},
                                           FftCase{{15}, "ortho"},
                                           FftCase{{8, 8}, "forward"},
                                           FftCase{{9, 7}, "backward"},
                                           FftCase{{6, 4, 5}, "ortho"},
                                           FftCase{{4, 3, 6}, "forward"}),
                         [](const auto &info) {
                           std::string name;
                           for (int64_t n : info.param.grid)
                             name += std::to_string(n) + "x";
                           return name + info.param.norm;
                         });

TEST(SpectralContractGrad, BothGradientsMatchFiniteDifferences) {
  const int64_t B = 2, I = 3, O = 2, K = 5;
  HostTensor x = randomTensor(DType::C64, {B, I, K}, 5),
             w = randomTensor(DType::C64, {I, O, K}, 6),
             dy = randomTensor(DType::C64, {B, O, K}, 7);
  std::vector<double> xv = realsOf(x), wv = realsOf(w), r = realsOf(dy);
  auto loss = [&] { // Re sum conj(R) contract(X, W)
    double l = 0;
    for (int64_t b = 0; b < B; ++b)
      for (int64_t o = 0; o < O; ++o)
        for (int64_t k = 0; k < K; ++k) {
          ref::cd y = 0;
          for (int64_t i = 0; i < I; ++i)
            y += ref::complexAt(xv, (b * I + i) * K + k) *
                 ref::complexAt(wv, (i * O + o) * K + k);
          l += std::real(std::conj(ref::complexAt(r, (b * O + o) * K + k)) * y);
        }
    return l;
  };
  HostTensor dx(DType::C64, {B, I, K}), dw(DType::C64, {I, O, K});
  runKernel("spectral_contract_grad_input", {}, {&dy, &w}, {&dx}, 2);
  runKernel("spectral_contract_grad_weight", {}, {&x, &dy}, {&dw}, 3);
  // Finite differences straight against the f32 kernels: L is bilinear, so
  // the differences are exact to ~1e-10 and the kernels' f32 sums of <= 3
  // products are within 1e-6 of the largest gradient.
  expectMatchesFiniteDifferences(xv, realsOf(dx), loss, "dX", 1, 1e-6);
  expectMatchesFiniteDifferences(wv, realsOf(dw), loss, "dW", 1, 1e-6);
}

} // namespace
