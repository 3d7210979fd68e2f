// The input and the output are both named "y": the model file would hold
// the tensor name 'infer.y' twice, which the runtime refuses.
module {
  func.func @infer(%x: tensor<2x4xf32> {shodh.name = "y"}) -> (tensor<2x4xf32> {shodh.name = "y"}) {
    %y = shodh.gelu %x : (tensor<2x4xf32>) -> tensor<2x4xf32>
    return %y : tensor<2x4xf32>
  }
}
