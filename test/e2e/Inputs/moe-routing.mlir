// A routed layer for the routing train-step parity test (moe-routing-parity):
// lift -> router (bias, temperature 1.5) -> top-2 renormalised -> dispatch ->
// a stand-in expert -> combine. The stand-in is gelu followed by a linear map
// over the sorted-row axis: it mixes rows, so the output depends on the
// routing order and on each gate (an expert that treats every row alike
// would make renormalised gates cancel: Σ_j g_j f(h) = f(h)). Adam eps = 1 so
// that updates depend on gradient magnitudes (see mlp-train.mlir).
module attributes {shodh.train = {loss = "mse", optimizer = "adam", lr = 0.05 : f64, eps = 1.0 : f64}} {
  shodh.param @w_in {init = {kind = "fan_in_uniform", fan = 3 : i64, seed = 1 : i64}} : tensor<8x3xf32>
  shodh.param @w_r {init = {kind = "uniform", a = -1.0 : f64, b = 1.0 : f64, seed = 2 : i64}} : tensor<4x8xf32>
  shodh.param @b_r {init = {kind = "uniform", a = -0.5 : f64, b = 0.5 : f64, seed = 3 : i64}} : tensor<4xf32>
  shodh.param @w_mix {init = {kind = "fan_in_uniform", fan = 12 : i64, seed = 4 : i64}} : tensor<12x12xf32>
  func.func @infer(%x: tensor<?x6x3xf32> {shodh.dims = ["B", 6, 3], shodh.name = "x"}) -> (tensor<?x6x8xf32> {shodh.name = "y"}) {
    %w_in = shodh.read @w_in : tensor<8x3xf32>
    %h = shodh.linear %x, %w_in {axis = 2 : i64} : (tensor<?x6x3xf32>, tensor<8x3xf32>) -> tensor<?x6x8xf32>
    %w_r = shodh.read @w_r : tensor<4x8xf32>
    %b_r = shodh.read @b_r : tensor<4xf32>
    %logits, %probs = shodh.router %h, %w_r, %b_r {temperature = 1.5 : f64} : (tensor<?x6x8xf32>, tensor<4x8xf32>, tensor<4xf32>) -> (tensor<?x6x4xf32>, tensor<?x6x4xf32>)
    %gates, %experts = shodh.top_k %probs {k = 2 : i64} : (tensor<?x6x4xf32>) -> (tensor<?x6x2xf32>, tensor<?x6x2xi64>)
    %sorted, %offsets, %source = shodh.dispatch %h, %experts {num_experts = 4 : i64} : (tensor<?x6x8xf32>, tensor<?x6x2xi64>) -> (tensor<?x12x8xf32>, tensor<5xi64>, tensor<?x12xi64>)
    %act = shodh.gelu %sorted : (tensor<?x12x8xf32>) -> tensor<?x12x8xf32>
    %w_mix = shodh.read @w_mix : tensor<12x12xf32>
    %mixed = shodh.linear %act, %w_mix {axis = 1 : i64} : (tensor<?x12x8xf32>, tensor<12x12xf32>) -> tensor<?x12x8xf32>
    %y = shodh.combine %mixed, %gates, %source, %offsets : (tensor<?x12x8xf32>, tensor<?x6x2xf32>, tensor<?x12xi64>, tensor<5xi64>) -> tensor<?x6x8xf32>
    return %y : tensor<?x6x8xf32>
  }
}
