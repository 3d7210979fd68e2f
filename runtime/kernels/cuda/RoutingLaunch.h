//===- RoutingLaunch.h - Launchers of the CUDA routing and expert kernels -===//
//
// Plain-pointer entry points (as Launch.h) of Routing.cu (patch copies,
// router, top_k), Ragged.cu (dispatch, the inverse of source, combine and
// the gradients, per-expert column sums), RouterLoss.cu (the router
// losses) and SpectralEnergy.cu (the M²M router features). They enqueue on the stream and return. Checks that depend on
// tensor values (expert ids, source, offsets) are recorded in a
// `RoutingFault` in device memory, which the kernel classes read after the
// launch (RoutingFaults.h) to raise the CPU kernels' messages; a launch
// never reads or writes out of bounds on bad values.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/kernels/cuda/Launch.h"
#include "runtime/kernels/cpu/moe/SpectralEnergyToken.h"
#include "runtime/kernels/cuda/RoutingDevice.h"

#include <cstdint>

namespace shodh::cuda {

/// Value faults found on the device (reset: 0, 0, ~0).
struct RoutingFault {
  int64_t offsets = 0;              ///< an OffsetsFault
  int64_t offsetsAt = 0;            ///< its expert (Decreasing)
  uint64_t firstBad = ~uint64_t(0); ///< smallest bad index (row, id), or ~0
};

// ---- Routing.cu
// ----------------------------------------------------------------
/// patchify (toTokens) or unpatchify of `s`: one thread per element.
void launchPatchCopy(const PatchShape &s, bool toTokens, const float *src,
                     float *dst, Stream st);
/// router after the logits GEMM: bias and softmax per row (routerRow).
void launchRouterRows(float *logits, const float *bias, float *probs,
                      int64_t rows, int64_t e, double temperature, Stream st);
/// router_grad, one thread per row.
void launchRouterGrad(const float *p, const float *dp, const float *dl,
                      float *dz, int64_t rows, int64_t e, double temperature,
                      Stream st);
/// top_k, one thread per row.
void launchTopK(const float *p, int64_t rows, int64_t e, int64_t k,
                bool renormalize, float *gates, int64_t *ids, Stream st);
/// top_k_grad, one thread per row; fault->firstBad = first bad id index.
void launchTopKGrad(const float *p, const int64_t *ids, const float *dg,
                    float *dp, int64_t rows, int64_t e, int64_t k,
                    bool renormalize, RoutingFault *fault, Stream st);

// ---- Ragged.cu
// -----------------------------------------------------------------
/// int64 scratch entries launchDispatch needs.
int64_t dispatchScratch(int64_t assignments, int64_t experts);
/// dispatch: offsets, source and sorted rows ([R, len]) of the R expert
/// ids; `cap` rows per expert; fault->firstBad = first id outside [0, E).
void launchDispatch(const int64_t *ids, int64_t assignments, int64_t experts,
                    int64_t cap, int64_t k, const float *x, int64_t len,
                    float *sorted, int64_t *offsets, int64_t *source,
                    int64_t *scratch, RoutingFault *fault, Stream st);
/// rowOf (R entries) = the inverse of source; records offsets faults and
/// the first bad source row. `first` is scratch of R entries.
void launchInvertSource(const int64_t *source, const int64_t *offsets,
                        int64_t rows, int64_t experts, uint64_t *first,
                        int64_t *rowOf, RoutingFault *fault, Stream st);
/// y[t, i] = gatherSumAt (combine; dispatch_grad with g null).
void launchGatherSum(const float *o, const float *g, const int64_t *rowOf,
                     float *y, int64_t tokens, int64_t k, int64_t len,
                     Stream st);
/// combine_grad: dout ([rows, len]) and dgates ([rows]).
void launchCombineGrad(const float *dy, const float *o, const float *g,
                       const int64_t *source, const int64_t *offsets,
                       int64_t experts, const int64_t *rowOf, float *dout,
                       float *dgates, int64_t rows, int64_t k, int64_t len,
                       Stream st);
/// out[e, j] = sum of src[r, j] over the rows of expert e (offsets on the
/// device, already valid), rows in order, in f32 (expert_mlp_grad's db).
void launchGroupColumnSums(const float *src, const int64_t *offsets,
                           int64_t experts, int64_t cols, float *out,
                           Stream st);

// ---- RouterLoss.cu
// -------------------------------------------------------------
/// counts[e] = assignments with expert id e (integer atomics: exact);
/// fault->firstBad = first id outside [0, experts).
void launchExpertCounts(const int64_t *ids, int64_t assignments,
                        int64_t experts, int64_t *counts, RoutingFault *fault,
                        Stream st);
/// means[i] = columnMeanAt, one thread per column.
void launchColumnMeans(const float *x, int64_t n, int64_t e, double *means,
                       Stream st);
/// load_balance_loss (grad false: out[0]) or its gradient (out [n, e]).
void launchLoadBalance(bool grad, const float *dloss, const int64_t *counts,
                       int64_t assignments, const double *means, int64_t n,
                       int64_t e, float *out, Stream st);
/// lse[r] = rowLogSumExp of each of the n rows.
void launchRowLse(const float *z, int64_t n, int64_t e, double *lse, Stream st);
/// router_z_loss (out[0]: mean lse^2, fixed tree) or its gradient.
void launchZLoss(bool grad, const float *dloss, const float *z,
                 const double *lse, int64_t n, int64_t e, float *out,
                 Stream st);
/// means[b * e + i] = the mean of column i over the t rows of sample b, one
/// thread per entry (n / t samples).
void launchSampleMeans(const float *x, int64_t t, int64_t n, int64_t e,
                       double *means, Stream st);
/// router_kl_loss (out[0]; entropy summed in a fixed tree) or its gradient;
/// prior null: uniform; sampleMeans (n / t rows of e, launchSampleMeans)
/// non-null: the entropy of each sample's mean (entropy_over "samples").
void launchKlLoss(bool grad, const float *dloss, const float *p,
                  const double *means, const double *prior, double beta,
                  int64_t n, int64_t e, const double *sampleMeans, int64_t t,
                  float *out, Stream st);

// ---- SpectralEnergy.cu
// -----------------------------------------------------------

/// spectral_energy: y (tokens, g.bands) from the tokens x (tokens,
/// channels, d, h, w), one thread per token; the tables of
/// spectral_energy::makeTables in device memory; scratch holds tokens x
/// scratchDoubles(g) doubles.
void launchSpectralEnergy(const float *x, int64_t tokens,
                          const spectral_energy::Geometry &g,
                          const double *twD, const double *twH,
                          const double *twW, const int64_t *band,
                          const double *weight, double *scratch, float *y,
                          Stream st);

} // namespace shodh::cuda
