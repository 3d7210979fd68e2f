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
// (2 numel independent reals), beta1 <= 0.5 (the other lerp form) with and
// without weight decay, thread-count independence.
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

TEST(Adam, SmallBeta1WithWeightDecayMatchesTheFormula) {
  // beta1 <= 0.5 (lerp weight 1 - beta1 >= 0.5: m = g - (g - m) f(1 - w))
  // with weight decay, Adam (L2 added to the gradient) and AdamW (the
  // parameter decayed first): four steps on 40003 reals (two chunks of
  // the pool, vector bodies and a remainder at every ISA level), bitwise
  // against the torch-order transcription and, within the tolerances of
  // the file comment, against the update written out in double here:
  //   Adam: g += wd p;  AdamW: p *= 1 - lr wd;
  //   m = beta1 m + (1 - beta1) g;  v = beta2 v + (1 - beta2) g^2;
  //   p -= lr / (1 - beta1^t) m / (sqrt(v) / sqrt(1 - beta2^t) + eps).
  const float lr = 0.01f;
  const int64_t n = 40003;
  for (bool decoupled : {false, true}) {
    ref::AdamConfig c = config(0.1, decoupled);
    c.beta1 = 0.3;
    const char *name = decoupled ? "adamw" : "adam_l2";
    AdamState s(DType::F32, {n}, lr);
    std::vector<float> p = floats(s.param), m(p.size()), v(p.size());
    std::vector<double> pd(p.begin(), p.end()), md(p.size()), vd(p.size());
    for (int64_t t = 1; t <= 4; ++t) {
      HostTensor g = randomTensor(DType::F32, {n}, uint32_t(200 + t));
      s.step_(c, g, 3);
      std::vector<float> gf = floats(g);
      ref::adamTorchStep(p, gf, m, v, c, t, lr);
      const double bc1 = 1.0 - std::pow(c.beta1, double(t));
      const double bc2 = 1.0 - std::pow(c.beta2, double(t));
      for (size_t j = 0; j < size_t(n); ++j) {
        double grad = gf[j];
        if (decoupled)
          pd[j] *= 1.0 - double(lr) * c.weightDecay;
        else
          grad += c.weightDecay * pd[j];
        md[j] = c.beta1 * md[j] + (1.0 - c.beta1) * grad;
        vd[j] = c.beta2 * vd[j] + (1.0 - c.beta2) * grad * grad;
        pd[j] -= double(lr) / bc1 * md[j] /
                 (std::sqrt(vd[j]) / std::sqrt(bc2) + c.eps);
        ASSERT_EQ(s.param.f32()[j], p[j])
            << name << " step " << t << " param " << j;
        ASSERT_EQ(s.m.f32()[j], m[j]) << name << " step " << t << " m " << j;
        ASSERT_EQ(s.v.f32()[j], v[j]) << name << " step " << t << " v " << j;
        ASSERT_NEAR(s.param.f32()[j], pd[j],
                    1e-6 * (lr + std::fabs(pd[j])) * double(t))
            << name << " step " << t << " param " << j;
        ASSERT_NEAR(s.m.f32()[j], md[j], 1e-6)
            << name << " step " << t << " m " << j;
        ASSERT_NEAR(s.v.f32()[j], vd[j], 1e-6 * std::fabs(vd[j]) + 1e-12)
            << name << " step " << t << " v " << j;
      }
    }
  }
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
