//===- StopSignals.h - Signals that end a training run cleanly -----------===//
//
// While `shodh-run train` runs, SIGINT (Ctrl-C), SIGTERM (a batch system's
// time limit: SLURM sends it, then SIGKILL after KillWait, 30 s by
// default), SIGHUP (the terminal closed) and SIGUSR1 (SLURM's --signal
// notice) ask the loop to finish its step, write a checkpoint and exit 0; a
// validation pass under way is abandoned (Trainer.h). A second stop signal
// removes the temporaries of the files being written and ends the process
// at once with the signal's default action, so an impatient Ctrl-C still
// works; the last checkpoint written stays the run's newest. SIGHUP
// ignored when the run starts (nohup) stays ignored; the others are caught
// even when ignored (a shell starts background jobs with SIGINT ignored).
//
//===----------------------------------------------------------------------===//
#pragma once

#include <string>

namespace shodh {

/// Installs the stop handler (SIGHUP only if not ignored), and clears
/// `stopSignal()`.
void catchStopSignals();
/// Restores the actions `catchStopSignals` replaced.
void restoreStopSignals();
/// The first stop signal received since `catchStopSignals`, or 0.
int stopSignal();
/// "SIGINT", "SIGTERM", "SIGHUP", "SIGUSR1", or "signal N".
std::string signalName(int sig);

} // namespace shodh
