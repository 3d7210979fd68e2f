//===- VecMath.h - Branch-free float math the compiler can vectorise ------===//
//
// libm's erff/expf are scalar calls, so a loop using them runs one element
// at a time; these inline versions use only +, *, /, compares-as-selects and
// integer bit operations, which gcc turns into SIMD code (see the
// SHODH_VECTOR_CLONES loops in ElementwiseMath.cpp).
//
// Accuracy (checked in test/unit/runtime/VecMathTest.cpp against double):
//   exp:               relative error <= 3e-7 on [-87, 88]; clamped outside.
//   halfErfc(z), z>=0: relative error <= 1e-6 for z <= 9 (the square in the
//                      exponent is split so it does not round); 0 beyond ~10.
// GELU built on them is more accurate than 0.5 x (1 + erf(x / sqrt 2)) in
// float for x < -3, where that form cancels.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <cstring>

namespace shodh::vecmath {

/// The float with the bit pattern `bits`.
inline float fromBits(int32_t bits) {
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

/// The bit pattern of the float `f`.
inline int32_t toBits(float f) {
  int32_t bits;
  std::memcpy(&bits, &f, sizeof bits);
  return bits;
}

/// e^(hi + lo) for an exactly representable `hi` and a small correction
/// `lo`: hi + lo = n ln 2 + r with |r| <= ln 2 / 2, where r is formed as
/// (hi - n ln2_hi) + lo - n ln2_lo (Cody–Waite; the first difference is
/// exact by Sterbenz's lemma), so the rounding of hi + lo never enters.
/// e^r by its degree-7 Taylor polynomial (truncation r^8/8! < 6e-9), 2^n
/// built in the exponent bits. hi + lo is clamped to [-87, 88] so 2^n stays
/// a normal number.
inline float expSum(float hi, float lo) {
  float s = hi + lo;
  bool low = s < -87.0f, high = s > 88.0f;
  hi = low ? -87.0f : (high ? 88.0f : hi);
  lo = (low || high) ? 0.0f : lo;
  s = hi + lo;
  const float magic = 12582912.0f; // 1.5 * 2^23: adding it rounds to integer
  float shifted = s * 1.44269504088896341f + magic;
  float n = shifted - magic;
  float r = (hi - n * 0.693145751953125f) + lo; // ln 2, high part: exact
  r = r - n * 1.428606765330187e-06f;          // ln 2, low part
  float p = 1.0f / 5040.0f;
  p = p * r + 1.0f / 720.0f;
  p = p * r + 1.0f / 120.0f;
  p = p * r + 1.0f / 24.0f;
  p = p * r + 1.0f / 6.0f;
  p = p * r + 0.5f;
  p = p * r + 1.0f;
  p = p * r + 1.0f;
  // A NaN input leaves n NaN (the clamps compare false): cast 0 instead (the
  // polynomial already carries the NaN); the exponent is shifted unsigned.
  n = n == n ? n : 0.0f;
  uint32_t e = static_cast<uint32_t>(static_cast<int32_t>(n) + 127);
  return p * fromBits(static_cast<int32_t>(e << 23));
}

/// e^x (relative error <= 3e-7; clamped to e^-87 / e^88 outside).
inline float exp(float x) { return expSum(x, 0.0f); }

/// e^(c - k x^2) for k a power of two, without the rounding error of x^2:
/// x = xh + xl with xh's low 12 mantissa bits cleared, so k xh^2 and
/// k (2 xh + xl) xl are exact or tiny, and only the small terms round.
inline float expMinusSquare(float x, float k, float c) {
  float xh = fromBits(toBits(x) & int32_t(0xFFFFF000));
  float xl = x - xh;
  return expSum(-(k * xh * xh), c - k * (2.0f * xh + xl) * xl);
}

/// The polynomial P(t) of halfErfc below.
inline float erfcPoly(float t) {
  float p = 0.17087277f;
  p = p * t - 0.82215223f;
  p = p * t + 1.48851587f;
  p = p * t - 1.13520398f;
  p = p * t + 0.27886807f;
  p = p * t - 0.18628806f;
  p = p * t + 0.09678418f;
  p = p * t + 0.37409196f;
  p = p * t + 1.00002368f;
  p = p * t - 1.26551223f;
  return p;
}

/// erfc(z) / 2 for z >= 0: the Chebyshev-fitted form
/// erfc(z) = t exp(-z^2 + P(t)), t = 1 / (1 + z / 2), of Press et al.,
/// Numerical Recipes § 6.2 (fractional error < 1.2e-7 in exact arithmetic).
inline float halfErfc(float z) {
  float t = 1.0f / (1.0f + 0.5f * z);
  return 0.5f * t * expMinusSquare(z, 1.0f, erfcPoly(t));
}

/// Phi(x), the standard normal CDF: the tail Phi(-|x|) = erfc(|x|/sqrt 2)/2
/// with the exponent -x^2/2 formed from x itself (so the rounding of
/// |x|/sqrt 2 only enters through t, where it is harmless).
inline float normalCdf(float x) {
  float a = x < 0.0f ? -x : x;
  float t = 1.0f / (1.0f + 0.35355339059327376f * a); // 1 + z/2, z = a/sqrt 2
  float tail = 0.5f * t * expMinusSquare(a, 0.5f, erfcPoly(t));
  return x < 0.0f ? tail : 1.0f - tail;
}

/// The standard normal density exp(-x^2 / 2) / sqrt(2 pi).
inline float normalPdf(float x) {
  return 0.39894228040143268f * expMinusSquare(x, 0.5f, 0.0f);
}

/// tanh(u) = sign(u) (1 - 2 / (e^{2|u|} + 1)); exp's clamp makes it +-1 for
/// |u| > 44.
inline float tanh(float u) {
  float a = u < 0.0f ? -u : u;
  float t = 1.0f - 2.0f / (exp(2.0f * a) + 1.0f);
  return u < 0.0f ? -t : t;
}

} // namespace shodh::vecmath
