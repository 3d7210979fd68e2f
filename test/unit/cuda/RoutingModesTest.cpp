//===- RoutingModesTest.cpp - The routing device code, on the host --------===//
//
// Runs without a GPU: the per-element, per-row and index functions the CUDA
// patch, router, top_k, dispatch, combine and router-loss kernels run in
// their threads (runtime/kernels/cuda/RoutingDevice.h, DispatchDevice.h),
// called here for every element in the order-free way the device runs
// them, against the CPU kernels. Everything must be bitwise equal: the
// copies and the sort are exact, and each row/slot function performs the
// CPU's operations in its order (no FMA: nvcc --fmad=false, and the host
// build does not contract either). The z-loss and KL sums, which the GPU
// adds in a tree, are added here in the CPU's sequential order (the tree's
// tolerance is RoutingParityTest.cpp's business).
//
//===----------------------------------------------------------------------===//
#include "RoutingCases.h"
#include "runtime/kernels/cuda/DispatchDevice.h"
#include "runtime/kernels/cuda/RoutingDevice.h"

#include <gtest/gtest.h>

#include <algorithm>

using namespace shodh;
using namespace shodh::cuda;
using namespace shodh::testing;

namespace {

using Ints = std::vector<int64_t>;

/// PatchShape as PatchCopyKernels.cpp builds it.
PatchShape patchShape(const Ints &field, const Ints &patch) {
  PatchShape s;
  size_t d = patch.size(), skip = 3 - d;
  s.batch = field[0], s.channels = field[1], s.patches = 1;
  for (size_t a = 0; a < d; ++a) {
    s.grid[skip + a] = field[2 + a], s.patch[skip + a] = patch[a];
    s.patches *= field[2 + a] / patch[a];
  }
  return s;
}

/// The dispatch of `ids` emulated step by step as Ragged.cu runs it.
void emulateDispatch(const int64_t *ids, int64_t n, int64_t experts,
                     int64_t cap, int64_t k, const float *x, int64_t len,
                     float *sorted, int64_t *offsets, int64_t *source) {
  const int64_t chunks = (n + kSortChunk - 1) / kSortChunk;
  Ints rank(static_cast<size_t>(n)),
      counts(static_cast<size_t>(chunks * experts), 0);
  Ints base(counts.size()), total(static_cast<size_t>(experts)),
      drop(static_cast<size_t>(experts));
  for (int64_t a = n - 1; a >= 0; --a) { // any order: ranks are independent
    rank[size_t(a)] = dispatchChunkRank(ids, a);
    ++counts[size_t((a / kSortChunk) * experts + ids[a])];
  }
  for (int64_t e = experts - 1; e >= 0; --e)
    dispatchScanExpert(counts.data(), chunks, experts, e, base.data(),
                       total.data());
  dispatchOffsets(total.data(), experts, cap, offsets, drop.data());
  for (int64_t a = n - 1; a >= 0; --a)
    source[dispatchRowOf(base.data(), offsets, drop.data(), experts, a, ids[a],
                         rank[size_t(a)])] = a;
  for (int64_t idx = 0; idx < n * len; ++idx)
    sorted[idx] = dispatchGatherAt(x, source, offsets[experts], idx / len,
                                   idx % len, k, len);
}

/// The inverse of source as Ragged.cu computes it; returns the smallest
/// bad row or -1 (offsets assumed valid here).
int64_t emulateInverse(const int64_t *source, int64_t rows, int64_t kept,
                       Ints &rowOf) {
  std::vector<uint64_t> first(size_t(rows), ~uint64_t(0));
  rowOf.assign(size_t(rows), -1);
  for (int64_t r = rows - 1; r >= 0; --r)
    if (source[r] >= 0 && source[r] < rows)
      first[size_t(source[r])] =
          std::min(first[size_t(source[r])], uint64_t(r));
  int64_t bad = -1;
  for (int64_t r = rows - 1; r >= 0; --r)
    if (invertRow(source, first.data(), kept, rows, r, rowOf.data()))
      bad = r;
  return bad;
}

} // namespace

