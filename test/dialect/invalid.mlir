// Every verifier message of the shodh dialect, one per split.
// RUN: shodh-opt %s -split-input-file -verify-diagnostics

// expected-error @+1 {{'shodh.hyperparams' must be a dictionary}}
module attributes {shodh.hyperparams = [1, 2]} {
}

// -----

// expected-error @+1 {{hyperparameter 'modes' must be an integer, float, bool or string, got [4, 4]}}
module attributes {shodh.hyperparams = {modes = [4, 4]}} {
}

// -----

// expected-error @+1 {{'shodh.hyperparams' is only allowed on builtin.module}}
func.func @f() attributes {shodh.hyperparams = {cin = 3 : i64}} {
  return
}

// -----

// expected-error @+1 {{unknown shodh attribute 'shodh.foo'}}
func.func @f() attributes {shodh.foo = 1 : i64} {
  return
}

// -----

func.func @f(%x: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{'shodh.index' must be a non-negative integer on a shodh.kernel}}
  %y = shodh.kernel "copy"(%x) {shodh.index = -1 : i64} : (tensor<2xf32>) -> tensor<2xf32>
  return %y : tensor<2xf32>
}

// -----

func.func @f(%x: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{'shodh.live' must be one array<i64: first, last> (first <= last) per result of a shodh.kernel}}
  %y = shodh.kernel "copy"(%x) {shodh.live = [array<i64: 3, 1>]} : (tensor<2xf32>) -> tensor<2xf32>
  return %y : tensor<2xf32>
}

// -----

// expected-error @+1 {{argument #0 shodh.dims: must be an array}}
func.func @f(%x: tensor<2xf32> {shodh.dims = "B"}) {
  return
}

// -----

// expected-error @+1 {{argument #0 shodh.dims: the argument must be a ranked tensor, got 'tensor<*xf32>'}}
func.func @f(%x: tensor<*xf32> {shodh.dims = ["B"]}) {
  return
}

// -----

// expected-error @+1 {{unknown shodh argument attribute 'shodh.size'}}
func.func @f(%x: tensor<2xf32> {shodh.size = 2 : i64}) {
  return
}

// -----

// expected-error @+1 {{'shodh.name' must be a non-empty string}}
func.func @f(%x: tensor<2xf32> {shodh.name = ""}) {
  return
}

// -----

// expected-error @+1 {{argument #0 'shodh.live' must be array<i64: first, last> with first <= last}}
func.func @f(%x: tensor<2xf32> {shodh.live = array<i64: 0>}) {
  return
}

// -----

// expected-error @+1 {{unknown shodh result attribute 'shodh.dims'}}
func.func @f(%x: tensor<2xf32>) -> (tensor<2xf32> {shodh.dims = [2]}) {
  return %x : tensor<2xf32>
}

// -----

module attributes {shodh.hyperparams = {cin = 3 : i64}} {
  // expected-error @+1 {{argument #0 shodh.dims: dims has 1 entries but the type 'tensor<?x3xf32>' has rank 2}}
  func.func @f(%x: tensor<?x3xf32> {shodh.dims = ["B"]}) {
    return
  }
}

// -----

// expected-error @+1 {{dims entry #1 must be an integer or a hyperparameter name, got 1.000000e+00 : f32}}
func.func @f(%x: tensor<?x3xf32> {shodh.dims = ["B", 1.0 : f32]}) {
  return
}

// -----

module attributes {shodh.hyperparams = {cin = 3 : i64}} {
  // expected-error @+1 {{dims entry 'width' is not a hyperparameter of the module}}
  func.func @f(%x: tensor<?x?xf32> {shodh.dims = ["B", "width"]}) {
    return
  }
}

// -----

module attributes {shodh.hyperparams = {lr = 1.0e-3 : f64}} {
  // expected-error @+1 {{dims entry 'lr' names a hyperparameter that is not an integer}}
  shodh.param @w {dims = ["lr"], init = {kind = "zeros"}} : tensor<?xf32>
}

// -----

// expected-error @+1 {{the batch dimension 'B' is only allowed in function argument dims}}
shodh.param @w {dims = ["B", 3], init = {kind = "zeros"}} : tensor<?x3xf32>

// -----

// expected-error @+1 {{dims entry #0 (0 : i64) must be positive, got 0}}
shodh.param @w {dims = [0], init = {kind = "zeros"}} : tensor<?xf32>

// -----

module attributes {shodh.hyperparams = {width = 16 : i64}} {
  // expected-error @+1 {{dimension #0 is 8 in the type but dims entry "width" is 16}}
  shodh.param @w {dims = ["width"], init = {kind = "zeros"}} : tensor<8xf32>
}

