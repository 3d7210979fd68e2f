// --shodh-select-entry errors: a call, inside a nested module, to a function
// that is not one of the model's top-level functions.
// RUN: shodh-opt %s -split-input-file -verify-diagnostics --shodh-select-entry

module {
  func.func @infer(%x: tensor<2xf32>) -> tensor<2xf32> {
    return %x : tensor<2xf32>
  }
  module @inner {
    func.func @g(%x: tensor<2xf32>) -> tensor<2xf32> {
      return %x : tensor<2xf32>
    }
    func.func @h(%x: tensor<2xf32>) -> tensor<2xf32> {
      // expected-error @+1 {{'func.call' op calls @g, which is not a function of the model}}
      %y = func.call @g(%x) : (tensor<2xf32>) -> tensor<2xf32>
      return %y : tensor<2xf32>
    }
  }
}
