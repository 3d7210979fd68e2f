//===- Routing.cu - Device code of the patch, router and top_k kernels ----===//
//
// Grid-stride loops calling the per-element and per-row functions of
// RoutingDevice.h: one thread per element for the patch copies, one per
// token row for router, router_grad, top_k and top_k_grad (E and k are
// small; each row is the CPU's sequential double arithmetic).
//
//===----------------------------------------------------------------------===//
#include "runtime/kernels/cuda/Common.cuh"
#include "runtime/kernels/cuda/RoutingLaunch.h"

namespace shodh::cuda {

namespace {

cudaStream_t st(Stream s) { return static_cast<cudaStream_t>(s); }

__global__ void patchKernel(PatchShape s, bool toTokens, const float *src,
                            float *dst, int64_t n) {
  for (int64_t t = gridStart(); t < n; t += gridStride()) {
    int64_t f = patchFieldIndex(s, t);
    if (toTokens)
      dst[t] = src[f];
    else
      dst[f] = src[t];
  }
}

__global__ void routerKernel(float *z, const float *b, float *p, int64_t rows,
                             int64_t e, double temperature) {
  for (int64_t r = gridStart(); r < rows; r += gridStride())
    routerRow(z + r * e, b, p + r * e, e, temperature);
}

__global__ void routerGradKernel(const float *p, const float *dp,
                                 const float *dl, float *dz, int64_t rows,
                                 int64_t e, double temperature) {
  for (int64_t r = gridStart(); r < rows; r += gridStride())
    routerGradRow(p + r * e, dp + r * e, dl ? dl + r * e : nullptr, dz + r * e,
                  e, temperature);
}

__global__ void topKKernel(const float *p, int64_t rows, int64_t e, int64_t k,
                           bool renormalize, float *gates, int64_t *ids) {
  for (int64_t r = gridStart(); r < rows; r += gridStride())
    topKRow(p + r * e, e, k, renormalize, gates + r * k, ids + r * k);
}

__global__ void topKGradKernel(const float *p, const int64_t *ids,
                               const float *dg, float *dp, int64_t rows,
                               int64_t e, int64_t k, bool renormalize,
                               RoutingFault *fault) {
  for (int64_t r = gridStart(); r < rows; r += gridStride()) {
    int64_t bad = topKGradRow(p + r * e, ids + r * k, dg + r * k, dp + r * e, e,
                              k, renormalize);
    if (bad >= 0)
      atomicMin(reinterpret_cast<unsigned long long *>(&fault->firstBad),
                static_cast<unsigned long long>(r * k + bad));
  }
}

} // namespace

void launchPatchCopy(const PatchShape &s, bool toTokens, const float *src,
                     float *dst, Stream stream) {
  int64_t n =
      s.batch * s.patches * s.channels * s.patch[0] * s.patch[1] * s.patch[2];
  if (n > 0)
    SHODH_LAUNCH(patchKernel, blocksFor(n), kThreads, st(stream), s, toTokens,
                 src, dst, n);
}

void launchRouterRows(float *logits, const float *bias, float *probs,
                      int64_t rows, int64_t e, double temperature,
                      Stream stream) {
  if (rows > 0 && e > 0)
    SHODH_LAUNCH(routerKernel, blocksFor(rows), kThreads, st(stream), logits,
                 bias, probs, rows, e, temperature);
}

void launchRouterGrad(const float *p, const float *dp, const float *dl,
                      float *dz, int64_t rows, int64_t e, double temperature,
                      Stream stream) {
  if (rows > 0 && e > 0)
    SHODH_LAUNCH(routerGradKernel, blocksFor(rows), kThreads, st(stream), p, dp,
                 dl, dz, rows, e, temperature);
}

void launchTopK(const float *p, int64_t rows, int64_t e, int64_t k,
                bool renormalize, float *gates, int64_t *ids, Stream stream) {
  if (rows > 0)
    SHODH_LAUNCH(topKKernel, blocksFor(rows), kThreads, st(stream), p, rows, e,
                 k, renormalize, gates, ids);
}

void launchTopKGrad(const float *p, const int64_t *ids, const float *dg,
                    float *dp, int64_t rows, int64_t e, int64_t k,
                    bool renormalize, RoutingFault *fault, Stream stream) {
  if (rows > 0)
    SHODH_LAUNCH(topKGradKernel, blocksFor(rows), kThreads, st(stream), p, ids,
                 dg, dp, rows, e, k, renormalize, fault);
}

} // namespace shodh::cuda
