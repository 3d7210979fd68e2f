//===- ChannelMlpKernels.cpp - channel_mlp and its gradient (CUDA) --------===//
//
// Contracts as on the CPU (cpu/mlp/ChannelMlp.h). The device has memory to
// spare, so the hidden activations are materialised for a chunk of n at a
// time (as many n as keep one scratch tensor under channelMlpChunkBytes(),
// 256 MiB unless a test sets less; one such
// tensor for the forward, two for the gradient), with
// row-major strided-batched GEMMs over the n of a chunk (RowMajorGemm.h):
//   forward:  pre = w1 x_n + b1; act = gelu(pre); y_n = w2 act + b2
//   backward: pre and act recomputed; dh = gelu'(pre) * (w2^T dy_n);
//             dx_n = w1^T dh_n; dw2 += dy_n act_n^T, dw1 += dh_n x_n^T and
//             db1 += dh_n 1 one GEMM per n in order (beta = 1 after the
//             first n); db2 by the linear_grad_bias kernel.
//   MSE form (channel_mlp_mse_grad): the forward into a y scratch tensor,
//             the loss and dy (in place) by the mse_loss / mse_loss_grad
//             launches, then the backward on that dy: the four kernels'
//             work in one call, with nothing fused on the device.
// cuBLAS runs without atomics, so results do not change from run to run.
//
//===----------------------------------------------------------------------===//
#include "runtime/kernels/cpu/mlp/ChannelMlp.h"
#include "runtime/kernels/cuda/CudaKernel.h"
#include "runtime/kernels/cuda/CudaKernels.h"
#include "runtime/kernels/cuda/Launch.h"
#include "runtime/kernels/cuda/RowMajorGemm.h"

#include <algorithm>
#include <atomic>
#include <limits>
#include <utility>
#include <vector>

namespace shodh::cuda {

namespace {

/// Most bytes of one hidden scratch tensor (setChannelMlpChunkBytes).
std::atomic<int64_t> chunkBytes{int64_t(256) << 20};

/// The three kernels: the checks and extents of the CPU's MlpCall, the
/// chunking and the scratch.
class ChannelMlpCudaKernel : public CudaKernel {
public:
  ChannelMlpCudaKernel(const KernelSignature &sig, MlpForm form)
      : CudaKernel(sig), call_(sig, form) {}

  void prepare(const std::vector<TensorRef> &in,
               const std::vector<TensorRef> &out, KernelContext &ctx) override {
    CudaKernel::prepare(in, out, ctx);
    g_ = call_.geometry(in, out);
    int64_t perN = std::max<int64_t>(1, g_.h * g_.inner * 4);
    chunk_ = std::clamp<int64_t>(chunkBytes.load() / perN, 1,
                                 std::max<int64_t>(1, g_.outer));
    uint64_t bytes = uint64_t(chunk_ * g_.h * g_.inner) * 4;
    if (g_.outer == 0 || g_.inner == 0)
      return; // nothing to compute (run zero-fills the weight gradients)
    pre_ = DeviceBuffer(bytes, device(ctx));
    if (call_.grad()) {
      act_ = DeviceBuffer(bytes, device(ctx));
      std::vector<float> ones(static_cast<size_t>(g_.inner), 1.0f);
      ones_ = DeviceBuffer(ones.size() * 4, device(ctx));
      ones_.upload(ones.data(), ones.size() * 4, device(ctx));
    }
    if (call_.form == MlpForm::MseGrad) { // y, then dy in place; the loss sum
      y_ = DeviceBuffer(uint64_t(g_.outer * g_.o * g_.inner) * 4, device(ctx));
      partials_ = rowSumScratch(1, g_.outer * g_.o * g_.inner);
      sums_ = DeviceBuffer(sizeof(double) * uint64_t(partials_ + 1), device(ctx));
    }
  }

