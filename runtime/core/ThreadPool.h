//===- ThreadPool.h - A fixed pool of threads with static parallel-for ----===//
//
// `ThreadPool(n)` starts n-1 worker threads once; the thread calling
// `parallelFor` is the n-th and runs chunk 0 itself. `parallelFor(count, fn)`
// cuts [0, count) into min(n, count) contiguous chunks whose bounds depend
// only on (count, n) — chunk c is [c*q + min(c, r), (c+1)*q + min(c+1, r))
// with q = count / chunks and r = count % chunks — and runs chunk c on thread
// c. With n = 1 everything runs inline on the caller. An overload with a
// grain size uses fewer chunks for small loops (at most count / grain).
//
// Thread policy: Shodh parallelises over rows/blocks itself and keeps
// OpenBLAS single-threaded. Creating a pool calls
// `openblas_set_num_threads(1)`, so BLAS calls made from pool chunks never
// spawn threads of their own and the total thread count is the session's.
//
// A `parallelFor` issued from inside a chunk (nested) runs inline, and calls
// from several outside threads are serialised, so neither can deadlock.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace shodh {

/// Half-open index range [begin, end) of one chunk of a parallel loop.
struct ChunkRange {
  int64_t begin = 0;
  int64_t end = 0;
};

/// Bounds of chunk `c` when [0, count) is cut into `chunks` contiguous,
/// nearly equal pieces (the first count % chunks are one longer).
ChunkRange staticChunk(int64_t count, int64_t chunks, int64_t c);

/// Sets OpenBLAS to one thread (see the thread policy above).
void useSingleThreadedBlas();

/// A fixed set of threads running statically partitioned loops.
class ThreadPool {
public:
  /// Body of a parallel loop: processes indices [begin, end).
  using RangeFn = std::function<void(int64_t begin, int64_t end)>;

  /// Starts `threads - 1` workers; throws `Error` unless threads >= 1.
  explicit ThreadPool(int threads);
  /// Stops and joins the workers.
  ~ThreadPool();
  ThreadPool(const ThreadPool &) = delete;
  ThreadPool &operator=(const ThreadPool &) = delete;

  /// Number of threads that run chunks, the caller included.
  int size() const { return static_cast<int>(workers_.size()) + 1; }

  /// Runs `fn` on the static chunks of [0, count) and waits for all of
  /// them. The first exception thrown by a chunk is rethrown here after every
  /// chunk has finished. Does nothing when count <= 0.
  void parallelFor(int64_t count, const RangeFn &fn);

  /// Like `parallelFor(count, fn)` but with at most count / grain chunks (at
  /// least one), so chunks hold >= `grain` indices where possible: small loops
  /// run inline instead of paying for waking the workers. The partition still
  /// depends only on (count, grain, size()).
  void parallelFor(int64_t count, int64_t grain, const RangeFn &fn);

private:
  /// Main loop of worker `index` (which runs chunk index + 1).
  void workerLoop(int index);
  /// Runs `fn` on `chunks` static chunks of [0, count) (1 <= chunks <= size()).
  void runChunks(int64_t count, int64_t chunks, const RangeFn &fn);
  /// Runs chunk `c` of the current job, recording its exception if any.
  void runChunk(int64_t c);
  /// Publishes the job to the workers and waits until all have reported.
  void runOnWorkers(int64_t count, int64_t chunks, const RangeFn &fn);

  std::vector<std::thread> workers_;
  std::mutex submitMutex_; ///< serialises parallelFor calls from outside
  std::mutex mutex_;       ///< guards the job fields below
  std::condition_variable startCv_;
  std::condition_variable doneCv_;
  /// Job counter (incremented under mutex_, with release, after the job
  /// fields) and workers still running the job (set under mutex_, each
  /// worker's decrement outside it, acq_rel): polled without the mutex (see
  /// runOnWorkers / workerLoop).
  std::atomic<uint64_t> generation_{0};
  std::atomic<int> pending_{0};
  std::atomic<bool> stopping_{false};
  const RangeFn *jobFn_ = nullptr;
  int64_t jobCount_ = 0;
  int64_t jobChunks_ = 0;
  std::exception_ptr jobError_;
};

/// `pool->parallelFor(count, grain, fn)`, or `fn(0, count)` inline when
/// `pool` is null (kernels run without a pool in some tools and tests).
void parallelFor(ThreadPool *pool, int64_t count, int64_t grain,
                 const ThreadPool::RangeFn &fn);

} // namespace shodh
