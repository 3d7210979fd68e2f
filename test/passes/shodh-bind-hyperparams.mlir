// --shodh-bind-hyperparams: overrides, dims of params and arguments, batch.
// RUN: shodh-opt %s --shodh-bind-hyperparams | FileCheck %s --check-prefix=SYM
// RUN: shodh-opt %s --shodh-bind-hyperparams="set=width=32,lr=0.5,flag=true,name=big batch=4" | FileCheck %s --check-prefix=BOUND

// Errors in the overrides name the key, the declared kind and the bad text.
// RUN: not shodh-opt %s --shodh-bind-hyperparams="set=foo=1" 2>&1 | FileCheck %s --check-prefix=UNKNOWN
// UNKNOWN: error: unknown hyperparameter 'foo'; the model declares: cin, flag, lr, name, res, width
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

// SYM: module attributes {shodh.hyperparams = {cin = 3 : i64, flag = false, lr = 1.000000e-03 : f64, name = "mlp", res = 8 : i64, width = 16 : i64}}
// SYM: shodh.param @w {{.*}} : tensor<16x3xf32>
// SYM: shodh.param @s {{.*}} : tensor<4xf32>
// SYM-LABEL: func.func @infer
// SYM-SAME: (%{{.*}}: tensor<?x3x8x8xf32> {shodh.dims = ["B", "cin", "res", "res"]}, %{{.*}}: tensor<?x5xf32>) -> tensor<?x3x8x8xf32>

// BOUND: module attributes {shodh.hyperparams = {cin = 3 : i64, flag = true, lr = 5.000000e-01 : f64, name = "big", res = 8 : i64, width = 32 : i64}}
// BOUND: shodh.param @w {{.*}} : tensor<32x3xf32>
// BOUND-LABEL: func.func @infer
// BOUND-SAME: (%{{.*}}: tensor<4x3x8x8xf32> {shodh.dims = ["B", "cin", "res", "res"]}, %{{.*}}: tensor<?x5xf32>)
module attributes {shodh.hyperparams = {cin = 3 : i64, width = 16 : i64, res = 8 : i64, lr = 1.0e-3 : f64, flag = false, name = "mlp"}} {
  shodh.param @w {dims = ["width", "cin"], init = {kind = "fan_in_uniform", fan = "cin", seed = 1 : i64}} : tensor<?x?xf32>
  shodh.param @s {init = {kind = "zeros"}} : tensor<4xf32>
  func.func @infer(%x: tensor<?x?x?x?xf32> {shodh.dims = ["B", "cin", "res", "res"]}, %y: tensor<?x5xf32>)
      -> tensor<?x?x?x?xf32> {
    return %x : tensor<?x?x?x?xf32>
  }
}
