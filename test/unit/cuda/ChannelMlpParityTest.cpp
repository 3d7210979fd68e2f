//===- ChannelMlpParityTest.cpp - CUDA channel MLP against the CPU --------===//
//
// channel_mlp and channel_mlp_grad on the GPU against the CPU kernels
// (whose own test checks them against a double reference and finite
// differences), on shapes with one n, several n in one chunk, a partial
// CPU tile and the channel axis in the middle. Skipped without a device.
// Tolerance 1e-4 relative to max(1, |value|): both sides round GEMM sums
// of at most a few hundred f32 products in different orders (≈ 1e-6
// relative each), and the weight gradients sum over every position; a
// second GPU run must repeat bitwise (no atomics). Each shape also runs with
// the hidden scratch limited to one n per chunk (several chunks, the weight
// gradients accumulating across them), which must match the CPU too.
// channel_mlp_mse_grad (loss and gradients against a target) likewise.
//
//===----------------------------------------------------------------------===//
#include "CudaHarness.h"
#include "runtime/kernels/cuda/CudaKernels.h"

#include <gtest/gtest.h>

#include <optional>
#include <random>
#include <string>

using namespace shodh;
using namespace shodh::testing;

namespace {

/// x shape, axis, H, O.
struct MlpShape {
  std::vector<int64_t> x;
  int64_t axis, h, o;
};

/// Limits the channel MLP's hidden scratch to one n per chunk while alive.
struct OneNPerChunk {
  int64_t before = cuda::setChannelMlpChunkBytes(1);
  ~OneNPerChunk() { cuda::setChannelMlpChunkBytes(before); }
};

HostTensor uniform(std::vector<int64_t> shape, uint32_t seed) {
  HostTensor t(DType::F32, std::move(shape));
  t.fillUniform(seed);
  return t;
}

TEST(CudaChannelMlpParity, ForwardAndGradientsMatchTheCpu) {
  SHODH_REQUIRE_CUDA_DEVICE();
  uint32_t seed = 3;
  for (const MlpShape &s : {MlpShape{{1, 4, 300}, 1, 16, 1},
                            MlpShape{{5, 3, 8, 8}, 1, 32, 2},
                            MlpShape{{2, 3, 4, 5}, 2, 6, 3}}) {
    for (const char *label : {"none", "tanh", "none, one n per chunk"}) {
      const bool chunked = label[4] == ',';
      const char *mode = chunked ? "none" : label;
      std::optional<OneNPerChunk> limit;
      if (chunked)
        limit.emplace();
      std::vector<NamedAttr> attrs = {{"axis", s.axis},
                                      {"approximate", std::string(mode)}};
      int64_t c = s.x[size_t(s.axis)];
      std::vector<int64_t> yShape = s.x;
      yShape[size_t(s.axis)] = s.o;
      HostTensor x = uniform(s.x, seed++), w1 = uniform({s.h, c}, seed++),
                 b1 = uniform({s.h}, seed++), w2 = uniform({s.o, s.h}, seed++),
                 b2 = uniform({s.o}, seed++), dy = uniform(yShape, seed++);
      std::string what = std::string(" (") + label + ", rank " +
                         std::to_string(s.x.size()) + ")";
      HostTensor y(DType::F32, yShape), yGpu(DType::F32, yShape);
      runKernel("channel_mlp", attrs, {&x, &w1, &b1, &w2, &b2}, {&y}, 2);
      runOnCuda("channel_mlp", attrs, {&x, &w1, &b1, &w2, &b2}, {&yGpu});
      expectClose(yGpu, y, 1e-4, "channel_mlp" + what);

      auto grads = [&] {
        std::vector<HostTensor> g;
        for (const HostTensor *t : {&x, &w1, &b1, &w2})
          g.emplace_back(DType::F32, t->shape);
        g.emplace_back(DType::F32, std::vector<int64_t>{s.o});
        return g;
      };
      std::vector<HostTensor> cpu = grads(), gpu = grads(), again = grads();
      auto outs = [](std::vector<HostTensor> &g) {
        return std::vector<const HostTensor *>{&g[0], &g[1], &g[2], &g[3],
                                               &g[4]};
      };
      runKernel("channel_mlp_grad", attrs, {&x, &w1, &b1, &w2, &dy}, outs(cpu),
                2);
      runOnCuda("channel_mlp_grad", attrs, {&x, &w1, &b1, &w2, &dy},
                outs(gpu));
      runOnCuda("channel_mlp_grad", attrs, {&x, &w1, &b1, &w2, &dy},
                outs(again));
      const char *names[] = {"dx", "dw1", "db1", "dw2", "db2"};
      for (size_t i = 0; i < 5; ++i) {
        expectClose(gpu[i], cpu[i], 1e-4, names[i] + what);
        expectClose(again[i], gpu[i], 0, std::string(names[i]) + " repeat");
      }

      // The MSE form: the loss first, then the same five gradients.
      HostTensor target = uniform(yShape, seed++);
      auto mse = [&] {
        std::vector<HostTensor> g;
        g.emplace_back(DType::F32, std::vector<int64_t>{1});
        for (HostTensor &t : grads())
          g.push_back(std::move(t));
        return g;
      };
      std::vector<HostTensor> mcpu = mse(), mgpu = mse(), magain = mse();
      auto mouts = [](std::vector<HostTensor> &g) {
        std::vector<const HostTensor *> o;
        for (const HostTensor &t : g)
          o.push_back(&t);
        return o;
      };
      runKernel("channel_mlp_mse_grad", attrs, {&x, &w1, &b1, &w2, &b2, &target}, mouts(mcpu),
                2);
      runOnCuda("channel_mlp_mse_grad", attrs, {&x, &w1, &b1, &w2, &b2, &target},
                mouts(mgpu));
      runOnCuda("channel_mlp_mse_grad", attrs, {&x, &w1, &b1, &w2, &b2, &target},
                mouts(magain));
      const char *mseNames[] = {"loss", "dx", "dw1", "db1", "dw2", "db2"};
      for (size_t i = 0; i < 6; ++i) {
        // dy is scaled by 2/n: the gradients are ~1e-3, so compared to
        // each tensor's largest magnitude.
        expectCloseToScale(mgpu[i], mcpu[i], 1e-4,
                           std::string("mse form ") + mseNames[i] + what);
        expectClose(magain[i], mgpu[i], 0, std::string("mse form ") + mseNames[i] + " repeat");
      }
    }
  }
}

} // namespace
