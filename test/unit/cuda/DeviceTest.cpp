//===- DeviceTest.cpp - Device layer and backend errors (no GPU needed) ---===//
//
// These run on every machine: without a device (or without the CUDA
// backend) they check the messages; with one, that the device works.
//
//===----------------------------------------------------------------------===//
#include "../runtime/CpuKernelHarness.h"
#include "../runtime/SessionTestModels.h"
#include "runtime/core/CudaRuntime.h"
#include "runtime/core/Device.h"
#include "runtime/core/KernelInstantiation.h"
#include "runtime/core/Session.h"

#include <gtest/gtest.h>

#include <vector>

using namespace shodh;
using namespace shodh::testing;

#ifdef SHODH_HAVE_CUDA
extern "C" const shodh::CudaRuntime *
SHODH_CUDA_RUNTIME_ENTRY(int abi, const char *buildId);
#endif

namespace {

#ifdef SHODH_HAVE_CUDA
// cuda_test links the backend in (CudaRuntime.h): the loader finds it with
// this build's identity; another build's identity or no identity is
// refused, as the loader refuses a plugin from another build.
TEST(CudaRuntimeEntry, LinkedInAndRefusesAnotherBuild) {
  EXPECT_TRUE(cudaRuntimeLinkedIn());
  std::string why;
  EXPECT_NE(loadCudaRuntime(why), nullptr) << why;
  EXPECT_EQ(SHODH_CUDA_RUNTIME_ENTRY(kCudaRuntimeAbi, "0123456789abcdef"),
            nullptr);
  EXPECT_EQ(SHODH_CUDA_RUNTIME_ENTRY(kCudaRuntimeAbi, nullptr), nullptr);
}
#endif

TEST(Device, ProbeExplainsAMissingDevice) {
  CudaProbe probe = probeCuda();
  if (probe.devices > 0) {
    EXPECT_TRUE(probe.reason.empty());
    return;
  }
  EXPECT_FALSE(probe.reason.empty());
  if (!cudaCompiledIn()) {
    EXPECT_NE(probe.reason.find("no CUDA backend"), std::string::npos);
  }
}

TEST(Device, RequireNamesTheCaller) {
  CudaProbe probe = probeCuda();
  if (probe.devices == 0) {
    expectErrorContaining([] { requireCudaDevice("--device cuda"); },
                          "--device cuda: no CUDA device is available: ");
  } else {
    expectErrorContaining([&] { requireCudaDevice("x", probe.devices); },
                          "does not exist");
  }
}

TEST(Device, SessionOnCudaWithoutDeviceFailsClearly) {
  if (probeCuda().devices > 0)
    GTEST_SKIP() << "a CUDA device is present (the error path needs none)";
  ModelDesc m = mlpModel();
  expectErrorContaining(
      [&] { Session s(m, SessionOptions{1, Backend::Cuda}); },
      cudaCompiledIn() ? "backend cuda: no CUDA device is available"
                       : "no kernels are registered for backend cuda");
}

TEST(Device, BuffersRoundTrip) {
  if (probeCuda().devices == 0)
    GTEST_SKIP() << "no CUDA device: " << probeCuda().reason;
  Device dev(0);
  EXPECT_FALSE(dev.description().empty());
  std::vector<float> host = {1, 2, 3, 4, 5}, back(5, -1);
  DeviceBuffer buf(host.size() * 4, dev);
  std::vector<float> zeros(5, -1);
  buf.download(zeros.data(), 20, dev);
  EXPECT_EQ(zeros, std::vector<float>(5, 0.0f)); // zero-filled
  buf.upload(host.data(), 20, dev);
  buf.download(back.data(), 20, dev);
  EXPECT_EQ(back, host);
  expectErrorContaining([&] { buf.upload(host.data(), 24, dev); },
                        "exceeds the buffer of 20 bytes");
  DeviceBuffer moved = std::move(buf);
  EXPECT_TRUE(buf.empty());
  EXPECT_EQ(moved.size(), 20u);
}

// ---- Backend coverage (pure: a registry of our own) -----------------------

std::unique_ptr<Kernel> nullFactory(const KernelSignature &) {
  struct Nop : Kernel {
    void run(const std::vector<TensorRef> &, const std::vector<TensorRef> &,
             KernelContext &) override {}
  };
  return std::make_unique<Nop>();
}

TEST(BackendCoverage, ListsEveryMissingKernelWithItsCalls) {
  KernelRegistry r;
  for (const char *k : {"linear", "gelu", "rfft", "spectral_conv"})
    r.add(k, Backend::Cpu, nullFactory);
  r.add("linear", Backend::Cuda, nullFactory);
  ProgramDesc p{"train_step", {}, {}, {}, {}};
  for (const char *k : {"linear", "rfft", "spectral_conv", "gelu", "rfft"})
    p.calls.push_back(KernelCall{k, {}, {}, {}});
  expectErrorContaining(
      [&] { checkBackendCoverage(p, Backend::Cuda, r); },
      "program 'train_step': backend cuda has no implementation of 3 kernels "
      "it uses: gelu (call 3); rfft (calls 1, 4); spectral_conv (call 2); run "
      "it on the CPU backend (--device cpu)");
}

TEST(BackendCoverage, NamesTheMissingKernelsOfEveryProgram) {
  KernelRegistry r;
  for (const char *k : {"linear", "expert_x", "expert_x_grad"})
    r.add(k, Backend::Cpu, nullFactory);
  r.add("linear", Backend::Cuda, nullFactory);
  ModelDesc m;
  m.programs.push_back(ProgramDesc{"infer", {}, {}, {}, {}});
  m.programs[0].calls.push_back(KernelCall{"expert_x", {}, {}, {}});
  m.programs.push_back(ProgramDesc{"train_step", {}, {}, {}, {}});
  for (const char *k : {"linear", "expert_x", "expert_x_grad"})
    m.programs[1].calls.push_back(KernelCall{k, {}, {}, {}});
  expectErrorContaining(
      [&] { checkBackendCoverage(m, Backend::Cuda, r); },
      "2 programs cannot run on backend cuda:\n  program 'infer': backend "
      "cuda has no implementation of 1 kernel it uses: expert_x (call 0); "
      "run it on the CPU backend (--device cpu) or see docs/cuda.md for the "
      "kernels each backend has\n  program 'train_step': backend cuda has no "
      "implementation of 2 kernels it uses: expert_x (call 1); expert_x_grad "
      "(call 2);");
  m.programs.erase(m.programs.begin()); // one program: its message alone
  expectErrorContaining([&] { checkBackendCoverage(m, Backend::Cuda, r); },
                        "program 'train_step': backend cuda has no "
                        "implementation of 2 kernels");
}

TEST(BackendCoverage, UnknownEverywhereKeepsTheOldMessage) {
  KernelRegistry r;
  r.add("linear", Backend::Cpu, nullFactory);
  r.add("linear", Backend::Cuda, nullFactory);
  ProgramDesc p{"infer", {}, {}, {}, {}};
  p.calls.push_back(KernelCall{"linear", {}, {}, {}});
  p.calls.push_back(KernelCall{"foo", {}, {}, {}});
  expectErrorContaining([&] { checkBackendCoverage(p, Backend::Cuda, r); },
                        "program 'infer', call 1: unknown kernel 'foo' for "
                        "backend cuda (known: linear)");
}

TEST(BackendCoverage, CudaRegistryMatchesTheBuild) {
  std::vector<std::string> names = KernelRegistry::builtin().names(Backend::Cuda);
  if (!cudaCompiledIn()) {
    EXPECT_TRUE(names.empty());
    return;
  }
  // Every cuda kernel has a CPU counterpart (they share its validation).
  for (const std::string &n : names)
    EXPECT_NE(KernelRegistry::builtin().find(n, Backend::Cpu), nullptr) << n;
  for (const char *k : {"add", "adam", "gelu", "linear", "mse_loss"})
    EXPECT_NE(KernelRegistry::builtin().find(k, Backend::Cuda), nullptr) << k;
}

} // namespace
