// Hyperparameters in the patch, grid, size and mode lists of the expert,
// patch and resampling ops: unknown sizes until --shodh-bind-hyperparams
// (with --set overrides) binds them.
// RUN: shodh-opt %s | FileCheck %s --check-prefix=WRITTEN
// RUN: shodh-opt %s --shodh-bind-hyperparams --shodh-infer-shapes | FileCheck %s
// RUN: shodh-opt %s "--shodh-bind-hyperparams=set=p=8,m=4" --shodh-infer-shapes | FileCheck %s --check-prefix=SET

// WRITTEN: shodh.patchify %{{.*}} {patch = ["p", "p"]} : (tensor<?x2x16x16xf32>) -> tensor<?x?x2x?x?xf32>
// CHECK: shodh.patchify %{{.*}} {patch = array<i64: 4, 4>} : (tensor<?x2x16x16xf32>) -> tensor<?x16x2x4x4xf32>
// CHECK: shodh.expert_fno {{.*}} {modes = array<i64: 1, 2>} : {{.*}} -> tensor<?x16x2x4x4xf32>
// CHECK: shodh.unpatchify %{{.*}} {grid = array<i64: 16, 16>} : (tensor<?x16x2x4x4xf32>) -> tensor<?x2x16x16xf32>
// CHECK: shodh.reshape %{{.*}} {shape = array<i64: 16, 32>} : (tensor<?x16x2x4x4xf32>) -> tensor<?x16x32xf32>
// CHECK: shodh.interpolate %{{.*}} {size = array<i64: 32, 32>} : (tensor<?x2x16x16xf32>) -> tensor<?x2x32x32xf32>
// SET: shodh.patchify %{{.*}} {patch = array<i64: 8, 8>} : (tensor<?x2x16x16xf32>) -> tensor<?x4x2x8x8xf32>
// SET: shodh.expert_fno {{.*}} {modes = array<i64: 1, 4>} : {{.*}} -> tensor<?x4x2x8x8xf32>
// SET: shodh.reshape %{{.*}} {shape = array<i64: 4, 128>} : (tensor<?x4x2x8x8xf32>) -> tensor<?x4x128xf32>
module attributes {shodh.hyperparams = {p = 4 : i64, m = 2 : i64, res = 16 : i64}} {
  func.func @f(%x: tensor<?x2x16x16xf32>, %off: tensor<3xi64>, %ws: tensor<2x2x2x?x?xcomplex<f32>>,
               %wk: tensor<2x2x2xf32>, %bk: tensor<2x2xf32>) -> tensor<?x2x?x?xf32> {
    %t = shodh.patchify %x {patch = ["p", "p"]} : (tensor<?x2x16x16xf32>) -> tensor<?x?x2x?x?xf32>
    %e = shodh.expert_fno %t, %off, %ws, %wk, %bk {modes = [1, "m"]}
        : (tensor<?x?x2x?x?xf32>, tensor<3xi64>, tensor<2x2x2x?x?xcomplex<f32>>, tensor<2x2x2xf32>, tensor<2x2xf32>)
        -> tensor<?x?x2x?x?xf32>
    %u = shodh.unpatchify %e {grid = ["res", "res"]} : (tensor<?x?x2x?x?xf32>) -> tensor<?x2x?x?xf32>
    %r = shodh.reshape %e {shape = ["(res/p)*(res/p)", "2*p*p"]} : (tensor<?x?x2x?x?xf32>) -> tensor<?x?x?xf32>
    %i = shodh.interpolate %u {size = ["2*res", "2*res"]} : (tensor<?x2x?x?xf32>) -> tensor<?x2x?x?xf32>
    return %i : tensor<?x2x?x?xf32>
  }
}
