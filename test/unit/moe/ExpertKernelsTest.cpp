//===- ExpertKernelsTest.cpp - expert_mlp, patchify, interpolate ----------===//
//
// The CPU kernels of docs/experts.md § Expert ops and § Patches and
// resampling against naive double references: expert_mlp on uneven groups
// (an empty expert, dropped rows), its gradient by central finite
// differences, thread-count independence, invalid offsets; patchify /
// unpatchify as index maps and inverses; reshape as a copy and its errors;
// interpolate against values computed with torch 1.13 (F.interpolate,
// align_corners=False) and its gradient as the exact adjoint. expert_fno is in ExpertFnoTest.cpp.
//
//===----------------------------------------------------------------------===//
#include "runtime/kernels/cpu/Reference.h"
#include "test/unit/ExpectError.h"
#include "test/unit/moe/ExpertTestSupport.h"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>

using namespace shodh;
using namespace shodh::testing;

namespace {

/// An expert_mlp problem: B = 2, R = 5 (10 rows), E = 3 experts with groups
/// [0, 4), [4, 4) (empty), [4, 8); rows 8 and 9 dropped.
struct MlpCase {
  int64_t B = 2, R = 5, F = 3, H = 4, G = 2, E = 3;
  std::vector<int64_t> off = {0, 4, 4, 8};
  Buffer x = randomBuffer(DType::F32, {B, R, F}, 1);
  Buffer w1 = randomBuffer(DType::F32, {E, H, F}, 2);
  Buffer b1 = randomBuffer(DType::F32, {E, H}, 3);
  Buffer w2 = randomBuffer(DType::F32, {E, G, H}, 4);
  Buffer b2 = randomBuffer(DType::F32, {E, G}, 5);

  /// y of the naive double reference for parameters p = {x, w1, b1, w2, b2}.
  std::vector<double> forward(const std::vector<std::vector<double>> &p) const {
    std::vector<double> y(size_t(B * R * G), 0.0);
    for (int64_t e = 0; e < E; ++e)
      for (int64_t r = off[e]; r < off[e + 1]; ++r)
        for (int64_t g = 0; g < G; ++g) {
          double acc = p[4][e * G + g];
          for (int64_t h = 0; h < H; ++h) {
            double pre = p[2][e * H + h];
            for (int64_t f = 0; f < F; ++f)
              pre += p[1][(e * H + h) * F + f] * p[0][r * F + f];
            acc += p[3][(e * G + g) * H + h] * reference::gelu(pre, false);
          }
          y[r * G + g] = acc;
        }
    return y;
  }

