//===- MemoryGuardTest.cpp - Memory detection, limits and call profiles ---===//
#include "CpuKernelHarness.h"
#include "SessionTestModels.h"
#include "runtime/core/MemoryInfo.h"
#include "runtime/core/Session.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <numeric>
#include <unistd.h>

using namespace shodh;
using namespace shodh::testing;

namespace {

/// A file in a fresh temporary folder, removed with the object.
class TempFile {
public:
  TempFile(const std::string &name, const std::string &content) {
    char dir[] = "/tmp/shodh-memtest-XXXXXX";
    dir_ = mkdtemp(dir);
    path_ = dir_ + "/" + name;
    std::ofstream(path_) << content;
  }
  ~TempFile() {
    std::remove(path_.c_str());
    rmdir(dir_.c_str());
  }
  const std::string &path() const { return path_; }

private:
  std::string dir_, path_;
};

TEST(MemoryInfo, ParsesKiBFields) {
  std::string status = "Name:\tx\nVmHWM:\t    2164 kB\nVmRSS:\t  1234 kB\n";
  EXPECT_EQ(parseKiBField(status, "VmRSS"), 1234u);
  EXPECT_EQ(parseKiBField(status, "VmHWM"), 2164u);
  EXPECT_FALSE(parseKiBField(status, "VmSwap"));
  EXPECT_FALSE(parseKiBField(status, "RSS")); // not at a line start
  EXPECT_FALSE(parseKiBField("VmRSS: abc kB\n", "VmRSS"));
  EXPECT_FALSE(parseKiBField("VmRSS: 12\n", "VmRSS"));
  EXPECT_FALSE(parseKiBField("VmRSS: 99999999999999999999999 kB\n", "VmRSS"));
}

TEST(MemoryInfo, ParsesCgroupLimits) {
  EXPECT_EQ(parseCgroupLimit("1073741824\n"), 1073741824u);
  EXPECT_FALSE(parseCgroupLimit("max\n"));
  EXPECT_FALSE(parseCgroupLimit("9223372036854771712\n")); // v1 "unlimited"
  EXPECT_FALSE(parseCgroupLimit(""));
}

TEST(MemoryInfo, BudgetIsTheSmallerOfMemAvailableAndTheCgroupLimit) {
  TempFile meminfo("meminfo", "MemTotal: 8192 kB\nMemAvailable:    2048 kB\n");
  TempFile unlimited("memory.max", "max\n");
  TempFile limited("memory.max", "1048576\n");
  std::optional<MemoryBudget> b =
      detectMemoryBudget(100, meminfo.path(), unlimited.path(), "/nonexistent");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->bytes, 2048u * 1024 + 100); // plus what the session holds
  EXPECT_NE(b->source.find("MemAvailable"), std::string::npos);
  b = detectMemoryBudget(100, meminfo.path(), limited.path(), "/nonexistent");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->bytes, 1048576u);
  EXPECT_EQ(b->source, "cgroup limit in " + limited.path());
  b = detectMemoryBudget(0, "/nonexistent", "/nonexistent", limited.path());
  ASSERT_TRUE(b);
  EXPECT_EQ(b->bytes, 1048576u); // cgroup v1 only
  EXPECT_FALSE(
      detectMemoryBudget(0, "/nonexistent", "/nonexistent", "/nonexistent"));
  EXPECT_TRUE(detectMemoryBudget(0)); // this machine: Linux
  EXPECT_GT(procStatusKiB("VmRSS").value_or(0), 0u);
}

