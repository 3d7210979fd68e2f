// --shodh-build-training reports ops it cannot differentiate (hyperparameter
// 'modes' and dynamic sizes the gradient needs static) and an optimizer
// state name that the module already defines, one per split.
// RUN: shodh-opt %s -split-input-file -verify-diagnostics --shodh-build-training

module attributes {shodh.hyperparams = {m = 2 : i64}, shodh.train = {loss = "mse"}} {
  shodh.param @w {init = {kind = "zeros"}} : tensor<4x4xf32>
  func.func @infer(%x: tensor<2x4x?x?xf32> {shodh.name = "x"}) -> (tensor<2x4x8x8xf32> {shodh.name = "y"}) {
    %w = shodh.read @w : tensor<4x4xf32>
    %h = shodh.linear %x, %w {axis = 1 : i64} : (tensor<2x4x?x?xf32>, tensor<4x4xf32>) -> tensor<2x4x?x?xf32>
    %f = shodh.rfft %h {ndims = 2 : i64} : (tensor<2x4x?x?xf32>) -> tensor<2x4x?x?xcomplex<f32>>
    // expected-error @+1 {{'shodh.spectral_truncate' op cannot be differentiated while 'modes' still uses hyperparameters}}
    %t = shodh.spectral_truncate %f {modes = ["m", "m"]} : (tensor<2x4x?x?xcomplex<f32>>) -> tensor<2x4x?x?xcomplex<f32>>
    %p = shodh.spectral_pad %t {modes = array<i64: 2, 2>, sizes = array<i64: 8, 8>} : (tensor<2x4x?x?xcomplex<f32>>) -> tensor<2x4x8x5xcomplex<f32>>
    %i = shodh.irfft %p {ndims = 2 : i64, last_size = 8 : i64} : (tensor<2x4x8x5xcomplex<f32>>) -> tensor<2x4x8x8xf32>
    return %i : tensor<2x4x8x8xf32>
  }
}

// -----

module attributes {shodh.hyperparams = {m = 2 : i64}, shodh.train = {loss = "mse"}} {
  shodh.param @ws {init = {kind = "zeros"}} : tensor<2x2x2x4x2xcomplex<f32>>
  shodh.param @wk {init = {kind = "zeros"}} : tensor<2x2x2xf32>
  shodh.param @bk {init = {kind = "zeros"}} : tensor<2x2xf32>
  func.func @infer(%p: tensor<2x4x2x4x4xf32> {shodh.name = "x"}, %off: tensor<3xi64> {shodh.name = "offsets"}) -> (tensor<2x4x2x4x4xf32> {shodh.name = "y"}) {
    %ws = shodh.read @ws : tensor<2x2x2x4x2xcomplex<f32>>
    %wk = shodh.read @wk : tensor<2x2x2xf32>
    %bk = shodh.read @bk : tensor<2x2xf32>
    // expected-error @+1 {{'shodh.expert_fno' op cannot be differentiated while 'modes' still uses hyperparameters}}
    %e = shodh.expert_fno %p, %off, %ws, %wk, %bk {modes = [1, "m"]}
        : (tensor<2x4x2x4x4xf32>, tensor<3xi64>, tensor<2x2x2x4x2xcomplex<f32>>, tensor<2x2x2xf32>, tensor<2x2xf32>) -> tensor<2x4x2x4x4xf32>
    return %e : tensor<2x4x2x4x4xf32>
  }
}

// -----

// The gradient of rfft needs the static length of its last axis.
module attributes {shodh.train = {loss = "mse"}} {
  shodh.param @w {init = {kind = "zeros"}} : tensor<4x4xf32>
  func.func @infer(%x: tensor<2x4x8x?xf32> {shodh.name = "x"}) -> (tensor<2x4x8x?xf32> {shodh.name = "y"}) {
    %w = shodh.read @w : tensor<4x4xf32>
    %h = shodh.linear %x, %w {axis = 1 : i64} : (tensor<2x4x8x?xf32>, tensor<4x4xf32>) -> tensor<2x4x8x?xf32>
    // expected-error @+1 {{'shodh.rfft' op cannot be differentiated with a dynamic last dimension}}
    %f = shodh.rfft %h {ndims = 2 : i64} : (tensor<2x4x8x?xf32>) -> tensor<2x4x8x?xcomplex<f32>>
    %i = shodh.irfft %f {ndims = 2 : i64, last_size = 8 : i64} : (tensor<2x4x8x?xcomplex<f32>>) -> tensor<2x4x8x8xf32>
    %y = shodh.add %h, %i : (tensor<2x4x8x?xf32>, tensor<2x4x8x8xf32>) -> tensor<2x4x8x?xf32>
    return %y : tensor<2x4x8x?xf32>
  }
}

// -----