TEST(CudaRoutingModes, PatchIndexMatchesTheCpuCopies) {
  struct Case {
    Ints field, patch;
  };
  for (const Case &c :
       {Case{{2, 3, 8, 12}, {4, 3}}, Case{{2, 2, 4, 6, 4}, {2, 3, 2}},
        Case{{1, 1, 5, 5}, {5, 5}}}) {
    PatchShape s = patchShape(c.field, c.patch);
    Ints tok = {s.batch, s.patches, s.channels};
    tok.insert(tok.end(), c.patch.begin(), c.patch.end());
    HostTensor field(DType::F32, c.field), tokens(DType::F32, tok),
        tokensDev(DType::F32, tok), back(DType::F32, c.field),
        backDev(DType::F32, c.field);
    field.fillUniform(7);
    runKernel("patchify", {{"patch", c.patch}}, {&field}, {&tokens}, 2);
    for (int64_t t = 0; t < tokens.numel(); ++t)
      tokensDev.f32()[t] = field.f32()[patchFieldIndex(s, t)];
    expectSameBytes(tokensDev, tokens, "patchify");
    Ints grid(c.field.begin() + 2, c.field.end());
    runKernel("unpatchify", {{"grid", grid}}, {&tokens}, {&back}, 2);
    for (int64_t t = 0; t < tokens.numel(); ++t)
      backDev.f32()[patchFieldIndex(s, t)] = tokens.f32()[t];
    expectSameBytes(backDev, back, "unpatchify");
    expectSameBytes(back, field, "round trip");
  }
}

TEST(CudaRoutingModes, RouterRowsMatchTheCpuBitwise) {
  RoutingInputs in(11);
  const int64_t rows = in.B * in.T, e = in.E;
  // The bias is added after the GEMM: the bias-free CPU logits are the
  // GEMM's output the device rows start from.
  HostTensor gemm(DType::F32, in.logits.shape),
      unused(DType::F32, in.logits.shape);
  runKernel("router", {{"temperature", 0.7}}, {&in.x, &in.w}, {&gemm, &unused},
            2);
  HostTensor z(DType::F32, in.logits.shape), p(DType::F32, in.logits.shape);
  HostTensor want(DType::F32, in.logits.shape),
      wantZ(DType::F32, in.logits.shape);
  runKernel("router", {{"temperature", 0.7}}, {&in.x, &in.w, &in.bias},
            {&wantZ, &want}, 2);
  std::memcpy(z.f32(), gemm.f32(), size_t(z.numel()) * sizeof(float));
  for (int64_t r = 0; r < rows; ++r)
    routerRow(z.f32() + r * e, in.bias.f32(), p.f32() + r * e, e, 0.7);
  expectSameBytes(z, wantZ, "router logits");
  expectSameBytes(p, want, "router probs");

  for (bool withLogits : {false, true}) {
    HostTensor dz(DType::F32, p.shape), dzDev(DType::F32, p.shape);
    std::vector<const HostTensor *> ins = {&in.probs, &in.dprobs};
    if (withLogits)
      ins.push_back(&in.logits);
    runKernel("router_grad", {{"temperature", 0.7}}, ins, {&dz}, 2);
    for (int64_t r = 0; r < rows; ++r)
      routerGradRow(in.probs.f32() + r * e, in.dprobs.f32() + r * e,
                    withLogits ? in.logits.f32() + r * e : nullptr,
                    dzDev.f32() + r * e, e, 0.7);
    expectSameBytes(dzDev, dz, "router_grad");
  }
}

TEST(CudaRoutingModes, TopKRowsMatchTheCpuBitwise) {
  RoutingInputs in(21);
  const int64_t rows = in.B * in.T, e = in.E, k = in.K;
  for (int64_t renorm : {0, 1}) {
    HostTensor g(DType::F32, in.gates.shape), ids(DType::I64, in.ids.shape);
    HostTensor gDev(DType::F32, g.shape), idsDev(DType::I64, ids.shape);
    runKernel("top_k", {{"k", k}, {"renormalize", renorm}}, {&in.probs},
              {&g, &ids}, 2);
    for (int64_t r = 0; r < rows; ++r)
      topKRow(in.probs.f32() + r * e, e, k, renorm != 0, gDev.f32() + r * k,
              i64(idsDev) + r * k);
    expectSameBytes(idsDev, ids, "top_k experts");
    expectSameBytes(gDev, g, "top_k gates");

    // Gradients, with a repeated id in row 3 (f32 accumulation order).
    i64(ids)[3 * k + 1] = i64(ids)[3 * k];
    HostTensor dp(DType::F32, in.probs.shape), dpDev(DType::F32, dp.shape);
    runKernel("top_k_grad", {{"renormalize", renorm}},
              {&in.probs, &ids, &in.dgates}, {&dp}, 2);
    for (int64_t r = 0; r < rows; ++r)
      ASSERT_EQ(topKGradRow(in.probs.f32() + r * e, i64(ids) + r * k,
                            in.dgates.f32() + r * k, dpDev.f32() + r * e, e, k,
                            renorm != 0),
                -1);
    expectSameBytes(dpDev, dp, "top_k_grad");
  }
  float row[5] = {0, 0, 0, 0, 0};
  int64_t bad[2] = {1, 5};
  float dg[2] = {1, 1};
  EXPECT_EQ(topKGradRow(row, bad, dg, row, 5, 2, true), 1);
}

