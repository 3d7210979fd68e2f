//===- ExpertMoeTest.cpp - The fused "moe" kernel -------------------------===//
//
// `moe` must equal dispatch -> expert_<kind> -> combine run as three
// kernels, bit for bit, with and without capacity drops, for both expert
// types; bad attributes are rejected with the call named.
//
//===----------------------------------------------------------------------===//
#include "test/unit/ExpectError.h"
#include "test/unit/moe/ExpertTestSupport.h"

#include <gtest/gtest.h>

#include <cstring>

using namespace shodh;
using namespace shodh::testing;

namespace {

/// Expert ids (B, T, k = 2) over E = 3 experts: distinct per token, skewed
/// towards expert 0 so that a capacity factor drops rows.
Buffer expertIds(int64_t B, int64_t T) {
  std::vector<int64_t> ids;
  for (int64_t i = 0; i < B * T; ++i) {
    ids.push_back(i % 4 == 3 ? 2 : 0);
    ids.push_back(i % 3 == 0 ? 2 - (i % 4 == 3) : 1);
  }
  Buffer b{DType::I64, {B, T, 2}, TensorFloats(ids.size() * 2)};
  std::memcpy(b.data.data(), ids.data(), ids.size() * sizeof(int64_t));
  return b;
}

/// Runs moe and the three-kernel chain on the same inputs; expects equal y.
void expectSameAsChain(const std::string &kind, std::vector<Buffer *> params,
                       std::vector<NamedAttr> expertAttrs, Buffer &tok,
                       std::vector<int64_t> outFeatures, double capacity) {
  const int64_t B = tok.shape[0], T = tok.shape[1], E = 3, R = T * 2;
  Buffer ids = expertIds(B, T);
  Buffer gates = randomBuffer(DType::F32, {B, T, 2}, 61);
  std::vector<NamedAttr> routing = {{"num_experts", E},
                                    {"capacity_factor", capacity}};
  // The chain.
  std::vector<int64_t> sortedShape = tok.shape;
  sortedShape[1] = R;
  Buffer sorted = Buffer::make(DType::F32, sortedShape);
  Buffer off = offsetsBuffer(std::vector<int64_t>(E + 1, 0));
  Buffer source{DType::I64, {B, R}, TensorFloats(size_t(B * R * 2))};
  runKernel("dispatch", routing, {&tok, &ids}, {&sorted, &off, &source});
  std::vector<int64_t> outShape = {B, R};
  outShape.insert(outShape.end(), outFeatures.begin(), outFeatures.end());
  Buffer out = Buffer::make(DType::F32, outShape);
  std::vector<Buffer *> expertIn = {&sorted, &off};
  expertIn.insert(expertIn.end(), params.begin(), params.end());
  runKernel("expert_" + kind, expertAttrs, expertIn, {&out});
  outShape[1] = T;
  Buffer want = Buffer::make(DType::F32, outShape);
  runKernel("combine", {}, {&out, &gates, &source, &off}, {&want});
  // The fused kernel.
  std::vector<NamedAttr> attrs = routing;
  attrs.push_back({"expert", kind});
  attrs.insert(attrs.end(), expertAttrs.begin(), expertAttrs.end());
  Buffer y = Buffer::make(DType::F32, outShape);
  std::vector<Buffer *> ins = {&tok, &ids, &gates};
  ins.insert(ins.end(), params.begin(), params.end());
  runKernel("moe", attrs, ins, {&y}, 3);
  EXPECT_EQ(y.data, want.data);
  int64_t kept;
  std::memcpy(&kept, off.data.data() + 2 * E, sizeof(kept));
  if (capacity > 0) {
    EXPECT_LT(kept, B * R) << "the capacity factor should drop rows";
  }
}

TEST(Moe, MlpEqualsTheUnfusedChain) {
  const int64_t B = 2, T = 6, F = 4, H = 5, G = 3, E = 3;
  Buffer tok = randomBuffer(DType::F32, {B, T, F}, 62);
  Buffer w1 = randomBuffer(DType::F32, {E, H, F}, 63),
         b1 = randomBuffer(DType::F32, {E, H}, 64),
         w2 = randomBuffer(DType::F32, {E, G, H}, 65),
         b2 = randomBuffer(DType::F32, {E, G}, 66);
  for (double capacity : {0.0, 0.75})
    expectSameAsChain("mlp", {&w1, &b1, &w2, &b2}, {}, tok, {G}, capacity);
}

TEST(Moe, FnoEqualsTheUnfusedChain) {
  const int64_t B = 2, T = 4, C = 2, O = 3, E = 3;
  Buffer tok = randomBuffer(DType::F32, {B, T, C, 8, 8}, 67);
  Buffer ws = randomBuffer(DType::C64, {E, C, O, 6, 3}, 68, 0.3f),
         wk = randomBuffer(DType::F32, {E, O, C}, 69),
         bk = randomBuffer(DType::F32, {E, O}, 70);
  std::vector<NamedAttr> modes = {{"modes", std::vector<int64_t>{3, 1, 2}}};
  for (double capacity : {0.0, 0.75})
    expectSameAsChain("fno", {&ws, &wk, &bk}, modes, tok, {O, 8, 8}, capacity);
}

TEST(Moe, RejectsUnknownExpertType) {
  Buffer tok = Buffer::make(DType::F32, {1, 2, 3});
  Buffer ids = expertIds(1, 2), gates = Buffer::make(DType::F32, {1, 2, 2});
  Buffer y = Buffer::make(DType::F32, {1, 2, 3});
  expectError(
      [&] {
        runKernel(
            "moe",
            {{"expert", std::string("conv")}, {"num_experts", int64_t(3)}},
            {&tok, &ids, &gates}, {&y});
      },
      "attribute 'expert' must be \"mlp\" or \"fno\", got \"conv\"");
}

} // namespace
