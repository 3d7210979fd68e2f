// --shodh-fuse-layer-activation: a gelu of a fourier_layer_save's result
// becomes the layer's third result (activated_output "gelu", or
// "gelu_tanh" for the tanh GELU); the result, still the pre-activation,
// keeps its other uses. A layer that already applies an activation, a GELU
// of another value, or a layer with an activated result already are left
// alone. A pre-activation read only by layer gradients as their GELU'
// argument becomes GELU' itself (derivative_result, activation
// "derivative").
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

// -----

// The pre-activation then read only by a layer gradient as its GELU'
// argument: the layer returns GELU' itself (derivative_result) and the
// gradient multiplies by it (activation "derivative").
// CHECK-LABEL: func.func @derivative
// CHECK: %[[D:.*]], %{{.*}}, %[[A:.*]] = shodh.fourier_layer_save {{.*}} {activated_output = "gelu", derivative_result, modes = array<i64: 3>}
// CHECK: shodh.fourier_layer_grad_params %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %[[A]], %[[D]] {activation = "derivative", modes = array<i64: 3>}
func.func @derivative(%x: tensor<?x2x8xf32>, %w: tensor<2x3x3xcomplex<f32>>, %sw: tensor<3x2xf32>, %xs: tensor<?x3x3xcomplex<f32>>, %dy: tensor<?x3x8xf32>, %w2: tensor<3x3x3xcomplex<f32>>, %sw2: tensor<3x3xf32>) -> (tensor<?x3x8xf32>, tensor<3x3xf32>, tensor<?x2x3xcomplex<f32>>) {
  %z, %s = shodh.fourier_layer_save %x, %w, %sw {modes = array<i64: 3>} : (tensor<?x2x8xf32>, tensor<2x3x3xcomplex<f32>>, tensor<3x2xf32>) -> (tensor<?x3x8xf32>, tensor<?x2x3xcomplex<f32>>)
  %a = shodh.gelu %z : (tensor<?x3x8xf32>) -> tensor<?x3x8xf32>
  %dx, %dw, %sdw, %sdb = shodh.fourier_layer_grad_params %xs, %dy, %w2, %sw2, %a, %z {modes = array<i64: 3>, activation = "gelu"} : (tensor<?x3x3xcomplex<f32>>, tensor<?x3x8xf32>, tensor<3x3x3xcomplex<f32>>, tensor<3x3xf32>, tensor<?x3x8xf32>, tensor<?x3x8xf32>) -> (tensor<?x3x8xf32>, tensor<3x3x3xcomplex<f32>>, tensor<3x3xf32>, tensor<3xf32>)
  return %dx, %sdw, %s : tensor<?x3x8xf32>, tensor<3x3xf32>, tensor<?x2x3xcomplex<f32>>
}

// -----

// The pre-activation has another use (returned), or a gradient reads it
// with another activation: it stays the pre-activation.
// CHECK-LABEL: func.func @pre_activation_kept
// CHECK: shodh.fourier_layer_save {{.*}} {activated_output = "gelu", modes = array<i64: 3>}
// CHECK: shodh.fourier_layer_grad {{.*}} {activation = "gelu", modes = array<i64: 3>}
// CHECK-LABEL: func.func @other_activation
// CHECK: shodh.fourier_layer_save {{.*}} {activated_output = "gelu", modes = array<i64: 3>}
// CHECK: shodh.fourier_layer_grad {{.*}} {activation = "gelu_tanh", modes = array<i64: 3>}
func.func @pre_activation_kept(%x: tensor<?x2x8xf32>, %w: tensor<2x3x3xcomplex<f32>>, %sw: tensor<3x2xf32>, %xs: tensor<?x3x3xcomplex<f32>>, %dy: tensor<?x3x8xf32>, %w2: tensor<3x3x3xcomplex<f32>>, %sw2: tensor<3x3xf32>) -> (tensor<?x3x8xf32>, tensor<?x3x8xf32>, tensor<?x3x8xf32>) {
  %z, %s = shodh.fourier_layer_save %x, %w, %sw {modes = array<i64: 3>} : (tensor<?x2x8xf32>, tensor<2x3x3xcomplex<f32>>, tensor<3x2xf32>) -> (tensor<?x3x8xf32>, tensor<?x2x3xcomplex<f32>>)
  %a = shodh.gelu %z : (tensor<?x3x8xf32>) -> tensor<?x3x8xf32>
  %dx, %dw = shodh.fourier_layer_grad %xs, %dy, %w2, %sw2, %z {modes = array<i64: 3>, activation = "gelu"} : (tensor<?x3x3xcomplex<f32>>, tensor<?x3x8xf32>, tensor<3x3x3xcomplex<f32>>, tensor<3x3xf32>, tensor<?x3x8xf32>) -> (tensor<?x3x8xf32>, tensor<3x3x3xcomplex<f32>>)
  return %dx, %z, %a : tensor<?x3x8xf32>, tensor<?x3x8xf32>, tensor<?x3x8xf32>
}
func.func @other_activation(%x: tensor<?x2x8xf32>, %w: tensor<2x3x3xcomplex<f32>>, %sw: tensor<3x2xf32>, %xs: tensor<?x3x3xcomplex<f32>>, %dy: tensor<?x3x8xf32>, %w2: tensor<3x3x3xcomplex<f32>>, %sw2: tensor<3x3xf32>) -> (tensor<?x3x8xf32>, tensor<?x3x8xf32>) {
  %z, %s = shodh.fourier_layer_save %x, %w, %sw {modes = array<i64: 3>} : (tensor<?x2x8xf32>, tensor<2x3x3xcomplex<f32>>, tensor<3x2xf32>) -> (tensor<?x3x8xf32>, tensor<?x2x3xcomplex<f32>>)
  %a = shodh.gelu %z : (tensor<?x3x8xf32>) -> tensor<?x3x8xf32>
  %dx, %dw = shodh.fourier_layer_grad %xs, %dy, %w2, %sw2, %z {modes = array<i64: 3>, activation = "gelu_tanh"} : (tensor<?x3x3xcomplex<f32>>, tensor<?x3x8xf32>, tensor<3x3x3xcomplex<f32>>, tensor<3x3xf32>, tensor<?x3x8xf32>) -> (tensor<?x3x8xf32>, tensor<3x3x3xcomplex<f32>>)
  return %dx, %a : tensor<?x3x8xf32>, tensor<?x3x8xf32>
}
