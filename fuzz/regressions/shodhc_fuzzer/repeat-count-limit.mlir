// A repeat count of 10^9: --shodh-expand-repeats cloned the body until the
// fuzzer's time and memory limits. Must be a compile error.
module attributes {shodh.hyperparams = {layers = 1000000000 : i64}} {
  shodh.param @w {init = {kind = "zeros"}} : tensor<4x4xf32>
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
