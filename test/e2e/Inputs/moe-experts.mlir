// A routed MLP-expert layer for the expert parity test (moe-experts-parity):
// lift -> router -> top-2 renormalised -> dispatch -> expert_mlp (3 experts,
// hidden 6) -> combine. The compile pipeline fuses the last three into
// shodh.moe, so this exercises the fused kernel, its gradient rule
// (recomputed dispatch and expert, combine_grad, expert_mlp_grad,
// dispatch_grad) and Adam. Adam eps = 1 so that updates depend on gradient
// magnitudes.
module attributes {shodh.train = {loss = "mse", optimizer = "adam", lr = 0.05 : f64, eps = 1.0 : f64}} {
  shodh.param @w_in {init = {kind = "fan_in_uniform", fan = 3 : i64, seed = 1 : i64}} : tensor<4x3xf32>
  shodh.param @w_r {init = {kind = "uniform", a = -1.0 : f64, b = 1.0 : f64, seed = 2 : i64}} : tensor<3x4xf32>
  shodh.param @b_r {init = {kind = "uniform", a = -0.5 : f64, b = 0.5 : f64, seed = 3 : i64}} : tensor<3xf32>
  shodh.param @w1 {init = {kind = "fan_in_uniform", fan = 4 : i64, seed = 4 : i64}} : tensor<3x6x4xf32>
  shodh.param @b1 {init = {kind = "uniform", a = -0.5 : f64, b = 0.5 : f64, seed = 5 : i64}} : tensor<3x6xf32>
  shodh.param @w2 {init = {kind = "fan_in_uniform", fan = 6 : i64, seed = 6 : i64}} : tensor<3x5x6xf32>
  shodh.param @b2 {init = {kind = "uniform", a = -0.5 : f64, b = 0.5 : f64, seed = 7 : i64}} : tensor<3x5xf32>
  func.func @infer(%x: tensor<?x6x3xf32> {shodh.dims = ["B", 6, 3], shodh.name = "x"}) -> (tensor<?x6x5xf32> {shodh.name = "y"}) {
    %w_in = shodh.read @w_in : tensor<4x3xf32>
    %h = shodh.linear %x, %w_in {axis = 2 : i64} : (tensor<?x6x3xf32>, tensor<4x3xf32>) -> tensor<?x6x4xf32>
    %w_r = shodh.read @w_r : tensor<3x4xf32>
    %b_r = shodh.read @b_r : tensor<3xf32>
    %logits, %probs = shodh.router %h, %w_r, %b_r : (tensor<?x6x4xf32>, tensor<3x4xf32>, tensor<3xf32>) -> (tensor<?x6x3xf32>, tensor<?x6x3xf32>)
    %gates, %experts = shodh.top_k %probs {k = 2 : i64} : (tensor<?x6x3xf32>) -> (tensor<?x6x2xf32>, tensor<?x6x2xi64>)
    %sorted, %offsets, %source = shodh.dispatch %h, %experts {num_experts = 3 : i64} : (tensor<?x6x4xf32>, tensor<?x6x2xi64>) -> (tensor<?x12x4xf32>, tensor<4xi64>, tensor<?x12xi64>)
    %w1 = shodh.read @w1 : tensor<3x6x4xf32>
    %b1 = shodh.read @b1 : tensor<3x6xf32>
    %w2 = shodh.read @w2 : tensor<3x5x6xf32>
    %b2 = shodh.read @b2 : tensor<3x5xf32>
    %out = shodh.expert_mlp %sorted, %offsets, %w1, %b1, %w2, %b2 : (tensor<?x12x4xf32>, tensor<4xi64>, tensor<3x6x4xf32>, tensor<3x6xf32>, tensor<3x5x6xf32>, tensor<3x5xf32>) -> tensor<?x12x5xf32>
    %y = shodh.combine %out, %gates, %source, %offsets : (tensor<?x12x5xf32>, tensor<?x6x2xf32>, tensor<?x12xi64>, tensor<4xi64>) -> tensor<?x6x5xf32>
    return %y : tensor<?x6x5xf32>
  }
}
