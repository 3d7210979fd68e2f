//===- ExpertFnoSchedule.h - The order of work of CUDA expert_fno ---------===//
//
// The steps of the CUDA expert_fno and expert_fno_grad kernels, written
// once over an `Ops` object so that a host test (ExpertFnoModesTest.cpp)
// runs the same schedule with FFTW, OpenBLAS, the CPU's GELU and the
// element code of ExpertFnoDevice.h, and compares it with the CPU kernels.
// With `kept` = offsets[E] rows in groups of the offsets (read back on the
// host: `off`), x [rows, C, P], z / dz [rows, O, P]:
//
//   z (pre-activation):
//     X = r2c(x) over all rows (the plan's batch is the upper bound B R;
//         rows past `kept` are transformed but never read)
//     Z^ = 0; ForwardModes (kept rows, each expert's own slots, 1/N)
//     z = c2r(Z^) (dropped rows come out 0)
//     z_r += wskip_e x_r: one strided-batched GEMM per non-empty expert
//     AddBias (kept rows)
//   forward:  y = gelu(z) on the kept rows; dropped rows zeroed
//   gradient: dz = gelu'(z) dy (in place, kept rows)
//     dZ = r2c(dz) (into Z^'s buffer, consumed by the c2r)
//     WeightGradModes -> dwspec (every element written: zeros outside the
//         experts' slots and for empty experts)
//     X's buffer := 0; InputGradModes (kept rows, 1/N); dx = c2r of it
//     dx_r += wskip_e^T dz_r: one strided-batched GEMM per expert
//     dx dropped rows zeroed
//     partial_r = dz_r x_r^T for all kept rows: one strided-batched GEMM
//     SkipWeightSums -> dwskip, BiasGradSums -> dbskip (rows in order)
//
// `Ops` provides: r2c(outChannels, real, half) and c2r(outChannels, half,
// real) over rows x O (outChannels) or rows x C grids (c2r destroys
// `half`); zero(ptr, bytes); gemm(...) as AttentionSchedule.h's row-major
// batched GEMM; step(FnoStep, args, n) running fnoStepAt for j < n;
// gelu(x, n) in place; geluGrad(x, dy, n) (x := dy gelu'(x)).
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/kernels/cpu/grad/SpectralAdjoint.h"
#include "runtime/kernels/cpu/spectral/SpectralLayout.h"
#include "runtime/kernels/cuda/ExpertFnoDevice.h"
#include "runtime/kernels/cuda/RowMajorGemm.h"

#include <algorithm>
#include <cstdint>
#include <vector>

