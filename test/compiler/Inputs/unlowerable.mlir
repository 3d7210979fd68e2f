module {
  func.func @infer(%x: tensor<2xf32>) -> tensor<2xf32> {
    %y = "test.softmax"(%x) : (tensor<2xf32>) -> tensor<2xf32>
    return %y : tensor<2xf32>
  }
}
