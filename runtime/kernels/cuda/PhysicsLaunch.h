//===- PhysicsLaunch.h - Device entry points of the CUDA physics kernels --===//
//
// Plain-pointer launchers of Physics.cu (the style of Launch.h) and the
// plain-data description of a physics call they take: the grid, the channel
// counts and the derivative terms, copied by value into each launch (at
// most 6 terms: the 3D curl). `PhysicsGeometry` is built on the host by
// PhysicsLayout.h from a validated CPU `PhysicsCall`.
//
// Every output element is computed by one thread, with the terms in the
// CPU kernel's order and the CPU's operation order (nvcc runs with
// --fmad=false): no atomics, so results repeat exactly.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/kernels/cuda/Launch.h"

#include <cstdint>

namespace shodh::cuda {

/// Most derivative terms a physics call has (3D curl: 2 per component).
constexpr int kMaxPhysicsTerms = 6;

/// out[out] += factor * d in[in] / dx_axis. `factor` is the term's sign for
/// the spectral method and sign / (2 dx_axis) for fd2.
struct PhysicsTerm {
  int out = 0, in = 0, axis = 0;
  double factor = 0.0;
};

/// A physics call on a concrete grid, as the device code sees it.
struct PhysicsGeometry {
  int spatial = 0;          ///< d (2 or 3)
  int64_t n[3] = {1, 1, 1}; ///< N_1..N_d; 1 past d
  int64_t batch = 0;        ///< B
  int64_t inChannels = 0, outChannels = 0;
  int64_t half = 0;               ///< N_d / 2 + 1 (half-spectrum row length)
  int64_t leadRows = 0;           ///< N_1 * .. * N_{d-1}
  int64_t kOffset[3] = {0, 0, 0}; ///< start of each axis in the k table
  double scale = 1.0;             ///< 1 / (N_1 * .. * N_d), the c2r factor
  int termCount = 0;
  PhysicsTerm terms[kMaxPhysicsTerms];
};

// Spectra are interleaved (re, im) pairs of the element type, laid out as
// [B, C, N_1, .., N_{d-1}, half]; `k` is the wavenumber table of the element
// type (axis a at kOffset[a]: N_a values, the last axis `half` values).

/// outSpec[b, o] = sum over terms (in order) factor * scale * i k_axis
/// inSpec[b, in], one thread per output mode.
void launchSpectralDerivative(const PhysicsGeometry &g, bool f64, const void *k,
                              const void *inSpec, void *outSpec, Stream s);
/// The Leray projection u <- (u - k (k . u) / |k|^2) * scale in place on
/// spec [B, d, ...] (modes with |k| = 0 only scaled), one thread per mode.
void launchLerayProject(const PhysicsGeometry &g, bool f64, const void *k,
                        void *spec, Stream s);
/// y[b, o] = sum over terms (in order) factor * (x[i + e_axis] - x[i -
/// e_axis]) on the periodic grid, one thread per output point.
void launchFd2Derivative(const PhysicsGeometry &g, bool f64, const void *x,
                         void *y, Stream s);

} // namespace shodh::cuda
