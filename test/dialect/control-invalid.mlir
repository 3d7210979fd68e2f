// Verifier errors of the control ops.
// RUN: shodh-opt %s -split-input-file -verify-diagnostics

func.func @aux_value_type(%v: tensor<2xf32>) {
  // expected-error @+1 {{'shodh.aux_loss' op value must be tensor<1xf32>, got 'tensor<2xf32>'}}
  shodh.aux_loss %v {coefficient = 1.0 : f64} : tensor<2xf32>
  return
}

// -----

func.func @aux_weight_type(%v: tensor<1xf32>, %w: tensor<1xf64>) {
  // expected-error @+1 {{'shodh.aux_loss' op weight must be tensor<1xf32>, got 'tensor<1xf64>'}}
  shodh.aux_loss %v, %w {coefficient = 1.0 : f64} : tensor<1xf32>, tensor<1xf64>
  return
}

// -----

func.func @aux_coefficient(%v: tensor<1xf32>) {
  // expected-error @+1 {{'shodh.aux_loss' op coefficient must be finite, got inf}}
  shodh.aux_loss %v {coefficient = 0x7FF0000000000000 : f64} : tensor<1xf32>
  return
}

// -----

func.func @aux_empty_name(%v: tensor<1xf32>) {
  // expected-error @+1 {{'shodh.aux_loss' op name must not be empty}}
  shodh.aux_loss %v {coefficient = 1.0 : f64, name = ""} : tensor<1xf32>
  return
}

// -----

func.func @aux_grad_weight(%w: tensor<3xf32>) {
  // expected-error @+1 {{'shodh.aux_loss_grad' op weight must be tensor<1xf32>, got 'tensor<3xf32>'}}
  %s = shodh.aux_loss_grad %w {coefficient = 1.0 : f64} : (tensor<3xf32>) -> tensor<1xf32>
  return
}

// -----

func.func @pi_measured(%m: tensor<4xf32>) {
  // expected-error @+1 {{'shodh.pi_controller' op measured must be tensor<1xf32>, got 'tensor<4xf32>'}}
  %l = shodh.pi_controller @c %m {setpoint = 0.0 : f64, kp = 1.0 : f64, ki = 0.0 : f64,
      lambda0 = 0.5 : f64, lambda_min = 0.0 : f64, lambda_max = 1.0 : f64}
      : (tensor<4xf32>) -> tensor<1xf32>
  return
}

// -----

func.func @pi_result(%m: tensor<1xf32>) {
  // expected-error @+1 {{'shodh.pi_controller' op result must be tensor<1xf32>, got 'tensor<1xf64>'}}
  %l = shodh.pi_controller @c %m {setpoint = 0.0 : f64, kp = 1.0 : f64, ki = 0.0 : f64,
      lambda0 = 0.5 : f64, lambda_min = 0.0 : f64, lambda_max = 1.0 : f64}
      : (tensor<1xf32>) -> tensor<1xf64>
  return
}

// -----

func.func @pi_negative_kp(%m: tensor<1xf32>) {
  // expected-error @+1 {{'shodh.pi_controller' op kp must be >= 0, got -1}}
  %l = shodh.pi_controller @c %m {setpoint = 0.0 : f64, kp = -1.0 : f64, ki = 0.0 : f64,
      lambda0 = 0.5 : f64, lambda_min = 0.0 : f64, lambda_max = 1.0 : f64}
      : (tensor<1xf32>) -> tensor<1xf32>
  return
}

// -----

func.func @pi_negative_ki(%m: tensor<1xf32>) {
  // expected-error @+1 {{'shodh.pi_controller' op ki must be >= 0, got -0.1}}
  %l = shodh.pi_controller @c %m {setpoint = 0.0 : f64, kp = 1.0 : f64, ki = -0.1 : f64,
      lambda0 = 0.5 : f64, lambda_min = 0.0 : f64, lambda_max = 1.0 : f64}
      : (tensor<1xf32>) -> tensor<1xf32>
  return
}

// -----

