// Round trip of every shodh op in custom and generic form.
// RUN: shodh-opt %s | shodh-opt | FileCheck %s
// RUN: shodh-opt %s --mlir-print-op-generic | shodh-opt | FileCheck %s

// CHECK: module attributes {shodh.hyperparams = {act = "gelu", cin = 3 : i64, layers = 3 : i64, lr = 1.000000e-03 : f64, modes = 2 : i64, res = 8 : i64, use_bias = true, width = 16 : i64}, shodh.train = {beta1 = 8.000000e-01 : f64, beta2 = 0.98999999999999999 : f64, clip_norm = 1 : i64, eps = 9.9999999999999995E-7 : f64, gamma = 1.000000e-01 : f64, loss = "rel_l2", lr = 3.000000e-04 : f64, optimizer = "adamw", schedule = "cosine", step_size = 500 : i64, warmup = 100 : i64, weight_decay = 1.000000e-04 : f64}}
module attributes {shodh.hyperparams = {cin = 3 : i64, width = 16 : i64, res = 8 : i64, lr = 1.0e-3 : f64, use_bias = true, act = "gelu", modes = 2 : i64, layers = 3 : i64}, shodh.train = {loss = "rel_l2", optimizer = "adamw", lr = 3.0e-4, weight_decay = 1.0e-4, clip_norm = 1, schedule = "cosine", warmup = 100 : i64, step_size = 500 : i64, gamma = 0.1, beta1 = 0.8, beta2 = 0.99, eps = 1.0e-6}} {
  // CHECK: shodh.param @w {dims = ["width", "cin"], init = {fan = "cin", kind = "fan_in_uniform", seed = 1 : i64}} : tensor<?x?xf32>
  shodh.param @w {dims = ["width", "cin"], init = {kind = "fan_in_uniform", fan = "cin", seed = 1 : i64}} : tensor<?x?xf32>
  // CHECK: shodh.param @b {dims = [16], init = {fan = 3 : i64, kind = "fan_in_uniform"}} : tensor<16xf32>
  shodh.param @b {dims = [16], init = {kind = "fan_in_uniform", fan = 3 : i64}} : tensor<16xf32>
  // CHECK: shodh.param @z {init = {kind = "zeros"}} : tensor<4xf32>
  shodh.param @z {init = {kind = "zeros"}} : tensor<4xf32>
  // CHECK: shodh.param @o {init = {kind = "ones"}} : tensor<4xf64>
  shodh.param @o {init = {kind = "ones"}} : tensor<4xf64>
  // CHECK: shodh.param @c {init = {a = 5.000000e-01 : f64, kind = "constant"}} : tensor<2x2xf32>
  shodh.param @c {init = {kind = "constant", a = 0.5 : f64}} : tensor<2x2xf32>
  // CHECK: shodh.param @u {init = {a = -1.000000e+00 : f64, b = 1.000000e+00 : f64, kind = "uniform", seed = 7 : i64}} : tensor<3xf32>
  shodh.param @u {init = {kind = "uniform", a = -1.0 : f64, b = 1.0 : f64, seed = 7 : i64}} : tensor<3xf32>
  // CHECK: shodh.param @s {dims = ["width", "width", "2*res", "res/2+1"], init = {a = 0.000000e+00 : f64, b = 1.000000e+00 : f64, fan = "width*width", kind = "uniform", seed = 4 : i64}} : tensor<?x?x?x?xcomplex<f32>>
  shodh.param @s {dims = ["width", "width", "2*res", "res/2+1"], init = {kind = "uniform", a = 0.0 : f64, b = 1.0 : f64, fan = "width*width", seed = 4 : i64}} : tensor<?x?x?x?xcomplex<f32>>
  // CHECK: shodh.param @n {init = {a = 0.000000e+00 : f64, b = 2.000000e-02 : f64, kind = "normal", seed = 3 : i64}} : tensor<3xcomplex<f32>>
  shodh.param @n {init = {kind = "normal", a = 0.0 : f64, b = 0.02 : f64, seed = 3 : i64}} : tensor<3xcomplex<f32>>

