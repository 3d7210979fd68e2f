// A token-wise linear map (no bias, so that attention's input gradient is
// used) then one multi-head self-attention layer over tokens [B, 12, 8]
// (2 heads of size 4) for test/e2e/attention-parity.test. Adam eps = 1 so that updates
// depend on gradient magnitudes (see mlp-train.mlir); weights from
// uniform(-1, 1) make the softmax far from uniform.
module attributes {shodh.train = {loss = "mse", optimizer = "adam", lr = 0.05 : f64, eps = 1.0 : f64}} {
  shodh.param @w0 {init = {kind = "fan_in_uniform", fan = 8 : i64, seed = 5 : i64}} : tensor<8x8xf32>
  shodh.param @wqkv {init = {kind = "uniform", a = -1.0 : f64, b = 1.0 : f64, seed = 1 : i64}} : tensor<24x8xf32>
  shodh.param @bqkv {init = {kind = "uniform", a = -0.5 : f64, b = 0.5 : f64, seed = 2 : i64}} : tensor<24xf32>
  shodh.param @wo {init = {kind = "fan_in_uniform", fan = 8 : i64, seed = 3 : i64}} : tensor<8x8xf32>
  shodh.param @bo {init = {kind = "uniform", a = -0.5 : f64, b = 0.5 : f64, seed = 4 : i64}} : tensor<8xf32>
  func.func @infer(%x: tensor<?x12x8xf32> {shodh.dims = ["B", 12, 8], shodh.name = "x"}) -> (tensor<?x12x8xf32> {shodh.name = "y"}) {
    %w0 = shodh.read @w0 : tensor<8x8xf32>
    %wqkv = shodh.read @wqkv : tensor<24x8xf32>
    %bqkv = shodh.read @bqkv : tensor<24xf32>
    %wo = shodh.read @wo : tensor<8x8xf32>
    %bo = shodh.read @bo : tensor<8xf32>
    %h = shodh.linear %x, %w0 {axis = 2 : i64} : (tensor<?x12x8xf32>, tensor<8x8xf32>) -> tensor<?x12x8xf32>
    %y = shodh.attention %h, %wqkv, %bqkv, %wo, %bo {heads = 2 : i64} : (tensor<?x12x8xf32>, tensor<24x8xf32>, tensor<24xf32>, tensor<8x8xf32>, tensor<8xf32>) -> tensor<?x12x8xf32>
    return %y : tensor<?x12x8xf32>
  }
}
