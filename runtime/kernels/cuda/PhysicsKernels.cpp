//===- PhysicsKernels.cpp - Physics kernels with cuFFT (CUDA) -------------===//
//
// div_free_project, divergence, divergence_grad and curl on the GPU, with
// the contracts of the CPU kernels (cpu/physics/PhysicsKernels.cpp): the
// factory builds the CPU kernel (same validation, same messages) and parses
// the same `PhysicsCall`. As on the CPU, the gradient of div_free_project
// is div_free_project (self-adjoint) and that of curl is curl; the compiler
// emits those calls, so these four names cover every physics gradient.
//
//   spectral: cuFFT r2c of the B*C_in grids -> per-mode map with the 1/N of
//             the inverse folded in (Physics.cu) -> cuFFT c2r of the B*C_out
//             spectra; the projection maps the input spectrum in place.
//   fd2:      one stencil launch, no FFT.
//
// `prepare` re-checks the concrete shapes with the CPU's
// `PhysicsCall::checkShapes` (not the CPU kernel's prepare, which would plan
// FFTW and allocate host spectra), then makes or reuses the per-shape state:
// the cuFFT plans on the session's stream, the spectra and the wavenumber
// table. States are cached per input shape (at most kCachedShapes, oldest
// dropped first), so a session alternating batch sizes plans once per size.
//
//===----------------------------------------------------------------------===//
#include "runtime/kernels/cuda/CudaKernel.h"
#include "runtime/kernels/cuda/CudaKernels.h"
#include "runtime/kernels/cuda/CufftPlan.h"
#include "runtime/kernels/cuda/PhysicsLayout.h"
#include "runtime/support/Status.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <memory>
#include <utility>

namespace shodh::cuda {

namespace {

/// Per-shape states a spectral physics kernel keeps.
constexpr size_t kCachedShapes = 4;

/// Common part: the parsed call and the concrete geometry.
class PhysicsCudaKernel : public CudaKernel {
public:
  PhysicsCudaKernel(const KernelSignature &sig, std::unique_ptr<Kernel> checks,
                    PhysicsCall call)
      : CudaKernel(sig, std::move(checks)), call_(std::move(call)) {}

protected:
  /// Checks the concrete shapes; returns the geometry of the call on them.
  PhysicsGeometry geometry(const std::vector<TensorRef> &in,
                           const std::vector<TensorRef> &out) const {
    std::vector<int64_t> grid = call_.checkShapes(in[0], out[0]);
    return physicsGeometry(call_, grid, in[0].shape[0]);
  }
  bool f64() const { return call_.dtype == DType::F64; }

  PhysicsCall call_;
};

/// Spectral derivatives and the Leray projection (cuFFT).
class SpectralPhysicsKernel : public PhysicsCudaKernel {
public:
  using PhysicsCudaKernel::PhysicsCudaKernel;

  void prepare(const std::vector<TensorRef> &in,
               const std::vector<TensorRef> &out, KernelContext &ctx) override;
  void run(const std::vector<TensorRef> &in, const std::vector<TensorRef> &out,
           KernelContext &ctx) override;

private:
  /// Plans, spectra and wavenumbers for one input shape.
  struct ShapeState {
    std::vector<int64_t> shape;
    PhysicsGeometry geom;
    std::unique_ptr<CufftPlan> forward, inverse;
    DeviceBuffer k, inSpec, outSpec;
  };
  bool project() const { return call_.kind == PhysicsKind::Project; }
  /// The state prepared for `shape`, or null.
  ShapeState *find(const std::vector<int64_t> &shape) const;
  std::unique_ptr<ShapeState> makeState(const std::vector<int64_t> &shape,
                                        const PhysicsGeometry &g, Device &dev);

