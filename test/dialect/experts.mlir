// Round trip of the expert, patch and resampling ops in custom and generic
// form, with the result types their shape rules infer.
// RUN: shodh-opt %s | shodh-opt | FileCheck %s
// RUN: shodh-opt %s --mlir-print-op-generic | shodh-opt | FileCheck %s
// RUN: shodh-opt %s --shodh-infer-shapes | FileCheck %s --check-prefix=INFER

// CHECK-LABEL: func.func @mlp
func.func @mlp(%x: tensor<?x6x4xf32>, %off: tensor<4xi64>, %w1: tensor<3x8x4xf32>,
               %b1: tensor<3x8xf32>, %w2: tensor<3x5x8xf32>, %b2: tensor<3x5xf32>,
               %dy: tensor<?x6x5xf32>) -> tensor<?x6x5xf32> {
  // CHECK: shodh.expert_mlp %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} : (tensor<?x6x4xf32>, tensor<4xi64>, tensor<3x8x4xf32>, tensor<3x8xf32>, tensor<3x5x8xf32>, tensor<3x5xf32>) -> tensor<?x6x5xf32>
  %y = shodh.expert_mlp %x, %off, %w1, %b1, %w2, %b2
      : (tensor<?x6x4xf32>, tensor<4xi64>, tensor<3x8x4xf32>, tensor<3x8xf32>,
         tensor<3x5x8xf32>, tensor<3x5xf32>) -> tensor<?x6x5xf32>
  // CHECK: shodh.expert_mlp_grad {{.*}} -> (tensor<?x6x4xf32>, tensor<3x8x4xf32>, tensor<3x8xf32>, tensor<3x5x8xf32>, tensor<3x5xf32>)
  %dx, %dw1, %db1, %dw2, %db2 = shodh.expert_mlp_grad %x, %off, %dy, %w1, %b1, %w2
      : (tensor<?x6x4xf32>, tensor<4xi64>, tensor<?x6x5xf32>, tensor<3x8x4xf32>,
         tensor<3x8xf32>, tensor<3x5x8xf32>)
      -> (tensor<?x6x4xf32>, tensor<3x8x4xf32>, tensor<3x8xf32>, tensor<3x5x8xf32>, tensor<3x5xf32>)
  return %y : tensor<?x6x5xf32>
}

// CHECK-LABEL: func.func @fno
func.func @fno(%x: tensor<?x4x3x16x16xf32>, %off: tensor<4xi64>,
               %ws: tensor<3x3x5x8x4xcomplex<f32>>, %wk: tensor<3x5x3xf32>,
               %bk: tensor<3x5xf32>, %dy: tensor<?x4x5x16x16xf32>) -> tensor<?x4x5x16x16xf32> {
  // CHECK: shodh.expert_fno {{.*}} {modes = array<i64: 2, 4, 1>} : {{.*}} -> tensor<?x4x5x16x16xf32>
  %y = shodh.expert_fno %x, %off, %ws, %wk, %bk {modes = array<i64: 2, 4, 1>}
      : (tensor<?x4x3x16x16xf32>, tensor<4xi64>, tensor<3x3x5x8x4xcomplex<f32>>,
         tensor<3x5x3xf32>, tensor<3x5xf32>) -> tensor<?x4x5x16x16xf32>
  // CHECK: shodh.expert_fno_grad {{.*}} {modes = array<i64: 2, 4, 1>} : {{.*}} -> (tensor<?x4x3x16x16xf32>, tensor<3x3x5x8x4xcomplex<f32>>, tensor<3x5x3xf32>, tensor<3x5xf32>)
  %dx, %dws, %dwk, %dbk = shodh.expert_fno_grad %x, %off, %dy, %ws, %wk, %bk {modes = array<i64: 2, 4, 1>}
      : (tensor<?x4x3x16x16xf32>, tensor<4xi64>, tensor<?x4x5x16x16xf32>,
         tensor<3x3x5x8x4xcomplex<f32>>, tensor<3x5x3xf32>, tensor<3x5xf32>)
      -> (tensor<?x4x3x16x16xf32>, tensor<3x3x5x8x4xcomplex<f32>>, tensor<3x5x3xf32>, tensor<3x5xf32>)
  return %y : tensor<?x4x5x16x16xf32>
}

// 3-D patch tokens.
// CHECK-LABEL: func.func @fno3d
func.func @fno3d(%x: tensor<2x4x3x8x8x8xf32>, %off: tensor<3xi64>,
                 %ws: tensor<2x3x3x4x4x2xcomplex<f32>>, %wk: tensor<2x3x3xf32>,
                 %bk: tensor<2x3xf32>) -> tensor<2x4x3x8x8x8xf32> {
  // CHECK: shodh.expert_fno {{.*}} -> tensor<2x4x3x8x8x8xf32>
  %y = shodh.expert_fno %x, %off, %ws, %wk, %bk {modes = array<i64: 2, 1>}
      : (tensor<2x4x3x8x8x8xf32>, tensor<3xi64>, tensor<2x3x3x4x4x2xcomplex<f32>>,
         tensor<2x3x3xf32>, tensor<2x3xf32>) -> tensor<2x4x3x8x8x8xf32>
  return %y : tensor<2x4x3x8x8x8xf32>
}

