// --shodh-serialize errors reported on a kernel: a result whose element type
// the model file cannot hold (nothing is written).
// RUN: rm -rf %t && mkdir -p %t
// RUN: shodh-opt %s -split-input-file -verify-diagnostics --shodh-serialize="output=%t/bad.fb"
// RUN: not test -e %t/bad.fb

func.func @infer(%x: tensor<2xf32> {shodh.live = array<i64: 0, 0>}) -> tensor<2xbf16> {
  // expected-error @+1 {{'shodh.kernel' op result #0 has type 'tensor<2xbf16>'; expected a ranked tensor of f32, f64, complex<f32>, complex<f64>, i32 or i64}}
  %y = shodh.kernel "cast"(%x) {shodh.index = 0 : i64, shodh.live = [array<i64: 0, 1>]} : (tensor<2xf32>) -> tensor<2xbf16>
  return %y : tensor<2xbf16>
}
