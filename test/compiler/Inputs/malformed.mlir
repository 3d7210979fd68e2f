module attributes {shodh.hyperparams = {cin = 3 : i64}} {
  func.func @infer(%x: tensor<?x3xf32>) -> tensor<?x3xf32> {
    %y = shodh.gelu %x : (tensor<?x3xf32>) ->
    return %y : tensor<?x3xf32>
  }
}