// CHECK-LABEL: func.func @patches
func.func @patches(%x: tensor<?x3x16x8xf32>, %v: tensor<2x3x8x8x4xf32>)
    -> (tensor<?x3x16x8xf32>, tensor<2x8x3x4x4x2xf32>, tensor<?x3x32x4xf32>) {
  // CHECK: shodh.patchify %{{.*}} {patch = array<i64: 4, 4>} : (tensor<?x3x16x8xf32>) -> tensor<?x8x3x4x4xf32>
  %t = shodh.patchify %x {patch = array<i64: 4, 4>} : (tensor<?x3x16x8xf32>) -> tensor<?x8x3x4x4xf32>
  // CHECK: shodh.unpatchify %{{.*}} {grid = array<i64: 16, 8>} : (tensor<?x8x3x4x4xf32>) -> tensor<?x3x16x8xf32>
  %u = shodh.unpatchify %t {grid = array<i64: 16, 8>} : (tensor<?x8x3x4x4xf32>) -> tensor<?x3x16x8xf32>
  // CHECK: shodh.patchify %{{.*}} {patch = array<i64: 4, 4, 2>} : (tensor<2x3x8x8x4xf32>) -> tensor<2x8x3x4x4x2xf32>
  %t3 = shodh.patchify %v {patch = array<i64: 4, 4, 2>} : (tensor<2x3x8x8x4xf32>) -> tensor<2x8x3x4x4x2xf32>
  // CHECK: shodh.interpolate %{{.*}} {size = array<i64: 32, 4>} : (tensor<?x3x16x8xf32>) -> tensor<?x3x32x4xf32>
  %i = shodh.interpolate %x {size = array<i64: 32, 4>} : (tensor<?x3x16x8xf32>) -> tensor<?x3x32x4xf32>
  // CHECK: shodh.interpolate_grad %{{.*}} {size = array<i64: 16, 8>} : (tensor<?x3x32x4xf32>) -> tensor<?x3x16x8xf32>
  %g = shodh.interpolate_grad %i {size = array<i64: 16, 8>} : (tensor<?x3x32x4xf32>) -> tensor<?x3x16x8xf32>
  // CHECK: shodh.reshape %{{.*}} {shape = array<i64: 8, 48>} : (tensor<?x8x3x4x4xf32>) -> tensor<?x8x48xf32>
  %r = shodh.reshape %t {shape = array<i64: 8, 48>} : (tensor<?x8x3x4x4xf32>) -> tensor<?x8x48xf32>
  // CHECK: shodh.reshape %{{.*}} {shape = array<i64: 8, 3, 4, 4>} : (tensor<?x8x48xf32>) -> tensor<?x8x3x4x4xf32>
  %rb = shodh.reshape %r {shape = array<i64: 8, 3, 4, 4>} : (tensor<?x8x48xf32>) -> tensor<?x8x3x4x4xf32>
  return %u, %t3, %i : tensor<?x3x16x8xf32>, tensor<2x8x3x4x4x2xf32>, tensor<?x3x32x4xf32>
}

// CHECK-LABEL: func.func @moe
// CHECK: shodh.moe %{{.*}} {expert = "fno", modes = array<i64: 1, 2>, num_experts = 2 : i64} : {{.*}} -> tensor<?x4x2x4x4xf32>
func.func @moe(%tok: tensor<?x4x2x4x4xf32>, %ids: tensor<?x4x1xi64>, %g: tensor<?x4x1xf32>,
               %ws: tensor<2x2x2x4x2xcomplex<f32>>, %wk: tensor<2x2x2xf32>, %bk: tensor<2x2xf32>)
    -> tensor<?x4x2x4x4xf32> {
  %y = shodh.moe %tok, %ids, %g, %ws, %wk, %bk {expert = "fno", modes = array<i64: 1, 2>, num_experts = 2 : i64}
      : (tensor<?x4x2x4x4xf32>, tensor<?x4x1xi64>, tensor<?x4x1xf32>, tensor<2x2x2x4x2xcomplex<f32>>,
         tensor<2x2x2xf32>, tensor<2x2xf32>) -> tensor<?x4x2x4x4xf32>
  return %y : tensor<?x4x2x4x4xf32>
}

// Shape inference refines a result declared more dynamic than it is.
// INFER-LABEL: func.func @refine
// INFER: shodh.expert_mlp {{.*}} -> tensor<?x6x5xf32>
// INFER: shodh.patchify {{.*}} -> tensor<2x8x3x4x4xf32>
func.func @refine(%x: tensor<?x6x4xf32>, %off: tensor<4xi64>, %w1: tensor<3x8x4xf32>,
                  %b1: tensor<3x8xf32>, %w2: tensor<3x5x8xf32>, %b2: tensor<3x5xf32>,
                  %f: tensor<2x3x16x8xf32>) -> (tensor<?x?x?xf32>, tensor<?x?x?x?x?xf32>) {
  %y = shodh.expert_mlp %x, %off, %w1, %b1, %w2, %b2
      : (tensor<?x6x4xf32>, tensor<4xi64>, tensor<3x8x4xf32>, tensor<3x8xf32>,
         tensor<3x5x8xf32>, tensor<3x5xf32>) -> tensor<?x?x?xf32>
  %t = shodh.patchify %f {patch = array<i64: 4, 4>} : (tensor<2x3x16x8xf32>) -> tensor<?x?x?x?x?xf32>
  return %y, %t : tensor<?x?x?xf32>, tensor<?x?x?x?x?xf32>
}
