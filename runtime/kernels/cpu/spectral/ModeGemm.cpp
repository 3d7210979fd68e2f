//===- ModeGemm.cpp - One small complex matrix product per Fourier mode ---===//
//
// Tile layout for mode block kb (kModeBlock = KB lanes): A as
// [rows][inner][re | im][KB], B as [inner][cols][re | im][KB], lanes past K
// zero. The kernel keeps 2 output rows x NB = 4 output columns x (re, im)
// x 16 lanes in 16 registers (without AVX-512: 1 row x 8 lanes, two passes
// per block), one FMA per multiply-add, and streams over the inner index:
// each step loads 2 rows of A and 4 columns of B (12 vectors) for 32 FMAs
// (one row: 10 for 16). Every output's sum runs over the inner index in
// the same order whatever the blocking, so results are bit-identical to
// the one-row kernel (25 % slower at the FNO's shapes).
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

/// Packs whole matrices: every mode block's tile of `src` at once (tile kb
/// at tiles + kb * outer * inner * 2 KB), reading the stored rows
/// [first, end) of K modes each in order, so that the reads stream.
SHODH_VECTOR_CLONES
void packRows(const cfloat *src, float *tiles, int64_t outer, int64_t inner,
              int64_t K, bool trans, bool conj, int64_t first, int64_t end) {
  const int64_t tile = outer * inner * 2 * KB;
  const float sign = conj ? -1.0f : 1.0f;
  for (int64_t idx = first; idx < end; ++idx) {
    const int64_t p = trans ? idx % outer : idx / inner,
                  q = trans ? idx / outer : idx % inner;
    const float *row = reinterpret_cast<const float *>(src + idx * K);
    float *re = tiles + (p * inner + q) * 2 * KB;
    for (int64_t k0 = 0; k0 < K; k0 += KB, re += tile)
      packLanes(row + 2 * k0, re, re + KB, std::min(KB, K - k0), sign);
  }
}

/// acc[q][n][re|im][l] = sum_m A[r + q, m] * B[m, n0 + n] at lane j0 + l,
/// for q < RB, n < W and l < L (a pass over L of the block's KB lanes).
/// Each m loads RB rows of A and W columns of B once for 4 RB W FMAs.
template <int RB, int W, int L>
SHODH_INLINE_BODY void tileProduct(const float *A, const float *B, int64_t r,
                                   int64_t n0, int64_t M, int64_t N, int64_t j0,
                                   float (&acc)[RB][NB][2][L]) {
  for (int q = 0; q < RB; ++q)
    for (int n = 0; n < W; ++n)
      for (int j = 0; j < L; ++j)
        acc[q][n][0][j] = 0.0f, acc[q][n][1][j] = 0.0f;
  const float *a = A + r * M * 2 * KB + j0;
  for (int64_t m = 0; m < M; ++m, a += 2 * KB) {
    const float *b = B + (m * N + n0) * 2 * KB + j0;
    for (int n = 0; n < W; ++n, b += 2 * KB)
      for (int q = 0; q < RB; ++q)
        for (int j = 0; j < L; ++j) {
          // Four separate multiply-adds into the accumulators (one FMA
          // each; `acc += ar br - ai bi` would cost a multiply and an add
          // more).
          const float *aq = a + q * M * 2 * KB;
          float ar = aq[j], ai = aq[KB + j], br = b[j], bi = b[KB + j];
          acc[q][n][0][j] += ar * br;
          acc[q][n][0][j] -= ai * bi;
          acc[q][n][1][j] += ar * bi;
          acc[q][n][1][j] += ai * br;
        }
  }
}

#ifdef SHODH_AVX512_INTRINSICS
/// c[2j] = re[j] s[j], c[2j + 1] = im[j] s[j] for j < 16: two multiplies
/// and two two-source permutes (gcc scalarised the plain loop's
/// interleave). Called only where the CPU has AVX-512 (the 16-lane body
/// also runs elsewhere when a test forces it: setModeGemmLanes); the
/// clones without AVX-512 call it without inlining.
__attribute__((target("avx512f"))) inline void
storeInterleaved16(const float *re, const float *im, const float *s, float *c) {
  const __m512 sv = _mm512_loadu_ps(s);
  const __m512 r = _mm512_mul_ps(_mm512_loadu_ps(re), sv);
  const __m512 i = _mm512_mul_ps(_mm512_loadu_ps(im), sv);
  const __m512i lo =
      _mm512_setr_epi32(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
  const __m512i hi = _mm512_setr_epi32(8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13,
                                       29, 14, 30, 15, 31);
  _mm512_storeu_ps(c, _mm512_permutex2var_ps(r, lo, i));
  _mm512_storeu_ps(c + 16, _mm512_permutex2var_ps(r, hi, i));
}
#endif

/// Writes a row's register tile (lanes j0 .. j0 + L) to C's row r
/// (interleaved), scaled per mode (`scale` null: by 1). Whole passes run a
/// constant-length loop, which each clone vectorises into interleaving
/// stores.
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
#ifdef SHODH_AVX512_INTRINSICS
    if constexpr (L == 16)
      if (lanes == L && cpuHasAvx512()) {
        storeInterleaved16(acc[n][0], acc[n][1], s, c);
        continue;
      }
#endif
    if (lanes == L) {
      for (int j = 0; j < L; ++j)
        c[2 * j] = acc[n][0][j] * s[j], c[2 * j + 1] = acc[n][1][j] * s[j];
      continue;
    }
    for (int64_t j = 0; j < lanes; ++j)
      c[2 * j] = acc[n][0][j] * s[j], c[2 * j + 1] = acc[n][1][j] * s[j];
  }
}

