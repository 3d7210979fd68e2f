//===- ThreadPoolTest.cpp - Static chunking and coverage of parallelFor ---===//
#include "runtime/core/ThreadPool.h"
#include "runtime/support/Status.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

using namespace shodh;

namespace {

TEST(ThreadPool, EveryIndexRunsExactlyOnce) {
  for (int threads : {1, 2, 3, 4, 7}) {
    ThreadPool pool(threads);
    EXPECT_EQ(pool.size(), threads);
    for (int64_t n : {0, 1, 2, 3, 5, 8, 13, 64, 1000, 4097}) {
      std::vector<std::atomic<int>> hits(static_cast<size_t>(n));
      pool.parallelFor(n, [&](int64_t b, int64_t e) {
        for (int64_t i = b; i < e; ++i)
          hits[i]++;
      });
      for (int64_t i = 0; i < n; ++i)
        ASSERT_EQ(hits[i].load(), 1)
            << "threads " << threads << " n " << n << " i " << i;
    }
  }
}

TEST(ThreadPool, ChunksAreStaticAndContiguous) {
  // staticChunk: the first n % c chunks are one longer; together they tile [0,
  // n).
  for (int64_t n : {1, 7, 10, 100}) {
    for (int64_t c = 1; c <= std::min<int64_t>(n, 6); ++c) {
      int64_t next = 0;
      for (int64_t k = 0; k < c; ++k) {
        ChunkRange r = staticChunk(n, c, k);
        EXPECT_EQ(r.begin, next);
        EXPECT_EQ(r.end - r.begin, n / c + (k < n % c ? 1 : 0));
        next = r.end;
      }
      EXPECT_EQ(next, n);
    }
  }
  // The pool calls fn with exactly these chunks, chunk 0 on the caller.
  ThreadPool pool(3);
  std::vector<std::pair<int64_t, int64_t>> seen(3, {-1, -1});
  std::thread::id callerChunk;
  pool.parallelFor(10, [&](int64_t b, int64_t e) {
    int k = b == 0 ? 0 : (b == 4 ? 1 : 2);
    seen[k] = {b, e};
    if (b == 0)
      callerChunk = std::this_thread::get_id();
  });
  EXPECT_EQ(seen, (std::vector<std::pair<int64_t, int64_t>>{
                      {0, 4}, {4, 7}, {7, 10}}));
  EXPECT_EQ(callerChunk, std::this_thread::get_id());
}

TEST(ThreadPool, GrainLimitsTheNumberOfChunks) {
  ThreadPool pool(4);
  std::atomic<int> calls{0};
  pool.parallelFor(100, 60, [&](int64_t b, int64_t e) {
    EXPECT_EQ(b, 0);
    EXPECT_EQ(e, 100);
    calls++;
  });
  EXPECT_EQ(calls.load(), 1);
  calls = 0;
  pool.parallelFor(100, 30, [&](int64_t, int64_t) { calls++; });
  EXPECT_EQ(calls.load(), 3);
}

TEST(ThreadPool, SingleThreadRunsInline) {
  ThreadPool pool(1);
  std::thread::id id;
  pool.parallelFor(100, [&](int64_t b, int64_t e) {
    EXPECT_EQ(b, 0);
    EXPECT_EQ(e, 100);
    id = std::this_thread::get_id();
  });
  EXPECT_EQ(id, std::this_thread::get_id());
}

TEST(ThreadPool, NestedLoopsRunInlineWithoutDeadlock) {
  ThreadPool pool(2);
  std::atomic<int64_t> sum{0};
  pool.parallelFor(4, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i)
      pool.parallelFor(10, [&](int64_t lo, int64_t hi) { sum += hi - lo; });
  });
  EXPECT_EQ(sum.load(), 40);
}

TEST(ThreadPool, ExceptionsReachTheCallerAndThePoolStaysUsable) {
  ThreadPool pool(3);
  EXPECT_THROW(pool.parallelFor(9,
                                [&](int64_t b, int64_t) {
                                  if (b > 0)
                                    throw Error("chunk failed");
                                }),
               Error);
  std::atomic<int64_t> count{0};
  pool.parallelFor(9, [&](int64_t b, int64_t e) { count += e - b; });
  EXPECT_EQ(count.load(), 9);
}

TEST(ThreadPool, ManyConsecutiveLoops) {
  ThreadPool pool(4);
  int64_t total = 0;
  for (int rep = 0; rep < 2000; ++rep) {
    std::atomic<int64_t> s{0};
    pool.parallelFor(rep % 9, [&](int64_t b, int64_t e) { s += e - b; });
    total += s.load();
  }
  int64_t expected = 0;
  for (int rep = 0; rep < 2000; ++rep)
    expected += rep % 9;
  EXPECT_EQ(total, expected);
}

// Jobs that follow each other at once (the workers still polling), after a
// pause longer than the 50 us poll (the workers blocked on the condition
// variable), with chunks of uneven length (the caller finishing first or
// last), and an exception in a worker's chunk while the others poll: every
// chunk runs once per job, every job sees its own data.
TEST(ThreadPool, PollingAndBlockingHandOffs) {
  ThreadPool pool(3);
  std::vector<int64_t> seen(3 * 300, 0);
  for (int job = 0; job < 300; ++job) {
    if (job % 50 == 25)
      std::this_thread::sleep_for(std::chrono::microseconds(300));
    pool.parallelFor(3, [&](int64_t b, int64_t e) {
      for (int64_t c = b; c < e; ++c) {
        // Uneven chunks: ~20 us (the others still polling) or ~200 us (past
        // the 50 us poll: the caller or the workers block, then are woken).
        const int64_t us = (job + c) % 7 == 0 ? 20 : (job + c) % 11 == 0 ? 200 : 0;
        for (auto t0 = std::chrono::steady_clock::now();
             std::chrono::steady_clock::now() - t0 < std::chrono::microseconds(us);)
          ;
        seen[size_t(job * 3 + c)] += 1;
      }
    });
    if (job % 60 == 30) {
      EXPECT_THROW(pool.parallelFor(3,
                                    [&](int64_t b, int64_t) {
                                      if (b == 2)
                                        throw Error("chunk 2");
                                    }),
                   Error);
    }
  }
  for (size_t i = 0; i < seen.size(); ++i)
    ASSERT_EQ(seen[i], 1) << "job " << i / 3 << " chunk " << i % 3;
}

TEST(ThreadPool, RejectsZeroThreads) { EXPECT_THROW(ThreadPool(0), Error); }

TEST(ThreadPool, NullPoolRunsInline) {
  int64_t seen = 0;
  parallelFor(nullptr, 17, 1, [&](int64_t b, int64_t e) { seen += e - b; });
  EXPECT_EQ(seen, 17);
}

} // namespace
