//===- PhysicsParityTest.cpp - CUDA physics kernels against the CPU -------===//
//
// div_free_project, divergence, divergence_grad and curl (spectral and fd2,
// f32 and f64, 2D and 3D, several batches, odd and even extents: the cases
// of PhysicsCases.h) on the GPU against the CPU kernels from the same random
// inputs. Skipped without a device. (PhysicsModesTest.cpp already checks
// the device element code bitwise on the host, with FFTW for cuFFT.)
//
// Tolerances:
//  * fd2: bitwise. Both sides compute 0 + sum_t T(factor_t) * (x[i+e] -
//    x[i-e]) with the terms in the same order and no FMA (x86-64 baseline
//    code on the CPU, --fmad=false on the GPU).
//  * spectral: the per-mode maps are the CPU's operations in its order, so
//    the difference is FFT rounding only: cuFFT and FFTW factor the
//    transforms differently, each giving errors of about eps * log2(N)
//    relative to the field's largest values, and a derivative multiplies a
//    mode by k <= pi N / L. We compare max |gpu - cpu| against rtol * max
//    |cpu|, with rtol = 2e-5 (f32, eps 6e-8, log2 N <= 12, the two
//    transforms and the k-weighting: ~ 300 eps) and 1e-12 (f64, same
//    factor on eps 1.1e-16, with margin).
// A GPU-only check also tests the projection on its own: its output has a
// (spectral) divergence of zero and projecting it again changes nothing.
//
//===----------------------------------------------------------------------===//
#include "CudaHarness.h"
#include "PhysicsCases.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>

using namespace shodh;
using namespace shodh::testing;

namespace {

using Shape = std::vector<int64_t>;

constexpr double kRtolF32 = 2e-5, kRtolF64 = 1e-12;

/// max |got - want| / max |want| (0 when both are zero).
double relMaxError(const HostTensor &got, const HostTensor &want) {
  double err = 0, scale = 0;
  for (int64_t i = 0; i < got.numel(); ++i) {
    double g = got.dtype == DType::F64 ? got.f64()[i] : got.f32()[i];
    double w = want.dtype == DType::F64 ? want.f64()[i] : want.f32()[i];
    err = std::max(err, std::fabs(g - w)),
    scale = std::max(scale, std::fabs(w));
  }
  return scale > 0 ? err / scale : err;
}

/// Runs `c` on both backends and compares (tolerances: file comment).
void compareCase(const PhysicsCase &c, const std::string &method, DType t,
                 uint32_t seed) {
  std::vector<NamedAttr> attrs =
      physicsCaseAttrs(int64_t(c.in.size()) - 2, method);
  HostTensor x(t, c.in), cpu(t, c.out), gpu(t, c.out);
  x.fillUniform(seed);
  runKernel(c.kernel, attrs, {&x}, {&cpu}, 2);
  runOnCuda(c.kernel, attrs, {&x}, {&gpu});
  std::string what = std::string(c.kernel) + " " + method +
                     (t == DType::F64 ? " f64" : " f32") + " in [" +
                     std::to_string(c.in[0]) + ", " + std::to_string(c.in[1]) +
                     ", grid of rank " + std::to_string(c.in.size() - 2) + "]";
  if (method == "fd2")
    return expectClose(gpu, cpu, 0, what);
  EXPECT_LE(relMaxError(gpu, cpu), t == DType::F64 ? kRtolF64 : kRtolF32)
      << what;
}

} // namespace

TEST(CudaPhysicsParity, SpectralKernelsMatchTheCpu) {
  SHODH_REQUIRE_CUDA_DEVICE();
  uint32_t seed = 1;
  for (DType t : {DType::F32, DType::F64})
    for (const Shape &grid : physicsGrids())
      for (int64_t b : {1, 3})
        for (const PhysicsCase &c : physicsCases(grid, b))
          compareCase(c, "spectral", t, seed++);
}

