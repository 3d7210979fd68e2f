//===- ExpertFnoKernels.cpp - expert_fno and expert_fno_grad (CUDA) -------===//
//
// Contracts as on the CPU (cpu/moe/ExpertFno.h), whose kernels validate
// the calls and the concrete shapes (same messages). The work is the
// schedule of ExpertFnoSchedule.h with cuFFT, cuBLAS and the element steps
// of ExpertFno.cu.
//
// Plans. The FFT of a token row does not depend on its expert, only the
// kept modes do, so each transform is one cuFFT plan over *all* B R rows,
// made in `prepare` (rows are the upper bound of the ragged groups, known
// there; the groups themselves are only known at run time): r2c over
// rows C grids and c2r over rows O (forward), plus r2c over rows O and
// c2r over rows C (gradient). Rows past offsets[E] are transformed too but
// never read. The experts' different mode counts are handled by the
// element steps, which read and write each expert's own slots of the
// stacked (mmax) layout; the gather map, the mode counts and the c_k / N
// table are uploaded once, in `prepare`.
//
// `run` reads the offsets back (E+1 integers, one stream synchronisation)
// and checks them with the CPU's readOffsets (same messages), to size the
// per-expert skip GEMMs. Reductions: dwspec sums the expert's rows in row
// order per (expert, c, o, mode) thread; dwskip sums per-row products
// dz_r x_r^T (one strided-batched GEMM, rows x O x C floats of scratch) in
// row order; dbskip is the CPU's loop. No atomics (cuBLAS runs without
// them), so repeat runs are bit-identical.
//
// Host cost of validation: the CPU validator's `prepare` runs with
// `validateOnly` (no FFTW plans) and no thread pool; its scratch comes
// from the session's ScratchPool only when the CPU runs it.
//
//===----------------------------------------------------------------------===//
#include "runtime/kernels/cuda/DeviceCheck.h"
#include "runtime/kernels/cpu/SignatureChecks.h"
#include "runtime/kernels/cpu/moe/ExpertFno.h"
#include "runtime/kernels/cpu/moe/ExpertSupport.h"
#include "runtime/kernels/cuda/CudaKernel.h"
#include "runtime/kernels/cuda/CudaKernels.h"
#include "runtime/kernels/cuda/CufftPlan.h"
#include "runtime/kernels/cuda/ExpertFnoLaunch.h"
#include "runtime/kernels/cuda/ExpertFnoSchedule.h"
#include "runtime/kernels/cuda/RoutingHost.h"
#include "runtime/kernels/cuda/UnfusedSpectralLaunch.h"

#include <cuda_runtime.h>

#include <algorithm>
#include <memory>

namespace shodh::cuda {

namespace {

/// The Ops of ExpertFnoSchedule.h on the session's stream.
struct CudaFnoOps {
  Device &dev;
  const std::string &where;
  const CufftPlan *r2cIn, *r2cOut, *c2rIn, *c2rOut;
  /// c2r input scratch (rows x max(C, O) half spectra), the half-spectrum
  /// layout and the row counts of the two c2r plans.
  void *c2rScratch;
  HalfLayout layout;
  int64_t rowsIn, rowsOut;

