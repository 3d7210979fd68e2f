//===- OutputFile.h - Writing an output file without losing the old one ---===//
//
// Every file a Shodh tool writes (model files, checkpoints, HDF5 data, JSON
// reports) goes through `OutputFile`: the bytes go to a fresh temporary file
// next to the target, created exclusively (`<name>.tmp.XXXXXX`, never an
// existing file or a link planted there), which `commit` fsyncs and renames
// over the target, so readers and a killed run see the old file or the
// complete new one, never a mix. A failure, or destruction before `commit`,
// removes the temporary file and leaves the target as it was.
//
// The target is resolved first: a symbolic link is followed (the file it
// names is replaced, the link stays; a link to nothing is refused); a
// directory, socket or block device is refused; a character device or FIFO
// (`/dev/null`, a named pipe) and a descriptor of the process (`/dev/stdout`,
// `/dev/fd/N`: written through a duplicate, so `>> log` appends) are written
// in place where the caller streams bytes (`allowStream`), and refused where
// it needs a seekable file (HDF5). Errors name the path and the reason. With
// `removeTemporariesOnSignals`, an interrupted tool leaves no temporary file.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/support/Status.h"

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace shodh {

class OutputFile {
public:
  OutputFile() = default;
  /// Removes the temporary file unless committed.
  ~OutputFile();
  OutputFile(const OutputFile &) = delete;
  OutputFile &operator=(const OutputFile &) = delete;

  /// Resolves `path` and creates the temporary file (or opens the stream).
  Status open(const std::string &path, bool allowStream);
  /// Appends bytes (retrying short writes).
  Status write(const void *bytes, size_t size);
  /// Closes the descriptor, removes the (empty) temporary file and hands its
  /// name to a library that creates and writes files by name (HDF5), which
  /// must create it exclusively; `commit` then renames it. Not for streams.
  const std::string &closeForLibrary();
  /// Fsyncs, closes and renames the temporary file over the target, then
  /// fsyncs the directory.
  Status commit();

  /// The path the caller gave.
  const std::string &path() const { return path_; }
  /// Where the bytes go now (the temporary file, or the stream itself).
  const std::string &writePath() const { return inPlace_ ? target_ : temp_; }

private:
  Status fail(const char *verb, int err);

  std::string path_;   // as given
  std::string target_; // after following links
  std::string temp_;   // empty when written in place
  int fd_ = -1;
  int slot_ = -1; // in the signal handler's list of temporaries
  bool inPlace_ = false;
  bool committed_ = false;
};

/// Writes all `size` bytes to descriptor `fd`, retrying short and
/// interrupted writes; returns errno or 0.
int writeAll(int fd, const void *bytes, size_t size);

/// `path` with its directory's links, "." and ".." resolved (the file itself
/// need not exist; a link as the file is followed). Unchanged where the
/// directory cannot be resolved.
std::string resolvedOutputPath(const std::string &path);

/// Error when two of `outputs` (option, path) name one file (streams such as
/// /dev/null or /dev/stdout may repeat), or an output
/// names one of `inputs` (option, path; existing files): the later write
/// would replace the earlier one, or the input, with no trace.
Status checkDistinctFiles(
    const std::vector<std::pair<std::string, std::string>> &inputs,
    const std::vector<std::pair<std::string, std::string>> &outputs);

/// Makes SIGINT, SIGTERM and SIGHUP remove the temporary files of the
/// OutputFiles open at that moment before the process dies of the signal as
/// it would have, and ignores SIGXFSZ (a file-size limit then fails the
/// write with EFBIG, which the tool reports). Only signals still at their
/// default action are taken (an ignored one stays ignored; a handler
/// installed later, such as training's Ctrl-C checkpoint, replaces this
/// one). Call once, early in `main`. SIGKILL cannot be caught: it may leave
/// a `<name>.tmp.XXXXXX` beside the output (run folders remove theirs).
void removeTemporariesOnSignals();

/// Removes the temporary files of the OutputFiles open now (only
/// async-signal-safe calls: for signal handlers that end the process).
void removeOpenTemporaries();

/// Error unless `output` differs from `input` (same file: same device and
/// inode, whatever the names). An output that does not exist yet passes.
Status checkNotSameFile(const std::string &input, const std::string &output,
                        const char *inputRole);

} // namespace shodh
