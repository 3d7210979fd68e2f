// Errors of shodh.spectral_conv_add, shodh.fourier_layer(_save) and
// shodh.fourier_layer_grad(_params): the activation (and the gradient's
// pre-activation operand that goes with it), the addend's shape and element
// type, the skip weight and bias, the source's channels or saved spectrum,
// the params form's skip input and result types, and spectral_conv's own
// operand rules.
// RUN: shodh-opt %s -split-input-file -verify-diagnostics

func.func @bad_activation(%x: tensor<2x4x16x16xf32>, %w: tensor<4x8x6x3xcomplex<f32>>, %s: tensor<2x8x16x16xf32>) -> tensor<2x8x16x16xf32> {
  // expected-error @+1 {{'shodh.spectral_conv_add' op activation must be "none", "gelu" or "gelu_tanh", got "relu"}}
  %y = shodh.spectral_conv_add %x, %w, %s {modes = array<i64: 3, 3>, activation = "relu"} : (tensor<2x4x16x16xf32>, tensor<4x8x6x3xcomplex<f32>>, tensor<2x8x16x16xf32>) -> tensor<2x8x16x16xf32>
  return %y : tensor<2x8x16x16xf32>
}

// -----

func.func @addend_shape(%x: tensor<2x4x16x16xf32>, %w: tensor<4x8x6x3xcomplex<f32>>, %s: tensor<2x4x16x16xf32>) -> tensor<2x8x16x16xf32> {
  // expected-error @+1 {{'shodh.spectral_conv_add' op addend dimension #1 is 4 but the spectral convolution gives 8}}
  %y = shodh.spectral_conv_add %x, %w, %s {modes = array<i64: 3, 3>} : (tensor<2x4x16x16xf32>, tensor<4x8x6x3xcomplex<f32>>, tensor<2x4x16x16xf32>) -> tensor<2x8x16x16xf32>
  return %y : tensor<2x8x16x16xf32>
}

// -----

func.func @addend_type(%x: tensor<2x4x16x16xf32>, %w: tensor<4x8x6x3xcomplex<f32>>, %s: tensor<2x8x16x16xf64>) -> tensor<2x8x16x16xf32> {
  // expected-error @+1 {{'shodh.spectral_conv_add' op addend must have the input's element type 'f32', got 'tensor<2x8x16x16xf64>'}}
  %y = shodh.spectral_conv_add %x, %w, %s {modes = array<i64: 3, 3>} : (tensor<2x4x16x16xf32>, tensor<4x8x6x3xcomplex<f32>>, tensor<2x8x16x16xf64>) -> tensor<2x8x16x16xf32>
  return %y : tensor<2x8x16x16xf32>
}

// -----

func.func @modes_too_large(%x: tensor<2x4x16x16xf32>, %w: tensor<4x8x18x9xcomplex<f32>>, %s: tensor<2x8x16x16xf32>) -> tensor<2x8x16x16xf32> {
  // expected-error @+1 {{'shodh.spectral_conv_add' op modes[0] = 9 needs 2 * 9 <= 16, the size of dimension #2}}
  %y = shodh.spectral_conv_add %x, %w, %s {modes = array<i64: 9, 9>} : (tensor<2x4x16x16xf32>, tensor<4x8x18x9xcomplex<f32>>, tensor<2x8x16x16xf32>) -> tensor<2x8x16x16xf32>
  return %y : tensor<2x8x16x16xf32>
}

// -----

func.func @layer_activation(%x: tensor<2x4x16x16xf32>, %w: tensor<4x8x6x3xcomplex<f32>>, %sw: tensor<8x4xf32>) -> tensor<2x8x16x16xf32> {
  // expected-error @+1 {{'shodh.fourier_layer' op activation must be "none", "gelu" or "gelu_tanh", got "tanh"}}
  %y = shodh.fourier_layer %x, %w, %sw {modes = array<i64: 3, 3>, activation = "tanh"} : (tensor<2x4x16x16xf32>, tensor<4x8x6x3xcomplex<f32>>, tensor<8x4xf32>) -> tensor<2x8x16x16xf32>
  return %y : tensor<2x8x16x16xf32>
}

