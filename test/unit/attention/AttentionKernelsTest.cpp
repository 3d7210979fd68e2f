//===- AttentionKernelsTest.cpp - Attention kernels vs naive references ---===//
//
// attention and attention_heads against a direct double reference (token
// counts below, at and across the 64-row score block), attention_heads_grad
// against central finite differences of that reference, every kernel
// bit-identical for 1 and 3 threads, bad calls rejected with messages
// naming the operand or attribute, and a rough timing at the Shodh-MoE
// latent size (B = 4, T = 512, C = 64, 4 heads). Parity with torch is in
// test/e2e/attention-parity.test.
//
//===----------------------------------------------------------------------===//
#include "test/unit/runtime/CpuKernelHarness.h"

#include <chrono>
#include <cmath>
#include <cstring>

using namespace shodh;
using namespace shodh::testing;

namespace {

/// Random f32 tensor of `shape` in [lo, hi).
HostTensor randomTensor(std::vector<int64_t> shape, uint32_t seed,
                        double lo = -1.0, double hi = 1.0) {
  HostTensor t(DType::F32, std::move(shape));
  t.fillUniform(seed, lo, hi);
  return t;
}

std::vector<NamedAttr> headsAttr(int64_t h) {
  return {{"heads", AttrValue(h)}};
}

/// o = attention_heads(qkv) in double: qkv [B, T, 3C] -> [B, T, C].
std::vector<double> naiveHeads(const std::vector<double> &qkv, int64_t B,
                               int64_t T, int64_t C, int64_t H) {
  int64_t d = C / H;
  std::vector<double> o(size_t(B * T * C), 0.0), s(static_cast<size_t>(T));
  for (int64_t b = 0; b < B; ++b)
    for (int64_t h = 0; h < H; ++h)
      for (int64_t i = 0; i < T; ++i) {
        const double *q = &qkv[size_t((b * T + i) * 3 * C + h * d)];
        double m = -1e300, sum = 0.0;
        for (int64_t j = 0; j < T; ++j) {
          const double *k = &qkv[size_t((b * T + j) * 3 * C + C + h * d)];
          double acc = 0.0;
          for (int64_t e = 0; e < d; ++e)
            acc += q[e] * k[e];
          s[size_t(j)] = acc / std::sqrt(double(d));
          m = std::max(m, s[size_t(j)]);
        }
        for (int64_t j = 0; j < T; ++j)
          sum += (s[size_t(j)] = std::exp(s[size_t(j)] - m));
        for (int64_t j = 0; j < T; ++j) {
          const double *v = &qkv[size_t((b * T + j) * 3 * C + 2 * C + h * d)];
          for (int64_t e = 0; e < d; ++e)
            o[size_t((b * T + i) * C + h * d + e)] += s[size_t(j)] / sum * v[e];
        }
      }
  return o;
}

/// y[r] = bias + W x[r] in double for rows of width `in` (W is [out, in]).
std::vector<double> naiveLinear(const std::vector<double> &x, int64_t rows,
                                int64_t in, const HostTensor &w,
                                const HostTensor &bias, int64_t out) {
  std::vector<double> y(size_t(rows * out));
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t o = 0; o < out; ++o) {
      double acc = bias.f32()[o];
      for (int64_t i = 0; i < in; ++i)
        acc += double(w.f32()[o * in + i]) * x[size_t(r * in + i)];
      y[size_t(r * out + o)] = acc;
    }
  return y;
}

std::vector<double> toDouble(const HostTensor &t) {
  return std::vector<double>(t.f32(), t.f32() + t.numel());
}

/// Runs with 1 and 3 threads and expects identical bits.
void runDeterministic(const std::string &name, int64_t heads,
                      const std::vector<const HostTensor *> &ins,
                      HostTensor &out) {
  HostTensor again(DType::F32, out.shape);
  runKernel(name, headsAttr(heads), ins, {&out}, 1);
  runKernel(name, headsAttr(heads), ins, {&again}, 3);
  EXPECT_EQ(std::memcmp(out.f32(), again.f32(), size_t(out.numel()) * 4), 0)
      << name << " differs between 1 and 3 threads";
}

