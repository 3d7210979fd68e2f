// Round trip of the physics ops in custom and generic form, with their
// default attributes and both 2D and 3D layouts.
// RUN: shodh-opt %s | shodh-opt | FileCheck %s
// RUN: shodh-opt %s --mlir-print-op-generic | shodh-opt | FileCheck %s

// CHECK-LABEL: func.func @project
func.func @project(%u3: tensor<?x3x16x16x16xf64>, %u2: tensor<2x2x8x12xf32>) -> (tensor<?x3x16x16x16xf64>, tensor<2x2x8x12xf32>) {
  // CHECK: shodh.div_free_project %{{.*}} : (tensor<?x3x16x16x16xf64>) -> tensor<?x3x16x16x16xf64>
  %p = shodh.div_free_project %u3 : (tensor<?x3x16x16x16xf64>) -> tensor<?x3x16x16x16xf64>
  // CHECK: shodh.div_free_project %{{.*}} {lengths = array<f64: 1.000000e+00, 2.000000e+00>} : (tensor<2x2x8x12xf32>) -> tensor<2x2x8x12xf32>
  %q = shodh.div_free_project %u2 {lengths = array<f64: 1.0, 2.0>} : (tensor<2x2x8x12xf32>) -> tensor<2x2x8x12xf32>
  return %p, %q : tensor<?x3x16x16x16xf64>, tensor<2x2x8x12xf32>
}

// CHECK-LABEL: func.func @divergence
func.func @divergence(%u: tensor<?x3x8x8x8xf32>, %g: tensor<?x1x8x8xf64>) -> (tensor<?x1x8x8x8xf32>, tensor<?x2x8x8xf64>) {
  // CHECK: shodh.divergence %{{.*}} : (tensor<?x3x8x8x8xf32>) -> tensor<?x1x8x8x8xf32>
  %d = shodh.divergence %u : (tensor<?x3x8x8x8xf32>) -> tensor<?x1x8x8x8xf32>
  // CHECK: shodh.divergence %{{.*}} {lengths = array<f64: 1.000000e+00, 1.000000e+00, 1.000000e+00>, method = "fd2"}
  %e = shodh.divergence %u {method = "fd2", lengths = array<f64: 1.0, 1.0, 1.0>} : (tensor<?x3x8x8x8xf32>) -> tensor<?x1x8x8x8xf32>
  // CHECK: shodh.divergence_grad %{{.*}} {method = "fd2"} : (tensor<?x1x8x8xf64>) -> tensor<?x2x8x8xf64>
  %du = shodh.divergence_grad %g {method = "fd2"} : (tensor<?x1x8x8xf64>) -> tensor<?x2x8x8xf64>
  return %d, %du : tensor<?x1x8x8x8xf32>, tensor<?x2x8x8xf64>
}

// CHECK-LABEL: func.func @curl
func.func @curl(%a: tensor<?x3x8x8x8xf64>, %psi: tensor<?x1x16x16xf32>) -> (tensor<?x3x8x8x8xf64>, tensor<?x1x16x16xf32>) {
  // CHECK: shodh.curl %{{.*}} : (tensor<?x3x8x8x8xf64>) -> tensor<?x3x8x8x8xf64>
  %v = shodh.curl %a : (tensor<?x3x8x8x8xf64>) -> tensor<?x3x8x8x8xf64>
  // CHECK: shodh.curl %{{.*}} {method = "fd2"} : (tensor<?x1x16x16xf32>) -> tensor<?x2x16x16xf32>
  %u = shodh.curl %psi {method = "fd2"} : (tensor<?x1x16x16xf32>) -> tensor<?x2x16x16xf32>
  // CHECK: shodh.curl %{{.*}} : (tensor<?x2x16x16xf32>) -> tensor<?x1x16x16xf32>
  %w = shodh.curl %u : (tensor<?x2x16x16xf32>) -> tensor<?x1x16x16xf32>
  return %v, %w : tensor<?x3x8x8x8xf64>, tensor<?x1x16x16xf32>
}
