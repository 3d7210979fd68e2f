//===- SessionTest.cpp - Running an in-memory model end to end ------------===//
//
// The two-layer model of SessionTestModels.h is compared with a reference
// computed here from the session's own parameters (naive loops in double,
// Reference.h). Tolerance: each float layer is within (K + 2) u sum|w x| of
// exact (see LinearKernelTest.cpp): with K <= 8 and |w x| <= 1 that is
// <= 6e-6 per layer; GELU adds ~1e-6 and has slope <= 1.13, and the second
// layer sums 8 such errors with |w2| < 1.5, so 1e-4 bounds the output error
// with margin.
//
//===----------------------------------------------------------------------===//
#include "runtime/core/Session.h"
#include "SessionTestModels.h"
#include "runtime/kernels/cpu/Reference.h"

#include <gtest/gtest.h>

#include <cstring>
#include <random>

using namespace shodh;
using namespace shodh::testing;

namespace {

/// Fills the program's input with uniform values in [-1, 1).
void fillInput(Session &s, uint32_t seed) {
  TensorRef x = s.input("infer", 0);
  std::mt19937 gen(seed);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  for (int64_t i = 0; i < x.numel(); ++i)
    x.as<float>()[i] = u(gen);
}

/// A copy of the program's input (the arena reuses its memory during invoke).
std::vector<float> inputCopy(Session &s) {
  TensorRef x = s.input("infer", 0);
  return std::vector<float>(x.as<float>(), x.as<float>() + x.numel());
}

/// The model's output for input `xv` computed by the reference kernels from
/// the session's parameters.
std::vector<float> referenceOutput(Session &s, const std::vector<float> &xv,
                                   int64_t batch, const MlpSizes &z) {
  const float *x = xv.data();
  auto p = [&](int32_t id) { return s.persistent(id).as<float>(); };
  std::vector<float> h(size_t(batch * z.hidden * z.spatial)),
      y(size_t(batch * z.cout * z.spatial));
  reference::linear(x, p(kW1), p(kB1), h.data(), batch, z.cin, z.hidden,
                    z.spatial);
  for (float &v : h)
    v = float(reference::gelu(v, false));
  reference::linear(h.data(), p(kW2), p(kB2), y.data(), batch, z.hidden, z.cout,
                    z.spatial);
  return y;
}

/// Runs the model with `threads` threads on batch `batch` and returns y.
std::vector<float> runModel(const ModelDesc &m, int threads, int64_t batch) {
  Session s(m, SessionOptions{threads, Backend::Cpu});
  s.prepare("infer", {{"B", batch}});
  fillInput(s, 5);
  s.invoke("infer");
  TensorRef y = s.output("infer", 0);
  return std::vector<float>(y.as<float>(), y.as<float>() + y.numel());
}

TEST(Session, EndToEndMatchesReference) {
  ModelDesc m = mlpModel();
  MlpSizes z;
  Session s(m, SessionOptions{1, Backend::Cpu});
  s.prepare("infer", {{"B", 3}});
  fillInput(s, 1);
  std::vector<float> ref = referenceOutput(s, inputCopy(s), 3, z);
  s.invoke("infer");
  TensorRef y = s.output("infer", 0);
  EXPECT_EQ(y.shape, (std::vector<int64_t>{3, z.cout, z.spatial}));
  for (int64_t i = 0; i < y.numel(); ++i)
    EXPECT_NEAR(y.as<float>()[i], ref[i], 1e-4) << i;
}

TEST(Session, PersistentTensorsComeFromDataOrInitSpecs) {
  ModelDesc m = mlpModel();
  Session s(m, SessionOptions{});
  TensorRef b1 = s.persistent(kB1);
  for (int64_t o = 0; o < 8; ++o)
    EXPECT_EQ(b1.as<float>()[o], 0.05f * float(o) - 0.1f);
  std::vector<float> w1(32);
  initializeTensor(m.tensors[kW1].init, DType::F32, 32, w1.data(), "w1");
  EXPECT_EQ(std::memcmp(s.persistent(kW1).data, w1.data(), 32 * 4), 0);
  TensorRef b2 = s.persistent(kB2);
  EXPECT_EQ(b2.shape, (std::vector<int64_t>{3}));
  EXPECT_EQ(b2.as<float>()[2], 0.1f);
  for (int32_t id : {kW1, kB1, kW2, kB2})
    EXPECT_EQ(reinterpret_cast<uintptr_t>(s.persistent(id).data) % 64, 0u);
}

TEST(Session, ResultsAreBitIdenticalAcrossThreadCounts) {
  // S = 1100 spans three column blocks of the linear kernel; gelu's 5 * 8 *
  // 1100 elements span several chunks.
  ModelDesc m = mlpModel(MlpSizes{4, 8, 3, 1100});
  std::vector<float> y1 = runModel(m, 1, 5);
  for (int threads : {2, 3}) {
    std::vector<float> yt = runModel(m, threads, 5);
    ASSERT_EQ(yt.size(), y1.size());
    EXPECT_EQ(std::memcmp(yt.data(), y1.data(), y1.size() * 4), 0)
        << "threads " << threads;
  }
  EXPECT_EQ(runModel(m, 2, 5), runModel(m, 2, 5));
}

TEST(Session, PlanFollowsTheLifetimes) {
  // B = 3 (bytes, aligned to 64): x 240 -> 256, h1 480 -> 512, h2 480 -> 512,
  // y 180 -> 192. Greedy by size: h1 at 0; h2 (live with h1) at 512; x (live
  // with h1 only) at 512; y (live with h2 only) in the gap at 0.
  ModelDesc m = mlpModel();
  Session s(m, SessionOptions{});
  s.prepare("infer", {{"B", 3}});
  const MemoryPlan &plan = s.plan("infer");
  EXPECT_EQ(plan.peakBytes, 1024u);
  EXPECT_EQ(plan.naiveBytes, 256u + 512 + 512 + 192);
  auto base = static_cast<uint8_t *>(s.output("infer", 0).data);
  EXPECT_EQ(static_cast<uint8_t *>(s.input("infer", 0).data) - base, 512);
}

TEST(Session, InputsMayBeOverwrittenByInvoke) {
  // x is dead after call 0 and shares memory with h2 (see
  // PlanFollowsTheLifetimes): callers must refill inputs before every invoke.
  ModelDesc m = mlpModel();
  Session s(m, SessionOptions{});
  s.prepare("infer", {{"B", 3}});
  fillInput(s, 4);
  std::vector<float> before = inputCopy(s);
  s.invoke("infer");
  EXPECT_NE(inputCopy(s), before);
}

TEST(Session, RePrepareWithAnotherBatchSize) {
  ModelDesc m = mlpModel();
  MlpSizes z;
  Session s(m, SessionOptions{2, Backend::Cpu});
  s.prepare("infer", {{"B", 2}});
  s.prepare("infer", {{"B", 7}});
  EXPECT_EQ(s.input("infer", 0).shape,
            (std::vector<int64_t>{7, z.cin, z.spatial}));
  fillInput(s, 3);
  std::vector<float> ref = referenceOutput(s, inputCopy(s), 7, z);
  s.invoke("infer");
  TensorRef y = s.output("infer", 0);
  ASSERT_EQ(y.numel(), int64_t(ref.size()));
  for (int64_t i = 0; i < y.numel(); ++i)
    EXPECT_NEAR(y.as<float>()[i], ref[i], 1e-4) << i;
}

TEST(Session, ZeroBatchRuns) {
  ModelDesc m = mlpModel();
  Session s(m, SessionOptions{2, Backend::Cpu});
  s.prepare("infer", {{"B", 0}});
  EXPECT_NO_THROW(s.invoke("infer"));
  EXPECT_EQ(s.output("infer", 0).numel(), 0);
}

} // namespace
