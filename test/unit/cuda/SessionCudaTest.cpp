//===- SessionCudaTest.cpp - A whole Session on the GPU vs the CPU --------===//
//
// The MLP of SessionTestModels.h run by a CPU and a CUDA session from the
// same inputs; and the host/device synchronisation of persistent tensors
// (a write through `persistent` reaches the device at the next invoke).
// Skipped without a device.
//
//===----------------------------------------------------------------------===//
#include "../runtime/SessionTestModels.h"
#include "CudaHarness.h"
#include "runtime/core/Session.h"

#include <gtest/gtest.h>

#include <cstring>

using namespace shodh;
using namespace shodh::testing;

namespace {

/// Runs infer with batch 6 on `backend` from deterministic inputs.
std::vector<float> inferMlp(const ModelDesc &m, Backend backend,
                            float scaleW2 = 1.0f) {
  Session s(m, SessionOptions{2, backend});
  if (scaleW2 != 1.0f) {
    TensorRef w2 = s.persistent(kW2);
    for (int64_t i = 0; i < w2.numel(); ++i)
      w2.as<float>()[i] *= scaleW2;
  }
  s.prepare("infer", {{"B", 6}});
  TensorRef x = s.input("infer", 0);
  for (int64_t i = 0; i < x.numel(); ++i)
    x.as<float>()[i] = float((i * 37) % 19) / 9.0f - 1.0f;
  s.invoke("infer");
  TensorRef y = s.output("infer", 0);
  return std::vector<float>(y.as<float>(), y.as<float>() + y.numel());
}

TEST(SessionCuda, MlpInferMatchesCpu) {
  SHODH_REQUIRE_CUDA_DEVICE();
  ModelDesc m = mlpModel();
  std::vector<float> cpu = inferMlp(m, Backend::Cpu),
                     gpu = inferMlp(m, Backend::Cuda);
  ASSERT_EQ(cpu.size(), gpu.size());
  for (size_t i = 0; i < cpu.size(); ++i)
    EXPECT_NEAR(gpu[i], cpu[i], 1e-5) << i;
}

TEST(SessionCuda, PersistentWritesReachTheDevice) {
  SHODH_REQUIRE_CUDA_DEVICE();
  ModelDesc m = mlpModel();
  std::vector<float> cpu = inferMlp(m, Backend::Cpu, 0.5f),
                     gpu = inferMlp(m, Backend::Cuda, 0.5f),
                     unscaled = inferMlp(m, Backend::Cuda);
  for (size_t i = 0; i < cpu.size(); ++i)
    EXPECT_NEAR(gpu[i], cpu[i], 1e-5) << i;
  EXPECT_NE(std::memcmp(gpu.data(), unscaled.data(), 4 * gpu.size()), 0);
}

TEST(SessionCuda, RepeatedInvokesAreBitIdentical) {
  SHODH_REQUIRE_CUDA_DEVICE();
  ModelDesc m = mlpModel();
  std::vector<float> a = inferMlp(m, Backend::Cuda), b = inferMlp(m, Backend::Cuda);
  EXPECT_EQ(std::memcmp(a.data(), b.data(), 4 * a.size()), 0);
}

TEST(SessionCuda, CheckNumericsIsRefused) {
  SHODH_REQUIRE_CUDA_DEVICE();
  ModelDesc m = mlpModel();
  SessionOptions o{1, Backend::Cuda};
  o.checkNumerics = true;
  expectErrorContaining([&] { Session s(m, o); },
                        "checkNumerics (--check-numerics) is not available "
                        "on backend cuda");
}

} // namespace
