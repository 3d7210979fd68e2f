//===- RunDirectory.cpp - The output folder of a training run -------------===//
#include "runtime/train/RunDirectory.h"
#include "runtime/support/Status.h"
#include "runtime/train/Checkpoint.h"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <dirent.h>

namespace shodh {
namespace {

/// `dir/name`, without doubling a trailing slash.
std::string join(const std::string &dir, const std::string &name) {
  return !dir.empty() && dir.back() == '/' ? dir + name : dir + "/" + name;
}

/// True if `path` exists as a regular file.
bool isFile(const std::string &path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

/// True if `path` names an existing directory.
bool isDirectory(const std::string &path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

/// Creates `dir` if it is missing; throws if that fails or it is not a folder.
void ensureDirectory(const std::string &dir) {
  struct stat st;
  if (stat(dir.c_str(), &st) == 0) {
    if (!S_ISDIR(st.st_mode))
      throw Error(fmt::format("cannot write to '{}': not a directory", dir));
    return;
  }
  if (mkdir(dir.c_str(), 0777) != 0)
    throw Error(
        fmt::format("cannot create '{}': {}", dir, std::strerror(errno)));
}

/// Creates and removes a probe file in `dir`; throws with the system's reason.
void probeWritable(const std::string &dir) {
  std::string probe = join(dir, fmt::format(".write-test.{}", getpid()));
  int fd = open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0644);
  if (fd < 0)
    throw Error(
        fmt::format("cannot write to '{}': {}", dir, std::strerror(errno)));
  close(fd);
  unlink(probe.c_str());
}

/// Takes the run folder's lock (`dir/.lock`, flock: released when the
/// process ends, however it ends) and writes this process's id into it;
/// returns the descriptor. Throws, naming the holder, if another process
/// has it: two runs writing one folder would overwrite each other's
/// checkpoints and interleave metrics.jsonl.
int lockRunDirectory(const std::string &dir) {
  std::string path = join(dir, ".lock");
  // O_NOFOLLOW: a link planted as .lock must not have its target truncated.
  int fd =
      ::open(path.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0 && errno == ELOOP)
    throw Error(fmt::format(
        "cannot lock '{}': '{}' is a symbolic link; remove it", dir, path));
  if (fd < 0)
    throw Error(fmt::format("cannot lock '{}': {}", dir, std::strerror(errno)));
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    throw Error(fmt::format(
        "cannot lock '{}': '{}' is not a regular file; remove it", dir, path));
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    int err = errno;
    char pid[32] = {};
    ssize_t n = ::pread(fd, pid, sizeof(pid) - 1, 0);
    ::close(fd);
    std::string holder = n > 0 ? std::string(pid, static_cast<size_t>(n)) : "";
    while (!holder.empty() && (holder.back() == '\n' || holder.back() == ' '))
      holder.pop_back();
    if (err == EWOULDBLOCK)
      throw Error(fmt::format(
          "'{}' is in use by another training run{}; wait for it to end or "
          "choose another --out",
          dir, holder.empty() ? "" : " (process " + holder + ")"));
    throw Error(fmt::format("cannot lock '{}': {}", dir, std::strerror(err)));
  }
  std::string me = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, me.data(), me.size(), 0) < 0) {
    // The lock holds without the id; the id only improves the message.
  }
  return fd;
}

/// The STEP of a "ckpt-STEP.fb" file name, or -1.
int64_t parseCheckpointName(const std::string &name) {
  if (name.size() < 9 || name.rfind("ckpt-", 0) != 0 ||
      name.substr(name.size() - 3) != ".fb")
    return -1;
  std::string digits = name.substr(5, name.size() - 8);
  if (digits.empty() || digits.size() > 18 ||
      !std::all_of(digits.begin(), digits.end(),
                   [](char c) { return c >= '0' && c <= '9'; }))
    return -1;
  return std::stoll(digits);
}

/// True for the temporary files of an atomic write of one of the run's own
/// files ("ckpt-STEP.fb.tmp.XXXXXX", "latest.fb.tmp.XXXXXX", "best.fb.tmp.…",
/// "metrics.jsonl.tmp.XXXXXX", "fftw-wisdom.tmp.XXXXXX";
/// runtime/support/OutputFile.h).
bool isRunFileTemp(const std::string &name) {
  size_t tmp = name.rfind(".tmp.");
  if (tmp == std::string::npos)
    return false;
  std::string base = name.substr(0, tmp);
  return base == "latest.fb" || base == "best.fb" || base == "metrics.jsonl" ||
         base == "fftw-wisdom" || parseCheckpointName(base) >= 0;
}

/// Steps of the ckpt-STEP.fb files in `dir`, ascending (none if `dir` is
/// missing).
std::vector<int64_t> checkpointStepsIn(const std::string &dir) {
  std::vector<int64_t> steps;
  if (DIR *d = opendir(dir.c_str())) {
    while (dirent *e = readdir(d))
      if (int64_t s = parseCheckpointName(e->d_name); s >= 0)
        steps.push_back(s);
    closedir(d);
  }
  std::sort(steps.begin(), steps.end());
  return steps;
}

