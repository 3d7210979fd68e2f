//===- UnfusedSpectralKernels.cpp - rfft, irfft, truncate, pad, contract --===//
//
// The unfused spectral kernels (`shodhc --no-fuse`) on the GPU; contracts
// as on the CPU (cpu/spectral/SpectralKernels.cpp):
//   rfft               x f32 [..., N_1..N_d] -> c64 [..., N_1.., N_d/2+1]
//   irfft              c64 half spectrum -> f32 [..., N_1..N_d]
//                      (both: ndims 1..3, norm backward | ortho | forward)
//   spectral_truncate  c64 half -> c64 [..., 2m_1.., m_d]; modes
//   spectral_pad       c64 [..., 2m_1.., m_d] -> c64 half (zeros elsewhere)
//   spectral_contract  x c64 [B, I, K...], w c64 [I, O, K...] -> [B, O, K...]
// The CPU kernel's constructor validates each call (same messages);
// `prepare` runs the CPU's shape checks (UnfusedSpectralShapes.h) before
// anything touches the device, then makes the cuFFT plan over all rows
// (CufftPlan.h) and the scratch, or uploads the mode index map
// (SpectralLayout.h, the CPU's own table).
//
//   rfft:  r2c -> x s (skipped when s = 1)
//   irfft: c2r input (copy, DC/Nyquist columns Hermitian-projected:
//          UnfusedSpectralDevice.h) -> c2r -> x s
//   truncate / pad: the gather / zero + scatter of Spectral.cu
//   contract: Spectral.cu's per-mode contraction, inputs summed in order
//
// Agreement with the CPU: bitwise for truncate and pad; FFT rounding for the
// transforms (cuFFT vs FFTW); the contraction's own rounding order.
//
//===----------------------------------------------------------------------===//
#include "runtime/kernels/cuda/DeviceCheck.h"
#include "runtime/kernels/cpu/SignatureChecks.h"
#include "runtime/kernels/cpu/spectral/UnfusedSpectralShapes.h"
#include "runtime/kernels/cuda/CudaKernel.h"
#include "runtime/kernels/cuda/CudaKernels.h"
#include "runtime/kernels/cuda/CufftPlan.h"
#include "runtime/kernels/cuda/UnfusedSpectralLaunch.h"
#include "runtime/support/Status.h"

#include <fmt/format.h>

#include <memory>

namespace shodh::cuda {

namespace {

/// Bytes of a complex<float>.
constexpr uint64_t kComplexBytes = 8;

/// rfft (dir Forward) and irfft (Inverse).
class RealFftKernel : public CudaKernel {
public:
  /// Validates the call with the CPU kernel.
  RealFftKernel(const KernelSignature &sig, FftDirection dir)
      : CudaKernel(sig),
        dir_(dir), ndims_(int(intAttr(sig, "ndims"))),
        norm_(stringAttr(sig, "norm", "backward")) {}

  /// Checks the shapes, plans the transform, allocates irfft's scratch.
  void prepare(const std::vector<TensorRef> &in,
               const std::vector<TensorRef> &out, KernelContext &ctx) override {
    s_ = checkRealFftShapes(where_, dir_, ndims_, norm_, in[0].shape,
                            out[0].shape);
    Device &dev = device(ctx);
    const bool fwd = dir_ == FftDirection::Forward;
    layout_ = halfLayoutOf(s_.grid.data(), ndims_);
    plan_ = std::make_unique<CufftPlan>(s_.grid, s_.rows, false, fwd,
                                        dev.stream(), where_);
    scratch_ = DeviceBuffer(
        fwd ? 0 : kComplexBytes * uint64_t(s_.rows * halfSizeOf(layout_)), dev);
  }

