//===- VelocityDivergence.h - Divergence figures of velocity samples ------===//
//
// How far a velocity field is from divergence-free, as one number per
// sample, for reports (`shodh-run eval --divergence`). A sample is
// [d, N_1, .., N_d] (d = 2 or 3), channel c the component along spatial
// axis c, on the periodic unit box; it is measured in double precision:
//
//   spectral  max |k . u_hat| / (k_max max |u_hat|): integer wavenumbers
//             (Nyquist 0, as axisWavenumbers), k_max = N_1/2 - 1, maxima
//             over all modes (and, for u_hat, all components); FFTs by the
//             physics kernels' FieldFft<double>
//   fd2       max |div u| dx / max |u|: div u by the fd2 divergence kernel
//             (central differences, dx_a = 1/N_a), dx = 1/N_1
//
// On a cubic grid both are test/e2e/shodh_ae_check.py's figures
// (docs/results.md § Physics-informed autoencoder): round-off (~1e-8 for
// f32 data) for a div_free_project output, O(1) for a generic field.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/core/Kernel.h"
#include "runtime/kernels/cpu/physics/PhysicsFft.h"

#include <complex>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace shodh {

class ThreadPool;

/// Measures the divergence figure of one velocity sample after another.
class VelocityDivergence {
public:
  /// For samples on `grid` (2 or 3 sizes); `spectral` picks the figure.
  /// Throws `Error` (prefixed by `where`) for another rank, or for a
  /// spectral figure with fewer than 4 points along the first axis
  /// (k_max < 1).
  VelocityDivergence(std::vector<int64_t> grid, bool spectral,
                     std::string where);
  ~VelocityDivergence();
  VelocityDivergence(const VelocityDivergence &) = delete;
  VelocityDivergence &operator=(const VelocityDivergence &) = delete;

  /// The figure of `sample` (d x points values); 0 for a zero field. Runs
  /// on `pool` if not null.
  double measure(const float *sample, ThreadPool *pool = nullptr);

  /// Values per sample (d x points).
  int64_t sampleSize() const { return int64_t(grid_.size()) * points_; }

private:
  /// The spectral figure of `field_`.
  double spectralFigure(ThreadPool *pool);
  /// The fd2 figure of `field_`.
  double fd2Figure(ThreadPool *pool);
  /// [1, channels, grid] over `values`, an operand of the fd2 kernel.
  TensorRef fd2Operand(int64_t channels, std::vector<double> &values) const;

  std::vector<int64_t> grid_;
  bool spectral_;
  int64_t points_ = 1;
  std::vector<double> field_, div_;
  std::vector<std::complex<double>> spectrum_;
  std::unique_ptr<FieldFft<double>> fft_;
  std::unique_ptr<Kernel> fd2_;
};

} // namespace shodh
