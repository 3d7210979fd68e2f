//===- ConvGeometry.h - Index maps of the CPU convolution kernels -*- C++
//-*-===//
//
// A convolution of a field with 1 to 3 spatial axes is run as a 3D one:
// missing leading spatial axes have size 1, kernel 1, stride 1, padding 0.
// `in` is the convolution's input grid (x of conv, the output of
// conv_transpose), `out` its output grid (y of conv, the input of
// conv_transpose), y[j] reading x[j*s - p + k].
//
// im2col writes, for one input channel, the K x cols patch matrix of the
// output positions [j0, j0 + cols) (row k, column j: x[j*s - p + k], 0 or
// wrapped outside the grid); col2im adds such a matrix back into the
// channel. Both run sequentially: callers parallelise over channels or
// column blocks so that every output element has one writer and a fixed
// summation order (deterministic for any thread count).
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/core/Kernel.h"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace shodh {

/// The index geometry of one convolution, padded to 3 spatial axes.
struct ConvGeometry {
  int64_t batch = 0;
  std::array<int64_t, 3> in{1, 1, 1}, kernel{1, 1, 1}, out{1, 1, 1};
  std::array<int64_t, 3> stride{1, 1, 1}, pad{0, 0, 0};
  bool circular = false;

  /// Points of the input grid.
  int64_t inSize() const { return in[0] * in[1] * in[2]; }
  /// Points of the kernel.
  int64_t kernelSize() const { return kernel[0] * kernel[1] * kernel[2]; }
  /// Points of the output grid.
  int64_t outSize() const { return out[0] * out[1] * out[2]; }
};

/// The conv attributes of a kernel call: `stride` (>= 1) and `padding`
/// (>= 0) with `spatial` entries each, and `padding_mode`.
struct ConvAttrs {
  std::vector<int64_t> stride, padding;
  bool circular = false;
};

/// Reads and checks the conv attributes of `sig` (`withMode`: whether
/// `padding_mode` is read; it is "zeros" otherwise).
ConvAttrs parseConvAttrs(const KernelSignature &sig, size_t spatial,
                         bool withMode);

/// The geometry of a conv of the grid `in` (spatial dims only) by `kernel`;
/// throws (message prefixed by `where`) when the padded grid is smaller than
/// the kernel or a circular padding exceeds the grid.
ConvGeometry makeConvGeometry(const std::string &where, int64_t batch,
                              const std::vector<int64_t> &in,
                              const std::vector<int64_t> &kernel,
                              const ConvAttrs &attrs);

/// The output spatial dims of `g` (its first `spatial` axes from the end).
std::vector<int64_t> outDims(const ConvGeometry &g, size_t spatial);

/// Fills `col` ((kEnd - kBegin) x cols, row-major) with the patches of
/// channel `x` (inSize() values) for output positions [j0, j0 + cols) and
/// kernel offsets [kBegin, kEnd) (row-major offset index; kEnd < 0: all).
/// T is float or double (instantiated in ConvGeometry.cpp).
template <typename T>
void im2col(const ConvGeometry &g, const T *x, int64_t j0, int64_t cols, T *col,
            int64_t kBegin = 0, int64_t kEnd = -1);

/// Adds `col` (kernelSize() x cols) into channel `dx` (inSize() values), the
/// adjoint of im2col. T is float or double.
template <typename T>
void col2im(const ConvGeometry &g, const T *col, int64_t j0, int64_t cols,
            T *dx);

/// Output positions per block of patch columns, so that a block of `rows`
/// patch rows holds about `budget` elements (a function of the shape only).
int64_t convColumnBlock(int64_t rows, int64_t outSize, int64_t budget);

/// Throws unless `n` fits the int of a BLAS call.
void checkBlasDim(const std::string &where, int64_t n);

} // namespace shodh