// -----

func.func @skip_weight_shape(%x: tensor<2x4x16x16xf32>, %w: tensor<4x8x6x3xcomplex<f32>>, %sw: tensor<4x8xf32>) -> tensor<2x8x16x16xf32> {
  // expected-error @+1 {{'shodh.fourier_layer' op skip_weight must be [O = 8, I = 4], got 'tensor<4x8xf32>'}}
  %y = shodh.fourier_layer %x, %w, %sw {modes = array<i64: 3, 3>} : (tensor<2x4x16x16xf32>, tensor<4x8x6x3xcomplex<f32>>, tensor<4x8xf32>) -> tensor<2x8x16x16xf32>
  return %y : tensor<2x8x16x16xf32>
}

// -----

func.func @skip_weight_rank(%x: tensor<2x4x16x16xf32>, %w: tensor<4x8x6x3xcomplex<f32>>, %sw: tensor<32xf32>) -> tensor<2x8x16x16xf32> {
  // expected-error @+1 {{'shodh.fourier_layer' op skip_weight must be a rank-2 tensor of 'f32' ([O, I]), got 'tensor<32xf32>'}}
  %y = shodh.fourier_layer %x, %w, %sw {modes = array<i64: 3, 3>} : (tensor<2x4x16x16xf32>, tensor<4x8x6x3xcomplex<f32>>, tensor<32xf32>) -> tensor<2x8x16x16xf32>
  return %y : tensor<2x8x16x16xf32>
}

// -----

func.func @skip_bias(%x: tensor<2x4x16x16xf32>, %w: tensor<4x8x6x3xcomplex<f32>>, %sw: tensor<8x4xf32>, %sb: tensor<4xf32>) -> tensor<2x8x16x16xf32> {
  // expected-error @+1 {{'shodh.fourier_layer' op skip_bias must be [O = 8] of 'f32', got 'tensor<4xf32>'}}
  %y = shodh.fourier_layer %x, %w, %sw, %sb {modes = array<i64: 3, 3>} : (tensor<2x4x16x16xf32>, tensor<4x8x6x3xcomplex<f32>>, tensor<8x4xf32>, tensor<4xf32>) -> tensor<2x8x16x16xf32>
  return %y : tensor<2x8x16x16xf32>
}

// -----

func.func @skip_weight_dynamic_channels(%x: tensor<2x?x16x16xf32>, %w: tensor<4x8x6x3xcomplex<f32>>, %sw: tensor<4x4xf32>) -> tensor<2x8x16x16xf32> {
  // expected-error @+1 {{'shodh.fourier_layer' op skip_weight must be [O = 8, I = ?], got 'tensor<4x4xf32>'}}
  %y = shodh.fourier_layer %x, %w, %sw {modes = array<i64: 3, 3>} : (tensor<2x?x16x16xf32>, tensor<4x8x6x3xcomplex<f32>>, tensor<4x4xf32>) -> tensor<2x8x16x16xf32>
  return %y : tensor<2x8x16x16xf32>
}

// -----

func.func @grad_activation(%x: tensor<2x4x16x16xf32>, %dy: tensor<2x8x16x16xf32>, %w: tensor<4x8x6x3xcomplex<f32>>, %sw: tensor<8x4xf32>, %pre: tensor<2x4x16x16xf32>) -> tensor<2x4x16x16xf32> {
  // expected-error @+1 {{'shodh.fourier_layer_grad' op activation must be "none", "gelu" or "gelu_tanh", got "relu"}}
  %dx, %dw = shodh.fourier_layer_grad %x, %dy, %w, %sw, %pre {modes = array<i64: 3, 3>, activation = "relu"} : (tensor<2x4x16x16xf32>, tensor<2x8x16x16xf32>, tensor<4x8x6x3xcomplex<f32>>, tensor<8x4xf32>, tensor<2x4x16x16xf32>) -> (tensor<2x4x16x16xf32>, tensor<4x8x6x3xcomplex<f32>>)
  return %dx : tensor<2x4x16x16xf32>
}

// -----

