// A routed FNO-expert layer for the moe-fno-experts-parity test, the
// expert block of models/m2m.mlir with a single expert layer (m2m chains
// two expert_fno ops, which --shodh-fuse-experts does not fuse):
//
//   h      = lift_w . x + lift_b                      1x1 lift, 2 -> 4 channels
//   tokens = patchify(h)                              (B, 4, 4, 8, 8)
//   probs  = softmax(w_r . flatten(patchify(x)) + b_r) router on the raw input
//                                                     patches (B, 4, 128) -> (B, 4, 3)
//   @infer:  top-2, gates renormalised; @switch: top-1 with the probability
//            as the gate (m2m's Switch-style routing, `--entry switch`)
//   expert e (modes 2, 3, 4, stacked at 4): gelu(spectral_conv_e(t) + wskip[e] t + bskip[e])
//   y      = proj_w . unpatchify(combine(gates * experts(tokens))) + proj_b
//
// The compile pipeline fuses dispatch -> expert_fno -> combine into
// shodh.moe {expert = "fno"}. Adam eps = 1 so that updates depend on
// gradient magnitudes.
module attributes {shodh.train = {loss = "mse", optimizer = "adam", lr = 0.05 : f64, eps = 1.0 : f64}} {
  shodh.param @lift_w {init = {kind = "fan_in_uniform", fan = 2 : i64, seed = 1 : i64}} : tensor<4x2xf32>
  shodh.param @lift_b {init = {kind = "fan_in_uniform", fan = 2 : i64, seed = 2 : i64}} : tensor<4xf32>
  shodh.param @w_r {init = {kind = "fan_in_uniform", fan = 16 : i64, seed = 3 : i64}} : tensor<3x128xf32>
  shodh.param @b_r {init = {kind = "uniform", a = -0.5 : f64, b = 0.5 : f64, seed = 4 : i64}} : tensor<3xf32>
  shodh.param @wspec {init = {kind = "uniform", a = 0.0 : f64, b = 1.0 : f64, fan = 16 : i64, seed = 5 : i64}} : tensor<3x4x4x8x4xcomplex<f32>>
  shodh.param @wskip {init = {kind = "fan_in_uniform", fan = 4 : i64, seed = 6 : i64}} : tensor<3x4x4xf32>
  shodh.param @bskip {init = {kind = "fan_in_uniform", fan = 4 : i64, seed = 7 : i64}} : tensor<3x4xf32>
  shodh.param @proj_w {init = {kind = "fan_in_uniform", fan = 4 : i64, seed = 8 : i64}} : tensor<1x4xf32>
  shodh.param @proj_b {init = {kind = "fan_in_uniform", fan = 4 : i64, seed = 9 : i64}} : tensor<1xf32>
  func.func @infer(%x: tensor<?x2x16x16xf32> {shodh.dims = ["B", 2, 16, 16], shodh.name = "x"}) -> (tensor<?x1x16x16xf32> {shodh.name = "y"}) {
    %lw = shodh.read @lift_w : tensor<4x2xf32>
    %lb = shodh.read @lift_b : tensor<4xf32>
    %h = shodh.linear %x, %lw, %lb {axis = 1 : i64} : (tensor<?x2x16x16xf32>, tensor<4x2xf32>, tensor<4xf32>) -> tensor<?x4x16x16xf32>
    %xp = shodh.patchify %x {patch = array<i64: 8, 8>} : (tensor<?x2x16x16xf32>) -> tensor<?x4x2x8x8xf32>
    %feat = shodh.reshape %xp {shape = array<i64: 4, 128>} : (tensor<?x4x2x8x8xf32>) -> tensor<?x4x128xf32>
    %wr = shodh.read @w_r : tensor<3x128xf32>
    %br = shodh.read @b_r : tensor<3xf32>
    %logits, %probs = shodh.router %feat, %wr, %br : (tensor<?x4x128xf32>, tensor<3x128xf32>, tensor<3xf32>) -> (tensor<?x4x3xf32>, tensor<?x4x3xf32>)
    %gates, %ids = shodh.top_k %probs {k = 2 : i64} : (tensor<?x4x3xf32>) -> (tensor<?x4x2xf32>, tensor<?x4x2xi64>)
    %tok = shodh.patchify %h {patch = array<i64: 8, 8>} : (tensor<?x4x16x16xf32>) -> tensor<?x4x4x8x8xf32>
    %sorted, %offsets, %source = shodh.dispatch %tok, %ids {num_experts = 3 : i64} : (tensor<?x4x4x8x8xf32>, tensor<?x4x2xi64>) -> (tensor<?x8x4x8x8xf32>, tensor<4xi64>, tensor<?x8xi64>)
    %ws = shodh.read @wspec : tensor<3x4x4x8x4xcomplex<f32>>
    %wk = shodh.read @wskip : tensor<3x4x4xf32>
    %bk = shodh.read @bskip : tensor<3x4xf32>
    %out = shodh.expert_fno %sorted, %offsets, %ws, %wk, %bk {modes = array<i64: 2, 3, 4>} : (tensor<?x8x4x8x8xf32>, tensor<4xi64>, tensor<3x4x4x8x4xcomplex<f32>>, tensor<3x4x4xf32>, tensor<3x4xf32>) -> tensor<?x8x4x8x8xf32>
    %comb = shodh.combine %out, %gates, %source, %offsets : (tensor<?x8x4x8x8xf32>, tensor<?x4x2xf32>, tensor<?x8xi64>, tensor<4xi64>) -> tensor<?x4x4x8x8xf32>
    %merged = shodh.unpatchify %comb {grid = array<i64: 16, 16>} : (tensor<?x4x4x8x8xf32>) -> tensor<?x4x16x16xf32>
    %pw = shodh.read @proj_w : tensor<1x4xf32>
    %pb = shodh.read @proj_b : tensor<1xf32>
    %y = shodh.linear %merged, %pw, %pb {axis = 1 : i64} : (tensor<?x4x16x16xf32>, tensor<1x4xf32>, tensor<1xf32>) -> tensor<?x1x16x16xf32>
    return %y : tensor<?x1x16x16xf32>
  }

