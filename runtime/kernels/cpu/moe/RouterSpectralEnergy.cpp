//===- RouterSpectralEnergy.cpp - The CPU "spectral_energy" kernel --------===//
//
// (patches (B, T, C, [d,] h, w)) -> (features (B, T, n)), attr `bands` = n:
// per token, the fraction of the fluctuation energy in n equal bands of the
// normalised radial wavenumber (docs/experts.md). Each channel's patch has
// its mean removed (so a constant patch is exactly zero and gets all-zero
// features), is transformed by separable DFTs in double — a real DFT to the
// w/2+1 half spectrum, then complex DFTs over h and d, O(hw·(w+h+d)) per
// channel, cheap for patch sizes — and its power |X|² is added to the band
// of each mode with the Hermitian weight (2 for the half-spectrum bins
// 0 < u < w/2 that stand for a conjugate pair, else 1). Band of a mode with
// integer frequencies k (signed, |k_i| <= N_i/2): the smallest j with
// |k|²·n² <= (j+1)²·|k|²_max, |k|²_max = Σ floor(N_i/2)², computed exactly
// in integers. Tokens are independent; one thread computes a token.
//
//===----------------------------------------------------------------------===//
#include "runtime/core/ThreadPool.h"
#include "runtime/kernels/cpu/SignatureChecks.h"
#include "runtime/kernels/cpu/moe/RoutingSupport.h"
#include "runtime/support/Status.h"

#include <fmt/format.h>

#include <cmath>
#include <complex>

namespace shodh {

namespace {

using Complex = std::complex<double>;

/// e^{-2πi m / n} for m in [0, n).
std::vector<Complex> twiddles(int64_t n) {
  std::vector<Complex> t(static_cast<size_t>(n));
  for (int64_t m = 0; m < n; ++m) {
    double angle = -2.0 * M_PI * double(m) / double(n);
    t[size_t(m)] = Complex(std::cos(angle), std::sin(angle));
  }
  return t;
}

/// Signed frequency of DFT bin `u` of an axis of `n` points.
int64_t signedFrequency(int64_t u, int64_t n) { return u <= n / 2 ? u : u - n; }

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
    const std::vector<int64_t> &s = in[0].shape;
    d_ = s.size() == 6 ? s[3] : 1, h_ = s[s.size() - 2], w_ = s.back();
    half_ = w_ / 2 + 1;
    twD_ = twiddles(d_), twH_ = twiddles(h_), twW_ = twiddles(w_);
    planBands();
  }

  void run(const std::vector<TensorRef> &in, const std::vector<TensorRef> &out,
           KernelContext &ctx) override {
    const int64_t tokens = in[0].shape[0] * in[0].shape[1];
    const int64_t channels = in[0].shape[2], volume = d_ * h_ * w_;
    const float *x = in[0].as<float>();
    float *y = out[0].as<float>();
    parallelFor(ctx.pool, tokens, 1, [&](int64_t t0, int64_t t1) {
      std::vector<double> real(static_cast<size_t>(volume));
      std::vector<Complex> a(static_cast<size_t>(d_ * h_ * half_)), b(a.size());
      std::vector<double> energy(static_cast<size_t>(bands_));
      for (int64_t t = t0; t < t1; ++t) {
        std::fill(energy.begin(), energy.end(), 0.0);
        for (int64_t c = 0; c < channels; ++c)
          addChannel(x + (t * channels + c) * volume, real, a, b, energy);
        double total = 0.0;
        for (double v : energy)
          total += v;
        for (int64_t j = 0; j < bands_; ++j)
          y[t * bands_ + j] =
              total > 0.0 ? float(energy[size_t(j)] / total) : 0.0f;
      }
    });
  }

private:
  /// Band (-1: the DC mode) and Hermitian weight of every half-spectrum mode.
  void planBands() {
    const int64_t maxSq =
        (d_ / 2) * (d_ / 2) + (h_ / 2) * (h_ / 2) + (w_ / 2) * (w_ / 2);
    band_.assign(size_t(d_ * h_ * half_), -1);
    weight_.assign(size_t(half_), 2.0);
    weight_[0] = 1.0;
    if (w_ % 2 == 0)
      weight_[size_t(half_ - 1)] = 1.0;
    for (int64_t z = 0; z < d_; ++z)
      for (int64_t v = 0; v < h_; ++v)
        for (int64_t u = 0; u < half_; ++u) {
          int64_t kz = signedFrequency(z, d_), kv = signedFrequency(v, h_);
          int64_t sq = kz * kz + kv * kv + u * u;
          if (sq == 0)
            continue;
          int64_t j = 0;
          while (j + 1 < bands_ &&
                 sq * bands_ * bands_ > (j + 1) * (j + 1) * maxSq)
            ++j;
          band_[size_t((z * h_ + v) * half_ + u)] = j;
        }
  }