  // CHECK-LABEL: func.func @infer
  // CHECK-SAME: (%[[X:.*]]: tensor<?x?x8x8xf32> {shodh.dims = ["B", "cin", "res", 8], shodh.name = "x"})
  func.func @infer(%x: tensor<?x?x8x8xf32> {shodh.dims = ["B", "cin", "res", 8], shodh.name = "x"})
      -> (tensor<?x16x8x8xf32> {shodh.name = "y"}) {
    // CHECK: %[[W:.*]] = shodh.read @w : tensor<?x?xf32>
    %w = shodh.read @w : tensor<?x?xf32>
    // CHECK: %[[B:.*]] = shodh.read @b : tensor<16xf32>
    %b = shodh.read @b : tensor<16xf32>
    // CHECK: %[[L:.*]] = shodh.linear %[[X]], %[[W]], %[[B]] : (tensor<?x?x8x8xf32>, tensor<?x?xf32>, tensor<16xf32>) -> tensor<?x16x8x8xf32>
    %l = shodh.linear %x, %w, %b {axis = 1 : i64} : (tensor<?x?x8x8xf32>, tensor<?x?xf32>, tensor<16xf32>) -> tensor<?x16x8x8xf32>
    // CHECK: %[[NB:.*]] = shodh.linear %[[L]], %[[W]] {axis = 3 : i64} : (tensor<?x16x8x8xf32>, tensor<?x?xf32>) -> tensor<?x16x8x?xf32>
    %nb = shodh.linear %l, %w {axis = 3 : i64} : (tensor<?x16x8x8xf32>, tensor<?x?xf32>) -> tensor<?x16x8x?xf32>
    // CHECK: %[[G:.*]] = shodh.gelu %[[L]] : (tensor<?x16x8x8xf32>) -> tensor<?x16x8x8xf32>
    %g = shodh.gelu %l : (tensor<?x16x8x8xf32>) -> tensor<?x16x8x8xf32>
    // CHECK: %[[T:.*]] = shodh.gelu %[[G]] {approximate = "tanh"} : (tensor<?x16x8x8xf32>) -> tensor<?x16x8x8xf32>
    %t = shodh.gelu %g {approximate = "tanh"} : (tensor<?x16x8x8xf32>) -> tensor<?x16x8x8xf32>
    // CHECK: %[[A:.*]] = shodh.add %[[G]], %[[T]] : (tensor<?x16x8x8xf32>, tensor<?x16x8x8xf32>) -> tensor<?x16x8x8xf32>
    %a = shodh.add %g, %t : (tensor<?x16x8x8xf32>, tensor<?x16x8x8xf32>) -> tensor<?x16x8x8xf32>
    // CHECK: %[[M:.*]] = shodh.mul %[[A]], %[[G]] : (tensor<?x16x8x8xf32>, tensor<?x16x8x8xf32>) -> tensor<?x16x8x8xf32>
    %m = shodh.mul %a, %g : (tensor<?x16x8x8xf32>, tensor<?x16x8x8xf32>) -> tensor<?x16x8x8xf32>
    // CHECK: return %[[M]]
    return %m : tensor<?x16x8x8xf32>
  }

