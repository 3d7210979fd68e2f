//===- ModeGemm.cpp - One small complex matrix product per Fourier mode ---===//
//
// Tile layout for mode block kb (kModeBlock = KB lanes): A as
// [rows][inner][re | im][KB], B as [inner][cols][re | im][KB], lanes past K
// zero. The kernel keeps NB = 4 output columns x (re, im) x KB lanes in
// registers and streams over the inner index.
//
//===----------------------------------------------------------------------===//
#include "runtime/kernels/cpu/spectral/ModeGemm.h"
#include "runtime/core/ThreadPool.h"
#include "runtime/kernels/cpu/VectorClones.h"

#include <algorithm>


namespace shodh {

namespace {

constexpr int64_t KB = kModeBlock;
constexpr int64_t NB = 4; // output columns per register tile

/// Copies the [outer, inner] complex matrices of modes [k0, k0 + KB) of
/// `src` into a planar tile; `trans`: src is stored [inner, outer, K].
void packTile(const cfloat *src, float *tile, int64_t outer, int64_t inner,
              int64_t K, int64_t k0, bool trans, bool conj) {
  const int64_t lanes = std::min(KB, K - k0);
  const float sign = conj ? -1.0f : 1.0f;
  for (int64_t p = 0; p < outer; ++p)
    for (int64_t q = 0; q < inner; ++q) {
      const cfloat *s = src + (trans ? q * outer + p : p * inner + q) * K + k0;
      float *re = tile + (p * inner + q) * 2 * KB, *im = re + KB;
      int64_t j = 0;
      for (; j < lanes; ++j)
        re[j] = s[j].real(), im[j] = sign * s[j].imag();
      for (; j < KB; ++j)
        re[j] = 0.0f, im[j] = 0.0f;
    }
}

/// acc[n][re|im][KB] = sum_m A[r, m] * B[m, n0 + n] for n < W.
template <int W>
inline void tileProduct(const float *A, const float *B, int64_t r, int64_t n0,
                        int64_t M, int64_t N, float (&acc)[NB][2][KB]) {
  for (int n = 0; n < W; ++n)
    for (int64_t j = 0; j < KB; ++j)
      acc[n][0][j] = 0.0f, acc[n][1][j] = 0.0f;
  const float *a = A + r * M * 2 * KB;
  for (int64_t m = 0; m < M; ++m, a += 2 * KB) {
    const float *b = B + (m * N + n0) * 2 * KB;
    for (int n = 0; n < W; ++n, b += 2 * KB)
      for (int64_t j = 0; j < KB; ++j) {
        float ar = a[j], ai = a[KB + j], br = b[j], bi = b[KB + j];
        acc[n][0][j] += ar * br - ai * bi;
        acc[n][1][j] += ar * bi + ai * br;
      }
  }
}

/// Writes the register tile to C (interleaved), scaled per mode.
inline void storeTile(const float (&acc)[NB][2][KB], int W, cfloat *C,
                      int64_t r, int64_t n0, int64_t N, int64_t K, int64_t k0,
                      const float *scale) {
  const int64_t lanes = std::min(KB, K - k0);
  for (int n = 0; n < W; ++n) {
    cfloat *c = C + (r * N + n0 + n) * K + k0;
    for (int64_t j = 0; j < lanes; ++j) {
      float s = scale ? scale[k0 + j] : 1.0f;
      c[j] = {acc[n][0][j] * s, acc[n][1][j] * s};
    }
  }
}

/// All output tiles of one mode block.
SHODH_VECTOR_CLONES
void blockProduct(const float *A, const float *B, cfloat *C, int64_t R,
                  int64_t M, int64_t N, int64_t K, int64_t k0,
                  const float *scale) {
  float acc[NB][2][KB];
  for (int64_t r = 0; r < R; ++r) {
    int64_t n0 = 0;
    for (; n0 + NB <= N; n0 += NB) {
      tileProduct<NB>(A, B, r, n0, M, N, acc);
      storeTile(acc, NB, C, r, n0, N, K, k0, scale);
    }
    for (; n0 < N; ++n0) {
      tileProduct<1>(A, B, r, n0, M, N, acc);
      storeTile(acc, 1, C, r, n0, N, K, k0, scale);
    }
  }
}

} // namespace

int64_t ModeGemm::scratchFloats(int threads) const {
  return std::max(threads, 1) * (rows * inner + inner * cols) * 2 * KB;
}

void ModeGemm::run(ThreadPool *pool, const cfloat *a, const cfloat *b, cfloat *c,
                   const float *scale, float *scratch) const {
  const int64_t blocks = (modes + KB - 1) / KB;
  const int64_t tileFloats = (rows * inner + inner * cols) * 2 * KB;
  const int threads = pool ? pool->size() : 1;
  const int64_t parts = std::max<int64_t>(1, std::min<int64_t>(threads, blocks));
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
