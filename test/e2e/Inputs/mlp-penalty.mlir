// models/mlp.mlir with two output channels read as a velocity and a physics
// penalty on it, for test/e2e/penalty.test (penalty_reference.py):
//   objective = mse(y, t) + 0.7 * mean_square(divergence_fd2(y))
// on the periodic unit square (lengths 1, 1). Adam's eps is 1, so one step
// reveals the gradient.
module attributes {shodh.hyperparams = {cin = 3 : i64, cout = 2 : i64, res = 8 : i64, width = 16 : i64},
    shodh.train = {loss = "mse", optimizer = "adam", lr = 0.05 : f64, eps = 1.0 : f64}} {
  shodh.param @lift_w {dims = ["width", "cin"], init = {kind = "fan_in_uniform", fan = "cin", seed = 1 : i64}} : tensor<?x?xf32>
  shodh.param @lift_b {dims = ["width"], init = {kind = "fan_in_uniform", fan = "cin", seed = 2 : i64}} : tensor<?xf32>
  shodh.param @mix_w {dims = ["width", "width"], init = {kind = "fan_in_uniform", fan = "width", seed = 3 : i64}} : tensor<?x?xf32>
  shodh.param @mix_b {dims = ["width"], init = {kind = "fan_in_uniform", fan = "width", seed = 4 : i64}} : tensor<?xf32>
  shodh.param @proj_w {dims = ["cout", "width"], init = {kind = "fan_in_uniform", fan = "width", seed = 7 : i64}} : tensor<?x?xf32>
  shodh.param @proj_b {dims = ["cout"], init = {kind = "fan_in_uniform", fan = "width", seed = 8 : i64}} : tensor<?xf32>

  func.func @infer(%x: tensor<?x?x?x?xf32> {shodh.dims = ["B", "cin", "res", "res"], shodh.name = "x"})
      -> (tensor<?x?x?x?xf32> {shodh.name = "y"}) {
    %lift_w = shodh.read @lift_w : tensor<?x?xf32>
    %lift_b = shodh.read @lift_b : tensor<?xf32>
    %lifted = shodh.linear %x, %lift_w, %lift_b {axis = 1 : i64}
        : (tensor<?x?x?x?xf32>, tensor<?x?xf32>, tensor<?xf32>) -> tensor<?x?x?x?xf32>
    %h0 = shodh.gelu %lifted : (tensor<?x?x?x?xf32>) -> tensor<?x?x?x?xf32>
    %mix_w = shodh.read @mix_w : tensor<?x?xf32>
    %mix_b = shodh.read @mix_b : tensor<?xf32>
    %mixed = shodh.linear %h0, %mix_w, %mix_b {axis = 1 : i64}
        : (tensor<?x?x?x?xf32>, tensor<?x?xf32>, tensor<?xf32>) -> tensor<?x?x?x?xf32>
    %h1 = shodh.gelu %mixed : (tensor<?x?x?x?xf32>) -> tensor<?x?x?x?xf32>
    %proj_w = shodh.read @proj_w : tensor<?x?xf32>
    %proj_b = shodh.read @proj_b : tensor<?xf32>
    %y = shodh.linear %h1, %proj_w, %proj_b {axis = 1 : i64}
        : (tensor<?x?x?x?xf32>, tensor<?x?xf32>, tensor<?xf32>) -> tensor<?x?x?x?xf32>
    %div = shodh.divergence %y {method = "fd2", lengths = array<f64: 1.0, 1.0>}
        : (tensor<?x?x?x?xf32>) -> tensor<?x1x?x?xf32>
    %pen = shodh.mean_square %div : (tensor<?x1x?x?xf32>) -> tensor<1xf32>
    shodh.aux_loss %pen {coefficient = 0.7 : f64, name = "div"} : tensor<1xf32>
    return %y : tensor<?x?x?x?xf32>
  }
}
