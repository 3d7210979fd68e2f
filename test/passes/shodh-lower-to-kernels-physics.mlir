// --shodh-lower-to-kernels on the physics ops: kernel names are the op
// names; `lengths` is always passed (2*pi per axis when the op has none) and
// `method` for the derivative ops (docs/runtime.md § Physics kernels).
// RUN: shodh-opt %s -verify-diagnostics --shodh-lower-to-kernels | FileCheck %s

// CHECK-LABEL: func.func @infer
// CHECK-SAME: (%[[U:.*]]: tensor<?x3x8x8x8xf64>, %[[PSI:.*]]: tensor<?x1x8x8xf32>)
func.func @infer(%u: tensor<?x3x8x8x8xf64>, %psi: tensor<?x1x8x8xf32>) -> (tensor<?x3x8x8x8xf64>, tensor<?x1x8x8x8xf64>, tensor<?x3x8x8x8xf64>, tensor<?x2x8x8xf32>) {
  // CHECK: %[[P:.*]] = shodh.kernel "div_free_project"(%[[U]]) {attrs = {lengths = array<f64: 6.2831853071795862, 6.2831853071795862, 6.2831853071795862>}} : (tensor<?x3x8x8x8xf64>) -> tensor<?x3x8x8x8xf64>
  %p = shodh.div_free_project %u : (tensor<?x3x8x8x8xf64>) -> tensor<?x3x8x8x8xf64>
  // CHECK: %[[D:.*]] = shodh.kernel "divergence"(%[[P]]) {attrs = {lengths = array<f64: 1.000000e+00, 1.000000e+00, 2.000000e+00>, method = "fd2"}} : (tensor<?x3x8x8x8xf64>) -> tensor<?x1x8x8x8xf64>
  %d = shodh.divergence %p {method = "fd2", lengths = array<f64: 1.0, 1.0, 2.0>} : (tensor<?x3x8x8x8xf64>) -> tensor<?x1x8x8x8xf64>
  // CHECK: %[[G:.*]] = shodh.kernel "divergence_grad"(%[[D]]) {attrs = {lengths = array<f64: 6.2831853071795862, 6.2831853071795862, 6.2831853071795862>, method = "spectral"}} : (tensor<?x1x8x8x8xf64>) -> tensor<?x3x8x8x8xf64>
  %g = shodh.divergence_grad %d : (tensor<?x1x8x8x8xf64>) -> tensor<?x3x8x8x8xf64>
  // CHECK: %[[V:.*]] = shodh.kernel "curl"(%[[PSI]]) {attrs = {lengths = array<f64: 6.2831853071795862, 6.2831853071795862>, method = "spectral"}} : (tensor<?x1x8x8xf32>) -> tensor<?x2x8x8xf32>
  %v = shodh.curl %psi : (tensor<?x1x8x8xf32>) -> tensor<?x2x8x8xf32>
  // CHECK: return %[[P]], %[[D]], %[[G]], %[[V]]
  return %p, %d, %g, %v : tensor<?x3x8x8x8xf64>, tensor<?x1x8x8x8xf64>, tensor<?x3x8x8x8xf64>, tensor<?x2x8x8xf32>
}
