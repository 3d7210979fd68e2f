//===- VectorClones.h - One function compiled per x86-64 ISA level -------===//
//
// SHODH_VECTOR_CLONES before a function definition makes gcc compile it for
// AVX-512 (x86-64-v4), AVX2+FMA (v3) and the baseline, and pick one at load
// time (an ifunc). Used on the hot vectorisable loops (activations, the
// per-mode GEMM); elsewhere, and with other compilers, it expands to nothing.
// SHODH_INLINE_BODY marks the helpers such functions call: always inlined,
// so that each clone compiles them for its own ISA level (an out-of-line
// function or template would be built once, for the baseline).
// Under ThreadSanitizer the clones are off: gcc instruments the ifunc
// resolver, which the dynamic loader runs before TSan is initialised (a
// segfault at load), so a TSan build compiles the baseline loops only.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) &&         \
    !defined(__SANITIZE_THREAD__)
#define SHODH_VECTOR_CLONES                                                    \
  __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define SHODH_VECTOR_CLONES
#endif

#if defined(__GNUC__)
#define SHODH_INLINE_BODY inline __attribute__((always_inline))
#else
#define SHODH_INLINE_BODY inline
#endif

/// Hand-written AVX-512 kernels (functions with target("avx512f"), called
/// only when cpuHasAvx512()) can be compiled: x86-64 with GCC or clang.
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define SHODH_AVX512_INTRINSICS 1
#include <immintrin.h>
#endif

namespace shodh {

/// Whether this CPU runs AVX-512F (the hand-written kernels' condition:
/// SmallGemm, WeightGemm); false off x86-64.
inline bool cpuHasAvx512() {
#ifdef SHODH_AVX512_INTRINSICS
  static const bool has = __builtin_cpu_supports("avx512f");
  return has;
#else
  return false;
#endif
}

/// The lowest `n` bits of a 16-lane mask set (n clamped to [0, 16]): the
/// AVX-512 kernels' masks for partial vectors (an __mmask16).
inline unsigned short laneMask(int64_t n) {
  return static_cast<unsigned short>((1u << (n < 0    ? 0
                                             : n > 16 ? 16
                                                      : n)) -
                                     1u);
}

} // namespace shodh
