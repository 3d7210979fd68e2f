//===- SizeOverflowTest.cpp - Tensor sizes that overflow int64 or size_t --===//
//
// Every size computation on the way from a model to memory is checked:
// shape products (byteSize), batch binding (B x per-sample elements x
// element size), persistent tensors, planned offsets and allocation. Each
// case below would wrap around without the checks and allocate a tiny
// buffer that kernels then overrun.
//
//===----------------------------------------------------------------------===//
#include "CpuKernelHarness.h"
#include "SessionTestModels.h"
#include "runtime/core/AlignedBuffer.h"
#include "runtime/core/MemoryPlanner.h"
#include "runtime/core/Session.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

using namespace shodh;
using namespace shodh::testing;

namespace {

constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();

TEST(SizeOverflow, ShapeProducts) {
  // 4 * 2^31 * 2^31 = 2^64: wraps to 0 in uint64_t.
  expectErrorContaining(
      [] {
        byteSize(DType::F32, {int64_t(1) << 31, int64_t(1) << 31}, "t");
      },
      "t: size in bytes overflows 64 bits");
  // 8 * 2^30 * 2^30 = 2^63: fits uint64_t but not int64_t (numel() * size
  // in kernels is signed).
  expectErrorContaining(
      [] {
        byteSize(DType::C64, {int64_t(1) << 30, int64_t(1) << 30}, "c");
      },
      "c: size in bytes overflows 64 bits");
  expectErrorContaining([] { byteSize(DType::F32, {kInt64Max}, "m"); },
                        "overflows 64 bits");
  expectErrorContaining(
      [] {
        byteSize(DType::F32, {3, -1}, "n");
      },
      "n: negative dimension -1");
  EXPECT_EQ(byteSize(DType::F32, {int64_t(1) << 30, int64_t(1) << 30}, "ok"),
            uint64_t(1) << 62);
  EXPECT_EQ(byteSize(DType::F64, {0, kInt64Max, kInt64Max}, "empty"), 0u);
}

TEST(SizeOverflow, BatchBinding) {
  // [B, 2^20, 2^4] f32 with B = 2^40: 2^40 * 2^24 * 4 = 2^66 bytes.
  TensorDesc t = describe(
      "big", {Dim::named("B"), Dim::fixed(int64_t(1) << 20), Dim::fixed(16)},
      TensorRole::Activation);
  expectErrorContaining(
      [&] {
        bindShape(t, {{"B", int64_t(1) << 40}});
      },
      "tensor 'big': size in bytes overflows 64 bits");
  EXPECT_EQ(bindShape(t, {{"B", 2}}),
            (std::vector<int64_t>{2, int64_t(1) << 20, 16}));
  // Through Session::prepare: x [B, 4, 2^40] * 4 bytes overflows at B = 2^21.
  MlpSizes sizes;
  sizes.spatial = int64_t(1) << 40;
  ModelDesc m = mlpModel(sizes);
  Session s(m, SessionOptions{});
  expectErrorContaining(
      [&] {
        s.prepare("infer", {{"B", int64_t(1) << 21}});
      },
      "tensor 'x': size in bytes overflows 64 bits");
  expectErrorContaining(
      [&] {
        s.prepare("infer", {{"B", kInt64Max}});
      },
      "overflows 64 bits");
}

TEST(SizeOverflow, PersistentTensors) {
  ModelDesc m = mlpModel();
  m.tensors[kW2].shape = {Dim::fixed(int64_t(1) << 40),
                          Dim::fixed(int64_t(1) << 40)};
  m.programs.clear();
  expectErrorContaining([&] { Session s(m, SessionOptions{}); },
                        "tensor 'w2': size in bytes overflows 64 bits");
}

TEST(SizeOverflow, PlannedOffsetsAndTotals) {
  const uint64_t half = (uint64_t(1) << 63);
  // Two live-together buffers of 2^63 bytes: the second ends at 2^64.
  std::vector<BufferRequest> live = {{0, half, 0, 1}, {1, half, 0, 1}};
  expectErrorContaining([&] { planMemory(live); },
                        "memory plan: total size overflows 64 bits");
  // Not live together, the offsets are fine but the naive sum still wraps.
  std::vector<BufferRequest> apart = {{0, half, 0, 0}, {1, half, 1, 1}};
  expectErrorContaining([&] { planMemory(apart); }, "overflows 64 bits");
  // Rounding UINT64_MAX up to the alignment overflows.
  expectErrorContaining(
      [] {
        planMemory({{0, std::numeric_limits<uint64_t>::max(), 0, 0}});
      },
      "memory plan: aligned buffer size overflows 64 bits");
}

TEST(SizeOverflow, Allocation) {
  expectErrorContaining(
      [] { AlignedBuffer b(std::numeric_limits<uint64_t>::max()); },
      "size overflows");
  // (A huge but representable size is refused by Session::prepare's memory
  // check before allocating: MemoryGuardTest. Asking malloc for it here
  // would abort under AddressSanitizer.)
}

} // namespace