func.func @grad_pre_without_activation(%x: tensor<2x4x16x16xf32>, %dy: tensor<2x8x16x16xf32>, %w: tensor<4x8x6x3xcomplex<f32>>, %sw: tensor<8x4xf32>, %pre: tensor<2x4x16x16xf32>) -> tensor<2x4x16x16xf32> {
  // expected-error @+1 {{'shodh.fourier_layer_grad' op the pre-activation operand must be given exactly when the activation is not "none" (activation "none", with it)}}
  %dx, %dw = shodh.fourier_layer_grad %x, %dy, %w, %sw, %pre {modes = array<i64: 3, 3>} : (tensor<2x4x16x16xf32>, tensor<2x8x16x16xf32>, tensor<4x8x6x3xcomplex<f32>>, tensor<8x4xf32>, tensor<2x4x16x16xf32>) -> (tensor<2x4x16x16xf32>, tensor<4x8x6x3xcomplex<f32>>)
  return %dx : tensor<2x4x16x16xf32>
}

// -----

func.func @grad_activation_without_pre(%x: tensor<2x4x16x16xf32>, %dy: tensor<2x8x16x16xf32>, %w: tensor<4x8x6x3xcomplex<f32>>, %sw: tensor<8x4xf32>) -> tensor<2x4x16x16xf32> {
  // expected-error @+1 {{'shodh.fourier_layer_grad' op the pre-activation operand must be given exactly when the activation is not "none" (activation "gelu", without it)}}
  %dx, %dw = shodh.fourier_layer_grad %x, %dy, %w, %sw {modes = array<i64: 3, 3>, activation = "gelu"} : (tensor<2x4x16x16xf32>, tensor<2x8x16x16xf32>, tensor<4x8x6x3xcomplex<f32>>, tensor<8x4xf32>) -> (tensor<2x4x16x16xf32>, tensor<4x8x6x3xcomplex<f32>>)
  return %dx : tensor<2x4x16x16xf32>
}

// -----

func.func @grad_skip_weight(%x: tensor<2x4x16x16xf32>, %dy: tensor<2x8x16x16xf32>, %w: tensor<4x8x6x3xcomplex<f32>>, %sw: tensor<4x8xf32>) -> tensor<2x4x16x16xf32> {
  // expected-error @+1 {{'shodh.fourier_layer_grad' op skip_weight must be [O = 8, I = 4] of 'f32', got 'tensor<4x8xf32>'}}
  %dx, %dw = shodh.fourier_layer_grad %x, %dy, %w, %sw {modes = array<i64: 3, 3>} : (tensor<2x4x16x16xf32>, tensor<2x8x16x16xf32>, tensor<4x8x6x3xcomplex<f32>>, tensor<4x8xf32>) -> (tensor<2x4x16x16xf32>, tensor<4x8x6x3xcomplex<f32>>)
  return %dx : tensor<2x4x16x16xf32>
}

// -----

func.func @grad_pre_shape(%x: tensor<2x4x16x16xf32>, %dy: tensor<2x8x16x16xf32>, %w: tensor<4x8x6x3xcomplex<f32>>, %sw: tensor<8x4xf32>, %pre: tensor<2x4x16x8xf32>) -> tensor<2x4x16x16xf32> {
  // expected-error @+1 {{'shodh.fourier_layer_grad' op pre must have dx's type 'tensor<2x4x16x16xf32>', got 'tensor<2x4x16x8xf32>'}}
  %dx, %dw = shodh.fourier_layer_grad %x, %dy, %w, %sw, %pre {modes = array<i64: 3, 3>, activation = "gelu"} : (tensor<2x4x16x16xf32>, tensor<2x8x16x16xf32>, tensor<4x8x6x3xcomplex<f32>>, tensor<8x4xf32>, tensor<2x4x16x8xf32>) -> (tensor<2x4x16x16xf32>, tensor<4x8x6x3xcomplex<f32>>)
  return %dx : tensor<2x4x16x16xf32>
}

// -----