  // CHECK-LABEL: func.func @spectral
  // CHECK-SAME: (%[[X:.*]]: tensor<?x16x8x8xf32>, %[[W:.*]]: tensor<16x16x4x2xcomplex<f32>>)
  func.func @spectral(%x: tensor<?x16x8x8xf32>, %w: tensor<16x16x4x2xcomplex<f32>>) -> tensor<?x16x8x8xf32> {
    // CHECK: %[[F:.*]] = shodh.rfft %[[X]] {ndims = 2 : i64} : (tensor<?x16x8x8xf32>) -> tensor<?x16x8x5xcomplex<f32>>
    %f = shodh.rfft %x {ndims = 2 : i64, norm = "backward"} : (tensor<?x16x8x8xf32>) -> tensor<?x16x8x5xcomplex<f32>>
    // CHECK: %[[T:.*]] = shodh.spectral_truncate %[[F]] {modes = array<i64: 2, 2>} : (tensor<?x16x8x5xcomplex<f32>>) -> tensor<?x16x4x2xcomplex<f32>>
    %t = shodh.spectral_truncate %f {modes = array<i64: 2, 2>} : (tensor<?x16x8x5xcomplex<f32>>) -> tensor<?x16x4x2xcomplex<f32>>
    // CHECK: %[[TS:.*]] = shodh.spectral_truncate %[[F]] {modes = ["modes", "2*modes-2"]} : (tensor<?x16x8x5xcomplex<f32>>) -> tensor<?x16x?x?xcomplex<f32>>
    %ts = shodh.spectral_truncate %f {modes = ["modes", "2*modes-2"]} : (tensor<?x16x8x5xcomplex<f32>>) -> tensor<?x16x?x?xcomplex<f32>>
    // CHECK: %[[C:.*]] = shodh.spectral_contract %[[T]], %[[W]] : (tensor<?x16x4x2xcomplex<f32>>, tensor<16x16x4x2xcomplex<f32>>) -> tensor<?x16x4x2xcomplex<f32>>
    %c = shodh.spectral_contract %t, %w : (tensor<?x16x4x2xcomplex<f32>>, tensor<16x16x4x2xcomplex<f32>>) -> tensor<?x16x4x2xcomplex<f32>>
    // CHECK: %[[P:.*]] = shodh.spectral_pad %[[C]] {modes = array<i64: 2, 2>, sizes = ["res", "res"]} : (tensor<?x16x4x2xcomplex<f32>>) -> tensor<?x16x?x?xcomplex<f32>>
    %p = shodh.spectral_pad %c {modes = array<i64: 2, 2>, sizes = ["res", "res"]} : (tensor<?x16x4x2xcomplex<f32>>) -> tensor<?x16x?x?xcomplex<f32>>
    // CHECK: %[[I:.*]] = shodh.irfft %[[P]] {last_size = "res", ndims = 2 : i64, norm = "ortho"} : (tensor<?x16x?x?xcomplex<f32>>) -> tensor<?x16x?x?xf32>
    %i = shodh.irfft %p {ndims = 2 : i64, norm = "ortho", last_size = "res"} : (tensor<?x16x?x?xcomplex<f32>>) -> tensor<?x16x?x?xf32>
    // CHECK: %[[I2:.*]] = shodh.irfft %[[F]] {last_size = 8 : i64, ndims = 1 : i64, norm = "forward"} : (tensor<?x16x8x5xcomplex<f32>>) -> tensor<?x16x8x8xf32>
    %i2 = shodh.irfft %f {ndims = 1 : i64, norm = "forward", last_size = 8 : i64} : (tensor<?x16x8x5xcomplex<f32>>) -> tensor<?x16x8x8xf32>
    // CHECK: %[[S:.*]] = shodh.spectral_conv %[[X]], %[[W]] {modes = ["modes", "modes"]} : (tensor<?x16x8x8xf32>, tensor<16x16x4x2xcomplex<f32>>) -> tensor<?x16x8x8xf32>
    %s = shodh.spectral_conv %x, %w {modes = ["modes", "modes"]} : (tensor<?x16x8x8xf32>, tensor<16x16x4x2xcomplex<f32>>) -> tensor<?x16x8x8xf32>
    // CHECK: %[[R:.*]]:2 = shodh.repeat(%[[S]], %[[I2]]) {count = "layers-1"} : (tensor<?x16x8x8xf32>, tensor<?x16x8x8xf32>) -> (tensor<?x16x8x8xf32>, tensor<?x16x8x8xf32>) {
    // CHECK-NEXT: ^bb0(%[[A:.*]]: tensor<?x16x8x8xf32>, %[[B:.*]]: tensor<?x16x8x8xf32>):
    // CHECK-NEXT: %[[G:.*]] = shodh.gelu %[[A]]
    // CHECK-NEXT: shodh.yield %[[B]], %[[G]] : tensor<?x16x8x8xf32>, tensor<?x16x8x8xf32>
    %r:2 = shodh.repeat (%s, %i2) {count = "layers-1"} : (tensor<?x16x8x8xf32>, tensor<?x16x8x8xf32>) -> (tensor<?x16x8x8xf32>, tensor<?x16x8x8xf32>) {
    ^bb0(%a: tensor<?x16x8x8xf32>, %b: tensor<?x16x8x8xf32>):
      %g = shodh.gelu %a : (tensor<?x16x8x8xf32>) -> tensor<?x16x8x8xf32>
      shodh.yield %b, %g : tensor<?x16x8x8xf32>, tensor<?x16x8x8xf32>
    }
    // CHECK: shodh.repeat() {count = 0 : i64} : () -> () {
    // CHECK-NEXT: shodh.yield
    shodh.repeat () {count = 0 : i64} : () -> () {
      shodh.yield
    }
    // CHECK: return %[[R]]#1
    return %r#1 : tensor<?x16x8x8xf32>
  }

