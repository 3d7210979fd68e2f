//===- OutputFile.cpp - Writing an output file without losing the old one -===//
#include "runtime/support/OutputFile.h"

#include <fmt/format.h>

#include <atomic>
#include <cerrno>
#include <climits>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <pthread.h>
#include <random>
#include <sys/stat.h>
#include <unistd.h>

namespace shodh {
namespace {

/// The directory holding `path` ("." for a bare file name).
std::string parentDirectory(const std::string &path) {
  size_t slash = path.find_last_of('/');
  if (slash == std::string::npos)
    return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

/// The last component of `path`.
std::string baseName(const std::string &path) {
  size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

/// Fsyncs the directory so a rename is durable; returns errno or 0. File
/// systems that cannot fsync directories (EINVAL) are not an error.
int syncDirectory(const std::string &dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return errno;
  int err = ::fsync(fd) != 0 && errno != EINVAL ? errno : 0;
  if (::close(fd) != 0 && err == 0)
    err = errno;
  return err;
}

/// Fsyncs the file at `path` (written and closed by a library); errno or 0.
int syncPath(const std::string &path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return errno;
  int err = ::fsync(fd) != 0 ? errno : 0;
  ::close(fd);
  return err;
}

/// The descriptor `path` stands for when it names one this process holds
/// (/dev/stdout, /dev/stderr, /dev/fd/N, /proc/self/fd/N), else -1.
int inheritedDescriptor(const std::string &path) {
  if (path == "/dev/stdout")
    return STDOUT_FILENO;
  if (path == "/dev/stderr")
    return STDERR_FILENO;
  for (const char *prefix : {"/dev/fd/", "/proc/self/fd/"}) {
    std::string p = prefix;
    if (path.compare(0, p.size(), p) != 0 || path.size() == p.size() ||
        path.find_first_not_of("0123456789", p.size()) != std::string::npos ||
        path.size() - p.size() > 6)
      continue;
    return std::stoi(path.substr(p.size()));
  }
  return -1;
}

/// True for a path written in place: a descriptor of this process, a
/// character device or a FIFO.
bool isStream(const std::string &path) {
  struct stat st;
  return inheritedDescriptor(path) >= 0 ||
         (::stat(path.c_str(), &st) == 0 &&
          (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode)));
}

/// The signals whose handler removes the open temporaries.
constexpr int kCleanupSignals[] = {SIGINT, SIGTERM, SIGHUP};

/// Six random characters for a temporary file's name.
std::string randomSuffix() {
  static const char kChars[] =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  static thread_local std::mt19937_64 engine(
      std::random_device{}() ^ (static_cast<uint64_t>(::getpid()) << 32));
  std::string s(6, 'x');
  for (char &c : s)
    c = kChars[engine() % (sizeof(kChars) - 1)];
  return s;
}

/// The temporary files open now, for the signal handler: slots hold
/// strdup'd paths (owned by the slot), taken and released with atomics so
/// the handler may read them at any moment.
constexpr int kTempSlots = 64;
std::atomic<char *> tempSlots[kTempSlots];

/// Records `path`; returns its slot, or -1 when all are taken (the file is
/// then only removed by the normal paths).
int registerTemp(const std::string &path) {
  char *copy = ::strdup(path.c_str());
  if (!copy)
    return -1;
  for (int i = 0; i < kTempSlots; ++i) {
    char *expected = nullptr;
    if (tempSlots[i].compare_exchange_strong(expected, copy))
      return i;
  }
  std::free(copy);
  return -1;
}

/// Forgets the path in `slot`.
void unregisterTemp(int slot) {
  if (slot >= 0)
    std::free(tempSlots[slot].exchange(nullptr));
}

/// Removes every registered temporary file, then dies of `sig` as the
/// default action would (only async-signal-safe calls).
extern "C" void removeTempsAndDie(int sig) {
  removeOpenTemporaries();
  ::signal(sig, SIG_DFL);
  ::raise(sig);
}

} // namespace

void removeOpenTemporaries() {
  for (auto &slot : tempSlots)
    if (char *path = slot.exchange(nullptr))
      ::unlink(path);
}

int writeAll(int fd, const void *bytes, size_t size) {
  const char *p = static_cast<const char *>(bytes);
  while (size > 0) {
    ssize_t n = ::write(fd, p, size);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return errno;
    p += n;
    size -= static_cast<size_t>(n);
  }
  return 0;
}

void removeTemporariesOnSignals() {
  // A file-size limit (ulimit -f) should fail the write (EFBIG: the tool's
  // own error, temporaries removed), not kill the process with a core.
  struct sigaction xfsz;
  if (::sigaction(SIGXFSZ, nullptr, &xfsz) == 0 && xfsz.sa_handler == SIG_DFL)
    ::signal(SIGXFSZ, SIG_IGN);
  for (int sig : kCleanupSignals) {
    struct sigaction current;
    if (::sigaction(sig, nullptr, &current) != 0 ||
        current.sa_handler != SIG_DFL)
      continue;
    struct sigaction action = {};
    action.sa_handler = removeTempsAndDie;
    sigemptyset(&action.sa_mask);
    ::sigaction(sig, &action, nullptr);
  }
}

OutputFile::~OutputFile() {
  if (fd_ >= 0)
    ::close(fd_);
  if (!committed_ && !temp_.empty())
    ::unlink(temp_.c_str());
  unregisterTemp(slot_); // after the unlink: a signal in between finds it
}

Status OutputFile::fail(const char *verb, int err) {
  return Status::error(
      fmt::format("cannot {} '{}': {}", verb, path_, std::strerror(err)));
}

Status OutputFile::open(const std::string &path, bool allowStream) {
  path_ = target_ = path;
  if (path.empty())
    return Status::error("the output path is empty");
  auto notRegular = [&] {
    return Status::error(fmt::format(
        "cannot write '{}': not a regular file (this output must be a file)",
        path));
  };
  // /dev/stdout, /dev/fd/N: the descriptor this process already has, with
  // its offset and flags (`>> log` appends; a pipe stays a pipe).
  if (int fd = inheritedDescriptor(path); fd >= 0) {
    if (!allowStream)
      return notRegular();
    fd_ = ::fcntl(fd, F_DUPFD_CLOEXEC, 0);
    if (fd_ < 0)
      return fail("write", errno);
    inPlace_ = true;
    return Status::success();
  }
  struct stat st, link;
  if (::stat(path.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode))
      return fail("write", EISDIR);
    if (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode)) {
      if (!allowStream)
        return notRegular();
      fd_ = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
      if (fd_ < 0)
        return fail("write", errno);
      inPlace_ = true;
      return Status::success();
    }
    if (!S_ISREG(st.st_mode))
      return Status::error(
          fmt::format("cannot write '{}': not a regular file", path));
    if (::lstat(path.c_str(), &link) == 0 && S_ISLNK(link.st_mode)) {
      char *resolved = ::realpath(path.c_str(), nullptr);
      if (!resolved)
        return fail("write", errno);
      target_ = resolved; // the file the link names is replaced
      std::free(resolved);
    }
  } else if (errno != ENOENT) {
    return fail("write", errno);
  } else if (::lstat(path.c_str(), &link) == 0) {
    return Status::error(fmt::format(
        "cannot write '{}': it is a symbolic link to a file that does not "
        "exist",
        path));
  }
  // `<name>.tmp.XXXXXX`, with the name shortened where the whole would be
  // longer than a file name may be.
  const std::string suffix = ".tmp.";
  std::string base = baseName(target_);
  if (base.size() + suffix.size() + 6 > NAME_MAX)
    base.resize(NAME_MAX - suffix.size() - 6);
  std::string stem = parentDirectory(target_) + "/" + base + suffix;
  // The cleanup signals wait while the file is created and registered: one
  // arriving in between would leave it behind.
  sigset_t cleanup, previous;
  sigemptyset(&cleanup);
  for (int sig : kCleanupSignals)
    sigaddset(&cleanup, sig);
  for (int attempt = 0; attempt < 100; ++attempt) {
    std::string candidate = stem + randomSuffix();
    ::pthread_sigmask(SIG_BLOCK, &cleanup, &previous);
    fd_ = ::open(candidate.c_str(),
                 O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
    int err = errno;
    if (fd_ >= 0) {
      temp_ = candidate;
      slot_ = registerTemp(temp_);
    }
    ::pthread_sigmask(SIG_SETMASK, &previous, nullptr);
    if (fd_ >= 0)
      return Status::success();
    if (err != EEXIST)
      return fail("write", err);
  }
  return fail("write", EEXIST);
}

Status OutputFile::write(const void *bytes, size_t size) {
  // What the tool printed through stdio before must come out before these
  // bytes when both go to one stream (`--metrics-json /dev/stdout`).
  if (inPlace_)
    std::fflush(nullptr);
  if (int err = writeAll(fd_, bytes, size))
    return fail("write", err);
  return Status::success();
}

const std::string &OutputFile::closeForLibrary() {
  if (fd_ >= 0 && !inPlace_) {
    ::close(fd_);
    fd_ = -1;
    // The library creates the file itself, exclusively (H5F_ACC_EXCL:
    // O_CREAT | O_EXCL), so a link planted under the name meanwhile makes
    // that fail instead of being followed. The name stays registered.
    ::unlink(temp_.c_str());
  }
  return temp_;
}

Status OutputFile::commit() {
  if (inPlace_) {
    int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0)
      return fail("write", errno);
    committed_ = true;
    return Status::success();
  }
  if (fd_ >= 0) {
    int fd = fd_;
    fd_ = -1;
    int err = ::fsync(fd) != 0 ? errno : 0;
    if (::close(fd) != 0 && err == 0)
      err = errno;
    if (err)
      return fail("write", err);
  } else if (int err = syncPath(temp_)) {
    return fail("write", err);
  }
  if (::rename(temp_.c_str(), target_.c_str()) != 0)
    return fail("write", errno);
  committed_ = true;
  unregisterTemp(slot_);
  slot_ = -1;
  if (int err = syncDirectory(parentDirectory(target_)))
    return fail("sync the directory of", err);
  return Status::success();
}