TEST(MemoryInfo, RefusalNamesEveryFigure) {
  MemoryDemand d{"train_step", {{"B", 4096}}, 300u << 20, 20u << 20, 0};
  MemoryBudget budget{256u << 20, "set by --memory-limit"};
  expectErrorContaining(
      [&] { checkMemoryFits(d, budget); },
      "program 'train_step' needs 320.0 MiB at B=4096 (arena 300.0 MiB "
      "planned + 20.0 MiB of parameters, state and constants) but only 256.0 "
      "MiB is available (set by --memory-limit); try a smaller --batch");
  d.otherArenaBytes = 1u << 20;
  expectErrorContaining([&] { checkMemoryFits(d, budget); },
                        "+ 1.0 MiB of other prepared programs)");
  d.arenaBytes = UINT64_MAX;
  expectErrorContaining([&] { checkMemoryFits(d, budget); },
                        "program 'train_step': the memory it needs overflows "
                        "64 bits");
  checkMemoryFits(MemoryDemand{"infer", {}, 10, 6, 0}, MemoryBudget{16, "x"});
}

/// Arena + persistent bytes of `infer` at `batch`, planned without a limit.
uint64_t plannedTotal(const ModelDesc &m, int64_t batch) {
  SessionOptions o;
  o.checkMemory = false;
  Session s(m, o);
  s.prepare("infer", {{"B", batch}});
  return s.plan("infer").peakBytes + s.persistentBytes();
}

TEST(MemoryGuard, PrepareRefusesAPlanOverTheLimitExactly) {
  ModelDesc m = mlpModel();
  uint64_t total = plannedTotal(m, 1000);
  // By hand: h1 and h2 [1000, 8, 5] f32 (160000 B each) are live together
  // at call 1; x (80000 B, live with h1) fits after h1 and y (60000 B, live
  // with h2) before h2, so the arena peaks at 320000 B. Persistent: w1 8x4,
  // b1 8, w2 3x8, b2 3 floats.
  ASSERT_EQ(total, 320000u + (32 + 8 + 24 + 3) * 4);
  SessionOptions o;
  o.memoryLimit = total;
  Session fits(m, o);
  fits.prepare("infer", {{"B", 1000}});
  o.memoryLimit = total - 1;
  Session over(m, o);
  expectErrorContaining(
      [&] {
        over.prepare("infer", {{"B", 1000}});
      },
      "program 'infer' needs 0.3 MiB at B=1000 (arena 0.3 MiB planned");
  expectErrorContaining([&] { over.invoke("infer"); }, "is not prepared");
  over.prepare("infer", {{"B", 10}}); // a smaller batch fits
}

TEST(MemoryGuard, DetectedLimitRefusesAHugeBatchBeforeAllocating) {
  ModelDesc m = mlpModel();
  Session s(m, SessionOptions{});
  // 2^45 samples x 8 x 5 floats: ~5 PiB, more than any machine has, but no
  // overflow: refused by the memory check, not by a failed allocation.
  expectErrorContaining(
      [&] {
        s.prepare("infer", {{"B", int64_t(1) << 45}});
      },
      "try a smaller --batch");
  s.prepare("infer", {{"B", 4}});
}

TEST(CallProfile, AccumulatesPerCallAndResets) {
  ModelDesc m = mlpModel();
  SessionOptions o;
  o.profile = true;
  Session s(m, o);
  s.prepare("infer", {{"B", 64}});
  for (int i = 0; i < 3; ++i)
    s.invoke("infer");
  const CallProfile &p = s.callProfile("infer");
  EXPECT_EQ(p.invocations, 3);
  ASSERT_EQ(p.seconds.size(), 3u);
  for (double t : p.seconds)
    EXPECT_GE(t, 0.0);
  EXPECT_GT(std::accumulate(p.seconds.begin(), p.seconds.end(), 0.0), 0.0);
  s.resetProfile("infer");
  EXPECT_EQ(s.callProfile("infer").invocations, 0);
  EXPECT_EQ(s.callProfile("infer").seconds, std::vector<double>(3, 0.0));
  Session plain(m, SessionOptions{});
  plain.prepare("infer", {{"B", 2}});
  expectErrorContaining([&] { plain.callProfile("infer"); },
                        "program 'infer': no call profile");
}

} // namespace
