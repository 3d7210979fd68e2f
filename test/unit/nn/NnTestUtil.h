//===- NnTestUtil.h - Helpers of the conv / layer-norm kernel tests -------===//
#pragma once

#include "test/unit/runtime/CpuKernelHarness.h"

#include <cmath>
#include <cstdint>
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

/// Random f32 tensor of `shape` in [-1, 1).
inline HostTensor randomTensor(std::vector<int64_t> shape, uint32_t seed) {
  HostTensor t(DType::F32, std::move(shape));
  t.fillUniform(seed);
  return t;
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