struct Case {
  int64_t B, T, C, H;
};

} // namespace

TEST(AttentionKernels, ForwardMatchesNaiveReference) {
  for (Case s : {Case{2, 5, 8, 2}, Case{1, 64, 12, 3}, Case{2, 70, 8, 1},
                  Case{3, 130, 16, 4}}) {
    SCOPED_TRACE(::testing::Message() << "B=" << s.B << " T=" << s.T
                                      << " C=" << s.C << " heads=" << s.H);
    int64_t rows = s.B * s.T;
    // Larger weights make the softmax peaked (stability check).
    HostTensor x = randomTensor({s.B, s.T, s.C}, 1, -2.0, 2.0);
    HostTensor wqkv = randomTensor({3 * s.C, s.C}, 2, -1.5, 1.5);
    HostTensor bqkv = randomTensor({3 * s.C}, 3), wo = randomTensor({s.C, s.C}, 4);
    HostTensor bo = randomTensor({s.C}, 5);
    HostTensor y(DType::F32, x.shape), o(DType::F32, x.shape);
    runDeterministic("attention", s.H, {&x, &wqkv, &bqkv, &wo, &bo}, y);
    std::vector<double> qkv =
        naiveLinear(toDouble(x), rows, s.C, wqkv, bqkv, 3 * s.C);
    std::vector<double> oRef = naiveHeads(qkv, s.B, s.T, s.C, s.H);
    std::vector<double> yRef = naiveLinear(oRef, rows, s.C, wo, bo, s.C);
    for (int64_t i = 0; i < y.numel(); ++i)
      ASSERT_NEAR(y.f32()[i], yRef[size_t(i)], 2e-4 + 2e-4 * std::fabs(yRef[size_t(i)]))
          << "y at " << i;
    HostTensor q(DType::F32, {s.B, s.T, 3 * s.C});
    for (int64_t i = 0; i < q.numel(); ++i)
      q.f32()[i] = float(qkv[size_t(i)]);
    runDeterministic("attention_heads", s.H, {&q}, o);
    std::vector<double> oq = naiveHeads(toDouble(q), s.B, s.T, s.C, s.H);
    for (int64_t i = 0; i < o.numel(); ++i)
      ASSERT_NEAR(o.f32()[i], oq[size_t(i)], 1e-5 + 1e-5 * std::fabs(oq[size_t(i)]))
          << "o at " << i;
  }
}

TEST(AttentionKernels, HugeScoresStayFinite) {
  // Scores of ~1e4: a softmax without the max shift would overflow.
  HostTensor q = randomTensor({1, 9, 12}, 7, -100.0, 100.0), o(DType::F32, {1, 9, 4});
  runKernel("attention_heads", headsAttr(2), {&q}, {&o}, 1);
  std::vector<double> ref = naiveHeads(toDouble(q), 1, 9, 4, 2);
  for (int64_t i = 0; i < o.numel(); ++i)
    ASSERT_NEAR(o.f32()[i], ref[size_t(i)], 1e-3 * (1 + std::fabs(ref[size_t(i)])));
}

TEST(AttentionKernels, HeadsGradMatchesFiniteDifferences) {
  for (Case s : {Case{2, 7, 6, 2}, Case{1, 67, 4, 2}}) {
    SCOPED_TRACE(::testing::Message() << "T=" << s.T);
    HostTensor q = randomTensor({s.B, s.T, 3 * s.C}, 11, -1.5, 1.5);
    HostTensor r = randomTensor({s.B, s.T, s.C}, 12);
    HostTensor dq(DType::F32, q.shape);
    runDeterministic("attention_heads_grad", s.H, {&q, &r}, dq);
    std::vector<double> qd = toDouble(q), rd = toDouble(r);
    auto loss = [&](const std::vector<double> &v) {
      std::vector<double> o = naiveHeads(v, s.B, s.T, s.C, s.H);
      double l = 0.0;
      for (size_t i = 0; i < o.size(); ++i)
        l += o[i] * rd[i];
      return l;
    };
    const double h = 1e-5; // central differences in double: error ~h^2
    for (int64_t i = 0; i < q.numel(); ++i) {
      std::vector<double> p = qd, m = qd;
      p[size_t(i)] += h, m[size_t(i)] -= h;
      double fd = (loss(p) - loss(m)) / (2 * h);
      ASSERT_NEAR(dq.f32()[i], fd, 1e-4 + 1e-4 * std::fabs(fd)) << "dqkv at " << i;
    }
  }
}

