//===- InterpolateParityTest.cpp - CUDA interpolate vs the CPU ------------===//
//
// interpolate and interpolate_grad on a GPU against the CPU kernels, on
// every problem of InterpolateCases.h, into NaN-filled outputs (every
// element must be written), twice. Tolerance: bitwise. Each thread runs
// the CPU's float operations (products and sums, the gradient's terms in
// the CPU scatter's order; InterpolateModesTest.cpp checks that on the
// host), which IEEE rounds identically on both sides with nvcc --fmad=false;
// the taps are computed on the host. Also: one kernel object following
// changing shapes (tables remade per geometry) and the shape-mismatch
// message of `prepare`. Skipped without a device.
//
//===----------------------------------------------------------------------===//
#include "CudaHarness.h"
#include "InterpolateCases.h"

#include <gtest/gtest.h>

using namespace shodh;
using namespace shodh::testing;

namespace {

/// Runs `name` on the GPU into a NaN-filled tensor of `shape`, twice;
/// expects both runs bitwise equal to `want`.
void expectBitwiseOnGpu(const std::string &name, std::vector<NamedAttr> attrs,
                        const HostTensor &in, const HostTensor &want,
                        const std::string &what) {
  for (int repeat = 0; repeat < 2; ++repeat) {
    HostTensor got(DType::F32, want.shape);
    fillNan(got);
    runOnCuda(name, attrs, {&in}, {&got});
    EXPECT_EQ(firstBitDifference(got, want), -1)
        << name << ", " << what << ", run " << repeat;
  }
}

/// A rank-3 description with every axis symbolic.
TensorDesc symbolic3(const std::string &name) {
  return symbolic(
      name, {Dim::named("B"), Dim::named(name + "1"), Dim::named(name + "2")});
}

} // namespace

TEST(CudaInterpolateParity, ForwardIsBitwise) {
  SHODH_REQUIRE_CUDA_DEVICE();
  uint32_t seed = 300;
  for (const InterpolateCase &c : interpolateCases()) {
    HostTensor x(DType::F32, c.xShape()), want(DType::F32, c.yShape());
    x.fillUniform(++seed, -2.0, 2.0);
    runKernel("interpolate", c.forwardAttrs(), {&x}, {&want}, 2);
    expectBitwiseOnGpu("interpolate", c.forwardAttrs(), x, want,
                       "x rank " + std::to_string(c.xShape().size()) +
                           ", case " + std::to_string(seed - 300));
  }
}

TEST(CudaInterpolateParity, GradientIsBitwise) {
  SHODH_REQUIRE_CUDA_DEVICE();
  uint32_t seed = 400;
  for (const InterpolateCase &c : interpolateCases()) {
    HostTensor dy(DType::F32, c.yShape()), want(DType::F32, c.xShape());
    dy.fillUniform(++seed, -2.0, 2.0);
    runKernel("interpolate_grad", c.gradAttrs(), {&dy}, {&want}, 2);
    expectBitwiseOnGpu("interpolate_grad", c.gradAttrs(), dy, want,
                       "dy rank " + std::to_string(c.yShape().size()) +
                           ", case " + std::to_string(seed - 400));
  }
}

TEST(CudaInterpolateParity, OneKernelFollowsChangingShapes) {
  // The forward's input grid and the gradient's output-gradient grid may
  // change between invocations (symbolic dims): the tables are remade for
  // each geometry, and a geometry seen before is right again.
  SHODH_REQUIRE_CUDA_DEVICE();
  Device device(0);
  using Ints = std::vector<int64_t>;
  PreparedKernel forward("interpolate", {{"size", Ints{4, 6}}},
                         {symbolic3("x")}, {symbolic3("y")});
  PreparedKernel grad("interpolate_grad", {{"size", Ints{5, 7}}},
                      {symbolic3("dy")}, {symbolic3("dx")});
  uint32_t seed = 500;
  for (const Ints &x : {Ints{2, 5, 7}, Ints{3, 9, 3}, Ints{2, 5, 7}}) {
    HostTensor in(DType::F32, x), want(DType::F32, {x[0], 4, 6}),
        got(DType::F32, {x[0], 4, 6});
    in.fillUniform(++seed);
    runKernel("interpolate", {{"size", Ints{4, 6}}}, {&in}, {&want}, 1);
    fillNan(got);
    forward.run(device, {&in}, {&got});
    EXPECT_EQ(firstBitDifference(got, want), -1) << "x grid " << x[1];
  }
  for (const Ints &dy : {Ints{2, 4, 6}, Ints{3, 8, 3}, Ints{2, 4, 6}}) {
    HostTensor in(DType::F32, dy), want(DType::F32, {dy[0], 5, 7}),
        got(DType::F32, {dy[0], 5, 7});
    in.fillUniform(++seed);
    runKernel("interpolate_grad", {{"size", Ints{5, 7}}}, {&in}, {&want}, 1);
    fillNan(got);
    grad.run(device, {&in}, {&got});
    EXPECT_EQ(firstBitDifference(got, want), -1) << "dy grid " << dy[1];
  }
}

TEST(CudaInterpolateParity, ShapeMismatchHasTheCpuMessage) {
  SHODH_REQUIRE_CUDA_DEVICE();
  using Ints = std::vector<int64_t>;
  HostTensor x(DType::F32, {1, 1, 4, 4}), y(DType::F32, {1, 1, 8, 8});
  expectErrorContaining(
      [&] {
        runOnCuda("interpolate", {{"size", Ints{8, 6}}}, {&x}, {&y});
      },
      "program 'test', call 0 (interpolate): shapes [1, 1, 4, 4] (input "
      "grid) and [1, 1, 8, 8] (output grid) do not match 'size' [8, 6]");
  expectErrorContaining(
      [&] {
        runOnCuda("interpolate_grad", {{"size", Ints{4, 5}}}, {&y}, {&x});
      },
      "do not match 'size' [4, 5]");
}
