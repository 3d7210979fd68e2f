//===- VelocityDivergence.cpp - Divergence figures of velocity samples ----===//
#include "runtime/kernels/cpu/physics/VelocityDivergence.h"
#include "runtime/core/ThreadPool.h"
#include "runtime/kernels/cpu/physics/PhysicsCall.h"
#include "runtime/support/Status.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace shodh {
namespace {

/// Largest |v| of `n` values.
double maxAbs(const double *v, int64_t n) {
  double m = 0.0;
  for (int64_t i = 0; i < n; ++i)
    m = std::max(m, std::abs(v[i]));
  return m;
}

/// `num / den`, 0 when den is 0 (a zero field has no divergence).
double ratio(double num, double den) { return den > 0.0 ? num / den : 0.0; }

/// The fd2 divergence call on the unit box for a d-dimensional velocity.
PhysicsCall fd2DivergenceCall(int d, const std::string &where) {
  PhysicsCall call;
  call.where = where, call.kind = PhysicsKind::Divergence;
  call.dtype = DType::F64, call.spatial = d;
  call.inChannels = d, call.outChannels = 1;
  call.lengths.assign(d, 1.0);
  call.spectral = false;
  for (int c = 0; c < d; ++c)
    call.terms.push_back({0, c, c, 1.0});
  return call;
}

} // namespace

VelocityDivergence::VelocityDivergence(std::vector<int64_t> grid, bool spectral,
                                       std::string where)
    : grid_(std::move(grid)), spectral_(spectral) {
  const int d = int(grid_.size());
  if (d != 2 && d != 3)
    throw Error(fmt::format("{}: a velocity has 2 or 3 spatial axes, got {}",
                            where, d));
  for (int64_t n : grid_) {
    if (n < 1)
      throw Error(fmt::format("{}: spatial sizes must be positive", where));
    points_ *= n;
  }
  if (spectral_ && grid_[0] / 2 - 1 < 1)
    throw Error(fmt::format("{}: the spectral divergence needs at least 4 "
                            "points along the first spatial axis (k_max = "
                            "N/2 - 1), got {}",
                            where, grid_[0]));
  field_.assign(size_t(d * points_), 0.0);
  if (spectral_) {
    spectrum_.assign(
        size_t(d * points_ / grid_.back() * (grid_.back() / 2 + 1)), {});
    fft_ = std::make_unique<FieldFft<double>>(grid_, d, FftDirection::Forward,
                                              field_.data(), spectrum_.data(),
                                              where);
    return;
  }
  div_.assign(size_t(points_), 0.0);
  fd2_ = makeFd2DerivativeKernel(fd2DivergenceCall(d, where));
  KernelContext ctx;
  fd2_->prepare({fd2Operand(d, field_)}, {fd2Operand(1, div_)}, ctx);
}

TensorRef VelocityDivergence::fd2Operand(int64_t channels,
                                         std::vector<double> &values) const {
  std::vector<int64_t> shape{1, channels};
  shape.insert(shape.end(), grid_.begin(), grid_.end());
  return TensorRef{DType::F64, shape, values.data()};
}

VelocityDivergence::~VelocityDivergence() = default;

double VelocityDivergence::measure(const float *sample, ThreadPool *pool) {
  std::copy(sample, sample + sampleSize(), field_.begin());
  return spectral_ ? spectralFigure(pool) : fd2Figure(pool);
}

double VelocityDivergence::spectralFigure(ThreadPool *pool) {
  const int d = int(grid_.size());
  parallelFor(pool, d, 1, [&](int64_t b, int64_t e) {
    for (int64_t c = b; c < e; ++c)
      fft_->executeRow(c, field_.data(), spectrum_.data());
  });
  // Integer wavenumbers: 2 pi m / L with L = 2 pi.
  std::vector<std::vector<double>> k(d);
  for (int a = 0; a < d; ++a)
    k[a] = axisWavenumbers(grid_[a], 2.0 * M_PI, a == d - 1);
  const int64_t half = grid_.back() / 2 + 1;
  const int64_t leadRows = points_ / grid_.back();
  const int64_t perChannel = leadRows * half;
  // Per leading row: max |k . u_hat| and max |u_hat| (reduced afterwards,
  // so the result does not depend on the pool's chunks).
  std::vector<double> rowDiv(leadRows), rowAmp(leadRows);
  parallelFor(pool, leadRows, 16, [&](int64_t b, int64_t e) {
    for (int64_t r = b; r < e; ++r) {
      double kLead[2] = {0.0, 0.0};
      int64_t rest = r;
      for (int a = d - 2; a >= 0; --a) {
        kLead[a] = k[a][rest % grid_[a]];
        rest /= grid_[a];
      }
      double div = 0.0, amp = 0.0;
      for (int64_t j = 0; j < half; ++j) {
        std::complex<double> dot = 0.0;
        for (int c = 0; c < d; ++c) {
          std::complex<double> u = spectrum_[c * perChannel + r * half + j];
          dot += (c == d - 1 ? k[c][j] : kLead[c]) * u;
          amp = std::max(amp, std::abs(u));
        }
        div = std::max(div, std::abs(dot));
      }
      rowDiv[r] = div, rowAmp[r] = amp;
    }
  });
  const double kMax = double(grid_[0] / 2 - 1);
  return ratio(maxAbs(rowDiv.data(), leadRows),
               kMax * maxAbs(rowAmp.data(), leadRows));
}

double VelocityDivergence::fd2Figure(ThreadPool *pool) {
  const int d = int(grid_.size());
  KernelContext ctx;
  ctx.pool = pool;
  fd2_->run({fd2Operand(d, field_)}, {fd2Operand(1, div_)}, ctx);
  const double dx = 1.0 / double(grid_[0]);
  return ratio(maxAbs(div_.data(), points_) * dx,
               maxAbs(field_.data(), d * points_));
}

} // namespace shodh
