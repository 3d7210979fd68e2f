//===- ThreadPool.cpp - A fixed pool of threads with static parallel-for --===//
#include "runtime/core/ThreadPool.h"
#include "runtime/support/Status.h"

#include <cblas.h>
#include <fmt/format.h>

#include <algorithm>

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
    stopping_ = true;
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
    pending_ = static_cast<int>(workers_.size());
    ++generation_;
  }
  startCv_.notify_all();
  runChunk(0);
  std::unique_lock<std::mutex> lock(mutex_);
  doneCv_.wait(lock, [this] { return pending_ == 0; });
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
    {
      std::unique_lock<std::mutex> lock(mutex_);
      startCv_.wait(lock, [&] { return stopping_ || generation_ != seen; });
      if (stopping_)
        return;
      seen = generation_;
    }
    runChunk(index + 1);
    std::lock_guard<std::mutex> lock(mutex_);
    if (--pending_ == 0)
      doneCv_.notify_one();
  }
}

} // namespace shodh
