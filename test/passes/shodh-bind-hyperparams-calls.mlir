// --shodh-bind-hyperparams before --shodh-select-entry: a call between the
// model's functions would keep stale operand types (was: 'func.call' op
// operand type mismatch, with no hint which pass to run first).
// RUN: shodh-opt %s -verify-diagnostics --shodh-bind-hyperparams
// RUN: shodh-opt %s --shodh-select-entry --shodh-bind-hyperparams | FileCheck %s
// CHECK: func.func @infer(%{{.*}}: tensor<?x4xf32> {shodh.dims = ["B", "n"]})
// CHECK-NOT: call

module attributes {shodh.hyperparams = {n = 4 : i64}} {
  func.func private @act(%x: tensor<?x?xf32> {shodh.dims = ["B", "n"]}) -> tensor<?x?xf32> {
    %g = shodh.gelu %x : (tensor<?x?xf32>) -> tensor<?x?xf32>
    return %g : tensor<?x?xf32>
  }
  func.func @infer(%x: tensor<?x?xf32> {shodh.dims = ["B", "n"]}) -> tensor<?x?xf32> {
    // expected-error @+1 {{'func.call' op calls @act; --shodh-bind-hyperparams rewrites every function's signature on its own, which would leave this call's types stale: run --shodh-select-entry first (it inlines calls)}}
    %y = func.call @act(%x) : (tensor<?x?xf32>) -> tensor<?x?xf32>
    return %y : tensor<?x?xf32>
  }
}
