//===- RoutingParityTest.cpp - CUDA routing and expert kernels vs the CPU -===//
//
// Every routing, patch and expert kernel on the GPU against its CPU kernel
// (inputs: RoutingCases.h), repeat runs, and the value faults raised after
// a launch. Skipped without a device. Tolerances:
//  - bitwise: the copies (patchify, unpatchify, reshape, dispatch's rows),
//    the integer sort (offsets, source), and every kernel whose threads run
//    the CPU's own operations in order with only + - * / and comparisons,
//    which IEEE rounds identically on both sides (router_grad, top_k,
//    top_k_grad, combine, combine_grad, dispatch_grad, load_balance_loss
//    and its gradient);
//  - 1e-6 relative: what goes through exp/log (router probs after equal
//    logits, z and KL losses and gradients): CUDA's double exp/log are
//    within 1-2 ulp (1e-16) of glibc's, and the losses' tree sums of n·E
//    double terms differ from the sequential sums by ~n·1e-16, both far
//    below f32 rounding (6e-8), so at most the last f32 bit moves;
//  - router logits 1e-5 absolute, expert_mlp 2e-5 relative: cuBLAS sums
//    the F (or rows) products in another order than OpenBLAS, an error of
//    about sqrt(F)·6e-8 times the sum of |products| (O(1) here).
//
//===----------------------------------------------------------------------===//
#include "CudaHarness.h"
#include "RoutingCases.h"

#include <gtest/gtest.h>

using namespace shodh;
using namespace shodh::testing;

namespace {

/// Runs `name` on the CPU (into `cpu`) and the GPU (into clones of `cpu`).
std::vector<HostTensor> both(const std::string &name,
                             std::vector<NamedAttr> attrs,
                             const std::vector<const HostTensor *> &ins,
                             const std::vector<HostTensor *> &cpu) {
  std::vector<const HostTensor *> cpuOuts(cpu.begin(), cpu.end()), gpuOuts;
  runKernel(name, attrs, ins, cpuOuts, 2);
  std::vector<HostTensor> gpu;
  gpu.reserve(cpu.size());
  for (HostTensor *t : cpu)
    gpu.emplace_back(t->dtype, t->shape);
  for (HostTensor &t : gpu)
    gpuOuts.push_back(&t);
  runOnCuda(name, attrs, ins, gpuOuts);
  return gpu;
}

/// Expects the GPU run of `name` to throw `Error` containing `needle`.
void expectCudaError(const std::string &name, std::vector<NamedAttr> attrs,
                     const std::vector<const HostTensor *> &ins,
                     const std::vector<const HostTensor *> &outs,
                     const std::string &needle) {
  expectErrorContaining([&] { runOnCuda(name, attrs, ins, outs); }, needle);
}

} // namespace

TEST(CudaRoutingParity, PatchCopiesAreBitwise) {
  SHODH_REQUIRE_CUDA_DEVICE();
  HostTensor field(DType::F32, {2, 2, 4, 6, 4}),
      tok(DType::F32, {2, 8, 2, 2, 3, 2});
  field.fillUniform(3);
  auto t = both("patchify", {{"patch", std::vector<int64_t>{2, 3, 2}}},
                {&field}, {&tok});
  expectSameBytes(t[0], tok, "patchify");
  HostTensor back(DType::F32, field.shape);
  auto b = both("unpatchify", {{"grid", std::vector<int64_t>{4, 6, 4}}}, {&tok},
                {&back});
  expectSameBytes(b[0], back, "unpatchify");
  HostTensor flat(DType::F32, {2, 192});
  auto r = both("reshape", {{"shape", std::vector<int64_t>{192}}}, {&field},
                {&flat});
  expectSameBytes(r[0], flat, "reshape");
}

TEST(CudaRoutingParity, RouterAndTopKMatchTheCpu) {
  SHODH_REQUIRE_CUDA_DEVICE();
  RoutingInputs in(71);
  HostTensor z(DType::F32, in.logits.shape), p(DType::F32, in.probs.shape);
  auto r = both("router", {{"temperature", 0.7}}, {&in.x, &in.w, &in.bias},
                {&z, &p});
  expectClose(r[0], z, 1e-5, "router logits");
  expectClose(r[1], p, 1e-5, "router probs");
  HostTensor dz(DType::F32, in.probs.shape);
  auto g = both("router_grad", {{"temperature", 0.7}}, {&p, &in.dprobs, &z},
                {&dz}); // NaN-free probs
  expectSameBytes(g[0], dz, "router_grad");
  for (int64_t renorm : {0, 1}) {
    HostTensor gates(DType::F32, in.gates.shape), ids(DType::I64, in.ids.shape);
    auto k = both("top_k", {{"k", in.K}, {"renormalize", renorm}}, {&in.probs},
                  {&gates, &ids});
    expectSameBytes(k[1], ids, "top_k experts");
    expectSameBytes(k[0], gates, "top_k gates");
    HostTensor dp(DType::F32, in.probs.shape);
    auto d = both("top_k_grad", {{"renormalize", renorm}},
                  {&in.probs, &ids, &in.dgates}, {&dp});
    expectSameBytes(d[0], dp, "top_k_grad");
  }
  i64(in.ids)[7] = 5;
  HostTensor dp(DType::F32, in.probs.shape);
  expectCudaError("top_k_grad", {}, {&in.probs, &in.ids, &in.dgates}, {&dp},
                  "expert id 5 is outside [0, 5)");
}

