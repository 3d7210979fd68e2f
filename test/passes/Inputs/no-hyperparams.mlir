// A model without shodh.hyperparams (used by ../shodh-bind-hyperparams.mlir).
func.func @infer(%x: tensor<?x3xf32> {shodh.dims = ["B", 3]}) -> tensor<?x3xf32> {
  return %x : tensor<?x3xf32>
}
