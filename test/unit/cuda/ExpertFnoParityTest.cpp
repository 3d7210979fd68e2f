//===- ExpertFnoParityTest.cpp - CUDA expert_fno and moe(fno) vs the CPU --===//
//
// expert_fno, expert_fno_grad (every output) and moe with expert = fno on
// the GPU against the CPU kernels, on the problems of ExpertFnoCases.h
// (2-D and 3-D, ragged groups with empty experts, a one-row group, dropped
// rows, all rows dropped); each GPU call runs twice on outputs pre-filled
// with NaN, and the two runs must be bit-identical (fixed-order sums:
// dwspec, dwskip, dbskip) and write every element. Plus the value fault
// (bad offsets) and a shape error with the CPU's messages. Skipped without
// a device.
//
// Tolerance: |gpu - cpu| <= 2e-5 max(1, max |cpu|) per tensor. cuFFT's
// full transforms round differently from the CPU's pruned FFTW stages
// (~1e-7 relative per stage, a few stages: the host run of the same
// schedule with FFTW full transforms, ExpertFnoModesTest.cpp, stays below
// 5e-7 of the tensor scale); GELU uses CUDA erf (a few ulps); cuBLAS sums
// the skip GEMMs' C or O products and dwskip's P products per row (up to
// 256) in another order than OpenBLAS: about sqrt(P) 6e-8 of the sum of
// |products|, which is at most a few times the tensor's largest value
// here. The parameter gradients sum over up to 15 rows and may cancel, so
// the bound is taken against the tensor's scale, not each element's.
// moe(fno) adds dispatch and combine, which are bitwise.
//
//===----------------------------------------------------------------------===//
#include "CudaHarness.h"
#include "ExpertFnoCases.h"
#include "RoutingCases.h"

#include <gtest/gtest.h>

using namespace shodh;
using namespace shodh::testing;

namespace {

constexpr double kTolerance = 2e-5;

/// Expects every float of `got` (both parts of complex values) within
/// rtol max(1, max |want|) of `want`.
void expectNearScaled(const HostTensor &got, const HostTensor &want,
                      double rtol, const std::string &what) {
  ASSERT_EQ(got.storage.size(), want.storage.size()) << what;
  const float *g = reinterpret_cast<const float *>(got.storage.data()),
              *w = reinterpret_cast<const float *>(want.storage.data());
  const uint64_t n = want.storage.size() / sizeof(float);
  double scale = 1.0;
  for (uint64_t i = 0; i < n; ++i)
    scale = std::max(scale, std::fabs(double(w[i])));
  for (uint64_t i = 0; i < n; ++i)
    ASSERT_NEAR(g[i], w[i], rtol * scale) << what << " float " << i;
}

/// Runs `name` on the CPU into `want`, then twice on the GPU into tensors
/// filled with NaN first; expects the GPU runs bit-identical and returns the
/// first.
std::vector<HostTensor>
gpuTwiceOnGarbage(const std::string &name, const std::vector<NamedAttr> &attrs,
                  const std::vector<const HostTensor *> &ins,
                  const std::vector<HostTensor *> &want) {
  runKernel(name, attrs, ins,
            std::vector<const HostTensor *>(want.begin(), want.end()), 2);
  std::vector<HostTensor> runs[2];
  for (std::vector<HostTensor> &run : runs) {
    std::vector<const HostTensor *> outs;
    run.reserve(want.size());
    for (HostTensor *t : want) {
      run.emplace_back(t->dtype, t->shape);
      fillAllFloats(run.back(), std::nanf(""));
    }
    for (HostTensor &t : run)
      outs.push_back(&t);
    runOnCuda(name, attrs, ins, outs);
  }
  for (size_t i = 0; i < want.size(); ++i)
    expectSameBytes(runs[1][i], runs[0][i],
                    name + " output " + std::to_string(i) + " repeat");
  return std::move(runs[0]);
}

} // namespace

