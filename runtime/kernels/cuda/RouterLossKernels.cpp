//===- RouterLossKernels.cpp - The router losses and gradients (CUDA) -----===//
//
// load_balance_loss, router_z_loss, router_kl_loss and their `_grad`s with
// the contracts of cpu/moe/RouterLosses.cpp, whose kernels validate the
// calls (including `prior`, `entropy_weight` and `entropy_over`). Device code:
// RouterLoss.cu; the per-row statistics (column means, logsumexps, expert
// counts) live in device scratch sized in `prepare`, the prior is uploaded
// once. An expert id outside [0, E) (load_balance_*) is raised after the
// launch with the CPU's message.
//
//===----------------------------------------------------------------------===//
#include "runtime/kernels/cpu/moe/RoutingSupport.h"
#include "runtime/kernels/cpu/SignatureChecks.h"
#include "runtime/kernels/cpu/optim/FloatAttr.h"
#include "runtime/kernels/cuda/CudaKernel.h"
#include "runtime/kernels/cuda/CudaKernels.h"
#include "runtime/kernels/cuda/RoutingHost.h"

#include <variant>

namespace shodh::cuda {

namespace {

enum class LossKind { LoadBalance, Z, Kl };

/// The `prior` attribute (validated by the CPU kernel), or empty.
std::vector<double> priorOf(const KernelSignature &sig) {
  const AttrValue *v = sig.call->attr("prior");
  if (!v || !std::holds_alternative<std::vector<double>>(*v))
    return {};
  return std::get<std::vector<double>>(*v);
}

class RouterLossKernel : public CudaKernel {
public:
  RouterLossKernel(const KernelSignature &sig, LossKind kind, bool grad)
      : CudaKernel(sig), kind_(kind), grad_(grad),
        prior_(kind == LossKind::Kl ? priorOf(sig) : std::vector<double>{}),
        beta_(kind == LossKind::Kl ? floatAttr(sig, "entropy_weight", 0.0)
                                   : 0.0),
        perSample_(kind == LossKind::Kl &&
                   stringAttr(sig, "entropy_over", "tokens") == "samples") {}

  void prepare(const std::vector<TensorRef> &in,
               const std::vector<TensorRef> &out, KernelContext &ctx) override {
    CudaKernel::prepare(in, out, ctx);
    Device &dev = device(ctx);
    const int64_t e = in[0].shape[2], n = in[0].shape[0] * in[0].shape[1];
    // Doubles: column means (E) [+ the samples' means (n / T · E)] or
    // logsumexps (n); i64 counts (E).
    const int64_t t = in[0].shape[1], samples = t ? n / t : 0;
    const int64_t doubles =
        kind_ == LossKind::Z ? n : e + (perSample_ ? samples * e : 0);
    ensureBytes(stats_, 8 * uint64_t(std::max<int64_t>(doubles, 1)), dev);
    if (kind_ == LossKind::LoadBalance) {
      ensureBytes(counts_, 8 * uint64_t(std::max<int64_t>(e, 1)), dev);
      fault_.allocate(dev);
    }
    if (!prior_.empty() && priorDev_.empty()) {
      priorDev_ = DeviceBuffer(8 * prior_.size(), dev);
      priorDev_.upload(prior_.data(), 8 * prior_.size(), dev);
    }
  }

  void run(const std::vector<TensorRef> &in, const std::vector<TensorRef> &out,
           KernelContext &ctx) override {
    const float *x = in[0].as<float>();
    const int64_t e = in[0].shape[2], n = in[0].shape[0] * in[0].shape[1];
    const size_t base = kind_ == LossKind::LoadBalance ? 2 : 1;
    const float *dloss = in.size() > base ? in[base].as<float>() : nullptr;
    float *y = out[0].as<float>();
    double *stats = reinterpret_cast<double *>(stats_.data());
    void *s = stream(ctx);
    if (kind_ == LossKind::Z) {
      launchRowLse(x, n, e, stats, s);
      launchZLoss(grad_, dloss, x, stats, n, e, y, s);
      return checkLaunch(ctx);
    }
    if (kind_ == LossKind::Kl || !grad_)
      launchColumnMeans(x, n, e, stats, s);
    if (kind_ == LossKind::Kl) {
      const int64_t t = in[0].shape[1];
      double *sampleMeans = perSample_ ? stats + e : nullptr;
      if (sampleMeans)
        launchSampleMeans(x, t, n, e, sampleMeans, s);
      launchKlLoss(grad_, dloss, x, stats,
                   prior_.empty()
                       ? nullptr
                       : reinterpret_cast<double *>(priorDev_.data()),
                   beta_, n, e, sampleMeans, t, y, s);
      return checkLaunch(ctx);
    }
    const int64_t *ids = in[1].as<int64_t>();
    int64_t *counts = reinterpret_cast<int64_t *>(counts_.data());
    fault_.reset(device(ctx));
    launchExpertCounts(ids, in[1].numel(), e, counts, fault_.data(), s);
    launchLoadBalance(grad_, dloss, counts, in[1].numel(), stats, n, e, y, s);
    checkLaunch(ctx);
    fault_.raiseBadId(where_, ids, e, device(ctx));
  }

private:
  LossKind kind_;
  bool grad_;
  std::vector<double> prior_;
  double beta_;
  bool perSample_;
  DeviceBuffer stats_, counts_, priorDev_;
  FaultRecord fault_;
};

} // namespace

void registerCudaRouterLossKernels(KernelRegistry &registry) {
  auto add = [&](const char *name, LossKind kind, bool grad) {
    registry.add(name, Backend::Cuda, [kind, grad](const KernelSignature &sig) {
      return std::unique_ptr<Kernel>(new RouterLossKernel(sig, kind, grad));
    });
  };
  add("load_balance_loss", LossKind::LoadBalance, false);
  add("load_balance_loss_grad", LossKind::LoadBalance, true);
  add("router_z_loss", LossKind::Z, false);
  add("router_z_loss_grad", LossKind::Z, true);
  add("router_kl_loss", LossKind::Kl, false);
  add("router_kl_loss_grad", LossKind::Kl, true);
}

} // namespace shodh::cuda
