//===- Shuffle.h - The sample order of one training epoch -----------------===//
//
// The training loader visits samples in `epochOrder(n, seed, epoch)`: a
// Fisher–Yates shuffle of 0…n−1 driven by a SplitMix64 stream seeded from
// (seed, epoch) (runtime/data/gen/Random.h). The order depends on nothing
// else — not on threads, batch size or where a run was resumed — which is
// what makes `--resume` bit-exact. The algorithm (docs/training.md):
//
//   order = [0, 1, ..., n-1];  rng = SplitMix64(seed, epoch)
//   for i = n-1 down to 1:  j = rng.next() mod (i+1);  swap(order[i], order[j])
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <vector>

namespace shodh {

/// The shuffled order of `n` samples in epoch `epoch` of a run seeded `seed`.
std::vector<int64_t> epochOrder(int64_t n, uint64_t seed, int64_t epoch);

} // namespace shodh
