// Round trip of attention, attention_heads and attention_heads_grad in
// custom and generic form, static and dynamic batch and token counts.
// RUN: shodh-opt %s | shodh-opt | FileCheck %s
// RUN: shodh-opt %s --mlir-print-op-generic | shodh-opt | FileCheck %s

// CHECK-LABEL: func.func @attention
func.func @attention(%x: tensor<?x512x64xf32>, %wqkv: tensor<192x64xf32>, %bqkv: tensor<192xf32>, %wo: tensor<64x64xf32>, %bo: tensor<64xf32>, %t: tensor<2x?x64xf32>) -> (tensor<?x512x64xf32>, tensor<2x?x64xf32>) {
  // CHECK: shodh.attention %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} {heads = 4 : i64} : (tensor<?x512x64xf32>, tensor<192x64xf32>, tensor<192xf32>, tensor<64x64xf32>, tensor<64xf32>) -> tensor<?x512x64xf32>
  %y = shodh.attention %x, %wqkv, %bqkv, %wo, %bo {heads = 4 : i64} : (tensor<?x512x64xf32>, tensor<192x64xf32>, tensor<192xf32>, tensor<64x64xf32>, tensor<64xf32>) -> tensor<?x512x64xf32>
  // CHECK: shodh.attention {{.*}} {heads = 1 : i64} : (tensor<2x?x64xf32>,
  %z = shodh.attention %t, %wqkv, %bqkv, %wo, %bo {heads = 1 : i64} : (tensor<2x?x64xf32>, tensor<192x64xf32>, tensor<192xf32>, tensor<64x64xf32>, tensor<64xf32>) -> tensor<2x?x64xf32>
  return %y, %z : tensor<?x512x64xf32>, tensor<2x?x64xf32>
}

// CHECK-LABEL: func.func @heads
func.func @heads(%qkv: tensor<?x512x192xf32>, %dy: tensor<?x512x64xf32>) -> (tensor<?x512x64xf32>, tensor<?x512x192xf32>) {
  // CHECK: shodh.attention_heads %{{.*}} {heads = 4 : i64} : (tensor<?x512x192xf32>) -> tensor<?x512x64xf32>
  %o = shodh.attention_heads %qkv {heads = 4 : i64} : (tensor<?x512x192xf32>) -> tensor<?x512x64xf32>
  // CHECK: shodh.attention_heads_grad %{{.*}}, %{{.*}} {heads = 4 : i64} : (tensor<?x512x192xf32>, tensor<?x512x64xf32>) -> tensor<?x512x192xf32>
  %d = shodh.attention_heads_grad %qkv, %dy {heads = 4 : i64} : (tensor<?x512x192xf32>, tensor<?x512x64xf32>) -> tensor<?x512x192xf32>
  return %o, %d : tensor<?x512x64xf32>, tensor<?x512x192xf32>
}
