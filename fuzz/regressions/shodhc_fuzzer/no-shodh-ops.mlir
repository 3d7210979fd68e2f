// A model without any shodh op: --shodh-lifetimes inserted a shodh.kernel
// "copy" into a context where the shodh dialect was not loaded (LLVM ERROR,
// abort). Must compile.
func.func @infer(%x: tensor<2xf32>) -> tensor<2xf32> {
  return %x : tensor<2xf32>
}
