//===- AdamTest.cpp - adam (Adam / AdamW) and step_increment --------------===//
//
// Over three steps (step_increment advancing the counter before each update,
// the state updated in place: the same buffers are passed as inputs and
// outputs):
//  - bit-for-bit against OptimReference's transcription of torch's
//    `_single_tensor_adam(w)` in f32 (same operations, same roundings);
//  - against the textbook algorithm in double: the f32 roundings of m (sums
//    of terms of size <= |g| + wd |p| <= 1.1, which may cancel) leave it
//    within a few u = 6e-8 of those magnitudes, so 1e-6 absolute; v (no
//    cancellation) within 1e-6 relative; each step moves p by at most ~lr,
//    with relative error ~1e-6, so p agrees to 1e-6 (lr + |p|) per step.
// Cases: Adam without / with L2 weight decay, AdamW, complex parameters
// (2 numel independent reals), thread-count independence.
//
//===----------------------------------------------------------------------===//
#include "TrainingTestSupport.h"
#include "runtime/kernels/cpu/optim/OptimReference.h"

#include <gtest/gtest.h>

using namespace shodh;
using namespace shodh::testing;
namespace ref = shodh::reference;

namespace {

/// One Adam configuration and the dtype of its parameter.
struct AdamCase {
  ref::AdamConfig config;
  DType dtype;
  const char *name;
};

/// The kernel attributes of a configuration.
std::vector<NamedAttr> adamAttrs(const ref::AdamConfig &c) {
  return {{"beta1", c.beta1},
          {"beta2", c.beta2},
          {"eps", c.eps},
          {"weight_decay", c.weightDecay},
          {"decoupled", int64_t(c.decoupled ? 1 : 0)}};
}

/// The optimizer state of one parameter tensor.
struct AdamState {
  HostTensor param, m, v, step, lr;
  AdamState(DType dtype, std::vector<int64_t> shape, float rate)
      : param(randomTensor(dtype, shape, 1)), m(dtype, shape), v(dtype, shape),
        step(DType::I64, {1}), lr(DType::F32, {1}) {
    lr.f32()[0] = rate;
  }
  /// step_increment then adam (in place) with gradient `g`.
  void step_(const ref::AdamConfig &c, const HostTensor &g, int threads) {
    runKernel("step_increment", {}, {&step}, {&step}, threads);
    runKernel("adam", adamAttrs(c), {&param, &g, &m, &v, &step, &lr},
              {&param, &m, &v}, threads);
  }
};

/// Reals of a tensor as floats.
std::vector<float> floats(const HostTensor &t) {
  return std::vector<float>(t.f32(), t.f32() + realCount(t));
}

class AdamCases : public ::testing::TestWithParam<AdamCase> {};

TEST_P(AdamCases, ThreeStepsMatchTorchOrderBitwiseAndTextbookClosely) {
  const AdamCase &c = GetParam();
  const float lr = 0.01f;
  AdamState s(c.dtype, {3, 17}, lr);
  std::vector<float> p = floats(s.param), m(p.size()), v(p.size());
  std::vector<double> pd(p.begin(), p.end()), md(p.size()), vd(p.size());
  for (int64_t t = 1; t <= 3; ++t) {
    HostTensor g = randomTensor(c.dtype, {3, 17}, uint32_t(100 + t));
    s.step_(c.config, g, 2);
    ASSERT_EQ(*reinterpret_cast<int64_t *>(s.step.storage.data()), t);
    std::vector<float> gf = floats(g);
    ref::adamTorchStep(p, gf, m, v, c.config, t, lr);
    ref::adamTextbook(pd, std::vector<double>(gf.begin(), gf.end()), md, vd,
                      c.config, t, double(lr));
    for (size_t j = 0; j < p.size(); ++j) {
      ASSERT_EQ(s.param.f32()[j], p[j])
          << c.name << " step " << t << " param " << j;
      ASSERT_EQ(s.m.f32()[j], m[j]) << c.name << " step " << t << " m " << j;
      ASSERT_EQ(s.v.f32()[j], v[j]) << c.name << " step " << t << " v " << j;
      ASSERT_NEAR(p[j], pd[j], 1e-6 * (lr + std::fabs(pd[j])) * t) << c.name;
      ASSERT_NEAR(m[j], md[j], 1e-6) << c.name;
      ASSERT_NEAR(v[j], vd[j], 1e-6 * std::fabs(vd[j]) + 1e-12) << c.name;
    }
  }
}

ref::AdamConfig config(double wd, bool decoupled) {
  ref::AdamConfig c;
  c.weightDecay = wd, c.decoupled = decoupled;
  return c;
}

INSTANTIATE_TEST_SUITE_P(
    Variants, AdamCases,
    ::testing::Values(AdamCase{config(0.0, false), DType::F32, "adam"},
                      AdamCase{config(0.1, false), DType::F32, "adam_l2"},
                      AdamCase{config(0.1, true), DType::F32, "adamw"},
                      AdamCase{config(0.0, true), DType::F32, "adamw_no_decay"},
                      AdamCase{config(0.05, true), DType::C64, "adamw_complex"},
                      AdamCase{config(0.05, false), DType::C64,
                               "adam_l2_complex"}),
    [](const auto &info) { return std::string(info.param.name); });

TEST(Adam, LargeBeta1UsesTheOtherLerpBranch) {
  ref::AdamConfig c = config(0.0, false);
  c.beta1 = 0.3; // 1 - beta1 = 0.7 >= 0.5
  AdamState s(DType::F32, {5}, 0.1f);
  std::vector<float> p = floats(s.param), m(5), v(5);
  HostTensor g = randomTensor(DType::F32, {5}, 7);
  s.step_(c, g, 1);
  ref::adamTorchStep(p, floats(g), m, v, c, 1, 0.1f);
  for (int j = 0; j < 5; ++j)
    ASSERT_EQ(s.param.f32()[j], p[j]);
}

TEST(Adam, ThreadCountIndependent) {
  ref::AdamConfig c = config(0.01, true);
  AdamState one(DType::F32, {40000}, 0.001f),
      three(DType::F32, {40000}, 0.001f);
  for (int t = 0; t < 2; ++t) {
    HostTensor g = randomTensor(DType::F32, {40000}, uint32_t(50 + t));
    one.step_(c, g, 1), three.step_(c, g, 3);
  }
  expectBitIdentical(one.param, three.param, "param");
  expectBitIdentical(one.v, three.v, "v");
}

TEST(Adam, StepZeroIsRejectedAtRunTime) {
  AdamState s(DType::F32, {4}, 0.1f);
  HostTensor g = randomTensor(DType::F32, {4}, 3);
  expectErrorContaining(
      [&] {
        runKernel("adam", adamAttrs(config(0, false)),
                  {&s.param, &g, &s.m, &s.v, &s.step, &s.lr},
                  {&s.param, &s.m, &s.v}, 1);
      },
      "step must be >= 1");
}

} // namespace
