//===- AtomicText.h - Replacing a small text file atomically --------------===//
//
// Writes `path.tmp`, fsyncs it and renames it over `path`, so readers (and a
// run killed mid-write) see the old or the new contents, never a mix. Used
// for metrics.jsonl rewrites on resume and the run's FFTW wisdom.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <string>

namespace shodh {

/// Replaces `path` by `text`; throws `Error` ("cannot write 'p': reason")
/// and removes the temporary file on failure.
void writeTextAtomically(const std::string &path, const std::string &text);

} // namespace shodh