TEST(CudaRoutingModes, DispatchStepsMatchTheCpuSortExactly) {
  RoutingInputs in(31);
  const int64_t n = in.ids.numel(), len = in.C * in.P;
  for (double capacity : {0.0, 1.0, 0.5}) {
    Ints sortedShape = {in.B, in.T * in.K, in.C, in.P};
    HostTensor sorted(DType::F32, sortedShape), offsets(DType::I64, {in.E + 1}),
        source(DType::I64, {in.B, in.T * in.K});
    HostTensor sortedDev(DType::F32, sortedShape),
        offsetsDev(DType::I64, {in.E + 1}),
        sourceDev(DType::I64, {in.B, in.T * in.K});
    runKernel("dispatch",
              {{"num_experts", in.E}, {"capacity_factor", capacity}},
              {&in.tokens, &in.ids}, {&sorted, &offsets, &source}, 2);
    int64_t cap = capacity > 0.0
                      ? int64_t(std::ceil(double(n) * capacity / double(in.E)))
                      : n;
    emulateDispatch(i64(in.ids), n, in.E, cap, in.K, in.tokens.f32(), len,
                    sortedDev.f32(), i64(offsetsDev), i64(sourceDev));
    std::string what = "capacity " + std::to_string(capacity);
    expectSameBytes(offsetsDev, offsets, "dispatch offsets, " + what);
    expectSameBytes(sourceDev, source, "dispatch source, " + what);
    expectSameBytes(sortedDev, sorted, "dispatch rows, " + what);
    if (capacity == 0.5) {
      EXPECT_LT(i64(offsets)[in.E], n) << "the case must drop rows";
    }
  }
}

TEST(CudaRoutingModes, InverseAndGatherSumsMatchCombineBitwise) {
  RoutingInputs in(41);
  const int64_t n = in.ids.numel(), len = in.C * in.P, tokens = in.B * in.T;
  const int64_t k = in.K;
  Ints rowsShape = {in.B, in.T * k, in.C, in.P};
  HostTensor sorted(DType::F32, rowsShape), offsets(DType::I64, {in.E + 1}),
      source(DType::I64, {in.B, in.T * k});
  runKernel("dispatch", {{"num_experts", in.E}, {"capacity_factor", 0.6}},
            {&in.tokens, &in.ids}, {&sorted, &offsets, &source}, 2);
  Ints rowOf;
  ASSERT_EQ(emulateInverse(i64(source), n, i64(offsets)[in.E], rowOf), -1);

  HostTensor out(DType::F32, rowsShape), y(DType::F32, in.tokens.shape),
      yDev(DType::F32, in.tokens.shape);
  out.fillUniform(42);
  runKernel("combine", {}, {&out, &in.gates, &source, &offsets}, {&y}, 2);
  for (int64_t idx = 0; idx < tokens * len; ++idx)
    yDev.f32()[idx] = gatherSumAt(out.f32(), in.gates.f32(), rowOf.data(),
                                  idx / len, idx % len, k, len);
  expectSameBytes(yDev, y, "combine");

  HostTensor dt(DType::F32, in.tokens.shape), dtDev(DType::F32, dt.shape);
  runKernel("dispatch_grad", {{"k", k}}, {&out, &source, &offsets}, {&dt}, 2);
  for (int64_t idx = 0; idx < tokens * len; ++idx)
    dtDev.f32()[idx] = gatherSumAt(out.f32(), nullptr, rowOf.data(), idx / len,
                                   idx % len, k, len);
  expectSameBytes(dtDev, dt, "dispatch_grad");

  HostTensor dy(DType::F32, in.tokens.shape), dout(DType::F32, rowsShape),
      dg(DType::F32, in.gates.shape), doutDev(DType::F32, rowsShape),
      dgDev(DType::F32, in.gates.shape);
  dy.fillUniform(43);
  runKernel("combine_grad", {}, {&dy, &out, &in.gates, &source, &offsets},
            {&dout, &dg}, 2);
  for (int64_t idx = 0; idx < n * len; ++idx)
    doutDev.f32()[idx] =
        combineGradOutAt(dy.f32(), in.gates.f32(), i64(source),
                         i64(offsets)[in.E], n, idx / len, idx % len, k, len);
  for (int64_t a = 0; a < n; ++a)
    dgDev.f32()[a] =
        combineGradGateAt(dy.f32(), out.f32(), rowOf.data(), a, k, len);
  expectSameBytes(doutDev, dout, "combine_grad dout");
  expectSameBytes(dgDev, dg, "combine_grad dgates");
}