  /// Enqueues the transform and the scaling.
  void run(const std::vector<TensorRef> &in, const std::vector<TensorRef> &out,
           KernelContext &ctx) override {
    void *s = stream(ctx);
    int64_t floats = out[0].numel();
    if (dir_ == FftDirection::Forward) {
      plan_->execute(in[0].data, out[0].data);
      floats *= 2;
    } else { // c2r destroys its input: it runs on the projected copy
      launchC2rInput(in[0].data, nullptr, scratch_.data(), layout_, s_.rows, s);
      checkLaunch(ctx);
      plan_->execute(out[0].data, scratch_.data());
    }
    if (s_.scale != 1.0f)
      launchScaleFloats(out[0].as<float>(), floats, s_.scale, s);
    checkLaunch(ctx);
  }

private:
  FftDirection dir_;
  int ndims_;
  std::string norm_;
  RealFftShapes s_;
  HalfLayout layout_;
  std::unique_ptr<CufftPlan> plan_;
  DeviceBuffer scratch_;
};

/// spectral_truncate (pad = false) and spectral_pad (pad = true).
class CornerKernel : public CudaKernel {
public:
  /// Validates the call with the CPU kernel.
  CornerKernel(const KernelSignature &sig, bool pad)
      : CudaKernel(sig),
        pad_(pad), modes_(intsAttr(sig, "modes")) {}

  /// Checks the shapes and uploads the CPU's index map.
  void prepare(const std::vector<TensorRef> &in,
               const std::vector<TensorRef> &out, KernelContext &ctx) override {
    s_ = checkCornerShapes(where_, pad_, modes_, in[0].shape, out[0].shape);
    Device &dev = device(ctx);
    std::vector<int64_t> index = s_.geom.gatherIndex();
    index_ = DeviceBuffer(sizeof(int64_t) * index.size(), dev);
    if (!index.empty())
      index_.upload(index.data(), index_.size(), dev);
  }

  /// Gathers the kept modes, or zeroes the half spectra and scatters them.
  void run(const std::vector<TensorRef> &in, const std::vector<TensorRef> &out,
           KernelContext &ctx) override {
    void *s = stream(ctx);
    const int64_t half = s_.geom.halfSize(), ts = s_.geom.truncSize();
    auto *index = reinterpret_cast<const int64_t *>(index_.data());
    if (pad_) {
      const uint64_t bytes = kComplexBytes * uint64_t(out[0].numel());
      if (bytes)
        SHODH_CUDA_CHECK(cudaMemsetAsync(out[0].data, 0, bytes,
                                         static_cast<cudaStream_t>(s)));
      launchScatterModes(in[0].data, out[0].data, index, s_.rows, half, ts,
                         1.0f, s);
    } else {
      launchGatherModes(in[0].data, out[0].data, index, s_.rows, half, ts, s);
    }
    checkLaunch(ctx);
  }

private:
  bool pad_;
  std::vector<int64_t> modes_;
  CornerShapes s_;
  DeviceBuffer index_;
};

/// spectral_contract: per-mode complex channel mixing.
class ContractKernel : public CudaKernel {
public:
  /// Validates the call with the CPU kernel.
  explicit ContractKernel(const KernelSignature &sig)
      : CudaKernel(sig) {}

  /// Checks the shapes.
  void prepare(const std::vector<TensorRef> &in,
               const std::vector<TensorRef> &out, KernelContext &ctx) override {
    dims_ = checkContractShapes(where_, in[0].shape, in[1].shape, out[0].shape);
    device(ctx);
  }

  /// One thread per output element, input channels summed in order.
  void run(const std::vector<TensorRef> &in, const std::vector<TensorRef> &out,
           KernelContext &ctx) override {
    launchModeContract(in[0].data, in[1].data, out[0].data, dims_[0], dims_[1],
                       dims_[2], dims_[3], stream(ctx));
    checkLaunch(ctx);
  }

private:
  std::array<int64_t, 4> dims_{}; ///< B, I, O, K
};

} // namespace

void registerCudaUnfusedSpectralKernels(KernelRegistry &registry) {
  auto add = [&](const char *name, KernelFactory f) {
    registry.add(name, Backend::Cuda, std::move(f));
  };
  add("rfft", [](const KernelSignature &s) {
    return std::unique_ptr<Kernel>(new RealFftKernel(s, FftDirection::Forward));
  });
  add("irfft", [](const KernelSignature &s) {
    return std::unique_ptr<Kernel>(new RealFftKernel(s, FftDirection::Inverse));
  });
  add("spectral_truncate", [](const KernelSignature &s) {
    return std::unique_ptr<Kernel>(new CornerKernel(s, false));
  });
  add("spectral_pad", [](const KernelSignature &s) {
    return std::unique_ptr<Kernel>(new CornerKernel(s, true));
  });
  add("spectral_contract", [](const KernelSignature &s) {
    return std::unique_ptr<Kernel>(new ContractKernel(s));
  });
}

} // namespace shodh::cuda
