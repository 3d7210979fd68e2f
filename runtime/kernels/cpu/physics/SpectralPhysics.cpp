//===- SpectralPhysics.cpp - Spectral physics kernels (FFTW, f32 and f64) -===//
//
// Both kernels transform the input's channels to half spectra (r2c over the
// spatial axes, one row per (b, c)), apply a per-wavevector linear map and
// transform the result back (c2r); the 1/N of the inverse transform is
// folded into the map. Plans and spectra are made in `prepare`; the
// per-grid FFTs and the per-mode work run on the pool, each output element
// computed the same way whichever thread runs it, so results are
// bit-identical for every thread count.
//
//   spectral derivative  out_hat[o] = sum over terms sign * i k_axis in_hat[c]
//   Leray projection     u_hat <- u_hat - k (k . u_hat) / |k|^2 (k = 0 kept)
//
//===----------------------------------------------------------------------===//
#include "runtime/core/ThreadPool.h"
#include "runtime/kernels/cpu/physics/PhysicsCall.h"
#include "runtime/kernels/cpu/physics/PhysicsFft.h"

#include <array>
#include <complex>
#include <memory>

namespace shodh {
namespace {

/// Rows of the half spectrum handled per pool chunk at least.
constexpr int64_t kModeRowGrain = 16;

/// Common part of the spectral kernels: shapes, wavenumbers, spectra, plans.
template <typename T> class SpectralFieldKernel : public Kernel {
public:
  explicit SpectralFieldKernel(PhysicsCall call) : call_(std::move(call)) {}

  /// Checks shapes, tabulates wavenumbers, allocates spectra, plans FFTs.
  void prepare(const std::vector<TensorRef> &in,
               const std::vector<TensorRef> &out, KernelContext &) override {
    std::vector<int64_t> grid = call_.checkShapes(in[0], out[0]);
    int d = call_.spatial;
    batch_ = in[0].shape[0];
    half_ = grid[d - 1] / 2 + 1;
    leadRows_ = 1, points_ = 1;
    for (int a = 0; a < d; ++a) {
      k_[a] = axisWavenumbers(grid[a], call_.lengths[a], a == d - 1);
      points_ *= grid[a];
      if (a < d - 1)
        leadRows_ *= grid[a];
    }
    grid_ = grid;
    int64_t perChannel = leadRows_ * half_;
    inSpec_.assign(size_t(batch_ * call_.inChannels * perChannel), {});
    outSpec_.assign(size_t(batch_ * call_.outChannels * perChannel), {});
    std::complex<T> *outSpec = inPlace() ? inSpec_.data() : outSpec_.data();
    if (inPlace())
      outSpec_.clear();
    forward_ = std::make_unique<FieldFft<T>>(
        grid, batch_ * call_.inChannels, FftDirection::Forward, in[0].as<T>(),
        inSpec_.data(), call_.where);
    inverse_ = std::make_unique<FieldFft<T>>(
        grid, batch_ * call_.outChannels, FftDirection::Inverse, out[0].as<T>(),
        outSpec, call_.where);
  }

  /// r2c, the per-mode map, c2r.
  void run(const std::vector<TensorRef> &in, const std::vector<TensorRef> &out,
           KernelContext &ctx) override {
    std::complex<T> *outSpec = inPlace() ? inSpec_.data() : outSpec_.data();
    parallelFor(ctx.pool, forward_->rows(), 1, [&](int64_t b, int64_t e) {
      for (int64_t r = b; r < e; ++r)
        forward_->executeRow(r, in[0].as<T>(), inSpec_.data());
    });
    parallelFor(ctx.pool, batch_ * leadRows_, kModeRowGrain,
                [&](int64_t b, int64_t e) {
                  for (int64_t r = b; r < e; ++r)
                    mapRow(r, outSpec);
                });
    parallelFor(ctx.pool, inverse_->rows(), 1, [&](int64_t b, int64_t e) {
      for (int64_t r = b; r < e; ++r)
        inverse_->executeRow(r, out[0].as<T>(), outSpec);
    });
  }

protected:
  /// Whether the map works in place on the input spectrum.
  virtual bool inPlace() const = 0;
  /// Applies the map to the modes of half-spectrum row `row` (b, leading
  /// indices), given the wavenumbers of the leading axes in `kLead`.
  virtual void mapModes(int64_t b, int64_t lead, const std::array<T, 3> &kLead,
                        std::complex<T> *outSpec) = 0;

  /// Offset of the first mode of row `lead` of channel `c` of batch `b`.
  int64_t offset(int64_t b, int64_t channels, int64_t c, int64_t lead) const {
    return ((b * channels + c) * leadRows_ + lead) * half_;
  }

  PhysicsCall call_;
  std::vector<int64_t> grid_;
  std::array<std::vector<double>, 3> k_;
  int64_t batch_ = 0, half_ = 0, leadRows_ = 0, points_ = 0;
  std::vector<std::complex<T>> inSpec_, outSpec_;

private:
  /// Splits row `r` into (b, leading indices) and maps its modes.
  void mapRow(int64_t r, std::complex<T> *outSpec) {
    int64_t b = r / leadRows_, lead = r % leadRows_;
    std::array<T, 3> kLead{};
    int64_t rest = lead;
    for (int a = call_.spatial - 2; a >= 0; --a) {
      kLead[a] = T(k_[a][rest % grid_[a]]);
      rest /= grid_[a];
    }
    mapModes(b, lead, kLead, outSpec);
  }

  std::unique_ptr<FieldFft<T>> forward_, inverse_;
};

/// divergence / divergence_grad / curl with spectral derivatives.
template <typename T>
class SpectralDerivativeKernel : public SpectralFieldKernel<T> {
  using Base = SpectralFieldKernel<T>;

public:
  using Base::Base;

protected:
  bool inPlace() const override { return false; }

