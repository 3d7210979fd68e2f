// Two functions with their own parameters, composed by @infer: the model of
// shodh-run-multi-weights.test (each entry trained alone, the whole model
// run with both checkpoints).
module attributes {shodh.train = {loss = "mse", optimizer = "adam", lr = 1.0e-2 : f64}} {
  shodh.param @a_w {init = {kind = "fan_in_uniform", fan = 2, seed = 1 : i64}} : tensor<3x2xf32>
  shodh.param @b_w {init = {kind = "fan_in_uniform", fan = 3, seed = 2 : i64}} : tensor<2x3xf32>
  func.func @first(%x: tensor<?x2x4xf32> {shodh.dims = ["B", 2, 4], shodh.name = "x"})
      -> (tensor<?x3x4xf32> {shodh.name = "h"}) {
    %w = shodh.read @a_w : tensor<3x2xf32>
    %h = shodh.linear %x, %w {axis = 1 : i64} : (tensor<?x2x4xf32>, tensor<3x2xf32>) -> tensor<?x3x4xf32>
    return %h : tensor<?x3x4xf32>
  }
  func.func @second(%h: tensor<?x3x4xf32> {shodh.dims = ["B", 3, 4], shodh.name = "h"})
      -> (tensor<?x2x4xf32> {shodh.name = "y"}) {
    %w = shodh.read @b_w : tensor<2x3xf32>
    %y = shodh.linear %h, %w {axis = 1 : i64} : (tensor<?x3x4xf32>, tensor<2x3xf32>) -> tensor<?x2x4xf32>
    return %y : tensor<?x2x4xf32>
  }
  func.func @infer(%x: tensor<?x2x4xf32> {shodh.dims = ["B", 2, 4], shodh.name = "x"})
      -> (tensor<?x2x4xf32> {shodh.name = "y"}) {
    %h = func.call @first(%x) : (tensor<?x2x4xf32>) -> tensor<?x3x4xf32>
    %y = func.call @second(%h) : (tensor<?x3x4xf32>) -> tensor<?x2x4xf32>
    return %y : tensor<?x2x4xf32>
  }
}
