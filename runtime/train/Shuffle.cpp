//===- Shuffle.cpp - The sample order of one training epoch ---------------===//
#include "runtime/train/Shuffle.h"
#include "runtime/data/gen/Random.h"

#include <numeric>
#include <utility>

namespace shodh {

std::vector<int64_t> epochOrder(int64_t n, uint64_t seed, int64_t epoch) {
  std::vector<int64_t> order(static_cast<size_t>(n));
  std::iota(order.begin(), order.end(), int64_t(0));
  SplitMix64 rng(seed, static_cast<uint64_t>(epoch));
  for (int64_t i = n - 1; i >= 1; --i) {
    auto j = static_cast<int64_t>(rng.next() % static_cast<uint64_t>(i + 1));
    std::swap(order[i], order[j]);
  }
  return order;
}

} // namespace shodh
