//===- StopSignals.cpp - Signals that end a training run cleanly ---------===//
#include "tools/shodh-run/StopSignals.h"
#include "runtime/support/OutputFile.h"

#include <fmt/format.h>

#include <atomic>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <unistd.h>

namespace shodh {
namespace {

/// The signals that end a run with a checkpoint.
constexpr int kStopSignals[] = {SIGINT, SIGTERM, SIGHUP, SIGUSR1};
constexpr int kStopSignalCount = 4;

/// A second Ctrl-C at least this long after the first ends the process at
/// once; closer ones are the same press delivered twice.
constexpr int64_t kImpatientNs = 200'000'000;

/// The first stop signal received (0: none) and when (CLOCK_MONOTONIC ns).
/// Atomics: handlers may run on any thread (the data loader's, OpenBLAS's),
/// two of them at once.
std::atomic<int> firstSignal{0};
std::atomic<int64_t> firstNs{0};
static_assert(std::atomic<int>::is_always_lock_free &&
              std::atomic<int64_t>::is_always_lock_free);

/// The actions the stop handler replaced, restored after the run.
struct sigaction previousActions[kStopSignalCount];

/// Monotonic time in ns (clock_gettime is async-signal-safe).
int64_t nowNs() {
  timespec t{};
  ::clock_gettime(CLOCK_MONOTONIC, &t);
  return int64_t(t.tv_sec) * 1'000'000'000 + t.tv_nsec;
}

/// Ends the process with `sig`'s default action after removing the
/// temporaries of files being written (async-signal-safe).
[[noreturn]] void dieNow(int sig) {
  removeOpenTemporaries();
  struct sigaction act = {};
  act.sa_handler = SIG_DFL;
  sigemptyset(&act.sa_mask);
  ::sigaction(sig, &act, nullptr);
  sigset_t unblock;
  sigemptyset(&unblock);
  sigaddset(&unblock, sig);
  ::pthread_sigmask(SIG_UNBLOCK, &unblock, nullptr);
  ::raise(sig);
  ::_exit(128 + sig); // a signal whose default action does not end it
}

/// Records the first stop signal. Later ones are absorbed (GNU timeout and
/// srun deliver one signal twice; SLURM's SIGTERM may follow its SIGUSR1
/// notice while the checkpoint is written), except a Ctrl-C pressed again:
/// that ends the process at once.
extern "C" void onStopSignal(int sig) {
  int none = 0;
  if (firstSignal.compare_exchange_strong(none, sig)) {
    firstNs = nowNs();
    return;
  }
  if (sig == SIGINT && nowNs() - firstNs.load() >= kImpatientNs)
    dieNow(sig);
}

} // namespace

void catchStopSignals() {
  firstSignal = 0;
  for (int i = 0; i < kStopSignalCount; ++i) {
    ::sigaction(kStopSignals[i], nullptr, &previousActions[i]);
    // nohup ignores SIGHUP: keep it so. The others are taken even when
    // ignored: a shell starts background jobs (`train ... &`) with SIGINT
    // ignored, and `kill -INT` must still stop them cleanly.
    if (kStopSignals[i] == SIGHUP && previousActions[i].sa_handler == SIG_IGN)
      continue;
    struct sigaction act = {};
    act.sa_handler = onStopSignal;
    act.sa_flags = SA_RESTART; // writes in progress go on
    sigemptyset(&act.sa_mask);
    ::sigaction(kStopSignals[i], &act, nullptr);
  }
}

void restoreStopSignals() {
  for (int i = 0; i < kStopSignalCount; ++i)
    ::sigaction(kStopSignals[i], &previousActions[i], nullptr);
}

int stopSignal() { return firstSignal.load(); }

void endBySignal(int sig) {
  std::fflush(stdout);
  std::fflush(stderr);
  dieNow(sig);
}

std::string signalName(int sig) {
  switch (sig) {
  case SIGINT:
    return "SIGINT";
  case SIGTERM:
    return "SIGTERM";
  case SIGHUP:
    return "SIGHUP";
  case SIGUSR1:
    return "SIGUSR1";
  default:
    return fmt::format("signal {}", sig);
  }
}

} // namespace shodh