  /// Adds the band energies of one channel's patch `x` (d·h·w floats).
  void addChannel(const float *x, std::vector<double> &real,
                  std::vector<Complex> &a, std::vector<Complex> &b,
                  std::vector<double> &energy) const {
    const int64_t volume = d_ * h_ * w_;
    double mean = 0.0;
    for (int64_t i = 0; i < volume; ++i)
      mean += double(x[i]);
    mean /= double(volume);
    for (int64_t i = 0; i < volume; ++i)
      real[size_t(i)] = double(x[i]) - mean;
    for (int64_t line = 0; line < d_ * h_; ++line) // real DFT over w
      for (int64_t u = 0; u < half_; ++u) {
        const double *in = real.data() + line * w_;
        double re = 0.0, im = 0.0;
        for (int64_t p = 0, m = 0; p < w_; ++p, m = advance(m, u, w_)) {
          re += in[p] * twW_[size_t(m)].real();
          im += in[p] * twW_[size_t(m)].imag();
        }
        a[size_t(line * half_ + u)] = Complex(re, im);
      }
    // Complex DFT over h, then over d; `stride` steps between the lines'
    // points.
    auto dftLines = [&](const std::vector<Complex> &src,
                        std::vector<Complex> &dst, int64_t n, int64_t stride,
                        const std::vector<Complex> &tw) {
      for (size_t o = 0; o < dst.size(); ++o) {
        int64_t pos = int64_t(o) / stride % n; // output frequency
        int64_t base = int64_t(o) - pos * stride;
        double re = 0.0, im = 0.0;
        for (int64_t q = 0, m = 0; q < n; ++q, m = advance(m, pos, n)) {
          const Complex &x = src[size_t(base + q * stride)];
          const Complex &t = tw[size_t(m)];
          re += x.real() * t.real() - x.imag() * t.imag();
          im += x.real() * t.imag() + x.imag() * t.real();
        }
        dst[o] = Complex(re, im);
      }
    };
    dftLines(a, b, h_, half_, twH_);
    dftLines(b, a, d_, h_ * half_, twD_);
    for (size_t o = 0; o < a.size(); ++o) { // the power, into the bands
      int64_t j = band_[o];
      if (j >= 0)
        energy[size_t(j)] += weight_[o % size_t(half_)] * std::norm(a[o]);
    }
  }

  /// (m + step) mod n for m, step in [0, n).
  static int64_t advance(int64_t m, int64_t step, int64_t n) {
    m += step;
    return m >= n ? m - n : m;
  }

  int64_t bands_ = 1;
  int64_t d_ = 1, h_ = 1, w_ = 1, half_ = 1;
  std::vector<Complex> twD_, twH_, twW_;
  std::vector<int64_t> band_;
  std::vector<double> weight_;
};

} // namespace

std::unique_ptr<Kernel> makeSpectralEnergyKernel(const KernelSignature &sig) {
  return std::make_unique<SpectralEnergyKernel>(sig);
}

} // namespace shodh