  std::vector<std::unique_ptr<ShapeState>> states_; ///< oldest first
};

SpectralPhysicsKernel::ShapeState *
SpectralPhysicsKernel::find(const std::vector<int64_t> &shape) const {
  for (const std::unique_ptr<ShapeState> &s : states_)
    if (s->shape == shape)
      return s.get();
  return nullptr;
}

std::unique_ptr<SpectralPhysicsKernel::ShapeState>
SpectralPhysicsKernel::makeState(const std::vector<int64_t> &shape,
                                 const PhysicsGeometry &g, Device &dev) {
  auto s = std::make_unique<ShapeState>();
  s->shape = shape, s->geom = g;
  std::vector<double> k = wavenumberTable(call_, g);
  if (f64()) {
    s->k = DeviceBuffer(sizeof(double) * k.size(), dev);
    s->k.upload(k.data(), s->k.size(), dev);
  } else {
    std::vector<float> kf(k.begin(), k.end());
    s->k = DeviceBuffer(sizeof(float) * kf.size(), dev);
    s->k.upload(kf.data(), s->k.size(), dev);
  }
  const uint64_t complexBytes = f64() ? 16 : 8;
  s->inSpec = DeviceBuffer(
      complexBytes * uint64_t(spectrumElements(g, g.inChannels)), dev);
  if (!project())
    s->outSpec = DeviceBuffer(
        complexBytes * uint64_t(spectrumElements(g, g.outChannels)), dev);
  // Leading axes of extent 1 are left out of the plans (a 1-point DFT is
  // the identity and the spectrum layout is unchanged), so cuFFT never sees
  // a 1-point dimension; the last axis always stays (it is the halved one).
  std::vector<int64_t> grid;
  for (int a = 0; a < g.spatial; ++a)
    if (g.n[a] > 1 || a == g.spatial - 1)
      grid.push_back(g.n[a]);
  s->forward = std::make_unique<CufftPlan>(grid, g.batch * g.inChannels, f64(),
                                           true, dev.stream(), where_);
  s->inverse = std::make_unique<CufftPlan>(grid, g.batch * g.outChannels, f64(),
                                           false, dev.stream(), where_);
  return s;
}

void SpectralPhysicsKernel::prepare(const std::vector<TensorRef> &in,
                                    const std::vector<TensorRef> &out,
                                    KernelContext &ctx) {
  Device &dev = device(ctx);
  PhysicsGeometry g = geometry(in, out);
  if (find(in[0].shape))
    return;
  if (states_.size() == kCachedShapes)
    states_.erase(states_.begin());
  states_.push_back(makeState(in[0].shape, g, dev));
}

void SpectralPhysicsKernel::run(const std::vector<TensorRef> &in,
                                const std::vector<TensorRef> &out,
                                KernelContext &ctx) {
  ShapeState *s = find(in[0].shape);
  if (!s)
    throw Error(fmt::format("{}: run on shape [{}] without a prepare for it",
                            where_, fmt::join(in[0].shape, ", ")));
  void *st = stream(ctx);
  s->forward->execute(in[0].data, s->inSpec.data());
  void *spec = s->inSpec.data();
  if (project()) {
    launchLerayProject(s->geom, f64(), s->k.data(), spec, st);
  } else {
    launchSpectralDerivative(s->geom, f64(), s->k.data(), spec,
                             s->outSpec.data(), st);
    spec = s->outSpec.data();
  }
  checkLaunch(ctx);
  // c2r overwrites its input: the spectra are scratch rebuilt every run.
  s->inverse->execute(out[0].data, spec);
}

/// Second-order central differences: one stencil launch.
class Fd2PhysicsKernel : public PhysicsCudaKernel {
public:
  using PhysicsCudaKernel::PhysicsCudaKernel;

  void prepare(const std::vector<TensorRef> &in,
               const std::vector<TensorRef> &out, KernelContext &ctx) override {
    device(ctx);
    geom_ = geometry(in, out);
  }
  void run(const std::vector<TensorRef> &in, const std::vector<TensorRef> &out,
           KernelContext &ctx) override {
    launchFd2Derivative(geom_, f64(), in[0].data, out[0].data, stream(ctx));
    checkLaunch(ctx);
  }

private:
  PhysicsGeometry geom_;
};

/// The CUDA kernel for a call of physics kernel `name`.
std::unique_ptr<Kernel> makePhysicsKernel(const KernelSignature &sig,
                                          const char *name, PhysicsKind kind) {
  std::unique_ptr<Kernel> checks = cpuKernelFor(sig, name);
  PhysicsCall call = PhysicsCall::parse(sig, kind);
  if (call.spectral)
    return std::make_unique<SpectralPhysicsKernel>(sig, std::move(checks),
                                                   std::move(call));
  return std::make_unique<Fd2PhysicsKernel>(sig, std::move(checks),
                                            std::move(call));
}

} // namespace

void registerCudaPhysicsKernels(KernelRegistry &registry) {
  auto add = [&](const char *name, PhysicsKind kind) {
    registry.add(name, Backend::Cuda, [name, kind](const KernelSignature &s) {
      return makePhysicsKernel(s, name, kind);
    });
  };
  add("curl", PhysicsKind::Curl);
  add("div_free_project", PhysicsKind::Project);
  add("divergence", PhysicsKind::Divergence);
  add("divergence_grad", PhysicsKind::DivergenceGrad);
}

} // namespace shodh::cuda