// -----

// expected-error @+1 {{dimension #1 is 4 in the type but dims entry 3 : i64 is 3}}
shodh.param @w {dims = [2, 3], init = {kind = "zeros"}} : tensor<2x4xf32>

// -----

// expected-error @+1 {{needs 'dims' because its type 'tensor<?x3xf32>' is not fully static}}
shodh.param @w {init = {kind = "zeros"}} : tensor<?x3xf32>

// -----

func.func @f() {
  // expected-error @+1 {{expects parent op 'builtin.module'}}
  shodh.param @w {init = {kind = "zeros"}} : tensor<3xf32>
  return
}

// -----

// expected-error @+1 {{init must have a string field 'kind'}}
shodh.param @w {init = {a = 1.0 : f64}} : tensor<3xf32>

// -----

// expected-error @+1 {{unknown init kind 'xavier'; expected one of: zeros, ones, constant, uniform, normal, fan_in_uniform}}
shodh.param @w {init = {kind = "xavier"}} : tensor<3xf32>

// -----

// expected-error @+1 {{init kind 'uniform' requires field 'b'}}
shodh.param @w {init = {kind = "uniform", a = 0.0 : f64}} : tensor<3xf32>

// -----

// expected-error @+1 {{init kind 'zeros' does not take field 'a'}}
shodh.param @w {init = {kind = "zeros", a = 0.0 : f64}} : tensor<3xf32>

// -----

// expected-error @+1 {{init kind 'constant' does not take field 'seed'}}
shodh.param @w {init = {kind = "constant", a = 1.0 : f64, seed = 1 : i64}} : tensor<3xf32>

// -----

// expected-error @+1 {{init field 'a' must be a number, got "one"}}
shodh.param @w {init = {kind = "constant", a = "one"}} : tensor<3xf32>

// -----

// expected-error @+1 {{init field 'seed' must be a non-negative integer, got -1 : i64}}
shodh.param @w {init = {kind = "normal", a = 0.0 : f64, b = 1.0 : f64, seed = -1 : i64}} : tensor<3xf32>

// -----

// expected-error @+1 {{init fan 'cin' is not a hyperparameter of the module}}
shodh.param @w {init = {kind = "fan_in_uniform", fan = "cin"}} : tensor<3xf32>

// -----

module attributes {shodh.hyperparams = {act = "gelu"}} {
  // expected-error @+1 {{init fan 'act' names a hyperparameter that is not an integer}}
  shodh.param @w {init = {kind = "fan_in_uniform", fan = "act"}} : tensor<3xf32>
}

// -----

// expected-error @+1 {{init field 'fan' must be an integer or an integer hyperparameter name, got 2.000000e+00 : f64}}
shodh.param @w {init = {kind = "fan_in_uniform", fan = 2.0 : f64}} : tensor<3xf32>

// -----

module attributes {shodh.hyperparams = {cin = 0 : i64}} {
  // expected-error @+1 {{init field 'fan' ("cin") must be positive, got 0}}
  shodh.param @w {init = {kind = "fan_in_uniform", fan = "cin"}} : tensor<3xf32>
}

// -----

// expected-error @+1 {{init kind 'uniform' requires a < b, got a = 1.000000e+00, b = 0.000000e+00}}
shodh.param @w {init = {kind = "uniform", a = 1.0 : f64, b = 0.0 : f64}} : tensor<3xf32>

// -----

// expected-error @+1 {{init kind 'normal' requires a positive std b, got 0.000000e+00}}
shodh.param @w {init = {kind = "normal", a = 1.0 : f64, b = 0.0 : f64}} : tensor<3xf32>

// -----

func.func @f() -> tensor<3xf32> {
  // expected-error @+1 {{unknown parameter @missing}}
  %w = shodh.read @missing : tensor<3xf32>
  return %w : tensor<3xf32>
}

// -----

func.func @f() -> tensor<3xf32> {
  // expected-error @+1 {{@f is a 'func.func', not a shodh.param}}
  %w = shodh.read @f : tensor<3xf32>
  return %w : tensor<3xf32>
}

// -----

shodh.param @w {init = {kind = "zeros"}} : tensor<3xf32>
func.func @f() -> tensor<4xf32> {
  // expected-error @+1 {{result type 'tensor<4xf32>' is incompatible with parameter @w of type 'tensor<3xf32>'}}
  %w = shodh.read @w : tensor<4xf32>
  return %w : tensor<4xf32>
}

// -----

