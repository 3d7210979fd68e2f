// --shodh-fuse-layer-activation: a gelu of a fourier_layer_save's result
// becomes the layer's third result (activated_output "gelu", or
// "gelu_tanh" for the tanh GELU); the result, still the pre-activation,
// keeps its other uses. A layer that already applies an activation, a GELU
// of another value, or a layer with an activated result already are left
// alone.
// RUN: shodh-opt %s -split-input-file --shodh-fuse-layer-activation | FileCheck %s

// CHECK-LABEL: func.func @folds
// CHECK-SAME: (%[[X:.*]]: tensor<?x2x8xf32>, %[[W:.*]]: tensor<2x3x3xcomplex<f32>>, %[[SW:.*]]: tensor<3x2xf32>, %[[SB:.*]]: tensor<3xf32>)
func.func @folds(%x: tensor<?x2x8xf32>, %w: tensor<2x3x3xcomplex<f32>>, %sw: tensor<3x2xf32>, %sb: tensor<3xf32>) -> (tensor<?x3x8xf32>, tensor<?x3x8xf32>, tensor<?x2x3xcomplex<f32>>) {
  // CHECK-NEXT: %[[Z:.*]], %[[S:.*]], %[[A:.*]] = shodh.fourier_layer_save %[[X]], %[[W]], %[[SW]], %[[SB]] {activated_output = "gelu", modes = array<i64: 3>} : (tensor<?x2x8xf32>, tensor<2x3x3xcomplex<f32>>, tensor<3x2xf32>, tensor<3xf32>) -> (tensor<?x3x8xf32>, tensor<?x2x3xcomplex<f32>>, tensor<?x3x8xf32>)
  // CHECK-NEXT: return %[[A]], %[[Z]], %[[S]]
  %z, %s = shodh.fourier_layer_save %x, %w, %sw, %sb {modes = array<i64: 3>} : (tensor<?x2x8xf32>, tensor<2x3x3xcomplex<f32>>, tensor<3x2xf32>, tensor<3xf32>) -> (tensor<?x3x8xf32>, tensor<?x2x3xcomplex<f32>>)
  %a = shodh.gelu %z : (tensor<?x3x8xf32>) -> tensor<?x3x8xf32>
  return %a, %z, %s : tensor<?x3x8xf32>, tensor<?x3x8xf32>, tensor<?x2x3xcomplex<f32>>
}

// -----

// The tanh GELU, no skip bias.
// CHECK-LABEL: func.func @tanh
// CHECK: shodh.fourier_layer_save %{{.*}}, %{{.*}}, %{{.*}} {activated_output = "gelu_tanh", modes = array<i64: 3>}
// CHECK-NOT: shodh.gelu
func.func @tanh(%x: tensor<?x2x8xf32>, %w: tensor<2x3x3xcomplex<f32>>, %sw: tensor<3x2xf32>) -> (tensor<?x3x8xf32>, tensor<?x2x3xcomplex<f32>>) {
  %z, %s = shodh.fourier_layer_save %x, %w, %sw {modes = array<i64: 3>} : (tensor<?x2x8xf32>, tensor<2x3x3xcomplex<f32>>, tensor<3x2xf32>) -> (tensor<?x3x8xf32>, tensor<?x2x3xcomplex<f32>>)
  %a = shodh.gelu %z {approximate = "tanh"} : (tensor<?x3x8xf32>) -> tensor<?x3x8xf32>
  return %a, %s : tensor<?x3x8xf32>, tensor<?x2x3xcomplex<f32>>
}

// -----

// The layer applies its own activation: the GELU stays a separate op.
// CHECK-LABEL: func.func @activated_layer
// CHECK: shodh.fourier_layer_save %{{.*}}, %{{.*}}, %{{.*}} {activation = "gelu", modes = array<i64: 3>} : {{.*}} -> (tensor<?x3x8xf32>, tensor<?x2x3xcomplex<f32>>)
// CHECK: shodh.gelu
func.func @activated_layer(%x: tensor<?x2x8xf32>, %w: tensor<2x3x3xcomplex<f32>>, %sw: tensor<3x2xf32>) -> tensor<?x3x8xf32> {
  %z, %s = shodh.fourier_layer_save %x, %w, %sw {modes = array<i64: 3>, activation = "gelu"} : (tensor<?x2x8xf32>, tensor<2x3x3xcomplex<f32>>, tensor<3x2xf32>) -> (tensor<?x3x8xf32>, tensor<?x2x3xcomplex<f32>>)
  %a = shodh.gelu %z : (tensor<?x3x8xf32>) -> tensor<?x3x8xf32>
  return %a : tensor<?x3x8xf32>
}

// -----

// Two GELUs of the same result: one folds, the other (an activated result
// then exists) stays, reading the pre-activation.
// CHECK-LABEL: func.func @second_gelu
// CHECK: %[[Z:.*]], %{{.*}}, %{{.*}} = shodh.fourier_layer_save {{.*}}activated_output = "gelu{{(_tanh)?}}"
// CHECK-NEXT: shodh.gelu %[[Z]]
// CHECK-NOT: shodh.gelu
func.func @second_gelu(%x: tensor<?x2x8xf32>, %w: tensor<2x3x3xcomplex<f32>>, %sw: tensor<3x2xf32>) -> (tensor<?x3x8xf32>, tensor<?x3x8xf32>) {
  %z, %s = shodh.fourier_layer_save %x, %w, %sw {modes = array<i64: 3>} : (tensor<?x2x8xf32>, tensor<2x3x3xcomplex<f32>>, tensor<3x2xf32>) -> (tensor<?x3x8xf32>, tensor<?x2x3xcomplex<f32>>)
  %a = shodh.gelu %z : (tensor<?x3x8xf32>) -> tensor<?x3x8xf32>
  %b = shodh.gelu %z {approximate = "tanh"} : (tensor<?x3x8xf32>) -> tensor<?x3x8xf32>
  return %a, %b : tensor<?x3x8xf32>, tensor<?x3x8xf32>
}

// -----

// A GELU of something else: nothing to fold.
// CHECK-LABEL: func.func @other_value
// CHECK: shodh.fourier_layer_save {{.*}} -> (tensor<?x3x8xf32>, tensor<?x2x3xcomplex<f32>>)
// CHECK: shodh.gelu %arg0
func.func @other_value(%x: tensor<?x2x8xf32>, %w: tensor<2x3x3xcomplex<f32>>, %sw: tensor<3x2xf32>) -> (tensor<?x2x8xf32>, tensor<?x3x8xf32>) {
  %z, %s = shodh.fourier_layer_save %x, %w, %sw {modes = array<i64: 3>} : (tensor<?x2x8xf32>, tensor<2x3x3xcomplex<f32>>, tensor<3x2xf32>) -> (tensor<?x3x8xf32>, tensor<?x2x3xcomplex<f32>>)
  %a = shodh.gelu %x : (tensor<?x2x8xf32>) -> tensor<?x2x8xf32>
  return %a, %z : tensor<?x2x8xf32>, tensor<?x3x8xf32>
}
