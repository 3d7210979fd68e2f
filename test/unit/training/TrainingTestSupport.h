//===- TrainingTestSupport.h - Helpers for the training kernel tests ------===//
//
// Random fills (complex tensors as 2 numel reals), central finite
// differences in double, bitwise comparison of results across thread counts
// and max-abs helpers. Kernels run through CpuKernelHarness.h (`runKernel`
// with a pool of a given size; the same HostTensor may be passed as input and
// output to exercise in-place use).
//
//===----------------------------------------------------------------------===//
#pragma once

#include "test/unit/runtime/CpuKernelHarness.h"

#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <cstring>
#include <functional>
#include <random>
#include <vector>

namespace shodh::testing {

/// Number of reals of a tensor (2 numel for complex<f32>).
inline int64_t realCount(const HostTensor &t) {
  return t.numel() * (t.dtype == DType::C64 ? 2 : 1);
}

/// An f32 or complex<f32> tensor filled with uniform reals in [lo, hi).
inline HostTensor randomTensor(DType dtype, std::vector<int64_t> shape,
                               uint32_t seed, double lo = -1.0,
                               double hi = 1.0) {
  HostTensor t(dtype, std::move(shape));
  std::mt19937_64 gen(seed);
  std::uniform_real_distribution<double> u(lo, hi);
  for (int64_t i = 0; i < realCount(t); ++i)
    t.f32()[i] = float(u(gen));
  return t;
}

/// The reals of an f32 / complex<f32> tensor as doubles.
inline std::vector<double> realsOf(const HostTensor &t) {
  return std::vector<double>(t.f32(), t.f32() + realCount(t));
}

/// Central difference (f(v_j + h) - f(v_j - h)) / 2h, restoring v[j].
inline double centralDifference(std::vector<double> &v, size_t j, double h,
                                const std::function<double()> &f) {
  double saved = v[j];
  v[j] = saved + h;
  double plus = f();
  v[j] = saved - h;
  double minus = f();
  v[j] = saved;
  return (plus - minus) / (2 * h);
}

/// Expects grad[j] to match the central difference of `loss` at v[j] for
/// every j (stride `stride`), within `relTol` of the largest |grad|.
inline void expectMatchesFiniteDifferences(std::vector<double> &v,
                                           const std::vector<double> &grad,
                                           const std::function<double()> &loss,
                                           const std::string &what,
                                           size_t stride = 1,
                                           double relTol = 1e-6) {
  ASSERT_EQ(v.size(), grad.size()) << what;
  double scale = 1e-30;
  for (double g : grad)
    scale = std::max(scale, std::fabs(g));
  for (size_t j = 0; j < v.size(); j += stride)
    ASSERT_NEAR(centralDifference(v, j, 1e-6, loss), grad[j], relTol * scale)
        << what << " element " << j;
}

/// Sum r[i] * y[i] in double.
inline double dot(const std::vector<double> &r, const std::vector<double> &y) {
  double s = 0.0;
  for (size_t i = 0; i < r.size(); ++i)
    s += r[i] * y[i];
  return s;
}

/// Expects two tensors to hold the same bytes.
inline void expectBitIdentical(const HostTensor &a, const HostTensor &b,
                               const std::string &what) {
  ASSERT_EQ(a.numel(), b.numel()) << what;
  EXPECT_EQ(std::memcmp(a.storage.data(), b.storage.data(),
                        size_t(a.numel()) * dtypeSize(a.dtype)),
            0)
      << what << " differs bitwise";
}

/// Largest |v|.
inline double maxAbs(const std::vector<double> &v) {
  double m = 0.0;
  for (double x : v)
    m = std::max(m, std::fabs(x));
  return m;
}

} // namespace shodh::testing
