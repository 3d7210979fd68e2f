//===- Progress.h - Progress lines for long-running tool commands ---------===//
//
// On a terminal the line is redrawn in place ("\r"); otherwise (logs, CI) a
// plain line is printed at most every `plainEvery` seconds and once at the end,
// so output stays readable when captured.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <string>
#include <unistd.h>

namespace shodh {

/// Thread-safe progress reporter for `total` units of work.
class Progress {
public:
  Progress(std::string label, int64_t total, double plainEvery = 10.0)
      : label_(std::move(label)), total_(total), plainEvery_(plainEvery),
        tty_(isatty(fileno(stderr)) != 0), start_(Clock::now()), lastPrint_(start_) {}

  /// Records `n` more finished units and redraws if due.
  void advance(int64_t n = 1) {
    std::lock_guard<std::mutex> lock(mutex_);
    done_ += n;
    auto now = Clock::now();
    double sinceLast = std::chrono::duration<double>(now - lastPrint_).count();
    bool finished = done_ >= total_;
    if (tty_ ? (sinceLast > 0.1 || finished) : (sinceLast > plainEvery_ || finished)) {
      lastPrint_ = now;
      print(finished);
    }
  }

  /// Seconds since construction.
  double elapsed() const {
    return std::chrono::duration<double>(Clock::now() - start_).count();
  }

private:
  using Clock = std::chrono::steady_clock;
  void print(bool finished) {
    double t = elapsed();
    double eta = done_ > 0 ? t * double(total_ - done_) / double(done_) : 0.0;
    std::fprintf(stderr, "%s%s: %lld/%lld (%.0f%%) %.1fs elapsed, ETA %.1fs%s", tty_ ? "\r" : "",
                 label_.c_str(), static_cast<long long>(done_), static_cast<long long>(total_),
                 total_ ? 100.0 * double(done_) / double(total_) : 100.0, t, eta,
                 tty_ && !finished ? "" : "\n");
    std::fflush(stderr);
  }
  std::string label_;
  int64_t total_;
  int64_t done_ = 0;
  double plainEvery_;
  bool tty_;
  Clock::time_point start_, lastPrint_;
  std::mutex mutex_;
};

} // namespace shodh
