  func.func @autoencode(%arg0: tensor<2xf32>) -> (tensor<2xf32>) {
    %7 = "u.ln"(%6, %2, %3) : (tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  }
  func.func @infer(%arg0: tensor<2xf32>) -> (tensor<2xf32>) {
    %6 = "u.conv"(%arg0, %0, %1) : (tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
    %7 = "u.ln"(%6, %2, %3) : (tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
    %84 = "u.up"(%83) : (tensor<2xf32>) -> tensor<2xf32>
    %85 = "u.add"(%9, %84) : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
    %86 = "u.read"() : () -> tensor<2xf32>
    %87 = "u.read"() : () -> tensor<2xf32>
