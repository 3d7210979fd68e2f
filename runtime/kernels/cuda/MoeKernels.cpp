//===- MoeKernels.cpp - The fused moe kernel (CUDA) -----------------------===//
//
// Contract of cpu/moe/ExpertMoe.cpp, whose kernel validates the call:
// dispatch -> expert_<kind> -> combine. As on the CPU, the three
// sub-kernels are created in `prepare` from the registry, here the CUDA
// ones (RaggedKernels.cpp, ExpertMlpKernels.cpp, ExpertFnoKernels.cpp),
// with the concrete shapes of the intermediates, which live in device
// scratch; so the results, the checks and the value-fault messages
// (prefixed with this call's `where`) are those of the unfused CUDA
// kernels. Each call synchronises the stream three times (dispatch's and
// combine's fault records, the expert kernel's offsets).
//
//===----------------------------------------------------------------------===//
#include "runtime/kernels/cpu/SignatureChecks.h"
#include "runtime/kernels/cpu/moe/ExpertMoe.h"
#include "runtime/kernels/cpu/optim/FloatAttr.h"
#include "runtime/kernels/cuda/CudaKernel.h"
#include "runtime/kernels/cuda/CudaKernels.h"
#include "runtime/kernels/cuda/RoutingHost.h"
#include "runtime/support/Status.h"

#include <fmt/format.h>

namespace shodh::cuda {

namespace {

/// One sub-kernel: its call, operand descriptions and instance.
/// A kernel-owned device tensor.
struct DeviceScratch {
  DType dtype = DType::F32;
  std::vector<int64_t> shape;
  DeviceBuffer buffer;
  TensorRef ref() const { return TensorRef{dtype, shape, buffer.data()}; }
};

class MoeKernel : public CudaKernel {
public:
  explicit MoeKernel(const KernelSignature &sig)
      : CudaKernel(sig, makeMoeKernel(sig)),
        kind_(stringAttr(sig, "expert", "")),
        experts_(intAttr(sig, "num_experts")),
        capacity_(floatAttr(sig, "capacity_factor", 0.0)) {
    if (kind_ == "fno")
      modes_ = intsAttr(sig, "modes");
  }

  void prepare(const std::vector<TensorRef> &in,
               const std::vector<TensorRef> &out, KernelContext &ctx) override {
    CudaKernel::prepare(in, out, ctx); // the CPU's shape checks
    const std::vector<int64_t> &tok = in[0].shape, &ids = in[1].shape;
    const int64_t rows = tok[1] * ids[2];
    sorted_.dtype = DType::F32, sorted_.shape = tok, sorted_.shape[1] = rows;
    offsets_.dtype = DType::I64, offsets_.shape = {experts_ + 1};
    source_.dtype = DType::I64, source_.shape = {tok[0], rows};
    expertOut_.dtype = DType::F32, expertOut_.shape = out[0].shape;
    expertOut_.shape[1] = rows;
    for (DeviceScratch *s : {&sorted_, &offsets_, &source_, &expertOut_}) {
      int64_t n = 1;
      for (int64_t v : s->shape)
        n *= v;
      ensureBytes(s->buffer,
                  uint64_t(s->dtype == DType::I64 ? 8 : 4) *
                      uint64_t(std::max<int64_t>(n, 1)),
                  device(ctx));
    }
    setUp(dispatch_, "dispatch",
          {{"num_experts", experts_}, {"capacity_factor", capacity_}},
          {in[0], in[1]}, {sorted_.ref(), offsets_.ref(), source_.ref()}, ctx);
    std::vector<NamedAttr> attrs;
    if (kind_ == "fno")
      attrs.push_back({"modes", modes_});
    setUp(expert_, "expert_" + kind_, attrs, expertInputs(in),
          {expertOut_.ref()}, ctx);
    setUp(combine_, "combine", {},
          {expertOut_.ref(), in[2], source_.ref(), offsets_.ref()}, {out[0]},
          ctx);
  }

  void run(const std::vector<TensorRef> &in, const std::vector<TensorRef> &out,
           KernelContext &ctx) override {
    dispatch_.kernel->run({in[0], in[1]},
                          {sorted_.ref(), offsets_.ref(), source_.ref()}, ctx);
    expert_.kernel->run(expertInputs(in), {expertOut_.ref()}, ctx);
    combine_.kernel->run(
        {expertOut_.ref(), in[2], source_.ref(), offsets_.ref()}, {out[0]},
        ctx);
  }

private:
  /// (sorted, offsets, expert parameters...).
  std::vector<TensorRef> expertInputs(const std::vector<TensorRef> &in) const {
    std::vector<TensorRef> r = {sorted_.ref(), offsets_.ref()};
    r.insert(r.end(), in.begin() + 3, in.end());
    return r;
  }

  /// Creates and prepares CUDA sub-kernel `name` for the concrete operands.
  void setUp(SubKernel &sub, const std::string &name,
             std::vector<NamedAttr> attrs, const std::vector<TensorRef> &ins,
             const std::vector<TensorRef> &outs, KernelContext &ctx) {
    prepareSubKernel(sub, Backend::Cuda, where_, name, std::move(attrs), ins,
                     outs, ctx);
  }

  std::string kind_;
  int64_t experts_;
  double capacity_;
  std::vector<int64_t> modes_;
  DeviceScratch sorted_, offsets_, source_, expertOut_;
  SubKernel dispatch_, expert_, combine_;
};

} // namespace

void registerCudaMoeKernels(KernelRegistry &registry) {
  registry.add("moe", Backend::Cuda, [](const KernelSignature &sig) {
    return std::unique_ptr<Kernel>(new MoeKernel(sig));
  });
}

} // namespace shodh::cuda
