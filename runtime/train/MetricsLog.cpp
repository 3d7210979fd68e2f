//===- MetricsLog.cpp - metrics.jsonl: one JSON record per logged step ----===//
#include "runtime/train/MetricsLog.h"
#include "runtime/support/JsonText.h"
#include "runtime/train/AtomicText.h"
#include "runtime/support/Status.h"

#include <fmt/format.h>

#include <cerrno>
#include <cinttypes>
#include <cmath>
#include <cstring>
#include <fstream>
#include <vector>

#include <unistd.h>

namespace shodh {
namespace {

/// The step of a metrics line written by `toJson`, or -1.
int64_t stepOf(const std::string &line) {
  long long step = -1;
  return std::sscanf(line.c_str(), "{\"step\": %lld", &step) == 1 ? step : -1;
}

/// The lines of `path` whose step is at most `maxStep` (none if absent).
std::vector<std::string> linesUpTo(const std::string &path, int64_t maxStep) {
  std::vector<std::string> kept;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);)
    if (int64_t s = stepOf(line); s >= 0 && s <= maxStep)
      kept.push_back(line);
  return kept;
}

/// Replaces `path` by `lines` atomically (temp file, fsync, rename), so a run
/// killed while resuming never loses the records before its checkpoint.
void rewriteAtomically(const std::string &path, const std::vector<std::string> &lines) {
  std::string text;
  for (const std::string &line : lines)
    text += line + "\n";
  writeTextAtomically(path, text);
}

} // namespace

std::string toJson(const MetricsRecord &r) {
  std::string terms;
  for (const auto &[name, value] : r.terms)
    terms += fmt::format("\"{}\": {}, ", name, jsonNumber(value));
  return fmt::format(
      "{{\"step\": {}, \"epoch\": {}, \"loss\": {}, \"loss_avg\": {}, \"lr\": "
      "{}, "
      "\"val_rel_l2\": {}, \"val_mse\": {}, {}\"seconds\": {:.3f}, "
      "\"val_seconds\": {}}}",
      r.step, r.epoch, jsonNumber(r.loss), jsonNumber(r.lossAvg),
      jsonNumber(r.lr), r.valRelL2 ? jsonNumber(*r.valRelL2) : "null",
      r.valMse ? jsonNumber(*r.valMse) : "null", terms, r.seconds,
      r.valSeconds ? fmt::format("{:.3f}", *r.valSeconds) : "null");
}

MetricsLog::MetricsLog(std::string path, int64_t keepUpToStep)
    : path_(std::move(path)) {
  if (keepUpToStep >= 0)
    rewriteAtomically(path_, linesUpTo(path_, keepUpToStep));
  file_ = std::fopen(path_.c_str(), keepUpToStep >= 0 ? "a" : "w");
  if (!file_)
    throw Error(
        fmt::format("cannot write '{}': {}", path_, std::strerror(errno)));
}

MetricsLog::~MetricsLog() {
  if (file_)
    std::fclose(file_);
}

void MetricsLog::append(const MetricsRecord &r) {
  std::string line = toJson(r);
  if (std::fprintf(file_, "%s\n", line.c_str()) < 0 || std::fflush(file_) != 0)
    throw Error(
        fmt::format("cannot write '{}': {}", path_, std::strerror(errno)));
}

} // namespace shodh
