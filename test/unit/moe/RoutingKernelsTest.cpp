//===- RoutingKernelsTest.cpp - router, top_k and router losses -----------===//
//
// The CPU kernels router, router_grad, top_k, top_k_grad, the router
// losses and allocation_kl against naive double-precision references, their
// gradients against central finite differences of the forward kernels, and
// their load-time errors. (dispatch/combine: DispatchKernelsTest.cpp;
// spectral_energy: SpectralEnergyTest.cpp.)
//
// FD tolerances: the forward kernels round their outputs to f32 (relative
// 6e-8); with step h = 1e-2 on O(1) values the rounding contributes
// ~1e-5 and the O(h²) truncation ~1e-4, so 2e-3 relative separates a
// correct gradient from a wrong factor or a missing term (errors O(1)).
//
//===----------------------------------------------------------------------===//
#include "test/unit/moe/RoutingTestUtil.h"

#include <cmath>
#include <cstring>

using namespace shodh;
using namespace shodh::testing;

namespace {

constexpr double kStep = 1e-2, kTol = 2e-3;

/// Naive router: logits and softmax(logits / temp) in double.
void referenceRouter(const HostTensor &x, const HostTensor &w,
                     const HostTensor *b, double temp,
                     std::vector<double> &logits, std::vector<double> &probs) {
  int64_t rows = x.shape[0] * x.shape[1], f = x.shape[2], e = w.shape[0];
  logits.assign(size_t(rows * e), 0.0), probs.assign(size_t(rows * e), 0.0);
  for (int64_t r = 0; r < rows; ++r) {
    double sum = 0.0;
    for (int64_t i = 0; i < e; ++i) {
      double z = b ? b->f32()[i] : 0.0;
      for (int64_t c = 0; c < f; ++c)
        z += double(x.f32()[r * f + c]) * w.f32()[i * f + c];
      logits[size_t(r * e + i)] = z;
      sum += std::exp(z / temp);
    }
    for (int64_t i = 0; i < e; ++i)
      probs[size_t(r * e + i)] =
          std::exp(logits[size_t(r * e + i)] / temp) / sum;
  }
}

TEST(RouterKernel, MatchesReferenceWithAndWithoutBias) {
  HostTensor x = f32Tensor({2, 5, 7}, 1), w = f32Tensor({4, 7}, 2),
             b = f32Tensor({4}, 3);
  for (bool bias : {false, true}) {
    HostTensor logits = zerosF32({2, 5, 4}), probs = zerosF32({2, 5, 4});
    std::vector<const HostTensor *> ins = {&x, &w};
    if (bias)
      ins.push_back(&b);
    call("router", {{"temperature", 0.7}}, ins, {&logits, &probs});
    std::vector<double> refZ, refP;
    referenceRouter(x, w, bias ? &b : nullptr, 0.7, refZ, refP);
    for (int64_t i = 0; i < logits.numel(); ++i) {
      EXPECT_NEAR(logits.f32()[i], refZ[size_t(i)], 1e-5);
      EXPECT_NEAR(probs.f32()[i], refP[size_t(i)], 1e-6);
    }
  }
}

TEST(RouterKernel, ThreadCountDoesNotChangeBits) {
  HostTensor x = f32Tensor({3, 64, 9}, 4), w = f32Tensor({6, 9}, 5);
  HostTensor z1 = zerosF32({3, 64, 6}), p1 = zerosF32({3, 64, 6});
  HostTensor z4 = zerosF32({3, 64, 6}), p4 = zerosF32({3, 64, 6});
  call("router", {}, {&x, &w}, {&z1, &p1}, 1);
  call("router", {}, {&x, &w}, {&z4, &p4}, 4);
  EXPECT_EQ(0, std::memcmp(p1.f32(), p4.f32(), size_t(p1.numel()) * 4));
  EXPECT_EQ(0, std::memcmp(z1.f32(), z4.f32(), size_t(z1.numel()) * 4));
}

/// L = <c1, logits> + <c2, probs> through the router kernel.
TEST(RouterGradKernel, MatchesFiniteDifferencesThroughTheRouter) {
  HostTensor x = f32Tensor({2, 3, 5}, 6), w = f32Tensor({4, 5}, 7),
             b = f32Tensor({4}, 8);
  HostTensor c1 = f32Tensor({2, 3, 4}, 9), c2 = f32Tensor({2, 3, 4}, 10);
  HostTensor logits = zerosF32({2, 3, 4}), probs = zerosF32({2, 3, 4});
  const double temp = 1.5;
  auto loss = [&] {
    call("router", {{"temperature", temp}}, {&x, &w, &b}, {&logits, &probs});
    return dot(c1, logits) + dot(c2, probs);
  };
  loss();
  HostTensor dz = zerosF32({2, 3, 4});
  call("router_grad", {{"temperature", temp}}, {&probs, &c2, &c1}, {&dz});
  // dz feeds the linear gradients: dx = dz·w, dw = dzᵀ·x, db = Σ dz.
  std::vector<double> dx(size_t(x.numel()), 0.0), dw(size_t(w.numel()), 0.0),
      db(4, 0.0);
  for (int64_t r = 0; r < 6; ++r)
    for (int64_t i = 0; i < 4; ++i) {
      double g = dz.f32()[r * 4 + i];
      db[size_t(i)] += g;
      for (int64_t c = 0; c < 5; ++c) {
        dx[size_t(r * 5 + c)] += g * w.f32()[i * 5 + c];
        dw[size_t(i * 5 + c)] += g * x.f32()[r * 5 + c];
      }
    }
  expectGradient(loss, x.f32(), dx, kStep, kTol, "dtokens");
  expectGradient(loss, w.f32(), dw, kStep, kTol, "dweight");
  expectGradient(loss, b.f32(), db, kStep, kTol, "dbias");
}

TEST(RouterKernel, RejectsBadCalls) {
  expectErrorContaining(
      [] {
        createKernel(
            "router", {},
            {symbolic("x", {Dim::named("B"), Dim::fixed(4), Dim::fixed(8)}),
             symbolic("w", {Dim::fixed(3), Dim::fixed(6)})},
            {symbolic("z", {Dim::named("B"), Dim::fixed(4), Dim::fixed(3)}),
             symbolic("p", {Dim::named("B"), Dim::fixed(4), Dim::fixed(3)})});
      },
      "weight dim 1 is 6 but tokens dim 2 is 8");
  expectErrorContaining(
      [] {
        HostTensor x = f32Tensor({1, 2, 3}), w = f32Tensor({2, 3});
        HostTensor z = zerosF32({1, 2, 2}), p = zerosF32({1, 2, 2});
        call("router", {{"temperature", -1.0}}, {&x, &w}, {&z, &p});
      },
      "attribute 'temperature' must be a finite number > 0, got -1");
}

TEST(TopKKernel, OrdersByProbabilityWithTiesToTheLowerId) {
  HostTensor p = zerosF32({1, 2, 5});
  float rows[] = {0.1f, 0.3f, 0.3f, 0.2f, 0.1f, NAN, 0.2f, 0.5f, 0.2f, 0.1f};
  std::copy(rows, rows + 10, p.f32());
  HostTensor g = zerosF32({1, 2, 3}), e = i64Tensor({1, 2, 3});
  call("top_k", {{"k", int64_t(3)}, {"renormalize", int64_t(0)}}, {&p},
       {&g, &e});
  std::vector<int64_t> want = {1, 2, 3, 2, 1, 3};
  for (int i = 0; i < 6; ++i)
    EXPECT_EQ(ids(e)[i], want[size_t(i)]) << i;
  EXPECT_FLOAT_EQ(g.f32()[0], 0.3f);
  EXPECT_FLOAT_EQ(g.f32()[2], 0.2f);
  call("top_k", {{"k", int64_t(3)}}, {&p}, {&g, &e});
  EXPECT_NEAR(g.f32()[0], 0.3 / 0.8, 1e-7);
  EXPECT_NEAR(g.f32()[3] + g.f32()[4] + g.f32()[5], 1.0, 1e-6);
}

TEST(TopKGradKernel, MatchesFiniteDifferences) {
  // Probabilities with gaps >> the FD step, so the selection never flips.
  HostTensor p = zerosF32({2, 2, 5});
  float rows[] = {0.9f, 0.1f, 0.5f, 0.3f, 0.7f, 0.2f, 0.8f, 0.4f, 0.6f, 0.0f,
                  0.3f, 0.5f, 0.1f, 0.9f, 0.7f, 0.6f, 0.4f, 0.8f, 0.2f, 0.1f};
  std::copy(rows, rows + 20, p.f32());
  HostTensor c = f32Tensor({2, 2, 3}, 11);
  for (int64_t renorm : {0, 1}) {
    std::vector<NamedAttr> attrs = {{"k", int64_t(3)}, {"renormalize", renorm}};
    HostTensor g = zerosF32({2, 2, 3}), e = i64Tensor({2, 2, 3});
    auto loss = [&] {
      call("top_k", attrs, {&p}, {&g, &e});
      return dot(c, g);
    };
    loss();
    HostTensor dp = zerosF32({2, 2, 5});
    call("top_k_grad", {{"renormalize", renorm}}, {&p, &e, &c}, {&dp});
    expectGradient(loss, p.f32(), values(dp), 1e-3, kTol,
                   renorm ? "renormalized" : "raw");
  }
}

TEST(TopKKernel, RejectsKAboveTheExperts) {
  expectErrorContaining(
      [] {
        createKernel(
            "top_k", {{"k", int64_t(5)}},
            {symbolic("p", {Dim::named("B"), Dim::fixed(2), Dim::fixed(4)})},
            {symbolic("g", {Dim::named("B"), Dim::fixed(2), Dim::fixed(5)}),
             symbolic("e", {Dim::named("B"), Dim::fixed(2), Dim::fixed(5)},
                      DType::I64)});
      },
      "k = 5 exceeds the 4 experts of probs");
  expectErrorContaining(
      [] {
        HostTensor p = f32Tensor({1, 1, 3}), e = i64Tensor({1, 1, 1}, {7});
        HostTensor dg = f32Tensor({1, 1, 1}), dp = zerosF32({1, 1, 3});
        call("top_k_grad", {}, {&p, &e, &dg}, {&dp});
      },
      "expert id 7 is outside [0, 3)");
}

//===----------------------------------------------------------------------===//
// Router losses
//===----------------------------------------------------------------------===//

/// Runs a loss kernel and returns its value.
double lossValue(const std::string &name, std::vector<NamedAttr> attrs,
                 std::vector<const HostTensor *> ins) {
  HostTensor out = zerosF32({1});
  call(name, std::move(attrs), std::move(ins), {&out});
  return out.f32()[0];
}

/// Softmax rows of random logits: (B, T, E) probabilities.
HostTensor randomProbs(std::vector<int64_t> shape, uint32_t seed) {
  HostTensor p = f32Tensor(shape, seed, -2.0, 2.0);
  int64_t e = shape[2];
  for (int64_t r = 0; r < p.numel() / e; ++r) {
    double sum = 0.0;
    for (int64_t i = 0; i < e; ++i)
      sum += std::exp(double(p.f32()[r * e + i]));
    for (int64_t i = 0; i < e; ++i)
      p.f32()[r * e + i] = float(std::exp(double(p.f32()[r * e + i])) / sum);
  }
  return p;
}

TEST(RouterLosses, LoadBalanceMatchesTheSwitchFormula) {
  HostTensor p = randomProbs({2, 3, 4}, 12);
  HostTensor e = i64Tensor({2, 3, 2}, {0, 1, 0, 2, 3, 0, 1, 0, 2, 0, 0, 3});
  double f[4] = {6, 2, 2, 2}, P[4] = {0, 0, 0, 0}, want = 0.0;
  for (int64_t r = 0; r < 6; ++r)
    for (int i = 0; i < 4; ++i)
      P[i] += p.f32()[r * 4 + i] / 6.0;
  for (int i = 0; i < 4; ++i)
    want += 4.0 * (f[i] / 12.0) * P[i];
  EXPECT_NEAR(lossValue("load_balance_loss", {}, {&p, &e}), want, 1e-6);
  HostTensor dl = zerosF32({1});
  dl.f32()[0] = 0.5f;
  auto loss = [&] { return lossValue("load_balance_loss", {}, {&p, &e}); };
  HostTensor dp = zerosF32({2, 3, 4}), dpScaled = zerosF32({2, 3, 4});
  call("load_balance_loss_grad", {}, {&p, &e}, {&dp});
  call("load_balance_loss_grad", {}, {&p, &e, &dl}, {&dpScaled});
  expectGradient(loss, p.f32(), values(dp), kStep, kTol, "dprobs");
  EXPECT_FLOAT_EQ(dpScaled.f32()[5], 0.5f * dp.f32()[5]);
}

TEST(RouterLosses, ZLossMatchesReferenceAndFiniteDifferences) {
  HostTensor z = f32Tensor({2, 3, 4}, 13, -3.0, 3.0);
  double want = 0.0;
  for (int64_t r = 0; r < 6; ++r) {
    double s = 0.0;
    for (int i = 0; i < 4; ++i)
      s += std::exp(double(z.f32()[r * 4 + i]));
    want += std::log(s) * std::log(s) / 6.0;
  }
  auto loss = [&] { return lossValue("router_z_loss", {}, {&z}); };
  EXPECT_NEAR(loss(), want, 1e-5 * want);
  HostTensor dz = zerosF32({2, 3, 4});
  call("router_z_loss_grad", {}, {&z}, {&dz});
  expectGradient(loss, z.f32(), values(dz), kStep, kTol, "dlogits");
}

TEST(RouterLosses, KlLossMatchesReferenceAndFiniteDifferences) {
  HostTensor p = randomProbs({2, 3, 4}, 14);
  std::vector<double> prior = {0.4, 0.3, 0.2, 0.1};
  const double beta = 0.25;
  double a[4] = {0, 0, 0, 0}, ent = 0.0, want = 0.0;
  for (int64_t r = 0; r < 6; ++r)
    for (int i = 0; i < 4; ++i) {
      double v = p.f32()[r * 4 + i];
      a[i] += v / 6.0, ent -= v * std::log(v) / 6.0;
    }
  for (int i = 0; i < 4; ++i)
    want += a[i] * std::log(a[i] / prior[size_t(i)]);
  want += beta * ent;
  std::vector<NamedAttr> attrs = {{"prior", prior}, {"entropy_weight", beta}};
  auto loss = [&] { return lossValue("router_kl_loss", attrs, {&p}); };
  EXPECT_NEAR(loss(), want, 1e-6);
  HostTensor dp = zerosF32({2, 3, 4});
  call("router_kl_loss_grad", attrs, {&p}, {&dp});
  // Smaller step: the entropy's curvature grows like 1/p.
  expectGradient(loss, p.f32(), values(dp), 2e-3, 5e-3, "dprobs");
  // Uniform prior and allocation: KL = 0, and with beta = 0 the loss is 0.
  HostTensor u = zerosF32({1, 2, 4});
  std::fill(u.f32(), u.f32() + 8, 0.25f);
  EXPECT_NEAR(lossValue("router_kl_loss", {}, {&u}), 0.0, 1e-7);
}

TEST(RouterLosses, KlLossOverSamplesMatchesReferenceAndFiniteDifferences) {
  // entropy_over = "samples": the entropy of each sample's mean routing
  // distribution; with a uniform prior and beta = 1, log E - I(sample;
  // expert).
  HostTensor p = randomProbs({3, 4, 2}, 16);
  const double beta = 1.0;
  double a[2] = {0, 0}, ent = 0.0, want = 0.0;
  for (int64_t b = 0; b < 3; ++b) {
    double m[2] = {0, 0};
    for (int64_t t = 0; t < 4; ++t)
      for (int i = 0; i < 2; ++i) {
        double v = p.f32()[(b * 4 + t) * 2 + i];
        m[i] += v / 4.0, a[i] += v / 12.0;
      }
    for (int i = 0; i < 2; ++i)
      ent -= m[i] * std::log(m[i]) / 3.0;
  }
  for (int i = 0; i < 2; ++i)
    want += a[i] * std::log(a[i] / 0.5);
  want += beta * ent;
  std::vector<NamedAttr> attrs = {{"entropy_weight", beta},
                                  {"entropy_over", std::string("samples")}};
  auto loss = [&] { return lossValue("router_kl_loss", attrs, {&p}); };
  EXPECT_NEAR(loss(), want, 1e-6);
  HostTensor dp = zerosF32({3, 4, 2});
  call("router_kl_loss_grad", attrs, {&p}, {&dp});
  expectGradient(loss, p.f32(), values(dp), 2e-3, 5e-3, "dprobs");
  // Every sample on one expert, half the samples on each: I = log 2, loss 0;
  // per token the same probabilities give the same value.
  HostTensor split = zerosF32({2, 3, 2});
  for (int64_t t = 0; t < 3; ++t) {
    split.f32()[t * 2 + 0] = 1.0f;
    split.f32()[(3 + t) * 2 + 1] = 1.0f;
  }
  EXPECT_NEAR(lossValue("router_kl_loss", attrs, {&split}), 0.0, 1e-7);
  // Every token undecided (0.5, 0.5): per-sample entropy log 2.
  HostTensor flat = zerosF32({2, 3, 2});
  std::fill(flat.f32(), flat.f32() + 12, 0.5f);
  EXPECT_NEAR(lossValue("router_kl_loss", attrs, {&flat}), std::log(2.0),
              1e-6);
  // Tokens decided but split within each sample: per token the entropy is
  // 0, per sample log 2 -- what "samples" is for.
  HostTensor mixed = zerosF32({2, 2, 2});
  for (int64_t r = 0; r < 4; ++r)
    mixed.f32()[r * 2 + (r % 2)] = 1.0f;
  EXPECT_NEAR(lossValue("router_kl_loss", attrs, {&mixed}), std::log(2.0),
              1e-6);
  EXPECT_NEAR(lossValue("router_kl_loss", {{"entropy_weight", beta}}, {&mixed}),
              0.0, 1e-7);
}

TEST(RouterLosses, RejectBadAttributesAndShapes) {
  HostTensor p = randomProbs({1, 2, 4}, 15), out = zerosF32({1});
  expectErrorContaining(
      [&] {
        call("router_kl_loss", {{"prior", std::vector<double>{0.5, 0.5}}}, {&p},
             {&out});
      },
      "probs dim 2 is 4 but the prior's length is 2");
  expectErrorContaining(
      [&] {
        call("router_kl_loss", {{"entropy_weight", -1.0}}, {&p}, {&out});
      },
      "attribute 'entropy_weight' must be a finite number >= 0");
  expectErrorContaining(
      [&] {
        call("router_kl_loss_grad", {{"entropy_over", std::string("batch")}},
             {&p}, {&out});
      },
      "attribute 'entropy_over' must be \"tokens\" or \"samples\", got "
      "\"batch\"");
  HostTensor e = i64Tensor({1, 2, 1}, {0, 9});
  expectErrorContaining(
      [&] {
        call("load_balance_loss", {}, {&p, &e}, {&out});
      },
      "expert id 9 of assignment 1 is outside [0, 4)");
  HostTensor big = zerosF32({2});
  expectErrorContaining([&] { call("router_z_loss", {}, {&p}, {&big}); },
                        "output must have shape [1]");
}

//===----------------------------------------------------------------------===//
// allocation_kl
//===----------------------------------------------------------------------===//

/// Naive KL(f ‖ prior) of the hard allocation of `ids` over `e` experts:
/// counts, then Σ over experts with a nonzero count.
double referenceAllocationKl(const std::vector<int64_t> &ids, int64_t e,
                             const std::vector<double> &prior) {
  std::vector<double> count(size_t(e), 0.0);
  for (int64_t id : ids)
    count[size_t(id)] += 1.0;
  double kl = 0.0;
  for (int64_t i = 0; i < e; ++i) {
    double f = count[size_t(i)] / double(ids.size());
    double q = prior.empty() ? 1.0 / double(e) : prior[size_t(i)];
    if (f > 0.0)
      kl += f * std::log(f / q);
  }
  return kl;
}

TEST(AllocationKl, MatchesTheNaiveReference) {
  // B = 2, T = 5, k = 2: 20 assignments with pseudo-random ids over 4
  // experts, expert 3 never chosen (its 0·log 0 term is 0).
  std::vector<int64_t> v;
  for (int64_t a = 0; a < 20; ++a)
    v.push_back((a * 7 + a / 3) % 3);
  HostTensor ids = i64Tensor({2, 5, 2}, v);
  std::vector<double> prior = {0.4, 0.3, 0.2, 0.1};
  // f32 output of an O(1) double sum: 1e-6 absolute.
  EXPECT_NEAR(lossValue("allocation_kl", {{"num_experts", int64_t(4)}}, {&ids}),
              referenceAllocationKl(v, 4, {}), 1e-6);
  EXPECT_NEAR(lossValue("allocation_kl",
                        {{"num_experts", int64_t(4)}, {"prior", prior}},
                        {&ids}),
              referenceAllocationKl(v, 4, prior), 1e-6);
}

TEST(AllocationKl, IsZeroWhenBalancedAndLogEOnOneExpert) {
  HostTensor balanced = i64Tensor({1, 6, 1}, {0, 1, 2, 2, 1, 0});
  HostTensor single = i64Tensor({2, 3, 1}, {1, 1, 1, 1, 1, 1});
  std::vector<NamedAttr> attrs = {{"num_experts", int64_t(3)}};
  EXPECT_NEAR(lossValue("allocation_kl", attrs, {&balanced}), 0.0, 1e-7);
  EXPECT_NEAR(lossValue("allocation_kl", attrs, {&single}), std::log(3.0),
              1e-6);
  // No assignments (B = 0): no allocation to measure, 0.
  HostTensor empty = i64Tensor({0, 6, 1});
  EXPECT_EQ(lossValue("allocation_kl", attrs, {&empty}), 0.0);
}

TEST(AllocationKl, RejectsBadIdsAndAttributes) {
  HostTensor ids = i64Tensor({1, 2, 1}, {0, 5}), out = zerosF32({1});
  expectErrorContaining(
      [&] {
        call("allocation_kl", {{"num_experts", int64_t(3)}}, {&ids}, {&out});
      },
      "expert id 5 of assignment 1 is outside [0, 3)");
  expectErrorContaining(
      [&] {
        call("allocation_kl", {{"num_experts", int64_t(0)}}, {&ids}, {&out});
      },
      "attribute 'num_experts' must be at least 1, got 0");
  expectErrorContaining(
      [&] {
        call("allocation_kl",
             {{"num_experts", int64_t(3)},
              {"prior", std::vector<double>{0.5, 0.5}}},
             {&ids}, {&out});
      },
      "prior has 2 entries but num_experts is 3");
  HostTensor flat = i64Tensor({2});
  expectErrorContaining(
      [&] {
        call("allocation_kl", {{"num_experts", int64_t(3)}}, {&flat}, {&out});
      },
      "experts must have rank 3, got 1");
  HostTensor f = zerosF32({1, 2, 1});
  expectErrorContaining(
      [&] {
        call("allocation_kl", {{"num_experts", int64_t(3)}}, {&f}, {&out});
      },
      "experts");
}

} // namespace
