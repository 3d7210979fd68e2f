// A routed layer for the routing statistics of `shodh-run eval`
// (test/tools/shodh-run-eval-routing.test): 4 patch tokens (1, 4, 4) per
// sample, routed on their spectral energy in 3 bands to one of 2 experts
// (top-1, capacity factor 1, so tokens can be dropped); the experts are the
// identity, so the model is `combine(dispatch(x))`.
module attributes {shodh.train = {loss = "mse"}} {
  shodh.param @w_r {init = {kind = "uniform", a = -1.0 : f64, b = 1.0 : f64, seed = 5 : i64}} : tensor<2x3xf32>
  func.func @infer(%x: tensor<?x4x1x4x4xf32> {shodh.dims = ["B", 4, 1, 4, 4], shodh.name = "x"}) -> (tensor<?x4x1x4x4xf32> {shodh.name = "y"}) {
    %f = shodh.spectral_energy %x {bands = 3 : i64} : (tensor<?x4x1x4x4xf32>) -> tensor<?x4x3xf32>
    %w_r = shodh.read @w_r : tensor<2x3xf32>
    %logits, %probs = shodh.router %f, %w_r : (tensor<?x4x3xf32>, tensor<2x3xf32>) -> (tensor<?x4x2xf32>, tensor<?x4x2xf32>)
    %gates, %experts = shodh.top_k %probs {k = 1 : i64, renormalize = false} : (tensor<?x4x2xf32>) -> (tensor<?x4x1xf32>, tensor<?x4x1xi64>)
    %sorted, %offsets, %source = shodh.dispatch %x, %experts {num_experts = 2 : i64, capacity_factor = 1.0 : f64} : (tensor<?x4x1x4x4xf32>, tensor<?x4x1xi64>) -> (tensor<?x4x1x4x4xf32>, tensor<3xi64>, tensor<?x4xi64>)
    %y = shodh.combine %sorted, %gates, %source, %offsets : (tensor<?x4x1x4x4xf32>, tensor<?x4x1xf32>, tensor<?x4xi64>, tensor<3xi64>) -> tensor<?x4x1x4x4xf32>
    return %y : tensor<?x4x1x4x4xf32>
  }
}
