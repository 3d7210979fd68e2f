//===- LossKernels.cpp - mse/rel_l2/mean_square and gradients (CUDA) ------===//
//
// Contracts as on the CPU (grad/Losses.h). The sums are the deterministic
// two-pass reductions of Reduce.cu; their scratch is allocated in `prepare`.
// The optional upstream gradient dloss is read on the device.
//
//===----------------------------------------------------------------------===//
#include "runtime/kernels/cpu/grad/Losses.h"
#include "runtime/kernels/cuda/CudaKernel.h"
#include "runtime/kernels/cuda/CudaKernels.h"
#include "runtime/kernels/cuda/Launch.h"

namespace shodh::cuda {

namespace {

enum class Loss { Mse, RelL2, MeanSquare };

class LossKernel : public CudaKernel {
public:
  LossKernel(const KernelSignature &sig, Loss loss, bool grad)
      : CudaKernel(sig), loss_(loss),
        grad_(grad) {}

  void prepare(const std::vector<TensorRef> &in,
               const std::vector<TensorRef> &out, KernelContext &ctx) override {
    CudaKernel::prepare(in, out, ctx);
    if (loss_ != Loss::RelL2) {
      rows_ = 1, len_ = in[0].numel();
    } else {
      rows_ = in[0].shape[0];
      len_ = rows_ ? in[0].numel() / rows_ : 0;
    }
    if (loss_ != Loss::RelL2 && grad_)
      return; // elementwise: no scratch
    // [pass-1 partials][sums of (p - t)^2][sums of t^2][coefficients]
    partials_ = rowSumScratch(rows_, len_);
    scratch_ = DeviceBuffer(
        sizeof(double) * uint64_t(partials_ + 3 * std::max<int64_t>(rows_, 1)),
        device(ctx));
  }

  void run(const std::vector<TensorRef> &in, const std::vector<TensorRef> &out,
           KernelContext &ctx) override {
    // mean_square: the mse of x against an implied zero target.
    const bool target = loss_ != Loss::MeanSquare;
    const float *p = in[0].as<float>(),
                *t = target ? in[1].as<float>() : nullptr;
    const size_t dlossAt = target ? 2 : 1;
    const float *dloss =
        in.size() > dlossAt ? in[dlossAt].as<float>() : nullptr;
    float *y = out[0].as<float>();
    void *s = stream(ctx);
    if (loss_ != Loss::RelL2 && grad_) {
      launchMseGrad(p, t, dloss, y, len_, s);
      return checkLaunch(ctx);
    }
    auto *scratch = reinterpret_cast<double *>(scratch_.data());
    double *diff = scratch + partials_, *norm = diff + std::max<int64_t>(rows_, 1),
           *coef = norm + std::max<int64_t>(rows_, 1);
    launchRowSums(p, t, rows_, len_, scratch, diff, s);
    if (loss_ != Loss::RelL2) {
      launchMseFinish(diff, len_, y, s);
      return checkLaunch(ctx);
    }
    launchRowSums(t, nullptr, rows_, len_, scratch, norm, s);
    if (grad_)
      launchRelL2Grad(p, t, dloss, diff, norm, coef, rows_, len_, y, s);
    else
      launchRelL2Finish(diff, norm, rows_, y, s);
    checkLaunch(ctx);
  }

private:
  Loss loss_;
  bool grad_;
  int64_t rows_ = 0, len_ = 0, partials_ = 0;
  DeviceBuffer scratch_;
};

} // namespace

void registerCudaLossKernels(KernelRegistry &registry) {
  auto add = [&](const char *name, Loss loss, bool grad) {
    registry.add(name, Backend::Cuda, [loss, grad](const KernelSignature &s) {
      return std::unique_ptr<Kernel>(new LossKernel(s, loss, grad));
    });
  };
  add("mean_square", Loss::MeanSquare, false);
  add("mean_square_grad", Loss::MeanSquare, true);
  add("mse_loss", Loss::Mse, false);
  add("mse_loss_grad", Loss::Mse, true);
  add("rel_l2_loss", Loss::RelL2, false);
  add("rel_l2_loss_grad", Loss::RelL2, true);
}

} // namespace shodh::cuda
