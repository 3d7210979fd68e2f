//===- SmallGemm.cpp - AVX-512 kernel for short-K channel mixing ----------===//
#include "runtime/kernels/cpu/SmallGemm.h"
#include "runtime/kernels/cpu/VectorClones.h"

#include <cblas.h>

#include <algorithm>
#include <atomic>
#include <cassert>
#include <cstdint>


namespace shodh {

namespace {

/// Beyond this depth the 48-column strip of X no longer fits L1 (K x 192
/// bytes of 32 KiB with room for A) and OpenBLAS's packed kernels win.
constexpr int64_t kMaxDepth = 128;
/// Rows of Y per register block; fewer rows than this go through cblas
/// (the kernel would compute a whole block for them).
constexpr int kRows = 8;

std::atomic<bool> kernelEnabled{true}; // setSmallGemmKernel

/// The cblas form of the contract: Y prefilled with bias (+ addend), then
/// one sgemm with beta 1 (beta 0 when there is nothing to add).
void runBlas(const SmallGemm &g) {
  const bool add = g.bias || g.addend;
  for (int64_t r = 0; add && r < g.m; ++r) {
    float bias = g.bias ? g.bias[r] : 0.0f;
    float *row = g.y + r * g.ldy;
    const float *in = g.addend ? g.addend + r * g.ldAddend : nullptr;
    for (int64_t j = 0; j < g.n; ++j)
      row[j] = (in ? in[j] : 0.0f) + bias;
  }
  if (g.k == 0) { // an empty sum (BLAS rejects K = 0 leading dimensions)
    for (int64_t r = 0; !add && r < g.m; ++r)
      std::fill(g.y + r * g.ldy, g.y + r * g.ldy + g.n, 0.0f);
    return;
  }
  // Row-major A needs lda = aRowStride >= k; otherwise A is read as the
  // transpose of a [k x m] matrix with lda = aColStride >= m (with m or k
  // equal to 1 both strides may be 1).
  const bool rowMajorA = g.aColStride == 1 && g.aRowStride >= g.k;
  cblas_sgemm(CblasRowMajor, rowMajorA ? CblasNoTrans : CblasTrans, CblasNoTrans, int(g.m),
              int(g.n), int(g.k), 1.0f, g.a, int(rowMajorA ? g.aRowStride : g.aColStride),
              g.x, int(g.ldx), add ? 1.0f : 0.0f, g.y, int(g.ldy));
}

#ifdef SHODH_AVX512_INTRINSICS

constexpr int kColumns = 48; // columns per block: three 16-float vectors

// The 24 accumulators are named variables (X-macros over the rows): as an
// array gcc kept a copy in memory and stored it on every step of k.
#define SHODH_SG_ROWS(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7)

/// X's row k at xp under `mask`: a plain load for full strips (no mask
/// register in the loop), a masked one (no access past the end) otherwise.
template <bool Full>
__attribute__((target("avx512f"), always_inline)) inline __m512 loadX(__mmask16 mask,
                                                                      const float *xp) {
  return Full ? _mm512_loadu_ps(xp) : _mm512_maskz_loadu_ps(mask, xp);
}

/// Stores v at p under mask m: a streaming store for a whole vector when
/// `stream` (p 64-byte aligned), else a masked one.
__attribute__((target("avx512f"), always_inline)) inline void
storeY(float *p, __mmask16 m, __m512 v, bool stream) {
  if (stream && m == 0xFFFF)
    _mm512_stream_ps(p, v);
  else
    _mm512_mask_storeu_ps(p, m, v);
}

/// One block: rows r0 .. r0 + rows (rows <= 8; the rows past the end repeat
/// the last one and are not stored), columns c0 .. c0 + 16 V under the
/// masks (all set when Full). V = 2 for a strip of at most 32 columns (the
/// last of a 512-column block): a third of the multiply-adds fewer.
template <bool Full, int V>
__attribute__((target("avx512f"))) void
block(const SmallGemm &g, int64_t r0, int rows, int64_t c0, __mmask16 m0,
      __mmask16 m1, __mmask16 m2) {
  static_assert(V == 2 || V == 3, "two or three vectors per row");
  const int64_t last = g.m - 1;
#define SHODH_SG_INIT(r)                                                       \
  const int64_t row##r = std::min<int64_t>(r0 + r, last);                      \
  const float *a##r = g.a + row##r * g.aRowStride;                             \
  __m512 c##r##0 = _mm512_set1_ps(g.bias ? g.bias[row##r] : 0.0f);             \
  __m512 c##r##1 = c##r##0, c##r##2 = c##r##0;
  SHODH_SG_ROWS(SHODH_SG_INIT)
#undef SHODH_SG_INIT
  const float *xp = g.x + c0;
  const int64_t as = g.aColStride;
  for (int64_t k = 0; k < g.k; ++k, xp += g.ldx) {
    const __m512 x0 = loadX<Full>(m0, xp);
    const __m512 x1 = loadX<Full>(m1, xp + 16);
    const __m512 x2 = V == 3 ? loadX<Full>(m2, xp + 32) : x1;
#define SHODH_SG_STEP(r)                                                       \
  {                                                                            \
    const __m512 w = _mm512_set1_ps(a##r[k * as]);                             \
    c##r##0 = _mm512_fmadd_ps(w, x0, c##r##0);                                 \
    c##r##1 = _mm512_fmadd_ps(w, x1, c##r##1);                                 \
    if constexpr (V == 3)                                                      \
      c##r##2 = _mm512_fmadd_ps(w, x2, c##r##2);                               \
  }
    SHODH_SG_ROWS(SHODH_SG_STEP)
#undef SHODH_SG_STEP
  }
#define SHODH_SG_STORE(r)                                                      \
  if (r < rows) {                                                              \
    float *yp = g.y + (r0 + r) * g.ldy + c0;                                   \
    if (g.addend) {                                                            \
      const float *in = g.addend + (r0 + r) * g.ldAddend + c0;                 \
      c##r##0 = _mm512_add_ps(c##r##0, _mm512_maskz_loadu_ps(m0, in));         \
      c##r##1 = _mm512_add_ps(c##r##1, _mm512_maskz_loadu_ps(m1, in + 16));    \
      if constexpr (V == 3)                                                    \
        c##r##2 = _mm512_add_ps(c##r##2, _mm512_maskz_loadu_ps(m2, in + 32));  \
    }                                                                          \
    const bool stream = g.stream && reinterpret_cast<uintptr_t>(yp) % 64 == 0; \
    storeY(yp, Full ? 0xFFFF : m0, c##r##0, stream);                           \
    storeY(yp + 16, Full ? 0xFFFF : m1, c##r##1, stream);                      \
    if constexpr (V == 3)                                                      \
      storeY(yp + 32, Full ? 0xFFFF : m2, c##r##2, stream);                    \
  }
  SHODH_SG_ROWS(SHODH_SG_STORE)
#undef SHODH_SG_STORE
}
#undef SHODH_SG_ROWS

/// Column strips of 48, each through all row blocks while it is in L1.
void runAvx512(const SmallGemm &g) {
  for (int64_t c0 = 0; c0 < g.n; c0 += kColumns) {
    const int64_t left = g.n - c0;
    const __mmask16 m0 = laneMask(left), m1 = laneMask(left - 16),
                    m2 = laneMask(left - 32);
    auto run = left >= kColumns ? block<true, 3>
               : left > 32      ? block<false, 3>
               : left == 32     ? block<true, 2>
                                : block<false, 2>;
    for (int64_t r0 = 0; r0 < g.m; r0 += kRows)
      run(g, r0, int(std::min<int64_t>(kRows, g.m - r0)), c0, m0, m1, m2);
  }
  if (g.stream) // streaming stores are weakly ordered: done before returning
    _mm_sfence();
}

__attribute__((target("avx512f"))) void
streamCopyAvx512(const float *src, float *dst, int64_t n) {
  int64_t i = 0;
  for (; i < n && reinterpret_cast<uintptr_t>(dst + i) % 64 != 0; ++i)
    dst[i] = src[i];
  for (; i + 16 <= n; i += 16)
    _mm512_stream_ps(dst + i, _mm512_loadu_ps(src + i));
  for (; i < n; ++i)
    dst[i] = src[i];
}

#endif

} // namespace

void streamFence() {
#ifdef SHODH_AVX512_INTRINSICS
  if (cpuHasAvx512())
    _mm_sfence();
#endif
}

void streamCopy(const float *src, float *dst, int64_t n) {
#ifdef SHODH_AVX512_INTRINSICS
  if (cpuHasAvx512())
    return streamCopyAvx512(src, dst, n);
#endif
  std::copy(src, src + n, dst);
}

void setSmallGemmKernel(bool enabled) { kernelEnabled = enabled; }

bool smallGemmKernelActive() {
  return kernelEnabled.load(std::memory_order_relaxed) && cpuHasAvx512();
}

void SmallGemm::run() const {
  assert(aColStride == 1 || aRowStride == 1);
  if (m <= 0 || n <= 0)
    return;
#ifdef SHODH_AVX512_INTRINSICS
  if (m >= kRows && k <= kMaxDepth && smallGemmKernelActive()) {
    runAvx512(*this);
    return;
  }
#endif
  runBlas(*this);
}

} // namespace shodh
