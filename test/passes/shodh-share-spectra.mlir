// --shodh-share-spectra: a spectral_conv_grad whose input also feeds an
// earlier spectral_conv with the same modes reads that op's saved spectrum
// (spectral_conv_save / spectral_conv_grad_saved); other modes, or no
// forward op on the same value, leave it alone. A fourier_layer_grad(_params)
// reading x takes the spectrum as its first operand (the params form keeps x
// as its skip input); a fourier_layer reading x becomes fourier_layer_save.
// RUN: shodh-opt %s -split-input-file --shodh-share-spectra | FileCheck %s

// CHECK-LABEL: func.func @shared
// CHECK-SAME: (%[[X:.*]]: tensor<?x2x8xf32>, %[[W:.*]]: tensor<2x3x3xcomplex<f32>>, %[[DY:.*]]: tensor<?x3x8xf32>)
func.func @shared(%x: tensor<?x2x8xf32>, %w: tensor<2x3x3xcomplex<f32>>, %dy: tensor<?x3x8xf32>) -> (tensor<?x3x8xf32>, tensor<?x2x8xf32>, tensor<2x3x3xcomplex<f32>>) {
  // CHECK-NEXT: %[[Y:.*]], %[[S:.*]] = shodh.spectral_conv_save %[[X]], %[[W]] {modes = array<i64: 3>} : (tensor<?x2x8xf32>, tensor<2x3x3xcomplex<f32>>) -> (tensor<?x3x8xf32>, tensor<?x2x3xcomplex<f32>>)
  // CHECK-NEXT: %[[DX:.*]], %[[DW:.*]] = shodh.spectral_conv_grad_saved %[[S]], %[[DY]], %[[W]] {modes = array<i64: 3>} : (tensor<?x2x3xcomplex<f32>>, tensor<?x3x8xf32>, tensor<2x3x3xcomplex<f32>>) -> (tensor<?x2x8xf32>, tensor<2x3x3xcomplex<f32>>)
  // CHECK-NEXT: return %[[Y]], %[[DX]], %[[DW]]
  %y = shodh.spectral_conv %x, %w {modes = array<i64: 3>} : (tensor<?x2x8xf32>, tensor<2x3x3xcomplex<f32>>) -> tensor<?x3x8xf32>
  %dx, %dw = shodh.spectral_conv_grad %x, %dy, %w {modes = array<i64: 3>} : (tensor<?x2x8xf32>, tensor<?x3x8xf32>, tensor<2x3x3xcomplex<f32>>) -> (tensor<?x2x8xf32>, tensor<2x3x3xcomplex<f32>>)
  return %y, %dx, %dw : tensor<?x3x8xf32>, tensor<?x2x8xf32>, tensor<2x3x3xcomplex<f32>>
}

// -----

// Different modes: nothing to share.
// CHECK-LABEL: func.func @other_modes
// CHECK: shodh.spectral_conv %
// CHECK: shodh.spectral_conv_grad %
// CHECK-NOT: saved
func.func @other_modes(%x: tensor<?x2x8xf32>, %w: tensor<2x3x3xcomplex<f32>>, %w2: tensor<2x3x2xcomplex<f32>>, %dy: tensor<?x3x8xf32>) -> (tensor<?x3x8xf32>, tensor<?x2x8xf32>, tensor<2x3x2xcomplex<f32>>) {
  %y = shodh.spectral_conv %x, %w {modes = array<i64: 3>} : (tensor<?x2x8xf32>, tensor<2x3x3xcomplex<f32>>) -> tensor<?x3x8xf32>
  %dx, %dw = shodh.spectral_conv_grad %x, %dy, %w2 {modes = array<i64: 2>} : (tensor<?x2x8xf32>, tensor<?x3x8xf32>, tensor<2x3x2xcomplex<f32>>) -> (tensor<?x2x8xf32>, tensor<2x3x2xcomplex<f32>>)
  return %y, %dx, %dw : tensor<?x3x8xf32>, tensor<?x2x8xf32>, tensor<2x3x2xcomplex<f32>>
}

// -----

// A fused layer gradient reading x takes the forward's saved spectrum.
// CHECK-LABEL: func.func @layer_gradient
// CHECK: %{{.*}}, %[[S:.*]] = shodh.spectral_conv_save
// CHECK-NEXT: %{{.*}}, %{{.*}} = shodh.fourier_layer_grad %[[S]], %{{.*}} {modes = array<i64: 3>} : (tensor<?x2x3xcomplex<f32>>, tensor<?x3x8xf32>, tensor<2x3x3xcomplex<f32>>, tensor<3x2xf32>) -> (tensor<?x2x8xf32>, tensor<2x3x3xcomplex<f32>>)
func.func @layer_gradient(%x: tensor<?x2x8xf32>, %w: tensor<2x3x3xcomplex<f32>>, %sw: tensor<3x2xf32>, %dy: tensor<?x3x8xf32>) -> (tensor<?x3x8xf32>, tensor<?x2x8xf32>, tensor<2x3x3xcomplex<f32>>) {
  %y = shodh.spectral_conv %x, %w {modes = array<i64: 3>} : (tensor<?x2x8xf32>, tensor<2x3x3xcomplex<f32>>) -> tensor<?x3x8xf32>
  %dx, %dw = shodh.fourier_layer_grad %x, %dy, %w, %sw {modes = array<i64: 3>} : (tensor<?x2x8xf32>, tensor<?x3x8xf32>, tensor<2x3x3xcomplex<f32>>, tensor<3x2xf32>) -> (tensor<?x2x8xf32>, tensor<2x3x3xcomplex<f32>>)
  return %y, %dx, %dw : tensor<?x3x8xf32>, tensor<?x2x8xf32>, tensor<2x3x3xcomplex<f32>>
}

