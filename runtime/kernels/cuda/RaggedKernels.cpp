//===- RaggedKernels.cpp - dispatch, combine and their gradients (CUDA) ---===//
//
// Contracts and layout as on the CPU (cpu/moe/DispatchKernels.cpp,
// docs/experts.md § The ragged token layout), whose kernels validate the
// calls. dispatch is the CPU's stable counting sort done in parallel
// (DispatchDevice.h): offsets and source are identical, sorted rows are
// copies. combine, combine_grad and dispatch_grad first invert `source` on
// the device with the CPU's checks, then sum each token's slots in slot
// order (bitwise as the CPU). Value faults (expert ids, source, offsets)
// are raised after the launches with the CPU's messages (RoutingHost.h),
// which costs one small read-back, i.e. a stream synchronisation, per call.
//
//===----------------------------------------------------------------------===//
#include "runtime/kernels/cpu/SignatureChecks.h"
#include "runtime/kernels/cpu/moe/RoutingSupport.h"
#include "runtime/kernels/cpu/optim/FloatAttr.h"
#include "runtime/kernels/cuda/CudaKernel.h"
#include "runtime/kernels/cuda/CudaKernels.h"
#include "runtime/kernels/cuda/RoutingHost.h"

#include <cmath>

namespace shodh::cuda {

namespace {

/// dispatch.
class DispatchKernel : public CudaKernel {
public:
  explicit DispatchKernel(const KernelSignature &sig)
      : CudaKernel(sig, makeDispatchKernel(sig)),
        experts_(intAttr(sig, "num_experts")),
        capacity_(floatAttr(sig, "capacity_factor", 0.0)) {}

  void prepare(const std::vector<TensorRef> &in,
               const std::vector<TensorRef> &out, KernelContext &ctx) override {
    CudaKernel::prepare(in, out, ctx);
    fault_.allocate(device(ctx));
    ensureBytes(scratch_,
                sizeof(int64_t) *
                    uint64_t(dispatchScratch(in[1].numel(), experts_)),
                device(ctx));
  }

  void run(const std::vector<TensorRef> &in, const std::vector<TensorRef> &out,
           KernelContext &ctx) override {
    const int64_t k = in[1].shape[2], rows = in[1].numel();
    // The CPU's capacity, in the same double arithmetic.
    const int64_t cap =
        capacity_ > 0.0
            ? int64_t(std::ceil(double(rows) * capacity_ / double(experts_)))
            : rows;
    const int64_t *ids = in[1].as<int64_t>();
    fault_.reset(device(ctx));
    launchDispatch(ids, rows, experts_, cap, k, in[0].as<float>(),
                   rowSize(in[0].shape), out[0].as<float>(),
                   out[1].as<int64_t>(), out[2].as<int64_t>(),
                   reinterpret_cast<int64_t *>(scratch_.data()), fault_.data(),
                   stream(ctx));
    checkLaunch(ctx);
    fault_.raiseBadId(where_, ids, experts_, device(ctx));
  }

private:
  int64_t experts_;
  double capacity_;
  FaultRecord fault_;
  DeviceBuffer scratch_;
};

/// Kernels reading a dispatch's (source, offsets): the inverse first.
class RaggedReader : public CudaKernel {
protected:
  RaggedReader(const KernelSignature &sig, std::unique_ptr<Kernel> checks)
      : CudaKernel(sig, std::move(checks)) {}

  /// Allocates the inverse and its scratch for `rows` rows.
  void allocate(int64_t rows, KernelContext &ctx) {
    fault_.allocate(device(ctx));
    ensureBytes(first_, sizeof(uint64_t) * uint64_t(rows), device(ctx));
    ensureBytes(rowOf_, sizeof(int64_t) * uint64_t(rows), device(ctx));
  }

  /// Enqueues the inverse of source; returns rowOf (device).
  const int64_t *invert(const TensorRef &source, const TensorRef &offsets,
                        KernelContext &ctx) {
    fault_.reset(device(ctx));
    launchInvertSource(source.as<int64_t>(), offsets.as<int64_t>(),
                       source.numel(), offsets.shape[0] - 1,
                       reinterpret_cast<uint64_t *>(first_.data()), rowOf(),
                       fault_.data(), stream(ctx));
    return rowOf();
  }

