//===- InterpolateModesTest.cpp - interpolate's device code, on the host --===//
//
// Runs without a GPU: the tables and per-element functions the CUDA
// interpolate kernels use (runtime/kernels/cuda/InterpolateDevice.h),
// evaluated here for every element (in reverse order, into NaN-filled
// outputs), against the CPU kernels on every problem of InterpolateCases.h.
// Both must agree bitwise: the forward is the CPU's expression per point,
// and the gradient's gather adds the CPU scatter's products in the CPU's
// order. Also: the cuda factories reject bad calls with the CPU's messages.
//
//===----------------------------------------------------------------------===//
#include "InterpolateCases.h"
#include "runtime/kernels/cuda/InterpolateDevice.h"

#include <gtest/gtest.h>

#include <algorithm>

using namespace shodh;
using namespace shodh::cuda;
using namespace shodh::testing;

namespace {

/// The tables of `c` as the cuda kernels make them in `prepare`: the grids
/// padded to three axes, the leading axes flattened.
InterpTables tablesOf(const InterpolateCase &c) {
  int64_t slices = 1, src[3] = {1, 1, 1}, dst[3] = {1, 1, 1};
  for (int64_t n : c.lead)
    slices *= n;
  const size_t d = c.in.size();
  for (size_t a = 0; a < d; ++a)
    src[3 - d + a] = c.in[a], dst[3 - d + a] = c.out[a];
  return makeInterpolateTables(slices, src, dst);
}

/// A readable name of `c`.
std::string nameOf(const InterpolateCase &c) {
  auto list = [](const std::vector<int64_t> &v) {
    std::string s;
    for (int64_t n : v)
      s += (s.empty() ? "" : "x") + std::to_string(n);
    return s;
  };
  return "lead " + list(c.lead) + ", " + list(c.in) + " -> " + list(c.out);
}

/// Runs the `backend` factory of `name` on static descriptions.
void createOn(Backend backend, const std::string &name,
              std::vector<NamedAttr> attrs, const std::vector<TensorDesc> &ins,
              const std::vector<TensorDesc> &outs) {
  createKernel(name, std::move(attrs), ins, outs, backend);
}

/// A static description of a `dtype` tensor of `shape`.
TensorDesc desc(std::vector<int64_t> shape, DType dtype = DType::F32) {
  return HostTensor(dtype, std::move(shape)).desc("t");
}

} // namespace

TEST(CudaInterpolateModes, ForwardPointsMatchTheCpuKernelBitwise) {
  uint32_t seed = 100;
  for (const InterpolateCase &c : interpolateCases()) {
    HostTensor x(DType::F32, c.xShape()), want(DType::F32, c.yShape()),
        got(DType::F32, c.yShape());
    x.fillUniform(++seed, -2.0, 2.0);
    runKernel("interpolate", c.forwardAttrs(), {&x}, {&want}, 2);
    const InterpTables t = tablesOf(c);
    const InterpGeometry &g = t.g;
    fillNan(got);
    for (int64_t e = g.slices * g.dstSize() - 1; e >= 0; --e) {
      const int64_t s = e / g.dstSize(), p = e % g.dstSize();
      got.f32()[e] = interpolatePoint(
          g, t.taps.data(), x.f32() + s * g.srcSize(),
          p / (g.dst[1] * g.dst[2]), (p / g.dst[2]) % g.dst[1], p % g.dst[2]);
    }
    EXPECT_EQ(firstBitDifference(got, want), -1) << nameOf(c);
  }
}

TEST(CudaInterpolateModes, GradientGatherMatchesTheCpuScatterBitwise) {
  uint32_t seed = 200;
  for (const InterpolateCase &c : interpolateCases()) {
    HostTensor dy(DType::F32, c.yShape()), want(DType::F32, c.xShape()),
        got(DType::F32, c.xShape());
    dy.fillUniform(++seed, -2.0, 2.0);
    runKernel("interpolate_grad", c.gradAttrs(), {&dy}, {&want}, 2);
    const InterpTables t = tablesOf(c);
    const InterpGeometry &g = t.g;
    fillNan(got);
    for (int64_t e = g.slices * g.srcSize() - 1; e >= 0; --e) {
      const int64_t s = e / g.srcSize(), p = e % g.srcSize();
      got.f32()[e] = interpolateGradPoint(
          g, t.start.data(), t.hits.data(), dy.f32() + s * g.dstSize(),
          p / (g.src[1] * g.src[2]), (p / g.src[2]) % g.src[1], p % g.src[2]);
    }
    EXPECT_EQ(firstBitDifference(got, want), -1) << nameOf(c);
  }
}

