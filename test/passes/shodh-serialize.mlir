// --shodh-serialize: writes the lowered, annotated module as a model file,
// including complex tensors (complex<f32> is C64) and integer-array kernel
// attributes written as array<i64: ...> or [i64, ...].
// RUN: rm -rf %t && mkdir -p %t
// RUN: shodh-opt %s --shodh-lifetimes --shodh-serialize="output=%t/model.fb" -o /dev/null
// RUN: test -s %t/model.fb
// RUN: %python -c "import sys; d = open(sys.argv[1], 'rb').read(); print(d[:8], d[64+4:64+8])" %t/model.fb | FileCheck %s --check-prefix=HEADER
// HEADER: b'SHODHMF\x00' b'SHDH'
// The contents, read back by the runtime: hyperparameters of every kind,
// the complex parameter, each call's operands and attributes.
// RUN: shodh-run inspect %t/model.fb | FileCheck %s --check-prefix=INSPECT
// INSPECT: hyperparameters: cin=3 flag=1 lr=0.001 name=tiny
// INSPECT-NEXT: parameters: 2 tensors, 16 values (80 B)
// INSPECT-NEXT: w f32 [4, 3] fan_in_uniform(fan=3, seed=1)
// INSPECT-NEXT: s complex<f32> [4] normal(mean=0, std=0.5, seed=2)
// INSPECT: infer(infer.x: f32 [B, 3]) -> (infer.y: f32 [B, 4], infer.out1: f32 [B, 4]), 5 calls
// INSPECT-NEXT: #0 linear(infer.x, w) -> infer.out1 f32 [B, 4] {axes=[1, 2], axis=1, mode=fast, scale=2, ws=[1, 2]}
// INSPECT-NEXT: #1 gelu(infer.out1) -> infer.y f32 [B, 4] {approximate=none}
// INSPECT-NEXT: #2 rfft(infer.y) -> infer.rfft2 complex<f32> [B, 3] {ndims=1, norm=backward}
// INSPECT-NEXT: #3 spectral_truncate(infer.rfft2) -> infer.spectral_truncate3 complex<f32> [B, 2] {modes=[2]}
// INSPECT-NEXT: #4 spectral_contract(infer.spectral_truncate3, s) -> infer.spectral_contract4 complex<f32> [B, 2]


// Errors: no output path, an unwritable path (nothing left behind), a module
// that has not been through --shodh-lifetimes, and shapes it cannot express.
// RUN: not shodh-opt %s --shodh-lifetimes --shodh-serialize 2>&1 | FileCheck %s --check-prefix=NOOUT
// NOOUT: error: --shodh-serialize needs an output path (--shodh-serialize="output=FILE")
// RUN: not shodh-opt %s --shodh-lifetimes --shodh-serialize="output=%t/missing/model.fb" 2>&1 | FileCheck %s --check-prefix=NODIR
// NODIR: error: {{.*}}missing/model.fb
// RUN: not test -e %t/missing
// RUN: not shodh-opt %S/Inputs/serialize-errors.mlir -split-input-file --shodh-serialize="output=%t/bad.fb" 2>&1 | FileCheck %s --check-prefix=BAD
// BAD: error: 'func.func' op argument #0 has no 'shodh.live' range; run --shodh-lifetimes first
// BAD: error: 'func.func' op argument #0 has dynamic dimension #1 in 'tensor<?x?xf32>' that is not the batch 'B'; bind it first
// BAD: error: 'shodh.param' op has dynamic dimension #0 in 'tensor<?xf32>' that is not the batch 'B'; bind it first
// BAD: error: 'func.return' op operand #0 is not the result of its own kernel call; run --shodh-lifetimes first
// BAD: error: 'shodh.kernel' op attribute 'table' of kernel 'lookup' has no model-file representation: {a = 1 : i64}
// BAD: error: 'shodh.kernel' op has no 'shodh.live' ranges; run --shodh-lifetimes first
// BAD: error: op 'shodh.gelu' cannot be serialized; run --shodh-lower-to-kernels first
// BAD: error: 'func.func' op argument #0 has type 'tensor<2xbf16>'; expected a ranked tensor of f32, f64, complex<f32>, complex<f64>, i32 or i64
// RUN: not test -e %t/bad.fb

module attributes {shodh.hyperparams = {cin = 3 : i64, lr = 1.0e-3 : f64, name = "tiny", flag = true}} {
  shodh.param @w {dims = [4, "cin"], init = {kind = "fan_in_uniform", fan = "cin", seed = 1 : i64}} : tensor<4x3xf32>
  shodh.param @s {init = {kind = "normal", a = 0.0 : f64, b = 0.5 : f64, seed = 2 : i64}} : tensor<4xcomplex<f32>>
  func.func @infer(%x: tensor<?x3xf32> {shodh.dims = ["B", "cin"], shodh.name = "x"})
      -> (tensor<?x4xf32> {shodh.name = "y"}, tensor<?x4xf32>) {
    %w = shodh.read @w : tensor<4x3xf32>
    %h = shodh.kernel "linear"(%x, %w) {attrs = {axis = 1 : i64, scale = 2.0 : f64, mode = "fast", axes = array<i64: 1, 2>, ws = [1.0 : f64, 2.0 : f64]}}
        : (tensor<?x3xf32>, tensor<4x3xf32>) -> tensor<?x4xf32>
    %y = shodh.kernel "gelu"(%h) {attrs = {approximate = "none"}} : (tensor<?x4xf32>) -> tensor<?x4xf32>
    %f = shodh.kernel "rfft"(%y) {attrs = {ndims = 1 : i64, norm = "backward"}} : (tensor<?x4xf32>) -> tensor<?x3xcomplex<f32>>
    %t = shodh.kernel "spectral_truncate"(%f) {attrs = {modes = [2]}} : (tensor<?x3xcomplex<f32>>) -> tensor<?x2xcomplex<f32>>
    %s = shodh.read @s : tensor<4xcomplex<f32>>
    %c = shodh.kernel "spectral_contract"(%t, %s) : (tensor<?x2xcomplex<f32>>, tensor<4xcomplex<f32>>) -> tensor<?x2xcomplex<f32>>
    return %y, %h : tensor<?x4xf32>, tensor<?x4xf32>
  }
}
