//===- StopSignals.h - Signals that end a training run cleanly -----------===//
//
// From the start of `shodh-run train`, SIGINT (Ctrl-C), SIGTERM (a batch
// system's time limit: SLURM sends it, then SIGKILL after KillWait, 30 s by
// default), SIGUSR1 (SLURM's --signal notice) and SIGHUP (the terminal
// closed) ask the loop to finish its step (and a validation under way),
// write a checkpoint and stop; the command then prints where to continue
// and ends by the same signal (exit status 128 + N in a shell), so scripts
// and batch systems see an interrupted run, not a finished one.
//
// Repeats are absorbed (GNU timeout and srun deliver a signal twice), except
// a second Ctrl-C at least 0.2 s after the first: it removes the
// temporaries of the files being written and ends the process at once; the
// last checkpoint written stays the run's newest. SIGHUP ignored when the
// run starts (nohup) stays ignored; the others are caught even when ignored
// (a shell starts background jobs with SIGINT ignored).
//
//===----------------------------------------------------------------------===//
#pragma once

#include <string>

namespace shodh {

/// Installs the stop handler (SIGHUP only if not ignored) and clears
/// `stopSignal()`.
void catchStopSignals();
/// Restores the actions `catchStopSignals` replaced.
void restoreStopSignals();
/// The first stop signal received since `catchStopSignals`, or 0.
int stopSignal();
/// Flushes stdout and stderr and ends the process by `sig` (default
/// action), after removing the temporaries of files being written.
[[noreturn]] void endBySignal(int sig);
/// "SIGINT", "SIGTERM", "SIGHUP", "SIGUSR1", or "signal N".
std::string signalName(int sig);

} // namespace shodh
