//===- RoutingStatsTest.cpp - Routing statistics of `shodh-run eval` ------===//
//
// RoutingStats (tools/shodh-run/RoutingStats.h) on hand-made expert ids,
// offsets, energies and domain labels whose statistics are counted by hand:
// per-expert counts and shares, dropped assignments, mean energy per band
// and mean band, the domain × expert table, the JSON form, and errors on
// malformed tensors.
//
//===----------------------------------------------------------------------===//
#include "tools/shodh-run/RoutingStats.h"
#include "test/unit/ExpectError.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

using namespace shodh;
using namespace shodh::testing;

namespace {

/// A TensorRef over `data` with `shape`.
template <typename T>
TensorRef ref(DType dtype, std::vector<int64_t> shape, std::vector<T> &data) {
  return TensorRef{dtype, std::move(shape), data.data()};
}

TEST(RoutingStats, CountsAssignmentsDropsEnergyAndDomains) {
  // Two samples, three tokens, k = 1, E = 3: ids 0 0 1 | 2 0 0.
  std::vector<int64_t> ids{0, 0, 1, 2, 0, 0};
  // Capacity dropped one assignment: 5 kept of 6.
  std::vector<int64_t> offsets{0, 3, 4, 5};
  // Two bands per token.
  std::vector<float> energy{1, 0, 3, 0, 0, 2, 0, 4, 2, 2, 4, 0};
  std::vector<int64_t> domains{7, 9};
  TensorRef e = ref(DType::I64, {2, 3, 1}, ids),
            o = ref(DType::I64, {4}, offsets),
            en = ref(DType::F32, {2, 3, 2}, energy);
  RoutingStats stats;
  stats.add(0, "routing.0", {&e, &o, &en}, 2, domains.data());
  const RoutingLayerStats &s = stats.layers().at(0);
  EXPECT_EQ(s.experts, 3);
  EXPECT_EQ(s.tokens, 6);
  EXPECT_EQ(s.dropped, 1);
  EXPECT_EQ(s.assigned, (std::vector<int64_t>{4, 1, 1}));
  // Expert 0 got tokens (1,0) (3,0) (2,2) (4,0): mean (2.5, 0.5).
  EXPECT_DOUBLE_EQ(s.meanEnergy(0, 0), 2.5);
  EXPECT_DOUBLE_EQ(s.meanEnergy(0, 1), 0.5);
  EXPECT_DOUBLE_EQ(s.meanBand(0), 0.5 / 3.0);
  EXPECT_DOUBLE_EQ(s.meanBand(1), 1.0); // (0, 2)
  EXPECT_DOUBLE_EQ(s.meanBand(2), 1.0); // (0, 4)
  EXPECT_EQ(s.domains.at(7), (std::vector<int64_t>{2, 1, 0}));
  EXPECT_EQ(s.domains.at(9), (std::vector<int64_t>{2, 0, 1}));

  std::string text = stats.text();
  EXPECT_NE(text.find("routing.0: 3 experts, top-1, 6 tokens, 6 assignments, "
                      "1 dropped"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("66.7%"), std::string::npos) << text;
  EXPECT_NE(text.find("0.667   0.333   0.000"), std::string::npos) << text;
  std::string json = stats.json();
  EXPECT_NE(json.find("\"assigned\": [4, 1, 1]"), std::string::npos) << json;
  EXPECT_NE(json.find("\"dropped\": 1"), std::string::npos) << json;
  EXPECT_NE(json.find("{\"domain\": 9, \"assigned\": [2, 0, 1]}"),
            std::string::npos)
      << json;
}

TEST(RoutingStats, AccumulatesBatchesAndIgnoresPaddingRows) {
  std::vector<int64_t> a{0, 1, 1, 1}, b{1, 0, 3, 3};
  TensorRef ea = ref(DType::I64, {2, 1, 2}, a),
            eb = ref(DType::I64, {2, 1, 2}, b);
  RoutingStats stats;
  stats.add(0, "routing.0", {&ea, nullptr, nullptr}, 2, nullptr);
  stats.add(0, "routing.0", {&eb, nullptr, nullptr}, 1,
            nullptr); // row 1 is padding
  const RoutingLayerStats &s = stats.layers().at(0);
  EXPECT_EQ(s.k, 2);
  EXPECT_EQ(s.tokens, 3);
  EXPECT_EQ(s.experts, 2); // from the ids seen: padding ids are not counted
  EXPECT_EQ(s.assigned, (std::vector<int64_t>{2, 4}));
  EXPECT_FALSE(s.hasOffsets);
  EXPECT_NE(stats.text().find("assignments, dropped n/a (no dispatch offsets)"),
            std::string::npos);
  EXPECT_NE(stats.json().find("\"dropped\": null"), std::string::npos);
}

TEST(RoutingStats, RejectsMalformedTensors) {
  std::vector<int64_t> ids{0, 5}, offsets{0, 1, 2};
  std::vector<float> wrong{0, 0};
  TensorRef e = ref(DType::I64, {1, 2, 1}, ids),
            o = ref(DType::I64, {3}, offsets),
            f = ref(DType::F32, {1, 2, 1}, wrong);
  RoutingStats stats;
  expectError(
      [&] {
        stats.add(0, "routing.0", {&e, &o, nullptr}, 1, nullptr);
      },
      "eval output 'routing.0.experts' holds expert id 5, outside [0, 2)");
  expectError(
      [&] {
        stats.add(0, "routing.1", {&f, nullptr, nullptr}, 1, nullptr);
      },
      "eval output 'routing.1.experts' is f32 [1, 2, 1]; expected i64 [B, T, "
      "k]");
  std::vector<int64_t> ok{0, 1};
  TensorRef e2 = ref(DType::I64, {1, 2, 1}, ok),
            en = ref(DType::F32, {1, 1, 2}, wrong);
  expectError(
      [&] {
        stats.add(2, "routing.2", {&e2, nullptr, &en}, 1, nullptr);
      },
      "eval output 'routing.2.energy' has shape [1, 1, 2] but the expert ids "
      "have [1, 2, 1]");
}

} // namespace
