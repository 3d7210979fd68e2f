//===- AtomicText.cpp - Replacing a small text file atomically ------------===//
#include "runtime/train/AtomicText.h"
#include "runtime/support/OutputFile.h"

namespace shodh {

void writeTextAtomically(const std::string &path, const std::string &text) {
  OutputFile out;
  Status s = out.open(path, /*allowStream=*/true);
  if (s.ok())
    s = out.write(text.data(), text.size());
  if (s.ok())
    s = out.commit();
  if (!s.ok())
    throw Error(s.message());
}

} // namespace shodh