  void mapModes(int64_t b, int64_t lead, const std::array<T, 3> &kLead,
                std::complex<T> *outSpec) override {
    const PhysicsCall &call = this->call_;
    int last = call.spatial - 1;
    T scale = T(1.0 / double(this->points_));
    for (int64_t o = 0; o < call.outChannels; ++o) {
      std::complex<T> *dst =
          outSpec + this->offset(b, call.outChannels, o, lead);
      for (int64_t j = 0; j < this->half_; ++j)
        dst[j] = {};
      for (const DerivTerm &t : call.terms) {
        if (t.out != o)
          continue;
        const std::complex<T> *src =
            this->inSpec_.data() + this->offset(b, call.inChannels, t.in, lead);
        T sign = T(t.sign) * scale;
        for (int64_t j = 0; j < this->half_; ++j) {
          T k = t.axis == last ? T(this->k_[last][j]) : kLead[t.axis];
          // sign * i k * src
          dst[j] +=
              std::complex<T>(-k * src[j].imag(), k * src[j].real()) * sign;
        }
      }
    }
  }
};

/// div_free_project: the Leray projection, in place on the spectrum.
template <typename T> class LerayProjectKernel : public SpectralFieldKernel<T> {
  using Base = SpectralFieldKernel<T>;

public:
  using Base::Base;

protected:
  bool inPlace() const override { return true; }

  void mapModes(int64_t b, int64_t lead, const std::array<T, 3> &kLead,
                std::complex<T> *) override {
    int d = this->call_.spatial;
    T scale = T(1.0 / double(this->points_));
    std::array<std::complex<T> *, 3> u{};
    for (int c = 0; c < d; ++c)
      u[c] = this->inSpec_.data() + this->offset(b, d, c, lead);
    std::array<T, 3> k = kLead;
    for (int64_t j = 0; j < this->half_; ++j) {
      k[d - 1] = T(this->k_[d - 1][j]);
      T k2 = 0;
      std::complex<T> dot = 0;
      for (int c = 0; c < d; ++c)
        k2 += k[c] * k[c], dot += k[c] * u[c][j];
      if (k2 == T(0)) { // the mean flow (and Nyquist-only modes) are kept
        for (int c = 0; c < d; ++c)
          u[c][j] *= scale;
        continue;
      }
      std::complex<T> along = dot / k2;
      for (int c = 0; c < d; ++c)
        u[c][j] = (u[c][j] - k[c] * along) * scale;
    }
  }
};

/// Instantiates `KernelT` for the call's dtype.
template <template <typename> class KernelT>
std::unique_ptr<Kernel> makeTyped(const PhysicsCall &call) {
  if (call.dtype == DType::F64)
    return std::make_unique<KernelT<double>>(call);
  return std::make_unique<KernelT<float>>(call);
}

} // namespace

std::unique_ptr<Kernel> makeSpectralDerivativeKernel(const PhysicsCall &call) {
  return makeTyped<SpectralDerivativeKernel>(call);
}

std::unique_ptr<Kernel> makeLerayProjectKernel(const PhysicsCall &call) {
  return makeTyped<LerayProjectKernel>(call);
}

} // namespace shodh
