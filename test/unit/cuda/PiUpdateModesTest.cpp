//===- PiUpdateModesTest.cpp - pi_update's device code, on the host -------===//
//
// Runs without a GPU: the update the CUDA pi_update kernel runs in its one
// thread (runtime/kernels/cuda/PiUpdateDevice.h), applied here step by step
// to its own state, against the CPU kernel run in place on host tensors
// over every run of PiUpdateCases.h: used, λ and the integral must agree
// bitwise at every step (the same double operations, no FMA). The runs are
// checked to reach both clamps with the integral frozen, an exact zero
// error and NaN measurements. Also: the cuda factory rejects bad calls with
// the CPU's messages.
//
//===----------------------------------------------------------------------===//
#include "PiUpdateCases.h"
#include "runtime/kernels/cuda/PiUpdateDevice.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

using namespace shodh;
using namespace shodh::cuda;
using namespace shodh::testing;

namespace {

/// The gains of `r`.
PiGains gainsOf(const PiRun &r) {
  return {r.setpoint, r.kp, r.ki, r.lambda0, r.lambdaMin, r.lambdaMax};
}

/// True if `a` and `b` have the same bits.
template <typename T> bool sameBits(T a, T b) {
  return std::memcmp(&a, &b, sizeof(T)) == 0;
}

/// Runs the `backend` factory of pi_update on static descriptions.
void createOn(Backend backend, std::vector<NamedAttr> attrs,
              const std::vector<TensorDesc> &ins,
              const std::vector<TensorDesc> &outs) {
  KernelCall call{"pi_update", {}, {}, std::move(attrs)};
  KernelSignature sig{&call, {}, {}, "program 'test', call 0 (pi_update)"};
  for (const TensorDesc &d : ins)
    sig.inputs.push_back(&d);
  for (const TensorDesc &d : outs)
    sig.outputs.push_back(&d);
  const KernelFactory *f = KernelRegistry::builtin().find("pi_update", backend);
  ASSERT_NE(f, nullptr);
  (*f)(sig);
}

/// A static description of a `dtype` tensor of `shape`.
TensorDesc desc(DType dtype, std::vector<int64_t> shape = {1}) {
  return HostTensor(dtype, std::move(shape)).desc("t");
}

} // namespace

TEST(CudaPiUpdateModes, DeviceStepMatchesTheCpuKernelBitwise) {
  int frozenAtMax = 0, frozenAtMin = 0, zeroError = 0, nans = 0, inside = 0;
  for (const PiRun &r : piRuns()) {
    const PiGains g = gainsOf(r);
    HostTensor lambda(DType::F32, {1}), integral(DType::F64, {1}),
        measured(DType::F32, {1}), used(DType::F32, {1});
    lambda.f32()[0] = r.lambda, integral.f64()[0] = r.integral;
    float devLambda = r.lambda, devUsed = 0.0f;
    double devIntegral = r.integral;
    for (size_t step = 0; step < r.measured.size(); ++step) {
      const float m = r.measured[step];
      const double before = integral.f64()[0];
      measured.f32()[0] = m;
      runKernel("pi_update", r.attrs(), {&lambda, &integral, &measured},
                {&used, &lambda, &integral}, 1);
      piUpdateApply(g, &devLambda, &devIntegral, &m, &devUsed, &devLambda,
                    &devIntegral);
      ASSERT_TRUE(sameBits(devUsed, used.f32()[0])) << r.name << " " << step;
      ASSERT_TRUE(sameBits(devLambda, lambda.f32()[0]))
          << r.name << " " << step;
      ASSERT_TRUE(sameBits(devIntegral, integral.f64()[0]))
          << r.name << " " << step;
      const double e = double(m) - r.setpoint;
      nans += std::isnan(m);
      zeroError += e == 0.0;
      frozenAtMax += e > 0 && before == devIntegral &&
                     double(devLambda) == double(float(r.lambdaMax));
      frozenAtMin += e < 0 && before == devIntegral &&
                     double(devLambda) == double(float(r.lambdaMin));
      inside +=
          devLambda > float(r.lambdaMin) && devLambda < float(r.lambdaMax);
    }
  }
  EXPECT_GT(frozenAtMax, 0);
  EXPECT_GT(frozenAtMin, 0);
  EXPECT_GT(zeroError, 0);
  EXPECT_GT(nans, 0);
  EXPECT_GT(inside, 0);
}

