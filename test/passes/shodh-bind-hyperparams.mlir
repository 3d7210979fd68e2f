// --shodh-bind-hyperparams: overrides, dims of params and arguments, batch.
// RUN: shodh-opt %s --shodh-bind-hyperparams | FileCheck %s --check-prefix=SYM
// RUN: shodh-opt %s --shodh-bind-hyperparams="set=width=32,lr=0.5,flag=true,name=big,modes=3 batch=4" | FileCheck %s --check-prefix=BOUND

// Errors in the overrides name the key, the declared kind and the bad text.
// RUN: not shodh-opt %s --shodh-bind-hyperparams="set=foo=1" 2>&1 | FileCheck %s --check-prefix=UNKNOWN
// UNKNOWN: error: unknown hyperparameter 'foo'; the model declares: cin, flag, layers, lr, modes, name, res, width
// RUN: not shodh-opt %S/Inputs/no-hyperparams.mlir --shodh-bind-hyperparams="set=width=2" 2>&1 | FileCheck %s --check-prefix=NONE
// NONE: error: unknown hyperparameter 'width'; the model declares: none
// RUN: shodh-opt %S/Inputs/no-hyperparams.mlir --shodh-bind-hyperparams="batch=2" | FileCheck %s --check-prefix=NOHP
// NOHP: func.func @infer(%{{.*}}: tensor<2x3xf32> {shodh.dims = ["B", 3]}) -> tensor<2x3xf32>
// RUN: not shodh-opt %s --shodh-bind-hyperparams="set=width" 2>&1 | FileCheck %s --check-prefix=MALFORMED
// MALFORMED: error: malformed hyperparameter override 'width'; expected key=value
// RUN: not shodh-opt %s --shodh-bind-hyperparams="set=width=abc" 2>&1 | FileCheck %s --check-prefix=BADINT
// BADINT: error: hyperparameter 'width' is declared as integer (16 : i64); cannot parse 'abc'
// RUN: not shodh-opt %s --shodh-bind-hyperparams="set=lr=fast" 2>&1 | FileCheck %s --check-prefix=BADFLOAT
// BADFLOAT: error: hyperparameter 'lr' is declared as float (1.000000e-03 : f64); cannot parse 'fast'
// RUN: not shodh-opt %s --shodh-bind-hyperparams="set=flag=maybe" 2>&1 | FileCheck %s --check-prefix=BADBOOL
// BADBOOL: error: hyperparameter 'flag' is declared as bool (false); cannot parse 'maybe'
// RUN: not shodh-opt %s --shodh-bind-hyperparams="batch=-2" 2>&1 | FileCheck %s --check-prefix=BATCH
// BATCH: error: batch must be positive (or 0 to keep 'B' symbolic), got -2
// RUN: not shodh-opt %s --shodh-bind-hyperparams="set=width=0" 2>&1 | FileCheck %s --check-prefix=ZERO
// ZERO: error: 'shodh.param' op dims entry #0 ("width") must be positive, got 0
// Op attributes are checked once bound: modes = 5 does not fit res = 8.
// RUN: not shodh-opt %s --shodh-bind-hyperparams="set=modes=5" 2>&1 | FileCheck %s --check-prefix=MODES
// MODES: error: 'shodh.spectral_truncate' op modes[0] = 5 needs 2 * 5 <= 8, the size of dimension #2
// RUN: not shodh-opt %s --shodh-bind-hyperparams="set=layers=0" 2>&1 | FileCheck %s --check-prefix=COUNT
// COUNT: error: 'shodh.repeat' op count must be non-negative, got -1

// SYM: module attributes {shodh.hyperparams = {cin = 3 : i64, flag = false, layers = 3 : i64, lr = 1.000000e-03 : f64, modes = 2 : i64, name = "mlp", res = 8 : i64, width = 16 : i64}}
// SYM: shodh.param @w {{.*}} : tensor<16x3xf32>
// SYM: shodh.param @s {{.*}} : tensor<4xf32>
// SYM: shodh.param @k {dims = ["width", "width", "2*modes", "res/2+1"]{{.*}} : tensor<16x16x4x5xcomplex<f32>>
// SYM-LABEL: func.func @infer
// SYM-SAME: (%{{.*}}: tensor<?x3x8x8xf32> {shodh.dims = ["B", "cin", "res", "res"]}, %{{.*}}: tensor<?x5xf32>) -> tensor<?x3x8x8xf32>

