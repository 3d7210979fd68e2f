// FNO-2D (Li et al.), the architecture of shared/peers/torch_fno2d.py, on a
// field x[B, cin, res, res]:
//
//   h = lift_w . x + lift_b                                   1x1 lift, cin -> width
//   layers - 1 times (shodh.repeat, per-layer weights spec_w_i, skip_w_i, skip_b_i):
//     h = gelu(irfft(pad(contract(truncate(rfft(h)), spec_w))) + skip_w . h + skip_b)
//   h = irfft(pad(contract(truncate(rfft(h)), spec_last_w))) + skip_last_w . h + skip_last_b
//   y = proj2_w . gelu(proj1_w . h + proj1_b) + proj2_b       width -> proj -> cout
//
// The spectral chain is written unfused; --shodh-fuse-spectral turns each
// one into a single spectral_conv (shodhc --no-fuse keeps it).
//
// Spectral weights are [I, O, 2*modes, modes] of complex<f32>: rows
// 0..modes-1 are torch's w1 (the non-negative frequencies of axis 2, rows
// :m of the rfft layout) and rows modes..2*modes-1 are torch's w2 (the
// negative frequencies, the last m rows -m: of the rfft layout). Like
// torch.rand(cfloat) / (in * out), they draw real and imaginary parts from
// U(0, 1/(width*width)). Linear weights and biases use PyTorch's Conv2d
// default, U(-1/sqrt(fan_in), 1/sqrt(fan_in)) with fan_in = input channels.
// The layer-i instances of repeated parameters get seed s * 1000 + i.
//
// Compile with `shodhc models/fno.mlir -o fno.fb [--set modes=16] [--batch N]`.
module attributes {shodh.hyperparams = {cin = 3 : i64, cout = 1 : i64, width = 32 : i64, modes = 12 : i64, layers = 4 : i64, res = 64 : i64, proj = 128 : i64},
                   shodh.train = {loss = "mse", optimizer = "adam", lr = 1.0e-3, schedule = "cosine", warmup = 0 : i64}} {
  shodh.param @lift_w {dims = ["width", "cin"], init = {kind = "fan_in_uniform", fan = "cin", seed = 1 : i64}} : tensor<?x?xf32>
  shodh.param @lift_b {dims = ["width"], init = {kind = "fan_in_uniform", fan = "cin", seed = 2 : i64}} : tensor<?xf32>
  shodh.param @spec_w {dims = ["width", "width", "2*modes", "modes"], init = {kind = "uniform", a = 0.0 : f64, b = 1.0 : f64, fan = "width*width", seed = 3 : i64}} : tensor<?x?x?x?xcomplex<f32>>
  shodh.param @skip_w {dims = ["width", "width"], init = {kind = "fan_in_uniform", fan = "width", seed = 4 : i64}} : tensor<?x?xf32>
  shodh.param @skip_b {dims = ["width"], init = {kind = "fan_in_uniform", fan = "width", seed = 5 : i64}} : tensor<?xf32>
  shodh.param @spec_last_w {dims = ["width", "width", "2*modes", "modes"], init = {kind = "uniform", a = 0.0 : f64, b = 1.0 : f64, fan = "width*width", seed = 6 : i64}} : tensor<?x?x?x?xcomplex<f32>>
  shodh.param @skip_last_w {dims = ["width", "width"], init = {kind = "fan_in_uniform", fan = "width", seed = 7 : i64}} : tensor<?x?xf32>
  shodh.param @skip_last_b {dims = ["width"], init = {kind = "fan_in_uniform", fan = "width", seed = 8 : i64}} : tensor<?xf32>
  shodh.param @proj1_w {dims = ["proj", "width"], init = {kind = "fan_in_uniform", fan = "width", seed = 9 : i64}} : tensor<?x?xf32>
  shodh.param @proj1_b {dims = ["proj"], init = {kind = "fan_in_uniform", fan = "width", seed = 10 : i64}} : tensor<?xf32>
  shodh.param @proj2_w {dims = ["cout", "proj"], init = {kind = "fan_in_uniform", fan = "proj", seed = 11 : i64}} : tensor<?x?xf32>
  shodh.param @proj2_b {dims = ["cout"], init = {kind = "fan_in_uniform", fan = "proj", seed = 12 : i64}} : tensor<?xf32>

  func.func @infer(%x: tensor<?x?x?x?xf32> {shodh.dims = ["B", "cin", "res", "res"], shodh.name = "x"})
      -> (tensor<?x?x?x?xf32> {shodh.name = "y"}) {
    %lift_w = shodh.read @lift_w : tensor<?x?xf32>
    %lift_b = shodh.read @lift_b : tensor<?xf32>
    %lifted = shodh.linear %x, %lift_w, %lift_b {axis = 1 : i64}
        : (tensor<?x?x?x?xf32>, tensor<?x?xf32>, tensor<?xf32>) -> tensor<?x?x?x?xf32>

    // Fourier layers 0 .. layers-2, each followed by GELU.
    %hidden = shodh.repeat (%lifted) {count = "layers-1"}
        : (tensor<?x?x?x?xf32>) -> tensor<?x?x?x?xf32> {
    ^bb0(%h: tensor<?x?x?x?xf32>):
      %spec_w = shodh.read @spec_w : tensor<?x?x?x?xcomplex<f32>>
      %freq = shodh.rfft %h {ndims = 2 : i64, norm = "backward"}
          : (tensor<?x?x?x?xf32>) -> tensor<?x?x?x?xcomplex<f32>>
      %low = shodh.spectral_truncate %freq {modes = ["modes", "modes"]}
          : (tensor<?x?x?x?xcomplex<f32>>) -> tensor<?x?x?x?xcomplex<f32>>
      %mixed = shodh.spectral_contract %low, %spec_w
          : (tensor<?x?x?x?xcomplex<f32>>, tensor<?x?x?x?xcomplex<f32>>) -> tensor<?x?x?x?xcomplex<f32>>
      %full = shodh.spectral_pad %mixed {modes = ["modes", "modes"], sizes = ["res", "res"]}
          : (tensor<?x?x?x?xcomplex<f32>>) -> tensor<?x?x?x?xcomplex<f32>>
      %spectral = shodh.irfft %full {ndims = 2 : i64, norm = "backward", last_size = "res"}
          : (tensor<?x?x?x?xcomplex<f32>>) -> tensor<?x?x?x?xf32>
      %skip_w = shodh.read @skip_w : tensor<?x?xf32>
      %skip_b = shodh.read @skip_b : tensor<?xf32>
      %skip = shodh.linear %h, %skip_w, %skip_b {axis = 1 : i64}
          : (tensor<?x?x?x?xf32>, tensor<?x?xf32>, tensor<?xf32>) -> tensor<?x?x?x?xf32>
      %sum = shodh.add %spectral, %skip
          : (tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32>) -> tensor<?x?x?x?xf32>
      %next = shodh.gelu %sum : (tensor<?x?x?x?xf32>) -> tensor<?x?x?x?xf32>
      shodh.yield %next : tensor<?x?x?x?xf32>
    }

    // The last Fourier layer, without GELU.
    %spec_last_w = shodh.read @spec_last_w : tensor<?x?x?x?xcomplex<f32>>
    %freq = shodh.rfft %hidden {ndims = 2 : i64, norm = "backward"}
        : (tensor<?x?x?x?xf32>) -> tensor<?x?x?x?xcomplex<f32>>
    %low = shodh.spectral_truncate %freq {modes = ["modes", "modes"]}
        : (tensor<?x?x?x?xcomplex<f32>>) -> tensor<?x?x?x?xcomplex<f32>>
    %mixed = shodh.spectral_contract %low, %spec_last_w
        : (tensor<?x?x?x?xcomplex<f32>>, tensor<?x?x?x?xcomplex<f32>>) -> tensor<?x?x?x?xcomplex<f32>>
    %full = shodh.spectral_pad %mixed {modes = ["modes", "modes"], sizes = ["res", "res"]}
        : (tensor<?x?x?x?xcomplex<f32>>) -> tensor<?x?x?x?xcomplex<f32>>
    %spectral = shodh.irfft %full {ndims = 2 : i64, norm = "backward", last_size = "res"}
        : (tensor<?x?x?x?xcomplex<f32>>) -> tensor<?x?x?x?xf32>
    %skip_last_w = shodh.read @skip_last_w : tensor<?x?xf32>
    %skip_last_b = shodh.read @skip_last_b : tensor<?xf32>
    %skip = shodh.linear %hidden, %skip_last_w, %skip_last_b {axis = 1 : i64}
        : (tensor<?x?x?x?xf32>, tensor<?x?xf32>, tensor<?xf32>) -> tensor<?x?x?x?xf32>
    %last = shodh.add %spectral, %skip
        : (tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32>) -> tensor<?x?x?x?xf32>

    // Projection: width -> proj -> cout.
    %proj1_w = shodh.read @proj1_w : tensor<?x?xf32>
    %proj1_b = shodh.read @proj1_b : tensor<?xf32>
    %p1 = shodh.linear %last, %proj1_w, %proj1_b {axis = 1 : i64}
        : (tensor<?x?x?x?xf32>, tensor<?x?xf32>, tensor<?xf32>) -> tensor<?x?x?x?xf32>
    %g1 = shodh.gelu %p1 : (tensor<?x?x?x?xf32>) -> tensor<?x?x?x?xf32>
    %proj2_w = shodh.read @proj2_w : tensor<?x?xf32>
    %proj2_b = shodh.read @proj2_b : tensor<?xf32>
    %y = shodh.linear %g1, %proj2_w, %proj2_b {axis = 1 : i64}
        : (tensor<?x?x?x?xf32>, tensor<?x?xf32>, tensor<?xf32>) -> tensor<?x?x?x?xf32>
    return %y : tensor<?x?x?x?xf32>
  }
}
