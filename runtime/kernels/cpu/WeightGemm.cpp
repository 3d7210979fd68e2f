//===- WeightGemm.cpp - AVX-512 kernel for long-K weight gradients --------===//
#include "runtime/kernels/cpu/WeightGemm.h"
#include "runtime/kernels/cpu/VectorClones.h"

#include <cblas.h>

#include <algorithm>
#include <atomic>
#include <cstdint>


namespace shodh {

namespace {

std::atomic<bool> kernelEnabled{true}; // setWeightGemmKernel

/// The cblas form of the contract.
void runBlas(const WeightGemm &g) {
  if (g.k == 0) { // an empty sum (BLAS rejects K = 0 leading dimensions)
    for (int64_t r = 0; !g.accumulate && r < g.m; ++r)
      std::fill(g.c + r * g.ldc, g.c + r * g.ldc + g.n, 0.0f);
    return;
  }
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, int(g.m), int(g.n),
              int(g.k), 1.0f, g.a, int(g.lda), g.b, int(g.ldb),
              g.accumulate ? 1.0f : 0.0f, g.c, int(g.ldc));
}

#ifdef SHODH_AVX512_INTRINSICS

constexpr int kStrip = 32; // columns of C per pass: two 16-float vectors
/// Positions of B transposed at a time (64 KiB, in L2): a skip linear's
/// whole unit. 128 (16 KiB, in L1) was as fast from cache but slower with
/// the operands coming from memory: 32 + M rows read 512 bytes at a time
/// defeat the hardware prefetcher.
constexpr int64_t kChunk = 512;
/// C with fewer than 8 columns (the lift's [32 x 3] gradient) would waste
/// most of the strip's lanes, with fewer rows it would not pay for the
/// transposition (about 1/M of the FMAs' time): both go through cblas.
/// The rule is symmetric, so C and C^T of the same operands (swapped)
/// take the same path and get the same bits (SpectralConvGrad.h).
constexpr int64_t kMinSide = 8;

/// t[q * 32 + j] = B[n0 + j, k0 + q] for j < cols, q < kc; 0 for j >= cols.
/// Whole 4 x 4 blocks go through SSE transposes, the edges element by element.
__attribute__((target("avx512f"))) void packChunk(const WeightGemm &g,
                                                  int64_t n0, int cols,
                                                  int64_t k0, int kc,
                                                  float *t) {
  const float *b = g.b + n0 * g.ldb + k0;
  const int cols4 = cols & ~3, kc4 = kc & ~3;
  // 16 positions (a cache line of each row) at a time, all rows: t is
  // written 2 KiB after 2 KiB, each line whole while it is in L1.
  for (int q0 = 0; q0 < kc4; q0 += 16) {
    const int q1 = std::min(q0 + 16, kc4);
    for (int j = 0; j < cols4; j += 4) {
      const float *r = b + j * g.ldb;
      for (int q = q0; q < q1; q += 4) {
        __m128 r0 = _mm_loadu_ps(r + q), r1 = _mm_loadu_ps(r + g.ldb + q),
               r2 = _mm_loadu_ps(r + 2 * g.ldb + q),
               r3 = _mm_loadu_ps(r + 3 * g.ldb + q);
        _MM_TRANSPOSE4_PS(r0, r1, r2, r3);
        _mm_storeu_ps(t + q * kStrip + j, r0);
        _mm_storeu_ps(t + (q + 1) * kStrip + j, r1);
        _mm_storeu_ps(t + (q + 2) * kStrip + j, r2);
        _mm_storeu_ps(t + (q + 3) * kStrip + j, r3);
      }
    }
  }
  for (int j = 0; j < cols4; j += 4)
    for (int q = kc4; q < kc; ++q)
      for (int i = 0; i < 4; ++i)
        t[q * kStrip + j + i] = b[(j + i) * g.ldb + q];
  for (int j = cols4; j < cols; ++j)
    for (int q = 0; q < kc; ++q)
      t[q * kStrip + j] = b[j * g.ldb + q];
  if (cols < kStrip)
    for (int q = 0; q < kc; ++q)
      std::fill(t + q * kStrip + cols, t + (q + 1) * kStrip, 0.0f);
}

// The 24 accumulators are named variables (X-macros over the rows), as in
// SmallGemm.cpp: as an array gcc may keep a copy in memory.
#define SHODH_WG_ROWS(X)                                                       \
  X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11)

