// infer's output is the mean square over the whole batch: a tensor<1xf32>
// with no batch axis (test/tools/shodh-run-infer-rows.test).
module attributes {shodh.hyperparams = {n = 8 : i64}} {
  func.func @infer(%x: tensor<?x1x?x?xf32> {shodh.dims = ["B", 1, "n", "n"], shodh.name = "x"})
      -> (tensor<1xf32> {shodh.name = "l"}) {
    %l = shodh.mean_square %x : (tensor<?x1x?x?xf32>) -> tensor<1xf32>
    return %l : tensor<1xf32>
  }
}
