//===- ModeGemm.cpp - One small complex matrix product per Fourier mode ---===//
//
// Tile layout for mode block kb (kModeBlock = KB lanes): A as
// [rows][inner][re | im][KB], B as [inner][cols][re | im][KB], lanes past K
// zero. The kernel keeps NB = 4 output columns x (re, im) x 16 lanes (8
// without AVX-512, two passes per block) in registers, one FMA per
// multiply-add, and streams over the inner index.
//
//===----------------------------------------------------------------------===//
#include "runtime/kernels/cpu/spectral/ModeGemm.h"
#include "runtime/core/ThreadPool.h"
#include "runtime/kernels/cpu/VectorClones.h"

#include <algorithm>
#include <atomic>
#include <cstdint>


namespace shodh {

namespace {

constexpr int64_t KB = kModeBlock;
constexpr int64_t NB = 4; // output columns per register tile

/// One (p, q) entry of a tile: the interleaved complex values s[0, lanes)
/// split into re[0, KB) and im[0, KB), lanes past `lanes` zero, im negated
/// when `conj`. A separate full-block loop (constant length) lets each
/// clone vectorise the de-interleave.
SHODH_INLINE_BODY void packLanes(const float *__restrict s, float *__restrict re,
                                 float *__restrict im,
                                 int64_t lanes, float sign) {
  if (lanes == KB) {
    for (int64_t j = 0; j < KB; ++j)
      re[j] = s[2 * j], im[j] = sign * s[2 * j + 1];
    return;
  }
  int64_t j = 0;
  for (; j < lanes; ++j)
    re[j] = s[2 * j], im[j] = sign * s[2 * j + 1];
  for (; j < KB; ++j)
    re[j] = 0.0f, im[j] = 0.0f;
}

/// Copies the [outer, inner] complex matrices of modes [k0, k0 + KB) of
/// `src` into a planar tile; `trans`: src is stored [inner, outer, K].
SHODH_VECTOR_CLONES
void packTile(const cfloat *src, float *tile, int64_t outer, int64_t inner,
              int64_t K, int64_t k0, bool trans, bool conj) {
  const int64_t lanes = std::min(KB, K - k0);
  const float sign = conj ? -1.0f : 1.0f;
  // The block's lanes of consecutive q lie qStride apart (2.3 KB for 288
  // modes): prefetched kAhead entries early, the loads wait less on memory.
  constexpr int64_t kAhead = 8;
  const int64_t qStride = (trans ? outer : 1) * K;
  for (int64_t p = 0; p < outer; ++p)
    for (int64_t q = 0; q < inner; ++q) {
      const cfloat *s = src + (trans ? q * outer + p : p * inner + q) * K + k0;
      if (q + kAhead < inner) { // the second line only where lanes reach it
        __builtin_prefetch(s + kAhead * qStride);
        if (lanes > KB / 2)
          __builtin_prefetch(s + kAhead * qStride + KB / 2);
      }
      float *re = tile + (p * inner + q) * 2 * KB;
      packLanes(reinterpret_cast<const float *>(s), re, re + KB, lanes, sign);
    }
}

/// acc[n][re|im][l] = sum_m A[r, m] * B[m, n0 + n] at lane j0 + l, for
/// n < W and l < L (a pass over L of the block's KB lanes).
template <int W, int L>
SHODH_INLINE_BODY void tileProduct(const float *A, const float *B, int64_t r, int64_t n0,
                                   int64_t M, int64_t N, int64_t j0,
                                   float (&acc)[NB][2][L]) {
  for (int n = 0; n < W; ++n)
    for (int j = 0; j < L; ++j)
      acc[n][0][j] = 0.0f, acc[n][1][j] = 0.0f;
  const float *a = A + r * M * 2 * KB + j0;
  for (int64_t m = 0; m < M; ++m, a += 2 * KB) {
    const float *b = B + (m * N + n0) * 2 * KB + j0;
    for (int n = 0; n < W; ++n, b += 2 * KB)
      for (int j = 0; j < L; ++j) {
        // Four separate multiply-adds into the accumulators (one FMA each;
        // `acc += ar br - ai bi` would cost a multiply and an add more).
        float ar = a[j], ai = a[KB + j], br = b[j], bi = b[KB + j];
        acc[n][0][j] += ar * br;
        acc[n][0][j] -= ai * bi;
        acc[n][1][j] += ar * bi;
        acc[n][1][j] += ai * br;
      }
  }
}

/// Writes the register tile (lanes j0 .. j0 + L) to C (interleaved),
/// scaled per mode (`scale` null: by 1). Whole passes run a constant-length
/// loop, which each clone vectorises into interleaving stores.
template <int L>
SHODH_INLINE_BODY void storeTile(const float (&acc)[NB][2][L], int W, cfloat *C, int64_t r,
                                 int64_t n0, int64_t N, int64_t K, int64_t k0, int64_t j0,
                                 const float *scale) {
  const int64_t lanes = std::min<int64_t>(L, K - k0 - j0);
  float s[L];
  for (int j = 0; j < L; ++j)
    s[j] = scale && j < lanes ? scale[k0 + j0 + j] : 1.0f;
  for (int n = 0; n < W; ++n) {
    float *c = reinterpret_cast<float *>(C + (r * N + n0 + n) * K + k0 + j0);
    if (lanes == L) {
      for (int j = 0; j < L; ++j)
        c[2 * j] = acc[n][0][j] * s[j], c[2 * j + 1] = acc[n][1][j] * s[j];
      continue;
    }
    for (int64_t j = 0; j < lanes; ++j)
      c[2 * j] = acc[n][0][j] * s[j], c[2 * j + 1] = acc[n][1][j] * s[j];
  }
}

/// All output tiles of one mode block, L lanes per pass: NB x 2 x L
/// accumulators must fit the vector registers (16 lanes: 8 zmm with
/// AVX-512; 8 lanes: 8 ymm of AVX2's 16).
template <int L>
SHODH_INLINE_BODY void blockProductBody(const float *A, const float *B, cfloat *C, int64_t R,
                                        int64_t M, int64_t N, int64_t K, int64_t k0,
                                        const float *scale) {
  // Rows innermost: one column panel of B (M x NB x 2 x KB floats, 16 KB
  // at M = 32) stays in L1 while every row of A streams past it.
  float acc[NB][2][L];
  for (int64_t j0 = 0; j0 < KB && k0 + j0 < K; j0 += L) {
    int64_t n0 = 0;
    for (; n0 + NB <= N; n0 += NB)
      for (int64_t r = 0; r < R; ++r) {
        tileProduct<NB, L>(A, B, r, n0, M, N, j0, acc);
        storeTile<L>(acc, NB, C, r, n0, N, K, k0, j0, scale);
      }
    for (; n0 < N; ++n0)
      for (int64_t r = 0; r < R; ++r) {
        tileProduct<1, L>(A, B, r, n0, M, N, j0, acc);
        storeTile<L>(acc, 1, C, r, n0, N, K, k0, j0, scale);
      }
  }
}

SHODH_VECTOR_CLONES
void blockProductWide(const float *A, const float *B, cfloat *C, int64_t R, int64_t M,
                      int64_t N, int64_t K, int64_t k0, const float *scale) {
  blockProductBody<16>(A, B, C, R, M, N, K, k0, scale);
}

SHODH_VECTOR_CLONES
void blockProductNarrow(const float *A, const float *B, cfloat *C, int64_t R, int64_t M,
                        int64_t N, int64_t K, int64_t k0, const float *scale) {
  blockProductBody<8>(A, B, C, R, M, N, K, k0, scale);
}

std::atomic<int> lanesOverride{0}; // setModeGemmLanes

/// All output tiles of one mode block: 16 lanes at once where the AVX-512
/// clone runs, two passes of 8 otherwise. Every lane sums in the same
/// order either way, so the results are the same.
void blockProduct(const float *A, const float *B, cfloat *C, int64_t R, int64_t M, int64_t N,
                  int64_t K, int64_t k0, const float *scale) {
  // The 16-lane body needs the AVX-512 clone (x86-64-v4) to hold its 8
  // accumulators in registers; everywhere else two 8-lane passes.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
  static const bool avx512 = __builtin_cpu_supports("x86-64-v4");
#else
  static const bool avx512 = false;
#endif
  const int forced = lanesOverride.load(std::memory_order_relaxed);
  const bool wide = forced ? forced == 16 : avx512;
  (wide ? blockProductWide : blockProductNarrow)(A, B, C, R, M, N, K, k0, scale);
}

} // namespace

void setModeGemmLanes(int lanes) { lanesOverride = lanes; }

int64_t ModeGemm::scratchFloats(int threads) const {
  // + 16: room to align the tiles to 64 bytes (a vector load of an
  // unaligned tile spans two cache lines: the kernel ran at half speed).
  return std::max(threads, 1) * (rows * inner + inner * cols) * 2 * KB + 16;
}

void ModeGemm::run(ThreadPool *pool, const cfloat *a, const cfloat *b, cfloat *c,
                   const float *scale, float *scratch) const {
  const int64_t blocks = (modes + KB - 1) / KB;
  const int64_t tileFloats = (rows * inner + inner * cols) * 2 * KB;
  const int threads = pool ? pool->size() : 1;
  const int64_t parts = std::max<int64_t>(1, std::min<int64_t>(threads, blocks));
  // Every tile is a multiple of 2 KB floats (64 bytes) long: aligning the
  // base aligns them all.
  scratch += (64 - reinterpret_cast<uintptr_t>(scratch) % 64) % 64 / sizeof(float);
  auto body = [&](int64_t p0, int64_t p1) {
    for (int64_t p = p0; p < p1; ++p) {
      float *tileA = scratch + p * tileFloats;
      float *tileB = tileA + rows * inner * 2 * KB;
      for (int64_t kb = blocks * p / parts; kb < blocks * (p + 1) / parts; ++kb) {
        const int64_t k0 = kb * KB;
        packTile(a, tileA, rows, inner, modes, k0, transA, conjA);
        packTile(b, tileB, inner, cols, modes, k0, transB, conjB);
        blockProduct(tileA, tileB, c, rows, inner, cols, modes, k0, scale);
      }
    }
  };
  if (pool)
    pool->parallelFor(parts, body);
  else
    body(0, parts);
}

} // namespace shodh
