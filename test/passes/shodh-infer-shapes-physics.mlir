// --shodh-infer-shapes on the physics ops: channel counts follow each op's
// rule (d components, one scalar, 2D curl 1 <-> 2), spatial and batch dims
// pass through.
// RUN: shodh-opt %s -verify-diagnostics --shodh-infer-shapes | FileCheck %s

// CHECK-LABEL: func.func @infer
// CHECK-SAME: -> (tensor<?x3x8x8x8xf64>, tensor<?x1x8x8x8xf64>, tensor<?x3x8x8x8xf64>, tensor<?x2x16x16xf32>)
func.func @infer(%u: tensor<?x3x8x8x8xf64>, %psi: tensor<?x1x16x16xf32>) -> (tensor<?x?x?x?x?xf64>, tensor<?x?x?x?x?xf64>, tensor<?x?x?x?x?xf64>, tensor<?x?x?x?xf32>) {
  // CHECK: shodh.div_free_project {{.*}} -> tensor<?x3x8x8x8xf64>
  %p = shodh.div_free_project %u : (tensor<?x3x8x8x8xf64>) -> tensor<?x?x?x?x?xf64>
  // CHECK: shodh.divergence {{.*}} -> tensor<?x1x8x8x8xf64>
  %d = shodh.divergence %p : (tensor<?x?x?x?x?xf64>) -> tensor<?x?x?x?x?xf64>
  // CHECK: shodh.divergence_grad {{.*}} -> tensor<?x3x8x8x8xf64>
  %g = shodh.divergence_grad %d : (tensor<?x?x?x?x?xf64>) -> tensor<?x?x?x?x?xf64>
  // CHECK: shodh.curl {{.*}} -> tensor<?x2x16x16xf32>
  %v = shodh.curl %psi : (tensor<?x1x16x16xf32>) -> tensor<?x?x?x?xf32>
  return %p, %d, %g, %v : tensor<?x?x?x?x?xf64>, tensor<?x?x?x?x?xf64>, tensor<?x?x?x?x?xf64>, tensor<?x?x?x?xf32>
}
