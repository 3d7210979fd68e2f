//===- ModelFileIO.cpp - Atomic writing and reading of model files --------===//
//
// `writeModelFile` checks the model as the reader will (`verifyModel`: unique
// names, sizes, programs), encodes header and FlatBuffer into memory and writes
// them and the data section (straight from the `ModelDesc`, without a copy)
// through an `OutputFile` (runtime/support/OutputFile.h): a fresh temporary
// file next to the target, fsynced and renamed over it, so readers see either
// the old file or the complete new one. Any failure removes the temporary file.
// `loadModelFile` reads the whole file and hands it to `parseModel`. Errors
// name the path and the system's reason (strerror).
//
//===----------------------------------------------------------------------===//
#include "runtime/format/ModelFile.h"
#include "runtime/format/ModelWriter.h"
#include "runtime/support/OutputFile.h"

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

/// Closes a file descriptor on scope exit.
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

private:
  int fd_;
};

/// Reads the whole regular file at `path` into `bytes`.
Status readWholeFile(const std::string &path, std::vector<uint8_t> &bytes) {
  // O_NONBLOCK: opening a FIFO with no writer would otherwise wait forever
  // before the regular-file check below could refuse it.
  FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
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
  // A file the reader would reject is not written: the writer's user (the
  // compiler, a checkpoint) hears of the problem, not a later `shodh-run`.
  if (Status s = verifyModel(model, path); !s.ok())
    return Status::error("cannot write " + s.message());
  std::vector<uint8_t> prefix; // The data section is written from `model`.
  if (Status s = format::encodeModelPrefix(model, prefix); !s.ok())
    return Status::error(
        fmt::format("cannot write '{}': {}", path, s.message()));
  OutputFile out;
  if (Status s = out.open(path, /*allowStream=*/true); !s.ok())
    return s;
  if (Status s = out.write(prefix.data(), prefix.size()); !s.ok())
    return s;
  if (Status s = out.write(model.data.data(), model.data.size()); !s.ok())
    return s;
  return out.commit();
}

Status loadModelFile(const std::string &path, ModelDesc &out) {
  std::vector<uint8_t> bytes;
  if (Status s = readWholeFile(path, bytes); !s.ok())
    return s;
  return parseModel(bytes.data(), bytes.size(), path, out);
}

} // namespace shodh
