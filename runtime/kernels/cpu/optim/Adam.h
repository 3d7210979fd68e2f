//===- Adam.h - The CPU "adam" kernel (Adam and AdamW updates) ------------===//
//
// Contract: inputs (param, grad, m, v, step, lr), outputs (param, m, v).
// param, grad, m, v (and the outputs) have one shape and dtype, f32 or
// complex<f32>; a complex tensor is updated as 2 numel independent reals
// (real and imaginary parts, as PyTorch's view_as_real). step is an i64
// tensor of shape [1] (or []) holding t, the 1-based number of the step being
// taken (step_increment advances it before the updates); lr is an f32 tensor
// of shape [1] (or []). Attributes: beta1, beta2 (Float, in [0, 1)), eps
// (Float, >= 0), weight_decay (Float >= 0, default 0), decoupled (Int, 0
// default: Adam with L2 like torch.optim.Adam(weight_decay); 1: AdamW like
// torch.optim.AdamW).
//
// The outputs are normally the same tensors as param, m and v (in-place
// update of persistent state); distinct buffers work too. Each element is
// updated from its own values only, in PyTorch's `_single_tensor_adam(w)`
// order, in f32 with scalars computed in double and rounded to f32:
//   Adam:   g = g + f(wd) * p                          (grad.add(param,
//   alpha=wd)) AdamW:  p = p * f(1 - lr wd) (param.mul_(1 - lr*wd)) m = lerp(m,
//   g, w), w = f(1 - beta1):                (exp_avg.lerp_(grad, 1-beta1))
//       m + w (g - m) if |w| < 0.5, else g - (g - m)(1 - w)
//   v = v * f(beta2);  v = v + f(1 - beta2) * g * g     (mul_, addcmul_)
//   denom = sqrt(v) / f(sqrt(1 - beta2^t)) + f(eps)     (sqrt, div, add_)
//   p = p + f(-(lr / (1 - beta1^t))) * m / denom        (addcdiv_)
// where f() rounds a double to f32 and beta^t is pow in double. PyTorch's
// vectorised CPU path may fuse multiply-adds (lerp, add with alpha), so
// agreement with PyTorch is to within an ulp or so per step; PyTorch <= 1.13
// computed m = m * beta1 + (1 - beta1) g instead of lerp. amsgrad and
// maximize are not supported. Elementwise, hence thread-count independent.
// A step t < 1 is an error at run time.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/core/Kernel.h"

#include <cstdint>
#include <memory>

namespace shodh {

/// The f32 scalars of one Adam step (see the file comment).
struct AdamScalars {
  float weightDecay = 0;  ///< f(wd), added to the gradient (Adam)
  float decay = 1;        ///< f(1 - lr wd), multiplies the parameter (AdamW)
  bool decoupled = false; ///< AdamW
  bool hasWeightDecay = false;
  float lerpWeight = 0;          ///< f(1 - beta1)
  float beta2 = 0;               ///< f(beta2)
  float oneMinusBeta2 = 0;       ///< f(1 - beta2)
  float biasCorrection2Sqrt = 1; ///< f(sqrt(1 - beta2^t))
  float negStepSize = 0;         ///< f(-(lr / (1 - beta1^t)))
  float eps = 0;                 ///< f(eps)
};

/// Hyperparameters of the adam kernel (its attributes).
struct AdamHyper {
  double beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weightDecay = 0;
  bool decoupled = false;
};

/// The scalars of step `t` with learning rate `lr`.
AdamScalars adamScalars(const AdamHyper &h, int64_t t, float lr);

/// Updates `n` reals in place: p, m, v from g (see the file comment).
void adamUpdate(const AdamScalars &s, float *p, const float *g, float *m,
                float *v, int64_t n);

/// Creates an adam kernel; throws `Error` naming the call if it is invalid.
std::unique_ptr<Kernel> makeAdamKernel(const KernelSignature &sig);

} // namespace shodh
