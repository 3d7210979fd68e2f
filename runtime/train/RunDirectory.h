//===- RunDirectory.h - The output folder of a training run ---------------===//
//
// A run directory (`--out run/`) holds
//
//   metrics.jsonl      one JSON record per logged step
//   ckpt-STEP.fb       checkpoints after STEP completed steps (the newest
//                      `keep` are kept, older ones deleted)
//   latest.fb          a copy of the newest checkpoint (what --resume reads)
//   best.fb            with --keep-best: the checkpoint of the step with the
//                      lowest validation relative L2 so far
//
// Checkpoint files are written atomically, ckpt-STEP.fb first, so
// latest.fb always names a complete checkpoint. Opening a run directory
// creates it if missing (its parent must exist), proves it writable before
// any training starts, takes its lock (`.lock`, flock: one training run per
// folder at a time; released when the process ends, killed or not) and
// deletes the temporaries of its files
// (`latest.fb.tmp.XXXXXX`, `ckpt-STEP.fb.tmp.XXXXXX`, ...) that a run killed
// while writing one left behind.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/format/ModelDesc.h"

#include <cstdint>
#include <string>
#include <vector>

namespace shodh {

/// The files of a training run.
class RunDirectory {
public:
  /// Creates `dir` if needed and checks that files can be created in it;
  /// throws `Error` ("cannot write to 'run/': Permission denied") otherwise.
  /// `keep` (>= 1) is the number of ckpt-STEP.fb files kept.
  explicit RunDirectory(std::string dir, int keep = 3);
  /// Releases the folder's lock.
  ~RunDirectory();
  RunDirectory(const RunDirectory &) = delete;
  RunDirectory &operator=(const RunDirectory &) = delete;

  /// `dir/ckpt-STEP.fb`.
  std::string checkpointPath(int64_t step) const;
  /// `folder/ckpt-STEP.fb` for any run folder.
  static std::string checkpointPathIn(const std::string &folder, int64_t step);
  /// The run folder, as given.
  const std::string &dir() const { return dir_; }
  /// `dir/latest.fb`.
  std::string latestPath() const;
  /// `dir/best.fb`.
  std::string bestPath() const;
  /// `dir/metrics.jsonl`.
  std::string metricsPath() const;
  /// `dir/fftw-wisdom`: the FFT plans of a run started with
  /// `--fft-plan measure`, reused on resume so results stay bit-identical.
  std::string wisdomPath() const;
  /// Steps of the ckpt-STEP.fb files present, ascending.
  std::vector<int64_t> checkpointSteps() const;
  /// True if latest.fb exists.
  bool hasLatest() const;

  /// Writes ckpt-STEP.fb and latest.fb, then deletes all but the newest
  /// `keep` ckpt files. Returns the path of ckpt-STEP.fb.
  std::string save(const ModelDesc &checkpoint, int64_t step);
  /// Writes best.fb; returns its path.
  std::string saveBest(const ModelDesc &checkpoint);

private:
  std::string dir_;
  int keep_;
  int lockFd_ = -1; ///< holds flock(dir/.lock) while the run is open
};

/// The checkpoints in folder `dir` (latest.fb, best.fb, then the
/// ckpt-STEP.fb files by step), plus a non-empty metrics.jsonl when there is
/// one of those or `metricsAlone`: what a run writing into `dir` would destroy
/// or mix into its log. Without `metricsAlone`, empty when `dir` holds no
/// checkpoint (a fresh run that failed before its first one may be retried in
/// its folder, truncating the log). Empty when `dir` does not exist. Reads
/// only.
std::vector<std::string> checkpointFilesIn(const std::string &dir,
                                           bool metricsAlone = false);

/// `dir/name`, without doubling a trailing slash of `dir`.
std::string runFilePath(const std::string &dir, const std::string &name);

/// True when `a` and `b` name the same existing directory (same device and
/// inode, whatever the spelling: "run", "./run/", a link to it).
bool isSameDirectory(const std::string &a, const std::string &b);
/// The same for files.
bool isSameFile(const std::string &a, const std::string &b);

/// The checkpoint `--resume PATH` reads: PATH/latest.fb for a folder, PATH
/// itself for a file (an earlier `ckpt-N.fb` of a run, to go back to it).
/// Throws `Error` if it is missing: "--resume 'run/': no checkpoint
/// 'run/latest.fb' to resume from".
std::string latestCheckpointOf(const std::string &path);

/// The run folder of `--resume PATH`: PATH for a folder, else the folder
/// holding the checkpoint file ("." for a bare file name).
std::string resumeFolderOf(const std::string &path);

} // namespace shodh