  func.func @switch(%x: tensor<?x2x16x16xf32> {shodh.dims = ["B", 2, 16, 16], shodh.name = "x"}) -> (tensor<?x1x16x16xf32> {shodh.name = "y"}) {
    %lw = shodh.read @lift_w : tensor<4x2xf32>
    %lb = shodh.read @lift_b : tensor<4xf32>
    %h = shodh.linear %x, %lw, %lb {axis = 1 : i64} : (tensor<?x2x16x16xf32>, tensor<4x2xf32>, tensor<4xf32>) -> tensor<?x4x16x16xf32>
    %xp = shodh.patchify %x {patch = array<i64: 8, 8>} : (tensor<?x2x16x16xf32>) -> tensor<?x4x2x8x8xf32>
    %feat = shodh.reshape %xp {shape = array<i64: 4, 128>} : (tensor<?x4x2x8x8xf32>) -> tensor<?x4x128xf32>
    %wr = shodh.read @w_r : tensor<3x128xf32>
    %br = shodh.read @b_r : tensor<3xf32>
    %logits, %probs = shodh.router %feat, %wr, %br : (tensor<?x4x128xf32>, tensor<3x128xf32>, tensor<3xf32>) -> (tensor<?x4x3xf32>, tensor<?x4x3xf32>)
    %gates, %ids = shodh.top_k %probs {k = 1 : i64, renormalize = false} : (tensor<?x4x3xf32>) -> (tensor<?x4x1xf32>, tensor<?x4x1xi64>)
    %tok = shodh.patchify %h {patch = array<i64: 8, 8>} : (tensor<?x4x16x16xf32>) -> tensor<?x4x4x8x8xf32>
    %sorted, %offsets, %source = shodh.dispatch %tok, %ids {num_experts = 3 : i64} : (tensor<?x4x4x8x8xf32>, tensor<?x4x1xi64>) -> (tensor<?x4x4x8x8xf32>, tensor<4xi64>, tensor<?x4xi64>)
    %ws = shodh.read @wspec : tensor<3x4x4x8x4xcomplex<f32>>
    %wk = shodh.read @wskip : tensor<3x4x4xf32>
    %bk = shodh.read @bskip : tensor<3x4xf32>
    %out = shodh.expert_fno %sorted, %offsets, %ws, %wk, %bk {modes = array<i64: 2, 3, 4>} : (tensor<?x4x4x8x8xf32>, tensor<4xi64>, tensor<3x4x4x8x4xcomplex<f32>>, tensor<3x4x4xf32>, tensor<3x4xf32>) -> tensor<?x4x4x8x8xf32>
    %comb = shodh.combine %out, %gates, %source, %offsets : (tensor<?x4x4x8x8xf32>, tensor<?x4x1xf32>, tensor<?x4xi64>, tensor<4xi64>) -> tensor<?x4x4x8x8xf32>
    %merged = shodh.unpatchify %comb {grid = array<i64: 16, 16>} : (tensor<?x4x4x8x8xf32>) -> tensor<?x4x16x16xf32>
    %pw = shodh.read @proj_w : tensor<1x4xf32>
    %pb = shodh.read @proj_b : tensor<1xf32>
    %y = shodh.linear %merged, %pw, %pb {axis = 1 : i64} : (tensor<?x4x16x16xf32>, tensor<1x4xf32>, tensor<1xf32>) -> tensor<?x1x16x16xf32>
    return %y : tensor<?x1x16x16xf32>
  }
}
