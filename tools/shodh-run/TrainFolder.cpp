//===- TrainFolder.cpp - The run folder of shodh-run train ----------------===//
#include "tools/shodh-run/TrainFolder.h"
#include "runtime/support/Status.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace shodh {

/// The run folder: --out, else the folder being resumed.
std::string outputDirectory(const std::string &out, const std::string &resume) {
  if (!out.empty())
    return out;
  if (!resume.empty())
    return resumeFolderOf(resume);
  throw Error("--out is required (or --resume DIR to continue a run in DIR)");
}

/// Refuses an --out holding files of a run other than the one resumed:
/// checkpoints would be overwritten or rotated away and metrics.jsonl mixed.
/// Runs before the folder is opened (which deletes stale temporaries), so a
/// refusal leaves it exactly as it was.
void checkOutputFolder(const std::string &outOption,
                       const std::string &resume) {
  const std::string out = outputDirectory(outOption, resume);
  if (!resume.empty() && isSameDirectory(resumeFolderOf(resume), out))
    return; // continuing the run in its own folder
  // A resumed run keeps metrics.jsonl records up to its step: any found in
  // another folder (even without checkpoints) would be mixed into its log.
  std::vector<std::string> files =
      checkpointFilesIn(out, /*metricsAlone=*/!resume.empty());
  if (files.empty())
    return;
  if (!resume.empty())
    throw Error(fmt::format(
        "'{}' already holds files of another training run ({}); continuing "
        "--resume {} there would overwrite them: choose another --out, or "
        "leave --out away to continue in {}",
        out, fmt::join(files, ", "), resume, resumeFolderOf(resume)));
  if (files.front() == "latest.fb")
    throw Error(fmt::format(
        "'{}' already holds a training run ({}{}latest.fb); continue it with "
        "--resume {} or choose another --out",
        out, out, out.back() == '/' ? "" : "/", out));
  throw Error(fmt::format(
      "'{}' holds files of an earlier training run ({}) but no latest.fb to "
      "resume from; move them away or choose another --out",
      out, fmt::join(files, ", ")));
}

/// Notes checkpoints of steps after `step` in the run folder (a run resumed
/// from an earlier ckpt-N.fb): they are left alone, and overwritten when
/// this run writes those steps.
void noteLaterCheckpoints(const RunDirectory &run, int64_t step) {
  std::vector<std::string> later;
  for (int64_t s : run.checkpointSteps())
    if (s > step)
      later.push_back(fmt::format("ckpt-{}.fb", s));
  if (!later.empty())
    fmt::print("note: '{}' holds checkpoints of later steps of the run ({}); "
               "they are kept, and replaced if this run reaches those steps\n",
               run.dir(), fmt::join(later, ", "));
}

/// The checkpoint --auto-resume continues from: the newest readable one of
/// `dir` (latest.fb, else the ckpt-STEP.fb files newest first, else
/// best.fb: a run killed between its writes, or a damaged latest.fb).
/// Throws, with each file's problem, if there are some but none reads.
std::optional<Checkpoint> newestCheckpointIn(const std::string &dir) {
  std::vector<std::string> names = checkpointFilesIn(dir), order, problems;
  for (const std::string &n : names)
    if (n == "latest.fb")
      order.push_back(n);
  for (auto it = names.rbegin(); it != names.rend(); ++it)
    if (it->rfind("ckpt-", 0) == 0)
      order.push_back(*it);
  for (const std::string &n : names)
    if (n == "best.fb")
      order.push_back(n);
  for (const std::string &n : order) {
    std::string path = runFilePath(dir, n);
    try {
      Checkpoint c = readCheckpoint(path);
      if (!c.state)
        throw Error(fmt::format("'{}' is not a training checkpoint", path));
      if (n != "latest.fb" && problems.empty())
        problems.push_back("no latest.fb");
      if (!problems.empty())
        fmt::print("auto-resume: {}; continuing from '{}'\n",
                   fmt::join(problems, "; "), path);
      return c;
    } catch (const Error &e) {
      problems.push_back(e.what());
    }
  }
  if (!problems.empty())
    throw Error(fmt::format("--auto-resume: '{}' holds no readable "
                            "checkpoint:\n  {}\nmove the files away to start "
                            "the run afresh",
                            dir, fmt::join(problems, "\n  ")));
  return std::nullopt;
}

} // namespace shodh
