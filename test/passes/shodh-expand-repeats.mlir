// --shodh-expand-repeats: bodies are cloned `count` times with loop-carried
// values chained; reads inside iteration i read the new parameter @p_i (seed
// s becomes s * 1000 + i, a missing seed counts as 0); templates nothing
// reads any more are erased; count 0 forwards the operands.
// RUN: shodh-opt %s -split-input-file -verify-diagnostics --shodh-expand-repeats | FileCheck %s

// Three iterations of a layer with a weight: three instances in order after
// the template's place, the template erased, results follow the last copy.
module attributes {shodh.hyperparams = {layers = 4 : i64}} {
  // CHECK-NOT: shodh.param @w {
  // CHECK: shodh.param @w_0 {init = {a = 0.000000e+00 : f64, b = 1.000000e+00 : f64, kind = "normal", seed = 7000 : i64}} : tensor<4x4xf32>
  // CHECK-NEXT: shodh.param @w_1 {{.*}}seed = 7001 : i64}} : tensor<4x4xf32>
  // CHECK-NEXT: shodh.param @w_2 {{.*}}seed = 7002 : i64}} : tensor<4x4xf32>
  // CHECK-NEXT: shodh.param @shared
  shodh.param @w {init = {kind = "normal", a = 0.0 : f64, b = 1.0 : f64, seed = 7 : i64}} : tensor<4x4xf32>
  shodh.param @shared {init = {kind = "zeros"}} : tensor<4xf32>

  // CHECK-LABEL: func.func @three
  // CHECK-SAME: (%[[X:.*]]: tensor<2x4xf32>) -> tensor<?x4xf32>
  func.func @three(%x: tensor<2x4xf32>) -> tensor<?x4xf32> {
    // CHECK-NEXT: %[[W0:.*]] = shodh.read @w_0
    // CHECK-NEXT: %[[L0:.*]] = shodh.linear %[[X]], %[[W0]]
    // CHECK-NEXT: %[[G0:.*]] = shodh.gelu %[[L0]]
    // CHECK-NEXT: %[[W1:.*]] = shodh.read @w_1
    // CHECK-NEXT: %[[L1:.*]] = shodh.linear %[[G0]], %[[W1]]
    // CHECK-NEXT: %[[G1:.*]] = shodh.gelu %[[L1]]
    // CHECK-NEXT: %[[W2:.*]] = shodh.read @w_2
    // CHECK-NEXT: %[[L2:.*]] = shodh.linear %[[G1]], %[[W2]]
    // CHECK-NEXT: %[[G2:.*]] = shodh.gelu %[[L2]]
    // CHECK-NEXT: return %[[G2]] : tensor<?x4xf32>
    %y = shodh.repeat (%x) {count = "layers-1"} : (tensor<2x4xf32>) -> tensor<?x4xf32> {
    ^bb0(%h: tensor<?x4xf32>):
      %w = shodh.read @w : tensor<4x4xf32>
      %l = shodh.linear %h, %w : (tensor<?x4xf32>, tensor<4x4xf32>) -> tensor<?x4xf32>
      %g = shodh.gelu %l : (tensor<?x4xf32>) -> tensor<?x4xf32>
      shodh.yield %g : tensor<?x4xf32>
    }
    return %y : tensor<?x4xf32>
  }

  // A parameter also read outside a repeat keeps its template.
  // CHECK-LABEL: func.func @zero
  // CHECK-SAME: (%[[X:.*]]: tensor<4xf32>, %[[Y:.*]]: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>)
  func.func @zero(%x: tensor<4xf32>, %y: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
    // CHECK-NEXT: return %[[X]], %[[Y]]
    %r:2 = shodh.repeat (%x, %y) {count = 0 : i64} : (tensor<4xf32>, tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
    ^bb0(%a: tensor<4xf32>, %b: tensor<4xf32>):
      %s = shodh.read @shared : tensor<4xf32>
      %m = shodh.mul %a, %s : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
      shodh.yield %m, %b : tensor<4xf32>, tensor<4xf32>
    }
    return %r#0, %r#1 : tensor<4xf32>, tensor<4xf32>
  }

