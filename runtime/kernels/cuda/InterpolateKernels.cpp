//===- InterpolateKernels.cpp - interpolate, interpolate_grad (CUDA) ------===//
//
// Contract of cpu/moe/Interpolate.h, whose kernels validate the calls (same
// messages) and re-check the concrete shapes. `prepare` views the
// resampled axes as three, as the CPU does, and makes that geometry's
// tables (InterpolateDevice.h: taps, and for the gradient their inverse)
// on the host, uploading them once per geometry; `run` is one launch
// (Interpolate.cu), one thread per output element, bitwise the CPU's.
//
//===----------------------------------------------------------------------===//
#include "runtime/kernels/cpu/SignatureChecks.h"
#include "runtime/kernels/cpu/moe/Interpolate.h"
#include "runtime/kernels/cuda/CudaKernel.h"
#include "runtime/kernels/cuda/CudaKernels.h"
#include "runtime/kernels/cuda/InterpolateDevice.h"

namespace shodh::cuda {

namespace {

/// Uploads `values` into a new `buffer` sized to fit (at least one entry).
template <typename T>
void uploadTable(DeviceBuffer &buffer, const std::vector<T> &values,
                 Device &dev) {
  buffer = DeviceBuffer(sizeof(T) * std::max<size_t>(values.size(), 1), dev);
  if (!values.empty())
    buffer.upload(values.data(), sizeof(T) * values.size(), dev);
}

/// interpolate (`adjoint` false) or interpolate_grad.
class InterpolateKernel : public CudaKernel {
public:
  InterpolateKernel(const KernelSignature &sig, bool adjoint)
      : CudaKernel(sig, adjoint ? makeInterpolateGradKernel(sig)
                                : makeInterpolateKernel(sig)),
        adjoint_(adjoint), d_(intsAttr(sig, "size").size()) {}

  void prepare(const std::vector<TensorRef> &in,
               const std::vector<TensorRef> &out, KernelContext &ctx) override {
    CudaKernel::prepare(in, out, ctx);
    const std::vector<int64_t> &x = adjoint_ ? out[0].shape : in[0].shape;
    const std::vector<int64_t> &y = adjoint_ ? in[0].shape : out[0].shape;
    int64_t slices = 1, src[3] = {1, 1, 1}, dst[3] = {1, 1, 1};
    for (size_t i = 0; i + d_ < x.size(); ++i)
      slices *= x[i];
    for (size_t a = 0; a < d_; ++a) {
      src[3 - d_ + a] = x[x.size() - d_ + a];
      dst[3 - d_ + a] = y[y.size() - d_ + a];
    }
    g_.slices = slices;
    if (ready_ && std::equal(src, src + 3, g_.src) &&
        std::equal(dst, dst + 3, g_.dst))
      return;
    InterpTables t = makeInterpolateTables(slices, src, dst);
    Device &dev = device(ctx);
    uploadTable(taps_, t.taps, dev);
    uploadTable(start_, t.start, dev);
    uploadTable(hits_, t.hits, dev);
    g_ = t.g;
    ready_ = true;
  }

  void run(const std::vector<TensorRef> &in, const std::vector<TensorRef> &out,
           KernelContext &ctx) override {
    if (adjoint_)
      launchInterpolateGrad(g_,
                            reinterpret_cast<const int64_t *>(start_.data()),
                            reinterpret_cast<const InterpHit *>(hits_.data()),
                            in[0].as<float>(), out[0].as<float>(), stream(ctx));
    else
      launchInterpolate(g_, reinterpret_cast<const InterpTap *>(taps_.data()),
                        in[0].as<float>(), out[0].as<float>(), stream(ctx));
    checkLaunch(ctx);
  }

private:
  bool adjoint_;
  size_t d_;
  bool ready_ = false;
  InterpGeometry g_;
  DeviceBuffer taps_, start_, hits_;
};

} // namespace

void registerCudaInterpolateKernels(KernelRegistry &registry) {
  registry.add("interpolate", Backend::Cuda, [](const KernelSignature &sig) {
    return std::unique_ptr<Kernel>(new InterpolateKernel(sig, false));
  });
  registry.add(
      "interpolate_grad", Backend::Cuda, [](const KernelSignature &sig) {
        return std::unique_ptr<Kernel>(new InterpolateKernel(sig, true));
      });
}

} // namespace shodh::cuda
