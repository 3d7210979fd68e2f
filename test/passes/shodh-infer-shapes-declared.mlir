// --shodh-infer-shapes keeps the static sizes a model declares: a result
// type written with a size that the bound hyperparameters contradict is an
// error (it used to be overwritten, so the model ran with other sizes than
// it said). The same model with width = 8 binds and infers.
// RUN: shodh-opt %s -verify-diagnostics --shodh-bind-hyperparams --shodh-infer-shapes
// RUN: shodh-opt %s --shodh-bind-hyperparams="set=width=8" --shodh-infer-shapes | FileCheck %s
// CHECK: shodh.linear {{.*}} -> tensor<?x8x5xf32>
// CHECK: shodh.gelu {{.*}} -> tensor<?x8x5xf32>

module attributes {shodh.hyperparams = {width = 16 : i64}} {
  shodh.param @w {dims = ["width", 4], init = {kind = "zeros"}} : tensor<?x4xf32>
  func.func @infer(%x: tensor<?x4x5xf32> {shodh.dims = ["B", 4, 5]}) -> tensor<?x?x5xf32> {
    %w = shodh.read @w : tensor<?x4xf32>
    // expected-error @+1 {{'shodh.linear' op result #0 is declared 'tensor<?x8x5xf32>' but its operands give 'tensor<?x16x5xf32>' (dimension #1: 8 vs 16 once the hyperparameters are bound); write '?' there or fix the sizes}}
    %y = shodh.linear %x, %w {axis = 1 : i64} : (tensor<?x4x5xf32>, tensor<?x4xf32>) -> tensor<?x8x5xf32>
    %g = shodh.gelu %y : (tensor<?x8x5xf32>) -> tensor<?x?x5xf32>
    return %g : tensor<?x?x5xf32>
  }
}
