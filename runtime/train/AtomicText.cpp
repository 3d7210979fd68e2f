//===- AtomicText.cpp - Replacing a small text file atomically ------------===//
#include "runtime/train/AtomicText.h"
#include "runtime/support/Status.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <unistd.h>

namespace shodh {

void writeTextAtomically(const std::string &path, const std::string &text) {
  std::string tmp = path + ".tmp";
  FILE *f = std::fopen(tmp.c_str(), "w");
  bool ok = f != nullptr;
  ok = ok && std::fwrite(text.data(), 1, text.size(), f) == text.size();
  ok = ok && std::fflush(f) == 0 && fsync(fileno(f)) == 0;
  if (f)
    ok = std::fclose(f) == 0 && ok;
  if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::string reason = std::strerror(errno);
    std::remove(tmp.c_str());
    throw Error(fmt::format("cannot write '{}': {}", path, reason));
  }
}

} // namespace shodh
