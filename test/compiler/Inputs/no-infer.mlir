// No @infer: only a declaration and a function of another name.
module {
  func.func private @infer(tensor<2xf32>) -> tensor<2xf32>
  func.func @other(%x: tensor<2xf32>) -> tensor<2xf32> {
    return %x : tensor<2xf32>
  }
}
