// Shodh-MoE's physics-informed autoencoder (arXiv 2605.15179; part of the
// Shodh-MoE model, usable alone): a convolutional encoder from a velocity
// snapshot u[B, 3, res, res, res] on the periodic unit box to a latent grid
// z[B, latent, res/2, res/2, res/2] (16^3 at res = 32), and a decoder back to
// a velocity that ends in shodh.div_free_project, so the decoded velocity is
// divergence-free by construction:
//
//   encoder  h = gelu(layer_norm_c(conv_4^3/2(u)))        [B, width, res/2^3]
//            z = conv_3^3(h)                              [B, latent, res/2^3]
//   decoder  d = gelu(conv_3^3(z))                        [B, width, res/2^3]
//            d = gelu(conv_transpose_2^3/2(d))            [B, width, res^3]
//            v = conv_3^3(d)                              [B, 3, res^3]
//            y = div_free_project(v)                      [B, 3, res^3]
//
// conv_k^3/s: kernel k, stride s; every conv wraps periodically
// (padding_mode = "circular", as the data); the transposed conv has kernel =
// stride = 2 and no padding, so its output blocks do not overlap and no edge
// is special. layer_norm_c normalises over the channels at each grid point.
//
// Divergence-free decoding: div_free_project is the periodic Leray
// projection (docs/compiler.md, "Physics ops"); the box has lengths 1 on all
// three axes, periodic in all directions as shodh-data channel3d / porous3d
// generate (solids by Brinkman penalisation, not by boundaries). Channel c
// must be the component along spatial axis c: feed snapshots written with
// `shodh-data channel3d|porous3d --snapshots` (components (u_z, u_y, u_x) for
// axes (z, y, x)). For a direction that is not periodic, replace the last two
// lines by a vector potential A = conv_3^3(d) and y = shodh.curl A (its
// shodh.divergence with the same method vanishes to round-off).
//
// Train without normalisation (`shodh-run train --no-normalize`): per-channel
// de-normalisation y*std[c] + mean[c] rescales components differently and
// would break the divergence-free property of the output.
//
// The training loss is the MSE against the input snapshot (inputs = targets).
// Hyperparameters: res (even; 32, 64, 128 for evaluation), width, latent.
module attributes {shodh.hyperparams = {res = 32 : i64, width = 16 : i64, latent = 8 : i64},
                   shodh.train = {loss = "mse", optimizer = "adam", lr = 2.0e-3 : f64}} {
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

  func.func @infer(%u: tensor<?x3x?x?x?xf32> {shodh.dims = ["B", 3, "res", "res", "res"], shodh.name = "u"})
      -> (tensor<?x3x?x?x?xf32> {shodh.name = "u_rec"}) {
    // Encoder: res^3 -> (res/2)^3 latent grid.
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

    // Decoder: latent grid -> velocity on res^3, then the Leray projection.
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
}