TEST(AttentionKernels, RejectsBadCalls) {
  HostTensor x(DType::F32, {1, 4, 6}), w(DType::F32, {18, 6}),
      b(DType::F32, {18}), wo(DType::F32, {6, 6}), bo(DType::F32, {6});
  HostTensor y(DType::F32, {1, 4, 6});
  expectErrorContaining(
      [&] { runKernel("attention", headsAttr(4), {&x, &w, &b, &wo, &bo}, {&y}, 1); },
      "C = 6 must be positive and divisible by heads = 4");
  expectErrorContaining(
      [&] { runKernel("attention", headsAttr(0), {&x, &w, &b, &wo, &bo}, {&y}, 1); },
      "attribute 'heads' must be positive, got 0");
  HostTensor wBad(DType::F32, {12, 6});
  expectErrorContaining(
      [&] { runKernel("attention", headsAttr(2), {&x, &wBad, &b, &wo, &bo}, {&y}, 1); },
      "wqkv");
  HostTensor q(DType::F32, {1, 4, 17}), o(DType::F32, {1, 4, 6});
  expectErrorContaining(
      [&] { runKernel("attention_heads", headsAttr(2), {&q}, {&o}, 1); },
      "qkv's last dim 17 is not 3C");
  HostTensor q2(DType::F32, {1, 4, 18}), dyBad(DType::F32, {1, 5, 6}),
      dq(DType::F32, {1, 4, 18});
  expectErrorContaining(
      [&] { runKernel("attention_heads_grad", headsAttr(2), {&q2, &dyBad}, {&dq}, 1); },
      "dy");
}

TEST(AttentionKernels, TimingAtLatentSize) {
  // B = 4, T = 512 (16^3 latent grid in 2^3 patches), C = 64, 4 heads.
  const int64_t B = 4, T = 512, C = 64, H = 4;
  HostTensor x = randomTensor({B, T, C}, 1), w = randomTensor({3 * C, C}, 2, -0.2, 0.2);
  HostTensor b = randomTensor({3 * C}, 3), wo = randomTensor({C, C}, 4),
             bo = randomTensor({C}, 5);
  HostTensor y(DType::F32, {B, T, C}), q = randomTensor({B, T, 3 * C}, 6);
  HostTensor dq(DType::F32, {B, T, 3 * C});
  for (int threads : {1, 2}) {
    auto time = [&](auto fn) {
      fn(); // warm-up
      auto t0 = std::chrono::steady_clock::now();
      for (int i = 0; i < 5; ++i)
        fn();
      return std::chrono::duration<double, std::milli>(
                 std::chrono::steady_clock::now() - t0)
                 .count() /
             5;
    };
    double fwd = time([&] {
      runKernel("attention", headsAttr(H), {&x, &w, &b, &wo, &bo}, {&y}, threads);
    });
    double bwd = time([&] {
      runKernel("attention_heads_grad", headsAttr(H), {&q, &y}, {&dq}, threads);
    });
    std::printf("attention B=4 T=512 C=64 h=4, %d thread(s): forward %.2f ms, "
                "attention_heads_grad %.2f ms\n",
                threads, fwd, bwd);
    for (int64_t i = 0; i < dq.numel(); ++i)
      ASSERT_TRUE(std::isfinite(dq.f32()[i]));
  }
}
