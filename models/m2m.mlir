// M²M-2D (multi-scale, multi-expert neural operator; docs/experts.md § M²M),
// the architecture of bench/peers/torch_m2m2d.py, on a field
// x[B, cin, res, res]:
//
//   h      = lift_w . x + lift_b                          1x1 lift, cin -> width
//   tokens = patchify(h)                                  (B, scale², width, res/scale, res/scale)
//   feat   = spectral_energy(patchify(x))                 (B, scale², bands) band energy fractions
//                                                         of the input patches (stop-gradient)
//   probs  = softmax(router_w . feat + router_b)          (B, scale², experts)
//   gates, ids = top_k(probs, k = 1)                      gate = the probability (Switch style)
//   expert e (modes m0, m1, m2): 2 FNO blocks on its patches
//            t = gelu(spectral_conv_e(t) + skip_e . t + skip_b_e)
//   h      = unpatchify(combine(gates * expert_ids(tokens)))
//   h      = spectral_conv_g(h) + skip_g . h + skip_g_b   one global FNO block (modes gmodes)
//                                                         joins the patches' seams
//   y      = proj2_w . gelu(proj1_w . h + proj1_b) + proj2_b
//
// Router loss (M²M): KL(mean router probability ‖ uniform prior) + 0.1 ·
// mean entropy, weighted by λ(t) from a PI controller. The controller
// measures the *hard* top-1 allocation, allocation_kl = KL(f ‖ uniform) with
// fᵢ the share of the batch's patches routed to expert i (0 balanced,
// log 3 = 1.10 all on one expert), against the setpoint 0.1: below it when
// every expert takes at least ~14 % of the patches (e.g. 0.43/0.43/0.14;
// 0.5/0.25/0.25, one data class split over two experts, gives 0.06; the
// sampling noise of a balanced batch of 64 patches is ~0.016), above it when
// an expert idles (0.5/0.5/0 gives 0.41), so an idle expert raises λ. The
// training objective is the data loss + λ(t) · router loss.
//
// Hyperparameters: grid `res` (64), patches per axis `scale` (2: patches of
// res/scale), the experts' mode counts m0 < m1 < m2 (4, 8, 16; `experts` = 3
// must match their number; 2·m2 ≤ res/scale), width, gmodes, proj
// (4 frequency bands feed the router).
// Compile with `shodhc models/m2m.mlir -o m2m.fb [--set cin=10 --set cout=10]`.
module attributes {shodh.hyperparams = {cin = 10 : i64, cout = 10 : i64, width = 32 : i64, gmodes = 12 : i64, res = 64 : i64, scale = 2 : i64, experts = 3 : i64, m0 = 4 : i64, m1 = 8 : i64, m2 = 16 : i64, proj = 128 : i64}} {
  shodh.param @lift_w {dims = ["width", "cin"], init = {kind = "fan_in_uniform", fan = "cin", seed = 1 : i64}} : tensor<?x?xf32>
  shodh.param @lift_b {dims = ["width"], init = {kind = "fan_in_uniform", fan = "cin", seed = 2 : i64}} : tensor<?xf32>
  shodh.param @router_w {dims = ["experts", 4], init = {kind = "fan_in_uniform", fan = 4, seed = 3 : i64}} : tensor<?x?xf32>
  shodh.param @router_b {dims = ["experts"], init = {kind = "zeros"}} : tensor<?xf32>
  // Expert spectral weights, stacked at the largest mode count m2: (E, C, O, 2·m2, m2).
  shodh.param @e0_spec {dims = ["experts", "width", "width", "2*m2", "m2"], init = {kind = "uniform", a = 0.0 : f64, b = 1.0 : f64, fan = "width*width", seed = 4 : i64}} : tensor<?x?x?x?x?xcomplex<f32>>
  shodh.param @e0_skip_w {dims = ["experts", "width", "width"], init = {kind = "fan_in_uniform", fan = "width", seed = 5 : i64}} : tensor<?x?x?xf32>
  shodh.param @e0_skip_b {dims = ["experts", "width"], init = {kind = "fan_in_uniform", fan = "width", seed = 6 : i64}} : tensor<?x?xf32>
  shodh.param @e1_spec {dims = ["experts", "width", "width", "2*m2", "m2"], init = {kind = "uniform", a = 0.0 : f64, b = 1.0 : f64, fan = "width*width", seed = 7 : i64}} : tensor<?x?x?x?x?xcomplex<f32>>
  shodh.param @e1_skip_w {dims = ["experts", "width", "width"], init = {kind = "fan_in_uniform", fan = "width", seed = 8 : i64}} : tensor<?x?x?xf32>
  shodh.param @e1_skip_b {dims = ["experts", "width"], init = {kind = "fan_in_uniform", fan = "width", seed = 9 : i64}} : tensor<?x?xf32>
  shodh.param @g_spec {dims = ["width", "width", "2*gmodes", "gmodes"], init = {kind = "uniform", a = 0.0 : f64, b = 1.0 : f64, fan = "width*width", seed = 10 : i64}} : tensor<?x?x?x?xcomplex<f32>>
  shodh.param @g_skip_w {dims = ["width", "width"], init = {kind = "fan_in_uniform", fan = "width", seed = 11 : i64}} : tensor<?x?xf32>
  shodh.param @g_skip_b {dims = ["width"], init = {kind = "fan_in_uniform", fan = "width", seed = 12 : i64}} : tensor<?xf32>
  shodh.param @proj1_w {dims = ["proj", "width"], init = {kind = "fan_in_uniform", fan = "width", seed = 13 : i64}} : tensor<?x?xf32>
  shodh.param @proj1_b {dims = ["proj"], init = {kind = "fan_in_uniform", fan = "width", seed = 14 : i64}} : tensor<?xf32>
  shodh.param @proj2_w {dims = ["cout", "proj"], init = {kind = "fan_in_uniform", fan = "proj", seed = 15 : i64}} : tensor<?x?xf32>
  shodh.param @proj2_b {dims = ["cout"], init = {kind = "fan_in_uniform", fan = "proj", seed = 16 : i64}} : tensor<?xf32>

