// A parameter-free model for the physics e2e test: the Leray projection of a
// 2D velocity [B, 2, 16, 16] on a 1 x 2 box.
module {
  func.func @infer(%x: tensor<?x2x16x16xf32> {shodh.dims = ["B", 2, 16, 16], shodh.name = "x"})
      -> (tensor<?x2x16x16xf32> {shodh.name = "y"}) {
    %y = shodh.div_free_project %x {lengths = array<f64: 1.0, 2.0>}
        : (tensor<?x2x16x16xf32>) -> tensor<?x2x16x16xf32>
    return %y : tensor<?x2x16x16xf32>
  }
}