TEST(CudaInterpolateModes, GradientOrderMattersOnTheseProblems) {
  // The bitwise test above can only catch a wrong summation order if the
  // order changes the result: summing each point's terms in reverse does,
  // on at least one problem (upsampling adds up to 4 terms per axis).
  bool anyDiffers = false;
  uint32_t seed = 200;
  for (const InterpolateCase &c : interpolateCases()) {
    HostTensor dy(DType::F32, c.yShape()), want(DType::F32, c.xShape());
    dy.fillUniform(++seed, -2.0, 2.0);
    runKernel("interpolate_grad", c.gradAttrs(), {&dy}, {&want}, 2);
    InterpTables t = tablesOf(c);
    for (int a = 0; a < 3; ++a) // reverse each index's hit list
      for (int64_t i = 0; i < t.g.src[a]; ++i) {
        const int64_t *s = t.start.data() + t.g.hitStart[a] + i;
        std::reverse(t.hits.begin() + s[0], t.hits.begin() + s[1]);
      }
    HostTensor got(DType::F32, c.xShape());
    const InterpGeometry &g = t.g;
    for (int64_t e = 0; e < g.slices * g.srcSize(); ++e) {
      const int64_t s = e / g.srcSize(), p = e % g.srcSize();
      got.f32()[e] = interpolateGradPoint(
          g, t.start.data(), t.hits.data(), dy.f32() + s * g.dstSize(),
          p / (g.src[1] * g.src[2]), (p / g.src[2]) % g.src[1], p % g.src[2]);
    }
    anyDiffers |= firstBitDifference(got, want) != -1;
  }
  EXPECT_TRUE(anyDiffers);
}

TEST(CudaInterpolateModes, TablesInvertTheTaps) {
  // Every nonzero tap of every output index appears once in its source
  // index's hit list, the lists ordered by output index; a 17 -> 3 axis
  // leaves source indices without hits.
  for (const InterpolateCase &c : interpolateCases()) {
    const InterpTables t = tablesOf(c);
    for (int a = 0; a < 3; ++a) {
      int64_t taps = 0;
      for (int64_t o = 0; o < t.g.dst[a]; ++o)
        taps += t.taps[size_t(t.g.tapBase[a] + o)].l1 != 0.0f ? 2 : 1;
      const int64_t *s = t.start.data() + t.g.hitStart[a];
      EXPECT_EQ(s[t.g.src[a]] - s[0], taps) << nameOf(c) << ", axis " << a;
      for (int64_t i = 0; i < t.g.src[a]; ++i)
        for (int64_t h = s[i] + 1; h < s[i + 1]; ++h)
          EXPECT_LE(t.hits[size_t(h - 1)].o, t.hits[size_t(h)].o) << nameOf(c);
    }
  }
  const InterpTables down = tablesOf({{1}, {17}, {3}});
  const int64_t *s = down.start.data() + down.g.hitStart[2];
  int64_t unread = 0;
  for (int64_t i = 0; i < 17; ++i)
    unread += s[i] == s[i + 1];
  EXPECT_GT(unread, 0);
}

TEST(CudaInterpolateModes, FactoriesRejectBadCallsWithTheCpuMessages) {
  struct Bad {
    const char *name;
    std::vector<NamedAttr> attrs;
    std::vector<TensorDesc> ins, outs;
  };
  using Ints = std::vector<int64_t>;
  const std::vector<Bad> bad = {
      {"interpolate",
       {{"size", Ints{8, 8}}, {"mode", std::string("nearest")}},
       {desc({1, 1, 4, 4})},
       {desc({1, 1, 8, 8})}},
      {"interpolate", {{"size", Ints{}}}, {desc({1, 4})}, {desc({1, 4})}},
      {"interpolate",
       {{"size", Ints{2, 2, 2, 2}}},
       {desc({1, 2, 2, 2, 2})},
       {desc({1, 2, 2, 2, 2})}},
      {"interpolate",
       {{"size", Ints{0, 3}}},
       {desc({1, 4, 4})},
       {desc({1, 0, 3})}},
      {"interpolate", {{"size", Ints{4, 4}}}, {desc({4, 4})}, {desc({4, 4})}},
      {"interpolate", {{"size", Ints{4}}}, {desc({2, 4})}, {desc({1, 2, 4})}},
      {"interpolate",
       {{"size", Ints{4}}},
       {desc({2, 4}, DType::F64)},
       {desc({2, 4})}},
      {"interpolate", {}, {desc({2, 4})}, {desc({2, 4})}},
      {"interpolate",
       {{"size", Ints{4}}},
       {desc({2, 4}), desc({2, 4})},
       {desc({2, 4})}},
      {"interpolate_grad",
       {{"size", Ints{4}}},
       {desc({2, 4})},
       {desc({2, 4}, DType::F64)}},
      {"interpolate_grad",
       {{"size", Ints{-1}}},
       {desc({2, 4})},
       {desc({2, 4})}},
      {"interpolate_grad", {{"size", Ints{4}}}, {desc({4})}, {desc({4})}},
  };
  for (const Bad &b : bad) {
    const std::string cpu = messageOf(
        [&] { createOn(Backend::Cpu, b.name, b.attrs, b.ins, b.outs); });
    ASSERT_FALSE(cpu.empty()) << b.name << " accepted a bad call";
    EXPECT_EQ(messageOf([&] {
                createOn(Backend::Cuda, b.name, b.attrs, b.ins, b.outs);
              }),
              cpu);
  }
  // And a good call is accepted (creating needs no device).
  EXPECT_EQ(messageOf([&] {
              createOn(Backend::Cuda, "interpolate", {{"size", Ints{3, 5}}},
                       {desc({2, 4, 4})}, {desc({2, 3, 5})});
            }),
            "");
}
