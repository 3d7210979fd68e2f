// A model without a shodh.train config whose @train_step is written by hand
// and takes 2 channels, while @infer takes 3 (one 4 x 4 weight on the last
// axis, shared): shodhc compiles both as they are, so `shodh-run train`
// meets validation data that fits `infer` but not the training data
// (test/tools/shodh-run-train-val-errors.test). A shodh.train config builds
// train_step from @infer, with the same shapes, so this takes a hand-written
// one.
module {
  shodh.param @w {init = {kind = "fan_in_uniform", fan = 4, seed = 1 : i64}} : tensor<4x4xf32>
  func.func @infer(%x: tensor<?x3x4xf32> {shodh.dims = ["B", 3, 4], shodh.name = "x"})
      -> (tensor<?x3x4xf32> {shodh.name = "y"}) {
    %w = shodh.read @w : tensor<4x4xf32>
    %y = shodh.linear %x, %w {axis = 2 : i64} : (tensor<?x3x4xf32>, tensor<4x4xf32>) -> tensor<?x3x4xf32>
    return %y : tensor<?x3x4xf32>
  }
  func.func @train_step(%x: tensor<?x2x4xf32> {shodh.dims = ["B", 2, 4], shodh.name = "x"},
                        %t: tensor<?x2x4xf32> {shodh.dims = ["B", 2, 4], shodh.name = "target"},
                        %lr: tensor<1xf32> {shodh.name = "lr"})
      -> (tensor<1xf32> {shodh.name = "loss"}) {
    %w = shodh.read @w : tensor<4x4xf32>
    %y = shodh.linear %x, %w {axis = 2 : i64} : (tensor<?x2x4xf32>, tensor<4x4xf32>) -> tensor<?x2x4xf32>
    %l = shodh.mse_loss %y, %t : (tensor<?x2x4xf32>, tensor<?x2x4xf32>) -> tensor<1xf32>
    return %l : tensor<1xf32>
  }
}
