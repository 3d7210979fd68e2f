// shodh.spectral_conv_add round-trips, with and without its activation.
// RUN: shodh-opt %s | shodh-opt | FileCheck %s

// CHECK-LABEL: func.func @fourier_layer
func.func @fourier_layer(%x: tensor<?x4x16x16xf32>, %w: tensor<4x8x6x3xcomplex<f32>>, %skip: tensor<?x8x16x16xf32>) -> (tensor<?x8x16x16xf32>, tensor<?x8x16x16xf32>) {
  // CHECK: shodh.spectral_conv_add %{{.*}}, %{{.*}}, %{{.*}} {activation = "gelu", modes = array<i64: 3, 3>} : (tensor<?x4x16x16xf32>, tensor<4x8x6x3xcomplex<f32>>, tensor<?x8x16x16xf32>) -> tensor<?x8x16x16xf32>
  %y = shodh.spectral_conv_add %x, %w, %skip {modes = array<i64: 3, 3>, activation = "gelu"} : (tensor<?x4x16x16xf32>, tensor<4x8x6x3xcomplex<f32>>, tensor<?x8x16x16xf32>) -> tensor<?x8x16x16xf32>
  // CHECK: shodh.spectral_conv_add %{{.*}}, %{{.*}}, %{{.*}} {modes = array<i64: 3, 3>} : (tensor<?x4x16x16xf32>, tensor<4x8x6x3xcomplex<f32>>, tensor<?x8x16x16xf32>) -> tensor<?x8x16x16xf32>
  %z = shodh.spectral_conv_add %x, %w, %skip {modes = array<i64: 3, 3>} : (tensor<?x4x16x16xf32>, tensor<4x8x6x3xcomplex<f32>>, tensor<?x8x16x16xf32>) -> tensor<?x8x16x16xf32>
  return %y, %z : tensor<?x8x16x16xf32>, tensor<?x8x16x16xf32>
}
