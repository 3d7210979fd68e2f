// Shodh-MoE (arXiv 2605.15179; docs/shodh-moe.md): a sparse mixture-of-
// experts latent transformer between the encoder and the divergence-free
// decoder of a physics-informed autoencoder, predicting the next velocity
// state u(t+1) from u(t) [B, 3, res, res, res] on the periodic unit box.
//
//   @encode       u -> z = conv(gelu(layer_norm_c(conv_4^3/2(u))))
//                                                   [B, latent, (res/2)^3]
//   @latent_step  z -> z + dz, dz from `blocks` transformer blocks over the
//                 (res/2/patch)^3 patch tokens of z:
//     v = reshape(patchify(z))                     [B, P, latent*patch^3]
//     h = emb_w . v + emb_b                        [B, P, dim]
//     blocks times (shodh.repeat, per-block weights):
//       h = h + attention(layer_norm(h))           4 heads
//       a = layer_norm(h)
//       probs = softmax(router_w . a + router_b)   the router sees latent
//                                                  tokens only: no domain id,
//                                                  no solid mask
//       gate, e = top_k(probs, k = 1)              Top-1 "soft-semantic":
//                                                  hard dispatch, output
//                                                  scaled by the gate, so the
//                                                  router learns through it
//       h = h + gate * expert_e(a) + shared(a)     `experts` routed MLP
//                                                  experts and one shared
//                                                  MLP expert for every token
//       aux: Switch load balance E * sum f_i P_i (0.01) and the
//            sample-level routing term log E - I(sample; expert) (0.03):
//            router_kl_loss with entropy_over = "samples"
//     dz = unpatchify(reshape(head_w . layer_norm(h) + head_b))
//   @decode       z -> y = div_free_project(conv(gelu(conv_transpose_2^3/2(
//                          gelu(conv(z))))))   divergence-free by construction
//   @autoencode   decode(encode(u)): the autoencoder alone (train it first
//                 on snapshots: `shodhc --entry autoencode`)
//   @infer        decode(latent_step(encode(u)))
//
// Compile one function with `shodhc models/shodh_moe.mlir --entry NAME`
// (calls are inlined, parameters NAME does not read are left out); the
// default is @infer, the whole model. Parameter names are shared between
// the entries, so a checkpoint of `autoencode` initialises the encoder and
// decoder of `infer` (`shodh-run train --init-from ae.fb --freeze ...`).
// Train without normalisation (`--no-normalize`): per-channel rescaling of
// the output would break its divergence-free property. Tokens carry no
// positional embedding (attention sees content only).
//
// Hyperparameters: res (even; patch*2 must divide it), width and latent
// (autoencoder), patch (latent voxels per token edge), dim (a multiple of
// the 4 attention heads), hidden
// (routed experts' hidden size), shared (shared expert's hidden size),
// experts, blocks.
module attributes {shodh.hyperparams = {res = 32 : i64, width = 16 : i64, latent = 8 : i64,
                                        patch = 4 : i64, dim = 64 : i64,
                                        hidden = 128 : i64, shared = 128 : i64,
                                        experts = 2 : i64, blocks = 2 : i64},
                   shodh.train = {loss = "mse", optimizer = "adam", lr = 1.0e-3 : f64}} {
  // Autoencoder (the parameters and architecture of models/shodh_ae.mlir).
  shodh.param @enc_w {dims = ["width", 3, 4, 4, 4], init = {kind = "fan_in_uniform", fan = "3*64", seed = 1 : i64}} : tensor<?x3x4x4x4xf32>
  shodh.param @enc_b {dims = ["width"], init = {kind = "fan_in_uniform", fan = "3*64", seed = 2 : i64}} : tensor<?xf32>
  shodh.param @enc_gamma {dims = ["width"], init = {kind = "ones"}} : tensor<?xf32>
  shodh.param @enc_beta {dims = ["width"], init = {kind = "zeros"}} : tensor<?xf32>
  shodh.param @lat_w {dims = ["latent", "width", 3, 3, 3], init = {kind = "fan_in_uniform", fan = "width*27", seed = 3 : i64}} : tensor<?x?x3x3x3xf32>
  shodh.param @lat_b {dims = ["latent"], init = {kind = "fan_in_uniform", fan = "width*27", seed = 4 : i64}} : tensor<?xf32>
  shodh.param @dec_w {dims = ["width", "latent", 3, 3, 3], init = {kind = "fan_in_uniform", fan = "latent*27", seed = 5 : i64}} : tensor<?x?x3x3x3xf32>
  shodh.param @dec_b {dims = ["width"], init = {kind = "fan_in_uniform", fan = "latent*27", seed = 6 : i64}} : tensor<?xf32>
  shodh.param @up_w {dims = ["width", "width", 2, 2, 2], init = {kind = "fan_in_uniform", fan = "width*8", seed = 7 : i64}} : tensor<?x?x2x2x2xf32>
  shodh.param @up_b {dims = ["width"], init = {kind = "fan_in_uniform", fan = "width*8", seed = 8 : i64}} : tensor<?xf32>
  shodh.param @out_w {dims = [3, "width", 3, 3, 3], init = {kind = "fan_in_uniform", fan = "width*27", seed = 9 : i64}} : tensor<3x?x3x3x3xf32>
  shodh.param @out_b {dims = [3], init = {kind = "fan_in_uniform", fan = "width*27", seed = 10 : i64}} : tensor<3xf32>

  // Latent transformer: token embedding, per-block weights (shodh.repeat
  // makes @p_0 .. @p_{blocks-1} of each @p read in the block), readout.
  shodh.param @emb_w {dims = ["dim", "latent*patch*patch*patch"], init = {kind = "fan_in_uniform", fan = "latent*patch*patch*patch", seed = 20 : i64}} : tensor<?x?xf32>
  shodh.param @emb_b {dims = ["dim"], init = {kind = "zeros"}} : tensor<?xf32>
  shodh.param @ln1_g {dims = ["dim"], init = {kind = "ones"}} : tensor<?xf32>
  shodh.param @ln1_b {dims = ["dim"], init = {kind = "zeros"}} : tensor<?xf32>
  shodh.param @wqkv {dims = ["3*dim", "dim"], init = {kind = "fan_in_uniform", fan = "dim", seed = 21 : i64}} : tensor<?x?xf32>
  shodh.param @bqkv {dims = ["3*dim"], init = {kind = "zeros"}} : tensor<?xf32>
  shodh.param @wo {dims = ["dim", "dim"], init = {kind = "fan_in_uniform", fan = "dim", seed = 22 : i64}} : tensor<?x?xf32>
  shodh.param @bo {dims = ["dim"], init = {kind = "zeros"}} : tensor<?xf32>
  shodh.param @ln2_g {dims = ["dim"], init = {kind = "ones"}} : tensor<?xf32>
  shodh.param @ln2_b {dims = ["dim"], init = {kind = "zeros"}} : tensor<?xf32>
  shodh.param @router_w {dims = ["experts", "dim"], init = {kind = "fan_in_uniform", fan = "dim", seed = 23 : i64}} : tensor<?x?xf32>
  shodh.param @router_b {dims = ["experts"], init = {kind = "zeros"}} : tensor<?xf32>
  shodh.param @e_w1 {dims = ["experts", "hidden", "dim"], init = {kind = "fan_in_uniform", fan = "dim", seed = 24 : i64}} : tensor<?x?x?xf32>
  shodh.param @e_b1 {dims = ["experts", "hidden"], init = {kind = "zeros"}} : tensor<?x?xf32>
  shodh.param @e_w2 {dims = ["experts", "dim", "hidden"], init = {kind = "fan_in_uniform", fan = "hidden", seed = 25 : i64}} : tensor<?x?x?xf32>
  shodh.param @e_b2 {dims = ["experts", "dim"], init = {kind = "zeros"}} : tensor<?x?xf32>
  shodh.param @s_w1 {dims = ["shared", "dim"], init = {kind = "fan_in_uniform", fan = "dim", seed = 26 : i64}} : tensor<?x?xf32>
  shodh.param @s_b1 {dims = ["shared"], init = {kind = "zeros"}} : tensor<?xf32>
  shodh.param @s_w2 {dims = ["dim", "shared"], init = {kind = "fan_in_uniform", fan = "shared", seed = 27 : i64}} : tensor<?x?xf32>
  shodh.param @s_b2 {dims = ["dim"], init = {kind = "zeros"}} : tensor<?xf32>
  shodh.param @lnf_g {dims = ["dim"], init = {kind = "ones"}} : tensor<?xf32>
  shodh.param @lnf_b {dims = ["dim"], init = {kind = "zeros"}} : tensor<?xf32>
  shodh.param @head_w {dims = ["latent*patch*patch*patch", "dim"], init = {kind = "zeros"}} : tensor<?x?xf32>
  shodh.param @head_b {dims = ["latent*patch*patch*patch"], init = {kind = "zeros"}} : tensor<?xf32>

  // Encoder: res^3 velocity -> (res/2)^3 latent grid.
  func.func @encode(%u: tensor<?x3x?x?x?xf32> {shodh.dims = ["B", 3, "res", "res", "res"], shodh.name = "u"})
      -> (tensor<?x?x?x?x?xf32> {shodh.name = "z"}) {
    %enc_w = shodh.read @enc_w : tensor<?x3x4x4x4xf32>
    %enc_b = shodh.read @enc_b : tensor<?xf32>
    %enc_gamma = shodh.read @enc_gamma : tensor<?xf32>
    %enc_beta = shodh.read @enc_beta : tensor<?xf32>
    %lat_w = shodh.read @lat_w : tensor<?x?x3x3x3xf32>
    %lat_b = shodh.read @lat_b : tensor<?xf32>
    %c1 = shodh.conv %u, %enc_w, %enc_b {stride = array<i64: 2, 2, 2>, padding = array<i64: 1, 1, 1>, padding_mode = "circular"}
        : (tensor<?x3x?x?x?xf32>, tensor<?x3x4x4x4xf32>, tensor<?xf32>) -> tensor<?x?x?x?x?xf32>
    %n1 = shodh.layer_norm %c1, %enc_gamma, %enc_beta {axis = 1 : i64}
        : (tensor<?x?x?x?x?xf32>, tensor<?xf32>, tensor<?xf32>) -> tensor<?x?x?x?x?xf32>
    %h = shodh.gelu %n1 : (tensor<?x?x?x?x?xf32>) -> tensor<?x?x?x?x?xf32>
    %z = shodh.conv %h, %lat_w, %lat_b {padding = array<i64: 1, 1, 1>, padding_mode = "circular"}
        : (tensor<?x?x?x?x?xf32>, tensor<?x?x3x3x3xf32>, tensor<?xf32>) -> tensor<?x?x?x?x?xf32>
    return %z : tensor<?x?x?x?x?xf32>
  }

  // Decoder: latent grid -> velocity on res^3, then the Leray projection.
  func.func @decode(%z: tensor<?x?x?x?x?xf32> {shodh.dims = ["B", "latent", "res/2", "res/2", "res/2"], shodh.name = "z"})
      -> (tensor<?x3x?x?x?xf32> {shodh.name = "u"}) {
    %dec_w = shodh.read @dec_w : tensor<?x?x3x3x3xf32>
    %dec_b = shodh.read @dec_b : tensor<?xf32>
    %up_w = shodh.read @up_w : tensor<?x?x2x2x2xf32>
    %up_b = shodh.read @up_b : tensor<?xf32>
    %out_w = shodh.read @out_w : tensor<3x?x3x3x3xf32>
    %out_b = shodh.read @out_b : tensor<3xf32>
    %c2 = shodh.conv %z, %dec_w, %dec_b {padding = array<i64: 1, 1, 1>, padding_mode = "circular"}
        : (tensor<?x?x?x?x?xf32>, tensor<?x?x3x3x3xf32>, tensor<?xf32>) -> tensor<?x?x?x?x?xf32>
    %d1 = shodh.gelu %c2 : (tensor<?x?x?x?x?xf32>) -> tensor<?x?x?x?x?xf32>
    %c3 = shodh.conv_transpose %d1, %up_w, %up_b {stride = array<i64: 2, 2, 2>}
        : (tensor<?x?x?x?x?xf32>, tensor<?x?x2x2x2xf32>, tensor<?xf32>) -> tensor<?x?x?x?x?xf32>
    %d2 = shodh.gelu %c3 : (tensor<?x?x?x?x?xf32>) -> tensor<?x?x?x?x?xf32>
    %v = shodh.conv %d2, %out_w, %out_b {padding = array<i64: 1, 1, 1>, padding_mode = "circular"}
        : (tensor<?x?x?x?x?xf32>, tensor<3x?x3x3x3xf32>, tensor<3xf32>) -> tensor<?x3x?x?x?xf32>
    %y = shodh.div_free_project %v {lengths = array<f64: 1.0, 1.0, 1.0>}
        : (tensor<?x3x?x?x?xf32>) -> tensor<?x3x?x?x?xf32>
    return %y : tensor<?x3x?x?x?xf32>
  }

  // The latent MoE transformer: z(t) -> z(t+1) on the latent grid.
  func.func @latent_step(%z: tensor<?x?x?x?x?xf32> {shodh.dims = ["B", "latent", "res/2", "res/2", "res/2"], shodh.name = "z"})
      -> (tensor<?x?x?x?x?xf32> {shodh.name = "z_next"}) {
    %patches = shodh.patchify %z {patch = ["patch", "patch", "patch"]}
        : (tensor<?x?x?x?x?xf32>) -> tensor<?x?x?x?x?x?xf32>
    %tokens = shodh.reshape %patches {shape = ["(res/2/patch)*(res/2/patch)*(res/2/patch)", "latent*patch*patch*patch"]}
        : (tensor<?x?x?x?x?x?xf32>) -> tensor<?x?x?xf32>
    %emb_w = shodh.read @emb_w : tensor<?x?xf32>
    %emb_b = shodh.read @emb_b : tensor<?xf32>
    %h0 = shodh.linear %tokens, %emb_w, %emb_b {axis = 2 : i64}
        : (tensor<?x?x?xf32>, tensor<?x?xf32>, tensor<?xf32>) -> tensor<?x?x?xf32>

    %hN = shodh.repeat (%h0) {count = "blocks"} : (tensor<?x?x?xf32>) -> tensor<?x?x?xf32> {
    ^bb0(%h: tensor<?x?x?xf32>):
      // Self-attention (pre-norm, residual).
      %ln1_g = shodh.read @ln1_g : tensor<?xf32>
      %ln1_b = shodh.read @ln1_b : tensor<?xf32>
      %wqkv = shodh.read @wqkv : tensor<?x?xf32>
      %bqkv = shodh.read @bqkv : tensor<?xf32>
      %wo = shodh.read @wo : tensor<?x?xf32>
      %bo = shodh.read @bo : tensor<?xf32>
      %a1 = shodh.layer_norm %h, %ln1_g, %ln1_b {axis = 2 : i64}
          : (tensor<?x?x?xf32>, tensor<?xf32>, tensor<?xf32>) -> tensor<?x?x?xf32>
      %att = shodh.attention %a1, %wqkv, %bqkv, %wo, %bo {heads = 4 : i64}
          : (tensor<?x?x?xf32>, tensor<?x?xf32>, tensor<?xf32>, tensor<?x?xf32>, tensor<?xf32>) -> tensor<?x?x?xf32>
      %h1 = shodh.add %h, %att : (tensor<?x?x?xf32>, tensor<?x?x?xf32>) -> tensor<?x?x?xf32>

      // MoE feed-forward: Top-1 routed experts + one shared expert.
      %ln2_g = shodh.read @ln2_g : tensor<?xf32>
      %ln2_b = shodh.read @ln2_b : tensor<?xf32>
      %a2 = shodh.layer_norm %h1, %ln2_g, %ln2_b {axis = 2 : i64}
          : (tensor<?x?x?xf32>, tensor<?xf32>, tensor<?xf32>) -> tensor<?x?x?xf32>
      %router_w = shodh.read @router_w : tensor<?x?xf32>
      %router_b = shodh.read @router_b : tensor<?xf32>
      %logits, %probs = shodh.router %a2, %router_w, %router_b
          : (tensor<?x?x?xf32>, tensor<?x?xf32>, tensor<?xf32>) -> (tensor<?x?x?xf32>, tensor<?x?x?xf32>)
      %gates, %ids = shodh.top_k %probs {k = 1 : i64, renormalize = false}
          : (tensor<?x?x?xf32>) -> (tensor<?x?x1xf32>, tensor<?x?x1xi64>)
      %sorted, %offsets, %source = shodh.dispatch %a2, %ids {num_experts = "experts"}
          : (tensor<?x?x?xf32>, tensor<?x?x1xi64>) -> (tensor<?x?x?xf32>, tensor<?xi64>, tensor<?x?xi64>)
      %e_w1 = shodh.read @e_w1 : tensor<?x?x?xf32>
      %e_b1 = shodh.read @e_b1 : tensor<?x?xf32>
      %e_w2 = shodh.read @e_w2 : tensor<?x?x?xf32>
      %e_b2 = shodh.read @e_b2 : tensor<?x?xf32>
      %expert = shodh.expert_mlp %sorted, %offsets, %e_w1, %e_b1, %e_w2, %e_b2
          : (tensor<?x?x?xf32>, tensor<?xi64>, tensor<?x?x?xf32>, tensor<?x?xf32>, tensor<?x?x?xf32>, tensor<?x?xf32>)
          -> tensor<?x?x?xf32>
      %routed = shodh.combine %expert, %gates, %source, %offsets
          : (tensor<?x?x?xf32>, tensor<?x?x1xf32>, tensor<?x?xi64>, tensor<?xi64>) -> tensor<?x?x?xf32>
      %s_w1 = shodh.read @s_w1 : tensor<?x?xf32>
      %s_b1 = shodh.read @s_b1 : tensor<?xf32>
      %s_w2 = shodh.read @s_w2 : tensor<?x?xf32>
      %s_b2 = shodh.read @s_b2 : tensor<?xf32>
      %s1 = shodh.linear %a2, %s_w1, %s_b1 {axis = 2 : i64}
          : (tensor<?x?x?xf32>, tensor<?x?xf32>, tensor<?xf32>) -> tensor<?x?x?xf32>
      %s2 = shodh.gelu %s1 : (tensor<?x?x?xf32>) -> tensor<?x?x?xf32>
      %sh = shodh.linear %s2, %s_w2, %s_b2 {axis = 2 : i64}
          : (tensor<?x?x?xf32>, tensor<?x?xf32>, tensor<?xf32>) -> tensor<?x?x?xf32>
      %h2 = shodh.add %h1, %routed : (tensor<?x?x?xf32>, tensor<?x?x?xf32>) -> tensor<?x?x?xf32>
      %h3 = shodh.add %h2, %sh : (tensor<?x?x?xf32>, tensor<?x?x?xf32>) -> tensor<?x?x?xf32>

      // Switch load balance (training only): keeps both experts in use.
      %balance = shodh.load_balance_loss %probs, %ids
          : (tensor<?x?x?xf32>, tensor<?x?x1xi64>) -> tensor<1xf32>
      shodh.aux_loss %balance {coefficient = 0.01 : f64} : tensor<1xf32>
      // Sample-level routing (training only): KL(batch allocation ‖ uniform)
      // + the entropy of each sample's mean routing = log E − I(sample;
      // expert). It asks for every token of a flow to take one expert and
      // for the batch to use both; which flows go together is left to the
      // router (it never sees a domain label). docs/shodh-moe.md § Routing.
      %mi = shodh.router_kl_loss %probs {entropy_weight = 1.0 : f64, entropy_over = "samples"}
          : (tensor<?x?x?xf32>) -> tensor<1xf32>
      shodh.aux_loss %mi {coefficient = 0.03 : f64} : tensor<1xf32>
      shodh.yield %h3 : tensor<?x?x?xf32>
    }

    // Readout: tokens -> latent increment on the grid, residual.
    %lnf_g = shodh.read @lnf_g : tensor<?xf32>
    %lnf_b = shodh.read @lnf_b : tensor<?xf32>
    %hf = shodh.layer_norm %hN, %lnf_g, %lnf_b {axis = 2 : i64}
        : (tensor<?x?x?xf32>, tensor<?xf32>, tensor<?xf32>) -> tensor<?x?x?xf32>
    %head_w = shodh.read @head_w : tensor<?x?xf32>
    %head_b = shodh.read @head_b : tensor<?xf32>
    %o = shodh.linear %hf, %head_w, %head_b {axis = 2 : i64}
        : (tensor<?x?x?xf32>, tensor<?x?xf32>, tensor<?xf32>) -> tensor<?x?x?xf32>
    %op = shodh.reshape %o {shape = ["(res/2/patch)*(res/2/patch)*(res/2/patch)", "latent", "patch", "patch", "patch"]}
        : (tensor<?x?x?xf32>) -> tensor<?x?x?x?x?x?xf32>
    %dz = shodh.unpatchify %op {grid = ["res/2", "res/2", "res/2"]}
        : (tensor<?x?x?x?x?x?xf32>) -> tensor<?x?x?x?x?xf32>
    %z_next = shodh.add %z, %dz : (tensor<?x?x?x?x?xf32>, tensor<?x?x?x?x?xf32>) -> tensor<?x?x?x?x?xf32>
    return %z_next : tensor<?x?x?x?x?xf32>
  }

  // The autoencoder alone (compile with --entry autoencode).
  func.func @autoencode(%u: tensor<?x3x?x?x?xf32> {shodh.dims = ["B", 3, "res", "res", "res"], shodh.name = "u"})
      -> (tensor<?x3x?x?x?xf32> {shodh.name = "u_rec"}) {
    %z = func.call @encode(%u) : (tensor<?x3x?x?x?xf32>) -> tensor<?x?x?x?x?xf32>
    %y = func.call @decode(%z) : (tensor<?x?x?x?x?xf32>) -> tensor<?x3x?x?x?xf32>
    return %y : tensor<?x3x?x?x?xf32>
  }

  // The whole model: u(t) -> u(t+1).
  func.func @infer(%u: tensor<?x3x?x?x?xf32> {shodh.dims = ["B", 3, "res", "res", "res"], shodh.name = "u"})
      -> (tensor<?x3x?x?x?xf32> {shodh.name = "u_next"}) {
    %z = func.call @encode(%u) : (tensor<?x3x?x?x?xf32>) -> tensor<?x?x?x?x?xf32>
    %z_next = func.call @latent_step(%z) : (tensor<?x?x?x?x?xf32>) -> tensor<?x?x?x?x?xf32>
    %y = func.call @decode(%z_next) : (tensor<?x?x?x?x?xf32>) -> tensor<?x3x?x?x?xf32>
    return %y : tensor<?x3x?x?x?xf32>
  }
}
