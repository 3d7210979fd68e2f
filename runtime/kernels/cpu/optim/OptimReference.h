//===- OptimReference.h - Naive references of the optimizer kernels -------===//
//
// Used by the tests, never by the runtime:
//  - `adamTorchSteps` transcribes torch.optim's `_single_tensor_adam(w)` one
//    tensor operation at a time (each a full pass over the array, as PyTorch
//    runs them), in f32 with PyTorch's scalar rounding, so the kernel must
//    match it bit for bit;
//  - `adamTextbook` is the algorithm box of the PyTorch docs in double
//    (m_hat = m / (1 - beta1^t), theta -= lr m_hat / (sqrt(v_hat) + eps)),
//    which the f32 versions must match to rounding;
//  - `globalNorm` is sqrt of the sum of squares in double.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cmath>
#include <cstdint>
#include <vector>

namespace shodh::reference {

/// Adam / AdamW hyperparameters.
struct AdamConfig {
  double beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weightDecay = 0.0;
  bool decoupled = false;
};

/// One step t of torch's single-tensor Adam(W) on f32 arrays, op by op.
inline void adamTorchStep(std::vector<float> &param, std::vector<float> grad,
                          std::vector<float> &m, std::vector<float> &v,
                          const AdamConfig &c, int64_t t, float lr) {
  const size_t n = param.size();
  const double rate = lr;
  if (c.weightDecay != 0.0) {
    if (c.decoupled) // param.mul_(1 - lr * weight_decay)
      for (size_t i = 0; i < n; ++i)
        param[i] *= float(1.0 - rate * c.weightDecay);
    else // grad = grad.add(param, alpha=weight_decay)
      for (size_t i = 0; i < n; ++i)
        grad[i] = grad[i] + float(c.weightDecay) * param[i];
  }
  const float w = float(1.0 - c.beta1); // exp_avg.lerp_(grad, 1 - beta1)
  for (size_t i = 0; i < n; ++i)
    m[i] = std::fabs(w) < 0.5f ? m[i] + w * (grad[i] - m[i])
                               : grad[i] - (grad[i] - m[i]) * (1.0f - w);
  for (size_t i = 0; i < n; ++i) // exp_avg_sq.mul_(beta2)
    v[i] *= float(c.beta2);
  for (size_t i = 0; i < n; ++i) // .addcmul_(grad, grad, value=1 - beta2)
    v[i] = v[i] + float(1.0 - c.beta2) * grad[i] * grad[i];
  double bc1 = 1.0 - std::pow(c.beta1, double(t));
  double bc2 = 1.0 - std::pow(c.beta2, double(t));
  double stepSize = rate / bc1, bc2Sqrt = std::sqrt(bc2);
  std::vector<float> denom(n);
  for (size_t i = 0; i < n; ++i) // (exp_avg_sq.sqrt() / bc2_sqrt).add_(eps)
    denom[i] = std::sqrt(v[i]) / float(bc2Sqrt) + float(c.eps);
  for (size_t i = 0; i < n; ++i) // param.addcdiv_(exp_avg, denom, -step_size)
    param[i] = param[i] + float(-stepSize) * m[i] / denom[i];
}

/// One step t of Adam(W) in double, as in the PyTorch docs' algorithm.
inline void adamTextbook(std::vector<double> &theta,
                         const std::vector<double> &grad,
                         std::vector<double> &m, std::vector<double> &v,
                         const AdamConfig &c, int64_t t, double lr) {
  for (size_t i = 0; i < theta.size(); ++i) {
    double g = grad[i];
    if (c.decoupled)
      theta[i] -= lr * c.weightDecay * theta[i];
    else
      g += c.weightDecay * theta[i];
    m[i] = c.beta1 * m[i] + (1 - c.beta1) * g;
    v[i] = c.beta2 * v[i] + (1 - c.beta2) * g * g;
    double mHat = m[i] / (1 - std::pow(c.beta1, double(t)));
    double vHat = v[i] / (1 - std::pow(c.beta2, double(t)));
    theta[i] -= lr * mHat / (std::sqrt(vHat) + c.eps);
  }
}

/// sqrt(sum of squares) of several arrays of reals, in double.
inline double globalNorm(const std::vector<std::vector<float>> &arrays) {
  double sum = 0.0;
  for (const std::vector<float> &a : arrays)
    for (float x : a)
      sum += double(x) * x;
  return std::sqrt(sum);
}

} // namespace shodh::reference
