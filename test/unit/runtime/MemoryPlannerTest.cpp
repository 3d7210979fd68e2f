//===- MemoryPlannerTest.cpp - Greedy-by-size arena planning --------------===//
//
// Properties checked on random problems (sizes, live ranges) over many seeds:
// buffers live at the same call never overlap in memory, every offset is
// aligned, and the peak never exceeds the naive sum. A hand-worked example
// pins the exact offsets of the documented algorithm.
//
//===----------------------------------------------------------------------===//
#include "runtime/core/MemoryPlanner.h"
#include "runtime/support/Status.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>

using namespace shodh;

namespace {

/// Random buffers over `calls` calls: sizes in [0, maxSize], ranges inside [0,
/// calls).
std::vector<BufferRequest> randomRequests(uint32_t seed, int count, int calls,
                                          uint64_t maxSize) {
  std::mt19937 gen(seed);
  std::uniform_int_distribution<uint64_t> size(0, maxSize);
  std::uniform_int_distribution<int> call(0, calls - 1);
  std::vector<BufferRequest> reqs;
  for (int i = 0; i < count; ++i) {
    int a = call(gen), b = call(gen);
    reqs.push_back(BufferRequest{i, size(gen), std::min(a, b), std::max(a, b)});
  }
  return reqs;
}

/// Checks the three properties of a plan.
void checkPlan(const std::vector<BufferRequest> &reqs, const MemoryPlan &plan,
               uint64_t align) {
  ASSERT_EQ(plan.offsets.size(), reqs.size());
  EXPECT_LE(plan.peakBytes, plan.naiveBytes);
  for (size_t i = 0; i < reqs.size(); ++i) {
    EXPECT_EQ(plan.offsets[i] % align, 0u) << "buffer " << i;
    EXPECT_LE(plan.offsets[i] + reqs[i].size, plan.peakBytes) << "buffer " << i;
    for (size_t j = i + 1; j < reqs.size(); ++j) {
      bool liveTogether =
          reqs[i].first <= reqs[j].last && reqs[j].first <= reqs[i].last;
      bool disjoint = plan.offsets[i] + reqs[i].size <= plan.offsets[j] ||
                      plan.offsets[j] + reqs[j].size <= plan.offsets[i];
      if (liveTogether && reqs[i].size > 0 && reqs[j].size > 0) {
        EXPECT_TRUE(disjoint) << "buffers " << i << " and " << j << " overlap";
      }
    }
  }
}

TEST(MemoryPlanner, RandomProblemsNeverOverlapLiveBuffers) {
  for (uint32_t seed = 0; seed < 300; ++seed) {
    uint64_t align = uint64_t(1) << (seed % 8); // 1 .. 128
    auto reqs =
        randomRequests(seed, 1 + int(seed % 40), 1 + int(seed % 17), 5000);
    MemoryPlan plan = planMemory(reqs, align);
    checkPlan(reqs, plan, align);
    if (::testing::Test::HasFailure())
      FAIL() << "seed " << seed;
  }
}

TEST(MemoryPlanner, HandExampleHasExactOffsets) {
  // Placement order by size: B(200), A(100), D(64), C(50). Aligned to 64:
  //   B -> 0 (256 bytes); A is live with B at call 1 -> after B: 256;
  //   D [0,0] is live with A only (A at 256): gap [0, 256) fits -> 0;
  //   C [2,3] is live with B only (B at 0) -> 256.
  std::vector<BufferRequest> reqs = {
      {0, 100, 0, 1}, // A
      {1, 200, 1, 2}, // B
      {2, 50, 2, 3},  // C
      {3, 64, 0, 0},  // D
  };
  MemoryPlan plan = planMemory(reqs, 64);
  EXPECT_EQ(plan.offsets, (std::vector<uint64_t>{256, 0, 256, 0}));
  EXPECT_EQ(plan.peakBytes, 384u);
  EXPECT_EQ(plan.naiveBytes, 128u + 256u + 64u + 64u);
}

TEST(MemoryPlanner, TiesPlaceEarlierFirstUseThenLowerIdFirst) {
  // Equal sizes, all live together: order is by first use, then id.
  std::vector<BufferRequest> reqs = {
      {5, 64, 1, 3}, {2, 64, 0, 3}, {1, 64, 1, 3}};
  MemoryPlan plan = planMemory(reqs, 64);
  EXPECT_EQ(plan.offsets, (std::vector<uint64_t>{128, 0, 64}));
}

TEST(MemoryPlanner, DisjointLifetimesShareMemory) {
  std::vector<BufferRequest> reqs = {
      {0, 1000, 0, 0}, {1, 1000, 1, 1}, {2, 1000, 2, 2}};
  MemoryPlan plan = planMemory(reqs, 64);
  EXPECT_EQ(plan.offsets, (std::vector<uint64_t>{0, 0, 0}));
  EXPECT_EQ(plan.peakBytes, 1024u);
  EXPECT_EQ(plan.naiveBytes, 3072u);
}

TEST(MemoryPlanner, EmptyAndZeroSizedRequests) {
  EXPECT_EQ(planMemory({}, 64).peakBytes, 0u);
  MemoryPlan plan = planMemory({{0, 0, 0, 5}, {1, 10, 0, 5}}, 64);
  EXPECT_EQ(plan.peakBytes, 64u);
}

TEST(MemoryPlanner, RejectsBadAlignmentAndOverflow) {
  EXPECT_THROW(planMemory({{0, 8, 0, 0}}, 48), Error);
  EXPECT_THROW(planMemory({{0, 8, 0, 0}}, 0), Error);
  EXPECT_THROW(planMemory({{0, UINT64_MAX - 10, 0, 0}}, 64), Error);
  uint64_t half = uint64_t(1) << 63;
  EXPECT_THROW(planMemory({{0, half, 0, 1}, {1, half, 0, 1}}, 64), Error);
}

} // namespace