  /// After the launches: throws the CPU's message on a bad source/offsets.
  void raise(const TensorRef &source, const TensorRef &offsets,
             KernelContext &ctx) {
    checkLaunch(ctx);
    fault_.raiseBadSource(where_, source.as<int64_t>(), offsets.as<int64_t>(),
                          source.numel(), offsets.shape[0] - 1, device(ctx));
  }

  int64_t *rowOf() const { return reinterpret_cast<int64_t *>(rowOf_.data()); }

private:
  FaultRecord fault_;
  DeviceBuffer first_, rowOf_;
};

/// dispatch_grad: combine's gather-sum with gates of 1.
class DispatchGradKernel : public RaggedReader {
public:
  explicit DispatchGradKernel(const KernelSignature &sig)
      : RaggedReader(sig, makeDispatchGradKernel(sig)), k_(intAttr(sig, "k")) {}

  void prepare(const std::vector<TensorRef> &in,
               const std::vector<TensorRef> &out, KernelContext &ctx) override {
    CudaKernel::prepare(in, out, ctx);
    allocate(in[1].numel(), ctx);
  }

  void run(const std::vector<TensorRef> &in, const std::vector<TensorRef> &out,
           KernelContext &ctx) override {
    const int64_t len = rowSize(in[0].shape),
                  tokens = out[0].numel() / std::max<int64_t>(len, 1);
    const int64_t *rows = invert(in[1], in[2], ctx);
    launchGatherSum(in[0].as<float>(), nullptr, rows, out[0].as<float>(),
                    tokens, k_, len, stream(ctx));
    raise(in[1], in[2], ctx);
  }

private:
  int64_t k_;
};

/// combine and combine_grad.
class CombineKernel : public RaggedReader {
public:
  CombineKernel(const KernelSignature &sig, bool grad)
      : RaggedReader(sig, grad ? makeCombineGradKernel(sig)
                               : makeCombineKernel(sig)),
        grad_(grad) {}

  void prepare(const std::vector<TensorRef> &in,
               const std::vector<TensorRef> &out, KernelContext &ctx) override {
    CudaKernel::prepare(in, out, ctx);
    allocate(in[grad_ ? 3 : 2].numel(), ctx);
  }

  void run(const std::vector<TensorRef> &in, const std::vector<TensorRef> &out,
           KernelContext &ctx) override {
    const size_t base = grad_ ? 1 : 0;
    const TensorRef &o = in[base], &g = in[base + 1], &source = in[base + 2],
                    &offsets = in[base + 3];
    const int64_t k = g.shape[2], tokens = g.shape[0] * g.shape[1];
    const int64_t len = rowSize(o.shape);
    const int64_t *rows = invert(source, offsets, ctx);
    if (!grad_)
      launchGatherSum(o.as<float>(), g.as<float>(), rows, out[0].as<float>(),
                      tokens, k, len, stream(ctx));
    else
      launchCombineGrad(
          in[0].as<float>(), o.as<float>(), g.as<float>(), source.as<int64_t>(),
          offsets.as<int64_t>(), offsets.shape[0] - 1, rows, out[0].as<float>(),
          out[1].as<float>(), source.numel(), k, len, stream(ctx));
    raise(source, offsets, ctx);
  }

private:
  bool grad_;
};

} // namespace

void registerCudaRaggedKernels(KernelRegistry &registry) {
  registry.add("dispatch", Backend::Cuda, [](const KernelSignature &sig) {
    return std::unique_ptr<Kernel>(new DispatchKernel(sig));
  });
  registry.add("dispatch_grad", Backend::Cuda, [](const KernelSignature &sig) {
    return std::unique_ptr<Kernel>(new DispatchGradKernel(sig));
  });
  registry.add("combine", Backend::Cuda, [](const KernelSignature &sig) {
    return std::unique_ptr<Kernel>(new CombineKernel(sig, false));
  });
  registry.add("combine_grad", Backend::Cuda, [](const KernelSignature &sig) {
    return std::unique_ptr<Kernel>(new CombineKernel(sig, true));
  });
}

} // namespace shodh::cuda
