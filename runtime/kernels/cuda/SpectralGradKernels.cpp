//===- SpectralGradKernels.cpp - spectral_conv's gradients with cuFFT -----===//
//
// spectral_conv_grad_input, spectral_conv_grad_weight and spectral_conv_grad
// (with or without the forward's saved spectrum) on the GPU; contract and
// derivation as on the CPU (cpu/grad/SpectralConvGrad.h). The CPU kernel's
// constructor validates the call; `prepare` runs the CPU's shape checks
// (SpectralGradShapes.h: same messages, no FFTW planning), makes the cuFFT
// plans (r2c of dy over B*O grids, r2c of x over B*I grids when no spectrum
// is saved, c2r of dx over B*I grids) and the device scratch, and uploads
// the mode index map and the weight gradient's c_k/N per mode.
//
//   run: dy -> r2c -> gather kept modes (DY)
//        dx: DY W^H per mode -> scatter with 1/N into a zeroed half
//            spectrum -> Hermitian projection of its DC / Nyquist column
//            (UnfusedSpectralDevice.h: the CPU's inverse) -> c2r
//        dW: conj(X) DY summed over the batch in order, times c_k/N
//
// With `skip` (fourier_layer_grad) one strided-batched cuBLAS GEMM adds
// Ws^T dy onto dx (linearColumnAdjoints, as linear_grad_input), and an
// activation multiplies dx by act'(pre) (the backend's gelu_grad). With
// `skip_params` (fourier_layer_grad_params) the skip's weight and bias
// gradients follow as linear_grad_params runs them (linearColumnWeightGrad,
// then the bias sums): a composition on the device.
//
// Full cuFFT transforms instead of FFTW's pruned stages: agreement with the
// CPU is to FFT rounding; repeated runs are bit-identical (no atomics).
//
//===----------------------------------------------------------------------===//
#include "runtime/kernels/cuda/DeviceCheck.h"
#include "runtime/kernels/cpu/SignatureChecks.h"
#include "runtime/kernels/cpu/grad/SpectralGradShapes.h"
#include "runtime/kernels/cuda/CudaKernel.h"
#include "runtime/kernels/cuda/CudaKernels.h"
#include "runtime/kernels/cuda/CufftPlan.h"
#include "runtime/kernels/cuda/Launch.h"
#include "runtime/kernels/cuda/RoutingHost.h"
#include "runtime/kernels/cuda/SpectralGradLaunch.h"
#include "runtime/kernels/cuda/UnfusedSpectralLaunch.h"
#include "runtime/support/Status.h"

#include <fmt/format.h>

#include <memory>

namespace shodh::cuda {

namespace {

/// Bytes of a complex<float>.
constexpr uint64_t kComplexBytes = 8;

/// One of the three gradient kernels (see the file comment).
class SpectralConvGradKernel : public CudaKernel {
public:
  /// Validates the call with the CPU kernel of the same name.
  SpectralConvGradKernel(const KernelSignature &sig, SpectralGradKind kind)
      : CudaKernel(sig), kind_(kind), modes_(intsAttr(sig, "modes")),
        saved_(kind == SpectralGradKind::Both &&
               intAttr(sig, "saved_spectrum", 0) == 1),
        skip_(kind == SpectralGradKind::Both && intAttr(sig, "skip", 0) == 1),
        skipParams_(skip_ && intAttr(sig, "skip_params", 0) == 1),
        activation_(kind == SpectralGradKind::Both ? activationAttr(sig)
                                                   : FusedActivation()),
        preDerivative_(kind == SpectralGradKind::Both &&
                       intAttr(sig, "pre_derivative", 0) == 1) {}

  /// Checks the shapes, plans the transforms, allocates the scratch.
  void prepare(const std::vector<TensorRef> &in,
               const std::vector<TensorRef> &out, KernelContext &ctx) override;
  /// Enqueues the transforms and contractions on the session's stream.
  void run(const std::vector<TensorRef> &in, const std::vector<TensorRef> &out,
           KernelContext &ctx) override;

private:
  bool wantsInput() const { return kind_ != SpectralGradKind::Weight; }
  bool wantsWeight() const { return kind_ != SpectralGradKind::Input; }
  /// dx from the truncated dy spectrum and W.
  void inputGrad(const void *w, void *dx, KernelContext &ctx);
  /// dW from x (or its saved spectrum) and the truncated dy spectrum.
  void weightGrad(const TensorRef &x, void *dw, KernelContext &ctx);

