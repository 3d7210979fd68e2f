//===- ModeGemm.h - One small complex matrix product per Fourier mode ------===//
//
// FNO's spectral channel mixing and its two adjoints are, for every kept
// mode k, a small complex matrix product:
//   forward        out[b, o, k] = sum_i x[b, i, k] w[i, o, k]
//   adjoint input  dx[b, i, k]  = sum_o dy[b, o, k] conj(w[i, o, k])
//   adjoint weight dw[i, o, k]  = s_k sum_b conj(x[b, i, k]) dy[b, o, k]
// All tensors are stored [.., .., K] with the mode fastest (interleaved
// complex). modeGemm repacks both operands per block of kModeBlock modes
// into planar (re / im) tiles, with conjugation applied while packing, and
// runs a register-blocked kernel whose SIMD lanes are modes; blocks of modes
// are spread over the thread pool. Sums run over the inner index in order,
// so results do not depend on the thread count.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <complex>
#include <cstdint>
#include <vector>

namespace shodh {

class ThreadPool;
using cfloat = std::complex<float>;

/// Modes per packed tile (16: one AVX-512 register per re / im row).
constexpr int64_t kModeBlock = 16;

/// Test hook: runs the kernel 16 lanes at a time (16) or in two passes of 8
/// (8) whatever the CPU has; 0 restores the default (16 with AVX-512).
/// Results are the same either way (ModeGemmTest).
void setModeGemmLanes(int lanes);

/// C[r, n, k] = scale[k] * sum_m op(A)[r, m, k] * op(B)[m, n, k].
struct ModeGemm {
  int64_t rows = 0, inner = 0, cols = 0, modes = 0;
  bool transA = false; ///< A stored [inner, rows, K] instead of [rows, inner, K]
  bool conjA = false;
  bool transB = false; ///< B stored [cols, inner, K] instead of [inner, cols, K]
  bool conjB = false;

  /// The three products of the header, for x [B, I, K], w [I, O, K],
  /// dy [B, O, K].
  static ModeGemm forward(int64_t B, int64_t I, int64_t O, int64_t K) {
    return {B, I, O, K, false, false, false, false};
  }
  static ModeGemm adjointInput(int64_t B, int64_t I, int64_t O, int64_t K) {
    return {B, O, I, K, false, false, true, true};
  }
  static ModeGemm adjointWeight(int64_t B, int64_t I, int64_t O, int64_t K) {
    return {I, B, O, K, true, true, false, false};
  }

  /// Floats of packing scratch `run` needs with a pool of `threads`.
  int64_t scratchFloats(int threads) const;

  /// Computes C (stored [rows, cols, K]); `scale` (K floats) may be null.
  /// `scratch` holds scratchFloats(pool size) floats, 4-byte aligned (the
  /// tiles are placed 64-byte aligned inside it).
  void run(ThreadPool *pool, const cfloat *a, const cfloat *b, cfloat *c,
           const float *scale, float *scratch) const;

  /// Floats of B packed whole (every mode block's tile), plus alignment.
  int64_t packedBFloats() const;
  /// Packs B whole into `packed` (packedBFloats() floats), B's stored rows
  /// of modes spread over `pool` (each read in order); feeds runPacked.
  void packB(ThreadPool *pool, const cfloat *b, float *packed) const;
  /// Floats of scratch runPacked needs (A's tile of one mode block).
  int64_t packedScratchFloats() const;
  /// run() on the calling thread with B packed by packB, for callers that
  /// multiply a few rows at a time against the same B (the fused spectral
  /// layers, one batch element per call): each output's sum is the same as
  /// run()'s, in the same order, so the results are the same bits.
  void runPacked(const cfloat *a, const float *packedB, cfloat *c,
                 const float *scale, float *scratch) const;
};

} // namespace shodh
