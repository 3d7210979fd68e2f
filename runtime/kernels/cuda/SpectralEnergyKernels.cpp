//===- SpectralEnergyKernels.cpp - spectral_energy (CUDA) -----------------===//
//
// The M²M router features with the contract of cpu/moe/RouterSpectralEnergy.cpp,
// whose kernel validates the call. `prepare` makes the geometry's tables
// (spectral_energy::makeTables, as the CPU), uploads them once and sizes
// the per-token scratch (tokens x scratchDoubles doubles); `run` is one
// launch (SpectralEnergy.cu). A stop-gradient: there is no gradient kernel.
//
//===----------------------------------------------------------------------===//
#include "runtime/kernels/cpu/SignatureChecks.h"
#include "runtime/kernels/cpu/moe/RoutingSupport.h"
#include "runtime/kernels/cuda/CudaKernel.h"
#include "runtime/kernels/cuda/CudaKernels.h"
#include "runtime/kernels/cuda/RoutingHost.h"
#include "runtime/kernels/cuda/RoutingLaunch.h"

namespace shodh::cuda {

namespace {

/// Uploads `values` into `buffer` (allocated to fit).
template <typename T>
void uploadTable(DeviceBuffer &buffer, const std::vector<T> &values,
                 Device &dev) {
  const uint64_t bytes = sizeof(T) * std::max<size_t>(values.size(), 1);
  buffer = DeviceBuffer(bytes, dev);
  if (!values.empty())
    buffer.upload(values.data(), sizeof(T) * values.size(), dev);
}

class SpectralEnergyKernel : public CudaKernel {
public:
  explicit SpectralEnergyKernel(const KernelSignature &sig)
      : CudaKernel(sig, makeSpectralEnergyKernel(sig)),
        bands_(intAttr(sig, "bands")) {}

  void prepare(const std::vector<TensorRef> &in,
               const std::vector<TensorRef> &out, KernelContext &ctx) override {
    CudaKernel::prepare(in, out, ctx);
    Device &dev = device(ctx);
    const spectral_energy::Geometry g =
        spectral_energy::geometryOf(in[0].shape, bands_);
    tokens_ = in[0].shape[0] * in[0].shape[1];
    if (!tablesReady_ || g.channels != g_.channels || g.d != g_.d ||
        g.h != g_.h || g.w != g_.w) {
      g_ = g;
      spectral_energy::Tables t = spectral_energy::makeTables(g_);
      uploadTable(twD_, t.twD, dev), uploadTable(twH_, t.twH, dev);
      uploadTable(twW_, t.twW, dev), uploadTable(band_, t.band, dev);
      uploadTable(weight_, t.weight, dev);
      tablesReady_ = true;
    }
    ensureBytes(scratch_,
                8 * uint64_t(std::max<int64_t>(
                        tokens_ * spectral_energy::scratchDoubles(g_), 1)),
                dev);
  }

  void run(const std::vector<TensorRef> &in, const std::vector<TensorRef> &out,
           KernelContext &ctx) override {
    auto d = [](DeviceBuffer &b) { return reinterpret_cast<double *>(b.data()); };
    launchSpectralEnergy(in[0].as<float>(), tokens_, g_, d(twD_), d(twH_),
                         d(twW_), reinterpret_cast<int64_t *>(band_.data()),
                         d(weight_), d(scratch_), out[0].as<float>(),
                         stream(ctx));
    checkLaunch(ctx);
  }

private:
  int64_t bands_;
  int64_t tokens_ = 0;
  bool tablesReady_ = false;
  spectral_energy::Geometry g_;
  DeviceBuffer twD_, twH_, twW_, band_, weight_, scratch_;
};

} // namespace

void registerCudaSpectralEnergyKernels(KernelRegistry &registry) {
  registry.add("spectral_energy", Backend::Cuda,
               [](const KernelSignature &sig) {
                 return std::unique_ptr<Kernel>(new SpectralEnergyKernel(sig));
               });
}

} // namespace shodh::cuda
