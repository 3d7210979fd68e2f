//===- OutputFile.cpp - Writing an output file without losing the old one -===//
#include "runtime/support/OutputFile.h"

#include <fmt/format.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
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

} // namespace

OutputFile::~OutputFile() {
  if (fd_ >= 0)
    ::close(fd_);
  if (!committed_ && !temp_.empty())
    ::unlink(temp_.c_str());
}

Status OutputFile::fail(const char *verb, int err) {
  return Status::error(
      fmt::format("cannot {} '{}': {}", verb, path_, std::strerror(err)));
}

Status OutputFile::open(const std::string &path, bool allowStream) {
  path_ = target_ = path;
  if (path.empty())
    return Status::error("the output path is empty");
  struct stat st;
  if (::lstat(path.c_str(), &st) == 0) {
    if (S_ISLNK(st.st_mode)) {
      char *resolved = ::realpath(path.c_str(), nullptr);
      if (!resolved)
        return Status::error(fmt::format(
            "cannot write '{}': it is a symbolic link and its target cannot "
            "be resolved ({})",
            path, std::strerror(errno)));
      target_ = resolved;
      std::free(resolved);
      if (::stat(target_.c_str(), &st) != 0)
        return fail("write", errno);
    }
    if (S_ISDIR(st.st_mode))
      return fail("write", EISDIR);
    if (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode)) {
      if (!allowStream)
        return Status::error(fmt::format(
            "cannot write '{}': not a regular file (this output must be a "
            "file)",
            path));
      fd_ = ::open(target_.c_str(), O_WRONLY | O_CLOEXEC);
      if (fd_ < 0)
        return fail("write", errno);
      inPlace_ = true;
      return Status::success();
    }
    if (!S_ISREG(st.st_mode))
      return Status::error(
          fmt::format("cannot write '{}': not a regular file", path));
  } else if (errno != ENOENT) {
    return fail("write", errno);
  }
  // `<name>.tmp.XXXXXX`, with the name shortened where the whole would be
  // longer than a file name may be.
  const std::string suffix = ".tmp.";
  std::string base = baseName(target_);
  if (base.size() + suffix.size() + 6 > NAME_MAX)
    base.resize(NAME_MAX - suffix.size() - 6);
  std::string stem = parentDirectory(target_) + "/" + base + suffix;
  for (int attempt = 0; attempt < 100; ++attempt) {
    std::string candidate = stem + randomSuffix();
    fd_ = ::open(candidate.c_str(),
                 O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
    if (fd_ >= 0) {
      temp_ = candidate;
      return Status::success();
    }
    if (errno != EEXIST)
      return fail("write", errno);
  }
  return fail("write", EEXIST);
}

Status OutputFile::write(const void *bytes, size_t size) {
  const char *p = static_cast<const char *>(bytes);
  while (size > 0) {
    ssize_t n = ::write(fd_, p, size);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return fail("write", errno);
    p += n;
    size -= static_cast<size_t>(n);
  }
  return Status::success();
}

const std::string &OutputFile::closeForLibrary() {
  if (fd_ >= 0 && !inPlace_) {
    ::close(fd_);
    fd_ = -1;
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

} // namespace shodh
