// --shodh-select-entry=require-entry=1 (what shodhc runs): the program
// compiled by default must exist with a body, and its inputs and outputs
// must be tensors of f32 or f64.
// RUN: shodh-opt %s -split-input-file -verify-diagnostics --shodh-select-entry=require-entry=1

// expected-error @below {{the model has no function @infer with a body, the program compiled by default (functions: @infer, @other); name the one to compile with --entry}}
module {
  func.func private @infer(tensor<2xf32>) -> tensor<2xf32>
  func.func @other(%x: tensor<2xf32>) -> tensor<2xf32> {
    return %x : tensor<2xf32>
  }
}

// -----

module {
  // expected-error @below {{'func.func' op argument #1 has type 'tensor<2xi64>'; the inputs of a compiled program must be ranked tensors of f32 or f64}}
  func.func @infer(%x: tensor<2xf32>, %n: tensor<2xi64>) -> tensor<2xf32> {
    return %x : tensor<2xf32>
  }
}

// -----

module {
  // expected-error @below {{'func.func' op result #0 has type 'tensor<2x5xcomplex<f32>>'; the outputs of a compiled program must be ranked tensors of f32 or f64}}
  func.func @infer(%x: tensor<2x8xf32>) -> tensor<2x5xcomplex<f32>> {
    %f = shodh.rfft %x {ndims = 1 : i64} : (tensor<2x8xf32>) -> tensor<2x5xcomplex<f32>>
    return %f : tensor<2x5xcomplex<f32>>
  }
}

// -----

module {
  // expected-error @below {{'func.func' op argument #0 has type 'f32'; the inputs of a compiled program must be ranked tensors of f32 or f64}}
  func.func @infer(%x: f32) -> f32 {
    return %x : f32
  }
}

// -----

module {
  shodh.param @w {init = {kind = "zeros"}} : tensor<2xf32>
  // expected-error @below {{'shodh.read' op is outside every function; only func.func, shodh.param and shodh.state may stand at the top of a model}}
  %r = shodh.read @w : tensor<2xf32>
  func.func @infer(%x: tensor<2xf32>) -> tensor<2xf32> {
    return %x : tensor<2xf32>
  }
}
