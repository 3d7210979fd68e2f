//===- FnoCost.h - Analytic FLOP and byte counts of the FNO-2D model ------===//
//
// Counts the work of models/fno.mlir (the architecture of
// shared/peers/torch_fno2d.py) for the roofline in bench/roofline.cpp. With
// N = B * res^2 grid points, R = res^2, w = width, m = modes, P = proj:
//
// FLOPs (a multiply-add is 2; the minimum an implementation must do):
//   linear  c_in -> c_out over N points  2 N c_in c_out + N c_out (bias)
//   FFT     one 2-D real transform of R points, forward or inverse:
//           2.5 R log2 R (the usual real-FFT estimate); B*w per rfft/irfft
//   contract per kept mode (2m * m of them) a [w x w] complex
//           matrix-vector product per sample: 8 B (2 m^2) w^2
//   elementwise  add 1, GELU kGeluFlops, GELU backward kGeluGradFlops per
//           element; MSE loss 3 forward + 2 backward per element; Adam
//           kAdamFlops per parameter.
//   Backward of a linear: dW (2 N c_in c_out) + db (N c_out) + dX (2 N c_in
//   c_out, skipped for the lift, whose input needs no gradient). Backward
//   of a spectral conv: one rfft of dY, dW and dX-hat contractions (2x the
//   forward's), one irfft; the forward spectrum is taken as saved. The
//   gradients of a Fourier layer's two branches are added (N w).
//
// Bytes (f32 = 4, complex<f32> = 8): the minimum traffic of each layer's
// inputs and outputs, each read or written once, with a layer being the
// lift, one Fourier layer (spectral conv + skip + add + GELU fused) or the
// projection MLP (proj1 + GELU + proj2 fused); parameters are read once
// (and their gradients written once). The training step adds the loss
// (reads y and the target, writes dy), each layer's backward (reads dOut
// and its saved input, writes dIn and the parameter gradients) and Adam
// (reads p, g, m, v and writes p, m, v: 28 bytes per parameter).
//
// The spectral layer (`FnoCost::layer`): one inner Fourier layer's forward
// on its own, x[B, w, res, res] -> gelu(spectral conv + skip + bias), as
// bench/spectral_layer.mlir compiles it: its FLOPs as in the model and the
// bytes of reading x, writing y and reading its parameters once.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <string>

namespace shodh::bench {

/// Per-element FLOPs of GELU, y = x/2 (1 + erf(x / sqrt 2)): 3 multiplies,
/// 1 add and ~6 for erf.
constexpr double kGeluFlops = 10;
/// Per-element FLOPs of GELU's backward (erf and the Gaussian, 2 products).
constexpr double kGeluGradFlops = 14;
/// Per-parameter FLOPs of an Adam step (moments 7, bias-corrected update 7).
constexpr double kAdamFlops = 14;

/// Hyperparameters of one FNO-2D configuration (defaults: the peer's).
struct FnoConfig {
  int64_t batch = 16;
  int64_t res = 64;
  int64_t cin = 3;
  int64_t cout = 1;
  int64_t width = 32;
  int64_t modes = 12;
  int64_t layers = 4;
  int64_t proj = 128;
};

/// FLOPs by kind, and the minimum bytes moved.
struct Cost {
  double gemmFlops = 0;        ///< linear layers (lift, skip, projection)
  double fftFlops = 0;         ///< rfft / irfft
  double contractFlops = 0;    ///< per-mode complex contraction
  double elementwiseFlops = 0; ///< bias, add, GELU, loss, Adam
  double bytes = 0;
  double flops() const {
    return gemmFlops + fftFlops + contractFlops + elementwiseFlops;
  }
};

/// Counts of one inference and one training step of a configuration.
struct FnoCost {
  int64_t params = 0; ///< trainable parameters, a complex one counting 2
  Cost infer;
  Cost trainStep;
  Cost layer; ///< one inner Fourier layer with GELU (see the file comment)
};

/// Empty when `c` is a valid configuration, else what is wrong with it
/// (names the field and the expected range).
std::string checkFnoConfig(const FnoConfig &c);

/// The analytic counts of `c`, which must pass checkFnoConfig.
FnoCost fnoCost(const FnoConfig &c);

} // namespace shodh::bench