/// The run of PiUpdateCases.h named `name`.
const PiRun &runNamed(const std::string &name) {
  for (const PiRun &r : piRuns())
    if (r.name == name)
      return r;
  throw Error("no pi run " + name);
}

TEST(CudaPiUpdateModes, ExactlyAtAClampTheIntegralStays) {
  // Runs "at max" and "at min": u = lambda0 = a clamp on every step, so the
  // integral moves only with errors pointing back inside (the `>=` and
  // `<=` of the anti-windup test).
  for (const char *name : {"at max", "at min"}) {
    const PiRun &r = runNamed(name);
    const bool atMax = r.lambda0 == r.lambdaMax;
    const PiGains g = gainsOf(r);
    double lambda = r.lambda, integral = r.integral, sum = 0.0;
    for (float m : r.measured) {
      const PiState next = piLawStep(g, PiState{lambda, integral}, m);
      lambda = next.lambda, integral = next.integral;
      const double e = double(m) - r.setpoint;
      sum = (atMax ? e > 0 : e < 0) ? sum : sum + e;
      EXPECT_EQ(integral, sum) << name;
      EXPECT_EQ(lambda, r.lambda0) << name;
    }
  }
}

TEST(CudaPiUpdateModes, TheBoundaryStateFreezesTheIntegral) {
  // u rounds to exactly lambda_max only in the CPU's order of additions.
  const PiRun &r = runNamed("on the boundary");
  double lambda = r.lambda, integral = r.integral;
  const PiState next =
      piLawStep(gainsOf(r), PiState{lambda, integral}, r.measured[0]);
  lambda = next.lambda, integral = next.integral;
  EXPECT_EQ(integral, r.integral);
  EXPECT_EQ(lambda, 1.0);
}

TEST(CudaPiUpdateModes, FactoryRejectsBadCallsWithTheCpuMessages) {
  const PiRun &r = piRuns()[0];
  const std::vector<TensorDesc> ins{desc(DType::F32), desc(DType::F64),
                                    desc(DType::F32)},
      outs{desc(DType::F32), desc(DType::F32), desc(DType::F64)};
  struct Bad {
    std::vector<NamedAttr> attrs;
    std::vector<TensorDesc> ins, outs;
  };
  auto withAttr = [&](const char *name, AttrValue v) {
    std::vector<NamedAttr> a = r.attrs();
    for (NamedAttr &n : a)
      if (n.name == name)
        n.value = v;
    return a;
  };
  std::vector<NamedAttr> missing = r.attrs();
  missing.pop_back();
  const std::vector<Bad> bad = {
      {r.attrs(), {ins[0], desc(DType::F32), ins[2]}, outs},
      {r.attrs(), ins, {outs[0], outs[1], desc(DType::F32)}},
      {r.attrs(), {ins[0], ins[1], desc(DType::F32, {2})}, outs},
      {r.attrs(), {ins[0], ins[1]}, outs},
      {withAttr("kp", -1.0), ins, outs},
      {withAttr("ki", -0.5), ins, outs},
      {withAttr("lambda_min", 2.0), ins, outs},
      {withAttr("setpoint", std::nan("")), ins, outs},
      {withAttr("lambda_max", HUGE_VAL), ins, outs},
      {missing, ins, outs},
  };
  for (const Bad &b : bad) {
    const std::string cpu =
        messageOf([&] { createOn(Backend::Cpu, b.attrs, b.ins, b.outs); });
    ASSERT_FALSE(cpu.empty()) << "the CPU accepted a bad call";
    EXPECT_EQ(
        messageOf([&] { createOn(Backend::Cuda, b.attrs, b.ins, b.outs); }),
        cpu);
  }
  EXPECT_EQ(messageOf([&] { createOn(Backend::Cuda, r.attrs(), ins, outs); }),
            "");
  // [] is accepted like [1].
  EXPECT_EQ(messageOf([&] {
              createOn(Backend::Cuda, r.attrs(),
                       {desc(DType::F32, {}), ins[1], ins[2]}, outs);
            }),
            "");
}