  cudaStream_t stream() const {
    return static_cast<cudaStream_t>(dev.stream());
  }
  void r2c(bool outChannels, const float *real, void *half) const {
    // cuFFT's r2c does not write its input; its API takes it non-const.
    (outChannels ? r2cOut : r2cIn)->execute(const_cast<float *>(real), half);
  }
  /// The expert spectra's DC (and Nyquist) column is not Hermitian for
  /// general weights: c2r gets its Hermitian projection, as the CPU's
  /// inverse effectively uses (UnfusedSpectralDevice.h).
  void c2r(bool outChannels, void *half, float *real) const {
    launchC2rInput(half, nullptr, c2rScratch, layout,
                   outChannels ? rowsOut : rowsIn, dev.stream());
    dev.checkLaunch("expert_fno c2r input");
    (outChannels ? c2rOut : c2rIn)->execute(real, c2rScratch);
  }
  void zero(void *p, int64_t bytes) const {
    if (bytes > 0)
      SHODH_CUDA_CHECK(cudaMemsetAsync(p, 0, size_t(bytes), stream()));
  }
  void gemm(bool ta, bool tb, int64_t m, int64_t n, int64_t k, float alpha,
            BatchedMat<const float> a, BatchedMat<const float> b, float beta,
            BatchedMat<float> c, int64_t batch) const {
    rowMajorGemm(dev, where, ta, tb, m, n, k, alpha, a, b, beta, c, batch);
  }
  void step(FnoStep s, const FnoStepArgs &args, int64_t n) const {
    launchExpertFnoStep(s, args, n, dev.stream());
  }
  void gelu(float *x, int64_t n) const {
    launchGelu(false, false, x, x, n, dev.stream());
  }
  void geluGrad(float *x, const float *dy, int64_t n) const {
    launchGeluGrad(false, false, x, dy, x, n, dev.stream());
  }
};

class ExpertFnoKernel : public CudaKernel {
public:
  ExpertFnoKernel(const KernelSignature &sig, bool grad)
      : CudaKernel(sig, grad ? makeExpertFnoGradKernel(sig)
                             : makeExpertFnoKernel(sig)),
        grad_(grad), modes_(intsAttr(sig, "modes")) {}

  void prepare(const std::vector<TensorRef> &in,
               const std::vector<TensorRef> &out, KernelContext &ctx) override;
  void run(const std::vector<TensorRef> &in, const std::vector<TensorRef> &out,
           KernelContext &ctx) override;

private:
  /// Uploads the gather map, the mode counts and (gradient) c_k / N.
  void uploadTables(const FnoTables &t, Device &dev);
  void makePlans(Device &dev);

  template <typename T> T *scratch(const DeviceBuffer &b) const {
    return reinterpret_cast<T *>(b.data());
  }

