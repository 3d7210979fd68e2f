//===- ElementwiseKernelTest.cpp - add, mul and copy ----------------------===//
//
// One IEEE operation per element, so results must equal the same operation
// done here exactly (no tolerance), for every thread count and chunking.
//
//===----------------------------------------------------------------------===//
#include "CpuKernelHarness.h"

#include <gtest/gtest.h>

#include <cstring>

using namespace shodh;
using namespace shodh::testing;

namespace {

/// Runs `kernel` ("add" or "mul") on random a, b of `shape` and checks y
/// exactly.
template <typename T>
void checkBinary(const char *kernel, DType dtype, std::vector<int64_t> shape,
                 int threads) {
  HostTensor a(dtype, shape), b(dtype, shape), y(dtype, shape);
  a.fillUniform(1), b.fillUniform(2);
  runKernel(kernel, {}, {&a, &b}, {&y}, threads);
  const T *ap = reinterpret_cast<const T *>(a.storage.data());
  const T *bp = reinterpret_cast<const T *>(b.storage.data());
  const T *yp = reinterpret_cast<const T *>(y.storage.data());
  bool add = std::string(kernel) == "add";
  for (int64_t i = 0; i < y.numel(); ++i)
    ASSERT_EQ(yp[i], add ? T(ap[i] + bp[i]) : T(ap[i] * bp[i]))
        << kernel << " at " << i;
}

TEST(ElementwiseKernel, AddAndMul) {
  for (int threads : {1, 2, 3}) {
    checkBinary<float>("add", DType::F32, {7, 13}, threads);
    checkBinary<float>("add", DType::F32, {3, 100003},
                       threads); // several chunks
    checkBinary<float>("mul", DType::F32, {3, 100003}, threads);
    checkBinary<double>("add", DType::F64, {2, 70001}, threads);
    checkBinary<double>("mul", DType::F64, {5}, threads);
  }
}

TEST(ElementwiseKernel, CopyAnyDtype) {
  for (DType t : {DType::F32, DType::F64, DType::C64, DType::I64}) {
    HostTensor x(t, {3, 40001}), y(t, {3, 40001});
    for (uint64_t i = 0; i < x.storage.size(); ++i)
      x.storage.data()[i] = uint8_t(i * 31 + 7);
    runKernel("copy", {}, {&x}, {&y}, 2);
    EXPECT_EQ(std::memcmp(x.storage.data(), y.storage.data(), x.storage.size()),
              0)
        << dtypeName(t);
  }
}

TEST(ElementwiseKernel, EmptyTensors) {
  HostTensor a(DType::F32, {0, 4}), b(DType::F32, {0, 4}),
      y(DType::F32, {0, 4});
  EXPECT_NO_THROW(runKernel("add", {}, {&a, &b}, {&y}, 2));
  EXPECT_NO_THROW(runKernel("copy", {}, {&a}, {&y}, 2));
}

TEST(ElementwiseKernel, RejectsBadCalls) {
  TensorDesc a = symbolic("a", {Dim::named("B"), Dim::fixed(4)});
  TensorDesc b = symbolic("b", {Dim::named("B"), Dim::fixed(5)});
  TensorDesc y = symbolic("y", {Dim::named("B"), Dim::fixed(4)});
  expectErrorContaining(
      [&] {
        createKernel("add", {}, {a, b}, {y});
      },
      "program 'test', call 0 (add): b dim 1 is 5 but a dim 1 is 4");
  expectErrorContaining([&] { createKernel("mul", {}, {a}, {y}); },
                        "expected 2 inputs and 1 outputs, got 1 and 1");
  TensorDesc a64 = a;
  a64.dtype = DType::F64;
  expectErrorContaining(
      [&] {
        createKernel("mul", {}, {a64, a}, {y});
      },
      "b 'a' has dtype f32 but a has f64");
  expectErrorContaining([&] { createKernel("copy", {}, {a64}, {y}); },
                        "output 'y' has dtype f32 but x has f64");
  expectErrorContaining([&] { createKernel("copy", {}, {a}, {b}); },
                        "(copy): output dim 1 is 5 but x dim 1 is 4");
  TensorDesc c = symbolic("c", {Dim::fixed(4)}, DType::C64);
  expectErrorContaining(
      [&] {
        createKernel("add", {}, {c, c}, {c});
      },
      "a 'c' has dtype complex<f32>; supported: f32, f64");
}

} // namespace