  void run(const std::vector<TensorRef> &in, const std::vector<TensorRef> &out,
           KernelContext &ctx) override {
    const size_t f = call_.firstGrad();
    if (g_.outer == 0 || g_.inner == 0) {
      for (size_t i = f + 1; call_.grad() && i < out.size(); ++i)
        zero(out[i], ctx);
      if (call_.form == MlpForm::MseGrad) { // the mean of nothing: NaN
        const float nan = std::numeric_limits<float>::quiet_NaN();
        copyHostToDevice(out[0].data, &nan, 4, device(ctx));
      }
      return;
    }
    const float *dy = in[4].as<float>();
    if (call_.form == MlpForm::MseGrad) {
      float *y = reinterpret_cast<float *>(y_.data());
      forward(in, in[4].as<float>(), y, ctx);
      const int64_t n = g_.outer * g_.o * g_.inner;
      auto *sums = reinterpret_cast<double *>(sums_.data());
      launchRowSums(y, in[5].as<float>(), 1, n, sums, sums + partials_, stream(ctx));
      launchMseFinish(sums + partials_, n, out[0].as<float>(), stream(ctx));
      launchMseGrad(y, in[5].as<float>(), nullptr, y, n, stream(ctx));
      checkLaunch(ctx);
      dy = y;
    } else if (!call_.grad()) {
      return forward(in, in[4].as<float>(), out[0].as<float>(), ctx);
    }
    for (int64_t n0 = 0; n0 < g_.outer; n0 += chunk_) {
      int64_t count = std::min(chunk_, g_.outer - n0);
      hidden(in, n0, count, true, ctx);
      backward(in, dy, out, f, n0, count, ctx);
    }
    launchLinearGradBias(dy, out[f + 4].as<float>(), g_.outer, g_.o, g_.inner, stream(ctx));
    checkLaunch(ctx);
  }

private:
  float *pre() const { return reinterpret_cast<float *>(pre_.data()); }
  float *act() const { return reinterpret_cast<float *>(act_.data()); }
  int64_t hs() const { return g_.h * g_.inner; }

  /// Zero-fills `t` on the stream.
  void zero(const TensorRef &t, KernelContext &ctx) {
    std::vector<float> zeros(static_cast<size_t>(t.numel()), 0.0f);
    copyHostToDevice(t.data, zeros.data(), zeros.size() * 4, device(ctx));
  }

  /// y = w2 gelu(w1 x + b1) + b2, chunk by chunk.
  void forward(const std::vector<TensorRef> &in, const float *b2, float *y, KernelContext &ctx) {
    for (int64_t n0 = 0; n0 < g_.outer; n0 += chunk_) {
      int64_t count = std::min(chunk_, g_.outer - n0);
      hidden(in, n0, count, false, ctx);
      output(in, b2, y, n0, count, ctx);
    }
  }

  /// pre = w1 x_n + b1 for n in [n0, n0 + count), then gelu(pre) into act
  /// (`keepPre`: the gradient) or in place (the forward).
  void hidden(const std::vector<TensorRef> &in, int64_t n0, int64_t count, bool keepPre,
              KernelContext &ctx) {
    const float *x = in[0].as<float>() + n0 * g_.c * g_.inner;
    launchLinearPrefill(nullptr, in[2].as<float>(), pre(), count, g_.h,
                        g_.inner, stream(ctx));
    checkLaunch(ctx);
    rowMajorGemm(device(ctx), where_, false, false, g_.h, g_.inner, g_.c, 1.0f,
                 {in[1].as<float>(), g_.c, 0}, {x, g_.inner, g_.c * g_.inner},
                 1.0f, {pre(), g_.inner, hs()}, count);
    launchGelu(call_.tanhApprox, false, pre(), keepPre ? act() : pre(), count * hs(),
               stream(ctx));
    checkLaunch(ctx);
  }

