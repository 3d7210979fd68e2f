//===- TrainFixture.cpp - Files for the shodh-run train lit tests ---------===//
//
// `shodh-train-fixture DIR` writes what test/tools/shodh-run-train.test
// needs until the compiler emits train_step programs:
//
//   acc.fb     the accumulator model of TrainTestModels.h (train_step with
//              p ← p + lr·Σx, infer y = p·x), cosine schedule lr 0.1,
//              warm-up 2
//   train.h5   16 samples (16, 1): inputs 1…16, targets 2·inputs
//   val.h5     5 samples, root attribute pde = "poisson"
//   huge.h5    16 samples of 1e38 with zero targets: p overflows to +Inf at
//              step 3 with --no-normalize --lr 1
//
//===----------------------------------------------------------------------===//
#include "runtime/data/Hdf5File.h"
#include "runtime/format/ModelFile.h"
#include "runtime/support/Status.h"
#include "test/unit/train/TrainTestModels.h"

#include <cstdio>
#include <functional>

using namespace shodh;

namespace {

/// Writes `n` samples (n, 1) with the given inputs and targets.
void writeData(const std::string &path, int n,
               const std::function<float(int)> &input,
               const std::function<float(int)> &target,
               const std::string &pde = "") {
  Hdf5Writer w(path);
  FloatArray x{{n, 1}, {}}, y{{n, 1}, {}};
  for (int i = 0; i < n; ++i)
    x.values.push_back(input(i)), y.values.push_back(target(i));
  w.writeFloats("inputs", x);
  w.writeFloats("targets", y);
  if (!pde.empty())
    w.writeStringsAttr("/", "pde", {pde});
  w.commit();
}

} // namespace

int main(int argc, char **argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: shodh-train-fixture DIR\n");
    return 2;
  }
  std::string dir = argv[1];
  try {
    ModelDesc m = shodh::testing::accumulatorModel(
        {{"train.lr", 0.1},
         {"train.schedule", std::string("cosine")},
         {"train.warmup", int64_t(2)},
         {"train.loss", std::string("mse")}});
    if (Status s = writeModelFile(m, dir + "/acc.fb"); !s.ok())
      throw Error(s.message());
    auto ramp = [](int i) { return float(i + 1); };
    auto twice = [](int i) { return 2.0f * float(i + 1); };
    writeData(dir + "/train.h5", 16, ramp, twice);
    writeData(dir + "/val.h5", 5, ramp, twice, "poisson");
    writeData(
        dir + "/huge.h5", 16, [](int) { return 1e38f; },
        [](int) { return 0.0f; });
  } catch (const Error &e) {
    std::fprintf(stderr, "shodh-train-fixture: error: %s\n", e.what());
    return 1;
  }
  return 0;
}
