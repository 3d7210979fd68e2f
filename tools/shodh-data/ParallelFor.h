//===- ParallelFor.h - The worker pool of shodh-data's generators ---------===//
//
// Runs `body(state, i)` for every i in [0, n) on `threads` std::threads that
// take indices from an atomic counter. Each thread first builds its own
// `state` (e.g. a sampler owning FFTW plans). The first exception thrown by
// any thread stops the others from taking new indices and is rethrown on the
// calling thread once all have joined.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <atomic>
#include <cstdint>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace shodh {

/// Parallel loop over [0, n) with per-thread state; see the file comment.
template <typename MakeState, typename Body>
void parallelFor(int64_t n, int threads, MakeState makeState, Body body) {
  std::atomic<int64_t> next{0};
  std::exception_ptr failure;
  std::mutex failureMutex;
  auto worker = [&] {
    try {
      auto state = makeState();
      for (int64_t i; (i = next.fetch_add(1)) < n;)
        body(state, i);
    } catch (...) {
      std::lock_guard<std::mutex> lock(failureMutex);
      if (!failure)
        failure = std::current_exception();
      next.store(n); // the others stop after their current index
    }
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t)
    pool.emplace_back(worker);
  worker();
  for (std::thread &t : pool)
    t.join();
  if (failure)
    std::rethrow_exception(failure);
}

} // namespace shodh
