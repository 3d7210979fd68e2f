//===- DataLoaderTest.cpp - Shuffling, coverage and prefetch of batches ---===//
#include "runtime/train/DataLoader.h"
#include "runtime/train/Shuffle.h"
#include "test/unit/ExpectError.h"
#include "test/unit/train/TrainTestModels.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

using namespace shodh;
using shodh::testing::expectError;
using shodh::testing::rampData;

namespace {

/// Statistics that leave data unchanged.
Normalizer identity() {
  return Normalizer{ChannelStats::identity(1), ChannelStats::identity(1)};
}

/// Training loader options.
LoaderOptions training(int64_t batch, uint64_t seed) {
  LoaderOptions o;
  o.batch = batch, o.training = true, o.seed = seed;
  return o;
}

TEST(ShuffleTest, OrderIsAPermutationDependingOnlyOnSeedAndEpoch) {
  std::vector<int64_t> a = epochOrder(100, 7, 3);
  std::vector<int64_t> sorted = a;
  std::sort(sorted.begin(), sorted.end());
  for (int64_t i = 0; i < 100; ++i)
    EXPECT_EQ(sorted[i], i);
  EXPECT_EQ(a, epochOrder(100, 7, 3));
  EXPECT_NE(a, epochOrder(100, 7, 4));
  EXPECT_NE(a, epochOrder(100, 8, 3));
  EXPECT_TRUE(epochOrder(0, 1, 0).empty());
  EXPECT_EQ(epochOrder(1, 1, 0), std::vector<int64_t>{0});
}

TEST(ShuffleTest, OrderIsStableAcrossReleases) {
  // Pinned output of the documented algorithm (docs/training.md): changing it
  // silently would break --resume of existing runs.
  std::vector<int64_t> order = epochOrder(8, 0, 0);
  std::vector<int64_t> again = epochOrder(8, 0, 0);
  EXPECT_EQ(order, again);
  // Fisher–Yates with SplitMix64(seed 0, epoch 0), transcribed independently.
  uint64_t state = 0 * 0x9E3779B97F4A7C15ull + 1 * 0xD1B54A32D192ED03ull;
  std::vector<int64_t> ref{0, 1, 2, 3, 4, 5, 6, 7};
  for (int64_t i = 7; i >= 1; --i) {
    uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    std::swap(ref[i], ref[z % uint64_t(i + 1)]);
  }
  EXPECT_EQ(order, ref);
}

TEST(DataLoaderTest, EveryEpochCoversEverySampleOnce) {
  TrainingData d = rampData(12);
  Normalizer n = identity();
  DataLoader loader(d, n, training(3, 5));
  EXPECT_EQ(loader.batchesPerEpoch(), 4);
  for (int64_t epoch = 0; epoch < 3; ++epoch) {
    std::multiset<int64_t> seen;
    std::vector<int64_t> visited;
    for (int b = 0; b < 4; ++b) {
      Batch batch = *loader.next();
      EXPECT_EQ(batch.start.epoch, epoch);
      EXPECT_EQ(batch.rows, 3);
      for (int64_t r = 0; r < 3; ++r) {
        seen.insert(batch.samples[r]);
        visited.push_back(batch.samples[r]);
        EXPECT_EQ(batch.inputs[r],
                  float(batch.samples[r] + 1)); // the sample's data
        EXPECT_EQ(batch.targets[r], 2.0f * float(batch.samples[r] + 1));
      }
    }
    EXPECT_EQ(seen.size(), 12u);
    EXPECT_EQ(std::set<int64_t>(seen.begin(), seen.end()).size(), 12u);
    EXPECT_EQ(visited, epochOrder(12, 5, epoch)); // exactly the epoch's order
  }
}

TEST(DataLoaderTest, DropLastSkipsTheRemainderOfEachEpoch) {
  TrainingData d = rampData(10);
  Normalizer n = identity();
  DataLoader loader(d, n, training(4, 1));
  EXPECT_EQ(loader.batchesPerEpoch(), 2);
  Batch b0 = *loader.next(), b1 = *loader.next(), b2 = *loader.next();
  EXPECT_EQ(b1.start, (LoaderPosition{0, 4}));
  EXPECT_EQ(b2.start,
            (LoaderPosition{1, 0})); // samples 8, 9 of epoch 0's order skipped
  EXPECT_EQ(loader.position(), (LoaderPosition{1, 4}));
  std::vector<int64_t> order1 = epochOrder(10, 1, 1);
  EXPECT_EQ(b2.samples,
            std::vector<int64_t>(order1.begin(), order1.begin() + 4));
}

TEST(DataLoaderTest, RestartAtAPositionGivesTheSameBatches) {
  TrainingData d = rampData(9);
  Normalizer n{ChannelStats{{2.0}, {4.0}}, ChannelStats{{1.0}, {0.5}}};
  DataLoader full(d, n, training(2, 42));
  std::vector<Batch> reference;
  for (int i = 0; i < 11; ++i)
    reference.push_back(*full.next());
  DataLoader first(d, n, training(2, 42));
  for (int i = 0; i < 5; ++i)
    first.next();
  LoaderPosition saved = first.position();
  DataLoader resumed(d, n, training(2, 42), saved);
  for (int i = 5; i < 11; ++i) {
    Batch b = *resumed.next();
    EXPECT_EQ(b.start, reference[i].start) << i;
    EXPECT_EQ(b.samples, reference[i].samples) << i;
    EXPECT_EQ(b.inputs, reference[i].inputs) << i;
  }
}

TEST(DataLoaderTest, PrefetchedBatchesAreNormalisedCopiesOfTheData) {
  TrainingData d = rampData(6);
  Normalizer n{ChannelStats{{3.0}, {2.0}}, ChannelStats{{-1.0}, {4.0}}};
  DataLoader loader(d, n, training(3, 9));
  for (int i = 0; i < 8; ++i) {
    Batch b = *loader.next();
    for (int64_t r = 0; r < 3; ++r) {
      float x = float(b.samples[r] + 1);
      EXPECT_EQ(b.inputs[r], float((double(x) - 3.0) / 2.0));
      EXPECT_EQ(b.targets[r], float((double(2.0f * x) + 1.0) / 4.0));
    }
  }
}

TEST(DataLoaderTest, EvaluationVisitsSamplesOnceInOrder) {
  TrainingData d = rampData(7);
  Normalizer n{ChannelStats{{1.0}, {1.0}}, ChannelStats{{5.0}, {5.0}}};
  LoaderOptions o;
  o.batch = 3, o.training = false, o.normalizeTargets = false;
  DataLoader loader(d, n, o);
  std::vector<int64_t> rows, samples;
  while (std::optional<Batch> b = loader.next()) {
    rows.push_back(b->rows);
    samples.insert(samples.end(), b->samples.begin(), b->samples.end());
    EXPECT_EQ(b->targets[0], 2.0f * float(b->samples[0] + 1)); // physical units
    EXPECT_EQ(b->inputs[0], float(b->samples[0]));             // x − 1
  }
  EXPECT_EQ(rows, (std::vector<int64_t>{3, 3, 1}));
  EXPECT_EQ(samples, (std::vector<int64_t>{0, 1, 2, 3, 4, 5, 6}));
  EXPECT_FALSE(loader.next().has_value());
}

TEST(DataLoaderTest, Errors) {
  TrainingData d = rampData(3, "small.h5");
  Normalizer n = identity();
  expectError([&] { DataLoader l(d, n, training(4, 0)); },
              "'small.h5' holds 3 samples, fewer than one batch of 4");
  expectError([&] { DataLoader l(d, n, training(0, 0)); },
              "batch size must be at least 1");
  expectError(
      [&] {
        DataLoader l(d, n, training(1, 0), LoaderPosition{0, 9});
      },
      "'small.h5': loader position (epoch 0, sample 9) is outside the data (3 "
      "samples)");
}

TEST(DataLoaderTest, StopsCleanlyWithABatchPending) {
  TrainingData d = rampData(64);
  Normalizer n = identity();
  for (int i = 0; i < 20; ++i) {
    DataLoader loader(d, n, training(8, uint64_t(i)));
    loader.next(); // the thread has (or is building) the next batch
  }
}

} // namespace
