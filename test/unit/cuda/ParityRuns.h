//===- ParityRuns.h - A kernel on the CPU and twice on the GPU ------------===//
//
// `gpuTwice` runs kernel `name` on the CPU into `want` and twice on the
// GPU, expects the two GPU runs bit-identical (no atomics, fixed orders)
// and returns the first (AttentionParityTest.cpp, ConvParityTest.cpp).
//
//===----------------------------------------------------------------------===//
#pragma once

#include "CudaHarness.h"
#include "RoutingCases.h"

namespace shodh::testing {

inline std::vector<HostTensor>
gpuTwice(const std::string &name, std::vector<NamedAttr> attrs,
         const std::vector<const HostTensor *> &ins,
         const std::vector<HostTensor *> &want) {
  std::vector<const HostTensor *> cpuOuts(want.begin(), want.end());
  runKernel(name, attrs, ins, cpuOuts, 2);
  std::vector<HostTensor> runs[2];
  for (auto &run : runs) {
    std::vector<const HostTensor *> outs;
    run.reserve(want.size());
    for (HostTensor *t : want)
      run.emplace_back(t->dtype, t->shape);
    for (HostTensor &t : run)
      outs.push_back(&t);
    runOnCuda(name, attrs, ins, outs);
  }
  for (size_t i = 0; i < want.size(); ++i)
    expectSameBytes(runs[1][i], runs[0][i], name + " repeat");
  return std::move(runs[0]);
}

} // namespace shodh::testing
