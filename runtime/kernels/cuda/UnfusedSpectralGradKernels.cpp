//===- UnfusedSpectralGradKernels.cpp - Gradients of the unfused kernels --===//
//
// rfft_grad, irfft_grad, spectral_contract_grad_input and
// spectral_contract_grad_weight on the GPU; contracts as on the CPU
// (cpu/grad/SpectralGrad.h; PyTorch's complex gradient convention, c_k as
// in SpectralAdjoint.h, s_fwd / s_inv the norm's scales):
//   rfft_grad   dX c64 half -> dx f32 [..., N...]: dx = c2r(dX s_fwd / c_k)
//   irfft_grad  dy f32 [..., N...] -> dZ c64 half: dZ = s_inv c_k r2c(dy)
//   spectral_contract_grad_input   dX[b,i,k] = sum_o dY[b,o,k] conj(W[i,o,k])
//   spectral_contract_grad_weight  dW[i,o,k] = sum_b conj(X[b,i,k]) dY[b,o,k]
// The CPU kernel's constructor validates each call (same messages);
// `prepare` runs the CPU's shape checks (UnfusedSpectralGradShapes.h, which
// also compute the per-mode factors the CPU uses) before anything touches
// the device, then plans the transform over all rows (CufftPlan.h) and
// uploads the factors.
//
//   rfft_grad:  c2r input = factor dX, DC/Nyquist columns Hermitian-
//               projected (UnfusedSpectralDevice.h) -> c2r
//   irfft_grad: r2c -> x factor per mode
//   contract grads: SpectralGrad.cu's adjoint contraction (o in order) and
//               batch-ordered weight sums (b in order, scale 1); no atomics
//
//===----------------------------------------------------------------------===//
#include "runtime/kernels/cpu/SignatureChecks.h"
#include "runtime/kernels/cpu/grad/UnfusedSpectralGradShapes.h"
#include "runtime/kernels/cuda/CudaKernel.h"
#include "runtime/kernels/cuda/CudaKernels.h"
#include "runtime/kernels/cuda/CufftPlan.h"
#include "runtime/kernels/cuda/SpectralGradLaunch.h"
#include "runtime/kernels/cuda/UnfusedSpectralLaunch.h"
#include "runtime/support/Status.h"

#include <fmt/format.h>

#include <memory>

namespace shodh::cuda {

namespace {

/// Bytes of a complex<float>.
constexpr uint64_t kComplexBytes = 8;

/// rfft_grad (forwardDir Forward: the gradient of rfft) and irfft_grad.
class RealFftGradKernel : public CudaKernel {
public:
  /// Validates the call with the CPU kernel.
  RealFftGradKernel(const KernelSignature &sig, FftDirection forwardDir)
      : CudaKernel(sig),
        ofRfft_(forwardDir == FftDirection::Forward), forwardDir_(forwardDir),
        ndims_(int(intAttr(sig, "ndims"))),
        norm_(stringAttr(sig, "norm", "backward")) {}

  /// Checks the shapes, plans the transform, uploads the mode factors.
  void prepare(const std::vector<TensorRef> &in,
               const std::vector<TensorRef> &out, KernelContext &ctx) override {
    s_ = checkRealFftGradShapes(where_, forwardDir_, ndims_, norm_, in[0].shape,
                                out[0].shape);
    Device &dev = device(ctx);
    layout_ = halfLayoutOf(s_.grid.data(), ndims_);
    // rfft_grad inverts (c2r), irfft_grad transforms forward (r2c).
    plan_ = std::make_unique<CufftPlan>(s_.grid, s_.rows, false, !ofRfft_,
                                        dev.stream(), where_);
    factor_ = DeviceBuffer(sizeof(float) * s_.factor.size(), dev);
    if (!s_.factor.empty())
      factor_.upload(s_.factor.data(), factor_.size(), dev);
    scratch_ = DeviceBuffer(
        ofRfft_ ? kComplexBytes * uint64_t(s_.rows * s_.halfSize) : 0, dev);
  }

