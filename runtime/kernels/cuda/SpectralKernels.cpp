//===- SpectralKernels.cpp - spectral_conv with cuFFT (CUDA) --------------===//
//
// Contract as on the CPU (cpu/spectral/SpectralConv.h): x f32
// [B, I, N_1..N_d], w c64 [I, O, 2m_1.., m_d] -> y f32 [B, O, N...], attrs
// modes (Ints, 1 to 3), save_spectrum (0/1: a second output receives the
// truncated spectrum of x), addend (0/1: a third input added to y), skip
// (0/1: third and fourth inputs W [O, I] and optional b [O], y += W x + b)
// and activation (none|gelu|gelu_tanh, applied last); activated_output
// (gelu|gelu_tanh, with skip) writes act(y) into a last output, y kept,
// and derivative_output = 1 then replaces y by act'(y) (a GELU' launch
// without dy). The CPU
// kernel's constructor validates the call; `prepare` re-checks the concrete
// shapes, creates the two cuFFT plans (CufftPlan: r2c over B*I grids, c2r over
// B*O grids, on the session's stream) and the device scratch, and uploads the
// mode index map (SpectralLayout.h).
//
// cuFFT computes the full half spectrum rather than FFTW's pruned stages.
// The contraction's DC (and Nyquist) column is not Hermitian for a general
// weight, and cuFFT's c2r of such input is unspecified, so the c2r gets its
// Hermitian projection (launchC2rInput, UnfusedSpectralDevice.h), which is
// what the CPU's inverse effectively uses; agreement with the CPU is to FFT
// rounding.
//
//===----------------------------------------------------------------------===//
#include "runtime/kernels/cpu/SignatureChecks.h"
#include "runtime/kernels/cpu/grad/SpectralGradShapes.h"
#include "runtime/kernels/cpu/spectral/SpectralConvShapes.h"
#include "runtime/kernels/cuda/CudaKernel.h"
#include "runtime/kernels/cuda/CudaKernels.h"
#include "runtime/kernels/cuda/CufftPlan.h"
#include "runtime/kernels/cuda/DeviceCheck.h"
#include "runtime/kernels/cuda/Launch.h"
#include "runtime/kernels/cuda/RoutingHost.h"
#include "runtime/kernels/cuda/UnfusedSpectralLaunch.h"
#include "runtime/support/Status.h"

#include <fmt/format.h>
#include <fmt/ranges.h>


#include <memory>
#include <vector>

namespace shodh::cuda {

namespace {

class SpectralConvKernel : public CudaKernel {
public:
  explicit SpectralConvKernel(const KernelSignature &sig)
      : CudaKernel(sig), modes_(intsAttr(sig, "modes")),
        save_(flagAttr(sig, "save_spectrum")), addend_(flagAttr(sig, "addend")),
        skip_(flagAttr(sig, "skip")), activation_(activationAttr(sig)),
        activated_(activationAttr(sig, "activated_output")),
        derivative_(flagAttr(sig, "derivative_output")) {}

  void prepare(const std::vector<TensorRef> &in,
               const std::vector<TensorRef> &out, KernelContext &ctx) override;
  void run(const std::vector<TensorRef> &in, const std::vector<TensorRef> &out,
           KernelContext &ctx) override;

private:
  /// fourier_layer: y += skip_b, y_b += skip_W x_b.
  void skipProduct(const std::vector<TensorRef> &in, float *y, KernelContext &ctx);
  /// The shape checks of the CPU kernel's prepare (which also plans FFTW).
  void checkShapes(const std::vector<TensorRef> &in,
                   const std::vector<TensorRef> &out);