module attributes {shodh.train = {loss = "mse"}} {
  shodh.param @w {init = {kind = "zeros"}} : tensor<4x4xf32>
  func.func @infer(%x: tensor<2x4x?x?xf32> {shodh.name = "x"}) -> (tensor<2x4x8x8xf32> {shodh.name = "y"}) {
    %w = shodh.read @w : tensor<4x4xf32>
    %h = shodh.linear %x, %w {axis = 1 : i64} : (tensor<2x4x?x?xf32>, tensor<4x4xf32>) -> tensor<2x4x?x?xf32>
    %f = shodh.rfft %h {ndims = 2 : i64} : (tensor<2x4x?x?xf32>) -> tensor<2x4x?x?xcomplex<f32>>
    // expected-error @+1 {{'shodh.spectral_truncate' op cannot be differentiated with dynamic spectral dimensions in 'tensor<2x4x?x?xcomplex<f32>>'}}
    %t = shodh.spectral_truncate %f {modes = array<i64: 2, 2>} : (tensor<2x4x?x?xcomplex<f32>>) -> tensor<2x4x4x2xcomplex<f32>>
    %p = shodh.spectral_pad %t {modes = array<i64: 2, 2>, sizes = array<i64: 8, 8>} : (tensor<2x4x4x2xcomplex<f32>>) -> tensor<2x4x8x5xcomplex<f32>>
    %i = shodh.irfft %p {ndims = 2 : i64, last_size = 8 : i64} : (tensor<2x4x8x5xcomplex<f32>>) -> tensor<2x4x8x8xf32>
    return %i : tensor<2x4x8x8xf32>
  }
}

// -----

module attributes {shodh.train = {loss = "mse"}} {
  shodh.param @w0 {init = {kind = "zeros"}} : tensor<2x2xf32>
  shodh.param @k {init = {kind = "zeros"}} : tensor<2x2x3x3xf32>
  func.func @infer(%x: tensor<2x2x?x?xf32> {shodh.name = "x"}) -> (tensor<2x2x?x?xf32> {shodh.name = "y"}) {
    %w0 = shodh.read @w0 : tensor<2x2xf32>
    %h = shodh.linear %x, %w0 {axis = 1 : i64} : (tensor<2x2x?x?xf32>, tensor<2x2xf32>) -> tensor<2x2x?x?xf32>
    %k = shodh.read @k : tensor<2x2x3x3xf32>
    // expected-error @+1 {{'shodh.conv' op cannot be differentiated while the input has dynamic spatial sizes: 'tensor<2x2x?x?xf32>'}}
    %y = shodh.conv %h, %k {padding = array<i64: 1, 1>} : (tensor<2x2x?x?xf32>, tensor<2x2x3x3xf32>) -> tensor<2x2x?x?xf32>
    return %y : tensor<2x2x?x?xf32>
  }
}

// -----

// The expert ids have a dynamic top-k axis.
module attributes {shodh.train = {loss = "mse"}} {
  shodh.param @w0 {init = {kind = "zeros"}} : tensor<4x4xf32>
  func.func @infer(%x: tensor<2x6x4xf32> {shodh.name = "x"}, %ids: tensor<2x6x?xi64> {shodh.name = "ids"}, %g: tensor<2x6x?xf32> {shodh.name = "g"}) -> (tensor<2x6x4xf32> {shodh.name = "y"}) {
    %w0 = shodh.read @w0 : tensor<4x4xf32>
    %h = shodh.linear %x, %w0 {axis = 2 : i64} : (tensor<2x6x4xf32>, tensor<4x4xf32>) -> tensor<2x6x4xf32>
    // expected-error @+1 {{'shodh.dispatch' op cannot be differentiated with a dynamic number of slots k in experts 'tensor<2x6x?xi64>'}}
    %s, %off, %src = shodh.dispatch %h, %ids {num_experts = 2 : i64} : (tensor<2x6x4xf32>, tensor<2x6x?xi64>) -> (tensor<2x?x4xf32>, tensor<3xi64>, tensor<2x?xi64>)
    %y = shodh.combine %s, %g, %src, %off : (tensor<2x?x4xf32>, tensor<2x6x?xf32>, tensor<2x?xi64>, tensor<3xi64>) -> tensor<2x6x4xf32>
    return %y : tensor<2x6x4xf32>
  }
}

// -----

// Adam's first moment of @w would be @w.adam_m, which is taken.
module attributes {shodh.train = {loss = "mse"}} {
  // expected-error @+1 {{'shodh.param' op --shodh-build-training would create @w.adam_m, which the module already defines}}
  shodh.param @w {init = {kind = "zeros"}} : tensor<2x3xf32>
  shodh.state @w.adam_m {init = {kind = "zeros"}} : tensor<2x3xf32>
  func.func @infer(%x: tensor<4x3xf32> {shodh.name = "x"}) -> (tensor<4x2xf32> {shodh.name = "y"}) {
    %w = shodh.read @w : tensor<2x3xf32>
    %y = shodh.linear %x, %w : (tensor<4x3xf32>, tensor<2x3xf32>) -> tensor<4x2xf32>
    return %y : tensor<4x2xf32>
  }
}
