//===- ModelFileIO.cpp - Atomic writing and reading of model files --------===//
//
// `writeModelFile` encodes header and FlatBuffer into memory, writes them and
// the data section (straight from the `ModelDesc`, without a copy) to a
// temporary file next to the target (`<path>.tmp.<pid>`), fsyncs it, renames it
// over the target and fsyncs the directory, so readers see either the old file
// or the complete new one. Any failure removes the temporary file.
// `loadModelFile` reads the whole file and hands it to `parseModel`. Errors
// name the path and the system's reason (strerror).
//
//===----------------------------------------------------------------------===//
#include "runtime/format/ModelFile.h"
#include "runtime/format/ModelWriter.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace shodh {
namespace {

/// "cannot <verb> '<path>': <strerror(err)>".
Status systemError(const char *verb, const std::string &path, int err) {
  return Status::error(
      fmt::format("cannot {} '{}': {}", verb, path, std::strerror(err)));
}

/// Closes a file descriptor on scope exit unless released.
class FileDescriptor {
public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  ~FileDescriptor() {
    if (fd_ >= 0)
      ::close(fd_);
  }
  FileDescriptor(const FileDescriptor &) = delete;
  FileDescriptor &operator=(const FileDescriptor &) = delete;
  /// The descriptor (negative when the open failed).
  int get() const { return fd_; }
  /// Closes now and returns close()'s errno (0 on success).
  int close() {
    int fd = fd_;
    fd_ = -1;
    return ::close(fd) == 0 ? 0 : errno;
  }

private:
  int fd_;
};

/// Writes all of `bytes` to `fd`, retrying short writes; returns errno or 0.
int writeAll(int fd, const uint8_t *bytes, size_t size) {
  while (size > 0) {
    ssize_t n = ::write(fd, bytes, size);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return errno;
    bytes += n;
    size -= static_cast<size_t>(n);
  }
  return 0;
}

/// Creates `tmp`, writes `prefix` then `data`, fsyncs and closes it; returns
/// errno or 0.
int writeTempFile(const std::string &tmp, const std::vector<uint8_t> &prefix,
                  const std::vector<uint8_t> &data) {
  FileDescriptor fd(
      ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (fd.get() < 0)
    return errno;
  if (int err = writeAll(fd.get(), prefix.data(), prefix.size()))
    return err;
  if (int err = writeAll(fd.get(), data.data(), data.size()))
    return err;
  if (::fsync(fd.get()) != 0)
    return errno;
  return fd.close();
}

/// The directory holding `path` ("." for a bare file name).
std::string parentDirectory(const std::string &path) {
  size_t slash = path.find_last_of('/');
  if (slash == std::string::npos)
    return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

/// Fsyncs the directory so the rename itself is durable; returns errno or 0.
/// File systems that cannot fsync directories (EINVAL) are not an error.
int syncDirectory(const std::string &dir) {
  FileDescriptor fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0)
    return errno;
  if (::fsync(fd.get()) != 0 && errno != EINVAL)
    return errno;
  return fd.close();
}

/// Reads the whole regular file at `path` into `bytes`.
Status readWholeFile(const std::string &path, std::vector<uint8_t> &bytes) {
  FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0)
    return systemError("open", path, errno);
  struct stat st;
  if (::fstat(fd.get(), &st) != 0)
    return systemError("read", path, errno);
  if (!S_ISREG(st.st_mode))
    return Status::error(
        fmt::format("cannot read '{}': not a regular file", path));
  bytes.resize(static_cast<size_t>(st.st_size));
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::read(fd.get(), bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return systemError("read", path, errno);
    if (n == 0)
      break; // The file shrank while we read it: parse what we have.
    done += static_cast<size_t>(n);
  }
  bytes.resize(done);
  return Status::success();
}

} // namespace

Status writeModelFile(const ModelDesc &model, const std::string &path) {
  std::vector<uint8_t> prefix; // The data section is written from `model`.
  if (Status s = format::encodeModelPrefix(model, prefix); !s.ok())
    return Status::error(
        fmt::format("cannot write '{}': {}", path, s.message()));
  std::string tmp = fmt::format("{}.tmp.{}", path, ::getpid());
  if (int err = writeTempFile(tmp, prefix, model.data)) {
    ::unlink(tmp.c_str());
    return systemError("write", path, err);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return systemError("write", path, err);
  }
  if (int err = syncDirectory(parentDirectory(path)))
    return systemError("sync the directory of", path, err);
  return Status::success();
}

Status loadModelFile(const std::string &path, ModelDesc &out) {
  std::vector<uint8_t> bytes;
  if (Status s = readWholeFile(path, bytes); !s.ok())
    return s;
  return parseModel(bytes.data(), bytes.size(), path, out);
}

} // namespace shodh