/// Rows r .. r + RB of C against columns n0 .. n0 + W, lanes j0 .. j0 + L.
template <int RB, int W, int L>
SHODH_INLINE_BODY void rowTiles(const float *A, const float *B, cfloat *C,
                                int64_t r, int64_t n0, int64_t M, int64_t N,
                                int64_t K, int64_t k0, int64_t j0,
                                const float *scale) {
  float acc[RB][NB][2][L];
  tileProduct<RB, W, L>(A, B, r, n0, M, N, j0, acc);
  storeTile<L>(acc[0], W, C, r, n0, N, K, k0, j0, scale);
  if constexpr (RB > 1)
    storeTile<L>(acc[1], W, C, r + 1, n0, N, K, k0, j0, scale);
  static_assert(RB <= 2, "rowTiles stores at most two rows");
}

/// All output tiles of one mode block, L lanes per pass: RB x NB x 2 x L
/// accumulators must fit the vector registers (16 lanes: 2 rows, 16 zmm of
/// AVX-512's 32; 8 lanes: 1 row, 8 ymm of AVX2's 16).
template <int L>
SHODH_INLINE_BODY void blockProductBody(const float *A, const float *B, cfloat *C, int64_t R,
                                        int64_t M, int64_t N, int64_t K, int64_t k0,
                                        const float *scale) {
  // Rows innermost: one column panel of B (M x NB x 2 x KB floats, 16 KB
  // at M = 32) stays in L1 while the rows of A stream past it, RB at a
  // time (NB x 2 x RB accumulators of L lanes).
  constexpr int RB = L == 16 ? 2 : 1;
  for (int64_t j0 = 0; j0 < KB && k0 + j0 < K; j0 += L) {
    int64_t n0 = 0;
    for (; n0 + NB <= N; n0 += NB) {
      int64_t r = 0;
      for (; r + RB <= R; r += RB)
        rowTiles<RB, NB, L>(A, B, C, r, n0, M, N, K, k0, j0, scale);
      for (; r < R; ++r)
        rowTiles<1, NB, L>(A, B, C, r, n0, M, N, K, k0, j0, scale);
    }
    for (; n0 < N; ++n0)
      for (int64_t r = 0; r < R; ++r)
        rowTiles<1, 1, L>(A, B, C, r, n0, M, N, K, k0, j0, scale);
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

namespace {
/// `p` advanced to the next 64-byte boundary.
float *alignTile(float *p) {
  return p + (64 - reinterpret_cast<uintptr_t>(p) % 64) % 64 / sizeof(float);
}
} // namespace

int64_t ModeGemm::packedBFloats() const {
  return (modes + KB - 1) / KB * inner * cols * 2 * KB + 16;
}

void ModeGemm::packB(ThreadPool *pool, const cfloat *b, float *packed) const {
  packed = alignTile(packed);
  auto body = [&](int64_t r0, int64_t r1) {
    packRows(b, packed, inner, cols, modes, transB, conjB, r0, r1);
  };
  if (pool)
    pool->parallelFor(inner * cols, body);
  else
    body(0, inner * cols);
}

int64_t ModeGemm::packedScratchFloats() const {
  return rows * inner * 2 * KB + 16;
}

void ModeGemm::runPacked(const cfloat *a, const float *packedB, cfloat *c,
                         const float *scale, float *scratch) const {
  const int64_t blocks = (modes + KB - 1) / KB, tile = inner * cols * 2 * KB;
  const float *tileB = alignTile(const_cast<float *>(packedB));
  float *tileA = alignTile(scratch);
  for (int64_t kb = 0; kb < blocks; ++kb, tileB += tile) {
    packTile(a, tileA, rows, inner, modes, kb * KB, transA, conjA);
    blockProduct(tileA, tileB, c, rows, inner, cols, modes, kb * KB, scale);
  }
}

void ModeGemm::run(ThreadPool *pool, const cfloat *a, const cfloat *b, cfloat *c,
                   const float *scale, float *scratch) const {
  const int64_t blocks = (modes + KB - 1) / KB;
  const int64_t tileFloats = (rows * inner + inner * cols) * 2 * KB;
  const int threads = pool ? pool->size() : 1;
  const int64_t parts = std::max<int64_t>(1, std::min<int64_t>(threads, blocks));
  // Every tile is a multiple of 2 KB floats (64 bytes) long: aligning the
  // base aligns them all.
  scratch = alignTile(scratch);
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
