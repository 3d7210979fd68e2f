//===- VecMath.h - Branch-free float math the compiler can vectorise ------===//
//
// libm's erff/expf are scalar calls, so a loop using them runs one element
// at a time; these inline versions use only +, *, /, compares-as-selects and
// integer bit operations, which gcc turns into SIMD code (see the
// SHODH_VECTOR_CLONES loops in ElementwiseMath.cpp).
//
// Accuracy (checked in test/unit/kernels/VecMathTest.cpp against double):
//   exp:        relative error <= 3e-7 on [-87, 88]; clamped outside.
//   normalCdf:  absolute error <= 3e-7 (a rational fit; 0 or 1 beyond 5.5).
//   normalPdf:  relative error <= 3e-7 + 1e-7 x^2.
// GELU x Phi(x) built on them is within ~3e-7 |x| of the exact value, as
// 0.5 x (1 + erf(x / sqrt 2)) evaluated in float is (both lose the relative
// accuracy of the far left tail, where GELU is below 2e-7 in size).
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

/// e^x, relative error <= 3e-7 on [-87, 88]; x is clamped to that range,
/// so 2^n stays a normal number. x = n ln 2 + r with |r| <= ln 2 / 2, r
/// formed as (x - n ln2_hi) - n ln2_lo (Cody–Waite; the first difference is
/// exact by Sterbenz's lemma); e^r by its degree-7 Taylor polynomial
/// (truncation r^8/8! < 6e-9), 2^n built in the exponent bits.
inline float exp(float x) {
  x = x < -87.0f ? -87.0f : (x > 88.0f ? 88.0f : x);
  const float magic = 12582912.0f; // 1.5 * 2^23: adding it rounds to integer
  float shifted = x * 1.44269504088896341f + magic;
  float n = shifted - magic;
  float r = x - n * 0.693145751953125f; // ln 2, high part: exact
  r = r - n * 1.428606765330187e-06f;  // ln 2, low part
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

/// Phi(x), the standard normal CDF, as 1/2 +- h(|x|) with
/// h(a) = a P(a^2) / Q(a^2), a clamped to 5.5 (Phi(-5.5) = 1.9e-8) and h to
/// 1/2, so the result lies in [0, 1]; P and Q of degree 5 fitted by
/// scripts/fit-normal-cdf.py (absolute error 1.0e-8 in exact arithmetic,
/// 2.4e-8 with the coefficients rounded to float; ~2e-7 after the float
/// roundings of the evaluation, i.e. a few ulp of the values near 1).
/// Absolute, not relative, accuracy: in the left tail the difference
/// cancels like 0.5 (1 + erf(x / sqrt 2)). 12 multiply-adds, one division,
/// two selects and sign-bit operations (cheaper in SIMD than clamping x on
/// both sides); a NaN passes through (the selects keep it).
inline float normalCdf(float x) {
  int32_t bits = toBits(x);
  float a = fromBits(bits & 0x7FFFFFFF);
  a = a > 5.5f ? 5.5f : a;
  float s = a * a;
  float p = 2.300192570e-08f;
  p = p * s + 6.320842203e-06f;
  p = p * s + 1.650254853e-04f;
  p = p * s + 4.653998651e-03f;
  p = p * s + 3.348645940e-02f;
  p = p * s + 3.989422619e-01f;
  float q = 1.202580734e-06f;
  q = q * s + 7.240395644e-05f;
  q = q * s + 1.862888574e-03f;
  q = q * s + 2.843423374e-02f;
  q = q * s + 2.506042421e-01f;
  q = q * s + 1.0f;
  float h = a * p / q; // >= 0: P and Q are positive
  h = h > 0.5f ? 0.5f : h;
  return 0.5f + fromBits(toBits(h) ^ (bits & INT32_MIN));
}

/// The standard normal density exp(-x^2 / 2) / sqrt(2 pi), as 2^t / sqrt(2 pi)
/// with t = -x^2 log2(e) / 2 clamped to >= -125 (2^n stays a normal number;
/// the density there, |x| >= 13.2, is 9.4e-39, subnormal, as the exp-based
/// form's was): t = n + f, n = round(t) read from the
/// bits of t + 1.5 * 2^23, |f| <= 1/2 exact; 2^f / sqrt(2 pi) by a degree-5
/// polynomial (scripts/fit-normal-cdf.py --density: relative error 7.5e-8
/// in exact arithmetic, 1.9e-7 evaluated in float); 2^n multiplied in
/// through its exponent bits (no float-to-int conversion: a NaN input
/// reaches the result through the polynomial). Relative error <= 3e-7 +
/// 1e-7 x^2 (the two roundings of t: 2e-6 at |x| = 4, where the density is
/// 1.3e-4). Cheaper than exp's Cody-Waite reduction and degree-7 Taylor
/// polynomial: GELU' evaluates it per element.
inline float normalPdf(float x) {
  float t = (x * x) * -0.72134752044448170f; // -log2(e) / 2
  t = t < -125.0f ? -125.0f : t;             // NaN stays NaN
  const float magic = 12582912.0f;           // 1.5 * 2^23
  float shifted = t + magic;                 // n + 1.5 * 2^23, exactly
  float f = t - (shifted - magic);
  float p = 5.296546151e-04f;
  p = p * f + 3.859982593e-03f;
  p = p * f + 2.214414254e-02f;
  p = p * f + 9.583438933e-02f;
  p = p * f + 2.765256464e-01f;
  p = p * f + 3.989423215e-01f;
  // bits(shifted) = bits(magic) + n; 2^n has exponent field n + 127.
  int32_t e = toBits(shifted) - (toBits(magic) - 127);
  return p * fromBits(static_cast<int32_t>(static_cast<uint32_t>(e) << 23));
}

/// tanh(u) = sign(u) (1 - 2 / (e^{2|u|} + 1)); exp's clamp makes it +-1 for
/// |u| > 44.
inline float tanh(float u) {
  float a = u < 0.0f ? -u : u;
  float t = 1.0f - 2.0f / (exp(2.0f * a) + 1.0f);
  return u < 0.0f ? -t : t;
}

} // namespace shodh::vecmath