TEST(CudaRoutingModes, FaultChecksReportTheCpusFirstOffender) {
  RoutingInputs in(51);
  const int64_t n = in.ids.numel();
  HostTensor sorted(DType::F32, {in.B, in.T * in.K, in.C, in.P}),
      offsets(DType::I64, {in.E + 1}), source(DType::I64, {in.B, in.T * in.K});
  runKernel("dispatch", {{"num_experts", in.E}}, {&in.tokens, &in.ids},
            {&sorted, &offsets, &source}, 2);
  HostTensor y(DType::F32, in.tokens.shape);
  // Rows 700 and 300 repeat the assignments of rows 5 and 9: row 300 is
  // the first row holding a repeat.
  i64(source)[700] = i64(source)[5], i64(source)[300] = i64(source)[9];
  Ints rowOf;
  EXPECT_EQ(emulateInverse(i64(source), n, i64(offsets)[in.E], rowOf), 300);
  expectErrorContaining(
      [&] {
        runKernel("combine", {}, {&sorted, &in.gates, &source, &offsets}, {&y},
                  2);
      },
      "(row 300 holds " + std::to_string(i64(source)[300]) + ")");
  i64(source)[100] = -4; // out of range, now the first
  EXPECT_EQ(emulateInverse(i64(source), n, i64(offsets)[in.E], rowOf), 100);

  int64_t at = 0, off[4] = {0, 5, 3, 9};
  EXPECT_EQ(checkOffsets(off, 3, 9, at), OffsetsFault::Decreasing);
  EXPECT_EQ(at, 1);
  off[2] = 7;
  EXPECT_EQ(checkOffsets(off, 3, 8, at), OffsetsFault::PastRows);
  EXPECT_EQ(checkOffsets(off, 3, 9, at), OffsetsFault::None);
  off[0] = 1;
  EXPECT_EQ(checkOffsets(off, 3, 9, at), OffsetsFault::FirstNotZero);
}