func.func @pi_min_above_max(%m: tensor<1xf32>) {
  // expected-error @+1 {{'shodh.pi_controller' op lambda_min (2) must be <= lambda_max (1)}}
  %l = shodh.pi_controller @c %m {setpoint = 0.0 : f64, kp = 1.0 : f64, ki = 0.0 : f64,
      lambda0 = 0.5 : f64, lambda_min = 2.0 : f64, lambda_max = 1.0 : f64}
      : (tensor<1xf32>) -> tensor<1xf32>
  return
}

// -----

func.func @pi_lambda0_outside(%m: tensor<1xf32>) {
  // expected-error @+1 {{'shodh.pi_controller' op lambda0 (5) must lie in [lambda_min, lambda_max] = [0, 1]}}
  %l = shodh.pi_controller @c %m {setpoint = 0.0 : f64, kp = 1.0 : f64, ki = 0.0 : f64,
      lambda0 = 5.0 : f64, lambda_min = 0.0 : f64, lambda_max = 1.0 : f64}
      : (tensor<1xf32>) -> tensor<1xf32>
  return
}

// -----

func.func @pi_nan_setpoint(%m: tensor<1xf32>) {
  // expected-error @+1 {{'shodh.pi_controller' op setpoint must be finite, got nan}}
  %l = shodh.pi_controller @c %m {setpoint = 0x7FF8000000000000 : f64, kp = 1.0 : f64, ki = 0.0 : f64,
      lambda0 = 0.5 : f64, lambda_min = 0.0 : f64, lambda_max = 1.0 : f64}
      : (tensor<1xf32>) -> tensor<1xf32>
  return
}

// -----

func.func @pi_missing_attr(%m: tensor<1xf32>) {
  // expected-error @+1 {{'shodh.pi_controller' op requires attribute 'lambda_max'}}
  %l = shodh.pi_controller @c %m {setpoint = 0.0 : f64, kp = 1.0 : f64, ki = 0.0 : f64,
      lambda0 = 0.5 : f64, lambda_min = 0.0 : f64}
      : (tensor<1xf32>) -> tensor<1xf32>
  return
}

// -----

module {
  shodh.state @lam {init = {kind = "zeros"}} : tensor<1xf32>
  func.func @update_not_state(%m: tensor<1xf32>) -> tensor<1xf32> {
    // expected-error @+1 {{'shodh.pi_update' op integral @missing must name a shodh.state}}
    %u = shodh.pi_update %m {lambda = @lam, integral = @missing, setpoint = 0.0 : f64,
        kp = 1.0 : f64, ki = 0.0 : f64, lambda0 = 0.5 : f64, lambda_min = 0.0 : f64,
        lambda_max = 1.0 : f64} : (tensor<1xf32>) -> tensor<1xf32>
    return %u : tensor<1xf32>
  }
}

// -----

module {
  shodh.state @lam {init = {kind = "zeros"}} : tensor<1xf64>
  shodh.state @int {init = {kind = "zeros"}} : tensor<1xf64>
  func.func @update_lambda_type(%m: tensor<1xf32>) -> tensor<1xf32> {
    // expected-error @+1 {{'shodh.pi_update' op lambda @lam must be 'tensor<1xf32>', got 'tensor<1xf64>'}}
    %u = shodh.pi_update %m {lambda = @lam, integral = @int, setpoint = 0.0 : f64,
        kp = 1.0 : f64, ki = 0.0 : f64, lambda0 = 0.5 : f64, lambda_min = 0.0 : f64,
        lambda_max = 1.0 : f64} : (tensor<1xf32>) -> tensor<1xf32>
    return %u : tensor<1xf32>
  }
}

// -----

func.func @update_gains(%m: tensor<1xf32>) -> tensor<1xf32> {
  // expected-error @+1 {{'shodh.pi_update' op lambda_min (1) must be <= lambda_max (0)}}
  %u = shodh.pi_update %m {lambda = @lam, integral = @int, setpoint = 0.0 : f64,
      kp = 1.0 : f64, ki = 0.0 : f64, lambda0 = 0.5 : f64, lambda_min = 1.0 : f64,
      lambda_max = 0.0 : f64} : (tensor<1xf32>) -> tensor<1xf32>
  return %u : tensor<1xf32>
}
