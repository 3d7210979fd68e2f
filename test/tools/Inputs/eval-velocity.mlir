// A velocity model for `shodh-run eval --divergence`
// (test/tools/shodh-run-eval-domains.test): a channel mix y = W x + b of a
// velocity [B, 3, 8, 8, 8] followed by the Leray projection, so the output
// is divergence-free up to f32 round-off. eval-velocity-mix.mlir is the
// same without the projection.
module attributes {shodh.train = {loss = "mse"}} {
  shodh.param @w {init = {kind = "uniform", a = -1.0 : f64, b = 1.0 : f64, seed = 3 : i64}} : tensor<3x3xf32>
  shodh.param @b {init = {kind = "uniform", a = -0.5 : f64, b = 0.5 : f64, seed = 4 : i64}} : tensor<3xf32>
  func.func @infer(%x: tensor<?x3x8x8x8xf32> {shodh.dims = ["B", 3, 8, 8, 8], shodh.name = "x"})
      -> (tensor<?x3x8x8x8xf32> {shodh.name = "velocity"}) {
    %w = shodh.read @w : tensor<3x3xf32>
    %b = shodh.read @b : tensor<3xf32>
    %m = shodh.linear %x, %w, %b {axis = 1 : i64}
        : (tensor<?x3x8x8x8xf32>, tensor<3x3xf32>, tensor<3xf32>) -> tensor<?x3x8x8x8xf32>
    %y = shodh.div_free_project %m {lengths = array<f64: 1.0, 1.0, 1.0>}
        : (tensor<?x3x8x8x8xf32>) -> tensor<?x3x8x8x8xf32>
    return %y : tensor<?x3x8x8x8xf32>
  }
}