// -----

// A fourier_layer reading x becomes fourier_layer_save, its spectrum read by
// the gradient.
// CHECK-LABEL: func.func @fused_forward
// CHECK: %[[Y:.*]], %[[S:.*]] = shodh.fourier_layer_save %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} {modes = array<i64: 3>} : (tensor<?x2x8xf32>, tensor<2x3x3xcomplex<f32>>, tensor<3x2xf32>, tensor<3xf32>) -> (tensor<?x3x8xf32>, tensor<?x2x3xcomplex<f32>>)
// CHECK-NEXT: %{{.*}}, %{{.*}} = shodh.fourier_layer_grad %[[S]], %{{.*}} {modes = array<i64: 3>}
// CHECK-NEXT: return %[[Y]]
func.func @fused_forward(%x: tensor<?x2x8xf32>, %w: tensor<2x3x3xcomplex<f32>>, %sw: tensor<3x2xf32>, %sb: tensor<3xf32>, %dy: tensor<?x3x8xf32>) -> (tensor<?x3x8xf32>, tensor<?x2x8xf32>, tensor<2x3x3xcomplex<f32>>) {
  %y = shodh.fourier_layer %x, %w, %sw, %sb {modes = array<i64: 3>} : (tensor<?x2x8xf32>, tensor<2x3x3xcomplex<f32>>, tensor<3x2xf32>, tensor<3xf32>) -> tensor<?x3x8xf32>
  %dx, %dw = shodh.fourier_layer_grad %x, %dy, %w, %sw {modes = array<i64: 3>} : (tensor<?x2x8xf32>, tensor<?x3x8xf32>, tensor<2x3x3xcomplex<f32>>, tensor<3x2xf32>) -> (tensor<?x2x8xf32>, tensor<2x3x3xcomplex<f32>>)
  return %y, %dx, %dw : tensor<?x3x8xf32>, tensor<?x2x8xf32>, tensor<2x3x3xcomplex<f32>>
}

// -----

// A result type more specific than the inferred one is kept by the save op.
// CHECK-LABEL: func.func @static_result
// CHECK: shodh.fourier_layer_save {{.*}} -> (tensor<4x3x8xf32>, tensor<?x2x3xcomplex<f32>>)
func.func @static_result(%x: tensor<?x2x8xf32>, %w: tensor<2x3x3xcomplex<f32>>, %sw: tensor<3x2xf32>, %dy: tensor<?x3x8xf32>) -> (tensor<4x3x8xf32>, tensor<?x2x8xf32>, tensor<2x3x3xcomplex<f32>>) {
  %y = shodh.fourier_layer %x, %w, %sw {modes = array<i64: 3>} : (tensor<?x2x8xf32>, tensor<2x3x3xcomplex<f32>>, tensor<3x2xf32>) -> tensor<4x3x8xf32>
  %dx, %dw = shodh.spectral_conv_grad %x, %dy, %w {modes = array<i64: 3>} : (tensor<?x2x8xf32>, tensor<?x3x8xf32>, tensor<2x3x3xcomplex<f32>>) -> (tensor<?x2x8xf32>, tensor<2x3x3xcomplex<f32>>)
  return %y, %dx, %dw : tensor<4x3x8xf32>, tensor<?x2x8xf32>, tensor<2x3x3xcomplex<f32>>
}

// -----

// The params form: the spectrum as source, x still the skip's input.
// CHECK-LABEL: func.func @layer_gradient_params
// CHECK-SAME: (%[[X:[^:]*]]: tensor<?x2x8xf32>
// CHECK: %[[Y:.*]], %[[S:.*]] = shodh.fourier_layer_save %[[X]]
// CHECK-NEXT: %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} = shodh.fourier_layer_grad_params %[[S]], %{{[^,]*}}, %{{[^,]*}}, %{{[^,]*}}, %[[X]] {modes = array<i64: 3>} : (tensor<?x2x3xcomplex<f32>>,
func.func @layer_gradient_params(%x: tensor<?x2x8xf32>, %w: tensor<2x3x3xcomplex<f32>>, %sw: tensor<3x2xf32>, %sb: tensor<3xf32>, %dy: tensor<?x3x8xf32>) -> (tensor<?x3x8xf32>, tensor<?x2x8xf32>, tensor<3x2xf32>, tensor<3xf32>) {
  %y = shodh.fourier_layer %x, %w, %sw, %sb {modes = array<i64: 3>} : (tensor<?x2x8xf32>, tensor<2x3x3xcomplex<f32>>, tensor<3x2xf32>, tensor<3xf32>) -> tensor<?x3x8xf32>
  %dx, %dw, %sdw, %sdb = shodh.fourier_layer_grad_params %x, %dy, %w, %sw, %x {modes = array<i64: 3>} : (tensor<?x2x8xf32>, tensor<?x3x8xf32>, tensor<2x3x3xcomplex<f32>>, tensor<3x2xf32>, tensor<?x2x8xf32>) -> (tensor<?x2x8xf32>, tensor<2x3x3xcomplex<f32>>, tensor<3x2xf32>, tensor<3xf32>)
  return %y, %dx, %sdw, %sdb : tensor<?x3x8xf32>, tensor<?x2x8xf32>, tensor<3x2xf32>, tensor<3xf32>
}
