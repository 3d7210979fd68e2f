//===- ConvLaunch.h - Launchers of the CUDA convolution kernels -----------===//
//
// Plain-pointer entry points (as Launch.h) of Conv.cu; they enqueue on the
// stream and return.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/kernels/cuda/ConvDevice.h"
#include "runtime/kernels/cuda/Launch.h"

#include <cstdint>

namespace shodh::cuda {

/// col ((channels kernelSize()) x cols, row-major) = the patches of the
/// `channels` consecutive channels at x for output positions
/// [j0, j0 + cols).
void launchIm2col(const ConvGeom &g, const float *x, int64_t channels,
                  int64_t j0, int64_t cols, float *col, Stream s);
/// dx (channels x inSize()) = (first ? bias[c] or 0 : dx) + col2im of the
/// per-channel blocks of col (layout as launchIm2col).
void launchCol2im(const ConvGeom &g, const float *col, int64_t channels,
                  int64_t j0, int64_t cols, const float *bias, bool first,
                  float *dx, Stream s);

} // namespace shodh::cuda
