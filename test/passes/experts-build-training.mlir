// --shodh-build-training through the expert, patch and resampling ops: each
// forward op gets its gradient op(s); offsets (i64) get no cotangent.
// RUN: shodh-opt %s -split-input-file --shodh-build-training | FileCheck %s

// interpolate -> patchify -> expert_fno -> unpatchify.
// CHECK-LABEL: func.func @train_step
// CHECK-SAME: (%[[X:.*]]: tensor<?x2x16x16xf32> {{.*}}, %[[OFF:.*]]: tensor<3xi64> {{.*}}, %[[T:.*]]: tensor<?x2x8x8xf32>
// CHECK: %[[I:.*]] = shodh.interpolate %[[X]] {size = array<i64: 8, 8>}
// CHECK: %[[P:.*]] = shodh.patchify %[[I]] {patch = array<i64: 4, 4>}
// CHECK: %[[E:.*]] = shodh.expert_fno %[[P]], %[[OFF]], %[[WS:.*]], %[[WK:.*]], %[[BK:.*]] {modes = array<i64: 1, 2>}
// CHECK: %[[U:.*]] = shodh.unpatchify %[[E]] {grid = array<i64: 8, 8>}
// CHECK: %[[DU:.*]] = shodh.mse_loss_grad %[[U]], %[[T]]
// CHECK: %[[DE:.*]] = shodh.patchify %[[DU]] {patch = array<i64: 4, 4>} : (tensor<?x2x8x8xf32>) -> tensor<?x4x2x4x4xf32>
// CHECK: %[[DP:.*]], %[[DWS:.*]], %[[DWK:.*]], %[[DBK:.*]] = shodh.expert_fno_grad %[[P]], %[[OFF]], %[[DE]], %[[WS]], %[[WK]], %[[BK]] {modes = array<i64: 1, 2>}
// CHECK-NOT: unpatchify
// CHECK-NOT: interpolate_grad
// CHECK: shodh.adam @ws, %[[DWS]]
// CHECK: shodh.adam @wk, %[[DWK]]
// CHECK: shodh.adam @bk, %[[DBK]]
module attributes {shodh.train = {loss = "mse"}} {
  shodh.param @ws {init = {kind = "zeros"}} : tensor<2x2x2x4x2xcomplex<f32>>
  shodh.param @wk {init = {kind = "zeros"}} : tensor<2x2x2xf32>
  shodh.param @bk {init = {kind = "zeros"}} : tensor<2x2xf32>
  func.func @infer(%x: tensor<?x2x16x16xf32> {shodh.dims = ["B", 2, 16, 16], shodh.name = "x"},
                   %off: tensor<3xi64> {shodh.name = "offsets"})
      -> (tensor<?x2x8x8xf32> {shodh.name = "y"}) {
    %i = shodh.interpolate %x {size = array<i64: 8, 8>} : (tensor<?x2x16x16xf32>) -> tensor<?x2x8x8xf32>
    %p = shodh.patchify %i {patch = array<i64: 4, 4>} : (tensor<?x2x8x8xf32>) -> tensor<?x4x2x4x4xf32>
    %ws = shodh.read @ws : tensor<2x2x2x4x2xcomplex<f32>>
    %wk = shodh.read @wk : tensor<2x2x2xf32>
    %bk = shodh.read @bk : tensor<2x2xf32>
    %e = shodh.expert_fno %p, %off, %ws, %wk, %bk {modes = array<i64: 1, 2>}
        : (tensor<?x4x2x4x4xf32>, tensor<3xi64>, tensor<2x2x2x4x2xcomplex<f32>>, tensor<2x2x2xf32>, tensor<2x2xf32>)
        -> tensor<?x4x2x4x4xf32>
    %u = shodh.unpatchify %e {grid = array<i64: 8, 8>} : (tensor<?x4x2x4x4xf32>) -> tensor<?x2x8x8xf32>
    return %u : tensor<?x2x8x8xf32>
  }
}

// -----

