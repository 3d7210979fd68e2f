//===- ExpertFnoDevice.h - Per-element code of CUDA expert_fno ------------===//
//
// The work of one thread of each element step of the CUDA expert_fno
// kernels (ExpertFno.cu), written once as `__host__ __device__` functions
// so that a host test (test/unit/cuda/ExpertFnoModesTest.cpp) runs the same
// code for every element without a GPU.
//
// Layout. Every expert's modes live in the *stacked* truncated layout of
// the largest count mmax (2mmax on full axes, mmax on the last; the wspec
// block of the contract): slot t of an expert with m modes is kept when
// its index is < m on the last axis and < m or >= 2mmax - m on the others
// (`fnoKeepsMode`), which is the CPU's map (cpu/moe/ExpertFno.cpp,
// stackedIndex) read backwards. `gather[t]` is the half-spectrum offset of
// slot t (SpectralGeometry::gatherIndex of the mmax geometry), the same
// frequency whatever m, so one full r2c over all rows serves every expert.
// The expert of a row is found in the device offsets (`fnoRowExpert`).
//
// Arithmetic. The per-mode channel sums are the CPU's ModeGemm products
// in its operation order (acc += ar br - ai bi, acc += ar bi + ai br, the
// inner index in order, conjugates as negated imaginary parts, the mode
// scale applied to the finished sum); the f32 row sums of dbskip are the
// CPU kernel's loops. Every output element has one writer and a fixed
// summation order: no atomics, so repeat runs give the same bits.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>

#if defined(__CUDACC__)
#define SHODH_EXPERT_FNO_HD __host__ __device__
#else
#define SHODH_EXPERT_FNO_HD
#endif

