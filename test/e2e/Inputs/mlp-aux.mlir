// models/mlp.mlir with auxiliary loss terms and a PI controller, for the
// aux-loss and PI tests (test/e2e/aux-loss-pi.test, aux_pi_reference.py):
//   sq   = s * s                       (s: a 1-element parameter)
//   lam  = pi_controller @bal(sq)      (setpoint 0.25, kp 0.5, ki 0.2,
//                                       lambda0 0.3, clamps [0.05, 0.6])
//   aux_loss sq,   lam {coefficient 2}  -> output "aux.sq"
//   aux_loss dot {coefficient 0.5}      -> output "aux.1", with
//   dot  = proj_w . v (linear over axis 0; v: a 16-element parameter), which
//          couples an aux term to a weight of the network.
// Adam's eps is 1 as in mlp-train.mlir, so one step reveals the gradient.
module attributes {shodh.hyperparams = {cin = 3 : i64, cout = 1 : i64, res = 8 : i64, width = 16 : i64},
    shodh.train = {loss = "mse", optimizer = "adam", lr = 0.05 : f64, eps = 1.0 : f64}} {
  shodh.param @lift_w {dims = ["width", "cin"], init = {kind = "fan_in_uniform", fan = "cin", seed = 1 : i64}} : tensor<?x?xf32>
  shodh.param @lift_b {dims = ["width"], init = {kind = "fan_in_uniform", fan = "cin", seed = 2 : i64}} : tensor<?xf32>
  shodh.param @mix_w {dims = ["width", "width"], init = {kind = "fan_in_uniform", fan = "width", seed = 3 : i64}} : tensor<?x?xf32>
  shodh.param @mix_b {dims = ["width"], init = {kind = "fan_in_uniform", fan = "width", seed = 4 : i64}} : tensor<?xf32>
  shodh.param @gate_w {dims = ["width", "width"], init = {kind = "fan_in_uniform", fan = "width", seed = 5 : i64}} : tensor<?x?xf32>
  shodh.param @gate_b {dims = ["width"], init = {kind = "fan_in_uniform", fan = "width", seed = 6 : i64}} : tensor<?xf32>
  shodh.param @proj_w {dims = ["cout", "width"], init = {kind = "fan_in_uniform", fan = "width", seed = 7 : i64}} : tensor<?x?xf32>
  shodh.param @proj_b {dims = ["cout"], init = {kind = "fan_in_uniform", fan = "width", seed = 8 : i64}} : tensor<?xf32>
  shodh.param @s {init = {kind = "constant", a = 0.8 : f64}} : tensor<1xf32>
  shodh.param @v {dims = ["width"], init = {kind = "uniform", a = -1.0 : f64, b = 1.0 : f64, seed = 9 : i64}} : tensor<?xf32>

  func.func @infer(%x: tensor<?x?x?x?xf32> {shodh.dims = ["B", "cin", "res", "res"], shodh.name = "x"})
      -> (tensor<?x?x?x?xf32> {shodh.name = "y"}) {
    %lift_w = shodh.read @lift_w : tensor<?x?xf32>
    %lift_b = shodh.read @lift_b : tensor<?xf32>
    %lifted = shodh.linear %x, %lift_w, %lift_b {axis = 1 : i64}
        : (tensor<?x?x?x?xf32>, tensor<?x?xf32>, tensor<?xf32>) -> tensor<?x?x?x?xf32>
    %h0 = shodh.gelu %lifted : (tensor<?x?x?x?xf32>) -> tensor<?x?x?x?xf32>

    %mix_w = shodh.read @mix_w : tensor<?x?xf32>
    %mix_b = shodh.read @mix_b : tensor<?xf32>
    %mixed = shodh.linear %h0, %mix_w, %mix_b {axis = 1 : i64}
        : (tensor<?x?x?x?xf32>, tensor<?x?xf32>, tensor<?xf32>) -> tensor<?x?x?x?xf32>
    %h1 = shodh.add %h0, %mixed
        : (tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32>) -> tensor<?x?x?x?xf32>

    %gate_w = shodh.read @gate_w : tensor<?x?xf32>
    %gate_b = shodh.read @gate_b : tensor<?xf32>
    %gate_pre = shodh.linear %h1, %gate_w, %gate_b {axis = 1 : i64}
        : (tensor<?x?x?x?xf32>, tensor<?x?xf32>, tensor<?xf32>) -> tensor<?x?x?x?xf32>
    %gate = shodh.gelu %gate_pre : (tensor<?x?x?x?xf32>) -> tensor<?x?x?x?xf32>
    %gated = shodh.mul %h1, %gate
        : (tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32>) -> tensor<?x?x?x?xf32>

    %proj_w = shodh.read @proj_w : tensor<?x?xf32>
    %proj_b = shodh.read @proj_b : tensor<?xf32>
    %y = shodh.linear %gated, %proj_w, %proj_b {axis = 1 : i64}
        : (tensor<?x?x?x?xf32>, tensor<?x?xf32>, tensor<?xf32>) -> tensor<?x?x?x?xf32>

    %s = shodh.read @s : tensor<1xf32>
    %sq = shodh.mul %s, %s : (tensor<1xf32>, tensor<1xf32>) -> tensor<1xf32>
    %lam = shodh.pi_controller @bal %sq {setpoint = 0.25 : f64, kp = 0.5 : f64,
        ki = 0.2 : f64, lambda0 = 0.3 : f64, lambda_min = 0.05 : f64,
        lambda_max = 0.6 : f64} : (tensor<1xf32>) -> tensor<1xf32>
    shodh.aux_loss %sq, %lam {coefficient = 2.0 : f64, name = "sq"} : tensor<1xf32>, tensor<1xf32>
    %v = shodh.read @v : tensor<?xf32>
    %dot = shodh.linear %v, %proj_w {axis = 0 : i64} : (tensor<?xf32>, tensor<?x?xf32>) -> tensor<1xf32>
    shodh.aux_loss %dot {coefficient = 0.5 : f64} : tensor<1xf32>
    return %y : tensor<?x?x?x?xf32>
  }
}
