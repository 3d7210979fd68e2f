// A lowered kernel with an in-place result: shodhc wrote a model whose two
// calls write one arena tensor, which the runtime's verifier rejects. Must
// be a compile error.
func.func @infer(%g: tensor<2xf32>, %n: tensor<1xf32>) -> tensor<2xf32> {
  %a = shodh.kernel "add"(%g, %g) : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  %c = shodh.kernel "clip_by_norm"(%a, %n) {in_place = array<i64: 0>} : (tensor<2xf32>, tensor<1xf32>) -> tensor<2xf32>
  %m = shodh.kernel "mul"(%c, %c) : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return %m : tensor<2xf32>
}