TEST(CudaRoutingParity, DispatchAndCombineAreBitwiseAndRepeatable) {
  SHODH_REQUIRE_CUDA_DEVICE();
  RoutingInputs in(81);
  std::vector<int64_t> rowsShape = {in.B, in.T * in.K, in.C, in.P};
  for (double capacity : {0.0, 0.6}) {
    std::vector<NamedAttr> attrs = {{"num_experts", in.E},
                                    {"capacity_factor", capacity}};
    HostTensor sorted(DType::F32, rowsShape), off(DType::I64, {in.E + 1}),
        src(DType::I64, {in.B, in.T * in.K});
    auto d =
        both("dispatch", attrs, {&in.tokens, &in.ids}, {&sorted, &off, &src});
    auto again =
        both("dispatch", attrs, {&in.tokens, &in.ids}, {&sorted, &off, &src});
    for (size_t i = 0; i < 3; ++i)
      expectSameBytes(again[i], d[i], "dispatch repeat");
    expectSameBytes(d[1], off, "dispatch offsets");
    expectSameBytes(d[2], src, "dispatch source");
    expectSameBytes(d[0], sorted, "dispatch rows");

    HostTensor out(DType::F32, rowsShape), y(DType::F32, in.tokens.shape);
    out.fillUniform(82);
    auto c = both("combine", {}, {&out, &in.gates, &src, &off}, {&y});
    expectSameBytes(c[0], y, "combine");
    HostTensor dt(DType::F32, in.tokens.shape);
    auto g = both("dispatch_grad", {{"k", in.K}}, {&out, &src, &off}, {&dt});
    expectSameBytes(g[0], dt, "dispatch_grad");
    HostTensor dy(DType::F32, in.tokens.shape), dout(DType::F32, rowsShape),
        dg(DType::F32, in.gates.shape);
    dy.fillUniform(83);
    auto cg = both("combine_grad", {}, {&dy, &out, &in.gates, &src, &off},
                   {&dout, &dg});
    expectSameBytes(cg[0], dout, "combine_grad dout");
    expectSameBytes(cg[1], dg, "combine_grad dgates");

    i64(src)[300] = i64(src)[9];
    expectCudaError("combine", {}, {&out, &in.gates, &src, &off}, {&y},
                    "(row 300 holds " + std::to_string(i64(src)[9]) + ")");
  }
  i64(in.ids)[17] = 9;
  HostTensor sorted(DType::F32, rowsShape), off(DType::I64, {in.E + 1}),
      src(DType::I64, {in.B, in.T * in.K});
  expectCudaError("dispatch", {{"num_experts", in.E}}, {&in.tokens, &in.ids},
                  {&sorted, &off, &src},
                  "expert id 9 of assignment 17 is outside [0, 5)");
}

