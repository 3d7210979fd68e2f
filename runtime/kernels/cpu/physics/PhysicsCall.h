//===- PhysicsCall.h - Validated calls of the CPU physics kernels ---------===//
//
// The physics kernels act on real fields [B, C, N_1, .., N_d] (f32 or f64,
// d = 2 or 3) on a periodic box of `lengths` L_i. A derivative kernel
// (divergence, divergence_grad, curl) is a list of terms
// out[o] += sign * d/dx_axis in[c]; `PhysicsCall` holds what the factory
// validated (dtype, channels, lengths, method, terms) and the concrete grid
// once `prepare` has checked the shapes.
//
// Wavenumbers: axis i with N points has k = 2*pi*m / L_i for the signed
// frequency m (0..N/2-1, then -N/2+1..-1); the Nyquist frequency m = N/2 of
// an even axis gets k = 0, which keeps the spectral operators real, the
// first derivative antisymmetric and the projection idempotent
// (docs/runtime.md § Physics kernels).
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/core/Kernel.h"

#include <memory>
#include <string>
#include <vector>

namespace shodh {

/// Which physics kernel a call is.
enum class PhysicsKind { Project, Divergence, DivergenceGrad, Curl };

/// One term of a derivative operator: out[out] += sign * d in[in] / dx_axis.
struct DerivTerm {
  int out, in, axis;
  double sign;
};

/// A validated physics kernel call.
struct PhysicsCall {
  std::string where;
  PhysicsKind kind = PhysicsKind::Project;
  DType dtype = DType::F32;
  int spatial = 0; ///< d, the number of spatial axes
  int64_t inChannels = 0, outChannels = 0;
  std::vector<double> lengths;  ///< box length per spatial axis
  bool spectral = true;         ///< method: spectral or fd2
  std::vector<DerivTerm> terms; ///< empty for the projection

  /// Validates a call of kernel `kind` (throws `Error`).
  static PhysicsCall parse(const KernelSignature &sig, PhysicsKind kind);
  /// Re-checks concrete shapes; returns the grid N_1..N_d.
  std::vector<int64_t> checkShapes(const TensorRef &in,
                                   const TensorRef &out) const;
};

/// Wavenumbers 2*pi*m / length of an axis of `n` points (Nyquist: 0); only
/// the rfft frequencies 0..n/2 when `half`.
std::vector<double> axisWavenumbers(int64_t n, double length, bool half);

/// The spectral derivative kernel (r2c, i k terms, c2r) of `call`.
std::unique_ptr<Kernel> makeSpectralDerivativeKernel(const PhysicsCall &call);
/// The fused Leray projection kernel of `call`.
std::unique_ptr<Kernel> makeLerayProjectKernel(const PhysicsCall &call);
/// The second-order central-difference derivative kernel of `call`.
std::unique_ptr<Kernel> makeFd2DerivativeKernel(const PhysicsCall &call);

} // namespace shodh
