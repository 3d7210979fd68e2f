// One inner Fourier layer of models/fno.mlir on its own, for the spectral
// layer's roofline (bench/run.py --roofline, docs/benchmarks.md § Roofline):
//
//   y = gelu(irfft(pad(contract(truncate(rfft(x)), spec_w))) + skip_w . x + skip_b)
//
// on x[B, width, res, res]; the fusion passes make it spectral_conv,
// linear_add and gelu, as in the full model. Weights initialised as there.
module attributes {shodh.hyperparams = {width = 32 : i64, modes = 12 : i64, res = 64 : i64}} {
  shodh.param @spec_w {dims = ["width", "width", "2*modes", "modes"], init = {kind = "uniform", a = 0.0 : f64, b = 1.0 : f64, fan = "width*width", seed = 3 : i64}} : tensor<?x?x?x?xcomplex<f32>>
  shodh.param @skip_w {dims = ["width", "width"], init = {kind = "fan_in_uniform", fan = "width", seed = 4 : i64}} : tensor<?x?xf32>
  shodh.param @skip_b {dims = ["width"], init = {kind = "fan_in_uniform", fan = "width", seed = 5 : i64}} : tensor<?xf32>

  func.func @infer(%h: tensor<?x?x?x?xf32> {shodh.dims = ["B", "width", "res", "res"], shodh.name = "x"})
      -> (tensor<?x?x?x?xf32> {shodh.name = "y"}) {
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
    %y = shodh.gelu %sum : (tensor<?x?x?x?xf32>) -> tensor<?x?x?x?xf32>
    return %y : tensor<?x?x?x?xf32>
  }
}
