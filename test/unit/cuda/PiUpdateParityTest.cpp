//===- PiUpdateParityTest.cpp - CUDA pi_update vs the CPU -----------------===//
//
// Every run of PiUpdateCases.h (both clamps, anti-windup, NaNs, an exact
// zero error) on a GPU against the CPU kernel, step by step, as a compiled
// train_step uses it: one kernel object, the state tensors (λ f32,
// integral f64) in device memory updated in place. Tolerance: bitwise
// (one thread runs the CPU's double operations in order with
// --fmad=false; PiUpdateModesTest.cpp checks the same code on the host).
// Two ways: all steps enqueued with no synchronisation (each step's
// measurement and `used` in device arrays, the state read back once at
// the end: it never leaves the device), and the state read back after
// every step. Skipped without a device.
//
//===----------------------------------------------------------------------===//
#include "CudaHarness.h"
#include "PiUpdateCases.h"

#include <gtest/gtest.h>

#include <cstring>

using namespace shodh;
using namespace shodh::testing;

namespace {

/// What the CPU kernel produces over run `r`: used per step, then the state.
struct CpuTrace {
  std::vector<float> used, lambda;
  std::vector<double> integral;
};

CpuTrace cpuTrace(const PiRun &r) {
  CpuTrace t;
  HostTensor lambda(DType::F32, {1}), integral(DType::F64, {1}),
      measured(DType::F32, {1}), used(DType::F32, {1});
  lambda.f32()[0] = r.lambda, integral.f64()[0] = r.integral;
  for (float m : r.measured) {
    measured.f32()[0] = m;
    runKernel("pi_update", r.attrs(), {&lambda, &integral, &measured},
              {&used, &lambda, &integral}, 1);
    t.used.push_back(used.f32()[0]);
    t.lambda.push_back(lambda.f32()[0]);
    t.integral.push_back(integral.f64()[0]);
  }
  return t;
}

/// One pi_update kernel on `device` with its state in device memory.
class DeviceController {
public:
  DeviceController(const PiRun &r, Device &device)
      : device_(device), call_{"pi_update", {}, {}, r.attrs()},
        descs_{HostTensor(DType::F32, {1}).desc("lambda"),
               HostTensor(DType::F64, {1}).desc("integral"),
               HostTensor(DType::F32, {1}).desc("measured"),
               HostTensor(DType::F32, {1}).desc("used")},
        lambda_(sizeof(float), device), integral_(sizeof(double), device) {
    KernelSignature sig{&call_,
                        {&descs_[0], &descs_[1], &descs_[2]},
                        {&descs_[3], &descs_[0], &descs_[1]},
                        "program 'test', call 0 (pi_update)"};
    kernel_ =
        (*KernelRegistry::builtin().find("pi_update", Backend::Cuda))(sig);
    lambda_.upload(&r.lambda, sizeof(float), device);
    integral_.upload(&r.integral, sizeof(double), device);
  }

  /// Enqueues one step reading `measured` and writing `used` (device
  /// pointers to one float each); the state is updated in place.
  void step(float *measured, float *used) {
    std::vector<TensorRef> ins{{DType::F32, {1}, lambda_.data()},
                               {DType::F64, {1}, integral_.data()},
                               {DType::F32, {1}, measured}},
        outs{{DType::F32, {1}, used},
             {DType::F32, {1}, lambda_.data()},
             {DType::F64, {1}, integral_.data()}};
    KernelContext ctx{nullptr, &device_};
    kernel_->prepare(ins, outs, ctx);
    kernel_->run(ins, outs, ctx);
  }

  /// The state, read back.
  void state(float &lambda, double &integral) {
    lambda_.download(&lambda, sizeof(float), device_);
    integral_.download(&integral, sizeof(double), device_);
  }

private:
  Device &device_;
  KernelCall call_;
  TensorDesc descs_[4];
  DeviceBuffer lambda_, integral_;
  std::unique_ptr<Kernel> kernel_;
};

/// True if `a` and `b` have the same bits.
template <typename T> bool sameBits(T a, T b) {
  return std::memcmp(&a, &b, sizeof(T)) == 0;
}

} // namespace

TEST(CudaPiUpdateParity, StateStaysOnTheDeviceAndMatchesTheCpu) {
  SHODH_REQUIRE_CUDA_DEVICE();
  Device device(0);
  for (const PiRun &r : piRuns()) {
    const CpuTrace want = cpuTrace(r);
    const size_t n = r.measured.size();
    DeviceBuffer measured(sizeof(float) * n, device),
        used(sizeof(float) * n, device);
    measured.upload(r.measured.data(), sizeof(float) * n, device);
    DeviceController pi(r, device);
    for (size_t s = 0; s < n; ++s)
      pi.step(reinterpret_cast<float *>(measured.data()) + s,
              reinterpret_cast<float *>(used.data()) + s);
    std::vector<float> gotUsed(n);
    used.download(gotUsed.data(), sizeof(float) * n, device);
    float lambda = 0;
    double integral = 0;
    pi.state(lambda, integral);
    for (size_t s = 0; s < n; ++s)
      ASSERT_TRUE(sameBits(gotUsed[s], want.used[s])) << r.name << " " << s;
    EXPECT_TRUE(sameBits(lambda, want.lambda.back())) << r.name;
    EXPECT_TRUE(sameBits(integral, want.integral.back())) << r.name;
  }
}

TEST(CudaPiUpdateParity, EveryStepMatchesTheCpu) {
  SHODH_REQUIRE_CUDA_DEVICE();
  Device device(0);
  for (const PiRun &r : piRuns()) {
    const CpuTrace want = cpuTrace(r);
    DeviceBuffer measured(sizeof(float), device), used(sizeof(float), device);
    DeviceController pi(r, device);
    for (size_t s = 0; s < r.measured.size(); ++s) {
      measured.upload(&r.measured[s], sizeof(float), device);
      pi.step(reinterpret_cast<float *>(measured.data()),
              reinterpret_cast<float *>(used.data()));
      float u = 0, lambda = 0;
      double integral = 0;
      used.download(&u, sizeof(float), device);
      pi.state(lambda, integral);
      ASSERT_TRUE(sameBits(u, want.used[s])) << r.name << " " << s;
      ASSERT_TRUE(sameBits(lambda, want.lambda[s])) << r.name << " " << s;
      ASSERT_TRUE(sameBits(integral, want.integral[s])) << r.name << " " << s;
    }
  }
}
