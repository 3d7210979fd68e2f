module attributes {shodh.hyperparams = {cin = 3 : i64}} {
  shodh.param @w {dims = [4, "cin"], init = {kind = "xavier"}} : tensor<?x?xf32>
}
