// An unfused-into-fourier_layer spectral convolution for the
// spectral-unfused-train-parity test: y = gelu(spectral_conv(x, spec_w)),
// the FNO spectral chain (rfft -> truncate 3x3 corner modes -> contract ->
// pad -> irfft, 2 -> 3 channels) written out and fused by
// --shodh-fuse-spectral into one spectral_conv. There is no skip linear, so
// nothing folds it into a fourier_layer, and its input is the data: training
// needs only the weight gradient (the spectral_conv_grad_weight kernel).
// Adam eps = 1 so that updates depend on gradient magnitudes.
module attributes {shodh.train = {loss = "mse", optimizer = "adam", lr = 0.05 : f64, eps = 1.0 : f64}} {
  shodh.param @spec_w {init = {kind = "uniform", a = 0.0 : f64, b = 1.0 : f64, fan = 6 : i64, seed = 1 : i64}} : tensor<2x3x6x3xcomplex<f32>>
  func.func @infer(%x: tensor<?x2x8x8xf32> {shodh.dims = ["B", 2, 8, 8], shodh.name = "x"}) -> (tensor<?x3x8x8xf32> {shodh.name = "y"}) {
    %w = shodh.read @spec_w : tensor<2x3x6x3xcomplex<f32>>
    %freq = shodh.rfft %x {ndims = 2 : i64, norm = "backward"} : (tensor<?x2x8x8xf32>) -> tensor<?x2x8x5xcomplex<f32>>
    %low = shodh.spectral_truncate %freq {modes = array<i64: 3, 3>} : (tensor<?x2x8x5xcomplex<f32>>) -> tensor<?x2x6x3xcomplex<f32>>
    %mixed = shodh.spectral_contract %low, %w : (tensor<?x2x6x3xcomplex<f32>>, tensor<2x3x6x3xcomplex<f32>>) -> tensor<?x3x6x3xcomplex<f32>>
    %full = shodh.spectral_pad %mixed {modes = array<i64: 3, 3>, sizes = array<i64: 8, 8>} : (tensor<?x3x6x3xcomplex<f32>>) -> tensor<?x3x8x5xcomplex<f32>>
    %s = shodh.irfft %full {ndims = 2 : i64, norm = "backward", last_size = 8 : i64} : (tensor<?x3x8x5xcomplex<f32>>) -> tensor<?x3x8x8xf32>
    %y = shodh.gelu %s : (tensor<?x3x8x8xf32>) -> tensor<?x3x8x8xf32>
    return %y : tensor<?x3x8x8xf32>
  }
}