  // CHECK-LABEL: func.func @lowered
  // CHECK-SAME: shodh.live = array<i64: 0, 1>
  func.func @lowered(%x: tensor<2x3xf32> {shodh.live = array<i64: 0, 1>}) -> tensor<2x16xf32> {
    %w = shodh.read @w : tensor<?x?xf32>
    // CHECK: %[[K:.*]] = shodh.kernel "linear"(%{{.*}}, %{{.*}}) {attrs = {axis = 1 : i64}, shodh.index = 0 : i64, shodh.live = [array<i64: 0, 1>]} : (tensor<2x3xf32>, tensor<?x?xf32>) -> tensor<2x16xf32>
    %k = shodh.kernel "linear"(%x, %w) {attrs = {axis = 1 : i64}, shodh.index = 0 : i64, shodh.live = [array<i64: 0, 1>]} : (tensor<2x3xf32>, tensor<?x?xf32>) -> tensor<2x16xf32>
    // CHECK: %{{.*}}:2 = shodh.kernel "split"(%[[K]]) : (tensor<2x16xf32>) -> (tensor<2x8xf32>, tensor<2x8xf32>)
    %s:2 = shodh.kernel "split"(%k) : (tensor<2x16xf32>) -> (tensor<2x8xf32>, tensor<2x8xf32>)
    return %k : tensor<2x16xf32>
  }

  // CHECK: shodh.state @w.adam_m {dims = ["width", "cin"], init = {kind = "zeros"}} : tensor<?x?xf32>
  shodh.state @w.adam_m {dims = ["width", "cin"], init = {kind = "zeros"}} : tensor<?x?xf32>
  // CHECK: shodh.state @w.adam_v {init = {kind = "zeros"}} : tensor<16x3xf32>
  shodh.state @w.adam_v {init = {kind = "zeros"}} : tensor<16x3xf32>
  // CHECK: shodh.state @train.step {init = {kind = "zeros"}} : tensor<1xi64>
  shodh.state @train.step {init = {kind = "zeros"}} : tensor<1xi64>

