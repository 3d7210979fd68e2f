// A tiny model with a full training configuration (AdamW, clipping, rel_l2).
module attributes {shodh.train = {loss = "rel_l2", optimizer = "adamw", weight_decay = 0.01, clip_norm = 0.5, schedule = "cosine", warmup = 10 : i64}} {
  shodh.param @w {init = {kind = "fan_in_uniform", fan = 3 : i64, seed = 1 : i64}} : tensor<4x3xf32>
  func.func @infer(%x: tensor<?x3xf32> {shodh.dims = ["B", 3], shodh.name = "x"}) -> (tensor<?x4xf32> {shodh.name = "y"}) {
    %w = shodh.read @w : tensor<4x3xf32>
    %y = shodh.linear %x, %w : (tensor<?x3xf32>, tensor<4x3xf32>) -> tensor<?x4xf32>
    return %y : tensor<?x4xf32>
  }
}
