// Spectral convolutions that training keeps apart from fourier_layer, for
// the spectral-unfused-train-parity test (x [B, 2, 8, 8] -> y [B, 3, 8, 8]):
//
//   h = lift_w . x + lift_b                        1x1 lift, 2 -> 3 channels
//   z = gelu(spectral_conv(h, spec_w) + skip_w . x + skip_b)
//   y = spectral_conv(z, filt)                     a fixed filter (shodh.state)
//
// The skip linear reads x, not the convolution's input h, so the layer is no
// fourier_layer: inference fuses it into spectral_conv_add (kernel
// spectral_conv with addend = 1 and the GELU); training needs both
// gradients of the first convolution (spectral_conv_grad, which
// --shodh-share-spectra turns into spectral_conv_save +
// spectral_conv_grad_saved) and only the input gradient of the second
// (spectral_conv_grad_input: `filt` is state, not a parameter). `filt` has
// spec_w's init spec (kind, seed, shape), so it holds spec_w's initial
// values, which `--dump-params` writes (it does not write state).
// All modes 3x3 (corner blocks of the 8x5 rfft grid). Adam eps = 1 so that
// updates depend on gradient magnitudes.
module attributes {shodh.train = {loss = "mse", optimizer = "adam", lr = 0.05 : f64, eps = 1.0 : f64}} {
  shodh.param @lift_w {init = {kind = "fan_in_uniform", fan = 2 : i64, seed = 1 : i64}} : tensor<3x2xf32>
  shodh.param @lift_b {init = {kind = "fan_in_uniform", fan = 2 : i64, seed = 2 : i64}} : tensor<3xf32>
  shodh.param @spec_w {init = {kind = "uniform", a = 0.0 : f64, b = 1.0 : f64, fan = 9 : i64, seed = 3 : i64}} : tensor<3x3x6x3xcomplex<f32>>
  shodh.param @skip_w {init = {kind = "fan_in_uniform", fan = 2 : i64, seed = 4 : i64}} : tensor<3x2xf32>
  shodh.param @skip_b {init = {kind = "fan_in_uniform", fan = 2 : i64, seed = 5 : i64}} : tensor<3xf32>
  shodh.state @filt {init = {kind = "uniform", a = 0.0 : f64, b = 1.0 : f64, fan = 9 : i64, seed = 3 : i64}} : tensor<3x3x6x3xcomplex<f32>>
  func.func @infer(%x: tensor<?x2x8x8xf32> {shodh.dims = ["B", 2, 8, 8], shodh.name = "x"}) -> (tensor<?x3x8x8xf32> {shodh.name = "y"}) {
    %lw = shodh.read @lift_w : tensor<3x2xf32>
    %lb = shodh.read @lift_b : tensor<3xf32>
    %h = shodh.linear %x, %lw, %lb {axis = 1 : i64} : (tensor<?x2x8x8xf32>, tensor<3x2xf32>, tensor<3xf32>) -> tensor<?x3x8x8xf32>
    %w = shodh.read @spec_w : tensor<3x3x6x3xcomplex<f32>>
    %freq = shodh.rfft %h {ndims = 2 : i64, norm = "backward"} : (tensor<?x3x8x8xf32>) -> tensor<?x3x8x5xcomplex<f32>>
    %low = shodh.spectral_truncate %freq {modes = array<i64: 3, 3>} : (tensor<?x3x8x5xcomplex<f32>>) -> tensor<?x3x6x3xcomplex<f32>>
    %mixed = shodh.spectral_contract %low, %w : (tensor<?x3x6x3xcomplex<f32>>, tensor<3x3x6x3xcomplex<f32>>) -> tensor<?x3x6x3xcomplex<f32>>
    %full = shodh.spectral_pad %mixed {modes = array<i64: 3, 3>, sizes = array<i64: 8, 8>} : (tensor<?x3x6x3xcomplex<f32>>) -> tensor<?x3x8x5xcomplex<f32>>
    %s = shodh.irfft %full {ndims = 2 : i64, norm = "backward", last_size = 8 : i64} : (tensor<?x3x8x5xcomplex<f32>>) -> tensor<?x3x8x8xf32>
    %sw = shodh.read @skip_w : tensor<3x2xf32>
    %sb = shodh.read @skip_b : tensor<3xf32>
    %k = shodh.linear %x, %sw, %sb {axis = 1 : i64} : (tensor<?x2x8x8xf32>, tensor<3x2xf32>, tensor<3xf32>) -> tensor<?x3x8x8xf32>
    %sum = shodh.add %s, %k : (tensor<?x3x8x8xf32>, tensor<?x3x8x8xf32>) -> tensor<?x3x8x8xf32>
    %z = shodh.gelu %sum : (tensor<?x3x8x8xf32>) -> tensor<?x3x8x8xf32>
    %f = shodh.read @filt : tensor<3x3x6x3xcomplex<f32>>
    %freq2 = shodh.rfft %z {ndims = 2 : i64, norm = "backward"} : (tensor<?x3x8x8xf32>) -> tensor<?x3x8x5xcomplex<f32>>
    %low2 = shodh.spectral_truncate %freq2 {modes = array<i64: 3, 3>} : (tensor<?x3x8x5xcomplex<f32>>) -> tensor<?x3x6x3xcomplex<f32>>
    %mixed2 = shodh.spectral_contract %low2, %f : (tensor<?x3x6x3xcomplex<f32>>, tensor<3x3x6x3xcomplex<f32>>) -> tensor<?x3x6x3xcomplex<f32>>
    %full2 = shodh.spectral_pad %mixed2 {modes = array<i64: 3, 3>, sizes = array<i64: 8, 8>} : (tensor<?x3x6x3xcomplex<f32>>) -> tensor<?x3x8x5xcomplex<f32>>
    %y = shodh.irfft %full2 {ndims = 2 : i64, norm = "backward", last_size = 8 : i64} : (tensor<?x3x8x5xcomplex<f32>>) -> tensor<?x3x8x8xf32>
    return %y : tensor<?x3x8x8xf32>
  }
}
