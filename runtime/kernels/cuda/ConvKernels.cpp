//===- ConvKernels.cpp - conv, conv_transpose, conv_grad_* (CUDA) ---------===//
//
// Contracts of cpu/nn/ConvKernels.cpp, whose kernels validate the calls and
// shapes, in f32 only (an f64 call, which the CPU runs, is refused); the
// geometry is ConvGeometry's (1 to 3 spatial axes, strides, zero or
// circular padding). im2col + cuBLAS GEMM per batch entry and
// block of output positions (blocks of about kGpuColumnBudget patch
// floats, convColumnBlock), in a fixed order:
//   conv:             y_block = W [O, C K] col (+ bias prefill)
//   conv_grad_input,
//   conv_transpose:   col = W^T dy_block, then col2im as a gather
//                     (Conv.cu: one writer per element, the CPU's order),
//                     blocks in order, bias as the starting value
//   conv_grad_weight: dw [O, C K] (+)= dy_block col^T, (batch, block) pairs
//                     in order (beta 1 after the first): no float atomics
// Results agree with the CPU to GEMM rounding; repeat runs are
// bit-identical.
//
//===----------------------------------------------------------------------===//
#include "runtime/kernels/cpu/nn/ConvKernels.h"
#include "runtime/kernels/cuda/DeviceCheck.h"
#include "runtime/kernels/cpu/nn/ConvGeometry.h"
#include "runtime/kernels/cuda/ConvLaunch.h"
#include "runtime/kernels/cuda/CudaKernel.h"
#include "runtime/kernels/cuda/CudaKernels.h"
#include "runtime/kernels/cuda/RoutingHost.h"
#include "runtime/kernels/cuda/RowMajorGemm.h"
#include "runtime/support/Status.h"

#include <cuda_runtime.h>
#include <fmt/format.h>

#include <algorithm>

namespace shodh::cuda {

namespace {

/// Floats of one device im2col block (64 MiB).
constexpr int64_t kGpuColumnBudget = int64_t(1) << 24;

enum class ConvKind { Conv, GradInput, Transpose, GradWeight };

std::unique_ptr<Kernel> cpuConv(const KernelSignature &sig, ConvKind kind) {
  switch (kind) {
  case ConvKind::Conv:
    return makeConvKernel(sig);
  case ConvKind::GradInput:
    return makeConvGradInputKernel(sig);
  case ConvKind::Transpose:
    return makeConvTransposeKernel(sig);
  case ConvKind::GradWeight:
    return makeConvGradWeightKernel(sig);
  }
  return nullptr;
}

std::vector<int64_t> spatialOf(const std::vector<int64_t> &shape) {
  return std::vector<int64_t>(shape.begin() + 2, shape.end());
}

class ConvKernel : public CudaKernel {
public:
  ConvKernel(const KernelSignature &sig, ConvKind kind)
      : CudaKernel(sig, cpuConv(sig, kind)), kind_(kind),
        hasBias_(sig.inputs.size() == 3),
        attrs_(parseConvAttrs(sig, sig.inputs[0]->shape.size() - 2,
                              kind != ConvKind::Transpose)) {
    expectF32Only(sig); // the CPU kernel accepts f64 too
  }

  void prepare(const std::vector<TensorRef> &in,
               const std::vector<TensorRef> &out, KernelContext &ctx) override {
    CudaKernel::prepare(in, out, ctx); // the CPU's shape checks
    const auto &a = in[0].shape, &w = in[1].shape, &y = out[0].shape;
    ConvGeometry g;
    if (kind_ == ConvKind::Conv || kind_ == ConvKind::GradWeight) {
      const auto &weight = kind_ == ConvKind::Conv ? w : y;
      cin_ = a[1], cout_ = weight[0];
      g = makeConvGeometry(where_, a[0], spatialOf(a), spatialOf(weight),
                           attrs_);
    } else {
      cout_ = w[0], cin_ = w[1];
      g = makeConvGeometry(where_, a[0], spatialOf(y), spatialOf(w), attrs_);
    }
    batch_ = g.batch, g_ = deviceGeom(g);
    const int64_t rows = cin_ * g_.kernelSize();
    block_ = convColumnBlock(rows, g_.outSize(), kGpuColumnBudget);
    checkBlasDims(where_, {rows, g_.outSize(), cout_, g_.inSize()});
    ensureBytes(col_,
                sizeof(float) * uint64_t(std::max<int64_t>(rows * block_, 1)),
                device(ctx));
  }