  /// y_n = w2 gelu(pre_n) + b2 (the activations are in pre's scratch).
  void output(const std::vector<TensorRef> &in, const float *b2, float *y, int64_t n0,
              int64_t count, KernelContext &ctx) {
    float *yc = y + n0 * g_.o * g_.inner;
    launchLinearPrefill(nullptr, b2, yc, count, g_.o, g_.inner, stream(ctx));
    checkLaunch(ctx);
    rowMajorGemm(device(ctx), where_, false, false, g_.o, g_.inner, g_.h, 1.0f,
                 {in[3].as<float>(), g_.h, 0}, {pre(), g_.inner, hs()}, 1.0f,
                 {yc, g_.inner, g_.o * g_.inner}, count);
  }

  /// The gradients of the chunk (see the file comment) into out[f ..];
  /// dh overwrites `act` once dw2 has read it.
  void backward(const std::vector<TensorRef> &in, const float *dy,
                const std::vector<TensorRef> &out, size_t f, int64_t n0, int64_t count,
                KernelContext &ctx) {
    const float *x = in[0].as<float>(), *w1 = in[1].as<float>(),
                *w2 = in[3].as<float>();
    float *dx = out[f].as<float>(), *dw1 = out[f + 1].as<float>(),
          *db1 = out[f + 2].as<float>(), *dw2 = out[f + 3].as<float>();
    const int64_t S = g_.inner;
    for (int64_t i = 0; i < count; ++i) // dw2 += dy_n act_n^T
      rowMajorGemm(device(ctx), where_, false, true, g_.o, g_.h, S, 1.0f,
                   {dy + (n0 + i) * g_.o * S, S, 0}, {act() + i * hs(), S, 0},
                   n0 + i == 0 ? 0.0f : 1.0f, {dw2, g_.h, 0}, 1);
    // act <- w2^T dy_n, then act <- gelu'(pre) * act = dh.
    rowMajorGemm(device(ctx), where_, true, false, g_.h, S, g_.o, 1.0f,
                 {w2, g_.h, 0}, {dy + n0 * g_.o * S, S, g_.o * S}, 0.0f,
                 {act(), S, hs()}, count);
    launchGeluGrad(call_.tanhApprox, false, pre(), act(), act(), count * hs(),
                   stream(ctx));
    checkLaunch(ctx);
    rowMajorGemm(device(ctx), where_, true, false, g_.c, S, g_.h, 1.0f,
                 {w1, g_.c, 0}, {act(), S, hs()}, 0.0f,
                 {dx + n0 * g_.c * S, S, g_.c * S}, count);
    for (int64_t i = 0; i < count; ++i) {
      float beta = n0 + i == 0 ? 0.0f : 1.0f;
      rowMajorGemm(device(ctx), where_, false, true, g_.h, g_.c, S, 1.0f,
                   {act() + i * hs(), S, 0}, {x + (n0 + i) * g_.c * S, S, 0},
                   beta, {dw1, g_.c, 0}, 1);
      rowMajorGemm(device(ctx), where_, false, false, g_.h, 1, S, 1.0f,
                   {act() + i * hs(), S, 0},
                   {reinterpret_cast<const float *>(ones_.data()), 1, 0}, beta,
                   {db1, 1, 0}, 1);
    }
  }

  MlpCall call_;
  MlpGeometry g_;
  int64_t chunk_ = 1, partials_ = 0;
  DeviceBuffer pre_, act_, ones_, y_, sums_;
};

} // namespace

int64_t setChannelMlpChunkBytes(int64_t bytes) {
  return chunkBytes.exchange(std::max<int64_t>(1, bytes));
}

void registerCudaChannelMlpKernels(KernelRegistry &registry) {
  const std::pair<const char *, MlpForm> kernels[] = {{"channel_mlp", MlpForm::Forward},
                                                      {"channel_mlp_grad", MlpForm::Grad},
                                                      {"channel_mlp_mse_grad", MlpForm::MseGrad}};
  for (auto [name, form] : kernels)
    registry.add(name, Backend::Cuda, [form = form](const KernelSignature &s) {
      return std::unique_ptr<Kernel>(new ChannelMlpCudaKernel(s, form));
    });
}

} // namespace shodh::cuda