func.func @grad_source_channels(%x: tensor<2x5x16x16xf32>, %dy: tensor<2x8x16x16xf32>, %w: tensor<4x8x6x3xcomplex<f32>>, %sw: tensor<8x4xf32>) -> tensor<2x4x16x16xf32> {
  // expected-error @+1 {{'shodh.fourier_layer_grad' op source has 5 channels but the weight has 4 input channels}}
  %dx, %dw = shodh.fourier_layer_grad %x, %dy, %w, %sw {modes = array<i64: 3, 3>} : (tensor<2x5x16x16xf32>, tensor<2x8x16x16xf32>, tensor<4x8x6x3xcomplex<f32>>, tensor<8x4xf32>) -> (tensor<2x4x16x16xf32>, tensor<4x8x6x3xcomplex<f32>>)
  return %dx : tensor<2x4x16x16xf32>
}

// -----

func.func @grad_spectrum_shape(%xs: tensor<2x4x6x4xcomplex<f32>>, %dy: tensor<2x8x16x16xf32>, %w: tensor<4x8x6x3xcomplex<f32>>, %sw: tensor<8x4xf32>) -> tensor<2x4x16x16xf32> {
  // expected-error @+1 {{'shodh.fourier_layer_grad' op spectrum dimension #3 is 4 but modes give 3}}
  %dx, %dw = shodh.fourier_layer_grad %xs, %dy, %w, %sw {modes = array<i64: 3, 3>} : (tensor<2x4x6x4xcomplex<f32>>, tensor<2x8x16x16xf32>, tensor<4x8x6x3xcomplex<f32>>, tensor<8x4xf32>) -> (tensor<2x4x16x16xf32>, tensor<4x8x6x3xcomplex<f32>>)
  return %dx : tensor<2x4x16x16xf32>
}

// -----

func.func @save_activation(%x: tensor<2x4x16x16xf32>, %w: tensor<4x8x6x3xcomplex<f32>>, %sw: tensor<8x4xf32>) -> tensor<2x8x16x16xf32> {
  // expected-error @+1 {{'shodh.fourier_layer_save' op activation must be "none", "gelu" or "gelu_tanh", got "elu"}}
  %y, %s = shodh.fourier_layer_save %x, %w, %sw {modes = array<i64: 3, 3>, activation = "elu"} : (tensor<2x4x16x16xf32>, tensor<4x8x6x3xcomplex<f32>>, tensor<8x4xf32>) -> (tensor<2x8x16x16xf32>, tensor<2x4x6x3xcomplex<f32>>)
  return %y : tensor<2x8x16x16xf32>
}

// -----

func.func @save_activated_value(%x: tensor<2x4x16x16xf32>, %w: tensor<4x8x6x3xcomplex<f32>>, %sw: tensor<8x4xf32>) -> tensor<2x8x16x16xf32> {
  // expected-error @+1 {{'shodh.fourier_layer_save' op activated_output must be "none", "gelu" or "gelu_tanh", got "relu"}}
  %y, %s, %a = shodh.fourier_layer_save %x, %w, %sw {modes = array<i64: 3, 3>, activated_output = "relu"} : (tensor<2x4x16x16xf32>, tensor<4x8x6x3xcomplex<f32>>, tensor<8x4xf32>) -> (tensor<2x8x16x16xf32>, tensor<2x4x6x3xcomplex<f32>>, tensor<2x8x16x16xf32>)
  return %a : tensor<2x8x16x16xf32>
}

// -----

func.func @save_activated_twice(%x: tensor<2x4x16x16xf32>, %w: tensor<4x8x6x3xcomplex<f32>>, %sw: tensor<8x4xf32>) -> tensor<2x8x16x16xf32> {
  // expected-error @+1 {{'shodh.fourier_layer_save' op with activated_output the result is the pre-activation: activation must be "none", got "gelu"}}
  %y, %s, %a = shodh.fourier_layer_save %x, %w, %sw {modes = array<i64: 3, 3>, activation = "gelu", activated_output = "gelu"} : (tensor<2x4x16x16xf32>, tensor<4x8x6x3xcomplex<f32>>, tensor<8x4xf32>) -> (tensor<2x8x16x16xf32>, tensor<2x4x6x3xcomplex<f32>>, tensor<2x8x16x16xf32>)
  return %a : tensor<2x8x16x16xf32>
}