  std::vector<int64_t> modes_;
  bool save_, addend_, skip_;
  FusedActivation activation_; ///< none, gelu or gelu_tanh
  FusedActivation activated_;  ///< activated_output: a last output act(y)
  bool derivative_;            ///< derivative_output: y = act'(z) instead of z
  SpectralGeometry geom_;
  int64_t B_ = 0, I_ = 0, O_ = 0, points_ = 0; ///< points_: of one grid
  float scale_ = 1.0f;
  std::unique_ptr<CufftPlan> forward_, inverse_;
  DeviceBuffer index_, halfIn_, truncIn_, truncOut_, halfOut_, c2rIn_;
};

void SpectralConvKernel::checkShapes(const std::vector<TensorRef> &in,
                                     const std::vector<TensorRef> &out) {
  SpectralConvShapes c = checkSpectralConvShapes(
      where_, modes_, {save_, addend_, skip_, activated_.gelu}, in, out);
  geom_ = c.geom;
  B_ = c.B, I_ = c.I, O_ = c.O, points_ = c.points;
  if (skip_) // the skip product's cuBLAS ints
    checkBlasDims(where_, {B_, I_, O_, points_});
}

void SpectralConvKernel::prepare(const std::vector<TensorRef> &in,
                                 const std::vector<TensorRef> &out,
                                 KernelContext &ctx) {
  Device &dev = device(ctx);
  checkShapes(in, out);
  // The inverse's 1/N as the CPU and the gradient round it.
  scale_ = points_ ? inverseScale(geom_) : 1.0f;
  // Re-prepare (another batch) replaces the plans and buffers.
  const int64_t half = geom_.halfSize(), ts = geom_.truncSize();
  std::vector<int64_t> index = geom_.gatherIndex();
  index_ = DeviceBuffer(sizeof(int64_t) * index.size(), dev);
  index_.upload(index.data(), index_.size(), dev);
  const uint64_t c = 8; // bytes of a complex<float>
  halfIn_ = DeviceBuffer(c * uint64_t(B_ * I_ * half), dev);
  truncIn_ = DeviceBuffer(save_ ? 0 : c * uint64_t(B_ * I_ * ts), dev);
  truncOut_ = DeviceBuffer(c * uint64_t(B_ * O_ * ts), dev);
  halfOut_ = DeviceBuffer(c * uint64_t(B_ * O_ * half), dev);
  c2rIn_ = DeviceBuffer(c * uint64_t(B_ * O_ * half), dev);

  // One batched r2c over the B·I grids and one c2r over the B·O grids
  // (CufftPlan: extents and batch checked against cuFFT's limits; a batch
  // of 0 makes no plan).
  forward_ = std::make_unique<CufftPlan>(geom_.grid, B_ * I_, false, true,
                                         dev.stream(), where_);
  inverse_ = std::make_unique<CufftPlan>(geom_.grid, B_ * O_, false, false,
                                         dev.stream(), where_);
}

void SpectralConvKernel::skipProduct(const std::vector<TensorRef> &in, float *y,
                                     KernelContext &ctx) {
  if (in.size() > 3) {
    launchLinearPrefill(y, in[3].as<float>(), y, B_, O_, points_, stream(ctx));
    checkLaunch(ctx);
  }
  if (I_ > 0 && points_ > 0)
    linearColumnProducts(device(ctx).blasHandle(), in[0].as<float>(), in[2].as<float>(), y,
                         B_, points_, I_, O_, 1.0f, where_);
}

void SpectralConvKernel::run(const std::vector<TensorRef> &in,
                             const std::vector<TensorRef> &out,
                             KernelContext &ctx) {
  void *s = stream(ctx);
  const int64_t half = geom_.halfSize(), ts = geom_.truncSize();
  void *spectrum = save_ ? out[1].data : truncIn_.data();
  if (B_ * I_ > 0) {
    forward_->execute(in[0].data, halfIn_.data());
    launchGatherModes(halfIn_.data(), spectrum,
                      reinterpret_cast<const int64_t *>(index_.data()), B_ * I_,
                      half, ts, s);
  }
  launchModeContract(spectrum, in[1].data, truncOut_.data(), B_, I_, O_, ts, s);
  if (B_ * O_ == 0)
    return checkLaunch(ctx);
  SHODH_CUDA_CHECK(cudaMemsetAsync(halfOut_.data(), 0, halfOut_.size(),
                                   static_cast<cudaStream_t>(s)));
  launchScatterModes(truncOut_.data(), halfOut_.data(),
                     reinterpret_cast<const int64_t *>(index_.data()), B_ * O_,
                     half, ts, scale_, s);
  // The contraction's DC (and Nyquist) column is not Hermitian for a
  // general weight: c2r gets its Hermitian projection, as the CPU's pruned
  // inverse effectively uses (UnfusedSpectralDevice.h), into c2rIn_.
  launchC2rInput(halfOut_.data(), nullptr, c2rIn_.data(),
                 halfLayoutOf(geom_.grid.data(), int(geom_.grid.size())),
                 B_ * O_, s);
  checkLaunch(ctx);
  // c2r overwrites its input: c2rIn_ is scratch rebuilt every run.
  inverse_->execute(out[0].data, c2rIn_.data());
  // spectral_conv_add: y = act(y + addend), two elementwise passes;
  // fourier_layer: y += b (in place), y_b += W x_b (one strided-batched
  // GEMM over b, beta = 1), then the activation.
  const int64_t n = out[0].numel();
  if (addend_)
    launchBinary(true, false, out[0].data, in[2].data, out[0].data, n, s);
  if (skip_)
    skipProduct(in, out[0].as<float>(), ctx);
  if (activation_.gelu)
    launchGelu(activation_.tanh, false, out[0].data, out[0].data, n, s);
  if (activated_.gelu) // y stays the pre-activation
    launchGelu(activated_.tanh, false, out[0].data, out.back().data, n, s);
  if (derivative_) // y = act'(z) (no dy: GELU' itself), in place
    launchGeluGrad(activated_.tanh, false, out[0].data, nullptr, out[0].data, n,
                   s);
  checkLaunch(ctx);
}

} // namespace

void registerCudaSpectralKernels(KernelRegistry &registry) {
  registry.add("spectral_conv", Backend::Cuda, [](const KernelSignature &s) {
    return std::unique_ptr<Kernel>(new SpectralConvKernel(s));
  });
}

} // namespace shodh::cuda
