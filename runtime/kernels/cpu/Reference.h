//===- Reference.h - Naive reference implementations of the CPU kernels ---===//
//
// Plain loops, obviously right, used by tests to check the fast kernels.
// Sums are accumulated in double, so the reference is at least as accurate
// as any float kernel it is compared with. Header-only: the runtime itself
// never calls these.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cmath>
#include <cstdint>

namespace shodh::reference {

/// y[n, o, s] = sum_i w[o, i] * x[n, i, s] + (b ? b[o] : 0), with x of shape
/// [outer, cin, inner], w [cout, cin], b [cout] or null, y [outer, cout,
/// inner].
inline void linear(const float *x, const float *w, const float *b, float *y,
                   int64_t outer, int64_t cin, int64_t cout, int64_t inner) {
  for (int64_t n = 0; n < outer; ++n)
    for (int64_t o = 0; o < cout; ++o)
      for (int64_t s = 0; s < inner; ++s) {
        double acc = b ? b[o] : 0.0;
        for (int64_t i = 0; i < cin; ++i)
          acc += double(w[o * cin + i]) * double(x[(n * cin + i) * inner + s]);
        y[(n * cout + o) * inner + s] = static_cast<float>(acc);
      }
}

/// GELU in double: exact x/2 (1 + erf(x / sqrt 2)), or with `tanhApprox`
/// x/2 (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))).
inline double gelu(double x, bool tanhApprox) {
  if (tanhApprox) {
    const double k = std::sqrt(2.0 / 3.14159265358979323846);
    return 0.5 * x * (1.0 + std::tanh(k * (x + 0.044715 * x * x * x)));
  }
  return 0.5 * x * (1.0 + std::erf(x / std::sqrt(2.0)));
}

} // namespace shodh::reference
