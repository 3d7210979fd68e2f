//===- DispatchKernelsTest.cpp - dispatch, combine and their gradients ----===//
//
// The ragged token layout of docs/experts.md on hand-checked examples
// (order, offsets, capacity drops), the round trip dispatch -> combine,
// gradients against finite differences (combine and dispatch are linear in
// the differentiated operand, so central differences are exact up to f32
// rounding: tolerance 1e-3), thread-count independence and the errors.
//
//===----------------------------------------------------------------------===//
#include "test/unit/moe/RoutingTestUtil.h"

#include <cstring>

using namespace shodh;
using namespace shodh::testing;

namespace {

/// The outputs of one dispatch.
struct Dispatched {
  HostTensor sorted, offsets, source;
};

/// Dispatches `tokens` (B, T, F...) by `experts` (B, T, k).
Dispatched dispatch(const HostTensor &tokens, const HostTensor &experts,
                    int64_t numExperts, double capacity = 0.0,
                    int threads = 2) {
  std::vector<int64_t> shape = tokens.shape;
  shape[1] *= experts.shape[2];
  Dispatched d{zerosF32(shape), i64Tensor({numExperts + 1}),
               i64Tensor({shape[0], shape[1]})};
  call("dispatch", {{"num_experts", numExperts}, {"capacity_factor", capacity}},
       {&tokens, &experts}, {&d.sorted, &d.offsets, &d.source}, threads);
  return d;
}

TEST(DispatchKernel, SortsStablyByExpert) {
  // B = 2, T = 2, k = 2: assignments a = 0..7 go to experts
  // 2 0 | 1 2 | 0 1 | 2 0.
  HostTensor x = f32Tensor({2, 2, 3}, 1);
  HostTensor e = i64Tensor({2, 2, 2}, {2, 0, 1, 2, 0, 1, 2, 0});
  Dispatched d = dispatch(x, e, 3);
  std::vector<int64_t> offsets = {0, 3, 5, 8},
                       source = {1, 4, 7, 2, 5, 0, 3, 6};
  for (int i = 0; i < 4; ++i)
    EXPECT_EQ(ids(d.offsets)[i], offsets[size_t(i)]);
  for (int r = 0; r < 8; ++r) {
    EXPECT_EQ(ids(d.source)[r], source[size_t(r)]) << r;
    int64_t token = source[size_t(r)] / 2;
    EXPECT_EQ(0, std::memcmp(d.sorted.f32() + r * 3, x.f32() + token * 3, 12));
  }
}

TEST(DispatchKernel, CapacityDropsTheLaterAssignmentsToTheTail) {
  // R = 8, E = 2, capacity 0.5: cap = ceil(8 * 0.5 / 2) = 2 rows each.
  HostTensor x = f32Tensor({1, 8, 2}, 2);
  HostTensor e = i64Tensor({1, 8, 1}, {0, 0, 1, 0, 0, 1, 1, 1});
  Dispatched d = dispatch(x, e, 2, 0.5);
  std::vector<int64_t> source = {0, 1, 2, 5, 3, 4, 6, 7};
  EXPECT_EQ(ids(d.offsets)[1], 2);
  EXPECT_EQ(ids(d.offsets)[2], 4); // 4 kept, 4 dropped
  for (int r = 0; r < 8; ++r)
    EXPECT_EQ(ids(d.source)[r], source[size_t(r)]) << r;
  for (int r = 4; r < 8; ++r) // dropped rows hold zeros
    EXPECT_EQ(d.sorted.f32()[r * 2] + d.sorted.f32()[r * 2 + 1], 0.0f);
  // combine ignores the dropped slots.
  HostTensor gates = zerosF32({1, 8, 1}), y = zerosF32({1, 8, 2});
  std::fill(gates.f32(), gates.f32() + 8, 1.0f);
  call("combine", {}, {&d.sorted, &gates, &d.source, &d.offsets}, {&y});
  for (int t = 0; t < 8; ++t) {
    bool kept = t == 0 || t == 1 || t == 2 || t == 5;
    EXPECT_EQ(y.f32()[t * 2], kept ? x.f32()[t * 2] : 0.0f) << t;
  }
}

TEST(DispatchCombine, GatesSummingToOneRecoverTheTokens) {
  // Patch tokens (B, T, C, h, w), k = 2 with gates 0.25 / 0.75.
  HostTensor x = f32Tensor({2, 5, 2, 3, 3}, 3);
  HostTensor e = i64Tensor(
      {2, 5, 2}, {0, 3, 1, 2, 3, 0, 2, 1, 0, 1, 3, 2, 2, 0, 1, 3, 0, 2, 3, 1});
  Dispatched d = dispatch(x, e, 4);
  HostTensor gates = zerosF32({2, 5, 2}), y = zerosF32(x.shape);
  for (int i = 0; i < 20; ++i)
    gates.f32()[i] = i % 2 ? 0.75f : 0.25f;
  call("combine", {}, {&d.sorted, &gates, &d.source, &d.offsets}, {&y});
  for (int64_t i = 0; i < x.numel(); ++i)
    EXPECT_NEAR(y.f32()[i], x.f32()[i], 1e-6);
}

TEST(DispatchCombine, GradientsMatchFiniteDifferences) {
  HostTensor x = f32Tensor({2, 3, 4}, 4), c = f32Tensor({2, 3, 4}, 5);
  HostTensor e = i64Tensor({2, 3, 2}, {1, 0, 2, 1, 0, 2, 2, 0, 1, 2, 0, 1});
  HostTensor gates = f32Tensor({2, 3, 2}, 6, 0.1, 0.9);
  // A capacity that drops some rows: dropped slots must get zero gradient.
  Dispatched d = dispatch(x, e, 3, 0.75);
  ASSERT_LT(ids(d.offsets)[3], 12);
  HostTensor out = f32Tensor({2, 6, 4}, 7), y = zerosF32({2, 3, 4});
  auto combineLoss = [&] {
    call("combine", {}, {&out, &gates, &d.source, &d.offsets}, {&y});
    return dot(c, y);
  };
  HostTensor dout = zerosF32({2, 6, 4}), dg = zerosF32({2, 3, 2});
  call("combine_grad", {}, {&c, &out, &gates, &d.source, &d.offsets},
       {&dout, &dg});
  expectGradient(combineLoss, out.f32(), values(dout), 1e-2, 1e-3, "dout");
  expectGradient(combineLoss, gates.f32(), values(dg), 1e-2, 1e-3, "dgates");
  // dispatch: L = <c2, sorted>; dtokens = dispatch_grad(c2).
  HostTensor c2 = f32Tensor({2, 6, 4}, 8);
  auto dispatchLoss = [&] { return dot(c2, dispatch(x, e, 3, 0.75).sorted); };
  HostTensor dx = zerosF32({2, 3, 4});
  call("dispatch_grad", {{"k", int64_t(2)}}, {&c2, &d.source, &d.offsets},
       {&dx});
  expectGradient(dispatchLoss, x.f32(), values(dx), 1e-2, 1e-3, "dtokens");
}

TEST(DispatchCombine, ThreadCountDoesNotChangeBits) {
  HostTensor x = f32Tensor({4, 32, 8}, 9), e = i64Tensor({4, 32, 2});
  for (int64_t a = 0; a < 256; ++a)
    ids(e)[a] = (a * 7 + a / 5) % 5;
  for (int64_t a = 0; a < 256; a += 2)
    if (ids(e)[a] == ids(e)[a + 1])
      ids(e)[a + 1] = (ids(e)[a + 1] + 1) % 5;
  HostTensor gates = f32Tensor({4, 32, 2}, 10);
  HostTensor y1 = zerosF32(x.shape), y3 = zerosF32(x.shape);
  Dispatched d1 = dispatch(x, e, 5, 0.0, 1), d3 = dispatch(x, e, 5, 0.0, 3);
  EXPECT_EQ(0, std::memcmp(d1.sorted.f32(), d3.sorted.f32(), 4 * 256 * 8));
  call("combine", {}, {&d1.sorted, &gates, &d1.source, &d1.offsets}, {&y1}, 1);
  call("combine", {}, {&d3.sorted, &gates, &d3.source, &d3.offsets}, {&y3}, 3);
  EXPECT_EQ(0, std::memcmp(y1.f32(), y3.f32(), size_t(y1.numel()) * 4));
}

TEST(DispatchCombine, RejectBadIdsLayoutsAndShapes) {
  HostTensor x = f32Tensor({1, 2, 3}), e = i64Tensor({1, 2, 1}, {0, 4});
  expectErrorContaining([&] { dispatch(x, e, 3); },
                        "expert id 4 of assignment 1 is outside [0, 3)");
  HostTensor out = f32Tensor({1, 2, 3}), g = f32Tensor({1, 2, 1}),
             y = zerosF32({1, 2, 3});
  HostTensor src = i64Tensor({1, 2}, {1, 1}), off = i64Tensor({3}, {0, 1, 2});
  expectErrorContaining(
      [&] {
        call("combine", {}, {&out, &g, &src, &off}, {&y});
      },
      "source is not a permutation of the 2 assignments (row 1 holds 1)");
  HostTensor src2 = i64Tensor({1, 2}, {1, 0}), off2 = i64Tensor({3}, {0, 2, 1});
  expectErrorContaining(
      [&] {
        call("combine", {}, {&out, &g, &src2, &off2}, {&y});
      },
      "offsets decrease at expert 1");
  expectErrorContaining(
      [] {
        createKernel(
            "dispatch", {{"num_experts", int64_t(4)}},
            {symbolic("x", {Dim::named("B"), Dim::fixed(3), Dim::fixed(8)}),
             symbolic("e", {Dim::named("B"), Dim::fixed(3), Dim::fixed(2)},
                      DType::I64)},
            {symbolic("s", {Dim::named("B"), Dim::fixed(6), Dim::fixed(8)}),
             symbolic("o", {Dim::fixed(4)}, DType::I64),
             symbolic("r", {Dim::named("B"), Dim::fixed(6)}, DType::I64)});
      },
      "offsets dim 0 is 4 but num_experts + 1 is 5");
  expectErrorContaining(
      [] {
        createKernel(
            "combine", {},
            {symbolic("o", {Dim::named("B"), Dim::fixed(5), Dim::fixed(8)}),
             symbolic("g", {Dim::named("B"), Dim::fixed(3), Dim::fixed(2)}),
             symbolic("s", {Dim::named("B"), Dim::fixed(5)}, DType::I64),
             symbolic("f", {Dim::fixed(4)}, DType::I64)},
            {symbolic("y", {Dim::named("B"), Dim::fixed(3), Dim::fixed(8)})});
      },
      "out dim 1 is 5 but T·k of gates is 6");
}

} // namespace