Status checkNotSameFile(const std::string &input, const std::string &output,
                        const char *inputRole) {
  struct stat in, out;
  if (::stat(input.c_str(), &in) != 0 || ::stat(output.c_str(), &out) != 0)
    return Status::success();
  if (in.st_dev != out.st_dev || in.st_ino != out.st_ino ||
      S_ISCHR(out.st_mode))
    return Status::success();
  return Status::error(fmt::format(
      "the output '{}' is the {} '{}': writing it would destroy the {}; "
      "choose another output path",
      output, inputRole, input, inputRole));
}

std::string resolvedOutputPath(const std::string &path) {
  if (char *whole = ::realpath(path.c_str(), nullptr)) {
    std::string out = whole;
    std::free(whole);
    return out;
  }
  char *dir = ::realpath(parentDirectory(path).c_str(), nullptr);
  if (!dir)
    return path;
  std::string out = std::string(dir) + "/" + baseName(path);
  std::free(dir);
  return out;
}

Status checkDistinctFiles(
    const std::vector<std::pair<std::string, std::string>> &inputs,
    const std::vector<std::pair<std::string, std::string>> &outputs) {
  for (size_t i = 0; i < outputs.size(); ++i) {
    if (outputs[i].second.empty())
      continue;
    for (const auto &[option, path] : inputs)
      if (!path.empty())
        if (Status s = checkNotSameFile(path, outputs[i].second,
                                        (option + " file").c_str());
            !s.ok())
          return s;
    if (isStream(outputs[i].second))
      continue; // /dev/null twice, stdout and stderr: no file is replaced
    for (size_t j = 0; j < i; ++j)
      if (!outputs[j].second.empty() &&
          resolvedOutputPath(outputs[j].second) ==
              resolvedOutputPath(outputs[i].second))
        return Status::error(fmt::format(
            "{} '{}' and {} '{}' name the same file: the second would "
            "replace the first; give them different paths",
            outputs[j].first, outputs[j].second, outputs[i].first,
            outputs[i].second));
  }
  return Status::success();
}

} // namespace shodh