  // CHECK-LABEL: func.func @gradients
  // CHECK-SAME: (%[[X:.*]]: tensor<?x3x8xf32>, %[[DY:.*]]: tensor<?x16x8xf32>, %[[W:.*]]: tensor<16x3xf32>, %[[SW:.*]]: tensor<16x16x3xcomplex<f32>>, %[[DF:.*]]: tensor<?x16x5xcomplex<f32>>)
  func.func @gradients(%x: tensor<?x3x8xf32>, %dy: tensor<?x16x8xf32>, %w: tensor<16x3xf32>,
                       %sw: tensor<16x16x3xcomplex<f32>>, %df: tensor<?x16x5xcomplex<f32>>) -> tensor<1xf32> {
    // CHECK: shodh.linear_grad_input %[[DY]], %[[W]] : (tensor<?x16x8xf32>, tensor<16x3xf32>) -> tensor<?x3x8xf32>
    %dx = shodh.linear_grad_input %dy, %w {axis = 1 : i64} : (tensor<?x16x8xf32>, tensor<16x3xf32>) -> tensor<?x3x8xf32>
    // CHECK: shodh.linear_grad_weight %[[X]], %[[DY]] : (tensor<?x3x8xf32>, tensor<?x16x8xf32>) -> tensor<16x3xf32>
    %dw = shodh.linear_grad_weight %x, %dy : (tensor<?x3x8xf32>, tensor<?x16x8xf32>) -> tensor<16x3xf32>
    // CHECK: shodh.linear_grad_bias %[[DY]] : (tensor<?x16x8xf32>) -> tensor<16xf32>
    %db = shodh.linear_grad_bias %dy : (tensor<?x16x8xf32>) -> tensor<16xf32>
    // CHECK: shodh.linear_grad_params %[[X]], %[[DY]] : (tensor<?x3x8xf32>, tensor<?x16x8xf32>) -> (tensor<16x3xf32>, tensor<16xf32>)
    %pw, %pb = shodh.linear_grad_params %x, %dy {axis = 1 : i64} : (tensor<?x3x8xf32>, tensor<?x16x8xf32>) -> (tensor<16x3xf32>, tensor<16xf32>)
    // CHECK: shodh.gelu_grad %[[DY]], %[[DY]] {approximate = "tanh"} : (tensor<?x16x8xf32>, tensor<?x16x8xf32>) -> tensor<?x16x8xf32>
    %dg = shodh.gelu_grad %dy, %dy {approximate = "tanh"} : (tensor<?x16x8xf32>, tensor<?x16x8xf32>) -> tensor<?x16x8xf32>
    // CHECK: shodh.rfft_grad %[[DF]] {last_size = 8 : i64, ndims = 1 : i64} : (tensor<?x16x5xcomplex<f32>>) -> tensor<?x16x8xf32>
    %dr = shodh.rfft_grad %df {ndims = 1 : i64, last_size = 8 : i64} : (tensor<?x16x5xcomplex<f32>>) -> tensor<?x16x8xf32>
    // CHECK: shodh.irfft_grad %[[DY]] {ndims = 1 : i64, norm = "ortho"} : (tensor<?x16x8xf32>) -> tensor<?x16x5xcomplex<f32>>
    %di = shodh.irfft_grad %dy {ndims = 1 : i64, norm = "ortho"} : (tensor<?x16x8xf32>) -> tensor<?x16x5xcomplex<f32>>
    // CHECK: %[[DT:.*]] = shodh.spectral_truncate %[[DF]] {modes = array<i64: 3>} : (tensor<?x16x5xcomplex<f32>>) -> tensor<?x16x3xcomplex<f32>>
    %dt = shodh.spectral_truncate %df {modes = array<i64: 3>} : (tensor<?x16x5xcomplex<f32>>) -> tensor<?x16x3xcomplex<f32>>
    // CHECK: shodh.spectral_contract_grad_input %[[DT]], %[[SW]] : (tensor<?x16x3xcomplex<f32>>, tensor<16x16x3xcomplex<f32>>) -> tensor<?x16x3xcomplex<f32>>
    %dci = shodh.spectral_contract_grad_input %dt, %sw : (tensor<?x16x3xcomplex<f32>>, tensor<16x16x3xcomplex<f32>>) -> tensor<?x16x3xcomplex<f32>>
    // CHECK: shodh.spectral_contract_grad_weight %[[DT]], %[[DT]] : (tensor<?x16x3xcomplex<f32>>, tensor<?x16x3xcomplex<f32>>) -> tensor<16x16x3xcomplex<f32>>
    %dcw = shodh.spectral_contract_grad_weight %dt, %dt : (tensor<?x16x3xcomplex<f32>>, tensor<?x16x3xcomplex<f32>>) -> tensor<16x16x3xcomplex<f32>>
    // CHECK: shodh.spectral_conv_grad_input %[[DY]], %[[SW]] {modes = array<i64: 3>} : (tensor<?x16x8xf32>, tensor<16x16x3xcomplex<f32>>) -> tensor<?x16x8xf32>
    %dsi = shodh.spectral_conv_grad_input %dy, %sw {modes = array<i64: 3>} : (tensor<?x16x8xf32>, tensor<16x16x3xcomplex<f32>>) -> tensor<?x16x8xf32>
    // CHECK: shodh.spectral_conv_grad_weight %[[DY]], %[[DY]] {modes = array<i64: 3>} : (tensor<?x16x8xf32>, tensor<?x16x8xf32>) -> tensor<16x16x3xcomplex<f32>>
    %dsw = shodh.spectral_conv_grad_weight %dy, %dy {modes = array<i64: 3>} : (tensor<?x16x8xf32>, tensor<?x16x8xf32>) -> tensor<16x16x3xcomplex<f32>>
    // CHECK: %{{.*}}, %{{.*}} = shodh.spectral_conv_grad %[[DY]], %[[DY]], %[[SW]] {modes = array<i64: 3>} : (tensor<?x16x8xf32>, tensor<?x16x8xf32>, tensor<16x16x3xcomplex<f32>>) -> (tensor<?x16x8xf32>, tensor<16x16x3xcomplex<f32>>)
    %dsx2, %dsw2 = shodh.spectral_conv_grad %dy, %dy, %sw {modes = array<i64: 3>} : (tensor<?x16x8xf32>, tensor<?x16x8xf32>, tensor<16x16x3xcomplex<f32>>) -> (tensor<?x16x8xf32>, tensor<16x16x3xcomplex<f32>>)
    // CHECK: %[[L:.*]] = shodh.mse_loss %[[DY]], %[[DY]] : (tensor<?x16x8xf32>, tensor<?x16x8xf32>) -> tensor<1xf32>
    %l = shodh.mse_loss %dy, %dy : (tensor<?x16x8xf32>, tensor<?x16x8xf32>) -> tensor<1xf32>
    // CHECK: shodh.mse_loss_grad %[[DY]], %[[DY]] : (tensor<?x16x8xf32>, tensor<?x16x8xf32>) -> tensor<?x16x8xf32>
    %dl = shodh.mse_loss_grad %dy, %dy : (tensor<?x16x8xf32>, tensor<?x16x8xf32>) -> tensor<?x16x8xf32>
    // CHECK: %[[MS:.*]] = shodh.mean_square %[[DY]] : (tensor<?x16x8xf32>) -> tensor<1xf32>
    %ms = shodh.mean_square %dy : (tensor<?x16x8xf32>) -> tensor<1xf32>
    // CHECK: shodh.mean_square_grad %[[DY]], %[[MS]] : (tensor<?x16x8xf32>, tensor<1xf32>) -> tensor<?x16x8xf32>
    %dms = shodh.mean_square_grad %dy, %ms : (tensor<?x16x8xf32>, tensor<1xf32>) -> tensor<?x16x8xf32>
    // CHECK: shodh.rel_l2_loss %[[DY]], %[[DY]] : (tensor<?x16x8xf32>, tensor<?x16x8xf32>) -> tensor<1xf32>
    %r = shodh.rel_l2_loss %dy, %dy : (tensor<?x16x8xf32>, tensor<?x16x8xf32>) -> tensor<1xf32>
    // CHECK: shodh.rel_l2_loss_grad %[[DY]], %[[DY]] : (tensor<?x16x8xf32>, tensor<?x16x8xf32>) -> tensor<?x16x8xf32>
    %dr2 = shodh.rel_l2_loss_grad %dy, %dy : (tensor<?x16x8xf32>, tensor<?x16x8xf32>) -> tensor<?x16x8xf32>
    // CHECK: return %[[L]]
    return %l : tensor<1xf32>
  }