  func.func @infer(%x: tensor<?x?x?x?xf32> {shodh.dims = ["B", "cin", "res", "res"], shodh.name = "x"})
      -> (tensor<?x?x?x?xf32> {shodh.name = "y"}) {
    %lift_w = shodh.read @lift_w : tensor<?x?xf32>
    %lift_b = shodh.read @lift_b : tensor<?xf32>
    %lifted = shodh.linear %x, %lift_w, %lift_b {axis = 1 : i64}
        : (tensor<?x?x?x?xf32>, tensor<?x?xf32>, tensor<?xf32>) -> tensor<?x?x?x?xf32>

    // Routing by the spectral content of the input patches.
    %xp = shodh.patchify %x {patch = ["res/scale", "res/scale"]}
        : (tensor<?x?x?x?xf32>) -> tensor<?x?x?x?x?xf32>
    %feat = shodh.spectral_energy %xp {bands = 4 : i64}
        : (tensor<?x?x?x?x?xf32>) -> tensor<?x?x4xf32>
    %router_w = shodh.read @router_w : tensor<?x?xf32>
    %router_b = shodh.read @router_b : tensor<?xf32>
    %logits, %probs = shodh.router %feat, %router_w, %router_b
        : (tensor<?x?x4xf32>, tensor<?x?xf32>, tensor<?xf32>) -> (tensor<?x?x?xf32>, tensor<?x?x?xf32>)
    %gates, %ids = shodh.top_k %probs {k = 1 : i64, renormalize = false}
        : (tensor<?x?x?xf32>) -> (tensor<?x?x1xf32>, tensor<?x?x1xi64>)

    // FNO experts with 4, 8 and 16 modes on the patches routed to them.
    %tokens = shodh.patchify %lifted {patch = ["res/scale", "res/scale"]}
        : (tensor<?x?x?x?xf32>) -> tensor<?x?x?x?x?xf32>
    %sorted, %offsets, %source = shodh.dispatch %tokens, %ids {num_experts = "experts"}
        : (tensor<?x?x?x?x?xf32>, tensor<?x?x1xi64>)
        -> (tensor<?x?x?x?x?xf32>, tensor<?xi64>, tensor<?x?xi64>)
    %e0_spec = shodh.read @e0_spec : tensor<?x?x?x?x?xcomplex<f32>>
    %e0_skip_w = shodh.read @e0_skip_w : tensor<?x?x?xf32>
    %e0_skip_b = shodh.read @e0_skip_b : tensor<?x?xf32>
    %t0 = shodh.expert_fno %sorted, %offsets, %e0_spec, %e0_skip_w, %e0_skip_b {modes = ["m0", "m1", "m2"]}
        : (tensor<?x?x?x?x?xf32>, tensor<?xi64>, tensor<?x?x?x?x?xcomplex<f32>>, tensor<?x?x?xf32>, tensor<?x?xf32>)
        -> tensor<?x?x?x?x?xf32>
    %e1_spec = shodh.read @e1_spec : tensor<?x?x?x?x?xcomplex<f32>>
    %e1_skip_w = shodh.read @e1_skip_w : tensor<?x?x?xf32>
    %e1_skip_b = shodh.read @e1_skip_b : tensor<?x?xf32>
    %t1 = shodh.expert_fno %t0, %offsets, %e1_spec, %e1_skip_w, %e1_skip_b {modes = ["m0", "m1", "m2"]}
        : (tensor<?x?x?x?x?xf32>, tensor<?xi64>, tensor<?x?x?x?x?xcomplex<f32>>, tensor<?x?x?xf32>, tensor<?x?xf32>)
        -> tensor<?x?x?x?x?xf32>
    %combined = shodh.combine %t1, %gates, %source, %offsets
        : (tensor<?x?x?x?x?xf32>, tensor<?x?x1xf32>, tensor<?x?xi64>, tensor<?xi64>) -> tensor<?x?x?x?x?xf32>
    %merged = shodh.unpatchify %combined {grid = ["res", "res"]}
        : (tensor<?x?x?x?x?xf32>) -> tensor<?x?x?x?xf32>

    // One global FNO block over the whole grid (no GELU, like FNO's last layer).
    %g_spec = shodh.read @g_spec : tensor<?x?x?x?xcomplex<f32>>
    %freq = shodh.rfft %merged {ndims = 2 : i64, norm = "backward"}
        : (tensor<?x?x?x?xf32>) -> tensor<?x?x?x?xcomplex<f32>>
    %low = shodh.spectral_truncate %freq {modes = ["gmodes", "gmodes"]}
        : (tensor<?x?x?x?xcomplex<f32>>) -> tensor<?x?x?x?xcomplex<f32>>
    %mixed = shodh.spectral_contract %low, %g_spec
        : (tensor<?x?x?x?xcomplex<f32>>, tensor<?x?x?x?xcomplex<f32>>) -> tensor<?x?x?x?xcomplex<f32>>
    %full = shodh.spectral_pad %mixed {modes = ["gmodes", "gmodes"], sizes = ["res", "res"]}
        : (tensor<?x?x?x?xcomplex<f32>>) -> tensor<?x?x?x?xcomplex<f32>>
    %spectral = shodh.irfft %full {ndims = 2 : i64, norm = "backward", last_size = "res"}
        : (tensor<?x?x?x?xcomplex<f32>>) -> tensor<?x?x?x?xf32>
    %g_skip_w = shodh.read @g_skip_w : tensor<?x?xf32>
    %g_skip_b = shodh.read @g_skip_b : tensor<?xf32>
    %skip = shodh.linear %merged, %g_skip_w, %g_skip_b {axis = 1 : i64}
        : (tensor<?x?x?x?xf32>, tensor<?x?xf32>, tensor<?xf32>) -> tensor<?x?x?x?xf32>
    %joined = shodh.add %spectral, %skip
        : (tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32>) -> tensor<?x?x?x?xf32>

    // Projection: width -> proj -> cout.
    %proj1_w = shodh.read @proj1_w : tensor<?x?xf32>
    %proj1_b = shodh.read @proj1_b : tensor<?xf32>
    %p1 = shodh.linear %joined, %proj1_w, %proj1_b {axis = 1 : i64}
        : (tensor<?x?x?x?xf32>, tensor<?x?xf32>, tensor<?xf32>) -> tensor<?x?x?x?xf32>
    %g1 = shodh.gelu %p1 : (tensor<?x?x?x?xf32>) -> tensor<?x?x?x?xf32>
    %proj2_w = shodh.read @proj2_w : tensor<?x?xf32>
    %proj2_b = shodh.read @proj2_b : tensor<?xf32>
    %y = shodh.linear %g1, %proj2_w, %proj2_b {axis = 1 : i64}
        : (tensor<?x?x?x?xf32>, tensor<?x?xf32>, tensor<?xf32>) -> tensor<?x?x?x?xf32>

    // Router loss weighted by the PI-controlled λ(t) (training only).
    %balance = shodh.allocation_kl %ids {num_experts = "experts"}
        : (tensor<?x?x1xi64>) -> tensor<1xf32>
    %router_loss = shodh.router_kl_loss %probs {entropy_weight = 0.1 : f64}
        : (tensor<?x?x?xf32>) -> tensor<1xf32>
    %lambda = shodh.pi_controller @router %balance {setpoint = 0.1 : f64,
        kp = 0.5 : f64, ki = 0.05 : f64, lambda0 = 0.01 : f64,
        lambda_min = 0.0 : f64, lambda_max = 1.0 : f64}
        : (tensor<1xf32>) -> tensor<1xf32>
    shodh.aux_loss %router_loss, %lambda {coefficient = 1.0 : f64, name = "router"}
        : tensor<1xf32>, tensor<1xf32>
    return %y : tensor<?x?x?x?xf32>
  }
}
