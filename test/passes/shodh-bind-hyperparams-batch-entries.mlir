// --shodh-bind-hyperparams: a "B" dims entry on an axis the type fixes would
// turn that axis into the batch size; it is refused unless the batch bound
// equals the fixed size.
// RUN: shodh-opt %s -verify-diagnostics --shodh-bind-hyperparams
// RUN: shodh-opt %s -verify-diagnostics --shodh-bind-hyperparams="batch=4"
// RUN: shodh-opt %s --shodh-bind-hyperparams="batch=3" | FileCheck %s
// CHECK: func.func @infer(%{{.*}}: tensor<3x3xf32> {shodh.dims = ["B", "B"], shodh.name = "x"})

module {
  // expected-error @+1 {{'func.func' op argument #0 shodh.dims: dims entry #1 is the batch dimension 'B' but dimension #1 is 3 in the type 'tensor<?x3xf32>'; write '?' there to take the batch size, or give that axis its own size}}
  func.func @infer(%x: tensor<?x3xf32> {shodh.dims = ["B", "B"], shodh.name = "x"}) -> (tensor<?x3xf32> {shodh.name = "y"}) {
    return %x : tensor<?x3xf32>
  }
}
