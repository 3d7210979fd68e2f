//===- PhysicsTestUtil.h - Running physics kernels on double vectors ------===//
#pragma once

#include "test/unit/runtime/CpuKernelHarness.h"

#include <string>
#include <vector>

namespace shodh::testing {

/// Shape [B, C, grid...].
inline std::vector<int64_t> fieldShape(int64_t batch, int64_t channels,
                                       const std::vector<int64_t> &grid) {
  std::vector<int64_t> s{batch, channels};
  s.insert(s.end(), grid.begin(), grid.end());
  return s;
}

/// Runs CPU kernel `name` on `x` (converted to `dtype`), returning the
/// output of shape `outShape` as doubles.
inline std::vector<double>
applyKernel(const std::string &name, std::vector<NamedAttr> attrs,
            const std::vector<double> &x, std::vector<int64_t> inShape,
            std::vector<int64_t> outShape, DType dtype = DType::F64,
            int threads = 2) {
  HostTensor in(dtype, std::move(inShape)), out(dtype, std::move(outShape));
  for (int64_t i = 0; i < in.numel(); ++i)
    dtype == DType::F64 ? void(in.f64()[i] = x[i])
                        : void(in.f32()[i] = float(x[i]));
  runKernel(name, std::move(attrs), {&in}, {&out}, threads);
  std::vector<double> y(out.numel());
  for (int64_t i = 0; i < out.numel(); ++i)
    y[i] = dtype == DType::F64 ? out.f64()[i] : double(out.f32()[i]);
  return y;
}

/// The attributes {lengths, method}.
inline std::vector<NamedAttr> physicsAttrs(std::vector<double> lengths,
                                           const std::string &method = "") {
  std::vector<NamedAttr> attrs{{"lengths", lengths}};
  if (!method.empty())
    attrs.push_back({"method", method});
  return attrs;
}

/// Uniform random values in [-1, 1).
inline std::vector<double> randomValues(int64_t n, uint32_t seed) {
  std::mt19937_64 gen(seed);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  std::vector<double> v(n);
  for (double &x : v)
    x = u(gen);
  return v;
}

} // namespace shodh::testing