TEST(CudaRoutingModes, LossTermsMatchTheCpuBitwise) {
  RoutingInputs in(61);
  const int64_t n = in.B * in.T, e = in.E, nids = in.ids.numel();
  HostTensor p(DType::F32, in.probs.shape); // probs without NaN
  runKernel("router", {}, {&in.x, &in.w}, {&in.logits, &p}, 2);
  HostTensor dloss(DType::F32, {1});
  dloss.f32()[0] = 0.37f;
  std::vector<double> means(static_cast<size_t>(e)),
      prior = {0.1, 0.2, 0.3, 0.25, 0.15};
  for (int64_t i = 0; i < e; ++i)
    means[size_t(i)] = columnMeanAt(p.f32(), n, e, i);
  Ints counts(size_t(e), 0);
  for (int64_t a = 0; a < nids; ++a)
    ++counts[size_t(i64(in.ids)[a])];
  auto scalar = [](float v) {
    HostTensor t(DType::F32, {1});
    t.f32()[0] = v;
    return t;
  };

  HostTensor lb(DType::F32, {1}), lbGrad(DType::F32, p.shape),
      lbGradDev(DType::F32, p.shape);
  runKernel("load_balance_loss", {}, {&p, &in.ids}, {&lb}, 2);
  double sum = 0.0;
  for (int64_t i = 0; i < e; ++i)
    sum += assignmentFraction(counts[size_t(i)], nids) * means[size_t(i)];
  expectSameBytes(scalar(float(double(e) * sum)), lb, "load_balance_loss");
  runKernel("load_balance_loss_grad", {}, {&p, &in.ids, &dloss}, {&lbGrad}, 2);
  for (int64_t idx = 0; idx < n * e; ++idx)
    lbGradDev.f32()[idx] = loadBalanceGradAt(
        0.37f, e, assignmentFraction(counts[size_t(idx % e)], nids), n);
  expectSameBytes(lbGradDev, lbGrad, "load_balance_loss_grad");

  HostTensor z(DType::F32, {1}), zGrad(DType::F32, p.shape),
      zGradDev(DType::F32, p.shape);
  runKernel("router_z_loss", {}, {&in.logits}, {&z}, 2);
  runKernel("router_z_loss_grad", {}, {&in.logits, &dloss}, {&zGrad}, 2);
  double lseSq = 0.0;
  for (int64_t r = 0; r < n; ++r) {
    double l = rowLogSumExp(in.logits.f32() + r * e, e);
    lseSq += l * l;
    for (int64_t i = 0; i < e; ++i)
      zGradDev.f32()[r * e + i] =
          zLossGradAt(0.37f, l, in.logits.f32()[r * e + i], n);
  }
  expectSameBytes(scalar(float(lseSq / double(n))), z, "router_z_loss");
  expectSameBytes(zGradDev, zGrad, "router_z_loss_grad");

  std::vector<NamedAttr> klAttrs = {{"prior", prior}, {"entropy_weight", 0.3}};
  HostTensor kl(DType::F32, {1}), klGrad(DType::F32, p.shape),
      klGradDev(DType::F32, p.shape);
  runKernel("router_kl_loss", klAttrs, {&p}, {&kl}, 2);
  runKernel("router_kl_loss_grad", klAttrs, {&p, &dloss}, {&klGrad}, 2);
  double entropy = 0.0;
  for (int64_t j = 0; j < n * e; ++j) {
    entropy += entropyTerm(p.f32()[j]);
    klGradDev.f32()[j] = klLossGradAt(0.37f, means[size_t(j % e)],
                                      prior[size_t(j % e)], p.f32()[j], 0.3, n);
  }
  float klValue = float(klToPriorOf(means.data(), prior.data(), e) +
                        0.3 * (entropy / double(n)));
  expectSameBytes(scalar(klValue), kl, "router_kl_loss");
  expectSameBytes(klGradDev, klGrad, "router_kl_loss_grad");

  // entropy_over = "samples": the entropy of each sample's mean row.
  klAttrs.push_back({"entropy_over", std::string("samples")});
  HostTensor sk(DType::F32, {1}), skGrad(DType::F32, p.shape),
      skGradDev(DType::F32, p.shape);
  runKernel("router_kl_loss", klAttrs, {&p}, {&sk}, 2);
  runKernel("router_kl_loss_grad", klAttrs, {&p, &dloss}, {&skGrad}, 2);
  const int64_t t = p.shape[1], samples = n / t;
  std::vector<double> sampleMeans(size_t(samples * e));
  double sampleEntropy = 0.0;
  for (int64_t j = 0; j < samples * e; ++j) {
    sampleMeans[size_t(j)] = columnMeanAt(p.f32() + (j / e) * t * e, t, e,
                                          j % e);
    sampleEntropy += entropyTermOf(sampleMeans[size_t(j)]);
  }
  for (int64_t j = 0; j < n * e; ++j)
    skGradDev.f32()[j] = klLossGradAt(
        0.37f, means[size_t(j % e)], prior[size_t(j % e)],
        sampleMeans[size_t((j / e / t) * e + j % e)], 0.3, n);
  expectSameBytes(scalar(float(klToPriorOf(means.data(), prior.data(), e) +
                               0.3 * (sampleEntropy / double(samples)))),
                  sk, "router_kl_loss (samples)");
  expectSameBytes(skGradDev, skGrad, "router_kl_loss_grad (samples)");
}

TEST(CudaRoutingModes, EveryRoutingKernelHasACudaKernel) {
  // The routing, router-loss, router-feature and expert kernels of the M²M
  // and Shodh-MoE programs are registered for the CUDA backend (their
  // parity runs where a GPU exists: RoutingParityTest.cpp,
  // ExpertFnoParityTest.cpp, AttentionParityTest.cpp).
  const KernelRegistry &r = KernelRegistry::builtin();
  for (const char *name :
       {"router", "router_grad", "top_k", "top_k_grad", "dispatch",
        "dispatch_grad", "combine", "combine_grad", "load_balance_loss",
        "load_balance_loss_grad", "router_z_loss", "router_z_loss_grad",
        "router_kl_loss", "router_kl_loss_grad", "allocation_kl",
        "spectral_energy", "patchify", "unpatchify", "expert_mlp",
        "expert_mlp_grad", "expert_fno", "expert_fno_grad", "moe"})
    EXPECT_NE(r.find(name, Backend::Cuda), nullptr) << name;
}
