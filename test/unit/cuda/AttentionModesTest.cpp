//===- AttentionModesTest.cpp - The attention/aux device code, on the host ===//
//
// Runs without a GPU. The CUDA attention_heads(_grad) kernels run
// AttentionSchedule.h's schedule (row blocks, strided-batched GEMMs over
// the heads) with the row code of AttentionDevice.h; here the same schedule
// runs with OpenBLAS for the GEMMs (one sgemm per batch entry, the CPU's
// library and arguments) and vecmath::exp for the softmax, so it must
// reproduce the CPU kernels bitwise: that checks every pointer, stride,
// beta and row count of the schedule and the rows' operation order (T = 70
// has a partial second block, T = 130 three). On the GPU only cuBLAS's
// summation order and CUDA expf differ (AttentionParityTest.cpp). The
// scalar kernels (aux_loss_grad, allocation_kl) are compared bitwise too.
//
//===----------------------------------------------------------------------===//
#include "../runtime/CpuKernelHarness.h"
#include "runtime/kernels/cpu/VecMath.h"
#include "runtime/kernels/cuda/AttentionDevice.h"
#include "runtime/kernels/cuda/AttentionSchedule.h"

#include <cblas.h>
#include <gtest/gtest.h>

#include <cstring>

using namespace shodh;
using namespace shodh::cuda;
using namespace shodh::testing;

namespace {

struct Case {
  int64_t b, t, c, heads;
};

const Case kCases[] = {
    {2, 70, 12, 3}, {1, 5, 8, 2}, {3, 64, 6, 1}, {1, 130, 8, 4}};

/// The schedule with OpenBLAS GEMMs and the host row code.
void hostSchedule(const Case &k, const float *qkv, const float *dy,
                  float *out) {
  AttentionDims s{k.b, k.t, k.c, k.heads};
  std::vector<float> scratch(size_t(2 * s.blockFloats()));
  attentionSchedule(
      s, qkv, dy, out, scratch.data(),
      [](bool ta, bool tb, int64_t m, int64_t n, int64_t kk, float alpha,
         BatchedMat<const float> a, BatchedMat<const float> b, float beta,
         BatchedMat<float> c, int64_t batch) {
        for (int64_t i = 0; i < batch; ++i)
          cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans,
                      tb ? CblasTrans : CblasNoTrans, int(m), int(n), int(kk),
                      alpha, a.p + i * a.stride, int(a.ld), b.p + i * b.stride,
                      int(b.ld), beta, c.p + i * c.stride, int(c.ld));
      },
      [](float *p, float *dp, int64_t rows, int64_t t) {
        for (int64_t r = 0; r < rows; ++r) // reversed: order-free rows
          if (dp)
            softmaxGradRow(p + (rows - 1 - r) * t, dp + (rows - 1 - r) * t, t);
          else
            softmaxRow(p + (rows - 1 - r) * t, t,
                       [](float x) { return vecmath::exp(x); });
      });
}

bool sameBits(const HostTensor &a, const HostTensor &b) {
  return a.storage.size() == b.storage.size() &&
         std::memcmp(a.storage.data(), b.storage.data(), a.storage.size()) == 0;
}

} // namespace

TEST(CudaAttentionModes, ScheduleMatchesCpuHeadsBitwise) {
  for (const Case &k : kCases) {
    SCOPED_TRACE(::testing::Message() << "B " << k.b << " T " << k.t << " C "
                                      << k.c << " heads " << k.heads);
    HostTensor qkv(DType::F32, {k.b, k.t, 3 * k.c}),
        dy(DType::F32, {k.b, k.t, k.c});
    qkv.fillUniform(11, -2.0, 2.0), dy.fillUniform(12);
    std::vector<NamedAttr> attrs{{"heads", k.heads}};
    HostTensor cpuO(DType::F32, {k.b, k.t, k.c}), hostO(cpuO.dtype, cpuO.shape);
    runKernel("attention_heads", attrs, {&qkv}, {&cpuO}, 2);
    hostSchedule(k, qkv.f32(), nullptr, hostO.f32());
    EXPECT_TRUE(sameBits(cpuO, hostO)) << "attention_heads";
    HostTensor cpuG(DType::F32, qkv.shape), hostG(DType::F32, qkv.shape);
    runKernel("attention_heads_grad", attrs, {&qkv, &dy}, {&cpuG}, 2);
    hostSchedule(k, qkv.f32(), dy.f32(), hostG.f32());
    EXPECT_TRUE(sameBits(cpuG, hostG)) << "attention_heads_grad";
  }
}

TEST(CudaAttentionModes, AuxLossSeedMatchesCpu) {
  for (double coef : {1.0, 0.01, -3.7, 1e-7})
    for (float w : {1.0f, 0.3f, -2.5f}) {
      HostTensor weight(DType::F32, {1}), out(DType::F32, {1});
      weight.f32()[0] = w;
      runKernel("aux_loss_grad", {{"coefficient", coef}}, {&weight}, {&out}, 1);
      EXPECT_EQ(auxLossSeed(coef, weight.f32()), out.f32()[0]) << coef << w;
      runKernel("aux_loss_grad", {{"coefficient", coef}}, {}, {&out}, 1);
      EXPECT_EQ(auxLossSeed(coef, nullptr), out.f32()[0]) << coef;
    }
}

TEST(CudaAttentionModes, AllocationKlMatchesCpu) {
  const int64_t e = 5;
  HostTensor ids(DType::I64, {2, 7, 3});
  auto *id = reinterpret_cast<int64_t *>(ids.storage.data());
  std::vector<int64_t> counts(e, 0);
  for (int64_t a = 0; a < ids.numel(); ++a) // expert 3 gets none
    id[a] = (a * 7 + a / 5) % 4 == 3 ? 4 : (a * 7 + a / 5) % 4, ++counts[id[a]];
  const std::vector<double> prior{0.1, 0.2, 0.3, 0.25, 0.15};
  for (bool withPrior : {false, true}) {
    std::vector<NamedAttr> attrs{{"num_experts", e}};
    if (withPrior)
      attrs.push_back({"prior", prior});
    HostTensor out(DType::F32, {1});
    runKernel("allocation_kl", attrs, {&ids}, {&out}, 1);
    EXPECT_EQ(allocationKlOf(counts.data(), ids.numel(),
                             withPrior ? prior.data() : nullptr, e),
              out.f32()[0])
        << "prior " << withPrior;
  }
  HostTensor none(DType::I64, {1, 0, 2}), out(DType::F32, {1});
  runKernel("allocation_kl", {{"num_experts", e}}, {&none}, {&out}, 1);
  EXPECT_EQ(allocationKlOf(counts.data(), 0, nullptr, e), out.f32()[0]);
}