// A learned resampling in front: interpolate's input cotangent is built only
// when something upstream needs it; expert_mlp gets one grad op.
// CHECK-LABEL: func.func @train_step
// CHECK: %[[Y:.*]] = shodh.expert_mlp %[[X:.*]], %[[OFF:.*]], %[[W1:.*]], %[[B1:.*]], %[[W2:.*]], %[[B2:.*]] :
// CHECK: %[[DY:.*]] = shodh.mse_loss_grad %[[Y]]
// CHECK: %{{.*}}, %[[DW1:.*]], %[[DB1:.*]], %[[DW2:.*]], %[[DB2:.*]] = shodh.expert_mlp_grad %[[X]], %[[OFF]], %[[DY]], %[[W1]], %[[B1]], %[[W2]]
// CHECK: shodh.adam @w1, %[[DW1]]
// CHECK: shodh.adam @b1, %[[DB1]]
// CHECK: shodh.adam @w2, %[[DW2]]
// CHECK: shodh.adam @b2, %[[DB2]]
module attributes {shodh.train = {loss = "mse"}} {
  shodh.param @w1 {init = {kind = "zeros"}} : tensor<2x8x4xf32>
  shodh.param @b1 {init = {kind = "zeros"}} : tensor<2x8xf32>
  shodh.param @w2 {init = {kind = "zeros"}} : tensor<2x4x8xf32>
  shodh.param @b2 {init = {kind = "zeros"}} : tensor<2x4xf32>
  func.func @infer(%x: tensor<?x6x4xf32> {shodh.dims = ["B", 6, 4], shodh.name = "x"},
                   %off: tensor<3xi64> {shodh.name = "offsets"})
      -> (tensor<?x6x4xf32> {shodh.name = "y"}) {
    %w1 = shodh.read @w1 : tensor<2x8x4xf32>
    %b1 = shodh.read @b1 : tensor<2x8xf32>
    %w2 = shodh.read @w2 : tensor<2x4x8xf32>
    %b2 = shodh.read @b2 : tensor<2x4xf32>
    %y = shodh.expert_mlp %x, %off, %w1, %b1, %w2, %b2
        : (tensor<?x6x4xf32>, tensor<3xi64>, tensor<2x8x4xf32>, tensor<2x8xf32>, tensor<2x4x8xf32>, tensor<2x4xf32>)
        -> tensor<?x6x4xf32>
    return %y : tensor<?x6x4xf32>
  }
}

// -----

