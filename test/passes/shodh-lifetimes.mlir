// --shodh-lifetimes: calls are numbered, each result gets [first, last]
// (last = last reading call, N = number of calls if returned), arguments get
// [0, last use], and returned arguments, parameter reads and repeated values
// are copied so every output is its own tensor.
// RUN: shodh-opt %s -split-input-file -verify-diagnostics --shodh-lifetimes | FileCheck %s

shodh.param @w {init = {kind = "zeros"}} : tensor<4x4xf32>

// CHECK-LABEL: func.func @chain
// CHECK-SAME: (%[[X:.*]]: tensor<2x4xf32> {shodh.live = array<i64: 0, 2>}, %[[U:.*]]: tensor<2x4xf32> {shodh.live = array<i64: 0, 0>})
func.func @chain(%x: tensor<2x4xf32>, %unused: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %w = shodh.read @w : tensor<4x4xf32>
  // CHECK: %[[A:.*]] = shodh.kernel "linear"(%[[X]], %{{.*}}) {attrs = {axis = 1 : i64}, shodh.index = 0 : i64, shodh.live = [array<i64: 0, 2>]}
  %a = shodh.kernel "linear"(%x, %w) {attrs = {axis = 1 : i64}} : (tensor<2x4xf32>, tensor<4x4xf32>) -> tensor<2x4xf32>
  // CHECK: %[[G:.*]] = shodh.kernel "gelu"(%[[A]]) {shodh.index = 1 : i64, shodh.live = [array<i64: 1, 1>]}
  %dead = shodh.kernel "gelu"(%a) : (tensor<2x4xf32>) -> tensor<2x4xf32>
  // CHECK: %[[S:.*]] = shodh.kernel "add"(%[[A]], %[[X]]) {shodh.index = 2 : i64, shodh.live = [array<i64: 2, 3>]}
  %s = shodh.kernel "add"(%a, %x) : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  // CHECK: return %[[S]]
  return %s : tensor<2x4xf32>
}

// -----

shodh.param @w {init = {kind = "zeros"}} : tensor<4x4xf32>

// A returned argument, a returned parameter read and a value returned twice
// each get a copy; all outputs live until N = 4.
// CHECK-LABEL: func.func @copies
// CHECK-SAME: (%[[X:.*]]: tensor<2x4xf32> {shodh.live = array<i64: 0, 1>})
func.func @copies(%x: tensor<2x4xf32>) -> (tensor<2x4xf32>, tensor<4x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>) {
  // CHECK: %[[W:.*]] = shodh.read @w
  %w = shodh.read @w : tensor<4x4xf32>
  // CHECK: %[[N:.*]] = shodh.kernel "gelu"(%[[X]]) {shodh.index = 0 : i64, shodh.live = [array<i64: 0, 4>]}
  %n = shodh.kernel "gelu"(%x) : (tensor<2x4xf32>) -> tensor<2x4xf32>
  // CHECK: %[[C0:.*]] = shodh.kernel "copy"(%[[X]]) {shodh.index = 1 : i64, shodh.live = [array<i64: 1, 4>]}
  // CHECK: %[[C1:.*]] = shodh.kernel "copy"(%[[W]]) {shodh.index = 2 : i64, shodh.live = [array<i64: 2, 4>]}
  // CHECK: %[[C2:.*]] = shodh.kernel "copy"(%[[N]]) {shodh.index = 3 : i64, shodh.live = [array<i64: 3, 4>]}
  // CHECK: return %[[C0]], %[[C1]], %[[N]], %[[C2]]
  return %x, %w, %n, %n : tensor<2x4xf32>, tensor<4x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>
}

// -----

// Functions must be lowered first.
func.func @not_lowered(%x: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{op 'shodh.gelu' in @not_lowered is not a shodh.kernel; run --shodh-lower-to-kernels first}}
  %y = shodh.gelu %x : (tensor<2xf32>) -> tensor<2xf32>
  return %y : tensor<2xf32>
}

// -----

// A call that only writes persistent tensors has no results and an empty
// live list; an in-place result gets its own range (serialization merges it
// into the input's tensor).
shodh.state @train.step {init = {kind = "zeros"}} : tensor<1xi64>

// CHECK-LABEL: func.func @in_place
func.func @in_place(%g: tensor<2xf32>, %n: tensor<1xf32>) -> tensor<2xf32> {
  %s = shodh.read @train.step : tensor<1xi64>
  // CHECK: shodh.kernel "step_increment"(%{{.*}}) {shodh.index = 0 : i64, shodh.live = [], writes = [@train.step]}
  shodh.kernel "step_increment"(%s) {writes = [@train.step]} : (tensor<1xi64>) -> ()
  // CHECK: %[[A:.*]] = shodh.kernel "add"{{.*}}shodh.live = [array<i64: 1, 2>]
  %a = shodh.kernel "add"(%g, %g) : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  // CHECK: %[[C:.*]] = shodh.kernel "clip_by_norm"(%[[A]], %{{.*}}) {in_place = array<i64: 0>, shodh.index = 2 : i64, shodh.live = [array<i64: 2, 3>]}
  %c = shodh.kernel "clip_by_norm"(%a, %n) {in_place = array<i64: 0>} : (tensor<2xf32>, tensor<1xf32>) -> tensor<2xf32>
  // CHECK: %[[M:.*]] = shodh.kernel "mul"(%[[C]], %[[C]])
  %m = shodh.kernel "mul"(%c, %c) : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return %m : tensor<2xf32>
}
