//===- PeriodicSolver.cpp - Exact spectral solves on the periodic square --===//
#include "runtime/data/gen/PeriodicSolver.h"
#include "runtime/data/gen/FftwPlanner.h"
#include "runtime/support/Status.h"

#include <fftw3.h>
#include <fmt/format.h>

#include <cmath>
#include <cstring>

namespace shodh {

/// FFTW buffers and plans of one solver (kept out of the header).
struct PeriodicSolver::Plans {
  double *real = nullptr;
  fftw_complex *spectrum = nullptr;
  fftw_plan forward = nullptr;
  fftw_plan inverse = nullptr;
};

PeriodicSolver::PeriodicSolver(int64_t res) : res_(res), half_(res / 2 + 1) {
  if (res < 2 || res > 4096)
    throw Error(
        fmt::format("periodic solver: res must be in [2, 4096] (got {})", res));
  plans_ = std::make_unique<Plans>();
  std::lock_guard<std::mutex> lock(fftwPlannerMutex());
  plans_->real = fftw_alloc_real(static_cast<size_t>(res * res));
  plans_->spectrum = fftw_alloc_complex(static_cast<size_t>(res * half_));
  int n = static_cast<int>(res);
  // FFTW_ESTIMATE leaves the buffers untouched and keeps the plans (and so
  // the round-off) independent of timing measurements: files stay bitwise
  // reproducible.
  plans_->forward =
      fftw_plan_dft_r2c_2d(n, n, plans_->real, plans_->spectrum, FFTW_ESTIMATE);
  plans_->inverse =
      fftw_plan_dft_c2r_2d(n, n, plans_->spectrum, plans_->real, FFTW_ESTIMATE);
}

PeriodicSolver::~PeriodicSolver() {
  std::lock_guard<std::mutex> lock(fftwPlannerMutex());
  fftw_destroy_plan(plans_->forward);
  fftw_destroy_plan(plans_->inverse);
  fftw_free(plans_->real);
  fftw_free(plans_->spectrum);
}

Wavevector PeriodicSolver::wavevector(int64_t row, int64_t col) const {
  Wavevector k;
  k.ky = static_cast<double>(row <= res_ / 2 ? row : row - res_);
  k.kx = static_cast<double>(col);
  bool even = res_ % 2 == 0;
  k.nyquistY = even && row == res_ / 2;
  k.nyquistX = even && col == res_ / 2;
  return k;
}

double PeriodicSolver::parsevalWeight(int64_t col) const {
  bool selfConjugate = col == 0 || (res_ % 2 == 0 && col == res_ / 2);
  return selfConjugate ? 1.0 : 2.0;
}

std::complex<double> PeriodicSolver::symbol(const ScalarOperator &op,
                                            int64_t row, int64_t col) const {
  Wavevector k = wavevector(row, col);
  bool anyNyquist = k.nyquistX || k.nyquistY;
  double quad = op.a11 * k.kx * k.kx + op.a22 * k.ky * k.ky +
                (anyNyquist ? 0.0 : 2.0 * op.a12 * k.kx * k.ky);
  double adv =
      (k.nyquistX ? 0.0 : op.bx * k.kx) + (k.nyquistY ? 0.0 : op.by * k.ky);
  return {4.0 * M_PI * M_PI * quad + op.c, 2.0 * M_PI * adv};
}

double PeriodicSolver::smallestSymbol(const ScalarOperator &op) const {
  double smallest = INFINITY;
  for (int64_t row = 0; row < res_; ++row)
    for (int64_t col = 0; col < half_; ++col)
      if (row != 0 || col != 0)
        smallest = std::min(smallest, std::abs(symbol(op, row, col)));
  return smallest;
}

std::vector<std::complex<double>>
PeriodicSolver::forward(const std::vector<double> &field) {
  if (static_cast<int64_t>(field.size()) != res_ * res_)
    throw Error(
        fmt::format("periodic solver: field has {} values, expected {}x{}",
                    field.size(), res_, res_));
  std::memcpy(plans_->real, field.data(), field.size() * sizeof(double));
  fftw_execute(plans_->forward);
  // std::complex<double> and fftw_complex share their layout (FFTW manual,
  // "Complex numbers"), so the spectrum is copied out element by element.
  const auto *out =
      reinterpret_cast<const std::complex<double> *>(plans_->spectrum);
  return std::vector<std::complex<double>>(out, out + res_ * half_);
}

std::vector<double>
PeriodicSolver::inverse(const std::vector<std::complex<double>> &spectrum) {
  std::memcpy(plans_->spectrum, spectrum.data(),
              spectrum.size() * sizeof(fftw_complex));
  fftw_execute(plans_->inverse); // c2r overwrites its input: we copied it
  std::vector<double> field(static_cast<size_t>(res_ * res_));
  double scale = 1.0 / static_cast<double>(res_ * res_);
  for (size_t i = 0; i < field.size(); ++i)
    field[i] = plans_->real[i] * scale;
  return field;
}

std::vector<double> PeriodicSolver::solve(const std::vector<double> &f,
                                          const ScalarOperator &op) {
  std::vector<std::complex<double>> spec = forward(f);
  for (int64_t row = 0; row < res_; ++row) {
    for (int64_t col = 0; col < half_; ++col) {
      std::complex<double> s = symbol(op, row, col);
      std::complex<double> &v = spec[row * half_ + col];
      bool zeroMode = row == 0 && col == 0;
      if (std::abs(s) >= kSingular) {
        v /= s;
      } else if (zeroMode) {
        v = 0.0; // no reaction term: fix the free constant, mean(u) = 0
      } else {
        Wavevector k = wavevector(row, col);
        throw Error(fmt::format(
            "periodic solver: operator is singular (|s| = {:.3g}) at "
            "wavevector ({}, {}): resonance",
            std::abs(s), k.kx, k.ky));
      }
    }
  }
  return inverse(spec);
}

std::vector<double> PeriodicSolver::apply(const std::vector<double> &u,
                                          const ScalarOperator &op) {
  std::vector<std::complex<double>> spec = forward(u);
  for (int64_t row = 0; row < res_; ++row)
    for (int64_t col = 0; col < half_; ++col)
      spec[row * half_ + col] *= symbol(op, row, col);
  return inverse(spec);
}

} // namespace shodh