/// Deletes the temporaries a killed run left behind (a run
/// directory has one writer, so none of them is being written).
void removeStaleTemps(const std::string &dir) {
  std::vector<std::string> stale;
  if (DIR *d = opendir(dir.c_str())) {
    while (dirent *e = readdir(d))
      if (isRunFileTemp(e->d_name))
        stale.push_back(e->d_name);
    closedir(d);
  }
  for (const std::string &name : stale)
    std::remove(join(dir, name).c_str());
}

} // namespace

RunDirectory::RunDirectory(std::string dir, int keep)
    : dir_(std::move(dir)), keep_(keep) {
  if (keep_ < 1)
    throw Error(fmt::format("--keep must be at least 1 (got {})", keep_));
  ensureDirectory(dir_);
  probeWritable(dir_);
  lockFd_ = lockRunDirectory(dir_);
  removeStaleTemps(dir_); // under the lock: no other run is writing them
}

RunDirectory::~RunDirectory() {
  if (lockFd_ >= 0)
    ::close(lockFd_); // releases the lock
}

std::string RunDirectory::checkpointPath(int64_t step) const {
  return checkpointPathIn(dir_, step);
}

std::string RunDirectory::checkpointPathIn(const std::string &folder,
                                           int64_t step) {
  return join(folder, fmt::format("ckpt-{}.fb", step));
}

std::string RunDirectory::latestPath() const { return join(dir_, "latest.fb"); }

std::string RunDirectory::bestPath() const { return join(dir_, "best.fb"); }

std::string RunDirectory::metricsPath() const {
  return join(dir_, "metrics.jsonl");
}

std::string RunDirectory::wisdomPath() const {
  return join(dir_, "fftw-wisdom");
}

bool RunDirectory::hasLatest() const { return isFile(latestPath()); }

std::vector<int64_t> RunDirectory::checkpointSteps() const {
  return checkpointStepsIn(dir_);
}

std::vector<std::string> checkpointFilesIn(const std::string &dir,
                                           bool metricsAlone) {
  std::vector<std::string> files;
  struct stat st;
  if (::stat(join(dir, "latest.fb").c_str(), &st) == 0)
    files.push_back("latest.fb");
  if (::stat(join(dir, "best.fb").c_str(), &st) == 0)
    files.push_back("best.fb");
  for (int64_t step : checkpointStepsIn(dir))
    files.push_back(fmt::format("ckpt-{}.fb", step));
  if ((!files.empty() || metricsAlone) &&
      ::stat(join(dir, "metrics.jsonl").c_str(), &st) == 0 && st.st_size > 0)
    files.push_back("metrics.jsonl");
  return files;
}

bool isSameDirectory(const std::string &a, const std::string &b) {
  return isSameFile(a, b);
}

bool isSameFile(const std::string &a, const std::string &b) {
  struct stat sa, sb;
  return ::stat(a.c_str(), &sa) == 0 && ::stat(b.c_str(), &sb) == 0 &&
         sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

std::string RunDirectory::save(const ModelDesc &checkpoint, int64_t step) {
  std::string path = checkpointPath(step);
  writeCheckpoint(checkpoint, path);
  writeCheckpoint(checkpoint, latestPath());
  // Keep the newest `keep_` of this run's checkpoints. Ones after `step`
  // are from later steps of the run this one went back from (--resume
  // ckpt-N.fb): they are left alone (until this run writes those steps) and
  // never count, so they cannot push this run's own checkpoints out.
  std::vector<int64_t> steps = checkpointSteps();
  steps.erase(std::upper_bound(steps.begin(), steps.end(), step), steps.end());
  for (size_t i = 0; i + keep_ < steps.size(); ++i)
    if (steps[i] != step)
      std::remove(checkpointPath(steps[i]).c_str());
  return path;
}

std::string RunDirectory::saveBest(const ModelDesc &checkpoint) {
  std::string path = bestPath();
  writeCheckpoint(checkpoint, path);
  return path;
}

std::string runFilePath(const std::string &dir, const std::string &name) {
  return join(dir, name);
}

std::string latestCheckpointOf(const std::string &path) {
  if (!isDirectory(path)) {
    if (isFile(path))
      return path;
    if (path.size() > 3 && path.compare(path.size() - 3, 3, ".fb") == 0)
      throw Error(fmt::format("--resume '{}': no such checkpoint file", path));
  }
  std::string latest = join(path, "latest.fb");
  if (!isFile(latest))
    throw Error(fmt::format(
        "--resume '{}': no checkpoint '{}' to resume from (give a run folder, "
        "or one of its checkpoint files such as ckpt-1000.fb)",
        path, latest));
  return latest;
}

std::string resumeFolderOf(const std::string &path) {
  if (isDirectory(path) || !isFile(path))
    return path;
  size_t slash = path.find_last_of('/');
  if (slash == std::string::npos)
    return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

} // namespace shodh