  // CHECK-LABEL: func.func @optimizer
  // CHECK-SAME: (%[[G:.*]]: tensor<16x3xf32>, %[[LR:.*]]: tensor<1xf32>)
  func.func @optimizer(%g: tensor<16x3xf32>, %lr: tensor<1xf32>) -> tensor<1xf32> {
    // CHECK: %[[N:.*]] = shodh.grad_global_norm %[[G]], %[[G]] : (tensor<16x3xf32>, tensor<16x3xf32>) -> tensor<1xf32>
    %n = shodh.grad_global_norm %g, %g : (tensor<16x3xf32>, tensor<16x3xf32>) -> tensor<1xf32>
    // CHECK: %[[C:.*]] = shodh.clip_by_norm %[[G]], %[[N]] {max_norm = 1.000000e+00 : f64} : (tensor<16x3xf32>, tensor<1xf32>) -> tensor<16x3xf32>
    %c = shodh.clip_by_norm %g, %n {max_norm = 1.0 : f64} : (tensor<16x3xf32>, tensor<1xf32>) -> tensor<16x3xf32>
    // CHECK: shodh.step_increment @train.step
    shodh.step_increment @train.step
    // CHECK: shodh.adam @w, %[[C]], %[[LR]] {beta1 = 9.000000e-01 : f64, beta2 = 0.99899999999999999 : f64, decoupled = true, eps = 1.000000e-08 : f64, m = @w.adam_m, step = @train.step, v = @w.adam_v, weight_decay = 0.000000e+00 : f64} : tensor<16x3xf32>, tensor<1xf32>
    shodh.adam @w, %c, %lr {m = @w.adam_m, v = @w.adam_v, step = @train.step, beta1 = 0.9 : f64, beta2 = 0.999 : f64, eps = 1.0e-8 : f64, weight_decay = 0.0 : f64, decoupled = true} : tensor<16x3xf32>, tensor<1xf32>
    %s = shodh.read @train.step : tensor<1xi64>
    // CHECK: shodh.kernel "step_increment"(%{{.*}}) {writes = [@train.step]} : (tensor<1xi64>) -> ()
    shodh.kernel "step_increment"(%s) {writes = [@train.step]} : (tensor<1xi64>) -> ()
    %a = shodh.add %c, %c : (tensor<16x3xf32>, tensor<16x3xf32>) -> tensor<16x3xf32>
    // CHECK: shodh.kernel "clip_by_norm"(%{{.*}}, %[[N]]) {in_place = array<i64: 0>} : (tensor<16x3xf32>, tensor<1xf32>) -> tensor<16x3xf32>
    %k = shodh.kernel "clip_by_norm"(%a, %n) {in_place = array<i64: 0>} : (tensor<16x3xf32>, tensor<1xf32>) -> tensor<16x3xf32>
    return %n : tensor<1xf32>
  }