// BOUND: module attributes {shodh.hyperparams = {cin = 3 : i64, flag = true, layers = 3 : i64, lr = 5.000000e-01 : f64, modes = 3 : i64, name = "big", res = 8 : i64, width = 32 : i64}}
// BOUND: shodh.param @w {{.*}} : tensor<32x3xf32>
// BOUND: shodh.param @k {{.*}} : tensor<32x32x6x5xcomplex<f32>>
// BOUND-LABEL: func.func @infer
// BOUND-SAME: (%{{.*}}: tensor<4x3x8x8xf32> {shodh.dims = ["B", "cin", "res", "res"]}, %{{.*}}: tensor<?x5xf32>)
// Attributes written with hyperparameters become array<i64: ...> and i64.
// SYM-LABEL: func.func @spectral
// SYM: shodh.spectral_truncate %{{.*}} {modes = array<i64: 2, 2>}
// SYM: shodh.spectral_pad %{{.*}} {modes = array<i64: 2, 2>, sizes = array<i64: 8, 5>}
// SYM: shodh.irfft %{{.*}} {last_size = 8 : i64, ndims = 2 : i64}
// SYM: shodh.spectral_conv %{{.*}} {modes = array<i64: 2, 1>}
// SYM: shodh.repeat(%{{.*}}) {count = 2 : i64}
// BOUND-LABEL: func.func @spectral
// BOUND: shodh.spectral_truncate %{{.*}} {modes = array<i64: 3, 3>}
// BOUND: shodh.repeat(%{{.*}}) {count = 2 : i64}
module attributes {shodh.hyperparams = {cin = 3 : i64, width = 16 : i64, res = 8 : i64, lr = 1.0e-3 : f64, flag = false, name = "mlp", modes = 2 : i64, layers = 3 : i64}} {
  shodh.param @w {dims = ["width", "cin"], init = {kind = "fan_in_uniform", fan = "cin", seed = 1 : i64}} : tensor<?x?xf32>
  shodh.param @s {init = {kind = "zeros"}} : tensor<4xf32>
  shodh.param @k {dims = ["width", "width", "2*modes", "res/2+1"], init = {kind = "uniform", a = 0.0 : f64, b = 1.0 : f64, fan = "width*width"}} : tensor<?x?x?x?xcomplex<f32>>
  func.func @infer(%x: tensor<?x?x?x?xf32> {shodh.dims = ["B", "cin", "res", "res"]}, %y: tensor<?x5xf32>)
      -> tensor<?x?x?x?xf32> {
    return %x : tensor<?x?x?x?xf32>
  }
  func.func @spectral(%f: tensor<?x4x8x5xcomplex<f32>>, %x: tensor<?x4x8x8xf32>, %w: tensor<4x4x?x?xcomplex<f32>>)
      -> (tensor<?x4x?x?xcomplex<f32>>, tensor<?x4x?x?xf32>, tensor<?x4x8x8xf32>) {
    %t = shodh.spectral_truncate %f {modes = ["modes", "modes"]} : (tensor<?x4x8x5xcomplex<f32>>) -> tensor<?x4x?x?xcomplex<f32>>
    %p = shodh.spectral_pad %t {modes = ["modes", "modes"], sizes = ["res", "res/2+1"]} : (tensor<?x4x?x?xcomplex<f32>>) -> tensor<?x4x?x?xcomplex<f32>>
    %i = shodh.irfft %f {ndims = 2 : i64, last_size = "2*res/2"} : (tensor<?x4x8x5xcomplex<f32>>) -> tensor<?x4x?x?xf32>
    %c = shodh.spectral_conv %x, %w {modes = ["modes", "modes-1"]} : (tensor<?x4x8x8xf32>, tensor<4x4x?x?xcomplex<f32>>) -> tensor<?x4x8x8xf32>
    %r = shodh.repeat (%c) {count = "layers-1"} : (tensor<?x4x8x8xf32>) -> tensor<?x4x8x8xf32> {
    ^bb0(%h: tensor<?x4x8x8xf32>):
      shodh.yield %h : tensor<?x4x8x8xf32>
    }
    return %p, %i, %r : tensor<?x4x?x?xcomplex<f32>>, tensor<?x4x?x?xf32>, tensor<?x4x8x8xf32>
  }
}
