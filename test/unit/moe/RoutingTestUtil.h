//===- RoutingTestUtil.h - Helpers of the routing kernel tests ------------===//
//
// Host tensors of f32 and i64, a one-line kernel call on a pool of a given
// size, and a central finite-difference check of an analytic gradient.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "test/unit/runtime/CpuKernelHarness.h"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <string>
#include <vector>

namespace shodh::testing {

/// An f32 tensor filled uniformly in [lo, hi) from `seed`.
inline HostTensor f32Tensor(std::vector<int64_t> shape, uint32_t seed = 1,
                            double lo = -1.0, double hi = 1.0) {
  HostTensor t(DType::F32, std::move(shape));
  t.fillUniform(seed, lo, hi);
  return t;
}

/// A zero f32 tensor.
inline HostTensor zerosF32(std::vector<int64_t> shape) {
  return HostTensor(DType::F32, std::move(shape));
}

/// An i64 tensor holding `values` (zeros when empty).
inline HostTensor i64Tensor(std::vector<int64_t> shape,
                            const std::vector<int64_t> &values = {}) {
  HostTensor t(DType::I64, std::move(shape));
  auto *p = reinterpret_cast<int64_t *>(t.storage.data());
  for (size_t i = 0; i < values.size(); ++i)
    p[i] = values[i];
  return t;
}

/// The i64 data of `t`.
inline int64_t *ids(const HostTensor &t) {
  return reinterpret_cast<int64_t *>(t.storage.data());
}

/// Runs kernel `name` on a pool of `threads`.
inline void call(const std::string &name, std::vector<NamedAttr> attrs,
                 std::vector<const HostTensor *> ins,
                 std::vector<const HostTensor *> outs, int threads = 2) {
  runKernel(name, std::move(attrs), ins, outs, threads);
}

/// Compares `analytic[i]` with the central difference of `loss` in
/// `param[i]` (step `h`) for every i; |diff| <= tol * max(1, |fd|).
inline void expectGradient(const std::function<double()> &loss, float *param,
                           const std::vector<double> &analytic, double h,
                           double tol, const std::string &what) {
  for (size_t i = 0; i < analytic.size(); ++i) {
    float saved = param[i];
    param[i] = saved + float(h);
    double up = loss();
    param[i] = saved - float(h);
    double down = loss();
    param[i] = saved;
    double fd = (up - down) / (2.0 * h);
    EXPECT_NEAR(analytic[i], fd, tol * std::max(1.0, std::fabs(fd)))
        << what << " element " << i;
  }
}

/// Σ c[i] * x[i] in double.
inline double dot(const HostTensor &c, const HostTensor &x) {
  double s = 0.0;
  for (int64_t i = 0; i < x.numel(); ++i)
    s += double(c.f32()[i]) * double(x.f32()[i]);
  return s;
}

/// The f32 data of `t` as doubles.
inline std::vector<double> values(const HostTensor &t) {
  return std::vector<double>(t.f32(), t.f32() + t.numel());
}

} // namespace shodh::testing
