//===- Optim.cu - adam, clip_by_norm and step_increment on the device -----===//
//
// Elementwise in f32 with the CPU kernels' operation order (cpu/optim/
// Adam.h, GradNorm.h); the build disables FMA contraction (--fmad=false) so
// each operation rounds as on the CPU. The Adam scalars are computed per
// thread from the step and learning rate in device memory, in double as
// adamScalars does, so nothing waits for the host.
//
//===----------------------------------------------------------------------===//
#include "runtime/kernels/cuda/Common.cuh"
#include "runtime/kernels/cuda/Launch.h"

namespace shodh::cuda {

namespace {

__global__ void adamKernel(AdamParams h, const int64_t *step, const float *lr,
                           float *p, const float *g, float *m, float *v,
                           int64_t n) {
  const double rate = *lr, t = double(*step);
  const float weightDecay = float(h.weightDecay);
  const float decay = float(1.0 - rate * h.weightDecay);
  const bool hasWeightDecay = h.weightDecay != 0.0;
  const float w = float(1.0 - h.beta1), oneMinusW = 1.0f - w;
  const float beta2 = float(h.beta2), oneMinusBeta2 = float(1.0 - h.beta2);
  const float bc2 = float(sqrt(1.0 - pow(h.beta2, t)));
  const float negStep = float(-(rate / (1.0 - pow(h.beta1, t))));
  const float eps = float(h.eps);
  const bool small = fabsf(w) < 0.5f;
  for (int64_t i = gridStart(); i < n; i += gridStride()) {
    float param = p[i], grad = g[i];
    if (hasWeightDecay) {
      if (h.decoupled)
        param = param * decay;
      else
        grad = grad + weightDecay * param;
    }
    float mm = m[i];
    mm = small ? mm + w * (grad - mm) : grad - (grad - mm) * oneMinusW;
    float vv = v[i] * beta2;
    vv = vv + oneMinusBeta2 * grad * grad;
    float denom = sqrtf(vv) / bc2 + eps;
    p[i] = param + negStep * mm / denom;
    m[i] = mm;
    v[i] = vv;
  }
}

__global__ void clipKernel(const float *g, const float *norm, float maxNorm,
                           float *y, int64_t n) {
  float c = (1.0f / (*norm + 1e-6f)) * maxNorm;
  c = c > 1.0f ? 1.0f : c; // NaN stays NaN
  for (int64_t i = gridStart(); i < n; i += gridStride())
    y[i] = g[i] * c;
}

__global__ void stepKernel(const int64_t *x, int64_t *y) { *y = *x + 1; }

} // namespace

void launchAdam(const AdamParams &h, const int64_t *step, const float *lr,
                float *p, const float *g, float *m, float *v, int64_t n,
                Stream s) {
  if (n == 0)
    return;
  SHODH_LAUNCH(adamKernel, blocksFor(n), kThreads, static_cast<cudaStream_t>(s),
               h, step, lr, p, g, m, v, n);
}

void launchClipByNorm(const float *g, const float *norm, double maxNorm,
                      float *y, int64_t n, Stream s) {
  if (n == 0)
    return;
  SHODH_LAUNCH(clipKernel, blocksFor(n), kThreads, static_cast<cudaStream_t>(s),
               g, norm, static_cast<float>(maxNorm), y, n);
}

void launchStepIncrement(const int64_t *x, int64_t *y, Stream s) {
  SHODH_LAUNCH(stepKernel, 1, 1, static_cast<cudaStream_t>(s), x, y);
}

} // namespace shodh::cuda
