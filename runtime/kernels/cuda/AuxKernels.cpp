//===- AuxKernels.cpp - aux_loss_grad and allocation_kl (CUDA) ------------===//
//
// Contracts of cpu/control/AuxLossGrad.cpp and cpu/moe/RouterLosses.cpp,
// whose kernels validate the calls. aux_loss_grad writes coefficient ·
// weight (one thread, double, rounded once: bitwise). allocation_kl counts
// the expert ids exactly (integer histogram, RouterLoss.cu), then one
// thread sums the KL terms in expert order in double (AttentionDevice.h);
// an id outside [0, E) is raised after the launch with the CPU's message.
//
//===----------------------------------------------------------------------===//
#include "runtime/kernels/cpu/SignatureChecks.h"
#include "runtime/kernels/cpu/control/AuxLossGrad.h"
#include "runtime/kernels/cpu/moe/RoutingSupport.h"
#include "runtime/kernels/cpu/optim/FloatAttr.h"
#include "runtime/kernels/cuda/AttentionLaunch.h"
#include "runtime/kernels/cuda/CudaKernel.h"
#include "runtime/kernels/cuda/CudaKernels.h"
#include "runtime/kernels/cuda/RoutingHost.h"

#include <variant>

namespace shodh::cuda {

namespace {

class AuxLossGradKernel : public CudaKernel {
public:
  explicit AuxLossGradKernel(const KernelSignature &sig)
      : CudaKernel(sig, makeAuxLossGradKernel(sig)),
        coefficient_(floatAttr(sig, "coefficient")) {}

  void run(const std::vector<TensorRef> &in, const std::vector<TensorRef> &out,
           KernelContext &ctx) override {
    launchAuxLossGrad(coefficient_, in.empty() ? nullptr : in[0].as<float>(),
                      out[0].as<float>(), stream(ctx));
    checkLaunch(ctx);
  }

private:
  double coefficient_;
};

class AllocationKlKernel : public CudaKernel {
public:
  explicit AllocationKlKernel(const KernelSignature &sig)
      : CudaKernel(sig, makeAllocationKlKernel(sig)),
        experts_(intAttr(sig, "num_experts")) {
    const AttrValue *v = sig.call->attr("prior");
    if (v && std::holds_alternative<std::vector<double>>(*v))
      prior_ = std::get<std::vector<double>>(*v);
  }

  void prepare(const std::vector<TensorRef> &in,
               const std::vector<TensorRef> &out, KernelContext &ctx) override {
    CudaKernel::prepare(in, out, ctx);
    Device &dev = device(ctx);
    ensureBytes(counts_, sizeof(int64_t) * uint64_t(experts_), dev);
    fault_.allocate(dev);
    if (!prior_.empty() && priorDev_.empty()) {
      priorDev_ = DeviceBuffer(sizeof(double) * prior_.size(), dev);
      priorDev_.upload(prior_.data(), sizeof(double) * prior_.size(), dev);
    }
  }

  void run(const std::vector<TensorRef> &in, const std::vector<TensorRef> &out,
           KernelContext &ctx) override {
    const int64_t *ids = in[0].as<int64_t>();
    int64_t *counts = reinterpret_cast<int64_t *>(counts_.data());
    fault_.reset(device(ctx));
    launchExpertCounts(ids, in[0].numel(), experts_, counts, fault_.data(),
                       stream(ctx));
    launchAllocationKl(counts, in[0].numel(),
                       prior_.empty()
                           ? nullptr
                           : reinterpret_cast<const double *>(priorDev_.data()),
                       experts_, out[0].as<float>(), stream(ctx));
    checkLaunch(ctx);
    fault_.raiseBadId(where_, ids, experts_, device(ctx));
  }

private:
  int64_t experts_;
  std::vector<double> prior_;
  DeviceBuffer counts_, priorDev_;
  FaultRecord fault_;
};

} // namespace

void registerCudaAuxKernels(KernelRegistry &registry) {
  registry.add("aux_loss_grad", Backend::Cuda, [](const KernelSignature &sig) {
    return std::unique_ptr<Kernel>(new AuxLossGradKernel(sig));
  });
  registry.add("allocation_kl", Backend::Cuda, [](const KernelSignature &sig) {
    return std::unique_ptr<Kernel>(new AllocationKlKernel(sig));
  });
}

} // namespace shodh::cuda
