// --shodh-select-entry: func.call of the model's own functions is inlined
// (nested calls too); private functions and every function that was called
// are erased, functions nobody calls stay; with entry=NAME the function
// @NAME becomes @infer, every other function is erased and so is every
// parameter nothing reads any more.
// RUN: shodh-opt %s -verify-diagnostics --shodh-select-entry | FileCheck %s --check-prefix=KEEP
// RUN: shodh-opt %s -verify-diagnostics --shodh-select-entry=entry=encode | FileCheck %s --check-prefix=ENC
// RUN: shodh-opt %s -verify-diagnostics --shodh-select-entry=entry=act | FileCheck %s --check-prefix=ACT

// An encoder and a decoder called from @infer, the decoder calling a
// private helper.
module {
  // ACT-NOT: shodh.param
  // KEEP: shodh.param @enc_w
  // KEEP: shodh.param @dec_w
  // ENC: shodh.param @enc_w
  // ENC-NOT: shodh.param @dec_w
  shodh.param @enc_w {init = {kind = "ones"}} : tensor<2x4xf32>
  shodh.param @dec_w {init = {kind = "ones"}} : tensor<4x2xf32>

  // KEEP-NOT: func.func @encode
  // ENC-LABEL: func.func @infer
  // ENC-SAME: (%[[U:.*]]: tensor<?x4xf32>
  // ENC-NEXT: %[[W:.*]] = shodh.read @enc_w
  // ENC-NEXT: %[[Z:.*]] = shodh.linear %[[U]], %[[W]]
  // ENC-NEXT: return %[[Z]]
  // ENC-NOT: func.func
  func.func @encode(%u: tensor<?x4xf32>) -> tensor<?x2xf32> {
    %w = shodh.read @enc_w : tensor<2x4xf32>
    %z = shodh.linear %u, %w : (tensor<?x4xf32>, tensor<2x4xf32>) -> tensor<?x2xf32>
    return %z : tensor<?x2xf32>
  }

  // KEEP-NOT: func.func private @act
  // ACT-LABEL: func.func @infer
  // ACT-NEXT: shodh.gelu
  // ACT-NEXT: return
  // ACT-NOT: func.func
  func.func private @act(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
    %y = shodh.gelu %x : (tensor<?x4xf32>) -> tensor<?x4xf32>
    return %y : tensor<?x4xf32>
  }

  func.func @decode(%z: tensor<?x2xf32>) -> tensor<?x4xf32> {
    %w = shodh.read @dec_w : tensor<4x2xf32>
    %x = shodh.linear %z, %w : (tensor<?x2xf32>, tensor<4x2xf32>) -> tensor<?x4xf32>
    %y = func.call @act(%x) : (tensor<?x4xf32>) -> tensor<?x4xf32>
    return %y : tensor<?x4xf32>
  }

  // KEEP-LABEL: func.func @infer
  // KEEP-SAME: (%[[X:.*]]: tensor<?x4xf32>
  // KEEP-NEXT: %[[EW:.*]] = shodh.read @enc_w
  // KEEP-NEXT: %[[Z:.*]] = shodh.linear %[[X]], %[[EW]]
  // KEEP-NEXT: %[[DW:.*]] = shodh.read @dec_w
  // KEEP-NEXT: %[[D:.*]] = shodh.linear %[[Z]], %[[DW]]
  // KEEP-NEXT: %[[G:.*]] = shodh.gelu %[[D]]
  // KEEP-NEXT: return %[[G]]
  // KEEP-NOT: func.call
  // KEEP-NOT: func.func @decode
  func.func @infer(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
    %z = func.call @encode(%x) : (tensor<?x4xf32>) -> tensor<?x2xf32>
    %y = func.call @decode(%z) : (tensor<?x2xf32>) -> tensor<?x4xf32>
    return %y : tensor<?x4xf32>
  }

  // Called by nobody: kept (KEEP), erased when another entry is chosen (ENC).
  // KEEP-LABEL: func.func @other
  // ENC-NOT: func.func @other
  func.func @other(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
    return %x : tensor<?x4xf32>
  }

  // @infer called by another function still stays (KEEP) as the model.
  // KEEP-LABEL: func.func @twice
  // KEEP-NOT: func.call
  func.func @twice(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
    %a = func.call @infer(%x) : (tensor<?x4xf32>) -> tensor<?x4xf32>
    return %a : tensor<?x4xf32>
  }
}
