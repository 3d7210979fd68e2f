// A small conv autoencoder for test/e2e/nn-autoencoder-parity.test:
// conv (stride 2, circular) -> layer_norm over channels -> gelu -> conv
// (3x3, circular, no bias) -> conv_transpose (stride 2) back to the input
// grid. Adam eps = 1 so that updates depend on gradient magnitudes (see
// mlp-train.mlir).
module attributes {shodh.train = {loss = "mse", optimizer = "adam", lr = 0.05 : f64, eps = 1.0 : f64}} {
  shodh.param @w1 {init = {kind = "fan_in_uniform", fan = 32 : i64, seed = 1 : i64}} : tensor<4x2x4x4xf32>
  shodh.param @b1 {init = {kind = "uniform", a = -0.5 : f64, b = 0.5 : f64, seed = 2 : i64}} : tensor<4xf32>
  shodh.param @g {init = {kind = "uniform", a = 0.5 : f64, b = 1.5 : f64, seed = 3 : i64}} : tensor<4xf32>
  shodh.param @beta {init = {kind = "uniform", a = -0.5 : f64, b = 0.5 : f64, seed = 4 : i64}} : tensor<4xf32>
  shodh.param @w2 {init = {kind = "fan_in_uniform", fan = 36 : i64, seed = 5 : i64}} : tensor<4x4x3x3xf32>
  shodh.param @w3 {init = {kind = "fan_in_uniform", fan = 64 : i64, seed = 6 : i64}} : tensor<4x2x4x4xf32>
  shodh.param @b3 {init = {kind = "uniform", a = -0.5 : f64, b = 0.5 : f64, seed = 7 : i64}} : tensor<2xf32>
  func.func @infer(%x: tensor<?x2x8x8xf32> {shodh.dims = ["B", 2, 8, 8], shodh.name = "x"}) -> (tensor<?x2x8x8xf32> {shodh.name = "y"}) {
    %w1 = shodh.read @w1 : tensor<4x2x4x4xf32>
    %b1 = shodh.read @b1 : tensor<4xf32>
    %g = shodh.read @g : tensor<4xf32>
    %beta = shodh.read @beta : tensor<4xf32>
    %w2 = shodh.read @w2 : tensor<4x4x3x3xf32>
    %w3 = shodh.read @w3 : tensor<4x2x4x4xf32>
    %b3 = shodh.read @b3 : tensor<2xf32>
    %z = shodh.conv %x, %w1, %b1 {stride = array<i64: 2, 2>, padding = array<i64: 1, 1>, padding_mode = "circular"} : (tensor<?x2x8x8xf32>, tensor<4x2x4x4xf32>, tensor<4xf32>) -> tensor<?x4x4x4xf32>
    %n = shodh.layer_norm %z, %g, %beta : (tensor<?x4x4x4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<?x4x4x4xf32>
    %a = shodh.gelu %n : (tensor<?x4x4x4xf32>) -> tensor<?x4x4x4xf32>
    %c = shodh.conv %a, %w2 {padding = array<i64: 1, 1>, padding_mode = "circular"} : (tensor<?x4x4x4xf32>, tensor<4x4x3x3xf32>) -> tensor<?x4x4x4xf32>
    %y = shodh.conv_transpose %c, %w3, %b3 {stride = array<i64: 2, 2>, padding = array<i64: 1, 1>} : (tensor<?x4x4x4xf32>, tensor<4x2x4x4xf32>, tensor<2xf32>) -> tensor<?x2x8x8xf32>
    return %y : tensor<?x2x8x8xf32>
  }
}
