//===- ShodhPhysicsOps.td ---------------------------------*- tablegen -*-===//
//
// Physics ops: divergence-free (Leray) projection, divergence and curl.
// Included from ShodhOps.td.
//
// All of them act on fields sampled on a periodic grid, channel-first:
// a velocity is [B, d, N_1, .., N_d] (d = 2 or 3) whose channel c is the
// component along spatial axis c (axis order x_1, .., x_d: for [B, 2, H, W]
// channel 0 is along H, channel 1 along W). `lengths` gives the box size per
// spatial axis (default 2*pi each), so the grid spacing is L_i / N_i and the
// wavenumbers are 2*pi*m / L_i. Derivatives are spectral (i k, with the
// Nyquist wavenumber of an even axis taken as 0) or second-order central
// differences; both are antisymmetric, so each op's adjoint is again one of
// these ops (docs/compiler.md § Physics ops).
//
//===----------------------------------------------------------------------===//
#ifndef SHODH_PHYSICS_OPS_TD
#define SHODH_PHYSICS_OPS_TD

/// Physics compute op: a differentiable compute op with its own verifier of
/// `method` and `lengths`.
class Shodh_PhysicsOp<string mnemonic>
    : Shodh_ComputeOp<mnemonic, [Shodh_Differentiable]> {
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Shodh_DivFreeProjectOp : Shodh_PhysicsOp<"div_free_project"> {
  let summary = "Periodic spectral Leray projection onto divergence-free fields";
  let description = [{
    Projects a real velocity field `[B, d, N_1, .., N_d]` (d = 2 or 3, f32 or
    f64) onto its divergence-free part on the periodic box `lengths`
    (default 2*pi per axis): on every wavevector k of the real FFT,
    `u_hat <- u_hat - k (k . u_hat) / |k|^2`. The k = 0 mode (the mean flow)
    is kept. On an even axis the Nyquist wavenumber is taken as 0 (as the
    spectral derivative of `shodh.divergence` does), which keeps the symbol
    even in k: the result is real, the projection idempotent and
    self-adjoint, so its gradient is itself. One fused kernel (r2c,
    projection, c2r). The result has the input's type.

    ```mlir
    %p = shodh.div_free_project %u
        : (tensor<?x3x64x64x64xf64>) -> tensor<?x3x64x64x64xf64>
    %q = shodh.div_free_project %v {lengths = array<f64: 1.0, 2.0>}
        : (tensor<?x2x32x64xf32>) -> tensor<?x2x32x64xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input,
                       OptionalAttr<DenseF64ArrayAttr>:$lengths);
}

def Shodh_DivergenceOp : Shodh_PhysicsOp<"divergence"> {
  let summary = "Divergence of a velocity field on a periodic grid";
  let description = [{
    `sum_c d u_c / d x_c` of a velocity `[B, d, N_1, .., N_d]` (d = 2 or 3),
    as a one-channel field `[B, 1, N_1, .., N_d]`. `method` is `"spectral"`
    (the default: multiply by i k, Nyquist wavenumber 0) or `"fd2"`
    (second-order central differences (u[i+1] - u[i-1]) / (2 dx) with
    periodic wrap, dx = L / N). `lengths` is the box size per spatial axis
    (default 2*pi). Its gradient is `shodh.divergence_grad`, minus the
    gradient of the same discretisation.

    ```mlir
    %d = shodh.divergence %u {method = "fd2", lengths = array<f64: 1.0, 1.0, 1.0>}
        : (tensor<?x3x32x32x32xf64>) -> tensor<?x1x32x32x32xf64>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input,
                       DefaultValuedStrAttr<StrAttr, "spectral">:$method,
                       OptionalAttr<DenseF64ArrayAttr>:$lengths);
}

def Shodh_DivergenceGradOp : Shodh_PhysicsOp<"divergence_grad"> {
  let summary = "Adjoint of shodh.divergence: minus the gradient of a scalar";
  let description = [{
    Maps the cotangent of a divergence, `[B, 1, N_1, .., N_d]`, to the
    velocity cotangent `[B, d, N_1, .., N_d]`: `du_c = -d g / d x_c` with the
    same `method` and `lengths` as the divergence (both discretisations are
    antisymmetric on the periodic grid, so the adjoint of each derivative is
    its negative). Built by `--shodh-build-training`; its own gradient is
    `shodh.divergence`.

    ```mlir
    %du = shodh.divergence_grad %g {method = "spectral"}
        : (tensor<?x1x32x32xf32>) -> tensor<?x2x32x32xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input,
                       DefaultValuedStrAttr<StrAttr, "spectral">:$method,
                       OptionalAttr<DenseF64ArrayAttr>:$lengths);
}

def Shodh_CurlOp : Shodh_PhysicsOp<"curl"> {
  let summary = "Curl of a vector potential or stream function (periodic grid)";
  let description = [{
    With spatial axes x_1..x_d in axis order and derivatives d_i:
    - 3D, `[B, 3, D, H, W]` -> `[B, 3, D, H, W]`:
      `(d_2 a_3 - d_3 a_2, d_3 a_1 - d_1 a_3, d_1 a_2 - d_2 a_1)`;
    - 2D stream function psi `[B, 1, H, W]` -> velocity `[B, 2, H, W]`:
      `(d_2 psi, -d_1 psi)` (the curl of (0, 0, psi)), divergence-free by
      construction, so a decoder can output a potential instead of a
      velocity (a Helmholtz-style parameterisation);
    - 2D velocity `[B, 2, H, W]` -> vorticity `[B, 1, H, W]`:
      `d_1 u_2 - d_2 u_1`.
    `method` (`"spectral"`, the default, or `"fd2"`) and `lengths` as for
    `shodh.divergence`. Derivatives along different axes commute, so
    `shodh.divergence` of a curl with the same method is zero to round-off.
    Each form is the adjoint of another (the 3D one of itself), so the
    gradient of a curl is the curl of its cotangent.

    ```mlir
    %u = shodh.curl %psi {method = "fd2"}
        : (tensor<?x1x64x64xf32>) -> tensor<?x2x64x64xf32>
    %v = shodh.curl %a : (tensor<?x3x32x32x32xf64>) -> tensor<?x3x32x32x32xf64>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input,
                       DefaultValuedStrAttr<StrAttr, "spectral">:$method,
                       OptionalAttr<DenseF64ArrayAttr>:$lengths);
}

#endif // SHODH_PHYSICS_OPS_TD