func.func @f(%x: tensor<2x3xf32>, %w: tensor<16x3xf32>) -> tensor<2x16xf32> {
  // expected-error @+1 {{axis 2 is out of range for an input of rank 2}}
  %y = shodh.linear %x, %w {axis = 2 : i64} : (tensor<2x3xf32>, tensor<16x3xf32>) -> tensor<2x16xf32>
  return %y : tensor<2x16xf32>
}

// -----

func.func @f(%x: tensor<2x3xf32>, %w: tensor<3xf32>) -> tensor<2x16xf32> {
  // expected-error @+1 {{weight must have rank 2 ([Cout, Cin]), got 'tensor<3xf32>'}}
  %y = shodh.linear %x, %w : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x16xf32>
  return %y : tensor<2x16xf32>
}

// -----

func.func @f(%x: tensor<2x4xf32>, %w: tensor<16x3xf32>) -> tensor<2x16xf32> {
  // expected-error @+1 {{input has 4 channels at axis 1 but the weight expects 3}}
  %y = shodh.linear %x, %w : (tensor<2x4xf32>, tensor<16x3xf32>) -> tensor<2x16xf32>
  return %y : tensor<2x16xf32>
}

// -----

func.func @f(%x: tensor<2x3xf32>, %w: tensor<16x3xf32>, %b: tensor<1x16xf32>) -> tensor<2x16xf32> {
  // expected-error @+1 {{bias must have rank 1 ([Cout]), got 'tensor<1x16xf32>'}}
  %y = shodh.linear %x, %w, %b : (tensor<2x3xf32>, tensor<16x3xf32>, tensor<1x16xf32>) -> tensor<2x16xf32>
  return %y : tensor<2x16xf32>
}

// -----

func.func @f(%x: tensor<2x3xf32>, %w: tensor<16x3xf32>, %b: tensor<8xf32>) -> tensor<2x16xf32> {
  // expected-error @+1 {{bias has 8 elements but the weight has 16 output channels}}
  %y = shodh.linear %x, %w, %b : (tensor<2x3xf32>, tensor<16x3xf32>, tensor<8xf32>) -> tensor<2x16xf32>
  return %y : tensor<2x16xf32>
}

// -----

func.func @f(%x: tensor<2x3xf32>, %w: tensor<16x3xf64>) -> tensor<2x16xf32> {
  // expected-error @+1 {{operands must have the same element type, got 'f32' and 'f64'}}
  %y = shodh.linear %x, %w : (tensor<2x3xf32>, tensor<16x3xf64>) -> tensor<2x16xf32>
  return %y : tensor<2x16xf32>
}

// -----

func.func @f(%x: tensor<2x3xf32>, %w: tensor<16x3xf32>) -> tensor<2x8xf32> {
  // expected-error @+1 {{'shodh.linear' op result type 'tensor<2x8xf32>' is incompatible with the inferred type 'tensor<2x16xf32>'}}
  %y = shodh.linear %x, %w : (tensor<2x3xf32>, tensor<16x3xf32>) -> tensor<2x8xf32>
  return %y : tensor<2x8xf32>
}

// -----

func.func @f(%x: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{approximate must be "none" or "tanh", got "erf"}}
  %y = shodh.gelu %x {approximate = "erf"} : (tensor<2xf32>) -> tensor<2xf32>
  return %y : tensor<2xf32>
}

// -----

func.func @f(%a: tensor<2x3xf32>, %b: tensor<2x4xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{operand shapes 'tensor<2x3xf32>' and 'tensor<2x4xf32>' are incompatible}}
  %y = shodh.add %a, %b : (tensor<2x3xf32>, tensor<2x4xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

func.func @f(%a: tensor<2x3xf32>, %b: tensor<2x3xf64>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'shodh.mul' op operands must have the same element type, got 'f32' and 'f64'}}
  %y = shodh.mul %a, %b : (tensor<2x3xf32>, tensor<2x3xf64>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

func.func @f(%a: tensor<2x3xf32>, %b: tensor<3x2xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'shodh.mul' op operand shapes 'tensor<2x3xf32>' and 'tensor<3x2xf32>' are incompatible}}
  %y = shodh.mul %a, %b : (tensor<2x3xf32>, tensor<3x2xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

func.func @f(%x: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{kernel name must not be empty}}
  %y = shodh.kernel ""(%x) : (tensor<2xf32>) -> tensor<2xf32>
  return %y : tensor<2xf32>
}

// -----

func.func @f(%x: tensor<2xf32>) {
  // expected-error @+1 {{kernel 'print' must produce at least one result}}
  shodh.kernel "print"(%x) : (tensor<2xf32>) -> ()
  return
}
