// --shodh-lower-to-kernels on attention, attention_heads and
// attention_heads_grad: kernel names are the op names and every kernel gets
// `heads` (docs/runtime.md § Attention kernels).
// RUN: shodh-opt %s -verify-diagnostics --shodh-lower-to-kernels | FileCheck %s

// CHECK-LABEL: func.func @lower
func.func @lower(%x: tensor<?x16x8xf32>, %wqkv: tensor<24x8xf32>, %bqkv: tensor<24xf32>, %wo: tensor<8x8xf32>, %bo: tensor<8xf32>, %qkv: tensor<?x16x24xf32>, %dy: tensor<?x16x8xf32>) -> (tensor<?x16x8xf32>, tensor<?x16x8xf32>, tensor<?x16x24xf32>) {
  // CHECK: shodh.kernel "attention"(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}) {attrs = {heads = 2 : i64}} : (tensor<?x16x8xf32>, tensor<24x8xf32>, tensor<24xf32>, tensor<8x8xf32>, tensor<8xf32>) -> tensor<?x16x8xf32>
  %y = shodh.attention %x, %wqkv, %bqkv, %wo, %bo {heads = 2 : i64} : (tensor<?x16x8xf32>, tensor<24x8xf32>, tensor<24xf32>, tensor<8x8xf32>, tensor<8xf32>) -> tensor<?x16x8xf32>
  // CHECK: shodh.kernel "attention_heads"(%{{.*}}) {attrs = {heads = 4 : i64}} : (tensor<?x16x24xf32>) -> tensor<?x16x8xf32>
  %o = shodh.attention_heads %qkv {heads = 4 : i64} : (tensor<?x16x24xf32>) -> tensor<?x16x8xf32>
  // CHECK: shodh.kernel "attention_heads_grad"(%{{.*}}, %{{.*}}) {attrs = {heads = 4 : i64}} : (tensor<?x16x24xf32>, tensor<?x16x8xf32>) -> tensor<?x16x24xf32>
  %d = shodh.attention_heads_grad %qkv, %dy {heads = 4 : i64} : (tensor<?x16x24xf32>, tensor<?x16x8xf32>) -> tensor<?x16x24xf32>
  return %y, %o, %d : tensor<?x16x8xf32>, tensor<?x16x8xf32>, tensor<?x16x24xf32>
}