  /// Enqueues the scaling and the transform.
  void run(const std::vector<TensorRef> &in, const std::vector<TensorRef> &out,
           KernelContext &ctx) override {
    void *s = stream(ctx);
    auto *factor = reinterpret_cast<const float *>(factor_.data());
    if (ofRfft_) { // c2r destroys its input: it runs on the scaled copy
      launchC2rInput(in[0].data, factor, scratch_.data(), layout_, s_.rows, s);
      checkLaunch(ctx);
      plan_->execute(out[0].data, scratch_.data());
      return;
    }
    plan_->execute(in[0].data, out[0].data);
    launchScaleModes(out[0].data, factor, s_.rows, s_.halfSize, s);
    checkLaunch(ctx);
  }

private:
  bool ofRfft_;
  FftDirection forwardDir_;
  int ndims_;
  std::string norm_;
  RealFftGradShapes s_;
  HalfLayout layout_;
  std::unique_ptr<CufftPlan> plan_;
  DeviceBuffer factor_, scratch_;
};

/// spectral_contract_grad_input (weight = false) and _weight (true).
class ContractGradKernel : public CudaKernel {
public:
  /// Validates the call with the CPU kernel.
  ContractGradKernel(const KernelSignature &sig, bool weight)
      : CudaKernel(sig),
        weight_(weight) {}

  /// Checks the shapes; the weight gradient's per-mode scale is 1.
  void prepare(const std::vector<TensorRef> &in,
               const std::vector<TensorRef> &out, KernelContext &ctx) override {
    dims_ = checkContractGradShapes(where_, weight_, in[0].shape, in[1].shape,
                                    out[0].shape);
    Device &dev = device(ctx);
    if (!weight_)
      return;
    std::vector<float> ones(size_t(dims_[3]), 1.0f);
    ones_ = DeviceBuffer(sizeof(float) * ones.size(), dev);
    if (!ones.empty())
      ones_.upload(ones.data(), ones_.size(), dev);
  }

  /// One thread per output element; sums over o (input gradient) or over
  /// the batch (weight gradient) in order.
  void run(const std::vector<TensorRef> &in, const std::vector<TensorRef> &out,
           KernelContext &ctx) override {
    const int64_t B = dims_[0], I = dims_[1], O = dims_[2], K = dims_[3];
    if (weight_)
      launchModeWeightGrad(in[0].data, in[1].data,
                           reinterpret_cast<const float *>(ones_.data()),
                           out[0].data, B, I, O, K, stream(ctx));
    else
      launchModeContractAdjoint(in[0].data, in[1].data, out[0].data, B, I, O, K,
                                stream(ctx));
    checkLaunch(ctx);
  }

private:
  bool weight_;
  std::array<int64_t, 4> dims_{}; ///< B, I, O, K
  DeviceBuffer ones_;
};

} // namespace

void registerCudaUnfusedSpectralGradKernels(KernelRegistry &registry) {
  auto add = [&](const char *name, KernelFactory f) {
    registry.add(name, Backend::Cuda, std::move(f));
  };
  add("rfft_grad", [](const KernelSignature &s) {
    return std::unique_ptr<Kernel>(
        new RealFftGradKernel(s, FftDirection::Forward));
  });
  add("irfft_grad", [](const KernelSignature &s) {
    return std::unique_ptr<Kernel>(
        new RealFftGradKernel(s, FftDirection::Inverse));
  });
  add("spectral_contract_grad_input", [](const KernelSignature &s) {
    return std::unique_ptr<Kernel>(new ContractGradKernel(s, false));
  });
  add("spectral_contract_grad_weight", [](const KernelSignature &s) {
    return std::unique_ptr<Kernel>(new ContractGradKernel(s, true));
  });
}

} // namespace shodh::cuda
