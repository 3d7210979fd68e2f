//===- FnoCostTest.cpp - Tests of the analytic FNO-2D counts --------------===//
//
// Parameter counts come from PyTorch (shared/peers/torch_fno2d.py's FNO2d,
// sum of numel with complex counted twice); FLOPs and bytes of a tiny
// configuration are counted by hand from the formulas in FnoCost.h.
//
//===----------------------------------------------------------------------===//
#include "bench/FnoCost.h"

#include <gtest/gtest.h>

namespace shodh::bench {
namespace {

FnoConfig config(int64_t b, int64_t res, int64_t cin, int64_t cout, int64_t w,
                 int64_t m, int64_t layers, int64_t proj) {
  return FnoConfig{b, res, cin, cout, w, m, layers, proj};
}

TEST(FnoCost, ParamsMatchThePyTorchPeer) {
  // Printed by FNO2d(cin, cout, width, modes, layers) of torch_fno2d.py.
  EXPECT_EQ(fnoCost(config(16, 64, 3, 1, 32, 12, 4, 128)).params, 2368001);
  EXPECT_EQ(fnoCost(config(16, 64, 3, 1, 64, 16, 4, 128)).params, 16802561);
  EXPECT_EQ(fnoCost(config(1, 8, 2, 3, 8, 3, 2, 128)).params, 6315);
}

// B = 1, res = 4 (N = R = 16, log2 R = 4), every channel count 1, modes 1,
// one layer: lift, one Fourier layer without GELU, proj1 + GELU + proj2.
TEST(FnoCost, TinyConfigurationByHand) {
  FnoCost c = fnoCost(config(1, 4, 1, 1, 1, 1, 1, 1));
  EXPECT_EQ(c.params, 12); // lift 2, spectral 2*(2*1*1) + skip 2, proj 4
  // GEMMs: lift, skip, proj1, proj2 at 2*16 each.
  EXPECT_DOUBLE_EQ(c.infer.gemmFlops, 128);
  // rfft + irfft: 2 * 2.5 * 16 * 4.
  EXPECT_DOUBLE_EQ(c.infer.fftFlops, 320);
  // 2 kept modes, 8 FLOPs each.
  EXPECT_DOUBLE_EQ(c.infer.contractFlops, 16);
  // 4 biases + 1 add at 16 each, GELU 10 * 16.
  EXPECT_DOUBLE_EQ(c.infer.elementwiseFlops, 240);
  // lift 4*(16+16+2), layer 4*32 + 8*2 + 4*2, projection 4*(16+16+4).
  EXPECT_DOUBLE_EQ(c.infer.bytes, 432);

  // Backward: proj2 and proj1 dW+dX 64 each, skip 64, lift dW 32.
  EXPECT_DOUBLE_EQ(c.trainStep.gemmFlops, 128 + 64 + 64 + 64 + 32);
  EXPECT_DOUBLE_EQ(c.trainStep.fftFlops, 640);
  EXPECT_DOUBLE_EQ(c.trainStep.contractFlops, 48);
  // Forward 240, MSE 5*16, 4 bias grads + branch add at 16, GELU grad
  // 14*16, Adam 14*12.
  EXPECT_DOUBLE_EQ(c.trainStep.elementwiseFlops, 240 + 80 + 5 * 16 + 224 + 168);
  // Forward 432, loss 4*48, projection 4*(16+32+8), layer 4*48 + 2*(16+8),
  // lift 4*(16+16+4), Adam 28*12.
  EXPECT_DOUBLE_EQ(c.trainStep.bytes, 432 + 192 + 224 + 240 + 144 + 336);
  EXPECT_DOUBLE_EQ(c.trainStep.flops(), 1832);

  // The spectral layer alone: skip GEMM 32, FFTs 320, contraction 16, bias
  // + add 32 and GELU 160; bytes 4*32 (x, y) + 8*2 (spectral) + 4*2 (skip).
  EXPECT_DOUBLE_EQ(c.layer.gemmFlops, 32);
  EXPECT_DOUBLE_EQ(c.layer.fftFlops, 320);
  EXPECT_DOUBLE_EQ(c.layer.contractFlops, 16);
  EXPECT_DOUBLE_EQ(c.layer.elementwiseFlops, 192);
  EXPECT_DOUBLE_EQ(c.layer.bytes, 152);
}

TEST(FnoCost, CostsScaleWithBatch) {
  FnoCost one = fnoCost(config(1, 64, 3, 1, 32, 12, 4, 128));
  FnoCost four = fnoCost(config(4, 64, 3, 1, 32, 12, 4, 128));
  EXPECT_DOUBLE_EQ(four.infer.flops(), 4 * one.infer.flops());
  // Everything but Adam (once per parameter) scales with the batch.
  double adam = kAdamFlops * double(one.params);
  EXPECT_NEAR(four.trainStep.flops() - adam, 4 * (one.trainStep.flops() - adam),
              1e-9 * four.trainStep.flops());
}

TEST(FnoCost, RejectsBadConfigurations) {
  EXPECT_EQ(checkFnoConfig(FnoConfig{}), "");
  EXPECT_EQ(checkFnoConfig(config(16, 16, 3, 1, 32, 8, 4, 128)), "");
  EXPECT_EQ(checkFnoConfig(config(16, 16, 3, 1, 32, 9, 4, 128)),
            "modes = 9: expected at most res / 2 = 8 (2*modes rows of the "
            "spectrum are kept)");
  EXPECT_EQ(checkFnoConfig(config(0, 64, 3, 1, 32, 12, 4, 128)),
            "batch = 0: expected at least 1");
  EXPECT_EQ(checkFnoConfig(config(16, 1, 3, 1, 32, 12, 4, 128)),
            "res = 1: expected at least 2");
  EXPECT_EQ(checkFnoConfig(config(16, 64, 3, 1, 32, 12, 0, 128)),
            "layers = 0: expected at least 1");
}

} // namespace
} // namespace shodh::bench