  SpectralGradKind kind_;
  std::vector<int64_t> modes_;
  bool saved_, skip_;
  bool skipParams_; ///< fourier_layer_grad_params: the skip's dW and db too
  FusedActivation activation_; ///< fourier_layer_grad's act' on dx
  bool preDerivative_;         ///< the last input is act'(pre) itself
  int64_t points_ = 0;     ///< grid points per channel
  SpectralGradShapes s_;
  float scale_ = 1.0f;
  std::unique_ptr<CufftPlan> dyForward_, xForward_, dxInverse_;
  DeviceBuffer index_, modeScale_, halfDy_, truncDy_, halfX_, truncX_, truncDx_,
      halfDx_, c2rIn_;
};

void SpectralConvGradKernel::prepare(const std::vector<TensorRef> &in,
                                     const std::vector<TensorRef> &out,
                                     KernelContext &ctx) {
  Device &dev = device(ctx);
  s_ = checkSpectralGradShapes(kind_, saved_, where_, modes_, in, out);
  if (kind_ == SpectralGradKind::Both) {
    checkLayerGradInputs(where_, s_, skip_, activation_.gelu || preDerivative_,
                         in, out, skipParams_,
                         preDerivative_ ? "activation derivative"
                                        : "pre-activation");
    points_ = 1;
    for (int64_t n : s_.geom.grid)
      points_ *= n;
    if (skip_)
      checkBlasDims(where_, {s_.batch, s_.in, s_.out, points_});
  }
  const SpectralGeometry &g = s_.geom;
  const int64_t half = g.halfSize(), ts = g.truncSize();
  const int64_t rowsX = s_.batch * s_.in, rowsY = s_.batch * s_.out;
  std::vector<int64_t> index = g.gatherIndex();
  index_ = DeviceBuffer(sizeof(int64_t) * index.size(), dev);
  index_.upload(index.data(), index_.size(), dev);
  halfDy_ = DeviceBuffer(kComplexBytes * uint64_t(rowsY * half), dev);
  truncDy_ = DeviceBuffer(kComplexBytes * uint64_t(rowsY * ts), dev);
  dyForward_ = std::make_unique<CufftPlan>(g.grid, rowsY, false, true,
                                           dev.stream(), where_);
  if (wantsInput()) {
    scale_ = inverseScale(g);
    truncDx_ = DeviceBuffer(kComplexBytes * uint64_t(rowsX * ts), dev);
    halfDx_ = DeviceBuffer(kComplexBytes * uint64_t(rowsX * half), dev);
    c2rIn_ = DeviceBuffer(kComplexBytes * uint64_t(rowsX * half), dev);
    dxInverse_ = std::make_unique<CufftPlan>(g.grid, rowsX, false, false,
                                             dev.stream(), where_);
  }
  if (wantsWeight()) {
    std::vector<float> scale = weightGradScales(g);
    modeScale_ = DeviceBuffer(sizeof(float) * scale.size(), dev);
    modeScale_.upload(scale.data(), modeScale_.size(), dev);
    if (!saved_) {
      halfX_ = DeviceBuffer(kComplexBytes * uint64_t(rowsX * half), dev);
      truncX_ = DeviceBuffer(kComplexBytes * uint64_t(rowsX * ts), dev);
      xForward_ = std::make_unique<CufftPlan>(g.grid, rowsX, false, true,
                                              dev.stream(), where_);
    }
  }
}

void SpectralConvGradKernel::inputGrad(const void *w, void *dx,
                                       KernelContext &ctx) {
  void *s = stream(ctx);
  const int64_t half = s_.geom.halfSize(), ts = s_.geom.truncSize();
  const int64_t rowsX = s_.batch * s_.in;
  launchModeContractAdjoint(truncDy_.data(), w, truncDx_.data(), s_.batch,
                            s_.in, s_.out, ts, s);
  if (rowsX == 0)
    return checkLaunch(ctx);
  SHODH_CUDA_CHECK(cudaMemsetAsync(halfDx_.data(), 0, halfDx_.size(),
                                   static_cast<cudaStream_t>(s)));
  launchScatterModes(truncDx_.data(), halfDx_.data(),
                     reinterpret_cast<const int64_t *>(index_.data()), rowsX,
                     half, ts, scale_, s);
  // dX's DC (and Nyquist) column is not Hermitian for a general weight:
  // c2r gets its Hermitian projection (UnfusedSpectralDevice.h), the CPU's.
  launchC2rInput(halfDx_.data(), nullptr, c2rIn_.data(),
                 halfLayoutOf(s_.geom.grid.data(), int(s_.geom.grid.size())),
                 rowsX, s);
  checkLaunch(ctx);
  dxInverse_->execute(dx, c2rIn_.data()); // c2r destroys c2rIn_ (scratch)
}

void SpectralConvGradKernel::weightGrad(const TensorRef &x, void *dw,
                                        KernelContext &ctx) {
  void *s = stream(ctx);
  const int64_t half = s_.geom.halfSize(), ts = s_.geom.truncSize();
  const void *spectrum = x.data;
  if (!saved_) {
    xForward_->execute(x.data, halfX_.data());
    launchGatherModes(halfX_.data(), truncX_.data(),
                      reinterpret_cast<const int64_t *>(index_.data()),
                      s_.batch * s_.in, half, ts, s);
    spectrum = truncX_.data();
  }
  launchModeWeightGrad(spectrum, truncDy_.data(),
                       reinterpret_cast<const float *>(modeScale_.data()), dw,
                       s_.batch, s_.in, s_.out, ts, s);
  checkLaunch(ctx);
}

void SpectralConvGradKernel::run(const std::vector<TensorRef> &in,
                                 const std::vector<TensorRef> &out,
                                 KernelContext &ctx) {
  // Operands: Input (dy, w) -> dx; Weight (x, dy) -> dw;
  // Both (x or spectrum, dy, w) -> (dx, dw).
  const bool input = kind_ == SpectralGradKind::Input;
  const TensorRef &dy = input ? in[0] : in[1];
  const int64_t half = s_.geom.halfSize(), ts = s_.geom.truncSize();
  dyForward_->execute(dy.data, halfDy_.data());
  launchGatherModes(halfDy_.data(), truncDy_.data(),
                    reinterpret_cast<const int64_t *>(index_.data()),
                    s_.batch * s_.out, half, ts, stream(ctx));
  checkLaunch(ctx);
  if (wantsInput())
    inputGrad(input ? in[1].data : in[2].data, out[0].data, ctx);
  // fourier_layer_grad: dx += Ws^T dy, Ws [O, I] (nothing to add, and no
  // valid cuBLAS leading dimension, with an empty batch or channel count).
  if (skip_ && s_.batch > 0 && s_.in > 0 && s_.out > 0 && points_ > 0) {
    linearColumnAdjoints(device(ctx).blasHandle(), dy.as<float>(), in[3].as<float>(),
                         out[0].as<float>(), s_.batch, points_, s_.in, s_.out, 1.0f, where_);
  }
  if (activation_.gelu) { // then dx *= act'(pre)
    launchGeluGrad(activation_.tanh, false, in.back().data, out[0].data, out[0].data,
                   out[0].numel(), stream(ctx));
    checkLaunch(ctx);
  } else if (preDerivative_) { // dx *= the given act'(pre)
    launchBinary(false, false, out[0].data, in.back().data, out[0].data,
                 out[0].numel(), stream(ctx));
    checkLaunch(ctx);
  }
  if (skipParams_) { // the skip's weight gradient (GEMMs), then its bias's sums
    if (s_.batch > 0 && points_ > 0 && s_.in > 0 && s_.out > 0)
      linearColumnWeightGrad(device(ctx).blasHandle(), in[4].as<float>(),
                             dy.as<float>(), out[2].as<float>(), s_.batch,
                             points_, s_.in, s_.out, where_);
    else
      SHODH_CUDA_CHECK(cudaMemsetAsync(out[2].data, 0,
                                       sizeof(float) * size_t(out[2].numel()),
                                       static_cast<cudaStream_t>(stream(ctx))));
    launchLinearGradBias(dy.as<float>(), out[3].as<float>(), s_.batch, s_.out,
                         points_, stream(ctx));
    checkLaunch(ctx);
  }
  if (wantsWeight())
    weightGrad(in[0], out[kind_ == SpectralGradKind::Weight ? 0 : 1].data, ctx);
}

} // namespace

void registerCudaSpectralGradKernels(KernelRegistry &registry) {
  registry.add("spectral_conv_grad_input", Backend::Cuda,
               [](const KernelSignature &s) {
                 return std::unique_ptr<Kernel>(new SpectralConvGradKernel(
                     s, SpectralGradKind::Input));
               });
  registry.add("spectral_conv_grad_weight", Backend::Cuda,
               [](const KernelSignature &s) {
                 return std::unique_ptr<Kernel>(new SpectralConvGradKernel(
                     s, SpectralGradKind::Weight));
               });
  registry.add("spectral_conv_grad", Backend::Cuda,
               [](const KernelSignature &s) {
                 return std::unique_ptr<Kernel>(new SpectralConvGradKernel(
                     s, SpectralGradKind::Both));
               });
}

} // namespace shodh::cuda
