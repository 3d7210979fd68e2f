// infer(x) = x + x on [B, 1, n, n] (test/tools/shodh-run-infer-rows.test).
module attributes {shodh.hyperparams = {n = 8 : i64}} {
  func.func @infer(%x: tensor<?x1x?x?xf32> {shodh.dims = ["B", 1, "n", "n"], shodh.name = "x"})
      -> (tensor<?x1x?x?xf32> {shodh.name = "y"}) {
    %y = shodh.add %x, %x : (tensor<?x1x?x?xf32>, tensor<?x1x?x?xf32>) -> tensor<?x1x?x?xf32>
    return %y : tensor<?x1x?x?xf32>
  }
}
