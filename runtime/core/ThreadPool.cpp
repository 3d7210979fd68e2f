//===- ThreadPool.cpp - A fixed pool of threads with static parallel-for --===//
#include "runtime/core/ThreadPool.h"
#include "runtime/support/Status.h"

#include <cblas.h>
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <thread>

namespace shodh {

namespace {
/// The pool whose chunk the current thread is running, if any.
thread_local const ThreadPool *currentPool = nullptr;

/// Marks the current thread as running a chunk of `pool` for its lifetime.
class InsideChunk {
public:
  explicit InsideChunk(const ThreadPool *pool) : saved_(currentPool) {
    currentPool = pool;
  }
  ~InsideChunk() { currentPool = saved_; }

private:
  const ThreadPool *saved_;
};

/// Polls `done` for up to kSpinMicros before the caller blocks on a
/// condition variable: a kernel's parallel regions follow each other within
/// microseconds, and waking a sleeping thread costs 10-30 us on this
/// project's VMs (a futex wake and a reschedule). Every 64 polls it yields
/// the core, so a poller never holds up a runnable thread that shares it
/// (more threads than cores, or OpenBLAS's own idle threads spinning for
/// their first ~0.1 s). Returns done().
constexpr int64_t kSpinMicros = 50;

template <typename Done>
bool spinUntil(Done done) {
  if (done())
    return true;
  const auto until = std::chrono::steady_clock::now() + std::chrono::microseconds(kSpinMicros);
  for (;;) {
    for (int i = 0; i < 64; ++i) {
      if (done())
        return true;
#if defined(__x86_64__)
      __builtin_ia32_pause();
#endif
    }
    if (std::chrono::steady_clock::now() >= until)
      return done();
    std::this_thread::yield();
  }
}

} // namespace

ChunkRange staticChunk(int64_t count, int64_t chunks, int64_t c) {
  int64_t q = count / chunks, r = count % chunks;
  return ChunkRange{c * q + std::min(c, r), (c + 1) * q + std::min(c + 1, r)};
}

void useSingleThreadedBlas() { openblas_set_num_threads(1); }

ThreadPool::ThreadPool(int threads) {
  if (threads < 1)
    throw Error(
        fmt::format("thread count must be at least 1, got {}", threads));
  useSingleThreadedBlas();
  workers_.reserve(static_cast<size_t>(threads - 1));
  for (int i = 0; i + 1 < threads; ++i)
    workers_.emplace_back([this, i] { workerLoop(i); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_.store(true);
  }
  startCv_.notify_all();
  for (std::thread &t : workers_)
    t.join();
}

void ThreadPool::parallelFor(int64_t count, const RangeFn &fn) {
  runChunks(count, std::min<int64_t>(size(), count), fn);
}

void ThreadPool::parallelFor(int64_t count, int64_t grain, const RangeFn &fn) {
  int64_t byGrain = grain > 1 ? count / grain : count;
  runChunks(count, std::max<int64_t>(1, std::min<int64_t>(size(), byGrain)),
            fn);
}

void ThreadPool::runChunks(int64_t count, int64_t chunks, const RangeFn &fn) {
  if (count <= 0)
    return;
  if (chunks == 1 || currentPool != nullptr) { // single chunk or nested: inline
    fn(0, count);
    return;
  }
  std::lock_guard<std::mutex> submit(submitMutex_);
  runOnWorkers(count, chunks, fn);
}

void ThreadPool::runOnWorkers(int64_t count, int64_t chunks,
                              const RangeFn &fn) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    jobFn_ = &fn, jobCount_ = count, jobChunks_ = chunks;
    jobError_ = nullptr;
    pending_.store(static_cast<int>(workers_.size()));
    generation_.fetch_add(1, std::memory_order_release); // after the job fields
  }
  startCv_.notify_all(); // only workers that stopped spinning wait on it
  runChunk(0);
  if (!spinUntil([this] { return pending_.load(std::memory_order_acquire) == 0; })) {
    std::unique_lock<std::mutex> lock(mutex_);
    doneCv_.wait(lock, [this] { return pending_.load(std::memory_order_acquire) == 0; });
  }
  jobFn_ = nullptr;
  if (jobError_)
    std::rethrow_exception(jobError_);
}

void ThreadPool::runChunk(int64_t c) {
  if (c >= jobChunks_)
    return;
  ChunkRange r = staticChunk(jobCount_, jobChunks_, c);
  try {
    InsideChunk inside(this);
    (*jobFn_)(r.begin, r.end);
  } catch (...) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!jobError_)
      jobError_ = std::current_exception();
  }
}

void parallelFor(ThreadPool *pool, int64_t count, int64_t grain,
                 const ThreadPool::RangeFn &fn) {
  if (pool)
    pool->parallelFor(count, grain, fn);
  else if (count > 0)
    fn(0, count);
}

void ThreadPool::workerLoop(int index) {
  uint64_t seen = 0;
  for (;;) {
    auto ready = [&] {
      return stopping_.load(std::memory_order_acquire) ||
             generation_.load(std::memory_order_acquire) != seen;
    };
    if (!spinUntil(ready)) {
      std::unique_lock<std::mutex> lock(mutex_);
      startCv_.wait(lock, ready);
    }
    if (stopping_.load(std::memory_order_acquire))
      return;
    seen = generation_.load(std::memory_order_acquire);
    runChunk(index + 1);
    // The last worker wakes a caller that stopped spinning: it takes the
    // mutex after its decrement, so the caller's check under the mutex and
    // its wait cannot miss the notification.
    if (pending_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      std::lock_guard<std::mutex> lock(mutex_);
      doneCv_.notify_one();
    }
  }
}

} // namespace shodh