  bool grad_;
  std::vector<int64_t> modes_, grid_;
  FnoGeometry geom_;
  DeviceBuffer gather_, modeCounts_, gradScale_;
  DeviceBuffer halfX_, halfZ_, z_, partial_, c2rScratch_;
  std::unique_ptr<CufftPlan> r2cIn_, r2cOut_, c2rIn_, c2rOut_;
};

void ExpertFnoKernel::uploadTables(const FnoTables &t, Device &dev) {
  gather_ = DeviceBuffer(sizeof(int64_t) * t.gather.size(), dev);
  gather_.upload(t.gather.data(), gather_.size(), dev);
  modeCounts_ = DeviceBuffer(sizeof(int64_t) * modes_.size(), dev);
  modeCounts_.upload(modes_.data(), modeCounts_.size(), dev);
  if (!grad_)
    return;
  gradScale_ = DeviceBuffer(sizeof(float) * t.gradScale.size(), dev);
  gradScale_.upload(t.gradScale.data(), gradScale_.size(), dev);
}

void ExpertFnoKernel::makePlans(Device &dev) {
  const FnoGeometry &g = geom_;
  void *s = dev.stream();
  // Re-prepare (another shape) replaces the plans.
  r2cIn_ =
      std::make_unique<CufftPlan>(grid_, g.rows * g.in, false, true, s, where_);
  c2rOut_ = std::make_unique<CufftPlan>(grid_, g.rows * g.out, false, false, s,
                                        where_);
  r2cOut_.reset(), c2rIn_.reset();
  if (grad_) {
    r2cOut_ = std::make_unique<CufftPlan>(grid_, g.rows * g.out, false, true, s,
                                          where_);
    c2rIn_ = std::make_unique<CufftPlan>(grid_, g.rows * g.in, false, false, s,
                                         where_);
  }
}

void ExpertFnoKernel::prepare(const std::vector<TensorRef> &in,
                              const std::vector<TensorRef> &out,
                              KernelContext &ctx) {
  Device &dev = device(ctx);
  KernelContext host{nullptr, nullptr}; // see the file comment
  host.validateOnly = true;
  checks_->prepare(in, out, host); // the CPU's shape checks
  FnoTables tables =
      makeFnoTables(in[0].shape, in[grad_ ? 3 : 2].shape, modes_);
  geom_ = tables.g, grid_ = tables.grid;
  const FnoGeometry &g = geom_;
  checkBlasDims(where_, {g.rows, g.in, g.out, g.points});
  uploadTables(tables, dev);
  makePlans(dev);
  const uint64_t c8 = 8, f4 = 4; // bytes of a complex / a float
  ensureBytes(halfX_, c8 * uint64_t(g.rows * g.in * g.halfSize), dev);
  ensureBytes(halfZ_, c8 * uint64_t(g.rows * g.out * g.halfSize), dev);
  ensureBytes(c2rScratch_,
              c8 * uint64_t(g.rows * std::max(g.in, g.out) * g.halfSize), dev);
  if (grad_) {
    ensureBytes(z_, f4 * uint64_t(g.rows * g.out * g.points), dev);
    ensureBytes(partial_, f4 * uint64_t(g.rows * g.out * g.in), dev);
  }
}

void ExpertFnoKernel::run(const std::vector<TensorRef> &in,
                          const std::vector<TensorRef> &out,
                          KernelContext &ctx) {
  Device &dev = device(ctx);
  const FnoGeometry &g = geom_;
  std::vector<int64_t> hostOff(size_t(g.experts + 1));
  copyDeviceToHost(hostOff.data(), in[1].data, sizeof(int64_t) * hostOff.size(),
                   dev);
  TensorRef offRef{DType::I64, {g.experts + 1}, hostOff.data()};
  std::vector<int64_t> off = readOffsets(where_, offRef, g.experts, g.rows);
  FnoStepArgs base;
  base.g = g;
  base.off = in[1].as<int64_t>();
  base.modes = scratch<int64_t>(modeCounts_);
  base.gather = scratch<int64_t>(gather_);
  base.gradScale = scratch<float>(gradScale_);
  base.scale = 1.0f / float(g.points);
  const size_t p = grad_ ? 3 : 2; // first parameter
  FnoTensors t;
  t.x = in[0].as<float>();
  t.wspec = in[p].data;
  t.wskip = in[p + 1].as<float>(), t.bskip = in[p + 2].as<float>();
  t.halfX = halfX_.data(), t.halfZ = halfZ_.data();
  CudaFnoOps ops{dev,
                 where_,
                 r2cIn_.get(),
                 r2cOut_.get(),
                 c2rIn_.get(),
                 c2rOut_.get(),
                 c2rScratch_.data(),
                 halfLayoutOf(grid_.data(), int(grid_.size())),
                 g.rows * g.in,
                 g.rows * g.out};
  if (grad_) {
    t.dy = in[2].as<float>();
    t.z = scratch<float>(z_), t.partial = scratch<float>(partial_);
    t.dx = out[0].as<float>(), t.dwspec = out[1].data;
    t.dwskip = out[2].as<float>(), t.dbskip = out[3].as<float>();
    expertFnoBackward(base, off, t, ops);
  } else {
    t.z = out[0].as<float>();
    expertFnoForward(base, off, t, ops);
  }
  checkLaunch(ctx);
}

} // namespace

void registerCudaExpertFnoKernels(KernelRegistry &registry) {
  registry.add("expert_fno", Backend::Cuda, [](const KernelSignature &sig) {
    return std::unique_ptr<Kernel>(new ExpertFnoKernel(sig, false));
  });
  registry.add("expert_fno_grad", Backend::Cuda,
               [](const KernelSignature &sig) {
                 return std::unique_ptr<Kernel>(new ExpertFnoKernel(sig, true));
               });
}

} // namespace shodh::cuda
