//===- ElementwiseMath.h - Vectorised float loops for activations ---------===//
//
// The float32 loops of the activation kernels (gelu, gelu_grad and the fused
// epilogues of linear), compiled once per instruction-set level and picked
// at load time (gcc target_clones on x86-64), built on VecMath.h. Results
// can differ in the last bits between instruction-set levels (FMA), never
// between runs or thread counts on one machine.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>

namespace shodh {

/// y = GELU(x) over n floats; `tanhApprox` selects the tanh form. In place
/// (y == x) is allowed.
void geluF32(const float *x, float *y, int64_t n, bool tanhApprox);

/// dx = dy * GELU'(x) over n floats; dx may alias x or dy.
void geluGradF32(const float *x, const float *dy, float *dx, int64_t n,
                 bool tanhApprox);

/// Both at once, sharing Φ (or tanh): y = GELU(x) and dx = dy * GELU'(x)
/// (the channel MLP's backward); dx may alias dy, y must not alias x.
void geluWithGradF32(const float *x, const float *dy, float *y, float *dx,
                     int64_t n, bool tanhApprox);

/// The same in two passes, for a dy that needs y first (the channel MLP's
/// MSE form): y = GELU(x) keeping Φ(x) (tanh form: the tanh) in `saved`,
/// then dx = dy * GELU'(x) from it; bit-identical to geluWithGradF32. dx
/// may alias dy; y and saved must not alias x.
void geluSavingF32(const float *x, float *y, float *saved, int64_t n, bool tanhApprox);
void geluGradFromSavedF32(const float *x, const float *saved, const float *dy, float *dx,
                          int64_t n, bool tanhApprox);
/// y = GELU(x) and d = GELU'(x), sharing Φ (or tanh): the training
/// forward's activation with the derivative its backward multiplies by
/// (d is bit for bit what geluGradF32 multiplies dy by). y and d must not
/// alias x.
void geluWithDerivativeF32(const float *x, float *y, float *d, int64_t n,
                           bool tanhApprox);

/// g = a * g elementwise (act'(pre) given as a tensor: g * a as
/// geluGradF32's dy * GELU'(pre), bit for bit).
void multiplyInPlaceF32(const float *a, float *g, int64_t n);

/// dx = (s dy) * GELU'(x) from the saved Φ (tanh): for a dy that is one
/// product s dy[i] per element (the channel MLP with one output, where
/// dg = w2[h] dy), bit-identical to forming s dy first.
void geluGradFromSavedScaledF32(const float *x, const float *saved, float s,
                                const float *dy, float *dx, int64_t n,
                                bool tanhApprox);

} // namespace shodh
