//===- TrainFolder.h - The run folder of shodh-run train ------------------===//
//
// Which folder a `shodh-run train` writes (--out, else the resumed run's),
// the refusal of a folder holding another run's files, the note on
// checkpoints of later steps (a run resumed from an earlier ckpt-N.fb), and
// the checkpoint --auto-resume continues from. See docs/training.md
// § Checkpoints, § Resume.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/train/Checkpoint.h"
#include "runtime/train/RunDirectory.h"

#include <cstdint>
#include <optional>
#include <string>

namespace shodh {

/// The run folder: `out` (--out), else the folder of `resume` (--resume);
/// throws if both are empty.
std::string outputDirectory(const std::string &out, const std::string &resume);

/// Refuses an output folder holding files of a run other than the one
/// resumed (checkpoints would be overwritten or rotated away, metrics.jsonl
/// mixed). Reads only, so a refusal leaves the folder as it was.
void checkOutputFolder(const std::string &out, const std::string &resume);

/// Prints a note on the checkpoints of steps after `step` in the folder (a
/// run resumed from an earlier ckpt-N.fb): kept, replaced when reached.
void noteLaterCheckpoints(const RunDirectory &run, int64_t step);

/// The checkpoint --auto-resume continues from: the newest readable one of
/// `dir` (latest.fb, else the ckpt-STEP.fb files newest first, else
/// best.fb), saying when it is not latest.fb; none when `dir` holds no
/// checkpoint. Throws, with each file's problem, if none reads.
std::optional<Checkpoint> newestCheckpointIn(const std::string &dir);

} // namespace shodh
