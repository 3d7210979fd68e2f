// --shodh-promote-f64 (shodhc --precision f64): every f32 becomes f64 --
// parameter types, function signatures, results, complex spectra and f32
// attributes (values widened exactly); shodh.train is dropped; an op
// without an f64 form reports itself once per kind with a remark naming
// the option.
// RUN: shodh-opt %s -split-input-file -verify-diagnostics --shodh-promote-f64 | FileCheck %s

// CHECK: module attributes {shodh.hyperparams = {res = 8 : i64}} {
// CHECK-NOT: shodh.train
module attributes {shodh.hyperparams = {res = 8 : i64},
                   shodh.train = {loss = "mse", optimizer = "adam", lr = 1.0e-3 : f64}} {
  // CHECK: shodh.param @w {init = {a = 5.000000e-01 : f64, kind = "constant"}} : tensor<4x3x3x3xf64>
  shodh.param @w {init = {kind = "constant", a = 0.5 : f64}} : tensor<4x3x3x3xf32>
  // CHECK: shodh.param @g {init = {kind = "ones"}} : tensor<4xf64>
  shodh.param @g {init = {kind = "ones"}} : tensor<4xf32>
  // CHECK: shodh.param @s {init = {kind = "zeros"}} : tensor<4x4x3x3xcomplex<f64>>
  shodh.param @s {init = {kind = "zeros"}} : tensor<4x4x3x3xcomplex<f32>>

  // CHECK-LABEL: func.func @infer
  // CHECK-SAME: (%{{.*}}: tensor<?x3x8x8xf64>) -> tensor<?x4x8x8xf64>
  func.func @infer(%x: tensor<?x3x8x8xf32>) -> tensor<?x4x8x8xf32> {
    // CHECK: shodh.read @w : tensor<4x3x3x3xf64>
    %w = shodh.read @w : tensor<4x3x3x3xf32>
    %g = shodh.read @g : tensor<4xf32>
    // CHECK: shodh.conv {{.*}} {padding = array<i64: 1, 1>, padding_mode = "circular", test.scale = 0.10000000149011612 : f64, test.table = dense<[1.500000e+00, 2.500000e-01]> : tensor<2xf64>}
    // CHECK-SAME: (tensor<?x3x8x8xf64>, tensor<4x3x3x3xf64>) -> tensor<?x4x8x8xf64>
    %y = shodh.conv %x, %w {padding = array<i64: 1, 1>, padding_mode = "circular", test.scale = 0.1 : f32, test.table = dense<[1.5, 0.25]> : tensor<2xf32>} : (tensor<?x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<?x4x8x8xf32>
    // CHECK: shodh.layer_norm {{.*}} -> tensor<?x4x8x8xf64>
    %n = shodh.layer_norm %y, %g, %g {axis = 1 : i64, eps = 1.0e-5 : f64} : (tensor<?x4x8x8xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<?x4x8x8xf32>
    // CHECK: shodh.gelu {{.*}} -> tensor<?x4x8x8xf64>
    %a = shodh.gelu %n : (tensor<?x4x8x8xf32>) -> tensor<?x4x8x8xf32>
    // CHECK: shodh.add {{.*}} -> tensor<?x4x8x8xf64>
    %r = shodh.add %a, %a : (tensor<?x4x8x8xf32>, tensor<?x4x8x8xf32>) -> tensor<?x4x8x8xf32>
    return %r : tensor<?x4x8x8xf32>
  }
}

// -----

// Ops whose rules take f32 only: one error and one remark per kind.
shodh.param @wqkv {init = {kind = "zeros"}} : tensor<24x8xf32>
shodh.param @bqkv {init = {kind = "zeros"}} : tensor<24xf32>
shodh.param @wo {init = {kind = "zeros"}} : tensor<8x8xf32>
shodh.param @bo {init = {kind = "zeros"}} : tensor<8xf32>

func.func @infer(%x: tensor<?x4x8xf32>) -> tensor<?x4x8xf32> {
  %wqkv = shodh.read @wqkv : tensor<24x8xf32>
  %bqkv = shodh.read @bqkv : tensor<24xf32>
  %wo = shodh.read @wo : tensor<8x8xf32>
  %bo = shodh.read @bo : tensor<8xf32>
  // expected-error @+2 {{'shodh.attention' op input must be an f32 tensor [B, T, C] with a static channel size, got 'tensor<?x4x8xf64>'}}
  // expected-remark @+1 {{--precision f64: 'shodh.attention' has no f64 form; compile this model in f32 or leave this op out of the compiled entry (--entry)}}
  %a = shodh.attention %x, %wqkv, %bqkv, %wo, %bo {heads = 2 : i64} : (tensor<?x4x8xf32>, tensor<24x8xf32>, tensor<24xf32>, tensor<8x8xf32>, tensor<8xf32>) -> tensor<?x4x8xf32>
  // The second attention is not reported again.
  %b = shodh.attention %a, %wqkv, %bqkv, %wo, %bo {heads = 2 : i64} : (tensor<?x4x8xf32>, tensor<24x8xf32>, tensor<24xf32>, tensor<8x8xf32>, tensor<8xf32>) -> tensor<?x4x8xf32>
  return %b : tensor<?x4x8xf32>
}
