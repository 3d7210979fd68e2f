//===- NnTestUtil.h - Helpers of the conv / layer-norm kernel tests -------===//
#pragma once

#include "test/unit/runtime/CpuKernelHarness.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace shodh::testing {

/// f32 tensor of `shape` holding 0.5 sin(0.7 i + seed) + 0.1 cos(1.3 i), the
/// inputs of torch_reference.py.
inline HostTensor pattern(std::vector<int64_t> shape, int seed) {
  HostTensor t(DType::F32, std::move(shape));
  for (int64_t i = 0; i < t.numel(); ++i)
    t.f32()[i] = float(0.5 * std::sin(0.7 * double(i) + seed) +
                       0.1 * std::cos(1.3 * double(i)));
  return t;
}

/// Random tensor of `shape` (f32 unless `dtype` says f64) in [-1, 1).
inline HostTensor randomTensor(std::vector<int64_t> shape, uint32_t seed,
                               DType dtype = DType::F32) {
  HostTensor t(dtype, std::move(shape));
  t.fillUniform(seed);
  return t;
}

/// The values of an f32 or f64 tensor, as doubles.
inline std::vector<double> values(const HostTensor &t) {
  if (t.dtype == DType::F32)
    return std::vector<double>(t.f32(), t.f32() + t.numel());
  return std::vector<double>(t.f64(), t.f64() + t.numel());
}

/// An f64 tensor holding exactly the values of the f32 tensor `t`.
inline HostTensor widened(const HostTensor &t) {
  HostTensor w(DType::F64, t.shape);
  for (int64_t i = 0; i < t.numel(); ++i)
    w.f64()[i] = t.f32()[i];
  return w;
}

/// Runs kernel `name` with 1 thread into `out`, then with 2, 3 and 4
/// threads, and expects identical bits every time (f32 or f64). The output
/// is filled with NaNs before each run, so that an element the kernel does
/// not write fails the caller's comparison with a reference.
inline void runDeterministic(const std::string &name,
                             std::vector<NamedAttr> attrs,
                             const std::vector<const HostTensor *> &ins,
                             HostTensor &out) {
  HostTensor again(out.dtype, out.shape);
  std::memset(out.storage.data(), 0xff, out.storage.size()); // NaNs
  runKernel(name, attrs, ins, {&out}, 1);
  for (int threads : {2, 3, 4}) {
    std::memset(again.storage.data(), 0xff, again.storage.size());
    runKernel(name, attrs, ins, {&again}, threads);
    EXPECT_EQ(std::memcmp(out.storage.data(), again.storage.data(),
                          out.storage.size()),
              0)
        << name << " (" << dtypeName(out.dtype) << ") differs between 1 and "
        << threads << " threads";
  }
}

/// Expects the f32 or f64 tensor `t` to match `want` within
/// atol + rtol |want| at every element.
inline void expectClose(const HostTensor &t, const std::vector<double> &want,
                        double atol, double rtol, const std::string &what) {
  std::vector<double> got = values(t);
  ASSERT_EQ(got.size(), want.size()) << what;
  for (size_t i = 0; i < want.size(); ++i)
    ASSERT_NEAR(got[i], want[i], atol + rtol * std::fabs(want[i]))
        << what << " at " << i;
}

/// Expects `t` to match `want` within `tolerance` times the largest |want|
/// (at least 1): sums of products of values in [-1, 1) cancel, so single
/// elements can be near 0.
inline void expectScaled(const HostTensor &t, const std::vector<double> &want,
                         double tolerance, const std::string &what) {
  double scale = 1.0;
  for (double v : want)
    scale = std::max(scale, std::fabs(v));
  expectClose(t, want, tolerance * scale, 0.0, what);
}

/// sum a[i] * b[i] in double.
inline double dot(const HostTensor &a, const HostTensor &b) {
  double s = 0.0;
  for (int64_t i = 0; i < a.numel(); ++i)
    s += double(a.f32()[i]) * b.f32()[i];
  return s;
}

/// Expects t to match `want` (n values) within atol + rtol |want|.
inline void expectNear(const HostTensor &t, const float *want, int64_t n,
                       double atol, double rtol, const char *what) {
  ASSERT_EQ(t.numel(), n) << what;
  for (int64_t i = 0; i < n; ++i)
    ASSERT_NEAR(t.f32()[i], want[i], atol + rtol * std::fabs(want[i]))
        << what << " at " << i;
}

/// Ints attribute.
inline NamedAttr ints(const char *name, std::vector<int64_t> v) {
  return NamedAttr{name, AttrValue(std::move(v))};
}

/// String attribute.
inline NamedAttr str(const char *name, const char *v) {
  return NamedAttr{name, AttrValue(std::string(v))};
}

} // namespace shodh::testing
