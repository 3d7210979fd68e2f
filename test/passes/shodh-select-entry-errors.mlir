// --shodh-select-entry errors: recursion and a missing entry function.
// RUN: shodh-opt %s -split-input-file -verify-diagnostics --shodh-select-entry=entry=encode

// A function calling itself is reported, not inlined forever.
module {
  func.func @encode(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
    // expected-error @below {{'func.call' op calls nest deeper than 32 levels (is a function calling itself?)}}
    %y = func.call @encode(%x) : (tensor<?x4xf32>) -> tensor<?x4xf32>
    return %y : tensor<?x4xf32>
  }
}

// -----

// The entry must exist; the message lists the functions there are.
// expected-error @below {{--entry: the model has no function @encode (functions: @infer)}}
module {
  func.func @infer(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
    return %x : tensor<?x4xf32>
  }
}

// -----

// A call tree that doubles at every level stops at the op limit.
module {
  func.func @encode(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
    %y = func.call @f(%x) : (tensor<?x4xf32>) -> tensor<?x4xf32>
    return %y : tensor<?x4xf32>
  }
  func.func private @f(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
    // Both calls on one line: either may be the one that reaches the limit.
    // expected-error @below {{'func.call' op inlining would create more than 200000 ops}}
    %a = func.call @f(%x) : (tensor<?x4xf32>) -> tensor<?x4xf32>  %b = func.call @f(%a) : (tensor<?x4xf32>) -> tensor<?x4xf32>
    %c = shodh.add %a, %b : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
    return %c : tensor<?x4xf32>
  }
}

// -----

// A missing entry: the message lists every function of the source, called
// and private ones included.
// expected-error @below {{--entry: the model has no function @encode (functions: @infer, @helper)}}
module {
  func.func @infer(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
    %y = func.call @helper(%x) : (tensor<?x4xf32>) -> tensor<?x4xf32>
    return %y : tensor<?x4xf32>
  }
  func.func private @helper(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
    return %x : tensor<?x4xf32>
  }
}

// -----

// A function holding shodh.repeat is inlined once only: a second copy would
// create its per-block parameters @w_0 ... a second time.
module {
  shodh.param @w {init = {kind = "ones"}} : tensor<4xf32>
  func.func @encode(%x: tensor<4xf32>) -> tensor<4xf32> {
    %a = func.call @block(%x) : (tensor<4xf32>) -> tensor<4xf32>
    // expected-error @below {{'func.call' op calls @block a second time; a function holding shodh.repeat or shodh.pi_controller can be inlined once only (its per-block parameters or controller state would be created twice)}}
    %b = func.call @block(%a) : (tensor<4xf32>) -> tensor<4xf32>
    return %b : tensor<4xf32>
  }
  func.func private @block(%x: tensor<4xf32>) -> tensor<4xf32> {
    %y = shodh.repeat (%x) {count = 2 : i64} : (tensor<4xf32>) -> tensor<4xf32> {
    ^bb0(%h: tensor<4xf32>):
      %w = shodh.read @w : tensor<4xf32>
      %m = shodh.mul %h, %w : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
      shodh.yield %m : tensor<4xf32>
    }
    return %y : tensor<4xf32>
  }
}

// -----

// A call of a declaration (no body to inline) is named at the call.
module {
  func.func private @ext(tensor<?x4xf32>) -> tensor<?x4xf32>
  func.func @encode(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
    // expected-error @below {{'func.call' op calls @ext, which has no body or more than one block}}
    %y = func.call @ext(%x) : (tensor<?x4xf32>) -> tensor<?x4xf32>
    return %y : tensor<?x4xf32>
  }
}