  // The spectral_conv gradients with I != O (dy carries the O output
  // channels, dx the I input channels).
  // CHECK-LABEL: func.func @conv_grads_rectangular
  func.func @conv_grads_rectangular(%x: tensor<?x4x8xf32>, %dy: tensor<?x6x8xf32>,
                                    %w: tensor<4x6x3xcomplex<f32>>) -> tensor<?x4x8xf32> {
    // CHECK: shodh.spectral_conv_grad_input %{{.*}}, %{{.*}} {modes = array<i64: 3>} : (tensor<?x6x8xf32>, tensor<4x6x3xcomplex<f32>>) -> tensor<?x4x8xf32>
    %dx = shodh.spectral_conv_grad_input %dy, %w {modes = array<i64: 3>} : (tensor<?x6x8xf32>, tensor<4x6x3xcomplex<f32>>) -> tensor<?x4x8xf32>
    // CHECK: shodh.spectral_conv_grad %{{.*}} : (tensor<?x4x8xf32>, tensor<?x6x8xf32>, tensor<4x6x3xcomplex<f32>>) -> (tensor<?x4x8xf32>, tensor<4x6x3xcomplex<f32>>)
    %dx2, %dw2 = shodh.spectral_conv_grad %x, %dy, %w {modes = array<i64: 3>} : (tensor<?x4x8xf32>, tensor<?x6x8xf32>, tensor<4x6x3xcomplex<f32>>) -> (tensor<?x4x8xf32>, tensor<4x6x3xcomplex<f32>>)
    return %dx : tensor<?x4x8xf32>
  }

