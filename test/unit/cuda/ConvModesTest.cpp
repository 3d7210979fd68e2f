//===- ConvModesTest.cpp - The convolution index code, on the host --------===//
//
// Runs without a GPU: the im2col element and the gather form of col2im
// that the CUDA convolution kernels run per thread (ConvDevice.h), for
// every element, against the CPU's im2col and col2im (ConvGeometry.cpp) on
// the same blocks of output positions. Both must be bitwise equal: im2col
// is a copy, and the gather adds each input element's patch values in the
// order the CPU's col2im adds them. Geometries: 1 to 3 spatial axes,
// strides 1 and 2, zero and circular padding (including an axis of size 1
// wrapped from both sides), blocks that split rows.
//
// Also without a GPU: the CUDA conv and layer-norm factories refuse an f64
// call (which the CPU kernels run) with a message pointing to --device cpu,
// after the CPU's own validation (a mixed call gets the CPU's message).
//
//===----------------------------------------------------------------------===//
#include "../runtime/CpuKernelHarness.h"
#include "runtime/kernels/cuda/ConvDevice.h"

#include <gtest/gtest.h>

#include <cstring>
#include <random>

using namespace shodh;
using namespace shodh::cuda;
using namespace shodh::testing;

namespace {

struct GeoCase {
  std::vector<int64_t> in, kernel, stride, pad;
  bool circular;
};

const GeoCase kGeoCases[] = {
    {{10}, {3}, {2}, {1}, false},
    {{5, 4}, {3, 3}, {1, 2}, {1, 1}, true},
    {{4, 4, 4}, {4, 4, 4}, {2, 2, 2}, {1, 1, 1}, true},
    {{1, 3}, {3, 3}, {1, 1}, {1, 1}, true},
    {{4, 6, 4}, {2, 2, 2}, {2, 2, 2}, {0, 0, 0}, false},
    {{6, 5, 7}, {3, 3, 3}, {1, 2, 1}, {1, 0, 2}, false},
    {{7, 6}, {3, 2}, {2, 3}, {2, 1}, true},
};

std::vector<float> randoms(int64_t n, uint32_t seed) {
  std::mt19937 gen(seed);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  std::vector<float> v(static_cast<size_t>(n));
  for (float &x : v)
    x = u(gen);
  return v;
}

/// Runs the cuda factory of `name` on static descriptions.
std::unique_ptr<Kernel> createCudaKernel(const std::string &name,
                                         std::vector<NamedAttr> attrs,
                                         const std::vector<TensorDesc> &ins,
                                         const std::vector<TensorDesc> &outs) {
  return createKernel(name, std::move(attrs), ins, outs, Backend::Cuda);
}

/// A static description of a `dtype` tensor of `shape`.
TensorDesc desc(DType dtype, std::vector<int64_t> shape) {
  return HostTensor(dtype, std::move(shape)).desc("t");
}

} // namespace

TEST(CudaNnKernels, RefuseF64CallsAtConstruction) {
  struct Call {
    const char *name;
    std::vector<NamedAttr> attrs;
    std::vector<std::vector<int64_t>> ins;
    std::vector<int64_t> out;
  };
  std::vector<NamedAttr> conv{{"stride", AttrValue(std::vector<int64_t>{1})},
                              {"padding", AttrValue(std::vector<int64_t>{0})}};
  std::vector<NamedAttr> transpose = conv;
  transpose.push_back({"output_padding", AttrValue(std::vector<int64_t>{0})});
  std::vector<NamedAttr> norm{{"axis", AttrValue(int64_t(1))},
                              {"eps", AttrValue(1e-5)}};
  const Call calls[] = {
      {"conv", conv, {{1, 2, 5}, {3, 2, 3}, {3}}, {1, 3, 3}},
      {"conv_grad_input", conv, {{1, 3, 3}, {3, 2, 3}}, {1, 2, 5}},
      {"conv_transpose", transpose, {{1, 2, 3}, {2, 3, 3}}, {1, 3, 5}},
      {"conv_grad_weight", conv, {{1, 2, 5}, {1, 3, 3}}, {3, 2, 3}},
      {"layer_norm", norm, {{2, 4, 3}, {4}, {4}}, {2, 4, 3}},
      {"layer_norm_grad_input", norm, {{2, 4, 3}, {4}, {2, 4, 3}}, {2, 4, 3}},
      {"layer_norm_grad_gamma", norm, {{2, 4, 3}, {2, 4, 3}}, {4}}};
  for (const Call &c : calls) {
    auto make = [&](DType in0, DType rest) {
      std::vector<TensorDesc> ins;
      for (const std::vector<int64_t> &shape : c.ins)
        ins.push_back(desc(ins.empty() ? in0 : rest, shape));
      return createCudaKernel(c.name, c.attrs, ins, {desc(rest, c.out)});
    };
    EXPECT_NE(make(DType::F32, DType::F32), nullptr) << c.name;
    expectErrorContaining(
        [&] { make(DType::F64, DType::F64); },
        std::string("program 'test', call 0 (") + c.name +
            "): the CUDA backend runs " + c.name +
            " in f32 only, got f64; run it with --device cpu");
    expectErrorContaining([&] { make(DType::F64, DType::F32); },
                          "has dtype f32 but");
  }
}

TEST(CudaConvModes, Im2colAndCol2imMatchTheCpuBitwise) {
  int caseNo = 0;
  for (const GeoCase &c : kGeoCases) {
    SCOPED_TRACE(::testing::Message() << "case " << caseNo++);
    ConvGeometry g = makeConvGeometry("test", 1, c.in, c.kernel,
                                      ConvAttrs{c.stride, c.pad, c.circular});
    ConvGeom d = deviceGeom(g);
    const int64_t kp = g.kernelSize(), os = g.outSize(), is = g.inSize();
    std::vector<float> x = randoms(is, 1);
    for (int64_t block : {os, int64_t(7)}) {
      std::vector<float> dxCpu = randoms(is, 2), dxDev = dxCpu;
      for (int64_t j0 = 0; j0 < os; j0 += block) {
        const int64_t cols = std::min(block, os - j0);
        std::vector<float> colCpu(size_t(kp * cols), 9.0f);
        im2col(g, x.data(), j0, cols, colCpu.data());
        for (int64_t k = 0; k < kp; ++k)
          for (int64_t j = 0; j < cols; ++j)
            ASSERT_EQ(im2colAt(d, x.data(), k, j0 + j),
                      colCpu[size_t(k * cols + j)])
                << "im2col k " << k << " j " << j0 + j;
        std::vector<float> col = randoms(kp * cols, uint32_t(3 + j0));
        col2im(g, col.data(), j0, cols, dxCpu.data());
        for (int64_t i = is - 1; i >= 0; --i) // any order: one writer each
          dxDev[size_t(i)] =
              col2imAt(d, col.data(), j0, cols, i, dxDev[size_t(i)]);
      }
      EXPECT_EQ(0, std::memcmp(dxCpu.data(), dxDev.data(), sizeof(float) * is))
          << "col2im, block " << block;
    }
  }
}
