//===- PhysicsLayoutTest.cpp - Host side of the CUDA physics kernels ------===//
//
// Runs without a GPU: the geometry and wavenumber table the device code
// gets (PhysicsLayout.h), checked against values written out from the
// formulas of docs/runtime.md § Physics kernels (k = 2 pi m / L, Nyquist
// 0; fd2 factor sign N / (2 L)), and the CUDA factories' validation (same
// messages as the CPU, no device needed to create a kernel; running one
// outside a CUDA session is refused).
//
//===----------------------------------------------------------------------===//
#include "runtime/kernels/cuda/PhysicsLayout.h"
#include "CudaHarness.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace shodh;
using namespace shodh::cuda;
using namespace shodh::testing;

namespace {

/// A static description of `dims`.
TensorDesc fieldDesc(const char *name, const std::vector<int64_t> &dims,
                     DType dtype = DType::F32) {
  std::vector<Dim> shape;
  for (int64_t d : dims)
    shape.push_back(Dim::fixed(d));
  return symbolic(name, shape, dtype);
}

/// Parses a call of `kind` on (in -> out) with `attrs`.
PhysicsCall parseCall(PhysicsKind kind, std::vector<NamedAttr> attrs,
                      const TensorDesc &in, const TensorDesc &out) {
  KernelCall call{"physics", {}, {}, std::move(attrs)};
  KernelSignature sig{&call, {&in}, {&out}, "program 'test', call 0"};
  return PhysicsCall::parse(sig, kind);
}

/// Runs the cuda factory of `name` on (in -> out) with `attrs`.
std::unique_ptr<Kernel> createCuda(const std::string &name,
                                   std::vector<NamedAttr> attrs,
                                   const TensorDesc &in,
                                   const TensorDesc &out) {
  KernelCall call{name, {}, {}, std::move(attrs)};
  KernelSignature sig{
      &call, {&in}, {&out}, "program 'test', call 0 (" + name + ")"};
  const KernelFactory *f = KernelRegistry::builtin().find(name, Backend::Cuda);
  if (!f)
    throw Error("no cuda kernel " + name);
  return (*f)(sig);
}

constexpr double kTwoPi = 2.0 * M_PI;

} // namespace

TEST(CudaPhysicsLayout, Geometry3DSpectral) {
  TensorDesc u = fieldDesc("u", {2, 3, 8, 6, 5}),
             d = fieldDesc("d", {2, 1, 8, 6, 5});
  PhysicsCall call =
      parseCall(PhysicsKind::Divergence,
                {{"lengths", std::vector<double>{1, 2, 3}}}, u, d);
  PhysicsGeometry g = physicsGeometry(call, {8, 6, 5}, 2);
  EXPECT_EQ(g.spatial, 3);
  EXPECT_EQ(g.n[0], 8);
  EXPECT_EQ(g.n[1], 6);
  EXPECT_EQ(g.n[2], 5);
  EXPECT_EQ(g.batch, 2);
  EXPECT_EQ(g.inChannels, 3);
  EXPECT_EQ(g.outChannels, 1);
  EXPECT_EQ(g.half, 3);
  EXPECT_EQ(g.leadRows, 48);
  EXPECT_EQ(g.kOffset[0], 0);
  EXPECT_EQ(g.kOffset[1], 8);
  EXPECT_EQ(g.kOffset[2], 14);
  EXPECT_EQ(g.scale, 1.0 / 240.0);
  ASSERT_EQ(g.termCount, 3);
  for (int c = 0; c < 3; ++c) { // div u = sum_c d u_c / dx_c
    EXPECT_EQ(g.terms[c].out, 0);
    EXPECT_EQ(g.terms[c].in, c);
    EXPECT_EQ(g.terms[c].axis, c);
    EXPECT_EQ(g.terms[c].factor, 1.0);
  }
  EXPECT_EQ(spectrumElements(g, 3), 2 * 3 * 48 * 3);
  EXPECT_EQ(spectrumElements(g, 1), 2 * 1 * 48 * 3);

  std::vector<double> k = wavenumberTable(call, g);
  // Axis 0 (N 8, L 1): m = 0 1 2 3 [Nyquist 4 -> 0] -3 -2 -1.
  std::vector<double> m0 = {0, 1, 2, 3, 0, -3, -2, -1};
  // Axis 1 (N 6, L 2): m = 0 1 2 [3 -> 0] -2 -1. Axis 2 (N 5, L 3, half):
  // m = 0 1 2 (odd: no Nyquist).
  std::vector<double> m1 = {0, 1, 2, 0, -2, -1}, m2 = {0, 1, 2};
  ASSERT_EQ(k.size(), 17u);
  for (int i = 0; i < 8; ++i)
    EXPECT_DOUBLE_EQ(k[i], kTwoPi * m0[i] / 1.0) << i;
  for (int i = 0; i < 6; ++i)
    EXPECT_DOUBLE_EQ(k[8 + i], kTwoPi * m1[i] / 2.0) << i;
  for (int i = 0; i < 3; ++i)
    EXPECT_DOUBLE_EQ(k[14 + i], kTwoPi * m2[i] / 3.0) << i;
}

