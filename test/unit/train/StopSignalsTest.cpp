//===- StopSignalsTest.cpp - Signals that end a training run --------------===//
//
// tools/shodh-run/StopSignals.h in forked children (gtest death tests), so
// the handlers and the signals never touch the test process: the first stop
// signal is recorded, repeats are absorbed (timeout and srun deliver one
// twice), a second Ctrl-C 0.2 s later ends the process at once, SIGHUP
// ignored by nohup stays ignored, an ignored SIGINT (background job) is
// caught.
//
//===----------------------------------------------------------------------===//
#include "tools/shodh-run/StopSignals.h"

#include <gtest/gtest.h>

#include <csignal>
#include <cstdlib>
#include <unistd.h>

using namespace shodh;

namespace {

/// Exits 0 if `ok`, else 1 (the child's verdict).
[[noreturn]] void verdict(bool ok) { std::_Exit(ok ? 0 : 1); }

/// Death tests re-run the binary for the child: earlier tests of this binary
/// leave threads (OpenBLAS, thread pools), and fork() copies only one.
class StopSignalsDeathTest : public ::testing::Test {
protected:
  void SetUp() override { GTEST_FLAG_SET(death_test_style, "threadsafe"); }
};

TEST_F(StopSignalsDeathTest, FirstIsRecordedAndRepeatsAreAbsorbed) {
  EXPECT_EXIT(
      {
        catchStopSignals();
        bool none = stopSignal() == 0;
        std::raise(SIGTERM);
        bool term = stopSignal() == SIGTERM;
        std::raise(SIGTERM); // timeout: to the child, then to its group
        std::raise(SIGUSR1);
        std::raise(SIGINT); // within 0.2 s: the same press twice
        verdict(none && term && stopSignal() == SIGTERM);
      },
      ::testing::ExitedWithCode(0), "");
}

TEST_F(StopSignalsDeathTest, ASecondCtrlCLaterEndsAtOnce) {
  EXPECT_EXIT(
      {
        catchStopSignals();
        std::raise(SIGINT);
        ::usleep(300'000);
        std::raise(SIGINT);
        verdict(false); // not reached
      },
      ::testing::KilledBySignal(SIGINT), "");
  // A later SIGTERM (SLURM's time limit after its SIGUSR1 notice) does not.
  EXPECT_EXIT(
      {
        catchStopSignals();
        std::raise(SIGUSR1);
        ::usleep(300'000);
        std::raise(SIGTERM);
        verdict(stopSignal() == SIGUSR1);
      },
      ::testing::ExitedWithCode(0), "");
}

TEST_F(StopSignalsDeathTest, EndBySignalEndsWithIt) {
  EXPECT_EXIT(endBySignal(SIGTERM), ::testing::KilledBySignal(SIGTERM), "");
}

TEST_F(StopSignalsDeathTest, IgnoredHupStaysIgnoredIgnoredIntIsCaught) {
  EXPECT_EXIT(
      {
        std::signal(SIGHUP, SIG_IGN); // nohup
        std::signal(SIGINT, SIG_IGN); // a shell's background job
        catchStopSignals();
        std::raise(SIGHUP);
        bool hupIgnored = stopSignal() == 0;
        std::raise(SIGINT);
        verdict(hupIgnored && stopSignal() == SIGINT);
      },
      ::testing::ExitedWithCode(0), "");
}

TEST(StopSignals, Names) {
  EXPECT_EQ(signalName(SIGINT), "SIGINT");
  EXPECT_EQ(signalName(SIGUSR1), "SIGUSR1");
  EXPECT_EQ(signalName(SIGKILL), "signal 9");
}

} // namespace
