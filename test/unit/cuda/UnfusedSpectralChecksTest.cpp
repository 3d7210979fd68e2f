//===- UnfusedSpectralChecksTest.cpp - CUDA unfused kernels reject alike --===//
//
// Runs without a GPU. The CUDA rfft, irfft, spectral_truncate, spectral_pad,
// spectral_contract, rfft_grad, irfft_grad and spectral_contract_grad_*
// factories reject bad calls (operand counts, dtypes, attributes) with the
// CPU factory's message, and their `prepare` rejects bad concrete shapes
// with the CPU `prepare`'s message before it needs a device (both run the
// shape checks of UnfusedSpectralShapes.h / UnfusedSpectralGradShapes.h);
// with good shapes and no device, `prepare` fails only for the missing
// device. Plus: every kernel of `shodhc models/fno.mlir --no-fuse --train`
// has a CUDA registration.
//
//===----------------------------------------------------------------------===//
#include "UnfusedSpectralCases.h"
#include "runtime/core/ThreadPool.h"

#include <gtest/gtest.h>

using namespace shodh;
using namespace shodh::testing;

namespace {

using Operands = std::vector<std::pair<DType, Shape>>;
using Ints = std::vector<int64_t>;

/// One call: kernel, attributes, operands.
struct BadCall {
  std::string name;
  std::vector<NamedAttr> attrs;
  Operands ins, outs;
};

/// Host tensors of concrete operand shapes (the CPU kernels plan FFTW on
/// their buffers in `prepare`).
std::vector<HostTensor> tensors(const Operands &ops) {
  std::vector<HostTensor> t;
  for (const auto &[dtype, shape] : ops)
    t.emplace_back(dtype, shape);
  return t;
}

/// TensorRefs of `t`, or without data (`withData` false: the CUDA kernels
/// must fail before touching a buffer).
std::vector<TensorRef> refs(const std::vector<HostTensor> &t, bool withData) {
  std::vector<TensorRef> r;
  for (const HostTensor &h : t)
    r.push_back(withData ? h.ref() : TensorRef{h.dtype, h.shape, nullptr});
  return r;
}

/// The message of `prepare` of `backend`'s kernel for call `b` (the factory
/// must accept it); no device, and a pool for the CPU.
std::string prepareMessage(Backend backend, const BadCall &b) {
  CallOn call(b.name, b.attrs, b.ins, b.outs);
  std::unique_ptr<Kernel> k = call.create(backend);
  const bool cpu = backend == Backend::Cpu;
  std::vector<HostTensor> ins = tensors(b.ins), outs = tensors(b.outs);
  ThreadPool pool(1);
  KernelContext ctx{cpu ? &pool : nullptr, nullptr};
  return messageOf([&] { k->prepare(refs(ins, cpu), refs(outs, cpu), ctx); });
}

const std::vector<NamedAttr> kFft2 = {{"ndims", int64_t(2)},
                                      {"norm", std::string("ortho")}};
const std::vector<NamedAttr> kFft1 = {{"ndims", int64_t(1)}};

/// Calls every factory must reject.
std::vector<BadCall> badFactoryCalls() {
  const DType f = DType::F32, c = DType::C64;
  return {
      {"rfft",
       {{"norm", std::string("backward")}},
       {{f, {2, 8}}},
       {{c, {2, 5}}}},
      {"rfft",
       {{"ndims", int64_t(1)}, {"norm", std::string("unit")}},
       {{f, {2, 8}}},
       {{c, {2, 5}}}},
      {"rfft", {{"ndims", int64_t(4)}}, {{f, {2, 8}}}, {{c, {2, 5}}}},
      {"rfft", kFft1, {{c, {2, 8}}}, {{c, {2, 5}}}},
      {"rfft", kFft1, {{f, {2, 8}}, {f, {2, 8}}}, {{c, {2, 5}}}},
      {"irfft", kFft1, {{f, {2, 5}}}, {{f, {2, 8}}}},
      {"irfft", {{"ndims", int64_t(3)}}, {{c, {2, 5}}}, {{f, {2, 8}}}},
      {"spectral_truncate",
       {{"modes", Ints{1, 1, 1, 1}}},
       {{c, {1, 2, 4, 4, 3}}},
       {{c, {1, 2, 2, 2, 1}}}},
      {"spectral_truncate", {{"modes", Ints{2}}}, {{f, {2, 5}}}, {{c, {2, 2}}}},
      {"spectral_pad",
       {{"modes", Ints{2, 2, 2}}},
       {{c, {4, 2}}},
       {{c, {8, 5}}}},
      {"spectral_pad", {}, {{c, {4, 2}}}, {{c, {8, 5}}}},
      {"spectral_contract", {}, {{c, {2, 3, 4}}}, {{c, {2, 3, 4}}}},
      {"spectral_contract",
       {},
       {{c, {2, 3, 4}}, {f, {3, 2, 4}}},
       {{c, {2, 2, 4}}}},
      {"rfft_grad", {{"ndims", int64_t(0)}}, {{c, {2, 5}}}, {{f, {2, 8}}}},
      {"rfft_grad", kFft1, {{c, {2, 5}}}, {{f, {2, 1, 8}}}},
      {"rfft_grad",
       {{"ndims", int64_t(1)}, {"norm", std::string("none")}},
       {{c, {2, 5}}},
       {{f, {2, 8}}}},
      {"irfft_grad", kFft1, {{c, {2, 8}}}, {{c, {2, 5}}}},
      {"spectral_contract_grad_input",
       {},
       {{c, {2, 3, 4}}, {f, {3, 3, 4}}},
       {{c, {2, 3, 4}}}},
      {"spectral_contract_grad_weight", {}, {{c, {2, 3, 4}}}, {{c, {3, 3, 4}}}},
  };
}

/// Calls the factories accept whose concrete shapes `prepare` rejects.
std::vector<BadCall> badShapeCalls() {
  const DType f = DType::F32, c = DType::C64;
  return {
      {"rfft", kFft1, {{f, {2, 16}}}, {{c, {2, 8}}}},
      {"rfft", kFft1, {{f, {2, 16}}}, {{c, {3, 9}}}},
      {"rfft", kFft1, {{f, {2, 16}}}, {{c, {2, 1, 9}}}},
      {"rfft", kFft1, {{f, {2, 0}}}, {{c, {2, 1}}}},
      {"irfft", kFft2, {{c, {2, 4, 9}}}, {{f, {2, 4, 15}}}},
      {"irfft", kFft2, {{c, {2, 4, 8}}}, {{f, {2, 5, 14}}}},
      {"spectral_truncate",
       {{"modes", Ints{9, 5}}},
       {{c, {2, 3, 16, 9}}},
       {{c, {2, 3, 18, 5}}}},
      {"spectral_truncate",
       {{"modes", Ints{4, 5}}},
       {{c, {2, 3, 16, 9}}},
       {{c, {2, 3, 8, 4}}}},
      {"spectral_truncate",
       {{"modes", Ints{4, 10}}},
       {{c, {2, 3, 16, 9}}},
       {{c, {2, 3, 8, 10}}}},
      {"spectral_pad",
       {{"modes", Ints{4, 5}}},
       {{c, {3, 8, 5}}},
       {{c, {2, 16, 9}}}},
      {"spectral_contract",
       {},
       {{c, {2, 3, 6}}, {c, {4, 2, 6}}},
       {{c, {2, 2, 6}}}},
      {"spectral_contract",
       {},
       {{c, {2, 3, 6}}, {c, {3, 2, 6, 1}}},
       {{c, {2, 2, 6}}}},
      {"spectral_contract",
       {},
       {{c, {2, 3, 6}}, {c, {3, 2, 6}}},
       {{c, {2, 3, 6}}}},
      {"spectral_contract",
       {},
       {{c, {2, 3, 6}}, {c, {3, 2, 5}}},
       {{c, {2, 2, 6}}}},
      {"rfft_grad", kFft1, {{c, {2, 9}}}, {{f, {2, 15}}}},
      {"rfft_grad", kFft2, {{c, {2, 4, 9}}}, {{f, {3, 4, 16}}}},
      {"irfft_grad", kFft1, {{f, {2, 16}}}, {{c, {2, 8}}}},
      {"spectral_contract_grad_input",
       {},
       {{c, {2, 4, 6}}, {c, {3, 5, 6}}},
       {{c, {2, 3, 6}}}},
      {"spectral_contract_grad_input",
       {},
       {{c, {2, 4, 6}}, {c, {3, 4, 6}}},
       {{c, {2, 2, 6}}}},
      {"spectral_contract_grad_input",
       {},
       {{c, {2, 4, 6}}, {c, {3, 4, 5}}},
       {{c, {2, 3, 6}}}},
      {"spectral_contract_grad_weight",
       {},
       {{c, {2, 3, 6}}, {c, {3, 4, 6}}},
       {{c, {3, 4, 6}}}},
      {"spectral_contract_grad_weight",
       {},
       {{c, {2, 3, 6}}, {c, {2, 4, 6, 1}}},
       {{c, {3, 4, 6}}}},
      {"spectral_contract_grad_weight",
       {},
       {{c, {2, 3, 6}}, {c, {2, 4, 6}}},
       {{c, {4, 3, 6}}}},
  };
}

/// One good call of each kernel.
std::vector<BadCall> goodCalls() {
  const DType f = DType::F32, c = DType::C64;
  return {
      {"rfft", kFft2, {{f, {2, 3, 8, 6}}}, {{c, {2, 3, 8, 4}}}},
      {"irfft", kFft2, {{c, {2, 3, 8, 4}}}, {{f, {2, 3, 8, 7}}}},
      {"spectral_truncate",
       {{"modes", Ints{2, 3}}},
       {{c, {2, 3, 8, 4}}},
       {{c, {2, 3, 4, 3}}}},
      {"spectral_pad",
       {{"modes", Ints{2, 3}}},
       {{c, {2, 3, 4, 3}}},
       {{c, {2, 3, 8, 4}}}},
      {"spectral_contract",
       {},
       {{c, {2, 3, 4, 3}}, {c, {3, 5, 4, 3}}},
       {{c, {2, 5, 4, 3}}}},
      {"rfft_grad", kFft2, {{c, {2, 3, 8, 4}}}, {{f, {2, 3, 8, 6}}}},
      {"irfft_grad", kFft2, {{f, {2, 3, 8, 7}}}, {{c, {2, 3, 8, 4}}}},
      {"spectral_contract_grad_input",
       {},
       {{c, {2, 5, 4, 3}}, {c, {3, 5, 4, 3}}},
       {{c, {2, 3, 4, 3}}}},
      {"spectral_contract_grad_weight",
       {},
       {{c, {2, 3, 4, 3}}, {c, {2, 5, 4, 3}}},
       {{c, {3, 5, 4, 3}}}},
  };
}

TEST(UnfusedSpectralChecks, FactoriesRejectWithTheCpuMessages) {
  for (const BadCall &b : badFactoryCalls()) {
    CallOn call(b.name, b.attrs, b.ins, b.outs);
    std::string cpu = messageOf([&] { call.create(Backend::Cpu); });
    std::string gpu = messageOf([&] { call.create(Backend::Cuda); });
    EXPECT_NE(cpu, "") << b.name << " accepted on the CPU";
    EXPECT_EQ(gpu, cpu) << b.name;
  }
}

TEST(UnfusedSpectralChecks, PrepareRejectsShapesWithTheCpuMessages) {
  for (const BadCall &b : badShapeCalls()) {
    std::string cpu = prepareMessage(Backend::Cpu, b);
    std::string gpu = prepareMessage(Backend::Cuda, b);
    EXPECT_NE(cpu, "") << b.name << " prepared on the CPU";
    EXPECT_EQ(gpu, cpu) << b.name;
  }
}

TEST(UnfusedSpectralChecks, TheMessagesNameTheProblem) {
  std::vector<BadCall> bad = badShapeCalls();
  EXPECT_EQ(prepareMessage(Backend::Cuda, bad[0]),
            "program 'test', call 0 (rfft): spectrum shape does not match "
            "grid");
  EXPECT_EQ(prepareMessage(Backend::Cuda, bad[1]),
            "program 'test', call 0 (rfft): leading dimensions of input and "
            "output differ");
  EXPECT_EQ(prepareMessage(Backend::Cuda, bad[3]),
            "program 'test', call 0 (rfft): the transformed extents [0] must "
            "be >= 1");
  EXPECT_EQ(prepareMessage(Backend::Cuda, bad[6]),
            "program 'test', call 0 (spectral_truncate): modes[0] = 9 must be "
            "in [1, N/2 = 8] so that 2m <= N (N = 16)");
  EXPECT_EQ(prepareMessage(Backend::Cuda, bad[10]),
            "program 'test', call 0 (spectral_contract): weight has 4 input "
            "channels but x has 3");
  EXPECT_EQ(prepareMessage(Backend::Cuda, bad[14]),
            "program 'test', call 0 (rfft_grad): the spectrum's shape does "
            "not match the grid (expected the leading dims and 15/2+1 on the "
            "last axis)");
  EXPECT_EQ(prepareMessage(Backend::Cuda, bad[20]),
            "program 'test', call 0 (spectral_contract_grad_weight): x and dy "
            "batch sizes differ (2 vs 3)");
}

TEST(UnfusedSpectralChecks, GoodShapesFailOnlyForTheMissingDevice) {
  for (const BadCall &b : goodCalls()) {
    EXPECT_EQ(prepareMessage(Backend::Cpu, b), "") << b.name;
    EXPECT_EQ(prepareMessage(Backend::Cuda, b),
              "program 'test', call 0 (" + b.name +
                  "): a cuda kernel ran without a CUDA device (the session's "
                  "backend is not cuda)")
        << b.name;
  }
}

/// The kernels of models/fno.mlir compiled with `shodhc --no-fuse --train`
/// (infer, eval, train_step; listed by `shodh-run inspect`): all must run on
/// CUDA for `shodh-run train --device cuda` of an unfused FNO.
TEST(UnfusedSpectralCoverage, UnfusedFnoTrainStepKernelsAllHaveCudaKernels) {
  const KernelRegistry &r = KernelRegistry::builtin();
  for (const char *k : {"adam",
                        "add",
                        "gelu",
                        "gelu_grad",
                        "irfft",
                        "irfft_grad",
                        "linear",
                        "linear_grad_bias",
                        "linear_grad_input",
                        "linear_grad_weight",
                        "mse_loss",
                        "mse_loss_grad",
                        "rfft",
                        "rfft_grad",
                        "spectral_contract",
                        "spectral_contract_grad_input",
                        "spectral_contract_grad_weight",
                        "spectral_pad",
                        "spectral_truncate",
                        "step_increment"})
    EXPECT_NE(r.find(k, Backend::Cuda), nullptr) << k;
}

} // namespace
