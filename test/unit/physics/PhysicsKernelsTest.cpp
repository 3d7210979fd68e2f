//===- PhysicsKernelsTest.cpp - Validation of physics kernel calls --------===//
//
// Every bad call is rejected when the kernel is created (or at prepare for
// concrete shapes) with a message naming the kernel, operand or attribute.
//
//===----------------------------------------------------------------------===//
#include "test/unit/physics/PhysicsTestUtil.h"

#include <gtest/gtest.h>

using namespace shodh;
using namespace shodh::testing;

namespace {

/// A static description [dims...] of `dtype`.
TensorDesc field(const char *name, std::vector<int64_t> dims,
                 DType dtype = DType::F32) {
  std::vector<Dim> shape;
  for (int64_t d : dims)
    shape.push_back(Dim::fixed(d));
  return symbolic(name, shape, dtype);
}

/// Expects creating `kernel` on (in -> out) with `attrs` to fail with `needle`.
void expectRejected(const std::string &kernel, std::vector<NamedAttr> attrs,
                    TensorDesc in, TensorDesc out, const std::string &needle) {
  expectErrorContaining([&] { createKernel(kernel, attrs, {in}, {out}); },
                        needle);
}

} // namespace

TEST(PhysicsKernels, AreRegistered) {
  for (const char *name :
       {"curl", "div_free_project", "divergence", "divergence_grad"})
    EXPECT_NE(KernelRegistry::builtin().find(name, Backend::Cpu), nullptr)
        << name;
}

TEST(PhysicsKernels, RejectWrongChannels) {
  expectRejected("div_free_project", {}, field("u", {1, 2, 8, 8, 8}),
                 field("p", {1, 2, 8, 8, 8}), "x must have 3 channels, got 2");
  expectRejected("divergence", {}, field("u", {1, 3, 8, 8}),
                 field("d", {1, 1, 8, 8}), "x must have 2 channels, got 3");
  expectRejected("divergence_grad", {}, field("g", {1, 2, 8, 8}),
                 field("d", {1, 2, 8, 8}), "x must have 1 channel, got 2");
  expectRejected(
      "curl", {}, field("a", {1, 3, 8, 8}), field("u", {1, 0, 8, 8}),
      "a 2D curl takes 1 channel (stream function) or 2 (velocity), got 3");
  std::vector<Dim> symbolicChannels{Dim::fixed(1), Dim::named("C"),
                                    Dim::fixed(8), Dim::fixed(8)};
  expectRejected("curl", {}, symbolic("a", symbolicChannels),
                 field("u", {1, 2, 8, 8}),
                 "the channel dimension of x must be static, got 'C'");
}

TEST(PhysicsKernels, RejectWrongOutputShapeAndDtype) {
  expectRejected("divergence", {}, field("u", {2, 3, 8, 8, 8}),
                 field("d", {2, 3, 8, 8, 8}), "output");
  expectRejected("curl", {}, field("psi", {2, 1, 8, 8}),
                 field("u", {2, 2, 8, 9}), "output");
  expectRejected("curl", {}, field("a", {2, 3, 8, 8, 8}),
                 field("v", {2, 3, 8, 8, 8}, DType::F64), "output");
  expectRejected("divergence", {}, field("u", {2, 2, 8}), field("d", {2, 1, 8}),
                 "x must be a field [B, C, N_1, .., N_d] with d = 2 or 3 (rank "
                 "4 or 5), got rank 3");
  expectRejected("divergence", {}, field("u", {2, 2, 8, 8}, DType::C64),
                 field("d", {2, 1, 8, 8}, DType::C64), "x");
}

TEST(PhysicsKernels, RejectBadAttributes) {
  TensorDesc u = field("u", {1, 2, 8, 8}), d = field("d", {1, 1, 8, 8});
  expectRejected(
      "divergence", {{"method", std::string("fd4")}}, u, d,
      "attribute 'method' must be \"spectral\" or \"fd2\", got \"fd4\"");
  expectRejected("divergence", {{"lengths", std::vector<double>{1.0}}}, u, d,
                 "attribute 'lengths' must be 2 floats");
  expectRejected("divergence", {{"lengths", std::vector<double>{1.0, -2.0}}}, u,
                 d, "lengths[1] must be positive and finite, got -2");
  expectRejected("div_free_project", {{"lengths", int64_t(3)}},
                 field("u", {1, 2, 8, 8}), field("p", {1, 2, 8, 8}),
                 "attribute 'lengths' must be 2 floats");
}

TEST(PhysicsKernels, PrepareChecksConcreteShapes) {
  std::vector<Dim> sym{Dim::named("B"), Dim::fixed(2), Dim::fixed(8),
                       Dim::fixed(8)};
  std::vector<Dim> symOut{Dim::named("B"), Dim::fixed(1), Dim::fixed(8),
                          Dim::fixed(8)};
  std::unique_ptr<Kernel> k = createKernel(
      "divergence", {}, {symbolic("u", sym)}, {symbolic("d", symOut)});
  HostTensor in(DType::F32, {2, 2, 8, 8}), out(DType::F32, {3, 1, 8, 8});
  KernelContext ctx{nullptr};
  expectErrorContaining([&] { k->prepare({in.ref()}, {out.ref()}, ctx); },
                        "output");
}

// Runs twice with the same thread count: identical bits.
TEST(PhysicsKernels, RepeatedRunsAreBitIdentical) {
  std::vector<double> u = randomValues(2 * 3 * 8 * 6 * 10, 3);
  for (const char *m : {"spectral", "fd2"}) {
    auto once = [&] {
      return applyKernel("curl", physicsAttrs({1.0, 1.0, 1.0}, m), u,
                         {2, 3, 8, 6, 10}, {2, 3, 8, 6, 10}, DType::F32, 3);
    };
    EXPECT_EQ(once(), once()) << m;
  }
}