namespace shodh::cuda {

/// The geometry of a call and its host tables: the half-spectrum offset
/// of every stacked slot and the CPU's gradient scale c_k / N per slot.
struct FnoTables {
  FnoGeometry g;
  std::vector<int64_t> grid, gather;
  std::vector<float> gradScale;
};

/// The tables of a call with x [B, R, C, grid...], wspec [E, C, O, ...]
/// and `modes` (shapes already validated by the CPU kernel).
inline FnoTables makeFnoTables(const std::vector<int64_t> &x,
                               const std::vector<int64_t> &wspec,
                               const std::vector<int64_t> &modes) {
  FnoTables t;
  FnoGeometry &g = t.g;
  t.grid.assign(x.begin() + 3, x.end());
  g.dims = int64_t(t.grid.size());
  g.mmax = *std::max_element(modes.begin(), modes.end());
  g.rows = x[0] * x[1], g.in = x[2];
  g.experts = wspec[0], g.out = wspec[2];
  SpectralGeometry big{t.grid, std::vector<int64_t>(t.grid.size(), g.mmax)};
  std::vector<int64_t> stack = big.truncShape();
  std::copy(stack.begin(), stack.end(), g.stack);
  g.stackSize = big.truncSize(), g.halfSize = big.halfSize();
  g.points = 1;
  for (int64_t n : t.grid)
    g.points *= n;
  t.gather = big.gatherIndex();
  // As the CPU kernel: c_k of the slot's last-axis frequency, then / N.
  t.gradScale = truncatedModeWeights(big);
  for (float &c : t.gradScale)
    c /= float(g.points);
  return t;
}

/// The tensors and scratch of one expert_fno(_grad) call (device pointers
/// on the GPU). `halfX` holds rows C half spectra, `halfZ` rows O.
struct FnoTensors {
  const float *x = nullptr;
  const void *wspec = nullptr;
  const float *wskip = nullptr, *bskip = nullptr;
  const float *dy = nullptr; ///< gradient only
  void *halfX = nullptr, *halfZ = nullptr;
  float *z = nullptr;       ///< forward: y; gradient: dz scratch
  float *partial = nullptr; ///< gradient: kept O C floats
  float *dx = nullptr;
  void *dwspec = nullptr;
  float *dwskip = nullptr, *dbskip = nullptr;
};

/// Calls fn(e, first row, rows) for every expert with rows, in order.
template <typename Fn>
void fnoEachGroup(const std::vector<int64_t> &off, Fn fn) {
  for (size_t e = 0; e + 1 < off.size(); ++e)
    if (off[e + 1] > off[e])
      fn(int64_t(e), off[e], off[e + 1] - off[e]);
}

/// z = spectral + skip + bias on the kept rows (see the file comment);
/// `base` carries the geometry and the tables.
template <typename Ops>
void fnoPreActivation(const FnoStepArgs &base, const std::vector<int64_t> &off,
                      const FnoTensors &t, Ops &ops) {
  const FnoGeometry &g = base.g;
  const int64_t kept = off.back(), C = g.in, O = g.out, P = g.points;
  ops.r2c(false, t.x, t.halfX);
  ops.zero(t.halfZ, 8 * g.rows * O * g.halfSize);
  FnoStepArgs a = base;
  a.a = t.halfX, a.w = t.wspec, a.dst = t.halfZ;
  ops.step(FnoStep::ForwardModes, a,
           fnoStepSize(g, FnoStep::ForwardModes, kept));
  ops.c2r(true, t.halfZ, t.z);
  using In = BatchedMat<const float>;
  fnoEachGroup(off, [&](int64_t e, int64_t r0, int64_t n) {
    ops.gemm(false, false, O, P, C, 1.0f, In{t.wskip + e * O * C, C, 0},
             In{t.x + r0 * C * P, P, C * P}, 1.0f,
             BatchedMat<float>{t.z + r0 * O * P, P, O * P}, n);
  });
  FnoStepArgs bias = base;
  bias.src = t.bskip, bias.dst = t.z;
  ops.step(FnoStep::AddBias, bias, fnoStepSize(g, FnoStep::AddBias, kept));
}

/// y (t.z) = expert_fno(x).
template <typename Ops>
void expertFnoForward(const FnoStepArgs &base, const std::vector<int64_t> &off,
                      const FnoTensors &t, Ops &ops) {
  const FnoGeometry &g = base.g;
  const int64_t kept = off.back(), width = g.out * g.points;
  fnoPreActivation(base, off, t, ops);
  ops.gelu(t.z, kept * width);
  if (kept < g.rows)
    ops.zero(t.z + kept * width, 4 * (g.rows - kept) * width);
}

/// (dx, dwspec, dwskip, dbskip) = expert_fno_grad(x, dy).
template <typename Ops>
void expertFnoBackward(const FnoStepArgs &base, const std::vector<int64_t> &off,
                       const FnoTensors &t, Ops &ops) {
  const FnoGeometry &g = base.g;
  const int64_t kept = off.back(), C = g.in, O = g.out, P = g.points;
  fnoPreActivation(base, off, t, ops);
  float *dz = t.z;
  ops.geluGrad(dz, t.dy, kept * O * P);
  ops.r2c(true, dz, t.halfZ);
  FnoStepArgs a = base;
  a.a = t.halfX, a.b = t.halfZ, a.dst = t.dwspec;
  ops.step(FnoStep::WeightGradModes, a,
           fnoStepSize(g, FnoStep::WeightGradModes, kept));
  ops.zero(t.halfX, 8 * g.rows * C * g.halfSize);
  a = base;
  a.a = t.halfZ, a.w = t.wspec, a.dst = t.halfX;
  ops.step(FnoStep::InputGradModes, a,
           fnoStepSize(g, FnoStep::InputGradModes, kept));
  ops.c2r(false, t.halfX, t.dx);
  using In = BatchedMat<const float>;
  fnoEachGroup(off, [&](int64_t e, int64_t r0, int64_t n) {
    ops.gemm(true, false, C, P, O, 1.0f, In{t.wskip + e * O * C, C, 0},
             In{dz + r0 * O * P, P, O * P}, 1.0f,
             BatchedMat<float>{t.dx + r0 * C * P, P, C * P}, n);
  });
  if (kept < g.rows)
    ops.zero(t.dx + kept * C * P, 4 * (g.rows - kept) * C * P);
  if (kept > 0)
    ops.gemm(false, true, O, C, P, 1.0f, In{dz, P, O * P}, In{t.x, P, C * P},
             0.0f, BatchedMat<float>{t.partial, C, O * C}, kept);
  FnoStepArgs sums = base;
  sums.src = t.partial, sums.dst = t.dwskip;
  ops.step(FnoStep::SkipWeightSums, sums,
           fnoStepSize(g, FnoStep::SkipWeightSums, kept));
  sums.src = dz, sums.dst = t.dbskip;
  ops.step(FnoStep::BiasGradSums, sums,
           fnoStepSize(g, FnoStep::BiasGradSums, kept));
}

} // namespace shodh::cuda
