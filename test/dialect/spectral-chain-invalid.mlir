// The links of an unfused spectral chain agree on the number of transformed
// axes: a truncate straight after an rfft keeps modes on each axis the rfft
// transformed, and an irfft straight after a pad inverts each padded axis
// (an rfft with ndims = 2 on [B, C, N] used to transform the channel axis
// and never transform it back).
// RUN: shodh-opt %s -split-input-file -verify-diagnostics

func.func @f(%x: tensor<2x4x16xf32>) -> tensor<2x4x6xcomplex<f32>> {
  %f = shodh.rfft %x {ndims = 2 : i64} : (tensor<2x4x16xf32>) -> tensor<2x4x9xcomplex<f32>>
  // expected-error @+1 {{'shodh.spectral_truncate' op keeps modes on 1 axis but its input is the spectrum of a 'shodh.rfft' over 2 axes (ndims); give one mode count per transformed axis}}
  %t = shodh.spectral_truncate %f {modes = array<i64: 6>} : (tensor<2x4x9xcomplex<f32>>) -> tensor<2x4x6xcomplex<f32>>
  return %t : tensor<2x4x6xcomplex<f32>>
}

// -----

func.func @f(%t: tensor<2x4x4x3xcomplex<f32>>) -> tensor<2x4x8x8xf32> {
  %p = shodh.spectral_pad %t {modes = array<i64: 2, 3>, sizes = array<i64: 8, 8>} : (tensor<2x4x4x3xcomplex<f32>>) -> tensor<2x4x8x5xcomplex<f32>>
  // expected-error @+1 {{'shodh.irfft' op inverts 1 axis (ndims) but its input was padded on 2 axes by 'shodh.spectral_pad'; they must agree}}
  %y = shodh.irfft %p {ndims = 1 : i64, last_size = 8 : i64} : (tensor<2x4x8x5xcomplex<f32>>) -> tensor<2x4x8x8xf32>
  return %y : tensor<2x4x8x8xf32>
}

// -----

// Written with hyperparameter expressions, the entries are counted too.
module attributes {shodh.hyperparams = {m = 3 : i64}} {
  func.func @f(%x: tensor<2x4x16xf32>) -> tensor<2x4x?xcomplex<f32>> {
    %f = shodh.rfft %x {ndims = 1 : i64} : (tensor<2x4x16xf32>) -> tensor<2x4x9xcomplex<f32>>
    // expected-error @+1 {{'shodh.spectral_truncate' op keeps modes on 2 axes but its input is the spectrum of a 'shodh.rfft' over 1 axis (ndims)}}
    %t = shodh.spectral_truncate %f {modes = ["m", "m"]} : (tensor<2x4x9xcomplex<f32>>) -> tensor<2x?x?xcomplex<f32>>
    return %t : tensor<2x?x?xcomplex<f32>>
  }
}
