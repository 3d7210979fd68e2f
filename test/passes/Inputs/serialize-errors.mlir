// Modules --shodh-serialize rejects (used by ../shodh-serialize.mlir).
func.func @no_lifetimes(%x: tensor<2xf32>) -> tensor<2xf32> {
  %y = shodh.kernel "copy"(%x) {shodh.index = 0 : i64, shodh.live = [array<i64: 0, 1>]} : (tensor<2xf32>) -> tensor<2xf32>
  return %y : tensor<2xf32>
}

// -----

func.func @not_batch(%x: tensor<?x?xf32> {shodh.dims = ["B", 3], shodh.live = array<i64: 0, 0>}) -> tensor<?x?xf32> {
  %y = shodh.kernel "copy"(%x) {shodh.index = 0 : i64, shodh.live = [array<i64: 0, 1>]} : (tensor<?x?xf32>) -> tensor<?x?xf32>
  return %y : tensor<?x?xf32>
}

// -----

shodh.param @p {dims = [4], init = {kind = "zeros"}} : tensor<?xf32>

// -----

func.func @returns_arg(%x: tensor<2xf32> {shodh.live = array<i64: 0, 0>}) -> tensor<2xf32> {
  return %x : tensor<2xf32>
}

// -----

func.func @bad_attr(%x: tensor<2xf32> {shodh.live = array<i64: 0, 0>}) -> tensor<2xf32> {
  %y = shodh.kernel "lookup"(%x) {attrs = {table = {a = 1 : i64}}, shodh.index = 0 : i64, shodh.live = [array<i64: 0, 1>]} : (tensor<2xf32>) -> tensor<2xf32>
  return %y : tensor<2xf32>
}

// -----

func.func @no_kernel_live(%x: tensor<2xf32> {shodh.live = array<i64: 0, 0>}) -> tensor<2xf32> {
  %y = shodh.kernel "copy"(%x) : (tensor<2xf32>) -> tensor<2xf32>
  return %y : tensor<2xf32>
}

// -----

func.func @not_lowered(%x: tensor<2xf32> {shodh.live = array<i64: 0, 0>}) -> tensor<2xf32> {
  %g = shodh.gelu %x : (tensor<2xf32>) -> tensor<2xf32>
  %y = shodh.kernel "copy"(%g) {shodh.index = 0 : i64, shodh.live = [array<i64: 0, 1>]} : (tensor<2xf32>) -> tensor<2xf32>
  return %y : tensor<2xf32>
}

// -----

func.func @bad_dtype(%x: tensor<2xbf16> {shodh.live = array<i64: 0, 0>}) -> tensor<2xbf16> {
  %y = shodh.kernel "copy"(%x) {shodh.index = 0 : i64, shodh.live = [array<i64: 0, 1>]} : (tensor<2xbf16>) -> tensor<2xbf16>
  return %y : tensor<2xbf16>
}