namespace shodh::cuda {

/// Extents of an expert_fno call: rows = B R token rows of `in` (C)
/// channels, `out` (O) output channels and `points` grid points each, the
/// stacked truncated block (`dims` = 2 or 3 axes) and the half spectrum.
struct FnoGeometry {
  int64_t dims = 2;
  int64_t stack[3] = {1, 1, 1}; ///< stacked extents 2mmax.., mmax
  int64_t mmax = 1, stackSize = 1, halfSize = 1, points = 1;
  int64_t experts = 1, rows = 0, in = 1, out = 1;
};

/// The element steps of the schedule (ExpertFnoSchedule.h).
enum class FnoStep : int {
  ForwardModes,    ///< spectrum of z, one thread per (kept row, o, slot)
  InputGradModes,  ///< spectrum of dx, one thread per (kept row, c, slot)
  WeightGradModes, ///< dwspec, one thread per (expert, c, o, slot)
  AddBias,         ///< z += bskip, one thread per kept element
  SkipWeightSums,  ///< dwskip from per-row partials, per (expert, o, c)
  BiasGradSums     ///< dbskip, one thread per (expert, o)
};

/// The operands of a step (device pointers on the GPU). Complex arrays are
/// interleaved (re, im) floats, as std::complex<float>.
struct FnoStepArgs {
  FnoGeometry g;
  const int64_t *off = nullptr;     ///< offsets [E + 1]
  const int64_t *modes = nullptr;   ///< mode count per expert [E]
  const int64_t *gather = nullptr;  ///< half-spectrum offset per slot [S]
  const float *gradScale = nullptr; ///< c_k / N per slot [S]
  float scale = 1.0f;               ///< 1/N of the inverse transforms
  const void *a = nullptr;          ///< ForwardModes: X; InputGradModes: dZ;
                                    ///< WeightGradModes: X (half spectra)
  const void *b = nullptr;          ///< WeightGradModes: dZ (half spectra)
  const void *w = nullptr;          ///< wspec [E, C, O, S]
  const float *src = nullptr; ///< AddBias: bskip; SkipWeightSums: partials
                              ///< [kept, O, C]; BiasGradSums: dz
  void *dst = nullptr;        ///< the step's output
};

/// Elements (threads) of `step` for `kept` kept rows.
SHODH_EXPERT_FNO_HD inline int64_t fnoStepSize(const FnoGeometry &g,
                                               FnoStep step, int64_t kept) {
  switch (step) {
  case FnoStep::ForwardModes:
    return kept * g.out * g.stackSize;
  case FnoStep::InputGradModes:
    return kept * g.in * g.stackSize;
  case FnoStep::WeightGradModes:
    return g.experts * g.in * g.out * g.stackSize;
  case FnoStep::AddBias:
    return kept * g.out * g.points;
  case FnoStep::SkipWeightSums:
    return g.experts * g.out * g.in;
  case FnoStep::BiasGradSums:
    return g.experts * g.out;
  }
  return 0;
}

/// True if stacked slot `t` is one of the kept modes of an expert with `m`.
SHODH_EXPERT_FNO_HD inline bool fnoKeepsMode(const FnoGeometry &g, int64_t m,
                                             int64_t t) {
  for (int64_t a = g.dims - 1; a >= 0; --a) {
    const int64_t i = t % g.stack[a];
    t /= g.stack[a];
    const bool last = a == g.dims - 1;
    if (i >= m && (last || i < 2 * g.mmax - m))
      return false;
  }
  return true;
}

/// The expert whose group [off[e], off[e+1]) holds row r < off[E]: the
/// largest e < E with off[e] <= r (empty groups are skipped).
SHODH_EXPERT_FNO_HD inline int64_t fnoRowExpert(const int64_t *off,
                                                int64_t experts, int64_t r) {
  int64_t lo = 0, hi = experts - 1;
  while (lo < hi) {
    const int64_t mid = (lo + hi + 1) / 2;
    if (off[mid] <= r)
      lo = mid;
    else
      hi = mid - 1;
  }
  return lo;
}

/// re/im += (ar + i ai)(br + i bi), in ModeGemm's order.
SHODH_EXPERT_FNO_HD inline void fnoMulAdd(float &re, float &im, float ar,
                                          float ai, float br, float bi) {
  re += ar * br - ai * bi;
  im += ar * bi + ai * br;
}

/// One element of `step` (j < fnoStepSize). `C` is a pair {x, y} of floats
/// (float2 on the device).
template <typename C>
SHODH_EXPERT_FNO_HD inline void fnoStepAt(FnoStep step, const FnoStepArgs &p,
                                          int64_t j) {
  const FnoGeometry &g = p.g;
  const int64_t S = g.stackSize, H = g.halfSize, I = g.in, O = g.out;
  const C *a = static_cast<const C *>(p.a), *b = static_cast<const C *>(p.b);
  const C *w = static_cast<const C *>(p.w);
  switch (step) {
  case FnoStep::ForwardModes: { // z^[r, o, k] = sum_i X[r, i, k] w[e, i, o, t]
    const int64_t t = j % S, o = (j / S) % O, r = j / (S * O);
    const int64_t e = fnoRowExpert(p.off, g.experts, r);
    if (!fnoKeepsMode(g, p.modes[e], t))
      return;
    const int64_t k = p.gather[t];
    float re = 0.0f, im = 0.0f;
    for (int64_t i = 0; i < I; ++i) {
      const C x = a[(r * I + i) * H + k], c = w[((e * I + i) * O + o) * S + t];
      fnoMulAdd(re, im, x.x, x.y, c.x, c.y);
    }
    C v;
    v.x = re * p.scale, v.y = im * p.scale;
    static_cast<C *>(p.dst)[(r * O + o) * H + k] = v;
    return;
  }
  case FnoStep::InputGradModes: { // dx^[r, i, k] = sum_o dZ conj(w)
    const int64_t t = j % S, i = (j / S) % I, r = j / (S * I);
    const int64_t e = fnoRowExpert(p.off, g.experts, r);
    if (!fnoKeepsMode(g, p.modes[e], t))
      return;
    const int64_t k = p.gather[t];
    float re = 0.0f, im = 0.0f;
    for (int64_t o = 0; o < O; ++o) {
      const C d = a[(r * O + o) * H + k], c = w[((e * I + i) * O + o) * S + t];
      fnoMulAdd(re, im, d.x, d.y, c.x, -c.y);
    }
    C v;
    v.x = re * p.scale, v.y = im * p.scale;
    static_cast<C *>(p.dst)[(r * I + i) * H + k] = v;
    return;
  }
  case FnoStep::WeightGradModes: { // dw = c_k/N sum_r conj(X) dZ, r in order
    const int64_t t = j % S, o = (j / S) % O, i = (j / (S * O)) % I,
                  e = j / (S * O * I);
    float re = 0.0f, im = 0.0f;
    if (fnoKeepsMode(g, p.modes[e], t)) {
      const int64_t k = p.gather[t];
      for (int64_t r = p.off[e]; r < p.off[e + 1]; ++r) {
        const C x = a[(r * I + i) * H + k], d = b[(r * O + o) * H + k];
        fnoMulAdd(re, im, x.x, -x.y, d.x, d.y);
      }
      re *= p.gradScale[t], im *= p.gradScale[t];
    }
    C v;
    v.x = re, v.y = im;
    static_cast<C *>(p.dst)[j] = v;
    return;
  }
  case FnoStep::AddBias: { // z[r, o, s] += bskip[e, o]
    const int64_t o = (j / g.points) % O, r = j / (g.points * O);
    static_cast<float *>(p.dst)[j] +=
        p.src[fnoRowExpert(p.off, g.experts, r) * O + o];
    return;
  }
  case FnoStep::SkipWeightSums: { // dwskip[e, o, c] = sum_r partial[r, o, c]
    const int64_t oc = j % (O * I), e = j / (O * I);
    float sum = 0.0f;
    for (int64_t r = p.off[e]; r < p.off[e + 1]; ++r)
      sum += p.src[r * O * I + oc];
    static_cast<float *>(p.dst)[j] = sum;
    return;
  }
  case FnoStep::BiasGradSums: { // dbskip[e, o]: per row, points in order
    const int64_t o = j % O, e = j / O;
    float total = 0.0f;
    for (int64_t r = p.off[e]; r < p.off[e + 1]; ++r) {
      const float *dz = p.src + (r * O + o) * g.points;
      float sum = 0.0f;
      for (int64_t s = 0; s < g.points; ++s)
        sum += dz[s];
      total += sum;
    }
    static_cast<float *>(p.dst)[j] = total;
    return;
  }
  }
}

} // namespace shodh::cuda
