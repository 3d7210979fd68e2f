//===- AtomicText.h - Replacing a small text file atomically --------------===//
//
// Writes `text` through an `OutputFile` (a fresh temporary file, fsynced and
// renamed over `path`), so readers (and a run killed mid-write) see the old or
// the new contents, never a mix. Used for metrics.jsonl rewrites on resume,
// the run's FFTW wisdom and the JSON reports of `shodh-run eval`.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <string>

namespace shodh {

/// Replaces `path` by `text`; throws `Error` ("cannot write 'p': reason")
/// and removes the temporary file on failure.
void writeTextAtomically(const std::string &path, const std::string &text);

} // namespace shodh
