// --shodh-bind-hyperparams errors: an override that makes an argument's
// 'shodh.dims' entry non-positive.
// RUN: shodh-opt %s -split-input-file -verify-diagnostics --shodh-bind-hyperparams="set=n=0"

module attributes {shodh.hyperparams = {n = 2 : i64}} {
  // expected-error @+1 {{'func.func' op argument #0 shodh.dims: dims entry #1 ("n") must be positive, got 0}}
  func.func @infer(%x: tensor<?x?xf32> {shodh.dims = ["B", "n"], shodh.name = "x"}) -> (tensor<?x?xf32> {shodh.name = "y"}) {
    %g = shodh.gelu %x : (tensor<?x?xf32>) -> tensor<?x?xf32>
    return %g : tensor<?x?xf32>
  }
}