  std::vector<std::vector<double>> params() const {
    return {toDouble(x), toDouble(w1), toDouble(b1), toDouble(w2), toDouble(b2)};
  }
};

TEST(ExpertMlp, MatchesReferenceWithEmptyExpertAndDroppedRows) {
  MlpCase c;
  Buffer off = offsetsBuffer(c.off);
  Buffer y = Buffer::make(DType::F32, {c.B, c.R, c.G});
  std::fill(y.data.begin(), y.data.end(), 7.0f); // dropped rows must be zeroed
  runKernel("expert_mlp", {}, {&c.x, &off, &c.w1, &c.b1, &c.w2, &c.b2}, {&y});
  std::vector<double> want = c.forward(c.params());
  for (size_t i = 0; i < want.size(); ++i)
    EXPECT_NEAR(y.data[i], want[i], 1e-5) << "element " << i;
  for (int64_t i = 8 * c.G; i < 10 * c.G; ++i)
    EXPECT_EQ(y.data[size_t(i)], 0.0f);
}

TEST(ExpertMlp, GradientMatchesFiniteDifferences) {
  MlpCase c;
  Buffer off = offsetsBuffer(c.off);
  Buffer dy = randomBuffer(DType::F32, {c.B, c.R, c.G}, 9);
  Buffer dx = Buffer::make(DType::F32, {c.B, c.R, c.F}),
         dw1 = Buffer::make(DType::F32, {c.E, c.H, c.F}),
         db1 = Buffer::make(DType::F32, {c.E, c.H}),
         dw2 = Buffer::make(DType::F32, {c.E, c.G, c.H}),
         db2 = Buffer::make(DType::F32, {c.E, c.G});
  for (Buffer *b : {&dx, &dw1, &db1, &dw2, &db2})
    std::fill(b->data.begin(), b->data.end(), 3.0f); // must be overwritten
  runKernel("expert_mlp_grad", {}, {&c.x, &off, &dy, &c.w1, &c.b1, &c.w2},
            {&dx, &dw1, &db1, &dw2, &db2});
  std::vector<std::vector<double>> p = c.params();
  std::vector<double> g = toDouble(dy);
  auto loss = [&] {
    std::vector<double> y = c.forward(p);
    double l = 0;
    for (size_t i = 0; i < y.size(); ++i)
      l += y[i] * g[i];
    return l;
  };
  const Buffer *grads[] = {&dx, &dw1, &db1, &dw2, &db2};
  const double eps = 1e-5;
  for (size_t t = 0; t < 5; ++t)
    for (size_t i = 0; i < p[t].size(); ++i) {
      double keep = p[t][i];
      p[t][i] = keep + eps;
      double lp = loss();
      p[t][i] = keep - eps;
      double lm = loss();
      p[t][i] = keep;
      double fd = (lp - lm) / (2 * eps);
      EXPECT_NEAR(grads[t]->data[i], fd, 1e-4 + 1e-3 * std::abs(fd))
          << "tensor " << t << " element " << i;
    }
  // The empty expert 1 gets exact zeros, the dropped rows dx = 0.
  for (int64_t i = 0; i < c.H * c.F; ++i)
    EXPECT_EQ(dw1.data[size_t(c.H * c.F + i)], 0.0f);
  for (int64_t i = 8 * c.F; i < 10 * c.F; ++i)
    EXPECT_EQ(dx.data[size_t(i)], 0.0f);
}

TEST(ExpertMlp, ResultsDoNotDependOnThreadCount) {
  // 70 rows in two groups: several row blocks per expert.
  const int64_t B = 2, R = 35, F = 5, H = 7, G = 3, E = 2;
  Buffer x = randomBuffer(DType::F32, {B, R, F}, 11),
         w1 = randomBuffer(DType::F32, {E, H, F}, 12),
         b1 = randomBuffer(DType::F32, {E, H}, 13),
         w2 = randomBuffer(DType::F32, {E, G, H}, 14),
         b2 = randomBuffer(DType::F32, {E, G}, 15),
         dy = randomBuffer(DType::F32, {B, R, G}, 16);
  Buffer off = offsetsBuffer({0, 33, 69});
  std::vector<TensorFloats> runs;
  for (int threads : {1, 3}) {
    Buffer y = Buffer::make(DType::F32, {B, R, G});
    runKernel("expert_mlp", {}, {&x, &off, &w1, &b1, &w2, &b2}, {&y}, threads);
    Buffer dx = Buffer::make(DType::F32, {B, R, F}),
           dw1 = Buffer::make(DType::F32, {E, H, F}),
           db1 = Buffer::make(DType::F32, {E, H}),
           dw2 = Buffer::make(DType::F32, {E, G, H}),
           db2 = Buffer::make(DType::F32, {E, G});
    runKernel("expert_mlp_grad", {}, {&x, &off, &dy, &w1, &b1, &w2},
              {&dx, &dw1, &db1, &dw2, &db2}, threads);
    TensorFloats all = y.data;
    for (Buffer *b : {&dx, &dw1, &db1, &dw2, &db2})
      all.insert(all.end(), b->data.begin(), b->data.end());
    runs.push_back(all);
  }
  EXPECT_EQ(runs[0], runs[1]);
}

TEST(ExpertMlp, RejectsInvalidOffsetsAndShapes) {
  MlpCase c;
  Buffer y = Buffer::make(DType::F32, {c.B, c.R, c.G});
  Buffer down = offsetsBuffer({0, 5, 3, 8});
  expectError([&] {
    runKernel("expert_mlp", {}, {&c.x, &down, &c.w1, &c.b1, &c.w2, &c.b2}, {&y});
  }, "offsets must be non-decreasing, got offsets[2] = 3 < offsets[1] = 5");
  Buffer past = offsetsBuffer({0, 5, 6, 11});
  expectError([&] {
    runKernel("expert_mlp", {}, {&c.x, &past, &c.w1, &c.b1, &c.w2, &c.b2}, {&y});
  }, "offsets[E] = 11 exceeds the 10 token rows");
  Buffer start = offsetsBuffer({1, 5, 6, 8});
  expectError([&] {
    runKernel("expert_mlp", {}, {&c.x, &start, &c.w1, &c.b1, &c.w2, &c.b2}, {&y});
  }, "offsets[0] must be 0, got 1");
  Buffer four = offsetsBuffer({0, 2, 4, 6, 8});
  expectError([&] {
    runKernel("expert_mlp", {}, {&c.x, &four, &c.w1, &c.b1, &c.w2, &c.b2}, {&y});
  }, "offsets must be [4], got [5]");
  expectError([&] {
    runKernel("expert_mlp", {}, {&c.x, &c.b1, &c.w1, &c.b1, &c.w2, &c.b2}, {&y});
  }, "offsets");
}

//===----------------------------------------------------------------------===//
// patchify / unpatchify
//===----------------------------------------------------------------------===//

TEST(Patchify, TwoDimensionalIndexMapAndInverse) {
  const int64_t B = 2, C = 3, H = 6, W = 8, ph = 3, pw = 4;
  Buffer x = randomBuffer(DType::F32, {B, C, H, W}, 21);
  Buffer t = Buffer::make(DType::F32, {B, 4, C, ph, pw});
  runKernel("patchify", {{"patch", std::vector<int64_t>{ph, pw}}}, {&x}, {&t});
  for (int64_t b = 0; b < B; ++b)
    for (int64_t p = 0; p < 4; ++p)
      for (int64_t c = 0; c < C; ++c)
        for (int64_t i = 0; i < ph; ++i)
          for (int64_t j = 0; j < pw; ++j) {
            int64_t h = (p / 2) * ph + i, w = (p % 2) * pw + j;
            EXPECT_EQ(t.data[size_t((((b * 4 + p) * C + c) * ph + i) * pw + j)],
                      x.data[size_t(((b * C + c) * H + h) * W + w)]);
          }
  Buffer back = Buffer::make(DType::F32, {B, C, H, W});
  runKernel("unpatchify", {{"grid", std::vector<int64_t>{H, W}}}, {&t}, {&back});
  EXPECT_EQ(back.data, x.data);
}

TEST(Patchify, ThreeDimensionalRoundTrip) {
  Buffer x = randomBuffer(DType::F32, {1, 2, 4, 6, 4}, 22);
  Buffer t = Buffer::make(DType::F32, {1, 12, 2, 2, 2, 2});
  runKernel("patchify", {{"patch", std::vector<int64_t>{2, 2, 2}}}, {&x}, {&t});
  // Patch (1, 2, 1) = index (1·3 + 2)·2 + 1 = 11, element (c=1, 1, 0, 1).
  EXPECT_EQ(t.data[size_t(((11 * 2 + 1) * 2 + 1) * 4 + 0 * 2 + 1)],
            x.data[size_t(((1 * 4 + 3) * 6 + 4) * 4 + 3)]);
  Buffer back = Buffer::make(DType::F32, {1, 2, 4, 6, 4});
  runKernel("unpatchify", {{"grid", std::vector<int64_t>{4, 6, 4}}}, {&t}, {&back});
  EXPECT_EQ(back.data, x.data);
}

TEST(Patchify, RejectsPatchNotDividingTheGrid) {
  Buffer x = Buffer::make(DType::F32, {1, 1, 6, 8});
  Buffer t = Buffer::make(DType::F32, {1, 4, 1, 4, 4});
  expectError([&] {
    runKernel("patchify", {{"patch", std::vector<int64_t>{4, 4}}}, {&x}, {&t});
  }, "patch size 4 does not divide the grid size 6");
}

TEST(Reshape, KeepsRowMajorOrderAndBatch) {
  Buffer t = randomBuffer(DType::F32, {2, 4, 3, 2, 2}, 23);
  Buffer v = Buffer::make(DType::F32, {2, 4, 12});
  runKernel("reshape", {{"shape", std::vector<int64_t>{4, 12}}}, {&t}, {&v});
  EXPECT_EQ(v.data, t.data);
  Buffer back = Buffer::make(DType::F32, {2, 4, 3, 2, 2});
  runKernel("reshape", {{"shape", std::vector<int64_t>{4, 3, 2, 2}}}, {&v}, {&back});
  EXPECT_EQ(back.data, t.data);
}

TEST(Reshape, RejectsOtherCountsAndShapes) {
  Buffer x = Buffer::make(DType::F32, {2, 4, 12});
  Buffer y = Buffer::make(DType::F32, {2, 40});
  expectError([&] {
    runKernel("reshape", {{"shape", std::vector<int64_t>{40}}}, {&x}, {&y});
  }, "batch or element count differs");
  Buffer z = Buffer::make(DType::F32, {2, 48});
  expectError([&] {
    runKernel("reshape", {{"shape", std::vector<int64_t>{6, 8}}}, {&x}, {&z});
  }, "output must have rank 3");
  expectError([&] {
    runKernel("reshape", {{"shape", std::vector<int64_t>{24}}}, {&x}, {&z});
  }, "do not match 'shape' [24]");
}

//===----------------------------------------------------------------------===//
// interpolate
//===----------------------------------------------------------------------===//

/// torch 1.13: F.interpolate(x, size, mode, align_corners=False) for x =
/// sin(0.7 i + 0.3) over the flat index i (generated with /usr/bin/python3).
struct TorchCase {
  std::vector<int64_t> shape, size;
  std::vector<float> want;
};

const TorchCase kTorchCases[] = {
    {{1, 2, 5}, {8}, {0.295520216f, 0.534373701f, 0.850858092f, 0.944729209f, 0.89285183f, 0.695225835f, 0.318904281f, 0.0415806621f, -0.611857891f, -0.771839499f, -0.971650422f, -0.912853241f, -0.724211574f, -0.4057253f, 0.0116709676f, 0.311541349f}},
    {{1, 1, 7}, {3}, {0.659487367f, 0.675463259f, -0.733748555f}},
    {{1, 2, 3, 4}, {5, 3}, {0.386512011f, 0.916567922f, 0.728163421f, 0.204976887f, 0.2320631f, 0.0772444382f, -0.0673257932f, -0.794693947f, -0.899133801f, -0.182714507f, 0.030715907f, 0.220069394f, -0.259640306f, 0.580989003f, 0.966204643f, 0.556603611f, -0.300147623f, -0.921625316f, 0.0182627775f, -0.186239511f, -0.244756237f, -0.789248228f, -0.0153773604f, 0.770547211f, 0.242715538f, 0.191324383f, -0.0100382492f, 0.930691242f, 0.329125494f, -0.53042841f}},
    {{1, 1, 6, 5}, {4, 2}, {0.307209432f, 0.337113887f, 0.49444288f, -0.15389511f, -0.492765158f, 0.164148137f, -0.17164354f, 0.491383225f}},
    {{1, 1, 2, 3, 2}, {3, 2, 4}, {0.469556361f, 0.552159548f, 0.717365861f, 0.799969018f, 0.2791017f, 0.136819378f, -0.147745281f, -0.290027618f, -0.178530186f, -0.106989726f, 0.0360912047f, 0.107631668f, 0.411729991f, 0.375032067f, 0.301636159f, 0.264938205f, -0.826616704f, -0.766138911f, -0.645183384f, -0.584705651f, 0.544358253f, 0.613244712f, 0.75101757f, 0.81990397f}},
    {{1, 1, 3, 4}, {3, 7}, {0.295520216f, 0.490502626f, 0.802474499f, 0.916567922f, 0.969079018f, 0.788392305f, 0.6754632f, 0.0415806621f, -0.191790283f, -0.565183759f, -0.794694066f, -0.970810473f, -0.917053044f, -0.88345468f, -0.373876661f, -0.129084483f, 0.262582928f, 0.580989063f, 0.860359669f, 0.9397434f, 0.989358246f}},
};

TEST(Interpolate, MatchesTorch) {
  for (const TorchCase &c : kTorchCases) {
    Buffer x = Buffer::make(DType::F32, c.shape);
    for (size_t i = 0; i < x.data.size(); ++i)
      x.data[i] = float(std::sin(0.7 * double(i) + 0.3));
    std::vector<int64_t> out(c.shape.begin(), c.shape.end() - c.size.size());
    out.insert(out.end(), c.size.begin(), c.size.end());
    Buffer y = Buffer::make(DType::F32, out);
    runKernel("interpolate", {{"size", c.size}, {"mode", std::string("linear")}},
              {&x}, {&y});
    ASSERT_EQ(y.data.size(), c.want.size());
    for (size_t i = 0; i < c.want.size(); ++i)
      EXPECT_NEAR(y.data[i], c.want[i], 2e-6) << "case of rank " << c.shape.size()
                                              << ", element " << i;
  }
}

TEST(Interpolate, GradientIsTheAdjoint) {
  // <interpolate(x), g> = <x, interpolate_grad(g)> for up- and downsampling.
  for (auto [in, out] : {std::pair<std::vector<int64_t>, std::vector<int64_t>>{
                             {5, 7}, {9, 4}},
                         {{4, 3, 6}, {2, 5, 6}}}) {
    std::vector<int64_t> xs = {2, 3}, ys = {2, 3};
    xs.insert(xs.end(), in.begin(), in.end());
    ys.insert(ys.end(), out.begin(), out.end());
    Buffer x = randomBuffer(DType::F32, xs, 31), g = randomBuffer(DType::F32, ys, 32);
    Buffer y = Buffer::make(DType::F32, ys), dx = Buffer::make(DType::F32, xs);
    runKernel("interpolate", {{"size", out}}, {&x}, {&y});
    runKernel("interpolate_grad", {{"size", in}}, {&g}, {&dx});
    double lhs = 0, rhs = 0;
    for (size_t i = 0; i < y.data.size(); ++i)
      lhs += double(y.data[i]) * g.data[i];
    for (size_t i = 0; i < x.data.size(); ++i)
      rhs += double(x.data[i]) * dx.data[i];
    EXPECT_NEAR(lhs, rhs, 1e-4 * (1 + std::abs(lhs)));
  }
}

TEST(Interpolate, RejectsUnknownModeAndMismatchedShapes) {
  Buffer x = Buffer::make(DType::F32, {1, 1, 4, 4}), y = Buffer::make(DType::F32, {1, 1, 8, 8});
  expectError([&] {
    runKernel("interpolate", {{"size", std::vector<int64_t>{8, 8}},
                              {"mode", std::string("nearest")}}, {&x}, {&y});
  }, "attribute 'mode' must be \"linear\", got \"nearest\"");
  expectError([&] {
    runKernel("interpolate", {{"size", std::vector<int64_t>{8, 6}}}, {&x}, {&y});
  }, "do not match 'size' [8, 6]");
}

} // namespace