TEST(CudaPhysicsParity, Fd2KernelsMatchTheCpuBitwise) {
  SHODH_REQUIRE_CUDA_DEVICE();
  uint32_t seed = 100;
  for (DType t : {DType::F32, DType::F64})
    for (const Shape &grid : physicsGrids())
      for (int64_t b : {1, 2})
        for (const PhysicsCase &c : physicsCases(grid, b))
          if (c.kind != PhysicsKind::Project) // spectral only
            compareCase(c, "fd2", t, seed++);
}

TEST(CudaPhysicsParity, ProjectionIsDivergenceFreeAndIdempotentOnTheGpu) {
  SHODH_REQUIRE_CUDA_DEVICE();
  for (const Shape &grid : {Shape{16, 16, 16}, Shape{32, 24}}) {
    int64_t d = int64_t(grid.size());
    std::vector<NamedAttr> attrs = physicsCaseAttrs(d, "spectral");
    HostTensor u(DType::F64, fieldOf(2, d, grid)), p(DType::F64, u.shape),
        pp(DType::F64, u.shape), div(DType::F64, fieldOf(2, 1, grid));
    u.fillUniform(7);
    runOnCuda("div_free_project", attrs, {&u}, {&p});
    runOnCuda("div_free_project", attrs, {&p}, {&pp});
    runOnCuda("divergence", attrs, {&p}, {&div});
    // |div| is ~ max|k| * eps * |u| after cancellation: 1e-10 is ample
    // for f64 with max|k| = pi 16 / 0.75 ~ 67.
    for (int64_t i = 0; i < div.numel(); ++i)
      ASSERT_NEAR(div.f64()[i], 0.0, 1e-10) << "divergence at " << i;
    EXPECT_LE(relMaxError(pp, p), 1e-13) << "projection is not idempotent";
  }
}

TEST(CudaPhysicsParity, RepeatsAreBitIdenticalAcrossBatchSizes) {
  SHODH_REQUIRE_CUDA_DEVICE();
  // One kernel instance prepared for batch 2, then 3, then 2 again (the
  // per-shape plan cache) gives the results of fresh instances exactly.
  std::vector<NamedAttr> attrs = physicsCaseAttrs(3, "spectral");
  Shape grid = {8, 12, 10};
  HostTensor u2(DType::F32, fieldOf(2, 3, grid)),
      u3(DType::F32, fieldOf(3, 3, grid));
  u2.fillUniform(11), u3.fillUniform(12);
  HostTensor fresh2(DType::F32, u2.shape), fresh3(DType::F32, u3.shape);
  runOnCuda("div_free_project", attrs, {&u2}, {&fresh2});
  runOnCuda("div_free_project", attrs, {&u3}, {&fresh3});

  Device device(0);
  HostTensor a(DType::F32, u2.shape), b(DType::F32, u3.shape),
      c(DType::F32, u2.shape);
  std::vector<TensorDesc> descs = {u2.desc("u"), u2.desc("p")};
  KernelCall call{"div_free_project", {}, {}, attrs};
  KernelSignature sig{&call, {&descs[0]}, {&descs[1]}, "call"};
  std::unique_ptr<Kernel> k =
      (*KernelRegistry::builtin().find("div_free_project", Backend::Cuda))(sig);
  KernelContext ctx{nullptr, &device};
  auto once = [&](const HostTensor &in, const HostTensor &out, bool prep) {
    DeviceBuffer x(in.storage.size(), device), y(out.storage.size(), device);
    x.upload(in.storage.data(), in.storage.size(), device);
    std::vector<TensorRef> ins{{in.dtype, in.shape, x.data()}},
        outs{{out.dtype, out.shape, y.data()}};
    if (prep)
      k->prepare(ins, outs, ctx);
    k->run(ins, outs, ctx);
    device.synchronize();
    y.download(out.storage.data(), out.storage.size(), device);
  };
  once(u2, a, true);
  once(u3, b, true);
  once(u2, c, false); // batch 2's state is still cached
  expectClose(a, fresh2, 0, "batch 2");
  expectClose(b, fresh3, 0, "batch 3");
  expectClose(c, fresh2, 0, "batch 2 again");
}
