//===- SpectralGradShapes.h - Shape checks of spectral_conv's gradients ---===//
//
// The concrete-shape checks of the spectral_conv gradient kernels
// (SpectralConvGrad.h), shared by the CPU kernels and the CUDA ones so that
// both reject a call with the same message, and the two scales of the
// gradients: 1/N on the kept modes of the input gradient's inverse
// transform and c_k/N per truncated mode of the weight gradient.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/core/Kernel.h"
#include "runtime/kernels/cpu/spectral/SpectralLayout.h"

#include <cstdint>
#include <string>
#include <vector>

namespace shodh {

/// Which spectral_conv gradient kernel a call is.
enum class SpectralGradKind {
  Input,  ///< spectral_conv_grad_input (dy, w) -> dx
  Weight, ///< spectral_conv_grad_weight (x, dy) -> dw
  Both,   ///< spectral_conv_grad (x or its saved spectrum, dy, w) -> dx, dw
};

/// The checked extents of one call: the transform geometry, the batch and
/// the input (I) and output (O) channels of the forward spectral_conv.
struct SpectralGradShapes {
  SpectralGeometry geom;
  int64_t batch = 0, in = 0, out = 0;
};

/// Checks the concrete shapes of a `kind` call with `modes` (`saved`: the
/// first input of Both is the forward's saved truncated spectrum [B, I,
/// truncated extents]); throws `Error` starting with `where`.
SpectralGradShapes checkSpectralGradShapes(SpectralGradKind kind, bool saved,
                                           const std::string &where,
                                           const std::vector<int64_t> &modes,
                                           const std::vector<TensorRef> &in,
                                           const std::vector<TensorRef> &out);

/// The fused layer gradient's extra operands of a Both call
/// (`spectral_conv_grad` with `skip` and / or an activation): the skip
/// weight in[3] must be [O, I] and the pre-activation (the last input) dx's
/// shape; with `skipParams` the skip input in[4] dx's shape and the skip
/// gradients out[2], out[3] [O, I] and [O]. Throws `Error` starting with
/// `where`.
void checkLayerGradInputs(const std::string &where, const SpectralGradShapes &s,
                          bool skip, bool pre, const std::vector<TensorRef> &in,
                          const std::vector<TensorRef> &out,
                          bool skipParams = false,
                          const char *preName = "pre-activation");

/// c_k / N for every truncated mode of `g` (row-major): dW's scale.
std::vector<float> weightGradScales(const SpectralGeometry &g);

/// 1/N, the backward-norm inverse transform's scale on the kept modes.
float inverseScale(const SpectralGeometry &g);

} // namespace shodh