/// Rows r0 .. r0 + R of C (only the first `live` stored; the others repeat
/// the last live row), columns n0 .. n0 + 32 under the masks, over the
/// chunk's kc positions from k0: from 0 when `first`, else from C.
template <int R>
__attribute__((target("avx512f"))) void
rowBlock(const WeightGemm &g, int64_t r0, int live, int64_t n0, int64_t k0,
         int kc, const float *t, bool first, __mmask16 m0, __mmask16 m1) {
#define SHODH_WG_INIT(r)                                                       \
  [[maybe_unused]] __m512 c##r##0 = _mm512_setzero_ps(), c##r##1 = c##r##0;    \
  [[maybe_unused]] const float *a##r =                                         \
      g.a + (r0 + std::min(r, live - 1)) * g.lda + k0;                         \
  if constexpr (r < R) {                                                       \
    if (!first && r < live) {                                                  \
      const float *cp = g.c + (r0 + r) * g.ldc + n0;                           \
      c##r##0 = _mm512_maskz_loadu_ps(m0, cp);                                 \
      c##r##1 = _mm512_maskz_loadu_ps(m1, cp + 16);                            \
    }                                                                          \
  }
  SHODH_WG_ROWS(SHODH_WG_INIT)
#undef SHODH_WG_INIT
  for (int q = 0; q < kc; ++q) {
    const __m512 t0 = _mm512_load_ps(t + q * kStrip),
                 t1 = _mm512_load_ps(t + q * kStrip + 16);
#define SHODH_WG_STEP(r)                                                       \
  if constexpr (r < R) {                                                       \
    const __m512 w = _mm512_set1_ps(a##r[q]);                                  \
    c##r##0 = _mm512_fmadd_ps(w, t0, c##r##0);                                 \
    c##r##1 = _mm512_fmadd_ps(w, t1, c##r##1);                                 \
  }
    SHODH_WG_ROWS(SHODH_WG_STEP)
#undef SHODH_WG_STEP
  }
#define SHODH_WG_STORE(r)                                                      \
  if constexpr (r < R) {                                                       \
    if (r < live) {                                                            \
      float *cp = g.c + (r0 + r) * g.ldc + n0;                                 \
      _mm512_mask_storeu_ps(cp, m0, c##r##0);                                  \
      _mm512_mask_storeu_ps(cp + 16, m1, c##r##1);                             \
    }                                                                          \
  }
  SHODH_WG_ROWS(SHODH_WG_STORE)
#undef SHODH_WG_STORE
}
#undef SHODH_WG_ROWS

/// Strips of 32 columns; per strip, chunks of positions transposed into
/// `t`, each run through all row blocks (12 rows, then 8 or 4 at the end).
void runAvx512(const WeightGemm &g) {
  alignas(64) float t[kChunk * kStrip];
  for (int64_t n0 = 0; n0 < g.n; n0 += kStrip) {
    const int cols = int(std::min<int64_t>(kStrip, g.n - n0));
    const __mmask16 m0 = laneMask(cols), m1 = laneMask(cols - 16);
    for (int64_t k0 = 0; k0 < g.k; k0 += kChunk) {
      const int kc = int(std::min(kChunk, g.k - k0));
      packChunk(g, n0, cols, k0, kc, t);
      const bool first = !g.accumulate && k0 == 0;
      for (int64_t r0 = 0; r0 < g.m;) {
        const int64_t left = g.m - r0;
        const int live = int(std::min<int64_t>(left, 12));
        if (live == 12)
          rowBlock<12>(g, r0, live, n0, k0, kc, t, first, m0, m1);
        else if (live >= 8)
          rowBlock<8>(g, r0, 8, n0, k0, kc, t, first, m0, m1);
        else
          rowBlock<4>(g, r0, std::min(live, 4), n0, k0, kc, t, first, m0, m1);
        r0 += live == 12 ? 12 : live >= 8 ? 8 : std::min(live, 4);
      }
    }
  }
}

#endif

} // namespace

void setWeightGemmKernel(bool enabled) { kernelEnabled = enabled; }

bool weightGemmKernelActive() {
  return kernelEnabled.load(std::memory_order_relaxed) && cpuHasAvx512();
}

void WeightGemm::run() const {
  if (m <= 0 || n <= 0)
    return;
#ifdef SHODH_AVX512_INTRINSICS
  if (k > 0 && std::min(m, n) >= kMinSide && weightGemmKernelActive()) {
    runAvx512(*this);
    return;
  }
#endif
  runBlas(*this);
}

} // namespace shodh