// -----

func.func @save_activated_missing(%x: tensor<2x4x16x16xf32>, %w: tensor<4x8x6x3xcomplex<f32>>, %sw: tensor<8x4xf32>) -> tensor<2x8x16x16xf32> {
  // expected-error @+1 {{'shodh.fourier_layer_save' op result type 'tensor<2x8x16x16xf32>', 'tensor<2x4x6x3xcomplex<f32>>' is incompatible with the inferred type 'tensor<2x8x16x16xf32>', 'tensor<2x4x6x3xcomplex<f32>>', 'tensor<2x8x16x16xf32>'}}
  %y, %s = shodh.fourier_layer_save %x, %w, %sw {modes = array<i64: 3, 3>, activated_output = "gelu"} : (tensor<2x4x16x16xf32>, tensor<4x8x6x3xcomplex<f32>>, tensor<8x4xf32>) -> (tensor<2x8x16x16xf32>, tensor<2x4x6x3xcomplex<f32>>)
  return %y : tensor<2x8x16x16xf32>
}

// -----

func.func @save_activated_unasked(%x: tensor<2x4x16x16xf32>, %w: tensor<4x8x6x3xcomplex<f32>>, %sw: tensor<8x4xf32>) -> tensor<2x8x16x16xf32> {
  // expected-error @+1 {{'shodh.fourier_layer_save' op result type 'tensor<2x8x16x16xf32>', 'tensor<2x4x6x3xcomplex<f32>>', 'tensor<2x8x16x16xf32>' is incompatible with the inferred type 'tensor<2x8x16x16xf32>', 'tensor<2x4x6x3xcomplex<f32>>'}}
  %y, %s, %a = shodh.fourier_layer_save %x, %w, %sw {modes = array<i64: 3, 3>} : (tensor<2x4x16x16xf32>, tensor<4x8x6x3xcomplex<f32>>, tensor<8x4xf32>) -> (tensor<2x8x16x16xf32>, tensor<2x4x6x3xcomplex<f32>>, tensor<2x8x16x16xf32>)
  return %a : tensor<2x8x16x16xf32>
}

// -----

func.func @save_derivative_alone(%x: tensor<2x4x16x16xf32>, %w: tensor<4x8x6x3xcomplex<f32>>, %sw: tensor<8x4xf32>) -> tensor<2x8x16x16xf32> {
  // expected-error @+1 {{'shodh.fourier_layer_save' op derivative_result needs activated_output (the derivative of which activation?)}}
  %y, %s = shodh.fourier_layer_save %x, %w, %sw {modes = array<i64: 3, 3>, derivative_result} : (tensor<2x4x16x16xf32>, tensor<4x8x6x3xcomplex<f32>>, tensor<8x4xf32>) -> (tensor<2x8x16x16xf32>, tensor<2x4x6x3xcomplex<f32>>)
  return %y : tensor<2x8x16x16xf32>
}

// -----

func.func @grad_derivative_without_pre(%x: tensor<2x4x16x16xf32>, %dy: tensor<2x8x16x16xf32>, %w: tensor<4x8x6x3xcomplex<f32>>, %sw: tensor<8x4xf32>) -> tensor<2x4x16x16xf32> {
  // expected-error @+1 {{'shodh.fourier_layer_grad' op the pre-activation operand must be given exactly when the activation is not "none" (activation "derivative", without it)}}
  %dx, %dw = shodh.fourier_layer_grad %x, %dy, %w, %sw {modes = array<i64: 3, 3>, activation = "derivative"} : (tensor<2x4x16x16xf32>, tensor<2x8x16x16xf32>, tensor<4x8x6x3xcomplex<f32>>, tensor<8x4xf32>) -> (tensor<2x4x16x16xf32>, tensor<4x8x6x3xcomplex<f32>>)
  return %dx : tensor<2x4x16x16xf32>
}

// -----