  // CHECK-LABEL: func.func @outside
  func.func @outside() -> tensor<4xf32> {
    // CHECK-NEXT: shodh.read @shared
    %s = shodh.read @shared : tensor<4xf32>
    return %s : tensor<4xf32>
  }
}

// -----

// Deterministic inits (zeros, ones, constant) take no seed: their instances
// are exact copies.
module {
  // CHECK: shodh.param @g_0 {init = {kind = "ones"}} : tensor<4xf32>
  // CHECK-NEXT: shodh.param @g_1 {init = {kind = "ones"}} : tensor<4xf32>
  shodh.param @g {init = {kind = "ones"}} : tensor<4xf32>
  // CHECK-LABEL: func.func @norms
  func.func @norms(%x: tensor<4xf32>) -> tensor<4xf32> {
    %y = shodh.repeat (%x) {count = 2 : i64} : (tensor<4xf32>) -> tensor<4xf32> {
    ^bb0(%h: tensor<4xf32>):
      %g = shodh.read @g : tensor<4xf32>
      %m = shodh.mul %h, %g : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
      shodh.yield %m : tensor<4xf32>
    }
    return %y : tensor<4xf32>
  }
}

// -----

// One iteration; a yield may swap the carried values and use values defined
// outside the body; a parameter without a seed gets seed i.
shodh.param @b {init = {kind = "uniform", a = 0.0 : f64, b = 1.0 : f64}} : tensor<4xf32>
// CHECK: shodh.param @b_0 {init = {a = 0.000000e+00 : f64, b = 1.000000e+00 : f64, kind = "uniform", seed = 0 : i64}}
// CHECK-LABEL: func.func @one
// CHECK-SAME: (%[[X:.*]]: tensor<4xf32>, %[[Y:.*]]: tensor<4xf32>, %[[Z:.*]]: tensor<4xf32>)
func.func @one(%x: tensor<4xf32>, %y: tensor<4xf32>, %z: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  // CHECK-NEXT: %[[B:.*]] = shodh.read @b_0
  // CHECK-NEXT: %[[S:.*]] = shodh.add %[[X]], %[[B]]
  // CHECK-NEXT: return %[[Z]], %[[S]]
  %r:2 = shodh.repeat (%x, %y) {count = 1 : i64} : (tensor<4xf32>, tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  ^bb0(%a: tensor<4xf32>, %b: tensor<4xf32>):
    %p = shodh.read @b : tensor<4xf32>
    %s = shodh.add %a, %p : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
    shodh.yield %z, %s : tensor<4xf32>, tensor<4xf32>
  }
  return %r#0, %r#1 : tensor<4xf32>, tensor<4xf32>
}

// -----

// A parameter read only in a repeat of count 0 is erased with it (it was
// kept: `shodhc models/fno.mlir --set layers=1` carried spec_w, skip_w and
// skip_b, read by nothing, in the model file and every checkpoint).
// CHECK-LABEL: module
// CHECK-NOT: shodh.param @unread
// CHECK: shodh.param @kept
// CHECK-NOT: shodh.param @unread
module {
  shodh.param @unread {init = {kind = "normal", a = 0.0 : f64, b = 1.0 : f64, seed = 5 : i64}} : tensor<4xf32>
  shodh.param @kept {init = {kind = "zeros"}} : tensor<4xf32>
  // CHECK-LABEL: func.func @none
  func.func @none(%x: tensor<4xf32>) -> tensor<4xf32> {
    %k = shodh.read @kept : tensor<4xf32>
    %r = shodh.repeat (%x) {count = 0 : i64} : (tensor<4xf32>) -> tensor<4xf32> {
    ^bb0(%a: tensor<4xf32>):
      %w = shodh.read @unread : tensor<4xf32>
      %m = shodh.mul %a, %w : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
      shodh.yield %m : tensor<4xf32>
    }
    %y = shodh.add %r, %k : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
    return %y : tensor<4xf32>
  }
}

