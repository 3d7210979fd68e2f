// One parameter w [4, 4] acting on the last axis, so its checkpoint fits
// models that see other channel counts (test/tools/shodh-run-infer-errors.test):
// @infer takes (B, 2, 4) -> (B, 2, 4) (trained: statistics for 2 input and 2
// target channels), @wide takes (B, 3, 4), @folded returns (B, 4, 2) (the
// same values reshaped: 4 output channels).
module attributes {shodh.train = {loss = "mse", optimizer = "adam", lr = 1.0e-2 : f64}} {
  shodh.param @w {init = {kind = "fan_in_uniform", fan = 4, seed = 1 : i64}} : tensor<4x4xf32>
  func.func @infer(%x: tensor<?x2x4xf32> {shodh.dims = ["B", 2, 4], shodh.name = "x"})
      -> (tensor<?x2x4xf32> {shodh.name = "y"}) {
    %w = shodh.read @w : tensor<4x4xf32>
    %y = shodh.linear %x, %w {axis = 2 : i64} : (tensor<?x2x4xf32>, tensor<4x4xf32>) -> tensor<?x2x4xf32>
    return %y : tensor<?x2x4xf32>
  }
  func.func @wide(%x: tensor<?x3x4xf32> {shodh.dims = ["B", 3, 4], shodh.name = "x"})
      -> (tensor<?x3x4xf32> {shodh.name = "y"}) {
    %w = shodh.read @w : tensor<4x4xf32>
    %y = shodh.linear %x, %w {axis = 2 : i64} : (tensor<?x3x4xf32>, tensor<4x4xf32>) -> tensor<?x3x4xf32>
    return %y : tensor<?x3x4xf32>
  }
  func.func @folded(%x: tensor<?x2x4xf32> {shodh.dims = ["B", 2, 4], shodh.name = "x"})
      -> (tensor<?x4x2xf32> {shodh.name = "y"}) {
    %w = shodh.read @w : tensor<4x4xf32>
    %h = shodh.linear %x, %w {axis = 2 : i64} : (tensor<?x2x4xf32>, tensor<4x4xf32>) -> tensor<?x2x4xf32>
    %y = shodh.reshape %h {shape = array<i64: 4, 2>} : (tensor<?x2x4xf32>) -> tensor<?x4x2xf32>
    return %y : tensor<?x4x2xf32>
  }
}
