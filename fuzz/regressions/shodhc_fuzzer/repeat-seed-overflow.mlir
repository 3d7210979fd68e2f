// A repeated parameter whose instance seed (seed * 1000 + i) overflows
// int64: signed overflow in --shodh-expand-repeats (UBSan). Must be a
// compile error.
module attributes {shodh.hyperparams = {layers = 2 : i64}} {
  shodh.param @w {init = {kind = "normal", a = 0.0 : f64, b = 1.0 : f64, seed = 9223372036854775807 : i64}} : tensor<4x4xf32>
  func.func @infer(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
    %y = shodh.repeat (%x) {count = "layers"} : (tensor<2x4xf32>) -> tensor<2x4xf32> {
    ^bb0(%h: tensor<2x4xf32>):
      %w = shodh.read @w : tensor<4x4xf32>
      %l = shodh.linear %h, %w : (tensor<2x4xf32>, tensor<4x4xf32>) -> tensor<2x4xf32>
      shodh.yield %l : tensor<2x4xf32>
    }
    return %y : tensor<2x4xf32>
  }
}