// -----

// Function result types follow the return.
// CHECK-LABEL: func.func @refined
// CHECK-SAME: (%[[X:.*]]: tensor<4xf32>) -> tensor<4xf32>
func.func @refined(%x: tensor<4xf32>) -> tensor<?xf32> {
  // CHECK-NEXT: return %[[X]] : tensor<4xf32>
  %r = shodh.repeat (%x) {count = 0 : i64} : (tensor<4xf32>) -> tensor<?xf32> {
  ^bb0(%a: tensor<?xf32>):
    shodh.yield %a : tensor<?xf32>
  }
  return %r : tensor<?xf32>
}

// -----

// Nested repeats expand innermost first: the instances of the inner copies
// are instanced again by the outer one (@w_<inner>_<outer>).
shodh.param @w {init = {kind = "normal", a = 0.0 : f64, b = 1.0 : f64, seed = 1 : i64}} : tensor<4xf32>
// CHECK: shodh.param @w_0_0 {{.*}}seed = 1000000 : i64}}
// CHECK-NEXT: shodh.param @w_0_1 {{.*}}seed = 1000001 : i64}}
// CHECK-NEXT: shodh.param @w_1_0 {{.*}}seed = 1001000 : i64}}
// CHECK-NEXT: shodh.param @w_1_1 {{.*}}seed = 1001001 : i64}}
// CHECK-LABEL: func.func @nested
func.func @nested(%x: tensor<4xf32>) -> tensor<4xf32> {
  // CHECK-COUNT-4: shodh.mul
  // CHECK-NOT: shodh.mul
  %r = shodh.repeat (%x) {count = 2 : i64} : (tensor<4xf32>) -> tensor<4xf32> {
  ^bb0(%a: tensor<4xf32>):
    %i = shodh.repeat (%a) {count = 2 : i64} : (tensor<4xf32>) -> tensor<4xf32> {
    ^bb1(%b: tensor<4xf32>):
      %w = shodh.read @w : tensor<4xf32>
      %m = shodh.mul %b, %w : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
      shodh.yield %m : tensor<4xf32>
    }
    shodh.yield %i : tensor<4xf32>
  }
  return %r : tensor<4xf32>
}

// -----

shodh.param @w {init = {kind = "zeros"}} : tensor<4xf32>
shodh.param @w_0 {init = {kind = "zeros"}} : tensor<4xf32>
func.func @clash(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'shodh.repeat' op cannot create @w_0 for iteration 0 of @w: the symbol already exists}}
  %r = shodh.repeat (%x) {count = 2 : i64} : (tensor<4xf32>) -> tensor<4xf32> {
  ^bb0(%a: tensor<4xf32>):
    %w = shodh.read @w : tensor<4xf32>
    %m = shodh.mul %a, %w : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
    shodh.yield %m : tensor<4xf32>
  }
  return %r : tensor<4xf32>
}

// -----

// A state has one value, not one per iteration.
shodh.state @s {init = {kind = "zeros"}} : tensor<4xf32>
func.func @state(%x: tensor<4xf32>) -> tensor<4xf32> {
  %r = shodh.repeat (%x) {count = 2 : i64} : (tensor<4xf32>) -> tensor<4xf32> {
  ^bb0(%a: tensor<4xf32>):
    // expected-error @+1 {{'shodh.read' op reads the state @s inside shodh.repeat; only a shodh.param gets one instance per iteration (read the state before the repeat and pass it in as an operand)}}
    %s = shodh.read @s : tensor<4xf32>
    %b = shodh.add %a, %s : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
    shodh.yield %b : tensor<4xf32>
  }
  return %r : tensor<4xf32>
}