// shodh.moe: in the training program the layer is expanded back into
// dispatch -> expert -> combine in the forward graph, and the backward reuses
// their results (no recomputed dispatch or expert forward); the tokens'
// cotangent comes from dispatch_grad. @infer and @eval keep the fused op.
// CHECK-LABEL: func.func @infer
// CHECK: shodh.moe
// CHECK-LABEL: func.func @train_step
// CHECK-NOT: shodh.moe
// CHECK: %[[S:.*]], %[[OFF:.*]], %[[SRC:.*]] = shodh.dispatch %[[H:.*]], %[[IDS:.*]] {num_experts = 2 : i64}
// CHECK: %[[O:.*]] = shodh.expert_mlp %[[S]], %[[OFF]], %[[W1:.*]], %[[B1:.*]], %[[W2:.*]], %[[B2:.*]] :
// CHECK: %[[Y:.*]] = shodh.combine %[[O]], %[[G:.*]], %[[SRC]], %[[OFF]] :
// CHECK: %[[DY:.*]] = shodh.mse_loss_grad %[[Y]]
// CHECK-NOT: shodh.dispatch %
// CHECK-NOT: shodh.expert_mlp %
// CHECK: shodh.combine_grad %[[DY]], %[[O]], %[[G]], %[[SRC]], %[[OFF]]
// CHECK: %[[DS:.*]], %[[DW1:.*]], %[[DB1:.*]], %[[DW2:.*]], %[[DB2:.*]] = shodh.expert_mlp_grad %[[S]], %[[OFF]]
// CHECK: shodh.dispatch_grad %[[DS]], %[[SRC]], %[[OFF]]
// CHECK-NOT: shodh.moe
// CHECK: shodh.adam @w1, %[[DW1]]
// CHECK: shodh.adam @b2, %[[DB2]]
// CHECK-LABEL: func.func @eval
// CHECK: shodh.moe
module attributes {shodh.train = {loss = "mse"}} {
  shodh.param @w0 {init = {kind = "zeros"}} : tensor<4x4xf32>
  shodh.param @w1 {init = {kind = "zeros"}} : tensor<2x8x4xf32>
  shodh.param @b1 {init = {kind = "zeros"}} : tensor<2x8xf32>
  shodh.param @w2 {init = {kind = "zeros"}} : tensor<2x4x8xf32>
  shodh.param @b2 {init = {kind = "zeros"}} : tensor<2x4xf32>
  func.func @infer(%x: tensor<?x6x4xf32> {shodh.dims = ["B", 6, 4], shodh.name = "x"},
                   %ids: tensor<?x6x1xi64> {shodh.dims = ["B", 6, 1], shodh.name = "ids"},
                   %g: tensor<?x6x1xf32> {shodh.dims = ["B", 6, 1], shodh.name = "gates"})
      -> (tensor<?x6x4xf32> {shodh.name = "y"}) {
    %w0 = shodh.read @w0 : tensor<4x4xf32>
    %h = shodh.linear %x, %w0 {axis = 2 : i64} : (tensor<?x6x4xf32>, tensor<4x4xf32>) -> tensor<?x6x4xf32>
    %w1 = shodh.read @w1 : tensor<2x8x4xf32>
    %b1 = shodh.read @b1 : tensor<2x8xf32>
    %w2 = shodh.read @w2 : tensor<2x4x8xf32>
    %b2 = shodh.read @b2 : tensor<2x4xf32>
    %y = shodh.moe %h, %ids, %g, %w1, %b1, %w2, %b2 {expert = "mlp", num_experts = 2 : i64}
        : (tensor<?x6x4xf32>, tensor<?x6x1xi64>, tensor<?x6x1xf32>, tensor<2x8x4xf32>, tensor<2x8xf32>, tensor<2x4x8xf32>, tensor<2x4xf32>)
        -> tensor<?x6x4xf32>
    return %y : tensor<?x6x4xf32>
  }
}

// -----

// reshape between two linear maps: its cotangent is the reshape back to the
// input's sizes.
// CHECK-LABEL: func.func @train_step
// CHECK: %[[A:.*]] = shodh.linear %{{.*}}, %[[W1:.*]] :
// CHECK: %[[R:.*]] = shodh.reshape %[[A]] {shape = array<i64: 3, 16>} : (tensor<?x3x4x4xf32>) -> tensor<?x3x16xf32>
// CHECK: shodh.linear_grad_input
// CHECK: %[[DA:.*]] = shodh.reshape %{{.*}} {shape = array<i64: 3, 4, 4>} : (tensor<?x3x16xf32>) -> tensor<?x3x4x4xf32>
// CHECK: shodh.linear_grad_weight %{{.*}}, %[[DA]]
module attributes {shodh.train = {loss = "mse"}} {
  shodh.param @w1 {init = {kind = "ones"}} : tensor<3x2xf32>
  shodh.param @w2 {init = {kind = "ones"}} : tensor<5x16xf32>
  func.func @infer(%x: tensor<?x2x4x4xf32> {shodh.dims = ["B", 2, 4, 4], shodh.name = "x"})
      -> (tensor<?x3x5xf32> {shodh.name = "y"}) {
    %w1 = shodh.read @w1 : tensor<3x2xf32>
    %a = shodh.linear %x, %w1 {axis = 1 : i64} : (tensor<?x2x4x4xf32>, tensor<3x2xf32>) -> tensor<?x3x4x4xf32>
    %r = shodh.reshape %a {shape = array<i64: 3, 16>} : (tensor<?x3x4x4xf32>) -> tensor<?x3x16xf32>
    %w2 = shodh.read @w2 : tensor<5x16xf32>
    %y = shodh.linear %r, %w2 {axis = 2 : i64} : (tensor<?x3x16xf32>, tensor<5x16xf32>) -> tensor<?x3x5xf32>
    return %y : tensor<?x3x5xf32>
  }
}