TEST(CudaPhysicsLayout, Geometry2DAndFd2Factors) {
  TensorDesc psi = fieldDesc("psi", {1, 1, 12, 10}, DType::F64),
             u = fieldDesc("u", {1, 2, 12, 10}, DType::F64);
  PhysicsCall call = parseCall(
      PhysicsKind::Curl,
      {{"lengths", std::vector<double>{3, 5}}, {"method", std::string("fd2")}},
      psi, u);
  PhysicsGeometry g = physicsGeometry(call, {12, 10}, 1);
  EXPECT_EQ(g.spatial, 2);
  EXPECT_EQ(g.n[2], 1); // the stencil's unused third axis
  EXPECT_EQ(g.half, 6);
  EXPECT_EQ(g.leadRows, 12);
  EXPECT_EQ(g.kOffset[1], 12);
  // Stream function: u = (d psi / dx_1, -d psi / dx_0); fd2 factor
  // sign / (2 dx) with dx = L / N.
  ASSERT_EQ(g.termCount, 2);
  EXPECT_EQ(g.terms[0].out, 0);
  EXPECT_EQ(g.terms[0].axis, 1);
  EXPECT_DOUBLE_EQ(g.terms[0].factor, 1.0 / (2.0 * 5.0 / 10.0));
  EXPECT_EQ(g.terms[1].out, 1);
  EXPECT_EQ(g.terms[1].axis, 0);
  EXPECT_DOUBLE_EQ(g.terms[1].factor, -1.0 / (2.0 * 3.0 / 12.0));
  std::vector<double> k = wavenumberTable(call, g);
  ASSERT_EQ(k.size(), 18u);
  EXPECT_EQ(k[6], 0.0);  // axis 0 Nyquist (m = 6 of 12)
  EXPECT_EQ(k[17], 0.0); // axis 1 half spectrum ends at its Nyquist
  EXPECT_DOUBLE_EQ(k[16], kTwoPi * 4 / 5.0);
}

TEST(CudaPhysicsLayout, CurlHasAtMostTheDeviceTermCount) {
  TensorDesc a = fieldDesc("a", {1, 3, 4, 4, 4});
  PhysicsCall call = parseCall(PhysicsKind::Curl, {}, a, a);
  PhysicsGeometry g = physicsGeometry(call, {4, 4, 4}, 1);
  EXPECT_EQ(g.termCount, kMaxPhysicsTerms);
  EXPECT_EQ(g.terms[0].factor, 1.0);
  EXPECT_EQ(g.terms[1].factor, -1.0);
  expectErrorContaining(
      [&] {
        physicsGeometry(call, {4, 4}, 1);
      },
      "a physics grid needs 3 spatial axes, got 2");
}

TEST(CudaPhysicsKernels, AreRegisteredWithTheCpuValidation) {
  if (!cudaCompiledIn())
    GTEST_SKIP() << "this build has no CUDA backend";
  for (const char *name :
       {"curl", "div_free_project", "divergence", "divergence_grad"})
    EXPECT_NE(KernelRegistry::builtin().find(name, Backend::Cuda), nullptr)
        << name;
  // The CPU's messages, raised by the cuda factory without a device.
  expectErrorContaining(
      [] {
        createCuda("div_free_project", {}, fieldDesc("u", {1, 2, 8, 8, 8}),
                   fieldDesc("p", {1, 2, 8, 8, 8}));
      },
      "program 'test', call 0 (div_free_project): x must have 3 channels, "
      "got 2");
  expectErrorContaining(
      [] {
        createCuda("curl", {{"method", std::string("fd4")}},
                   fieldDesc("a", {1, 3, 8, 8, 8}),
                   fieldDesc("b", {1, 3, 8, 8, 8}));
      },
      "attribute 'method' must be \"spectral\" or \"fd2\", got \"fd4\"");
}

TEST(CudaPhysicsKernels, RefuseToRunOutsideACudaSession) {
  if (!cudaCompiledIn())
    GTEST_SKIP() << "this build has no CUDA backend";
  HostTensor u(DType::F32, {1, 2, 8, 8}), d(DType::F32, {1, 1, 8, 8});
  for (const char *method : {"spectral", "fd2"}) {
    std::unique_ptr<Kernel> k =
        createCuda("divergence", {{"method", std::string(method)}}, u.desc("u"),
                   d.desc("d"));
    KernelContext host{nullptr, nullptr};
    expectErrorContaining([&] { k->prepare({u.ref()}, {d.ref()}, host); },
                          "a cuda kernel ran without a CUDA device");
  }
}
