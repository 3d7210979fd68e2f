// --shodh-build-training reports patch and resampling ops it cannot
// differentiate: their gradients need the static grid of the input.
// RUN: shodh-opt %s -split-input-file -verify-diagnostics --shodh-build-training

module attributes {shodh.train = {loss = "mse"}} {
  shodh.param @w {init = {kind = "zeros"}} : tensor<2x2xf32>
  func.func @infer(%x: tensor<?x2x?x8xf32> {shodh.name = "x"})
      -> (tensor<?x?x2x4x4xf32> {shodh.name = "y"}) {
    %w = shodh.read @w : tensor<2x2xf32>
    %h = shodh.linear %x, %w : (tensor<?x2x?x8xf32>, tensor<2x2xf32>) -> tensor<?x2x?x8xf32>
    // expected-error @+1 {{'shodh.patchify' op cannot be differentiated with dynamic grid sizes in 'tensor<?x2x?x8xf32>'}}
    %t = shodh.patchify %h {patch = array<i64: 4, 4>} : (tensor<?x2x?x8xf32>) -> tensor<?x?x2x4x4xf32>
    return %t : tensor<?x?x2x4x4xf32>
  }
}

// -----

module attributes {shodh.train = {loss = "mse"}} {
  shodh.param @w {init = {kind = "zeros"}} : tensor<2x2xf32>
  func.func @infer(%x: tensor<?x2x?x8xf32> {shodh.name = "x"})
      -> (tensor<?x2x4x4xf32> {shodh.name = "y"}) {
    %w = shodh.read @w : tensor<2x2xf32>
    %h = shodh.linear %x, %w : (tensor<?x2x?x8xf32>, tensor<2x2xf32>) -> tensor<?x2x?x8xf32>
    // expected-error @+1 {{'shodh.interpolate' op cannot be differentiated with dynamic input grid sizes in 'tensor<?x2x?x8xf32>'}}
    %y = shodh.interpolate %h {size = array<i64: 4, 4>} : (tensor<?x2x?x8xf32>) -> tensor<?x2x4x4xf32>
    return %y : tensor<?x2x4x4xf32>
  }
}