TEST(CudaRoutingParity, RouterLossesMatchTheCpu) {
  SHODH_REQUIRE_CUDA_DEVICE();
  RoutingInputs in(91);
  HostTensor p(DType::F32, in.probs.shape), dloss(DType::F32, {1});
  runKernel("router", {}, {&in.x, &in.w}, {&in.logits, &p}, 2);
  dloss.f32()[0] = 0.37f;
  std::vector<NamedAttr> kl = {
      {"prior", std::vector<double>{0.1, 0.2, 0.3, 0.25, 0.15}},
      {"entropy_weight", 0.3}};
  std::vector<NamedAttr> klSamples = {
      {"entropy_weight", 1.0}, {"entropy_over", std::string("samples")}};
  struct Case {
    const char *name;
    std::vector<NamedAttr> attrs;
    std::vector<const HostTensor *> ins;
    double rtol;
  };
  std::vector<Case> cases = {
      {"load_balance_loss", {}, {&p, &in.ids}, 0},
      {"load_balance_loss_grad", {}, {&p, &in.ids, &dloss}, 0},
      {"router_z_loss", {}, {&in.logits}, 1e-6},
      {"router_z_loss_grad", {}, {&in.logits, &dloss}, 1e-6},
      {"router_kl_loss", kl, {&p}, 1e-6},
      {"router_kl_loss_grad", kl, {&p, &dloss}, 1e-6},
      {"router_kl_loss", {}, {&p}, 1e-6},
      {"router_kl_loss", klSamples, {&p}, 1e-6},
      {"router_kl_loss_grad", klSamples, {&p, &dloss}, 1e-6}};
  for (const Case &c : cases) {
    bool grad = std::string(c.name).find("_grad") != std::string::npos;
    HostTensor want(DType::F32, grad ? p.shape : std::vector<int64_t>{1});
    auto got = both(c.name, c.attrs, c.ins, {&want});
    auto again = both(c.name, c.attrs, c.ins, {&want});
    expectClose(got[0], want, c.rtol, c.name);
    expectSameBytes(again[0], got[0], std::string(c.name) + " repeat");
  }
  i64(in.ids)[4] = -1;
  HostTensor loss(DType::F32, {1});
  expectCudaError("load_balance_loss", {}, {&p, &in.ids}, {&loss},
                  "expert id -1 of assignment 4 is outside [0, 5)");
}

TEST(CudaRoutingParity, SpectralEnergyIsBitwise) {
  // The M²M router features: the same per-token code (SpectralEnergyToken.h)
  // on both sides, twiddles from the host: the same bits, 2-D and 3-D
  // patches, an odd width, a constant patch (all-zero features).
  SHODH_REQUIRE_CUDA_DEVICE();
  HostTensor p2(DType::F32, {2, 4, 3, 8, 8}), f2(DType::F32, {2, 4, 4});
  p2.fillUniform(95);
  std::fill(p2.f32(), p2.f32() + 3 * 64, 0.25f); // token 0: constant
  auto g2 = both("spectral_energy", {{"bands", int64_t(4)}}, {&p2}, {&f2});
  expectSameBytes(g2[0], f2, "spectral_energy 2-D");
  HostTensor p3(DType::F32, {1, 3, 2, 4, 6, 5}), f3(DType::F32, {1, 3, 3});
  p3.fillUniform(96);
  auto g3 = both("spectral_energy", {{"bands", int64_t(3)}}, {&p3}, {&f3});
  expectSameBytes(g3[0], f3, "spectral_energy 3-D");
}

TEST(CudaRoutingParity, ExpertMlpMatchesTheCpu) {
  SHODH_REQUIRE_CUDA_DEVICE();
  const int64_t B = 2, R = 50, F = 12, H = 32, G = 7, E = 4;
  HostTensor x(DType::F32, {B, R, F}), off(DType::I64, {E + 1}),
      w1(DType::F32, {E, H, F}), b1(DType::F32, {E, H}),
      w2(DType::F32, {E, G, H}), b2(DType::F32, {E, G}),
      dy(DType::F32, {B, R, G});
  x.fillUniform(1), w1.fillUniform(2), b1.fillUniform(3), w2.fillUniform(4);
  b2.fillUniform(5), dy.fillUniform(6);
  const int64_t offsets[] = {0, 30, 30, 70, 90}; // expert 1 empty, 10 dropped
  std::memcpy(i64(off), offsets, sizeof offsets);
  HostTensor y(DType::F32, {B, R, G});
  auto f = both("expert_mlp", {}, {&x, &off, &w1, &b1, &w2, &b2}, {&y});
  expectClose(f[0], y, 2e-5, "expert_mlp");
  HostTensor dx(DType::F32, x.shape), dw1(DType::F32, w1.shape),
      db1(DType::F32, b1.shape), dw2(DType::F32, w2.shape),
      db2(DType::F32, b2.shape);
  auto g = both("expert_mlp_grad", {}, {&x, &off, &dy, &w1, &b1, &w2},
                {&dx, &dw1, &db1, &dw2, &db2});
  const char *names[] = {"dx", "dw1", "db1", "dw2", "db2"};
  HostTensor *want[] = {&dx, &dw1, &db1, &dw2, &db2};
  for (size_t i = 0; i < 5; ++i)
    expectClose(g[i], *want[i], 2e-5,
                std::string("expert_mlp_grad ") + names[i]);
  expectSameBytes(g[4], db2, "db2 (sums of dy rows in order)");
  i64(off)[2] = 20;
  expectCudaError("expert_mlp", {}, {&x, &off, &w1, &b1, &w2, &b2}, {&y},
                  "offsets must be non-decreasing");
}