func.func @save_skip_weight(%x: tensor<2x4x16x16xf32>, %w: tensor<4x8x6x3xcomplex<f32>>, %sw: tensor<4x8xf32>) -> tensor<2x8x16x16xf32> {
  // expected-error @+1 {{'shodh.fourier_layer_save' op skip_weight must be [O = 8, I = 4], got 'tensor<4x8xf32>'}}
  %y, %s = shodh.fourier_layer_save %x, %w, %sw {modes = array<i64: 3, 3>} : (tensor<2x4x16x16xf32>, tensor<4x8x6x3xcomplex<f32>>, tensor<4x8xf32>) -> (tensor<2x8x16x16xf32>, tensor<2x4x6x3xcomplex<f32>>)
  return %y : tensor<2x8x16x16xf32>
}

// -----

func.func @params_skip_input(%x: tensor<2x4x16x16xf32>, %dy: tensor<2x8x16x16xf32>, %w: tensor<4x8x6x3xcomplex<f32>>, %sw: tensor<8x4xf32>, %xi: tensor<2x8x16x16xf32>) -> tensor<8x4xf32> {
  // expected-error @+1 {{'shodh.fourier_layer_grad_params' op skip_input must have dx's type 'tensor<2x4x16x16xf32>' (the layer's input), got 'tensor<2x8x16x16xf32>'}}
  %dx, %dw, %sdw, %sdb = shodh.fourier_layer_grad_params %x, %dy, %w, %sw, %xi {modes = array<i64: 3, 3>} : (tensor<2x4x16x16xf32>, tensor<2x8x16x16xf32>, tensor<4x8x6x3xcomplex<f32>>, tensor<8x4xf32>, tensor<2x8x16x16xf32>) -> (tensor<2x4x16x16xf32>, tensor<4x8x6x3xcomplex<f32>>, tensor<8x4xf32>, tensor<8xf32>)
  return %sdw : tensor<8x4xf32>
}

// -----

func.func @params_bias_type(%x: tensor<2x4x16x16xf32>, %dy: tensor<2x8x16x16xf32>, %w: tensor<4x8x6x3xcomplex<f32>>, %sw: tensor<8x4xf32>) -> tensor<8x4xf32> {
  // expected-error @+1 {{'shodh.fourier_layer_grad_params' op result type 'tensor<2x4x16x16xf32>', 'tensor<4x8x6x3xcomplex<f32>>', 'tensor<8x4xf32>', 'tensor<4xf32>' is incompatible with the inferred type 'tensor<2x4x16x16xf32>', 'tensor<4x8x6x3xcomplex<f32>>', 'tensor<8x4xf32>', 'tensor<8xf32>'}}
  %dx, %dw, %sdw, %sdb = shodh.fourier_layer_grad_params %x, %dy, %w, %sw, %x {modes = array<i64: 3, 3>} : (tensor<2x4x16x16xf32>, tensor<2x8x16x16xf32>, tensor<4x8x6x3xcomplex<f32>>, tensor<8x4xf32>, tensor<2x4x16x16xf32>) -> (tensor<2x4x16x16xf32>, tensor<4x8x6x3xcomplex<f32>>, tensor<8x4xf32>, tensor<4xf32>)
  return %sdw : tensor<8x4xf32>
}

// -----

func.func @params_pre_without_activation(%x: tensor<2x4x16x16xf32>, %dy: tensor<2x8x16x16xf32>, %w: tensor<4x8x6x3xcomplex<f32>>, %sw: tensor<8x4xf32>, %pre: tensor<2x4x16x16xf32>) -> tensor<8x4xf32> {
  // expected-error @+1 {{'shodh.fourier_layer_grad_params' op the pre-activation operand must be given exactly when the activation is not "none" (activation "none", with it)}}
  %dx, %dw, %sdw, %sdb = shodh.fourier_layer_grad_params %x, %dy, %w, %sw, %x, %pre {modes = array<i64: 3, 3>} : (tensor<2x4x16x16xf32>, tensor<2x8x16x16xf32>, tensor<4x8x6x3xcomplex<f32>>, tensor<8x4xf32>, tensor<2x4x16x16xf32>, tensor<2x4x16x16xf32>) -> (tensor<2x4x16x16xf32>, tensor<4x8x6x3xcomplex<f32>>, tensor<8x4xf32>, tensor<8xf32>)
  return %sdw : tensor<8x4xf32>
}