  void run(const std::vector<TensorRef> &in, const std::vector<TensorRef> &out,
           KernelContext &ctx) override {
    const float *a = in[0].as<float>(), *w = in[1].as<float>();
    const float *b = hasBias_ ? in[2].as<float>() : nullptr;
    float *y = out[0].as<float>();
    if (out[0].numel() == 0)
      return;
    const int64_t kp = g_.kernelSize(), rows = cin_ * kp, os = g_.outSize(),
                  is = g_.inSize();
    float *col = reinterpret_cast<float *>(col_.data());
    void *s = stream(ctx);
    if (kind_ == ConvKind::Conv && cin_ == 0) { // an empty sum: y = b (or 0)
      launchLinearPrefill(nullptr, b, y, batch_, cout_, os, s);
      return checkLaunch(ctx);
    }
    bool first = true;
    for (int64_t n = 0; n < batch_; ++n)
      for (int64_t j0 = 0; j0 < os; j0 += block_, first = false) {
        const int64_t cols = std::min(block_, os - j0);
        switch (kind_) {
        case ConvKind::Conv: {
          float *yn = y + n * cout_ * os;
          if (b && j0 == 0)
            launchLinearPrefill(nullptr, b, yn, 1, cout_, os, s);
          launchIm2col(g_, a + n * cin_ * is, cin_, j0, cols, col, s);
          gemm(ctx, false, false, cout_, cols, rows, {w, rows, 0},
               {col, cols, 0}, b ? 1.0f : 0.0f, {yn + j0, os, 0});
          break;
        }
        case ConvKind::GradInput:
        case ConvKind::Transpose:
          gemm(ctx, true, false, rows, cols, cout_, {w, rows, 0},
               {a + n * cout_ * os + j0, os, 0}, 0.0f, {col, cols, 0});
          launchCol2im(g_, col, cin_, j0, cols, b, j0 == 0, y + n * cin_ * is,
                       s);
          break;
        case ConvKind::GradWeight:
          launchIm2col(g_, a + n * cin_ * is, cin_, j0, cols, col, s);
          gemm(ctx, false, true, cout_, rows, cols,
               {w + n * cout_ * os + j0, os, 0}, {col, cols, 0},
               first ? 0.0f : 1.0f, {y, rows, 0});
          break;
        }
      }
    if (kind_ == ConvKind::GradWeight && first) // no (batch, block) pairs
      SHODH_CUDA_CHECK(cudaMemsetAsync(y, 0,
                                       sizeof(float) * size_t(out[0].numel()),
                                       static_cast<cudaStream_t>(s)));
    checkLaunch(ctx);
  }

private:
  void gemm(KernelContext &ctx, bool ta, bool tb, int64_t m, int64_t n,
            int64_t k, BatchedMat<const float> a, BatchedMat<const float> b,
            float beta, BatchedMat<float> c) const {
    rowMajorGemm(device(ctx), where_, ta, tb, m, n, k, 1.0f, a, b, beta, c, 1);
  }

  ConvKind kind_;
  bool hasBias_;
  ConvAttrs attrs_;
  ConvGeom g_{};
  int64_t batch_ = 0, cin_ = 0, cout_ = 0, block_ = 1;
  DeviceBuffer col_;
};

} // namespace

void registerCudaConvKernels(KernelRegistry &registry) {
  auto add = [&](const char *name, ConvKind kind) {
    registry.add(name, Backend::Cuda, [kind](const KernelSignature &sig) {
      return std::unique_ptr<Kernel>(new ConvKernel(sig, kind));
    });
  };
  add("conv", ConvKind::Conv);
  add("conv_grad_input", ConvKind::GradInput);
  add("conv_transpose", ConvKind::Transpose);
  add("conv_grad_weight", ConvKind::GradWeight);
}

} // namespace shodh::cuda
