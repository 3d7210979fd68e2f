//===- Launch.h - Host entry points of the CUDA device code ---------------===//
//
// Every .cu file of the backend exposes plain launchers: raw device
// pointers, element counts and the stream (a `cudaStream_t` as void *).
// They enqueue and return; callers check the launch (CudaKernel::checkLaunch).
// Keeping the Kernel classes in host C++ keeps nvcc's share of the build
// small. `f64` selects double over float where both are supported.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>

namespace shodh::cuda {

using Stream = void *;

// ---- Elementwise.cu --------------------------------------------------------
/// y = a + b (add) or a * b (!add), n elements.
void launchBinary(bool add, bool f64, const void *a, const void *b, void *y,
                  int64_t n, Stream s);
/// y = GELU(x), exact (erf) or tanh-approximated.
void launchGelu(bool tanh, bool f64, const void *x, void *y, int64_t n,
                Stream s);
/// dx = dy * GELU'(x); with dy null, dx = GELU'(x) (as dy = 1).
void launchGeluGrad(bool tanh, bool f64, const void *x, const void *dy,
                    void *dx, int64_t n, Stream s);

// ---- Linear.cu ---------------------------------------------------------------
/// y[n, o, s] = (r ? r[n, o, s] : 0) + (b ? b[o] : 0) for the GEMM to
/// accumulate on; y may be r.
void launchLinearPrefill(const float *r, const float *b, float *y,
                         int64_t outer, int64_t channels, int64_t inner,
                         Stream s);
/// db[o] = sum over (n, s) of dy[n, o, s], one block per o, accumulated in
/// double in a fixed order, then rounded to f32.
void launchLinearGradBias(const float *dy, float *db, int64_t outer,
                          int64_t channels, int64_t inner, Stream s);

// ---- Reduce.cu ---------------------------------------------------------------
/// Doubles of scratch `launchRowSums` needs for `rows` rows of `len`.
int64_t rowSumScratch(int64_t rows, int64_t len);
/// sums[r] = sum_j f(a[r len + j], b[r len + j]) in double, f = (a - b)^2, or
/// a^2 when b is null. Two passes over fixed chunks with fixed-order tree
/// reductions: the result depends only on (rows, len) and the data.
void launchRowSums(const float *a, const float *b, int64_t rows, int64_t len,
                   double *scratch, double *sums, Stream s);
/// out = f32(sums[0] / n).
void launchMseFinish(const double *sums, int64_t n, float *out, Stream s);
/// dp[i] = f32(2 dloss / n * (p[i] - t[i])), dloss = *dlossPtr or 1.
void launchMseGrad(const float *p, const float *t, const float *dlossPtr,
                   float *dp, int64_t n, Stream s);
/// From diff[r] = sum (p_r - t_r)^2 and norm[r] = sum t_r^2 (r < batch):
/// out = f32((1/B) sum_r sqrt(diff_r) / guarded sqrt(norm_r)).
void launchRelL2Finish(const double *diff, const double *norm, int64_t batch,
                       float *out, Stream s);
/// dp = coef_r (p - t) with coef_r from diff/norm as rel_l2_loss_grad;
/// `coef` is scratch of `batch` doubles.
void launchRelL2Grad(const float *p, const float *t, const float *dlossPtr,
                     const double *diff, const double *norm, double *coef,
                     int64_t batch, int64_t len, float *dp, Stream s);
/// out = f32(sqrt(sum_k sums[k])), k in order.
void launchNormFinish(const double *sums, int64_t count, float *out, Stream s);

// ---- Optim.cu ----------------------------------------------------------------
/// Adam hyperparameters (the kernel's attributes), see cpu/optim/Adam.h.
struct AdamParams {
  double beta1, beta2, eps, weightDecay;
  bool decoupled;
};
/// One Adam/AdamW step over n reals in place (p, m, v), with t = *step and
/// lr = *lr read on the device; the scalars are computed as adamScalars.
/// (The CPU kernel's error for t < 1 is not raised on the device; compiled
/// train steps run step_increment first, so t >= 1.)
void launchAdam(const AdamParams &h, const int64_t *step, const float *lr,
                float *p, const float *g, float *m, float *v, int64_t n,
                Stream s);
/// y = g * c, c = min(1, f(1 / (norm + 1e-6)) f(maxNorm)), over n reals.
void launchClipByNorm(const float *g, const float *norm, double maxNorm,
                      float *y, int64_t n, Stream s);
/// y[0] = x[0] + 1 (i64).
void launchStepIncrement(const int64_t *x, int64_t *y, Stream s);

// ---- Spectral.cu -------------------------------------------------------------
// Complex values are interleaved (re, im) float pairs, as std::complex<float>.
/// trunc[r, t] = half[r, index[t]] for `rows` spectra.
void launchGatherModes(const void *half, void *trunc, const int64_t *index,
                       int64_t rows, int64_t halfSize, int64_t truncSize,
                       Stream s);
/// half[r, index[t]] = scale * trunc[r, t]; the rest of `half` must be zero.
void launchScatterModes(const void *trunc, void *half, const int64_t *index,
                        int64_t rows, int64_t halfSize, int64_t truncSize,
                        float scale, Stream s);
/// out[b, o, k] = sum_i x[b, i, k] w[i, o, k], i in order, one thread per
/// output element.
void launchModeContract(const void *x, const void *w, void *out, int64_t B,
                        int64_t I, int64_t O, int64_t K, Stream s);

} // namespace shodh::cuda
