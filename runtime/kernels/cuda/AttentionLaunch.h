//===- AttentionLaunch.h - Launchers of the CUDA attention and aux kernels ===//
//
// Plain-pointer entry points (as Launch.h) of Attention.cu: the per-row
// softmax work of the attention kernels (AttentionDevice.h) between their
// cuBLAS GEMMs, and the two scalar kernels aux_loss_grad and
// allocation_kl. They enqueue on the stream and return.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/kernels/cuda/Launch.h"

#include <cstdint>

namespace shodh::cuda {

/// softmaxRow (CUDA expf) on each of `rows` rows of t floats, one thread
/// per row.
void launchSoftmaxRows(float *p, int64_t rows, int64_t t, Stream st);
/// softmaxGradRow on each of `rows` rows (p, dp: rows x t), one thread per
/// row.
void launchSoftmaxGradRows(const float *p, float *dp, int64_t rows, int64_t t,
                           Stream st);
/// out[0] = auxLossSeed(coefficient, weight) (weight may be null).
void launchAuxLossGrad(double coefficient, const float *weight, float *out,
                       Stream st);
/// out[0] = allocationKlOf(counts...) (prior null: uniform).
void launchAllocationKl(const int64_t *counts, int64_t assignments,
                        const double *prior, int64_t e, float *out, Stream st);

} // namespace shodh::cuda