  // The fused linear + add and the accumulating input gradient.
  // CHECK-LABEL: func.func @fused_linear
  func.func @fused_linear(%x: tensor<?x4x8xf32>, %w: tensor<6x4xf32>, %b: tensor<6xf32>,
                          %r: tensor<?x6x8xf32>, %acc: tensor<?x4x8xf32>) -> (tensor<?x6x8xf32>, tensor<?x4x8xf32>) {
    // CHECK: shodh.linear_add %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} : (tensor<?x4x8xf32>, tensor<6x4xf32>, tensor<?x6x8xf32>, tensor<6xf32>) -> tensor<?x6x8xf32>
    %y = shodh.linear_add %x, %w, %r, %b : (tensor<?x4x8xf32>, tensor<6x4xf32>, tensor<?x6x8xf32>, tensor<6xf32>) -> tensor<?x6x8xf32>
    // CHECK: shodh.linear_grad_input %{{.*}}, %{{.*}}, %{{.*}} : (tensor<?x6x8xf32>, tensor<6x4xf32>, tensor<?x4x8xf32>) -> tensor<?x4x8xf32>
    %dx = shodh.linear_grad_input %r, %w, %acc : (tensor<?x6x8xf32>, tensor<6x4xf32>, tensor<?x4x8xf32>) -> tensor<?x4x8xf32>
    return %y, %dx : tensor<?x6x8xf32>, tensor<?x4x8xf32>
  }

  // The forward that keeps its spectrum and the gradient that reads it.
  // CHECK-LABEL: func.func @saved_spectrum
  func.func @saved_spectrum(%x: tensor<?x4x8xf32>, %w: tensor<4x6x3xcomplex<f32>>,
                            %dy: tensor<?x6x8xf32>) -> tensor<4x6x3xcomplex<f32>> {
    // CHECK: shodh.spectral_conv_save %{{.*}} : (tensor<?x4x8xf32>, tensor<4x6x3xcomplex<f32>>) -> (tensor<?x6x8xf32>, tensor<?x4x3xcomplex<f32>>)
    %y, %s = shodh.spectral_conv_save %x, %w {modes = array<i64: 3>} : (tensor<?x4x8xf32>, tensor<4x6x3xcomplex<f32>>) -> (tensor<?x6x8xf32>, tensor<?x4x3xcomplex<f32>>)
    // CHECK: shodh.spectral_conv_grad_saved %{{.*}} : (tensor<?x4x3xcomplex<f32>>, tensor<?x6x8xf32>, tensor<4x6x3xcomplex<f32>>) -> (tensor<?x4x8xf32>, tensor<4x6x3xcomplex<f32>>)
    %dx, %dw = shodh.spectral_conv_grad_saved %s, %dy, %w {modes = array<i64: 3>} : (tensor<?x4x3xcomplex<f32>>, tensor<?x6x8xf32>, tensor<4x6x3xcomplex<f32>>) -> (tensor<?x4x8xf32>, tensor<4x6x3xcomplex<f32>>)
    return %dw : tensor<4x6x3xcomplex<f32>>
  }
}