TEST(CudaExpertFnoParity, ForwardMatchesTheCpu) {
  SHODH_REQUIRE_CUDA_DEVICE();
  for (FnoCase &c : fnoCases()) {
    SCOPED_TRACE(c.name());
    HostTensor y(DType::F32, c.field(c.O));
    auto got =
        gpuTwiceOnGarbage("expert_fno", c.attrs(),
                          {&c.x, &c.off, &c.wspec, &c.wskip, &c.bskip}, {&y});
    expectNearScaled(got[0], y, kTolerance, "y");
    // Dropped rows are exactly zero.
    const int64_t width = y.numel() / (c.B * c.R); // O grid points
    for (int64_t i = c.offsets.back() * width; i < y.numel(); ++i)
      ASSERT_EQ(got[0].f32()[i], 0.0f) << "dropped element " << i;
  }
}

TEST(CudaExpertFnoParity, GradientMatchesTheCpuAndRepeats) {
  SHODH_REQUIRE_CUDA_DEVICE();
  for (FnoCase &c : fnoCases()) {
    SCOPED_TRACE(c.name());
    HostTensor dx(DType::F32, c.field(c.C)),
        dwspec(DType::C64, c.spectralShape()),
        dwskip(DType::F32, {c.E, c.O, c.C}), dbskip(DType::F32, {c.E, c.O});
    auto got =
        gpuTwiceOnGarbage("expert_fno_grad", c.attrs(),
                          {&c.x, &c.off, &c.dy, &c.wspec, &c.wskip, &c.bskip},
                          {&dx, &dwspec, &dwskip, &dbskip});
    expectNearScaled(got[0], dx, kTolerance, "dx");
    expectNearScaled(got[1], dwspec, kTolerance, "dwspec");
    expectNearScaled(got[2], dwskip, kTolerance, "dwskip");
    expectNearScaled(got[3], dbskip, kTolerance, "dbskip");
  }
}

TEST(CudaExpertFnoParity, ValueAndShapeErrorsAreTheCpus) {
  SHODH_REQUIRE_CUDA_DEVICE();
  FnoCase c({8, 6}, {2, 1, 3}, 2, 3, 2, 3, {0, 3, 2, 5}, 61);
  HostTensor y(DType::F32, c.field(c.O));
  expectErrorContaining(
      [&] {
        runOnCuda("expert_fno", c.attrs(),
                  {&c.x, &c.off, &c.wspec, &c.wskip, &c.bskip}, {&y});
      },
      "offsets must be non-decreasing, got offsets[2] = 2 < offsets[1] = 3");
  HostTensor badSkip(DType::F32, {c.E, c.C, c.C});
  expectErrorContaining(
      [&] {
        runOnCuda("expert_fno", c.attrs(),
                  {&c.x, &c.off, &c.wspec, &badSkip, &c.bskip}, {&y});
      },
      "wskip must be [3, 3, 2], got [3, 2, 2]");
}

TEST(CudaExpertFnoParity, MoeWithFnoExpertsMatchesTheCpu) {
  SHODH_REQUIRE_CUDA_DEVICE();
  const int64_t B = 2, T = 12, C = 3, O = 4, E = 3, K = 2;
  const std::vector<int64_t> modes = {2, 4, 1};
  HostTensor tokens(DType::F32, {B, T, C, 8, 8}), ids(DType::I64, {B, T, K}),
      gates(DType::F32, {B, T, K}), wspec(DType::C64, {E, C, O, 8, 4}),
      wskip(DType::F32, {E, O, C}), bskip(DType::F32, {E, O});
  tokens.fillUniform(71, -1.0f, 1.0f);
  gates.fillUniform(72, 0.0f, 1.0f);
  wspec.fillUniform(73, -0.5f, 0.5f);
  wskip.fillUniform(74, -0.5f, 0.5f);
  bskip.fillUniform(75, -1.0f, 1.0f);
  for (int64_t a = 0; a < ids.numel(); ++a) // expert 2 gets few rows
    i64(ids)[a] = (a * 7 + a / 3) % 5 == 4 ? 2 : (a * 7 + a / 3) % 2;
  for (double capacity : {0.0, 0.5}) {
    std::vector<NamedAttr> attrs{{"num_experts", E},
                                 {"capacity_factor", capacity},
                                 {"expert", std::string("fno")},
                                 {"modes", modes}};
    HostTensor y(DType::F32, {B, T, O, 8, 8});
    auto got = gpuTwiceOnGarbage(
        "moe", attrs, {&tokens, &ids, &gates, &wspec, &wskip, &bskip}, {&y});
    expectNearScaled(got[0], y, kTolerance,
                     "moe(fno) capacity " + std::to_string(capacity));
  }
}
