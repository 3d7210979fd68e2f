//===- StopSignals.cpp - Signals that end a training run cleanly ---------===//
#include "tools/shodh-run/StopSignals.h"
#include "runtime/support/OutputFile.h"

#include <fmt/format.h>

#include <atomic>
#include <csignal>

namespace shodh {
namespace {

/// The signals that end a run with a checkpoint: Ctrl-C, a batch system's
/// notice (SLURM sends SIGTERM at the time limit, or SIGUSR1 ahead of it
/// with --signal), a closed terminal.
constexpr int kStopSignals[] = {SIGINT, SIGTERM, SIGHUP, SIGUSR1};
constexpr int kStopSignalCount = 4;

/// The first stop signal received (0: none); the loop checkpoints and
/// stops after the current step.
volatile std::sig_atomic_t interrupted = 0;

/// The actions the stop handler replaced, restored after the run.
struct sigaction previousActions[kStopSignalCount];

/// Stop signals received; counted atomically, as two signals may run
/// their handlers at once on two threads (the data loader's and the
/// main one).
std::atomic<int> received{0};
static_assert(std::atomic<int>::is_always_lock_free);

/// The first stop signal is recorded; a second one removes the temporaries
/// of the files being written and ends the process with the signal's
/// default action: the last checkpoint written stays the run's newest.
extern "C" void onStopSignal(int sig) {
  if (received.fetch_add(1) == 0) {
    interrupted = sig;
    return;
  }
  removeOpenTemporaries();
  struct sigaction act = {};
  act.sa_handler = SIG_DFL;
  sigemptyset(&act.sa_mask);
  ::sigaction(sig, &act, nullptr);
  ::raise(sig);
}

} // namespace

void catchStopSignals() {
  interrupted = 0, received = 0;
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

int stopSignal() { return interrupted; }

} // namespace shodh
