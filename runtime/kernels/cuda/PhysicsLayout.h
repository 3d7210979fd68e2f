//===- PhysicsLayout.h - Host-side geometry of the CUDA physics kernels ---===//
//
// Turns a validated CPU `PhysicsCall` (cpu/physics/PhysicsCall.h) and a
// concrete grid into what the device code of Physics.cu takes: the
// `PhysicsGeometry` (extents, half-spectrum layout, terms with their
// factors) and the wavenumber table, built from the CPU's own
// `axisWavenumbers` so both backends use the same k values (Nyquist: 0).
// Pure host code: its test runs without a GPU.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/kernels/cpu/physics/PhysicsCall.h"
#include "runtime/kernels/cuda/PhysicsLaunch.h"

#include <cstdint>
#include <vector>

namespace shodh::cuda {

/// The device description of `call` on `grid` (N_1..N_d) for `batch`
/// fields. Term factors: the sign (spectral) or sign / (2 L_a / N_a) (fd2),
/// computed in double as the CPU kernels do. Throws `Error` if the grid
/// does not have `call.spatial` axes.
PhysicsGeometry physicsGeometry(const PhysicsCall &call,
                                const std::vector<int64_t> &grid,
                                int64_t batch);

/// The wavenumbers of every axis, concatenated at `g.kOffset`: leading axes
/// full (N_a values), the last axis the rfft half (N_d / 2 + 1 values).
std::vector<double> wavenumberTable(const PhysicsCall &call,
                                    const PhysicsGeometry &g);

/// Elements of one spectrum of `channels` channels: B * C * leadRows * half.
int64_t spectrumElements(const PhysicsGeometry &g, int64_t channels);

} // namespace shodh::cuda
