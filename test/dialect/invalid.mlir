// Every verifier message of the shodh dialect, one per split.
// RUN: shodh-opt %s -split-input-file -verify-diagnostics

// expected-error @+1 {{'shodh.hyperparams' must be a dictionary}}
module attributes {shodh.hyperparams = [1, 2]} {
}

// -----

// "B" is the batch dimension in shodh.dims: a hyperparameter cannot take it.
// expected-error @+1 {{'builtin.module' op hyperparameter 'B': the name is reserved for the batch dimension ("B" in shodh.dims; set it with shodhc --batch)}}
module attributes {shodh.hyperparams = {B = 4 : i64, res = 8 : i64}} {
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

// expected-error @+1 {{dims entry #1 must be an integer, a hyperparameter name or an integer expression, got 1.000000e+00 : f32}}
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

module attributes {shodh.hyperparams = {modes = 12 : i64}} {
  // expected-error @+1 {{dims entry #0 ("2*"): expected an integer, a hyperparameter name or '(' at column 3}}
  shodh.param @w {dims = ["2*"], init = {kind = "zeros"}} : tensor<?xf32>
}

// -----

module attributes {shodh.hyperparams = {modes = 12 : i64}} {
  // expected-error @+1 {{dims entry #1 ("2*foo"): 'foo' is not a hyperparameter of the module at column 3}}
  shodh.param @w {dims = ["modes", "2*foo"], init = {kind = "zeros"}} : tensor<?x?xf32>
}

// -----

module attributes {shodh.hyperparams = {lr = 1.0e-3 : f64}} {
  // expected-error @+1 {{dims entry #0 ("lr*2"): 'lr' is not an integer hyperparameter at column 1}}
  shodh.param @w {dims = ["lr*2"], init = {kind = "zeros"}} : tensor<?xf32>
}

// -----

module attributes {shodh.hyperparams = {res = 64 : i64, modes = 12 : i64}} {
  // expected-error @+1 {{argument #0 shodh.dims: dims entry #1 ("res/(modes-12)"): division by zero at column 4}}
  func.func @f(%x: tensor<?x?xf32> {shodh.dims = ["B", "res/(modes-12)"]}) {
    return
  }
}

// -----

module attributes {shodh.hyperparams = {res = 64 : i64}} {
  // expected-error @+1 {{dims entry #0 ("(res+1"): unclosed '(' at column 1}}
  shodh.param @w {dims = ["(res+1"], init = {kind = "zeros"}} : tensor<?xf32>
}

// -----

// Deep nesting is refused before the recursive parser could exhaust the stack
// (257 levels; 256 are accepted).
module attributes {shodh.hyperparams = {res = 64 : i64}} {
  // expected-error @+1 {{parentheses nest deeper than 256 levels at column 257}}
  shodh.param @w {dims = ["(((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((res)))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))"], init = {kind = "zeros"}} : tensor<?xf32>
}

// -----

module attributes {shodh.hyperparams = {res = 64 : i64}} {
  shodh.param @w {dims = ["((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((res))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))"], init = {kind = "zeros"}} : tensor<?xf32>
}

// -----

module attributes {shodh.hyperparams = {res = 64 : i64}} {
  // expected-error @+1 {{dims entry #0 ("res res"): unexpected 'r' at column 5}}
  shodh.param @w {dims = ["res res"], init = {kind = "zeros"}} : tensor<?xf32>
}

// -----

// expected-error @+1 {{dims entry #0 ("9999999999*9999999999"): the value overflows 64-bit integers at column 11}}
shodh.param @w {dims = ["9999999999*9999999999"], init = {kind = "zeros"}} : tensor<?xf32>

// -----

module attributes {shodh.hyperparams = {modes = 12 : i64}} {
  // expected-error @+1 {{dims entry #0 ("modes-20") must be positive, got -8}}
  shodh.param @w {dims = ["modes-20"], init = {kind = "zeros"}} : tensor<?xf32>
}

// -----

module attributes {shodh.hyperparams = {modes = 12 : i64}} {
  // expected-error @+1 {{dimension #0 is 20 in the type but dims entry "2*modes" is 24}}
  shodh.param @w {dims = ["2*modes"], init = {kind = "zeros"}} : tensor<20xf32>
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

// A seed wider than 64 bits (2^64 + 7) was truncated to 7.
// expected-error @+1 {{init field 'seed' must be a non-negative integer, got 18446744073709551623 : i128}}
shodh.param @w {init = {kind = "normal", a = 0.0 : f64, b = 1.0 : f64, seed = 18446744073709551623 : i128}} : tensor<3xf32>

// -----

// expected-error @+1 {{init fan 'cin' is not a hyperparameter of the module}}
shodh.param @w {init = {kind = "fan_in_uniform", fan = "cin"}} : tensor<3xf32>

// -----

module attributes {shodh.hyperparams = {act = "gelu"}} {
  // expected-error @+1 {{init fan 'act' names a hyperparameter that is not an integer}}
  shodh.param @w {init = {kind = "fan_in_uniform", fan = "act"}} : tensor<3xf32>
}

// -----

// expected-error @+1 {{init field 'fan' must be an integer, an integer hyperparameter name or an integer expression, got 2.000000e+00 : f64}}
shodh.param @w {init = {kind = "fan_in_uniform", fan = 2.0 : f64}} : tensor<3xf32>

// -----

module attributes {shodh.hyperparams = {cin = 0 : i64}} {
  // expected-error @+1 {{init field 'fan' ("cin") must be positive, got 0}}
  shodh.param @w {init = {kind = "fan_in_uniform", fan = "cin"}} : tensor<3xf32>
}

// -----

module attributes {shodh.hyperparams = {width = 8 : i64}} {
  // expected-error @+1 {{init field 'fan' ("width*"): expected an integer, a hyperparameter name or '(' at column 7}}
  shodh.param @w {init = {kind = "uniform", a = 0.0 : f64, b = 1.0 : f64, fan = "width*"}} : tensor<3xf32>
}

// -----

module attributes {shodh.hyperparams = {width = 8 : i64}} {
  // expected-error @+1 {{init field 'fan' ("width-8") must be positive, got 0}}
  shodh.param @w {init = {kind = "uniform", a = 0.0 : f64, b = 1.0 : f64, fan = "width-8"}} : tensor<3xf32>
}

// -----

// expected-error @+1 {{init kind 'normal' does not take field 'fan'}}
shodh.param @w {init = {kind = "normal", a = 0.0 : f64, b = 1.0 : f64, fan = 2 : i64}} : tensor<3xf32>

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
  // expected-error @+1 {{@f is a 'func.func', not a shodh.param or shodh.state}}
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

// -----

// expected-error @+1 {{dims entry #0 ("99999999999999999999"): the literal overflows 64-bit integers at column 1}}
shodh.param @w {dims = ["99999999999999999999"], init = {kind = "zeros"}} : tensor<?xf32>

// -----

func.func @f(%x: tensor<2x8xf32>) -> tensor<2x5xcomplex<f32>> {
  // expected-error @+1 {{norm must be "backward", "ortho" or "forward", got "none"}}
  %y = shodh.rfft %x {ndims = 1 : i64, norm = "none"} : (tensor<2x8xf32>) -> tensor<2x5xcomplex<f32>>
  return %y : tensor<2x5xcomplex<f32>>
}

// -----

func.func @f(%x: tensor<2x5xcomplex<f32>>) -> tensor<2x8xf32> {
  // expected-error @+1 {{norm must be "backward", "ortho" or "forward", got "unitary"}}
  %y = shodh.irfft %x {ndims = 1 : i64, last_size = 8 : i64, norm = "unitary"} : (tensor<2x5xcomplex<f32>>) -> tensor<2x8xf32>
  return %y : tensor<2x8xf32>
}

// -----

func.func @f(%x: tensor<2x8xi32>) -> tensor<2x5xcomplex<f32>> {
  // expected-error @+1 {{'shodh.rfft' op input must be a ranked tensor of f32 or f64, got 'tensor<2x8xi32>'}}
  %y = shodh.rfft %x {ndims = 1 : i64} : (tensor<2x8xi32>) -> tensor<2x5xcomplex<f32>>
  return %y : tensor<2x5xcomplex<f32>>
}

// -----

func.func @f(%x: tensor<2x8xf32>) -> tensor<2x5xcomplex<f32>> {
  // expected-error @+1 {{ndims must be 1, 2 or 3, got 4}}
  %y = shodh.rfft %x {ndims = 4 : i64} : (tensor<2x8xf32>) -> tensor<2x5xcomplex<f32>>
  return %y : tensor<2x5xcomplex<f32>>
}

// -----

func.func @f(%x: tensor<8xf32>) -> tensor<5xcomplex<f32>> {
  // expected-error @+1 {{input of rank 1 has fewer than ndims = 2 dimensions}}
  %y = shodh.rfft %x {ndims = 2 : i64} : (tensor<8xf32>) -> tensor<5xcomplex<f32>>
  return %y : tensor<5xcomplex<f32>>
}

// -----

func.func @f(%x: tensor<2x8xf32>) -> tensor<2x8xcomplex<f32>> {
  // expected-error @+1 {{'shodh.rfft' op result type 'tensor<2x8xcomplex<f32>>' is incompatible with the inferred type 'tensor<2x5xcomplex<f32>>'}}
  %y = shodh.rfft %x {ndims = 1 : i64} : (tensor<2x8xf32>) -> tensor<2x8xcomplex<f32>>
  return %y : tensor<2x8xcomplex<f32>>
}

// -----

func.func @f(%x: tensor<2x5xf32>) -> tensor<2x8xf32> {
  // expected-error @+1 {{'shodh.irfft' op input must be a ranked tensor of complex<f32> or complex<f64>, got 'tensor<2x5xf32>'}}
  %y = shodh.irfft %x {ndims = 1 : i64, last_size = 8 : i64} : (tensor<2x5xf32>) -> tensor<2x8xf32>
  return %y : tensor<2x8xf32>
}

// -----

func.func @f(%x: tensor<2x5xcomplex<f32>>) -> tensor<2x?xf32> {
  // expected-error @+1 {{last_size must be positive, got 0}}
  %y = shodh.irfft %x {ndims = 1 : i64, last_size = 0 : i64} : (tensor<2x5xcomplex<f32>>) -> tensor<2x?xf32>
  return %y : tensor<2x?xf32>
}

// -----

func.func @f(%x: tensor<2x32xcomplex<f32>>) -> tensor<2x64xf32> {
  // expected-error @+1 {{last_size = 64 gives 33 rfft frequencies but dimension #1 of the input has 32}}
  %y = shodh.irfft %x {ndims = 1 : i64, last_size = 64 : i64} : (tensor<2x32xcomplex<f32>>) -> tensor<2x64xf32>
  return %y : tensor<2x64xf32>
}

// -----

func.func @f(%x: tensor<2x5xcomplex<f32>>) -> tensor<2x?xf32> {
  // expected-error @+1 {{last_size 'res' is not a hyperparameter of the module}}
  %y = shodh.irfft %x {ndims = 1 : i64, last_size = "res"} : (tensor<2x5xcomplex<f32>>) -> tensor<2x?xf32>
  return %y : tensor<2x?xf32>
}

// -----

func.func @f(%x: tensor<2x5xcomplex<f32>>) -> tensor<2x?xf32> {
  // expected-error @+1 {{attribute 'last_size' failed to satisfy constraint: i64 or an integer expression over hyperparameters}}
  %y = shodh.irfft %x {ndims = 1 : i64, last_size = 8.0 : f32} : (tensor<2x5xcomplex<f32>>) -> tensor<2x?xf32>
  return %y : tensor<2x?xf32>
}

// -----

func.func @f(%x: tensor<2x64x33xcomplex<f32>>) -> tensor<2x?x?xcomplex<f32>> {
  // expected-error @+1 {{modes must have 1 to 3 entries, got 0}}
  %y = shodh.spectral_truncate %x {modes = array<i64>} : (tensor<2x64x33xcomplex<f32>>) -> tensor<2x?x?xcomplex<f32>>
  return %y : tensor<2x?x?xcomplex<f32>>
}

// -----

func.func @f(%x: tensor<33xcomplex<f32>>) -> tensor<?xcomplex<f32>> {
  // expected-error @+1 {{input of rank 1 cannot hold 2 spectral axes (one per mode)}}
  %y = shodh.spectral_truncate %x {modes = array<i64: 4, 4>} : (tensor<33xcomplex<f32>>) -> tensor<?xcomplex<f32>>
  return %y : tensor<?xcomplex<f32>>
}

// -----

func.func @f(%x: tensor<2x64x33xcomplex<f32>>) -> tensor<2x?x?xcomplex<f32>> {
  // expected-error @+1 {{modes[1] must be positive, got 0}}
  %y = shodh.spectral_truncate %x {modes = array<i64: 4, 0>} : (tensor<2x64x33xcomplex<f32>>) -> tensor<2x?x?xcomplex<f32>>
  return %y : tensor<2x?x?xcomplex<f32>>
}

// -----

func.func @f(%x: tensor<2x64x33xcomplex<f32>>) -> tensor<2x?x?xcomplex<f32>> {
  // expected-error @+1 {{'shodh.spectral_truncate' op modes[0] = 40 needs 2 * 40 <= 64, the size of dimension #1}}
  %y = shodh.spectral_truncate %x {modes = array<i64: 40, 12>} : (tensor<2x64x33xcomplex<f32>>) -> tensor<2x?x?xcomplex<f32>>
  return %y : tensor<2x?x?xcomplex<f32>>
}

// -----

func.func @f(%x: tensor<2x64x33xcomplex<f32>>) -> tensor<2x?x?xcomplex<f32>> {
  // expected-error @+1 {{modes[1] = 34 needs 34 <= 33, the number of rfft frequencies of dimension #2}}
  %y = shodh.spectral_truncate %x {modes = array<i64: 12, 34>} : (tensor<2x64x33xcomplex<f32>>) -> tensor<2x?x?xcomplex<f32>>
  return %y : tensor<2x?x?xcomplex<f32>>
}

// -----

func.func @f(%x: tensor<2x64x33xcomplex<f32>>) -> tensor<2x?x?xcomplex<f32>> {
  // expected-error @+1 {{attribute 'modes' failed to satisfy constraint: array<i64: ...> or a list of integers and integer expressions}}
  %y = shodh.spectral_truncate %x {modes = 12 : i64} : (tensor<2x64x33xcomplex<f32>>) -> tensor<2x?x?xcomplex<f32>>
  return %y : tensor<2x?x?xcomplex<f32>>
}

// -----

module attributes {shodh.hyperparams = {modes = 12 : i64}} {
  func.func @f(%x: tensor<2x64x33xcomplex<f32>>) -> tensor<2x?x?xcomplex<f32>> {
    // expected-error @+1 {{modes entry 'mode' is not a hyperparameter of the module}}
    %y = shodh.spectral_truncate %x {modes = ["modes", "mode"]} : (tensor<2x64x33xcomplex<f32>>) -> tensor<2x?x?xcomplex<f32>>
    return %y : tensor<2x?x?xcomplex<f32>>
  }
}

// -----

module attributes {shodh.hyperparams = {modes = 12 : i64}} {
  func.func @f(%x: tensor<2x64x33xcomplex<f32>>) -> tensor<2x?x?xcomplex<f32>> {
    // expected-error @+1 {{modes entry #1 ("modes-12") must be positive, got 0}}
    %y = shodh.spectral_truncate %x {modes = ["modes", "modes-12"]} : (tensor<2x64x33xcomplex<f32>>) -> tensor<2x?x?xcomplex<f32>>
    return %y : tensor<2x?x?xcomplex<f32>>
  }
}

// -----

func.func @f(%x: tensor<2x64x33xcomplex<f32>>) -> tensor<2x?x?xcomplex<f32>> {
  // expected-error @+1 {{modes entry #0 must be an integer, a hyperparameter name or an integer expression, got 1.200000e+01 : f64}}
  %y = shodh.spectral_truncate %x {modes = [12.0 : f64, 12]} : (tensor<2x64x33xcomplex<f32>>) -> tensor<2x?x?xcomplex<f32>>
  return %y : tensor<2x?x?xcomplex<f32>>
}

// -----

func.func @f(%x: tensor<2x24x12xcomplex<f32>>) -> tensor<2x64x33xcomplex<f32>> {
  // expected-error @+1 {{sizes must have one entry per mode (2), got 1}}
  %y = shodh.spectral_pad %x {modes = array<i64: 12, 12>, sizes = array<i64: 64>} : (tensor<2x24x12xcomplex<f32>>) -> tensor<2x64x33xcomplex<f32>>
  return %y : tensor<2x64x33xcomplex<f32>>
}

// -----

func.func @f(%x: tensor<2x24x12xcomplex<f32>>) -> tensor<2x64x33xcomplex<f32>> {
  // expected-error @+1 {{sizes[0] must be positive, got -64}}
  %y = shodh.spectral_pad %x {modes = array<i64: 12, 12>, sizes = array<i64: -64, 64>} : (tensor<2x24x12xcomplex<f32>>) -> tensor<2x64x33xcomplex<f32>>
  return %y : tensor<2x64x33xcomplex<f32>>
}

// -----

func.func @f(%x: tensor<2x24x12xcomplex<f32>>) -> tensor<2x16x9xcomplex<f32>> {
  // expected-error @+1 {{'shodh.spectral_pad' op modes[0] = 12 needs 2 * 12 <= 16, the size of dimension #1}}
  %y = shodh.spectral_pad %x {modes = array<i64: 12, 12>, sizes = array<i64: 16, 16>} : (tensor<2x24x12xcomplex<f32>>) -> tensor<2x16x9xcomplex<f32>>
  return %y : tensor<2x16x9xcomplex<f32>>
}

// -----

func.func @f(%x: tensor<2x20x12xcomplex<f32>>) -> tensor<2x64x33xcomplex<f32>> {
  // expected-error @+1 {{input dimension #1 is 20 but modes give 24}}
  %y = shodh.spectral_pad %x {modes = array<i64: 12, 12>, sizes = array<i64: 64, 64>} : (tensor<2x20x12xcomplex<f32>>) -> tensor<2x64x33xcomplex<f32>>
  return %y : tensor<2x64x33xcomplex<f32>>
}

// -----

func.func @f(%x: tensor<2x4xcomplex<f32>>, %w: tensor<4x8xcomplex<f32>>) -> tensor<2x8xcomplex<f32>> {
  // expected-error @+1 {{input must be [B, I, K...] with 1 to 3 mode dimensions, got 'tensor<2x4xcomplex<f32>>'}}
  %y = shodh.spectral_contract %x, %w : (tensor<2x4xcomplex<f32>>, tensor<4x8xcomplex<f32>>) -> tensor<2x8xcomplex<f32>>
  return %y : tensor<2x8xcomplex<f32>>
}

// -----

func.func @f(%x: tensor<2x4x6xcomplex<f32>>, %w: tensor<4x8x6x1xcomplex<f32>>) -> tensor<2x8x6xcomplex<f32>> {
  // expected-error @+1 {{weight must be [I, O, K...] of the input's rank 3, got 'tensor<4x8x6x1xcomplex<f32>>'}}
  %y = shodh.spectral_contract %x, %w : (tensor<2x4x6xcomplex<f32>>, tensor<4x8x6x1xcomplex<f32>>) -> tensor<2x8x6xcomplex<f32>>
  return %y : tensor<2x8x6xcomplex<f32>>
}

// -----

func.func @f(%x: tensor<2x4x6xcomplex<f32>>, %w: tensor<5x8x6xcomplex<f32>>) -> tensor<2x8x6xcomplex<f32>> {
  // expected-error @+1 {{'shodh.spectral_contract' op input has 4 channels but the weight expects 5}}
  %y = shodh.spectral_contract %x, %w : (tensor<2x4x6xcomplex<f32>>, tensor<5x8x6xcomplex<f32>>) -> tensor<2x8x6xcomplex<f32>>
  return %y : tensor<2x8x6xcomplex<f32>>
}

// -----

func.func @f(%x: tensor<2x4x6xcomplex<f32>>, %w: tensor<4x8x7xcomplex<f32>>) -> tensor<2x8x6xcomplex<f32>> {
  // expected-error @+1 {{mode dimension #2: input has 6 but the weight has 7}}
  %y = shodh.spectral_contract %x, %w : (tensor<2x4x6xcomplex<f32>>, tensor<4x8x7xcomplex<f32>>) -> tensor<2x8x6xcomplex<f32>>
  return %y : tensor<2x8x6xcomplex<f32>>
}

// -----

func.func @f(%x: tensor<2x4x6xcomplex<f32>>, %w: tensor<4x8x6xcomplex<f64>>) -> tensor<2x8x6xcomplex<f32>> {
  // expected-error @+1 {{'shodh.spectral_contract' op operands must have the same element type, got 'complex<f32>' and 'complex<f64>'}}
  %y = shodh.spectral_contract %x, %w : (tensor<2x4x6xcomplex<f32>>, tensor<4x8x6xcomplex<f64>>) -> tensor<2x8x6xcomplex<f32>>
  return %y : tensor<2x8x6xcomplex<f32>>
}

// -----

func.func @f(%x: tensor<2x4x6xcomplex<f32>>, %w: tensor<4x8x6xf32>) -> tensor<2x8x6xcomplex<f32>> {
  // expected-error @+1 {{'shodh.spectral_contract' op weight must be a ranked tensor of complex<f32> or complex<f64>, got 'tensor<4x8x6xf32>'}}
  %y = shodh.spectral_contract %x, %w : (tensor<2x4x6xcomplex<f32>>, tensor<4x8x6xf32>) -> tensor<2x8x6xcomplex<f32>>
  return %y : tensor<2x8x6xcomplex<f32>>
}

// -----

func.func @f(%x: tensor<2x4x64x64xf32>, %w: tensor<4x8x24x12xcomplex<f64>>) -> tensor<2x8x64x64xf32> {
  // expected-error @+1 {{weight must be a tensor of 'complex<f32>' to match the input, got 'tensor<4x8x24x12xcomplex<f64>>'}}
  %y = shodh.spectral_conv %x, %w {modes = array<i64: 12, 12>} : (tensor<2x4x64x64xf32>, tensor<4x8x24x12xcomplex<f64>>) -> tensor<2x8x64x64xf32>
  return %y : tensor<2x8x64x64xf32>
}

// -----

func.func @f(%x: tensor<2x4x64x64xf32>, %w: tensor<4x8x24xcomplex<f32>>) -> tensor<2x8x64x64xf32> {
  // expected-error @+1 {{input must have rank 3 ([B, I] and one spatial axis per mode), got 'tensor<2x4x64x64xf32>'}}
  %y = shodh.spectral_conv %x, %w {modes = array<i64: 12>} : (tensor<2x4x64x64xf32>, tensor<4x8x24xcomplex<f32>>) -> tensor<2x8x64x64xf32>
  return %y : tensor<2x8x64x64xf32>
}

// -----

func.func @f(%x: tensor<2x4x64x64xf32>, %w: tensor<4x8x24xcomplex<f32>>) -> tensor<2x8x64x64xf32> {
  // expected-error @+1 {{weight must have rank 4 ([I, O] and one mode axis per mode), got 'tensor<4x8x24xcomplex<f32>>'}}
  %y = shodh.spectral_conv %x, %w {modes = array<i64: 12, 12>} : (tensor<2x4x64x64xf32>, tensor<4x8x24xcomplex<f32>>) -> tensor<2x8x64x64xf32>
  return %y : tensor<2x8x64x64xf32>
}

// -----

func.func @f(%x: tensor<2x4x64x64xf32>, %w: tensor<3x8x24x12xcomplex<f32>>) -> tensor<2x8x64x64xf32> {
  // expected-error @+1 {{'shodh.spectral_conv' op input has 4 channels but the weight expects 3}}
  %y = shodh.spectral_conv %x, %w {modes = array<i64: 12, 12>} : (tensor<2x4x64x64xf32>, tensor<3x8x24x12xcomplex<f32>>) -> tensor<2x8x64x64xf32>
  return %y : tensor<2x8x64x64xf32>
}

// -----

func.func @f(%x: tensor<2x4x64x64xf32>, %w: tensor<4x8x20x12xcomplex<f32>>) -> tensor<2x8x64x64xf32> {
  // expected-error @+1 {{weight dimension #2 is 20 but modes give 24}}
  %y = shodh.spectral_conv %x, %w {modes = array<i64: 12, 12>} : (tensor<2x4x64x64xf32>, tensor<4x8x20x12xcomplex<f32>>) -> tensor<2x8x64x64xf32>
  return %y : tensor<2x8x64x64xf32>
}

// -----

func.func @f(%x: tensor<2x4x16x16xf32>, %w: tensor<4x8x24x12xcomplex<f32>>) -> tensor<2x8x16x16xf32> {
  // expected-error @+1 {{'shodh.spectral_conv' op modes[0] = 12 needs 2 * 12 <= 16, the size of dimension #2}}
  %y = shodh.spectral_conv %x, %w {modes = array<i64: 12, 12>} : (tensor<2x4x16x16xf32>, tensor<4x8x24x12xcomplex<f32>>) -> tensor<2x8x16x16xf32>
  return %y : tensor<2x8x16x16xf32>
}

// -----

func.func @f(%x: tensor<2x4x32x16xf32>, %w: tensor<4x8x24x12xcomplex<f32>>) -> tensor<2x8x32x16xf32> {
  // expected-error @+1 {{'shodh.spectral_conv' op modes[1] = 12 needs 12 <= 9, the number of rfft frequencies of dimension #3}}
  %y = shodh.spectral_conv %x, %w {modes = array<i64: 12, 12>} : (tensor<2x4x32x16xf32>, tensor<4x8x24x12xcomplex<f32>>) -> tensor<2x8x32x16xf32>
  return %y : tensor<2x8x32x16xf32>
}

// -----

func.func @f(%x: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{'shodh.repeat' op count must be non-negative, got -1}}
  %y = shodh.repeat (%x) {count = -1 : i64} : (tensor<2xf32>) -> tensor<2xf32> {
  ^bb0(%a: tensor<2xf32>):
    shodh.yield %a : tensor<2xf32>
  }
  return %y : tensor<2xf32>
}

// -----

module attributes {shodh.hyperparams = {layers = 4 : i64}} {
  func.func @f(%x: tensor<2xf32>) -> tensor<2xf32> {
    // expected-error @+1 {{count ("layers-5") must be non-negative, got -1}}
    %y = shodh.repeat (%x) {count = "layers-5"} : (tensor<2xf32>) -> tensor<2xf32> {
    ^bb0(%a: tensor<2xf32>):
      shodh.yield %a : tensor<2xf32>
    }
    return %y : tensor<2xf32>
  }
}

// -----

module attributes {shodh.hyperparams = {layers = 4 : i64}} {
  func.func @f(%x: tensor<2xf32>) -> tensor<2xf32> {
    // expected-error @+1 {{count 'depth' is not a hyperparameter of the module}}
    %y = shodh.repeat (%x) {count = "depth"} : (tensor<2xf32>) -> tensor<2xf32> {
    ^bb0(%a: tensor<2xf32>):
      shodh.yield %a : tensor<2xf32>
    }
    return %y : tensor<2xf32>
  }
}

// -----

module attributes {shodh.hyperparams = {layers = 4 : i64}} {
  func.func @f(%x: tensor<2xf32>) -> tensor<2xf32> {
    // expected-error @+1 {{count ("layers-"): expected an integer, a hyperparameter name or '(' at column 8}}
    %y = shodh.repeat (%x) {count = "layers-"} : (tensor<2xf32>) -> tensor<2xf32> {
    ^bb0(%a: tensor<2xf32>):
      shodh.yield %a : tensor<2xf32>
    }
    return %y : tensor<2xf32>
  }
}

// -----

func.func @f(%x: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{expects one body argument per operand (1), got 2}}
  %y = shodh.repeat (%x) {count = 1 : i64} : (tensor<2xf32>) -> tensor<2xf32> {
  ^bb0(%a: tensor<2xf32>, %b: tensor<2xf32>):
    shodh.yield %a : tensor<2xf32>
  }
  return %y : tensor<2xf32>
}

// -----

func.func @f(%x: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{body argument #0 has type 'tensor<3xf32>', incompatible with operand #0 of type 'tensor<2xf32>'}}
  %y = shodh.repeat (%x) {count = 1 : i64} : (tensor<2xf32>) -> tensor<2xf32> {
  ^bb0(%a: tensor<3xf32>):
    shodh.yield %x : tensor<2xf32>
  }
  return %y : tensor<2xf32>
}

// -----

func.func @f(%x: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{expects one yielded value per operand (1), got 0}}
  %y = shodh.repeat (%x) {count = 1 : i64} : (tensor<2xf32>) -> tensor<2xf32> {
  ^bb0(%a: tensor<2xf32>):
    shodh.yield
  }
  return %y : tensor<2xf32>
}

// -----

func.func @f(%x: tensor<?xf32>) -> tensor<2xf64> {
  // expected-error @+1 {{result #0 has type 'tensor<2xf64>', incompatible with operand #0 of type 'tensor<?xf32>'}}
  %y = shodh.repeat (%x) {count = 1 : i64} : (tensor<?xf32>) -> tensor<2xf64> {
  ^bb0(%a: tensor<?xf32>):
    shodh.yield %a : tensor<?xf32>
  }
  return %y : tensor<2xf64>
}

// -----

func.func @f(%x: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{body must end with shodh.yield}}
  %y = shodh.repeat (%x) {count = 1 : i64} : (tensor<2xf32>) -> tensor<2xf32> {
  ^bb0(%a: tensor<2xf32>):
    %g = shodh.gelu %a : (tensor<2xf32>) -> tensor<2xf32>
  }
  return %y : tensor<2xf32>
}

// -----

func.func @f(%x: tensor<2xf32>) {
  // expected-error @+1 {{expects parent op 'shodh.repeat'}}
  shodh.yield %x : tensor<2xf32>
}

// -----

// expected-error @+1 {{unknown shodh.train key 'momentum'; expected one of: loss, optimizer, lr, beta1, beta2, eps, weight_decay, clip_norm, schedule, warmup, step_size, gamma}}
module attributes {shodh.train = {momentum = 0.9}} {}

// -----

// expected-error @+1 {{shodh.train 'loss' must be one of "mse", "rel_l2", got "l1"}}
module attributes {shodh.train = {loss = "l1"}} {}

// -----

// expected-error @+1 {{shodh.train 'optimizer' must be one of "adam", "adamw", got "sgd"}}
module attributes {shodh.train = {optimizer = "sgd"}} {}

// -----

// expected-error @+1 {{shodh.train 'schedule' must be one of "constant", "cosine", "step", got 3 : i64}}
module attributes {shodh.train = {schedule = 3}} {}

// -----

// expected-error @+1 {{shodh.train 'lr' must be > 0, got -0.1}}
module attributes {shodh.train = {lr = -0.1}} {}

// -----

// expected-error @+1 {{shodh.train 'beta2' must be >= 0 and < 1, got 1}}
module attributes {shodh.train = {beta2 = 1.0}} {}

// -----

// expected-error @+1 {{shodh.train 'clip_norm' must be a number, got "big"}}
module attributes {shodh.train = {clip_norm = "big"}} {}

// -----

// expected-error @+1 {{shodh.train 'warmup' must be an i64 integer, got 1.500000e+00 : f64}}
module attributes {shodh.train = {warmup = 1.5}} {}

// -----

// expected-error @+1 {{shodh.train 'step_size' must be > 0, got 0}}
module attributes {shodh.train = {step_size = 0 : i64}} {}

// -----

// expected-error @+1 {{shodh.train must be a dictionary, got "adam"}}
module attributes {shodh.train = "adam"} {}

// -----

// expected-error @+1 {{'shodh.train' belongs on the module}}
func.func @f() attributes {shodh.train = {}} {
  return
}

// -----

// expected-error @+1 {{'shodh.state' op needs 'dims' because its type 'tensor<?xf32>' is not fully static}}
shodh.state @s {init = {kind = "zeros"}} : tensor<?xf32>

// -----

// expected-error @+1 {{'shodh.state' op unknown init kind 'xavier'}}
shodh.state @s {init = {kind = "xavier"}} : tensor<2xf32>

// -----

shodh.state @s {init = {kind = "zeros"}} : tensor<2xf32>
func.func @f() -> tensor<3xf32> {
  // expected-error @+1 {{result type 'tensor<3xf32>' is incompatible with parameter @s of type 'tensor<2xf32>'}}
  %s = shodh.read @s : tensor<3xf32>
  return %s : tensor<3xf32>
}

// -----

func.func @f(%x: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{approximate must be "none" or "tanh", got "erf"}}
  %y = shodh.gelu_grad %x, %x {approximate = "erf"} : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return %y : tensor<2xf32>
}

// -----

func.func @f(%x: tensor<2x5xcomplex<f32>>) -> tensor<2x8xf32> {
  // expected-error @+1 {{norm must be "backward", "ortho" or "forward", got "none"}}
  %y = shodh.rfft_grad %x {ndims = 1 : i64, last_size = 8 : i64, norm = "none"} : (tensor<2x5xcomplex<f32>>) -> tensor<2x8xf32>
  return %y : tensor<2x8xf32>
}

// -----

func.func @f(%x: tensor<2x5xcomplex<f32>>) -> tensor<2x6xf32> {
  // expected-error @+1 {{'shodh.rfft_grad' op last_size = 6 does not give the 5 rfft frequencies of dy}}
  %y = shodh.rfft_grad %x {ndims = 1 : i64, last_size = 6 : i64} : (tensor<2x5xcomplex<f32>>) -> tensor<2x6xf32>
  return %y : tensor<2x6xf32>
}

// -----

func.func @f(%x: tensor<2x8xf32>) -> tensor<2x5xcomplex<f32>> {
  // expected-error @+1 {{norm must be "backward", "ortho" or "forward", got "none"}}
  %y = shodh.irfft_grad %x {ndims = 1 : i64, norm = "none"} : (tensor<2x8xf32>) -> tensor<2x5xcomplex<f32>>
  return %y : tensor<2x5xcomplex<f32>>
}

// -----

func.func @f(%x: tensor<2x8xf32>) -> tensor<2x5xcomplex<f32>> {
  // expected-error @+1 {{'shodh.irfft_grad' op ndims must be 1, 2 or 3, got 4}}
  %y = shodh.irfft_grad %x {ndims = 4 : i64} : (tensor<2x8xf32>) -> tensor<2x5xcomplex<f32>>
  return %y : tensor<2x5xcomplex<f32>>
}

// -----

func.func @f(%dy: tensor<2x4xf32>, %w: tensor<5x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'shodh.linear_grad_input' op dy has 4 channels at axis 1 but the weight has 5 output channels}}
  %y = shodh.linear_grad_input %dy, %w : (tensor<2x4xf32>, tensor<5x3xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

func.func @f(%dy: tensor<2x4xf32>, %w: tensor<4xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'shodh.linear_grad_input' op weight must have rank 2 ([Cout, Cin]), got 'tensor<4xf32>'}}
  %y = shodh.linear_grad_input %dy, %w : (tensor<2x4xf32>, tensor<4xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

func.func @f(%x: tensor<2x3xf32>, %dy: tensor<3x4xf32>) -> tensor<4x3xf32> {
  // expected-error @+1 {{'shodh.linear_grad_weight' op dimension #0: input has 2 but dy has 3}}
  %y = shodh.linear_grad_weight %x, %dy : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<4x3xf32>
  return %y : tensor<4x3xf32>
}

// -----

func.func @f(%x: tensor<2x3xf32>, %dy: tensor<2x3x4xf32>) -> tensor<3x3xf32> {
  // expected-error @+1 {{'shodh.linear_grad_weight' op dy must have the input's rank 2, got 'tensor<2x3x4xf32>'}}
  %y = shodh.linear_grad_weight %x, %dy : (tensor<2x3xf32>, tensor<2x3x4xf32>) -> tensor<3x3xf32>
  return %y : tensor<3x3xf32>
}

// -----

func.func @f(%x: tensor<2x3xf32>, %dy: tensor<3x4xf32>) {
  // expected-error @+1 {{'shodh.linear_grad_params' op dimension #0: input has 2 but dy has 3}}
  %w, %b = shodh.linear_grad_params %x, %dy : (tensor<2x3xf32>, tensor<3x4xf32>) -> (tensor<4x3xf32>, tensor<4xf32>)
  return
}

// -----

func.func @f(%x: tensor<2x3xf32>, %dy: tensor<2x4xf32>) {
  // expected-error @+1 {{'shodh.linear_grad_params' op axis 2 is out of range for rank 2}}
  %w, %b = shodh.linear_grad_params %x, %dy {axis = 2 : i64} : (tensor<2x3xf32>, tensor<2x4xf32>) -> (tensor<4x3xf32>, tensor<4xf32>)
  return
}

// -----

func.func @f(%dy: tensor<2x4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'shodh.linear_grad_bias' op axis 2 is out of range for rank 2}}
  %y = shodh.linear_grad_bias %dy {axis = 2 : i64} : (tensor<2x4xf32>) -> tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

func.func @f(%dy: tensor<2x4x3xcomplex<f32>>, %w: tensor<4x5x3xcomplex<f32>>) -> tensor<2x4x3xcomplex<f32>> {
  // expected-error @+1 {{'shodh.spectral_contract_grad_input' op dy has 4 channels but the weight has 5 output channels}}
  %y = shodh.spectral_contract_grad_input %dy, %w : (tensor<2x4x3xcomplex<f32>>, tensor<4x5x3xcomplex<f32>>) -> tensor<2x4x3xcomplex<f32>>
  return %y : tensor<2x4x3xcomplex<f32>>
}

// -----

func.func @f(%x: tensor<2x4x3xcomplex<f32>>, %dy: tensor<3x4x3xcomplex<f32>>) -> tensor<4x4x3xcomplex<f32>> {
  // expected-error @+1 {{'shodh.spectral_contract_grad_weight' op input has batch 2 but dy has 3}}
  %y = shodh.spectral_contract_grad_weight %x, %dy : (tensor<2x4x3xcomplex<f32>>, tensor<3x4x3xcomplex<f32>>) -> tensor<4x4x3xcomplex<f32>>
  return %y : tensor<4x4x3xcomplex<f32>>
}

// -----

func.func @f(%dy: tensor<2x4x8xf32>, %w: tensor<4x5x3xcomplex<f32>>) -> tensor<2x4x8xf32> {
  // expected-error @+1 {{'shodh.spectral_conv_grad_input' op dy has 4 channels but the weight has 5 output channels}}
  %y = shodh.spectral_conv_grad_input %dy, %w {modes = array<i64: 3>} : (tensor<2x4x8xf32>, tensor<4x5x3xcomplex<f32>>) -> tensor<2x4x8xf32>
  return %y : tensor<2x4x8xf32>
}

// -----

func.func @f(%x: tensor<2x4x8xf32>, %dy: tensor<2x4x8xf32>) -> tensor<4x4x6xcomplex<f32>> {
  // expected-error @+1 {{'shodh.spectral_conv_grad_weight' op modes[0] = 6 needs 6 <= 5, the number of rfft frequencies of dimension #2}}
  %y = shodh.spectral_conv_grad_weight %x, %dy {modes = array<i64: 6>} : (tensor<2x4x8xf32>, tensor<2x4x8xf32>) -> tensor<4x4x6xcomplex<f32>>
  return %y : tensor<4x4x6xcomplex<f32>>
}

// -----

func.func @f(%x: tensor<2x4x8xf32>, %dy: tensor<2x4x8x8xf32>) -> tensor<4x4x3xcomplex<f32>> {
  // expected-error @+1 {{'shodh.spectral_conv_grad_weight' op dy must have the input's rank 3, got 'tensor<2x4x8x8xf32>'}}
  %y = shodh.spectral_conv_grad_weight %x, %dy {modes = array<i64: 3>} : (tensor<2x4x8xf32>, tensor<2x4x8x8xf32>) -> tensor<4x4x3xcomplex<f32>>
  return %y : tensor<4x4x3xcomplex<f32>>
}

// -----

func.func @f(%x: tensor<2x3x8xf32>, %dy: tensor<2x5x8xf32>, %w: tensor<4x5x3xcomplex<f32>>) -> tensor<3x5x3xcomplex<f32>> {
  // expected-error @+1 {{'shodh.spectral_conv_grad' op input has 3 channels but the weight has 4 input channels}}
  %dx, %dw = shodh.spectral_conv_grad %x, %dy, %w {modes = array<i64: 3>} : (tensor<2x3x8xf32>, tensor<2x5x8xf32>, tensor<4x5x3xcomplex<f32>>) -> (tensor<2x4x8xf32>, tensor<3x5x3xcomplex<f32>>)
  return %dw : tensor<3x5x3xcomplex<f32>>
}

// -----

func.func @f(%x: tensor<2x4x8xf32>, %dy: tensor<2x4x8xf32>, %w: tensor<4x5x3xcomplex<f32>>) -> tensor<4x5x3xcomplex<f32>> {
  // expected-error @+1 {{'shodh.spectral_conv_grad' op dy has 4 channels but the weight has 5 output channels}}
  %dx, %dw = shodh.spectral_conv_grad %x, %dy, %w {modes = array<i64: 3>} : (tensor<2x4x8xf32>, tensor<2x4x8xf32>, tensor<4x5x3xcomplex<f32>>) -> (tensor<2x4x8xf32>, tensor<4x5x3xcomplex<f32>>)
  return %dw : tensor<4x5x3xcomplex<f32>>
}

// -----

func.func @f(%p: tensor<2x4xf32>, %t: tensor<2x5xf32>) -> tensor<1xf32> {
  // expected-error @+1 {{'shodh.mse_loss' op operand shapes 'tensor<2x4xf32>' and 'tensor<2x5xf32>' are incompatible}}
  %l = shodh.mse_loss %p, %t : (tensor<2x4xf32>, tensor<2x5xf32>) -> tensor<1xf32>
  return %l : tensor<1xf32>
}

// -----

func.func @f(%p: tensor<2xcomplex<f32>>) -> tensor<1xcomplex<f32>> {
  // expected-error @+1 {{'shodh.rel_l2_loss' op prediction must be a ranked tensor of f32 or f64, got 'tensor<2xcomplex<f32>>'}}
  %l = shodh.rel_l2_loss %p, %p : (tensor<2xcomplex<f32>>, tensor<2xcomplex<f32>>) -> tensor<1xcomplex<f32>>
  return %l : tensor<1xcomplex<f32>>
}

// -----

func.func @f(%p: tensor<2xf32>) -> tensor<1xf32> {
  // expected-error @+1 {{'shodh.grad_global_norm' op needs at least one gradient}}
  %n = shodh.grad_global_norm : () -> tensor<1xf32>
  return %n : tensor<1xf32>
}

// -----

func.func @f(%g: tensor<2xi32>) -> tensor<1xf32> {
  // expected-error @+1 {{'shodh.grad_global_norm' op gradients must be f32, f64 or complex tensors, got 'tensor<2xi32>'}}
  %n = shodh.grad_global_norm %g : (tensor<2xi32>) -> tensor<1xf32>
  return %n : tensor<1xf32>
}

// -----

func.func @f(%g: tensor<2xf32>, %n: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{'shodh.clip_by_norm' op norm must be tensor<1xf32>, got 'tensor<2xf32>'}}
  %c = shodh.clip_by_norm %g, %n {max_norm = 1.0 : f64} : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return %c : tensor<2xf32>
}

// -----

func.func @f(%g: tensor<2xf32>, %n: tensor<1xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{'shodh.clip_by_norm' op max_norm must be positive, got 0}}
  %c = shodh.clip_by_norm %g, %n {max_norm = 0.0 : f64} : (tensor<2xf32>, tensor<1xf32>) -> tensor<2xf32>
  return %c : tensor<2xf32>
}

// -----

shodh.param @w {init = {kind = "zeros"}} : tensor<2xf32>
shodh.state @m {init = {kind = "zeros"}} : tensor<2xf32>
shodh.state @step {init = {kind = "zeros"}} : tensor<1xi64>
func.func @f(%g: tensor<2xf32>, %lr: tensor<1xf32>) {
  // expected-error @+1 {{'shodh.adam' op beta1 must be >= 0 and < 1, got 1.5}}
  shodh.adam @w, %g, %lr {m = @m, v = @m, step = @step, beta1 = 1.5 : f64, beta2 = 0.999 : f64, eps = 1.0e-8 : f64, weight_decay = 0.0 : f64} : tensor<2xf32>, tensor<1xf32>
  return
}

// -----

shodh.param @w {init = {kind = "zeros"}} : tensor<2xf32>
shodh.state @m {init = {kind = "zeros"}} : tensor<2xf32>
shodh.state @step {init = {kind = "zeros"}} : tensor<1xi64>
func.func @f(%g: tensor<2xf32>, %lr: tensor<1xf32>) {
  // expected-error @+1 {{'shodh.adam' op eps must be > 0, got 0}}
  shodh.adam @w, %g, %lr {m = @m, v = @m, step = @step, beta1 = 0.9 : f64, beta2 = 0.999 : f64, eps = 0.0 : f64, weight_decay = 0.0 : f64} : tensor<2xf32>, tensor<1xf32>
  return
}

// -----

shodh.param @w {init = {kind = "zeros"}} : tensor<2xf32>
shodh.state @m {init = {kind = "zeros"}} : tensor<2xf32>
shodh.state @step {init = {kind = "zeros"}} : tensor<1xi64>
func.func @f(%g: tensor<2xf32>, %lr: tensor<1xf32>) {
  // expected-error @+1 {{'shodh.adam' op weight_decay must be >= 0, got -1}}
  shodh.adam @w, %g, %lr {m = @m, v = @m, step = @step, beta1 = 0.9 : f64, beta2 = 0.999 : f64, eps = 1.0e-8 : f64, weight_decay = -1.0 : f64} : tensor<2xf32>, tensor<1xf32>
  return
}

// -----

shodh.param @w {init = {kind = "zeros"}} : tensor<2xf32>
shodh.state @m {init = {kind = "zeros"}} : tensor<2xf32>
shodh.state @step {init = {kind = "zeros"}} : tensor<1xi64>
func.func @f(%g: tensor<2xf32>, %lr: tensor<f32>) {
  // expected-error @+1 {{'shodh.adam' op lr must be tensor<1xf32>, got 'tensor<f32>'}}
  shodh.adam @w, %g, %lr {m = @m, v = @m, step = @step, beta1 = 0.9 : f64, beta2 = 0.999 : f64, eps = 1.0e-8 : f64, weight_decay = 0.0 : f64} : tensor<2xf32>, tensor<f32>
  return
}

// -----

shodh.state @m {init = {kind = "zeros"}} : tensor<2xf32>
shodh.state @step {init = {kind = "zeros"}} : tensor<1xi64>
func.func @f(%g: tensor<2xf32>, %lr: tensor<1xf32>) {
  // expected-error @+1 {{'shodh.adam' op param @m must name a shodh.param}}
  shodh.adam @m, %g, %lr {m = @m, v = @m, step = @step, beta1 = 0.9 : f64, beta2 = 0.999 : f64, eps = 1.0e-8 : f64, weight_decay = 0.0 : f64} : tensor<2xf32>, tensor<1xf32>
  return
}

// -----

shodh.param @w {init = {kind = "zeros"}} : tensor<2xf32>
shodh.state @m {init = {kind = "zeros"}} : tensor<2xf32>
shodh.state @step {init = {kind = "zeros"}} : tensor<1xi64>
func.func @f(%g: tensor<3xf32>, %lr: tensor<1xf32>) {
  // expected-error @+1 {{'shodh.adam' op gradient type 'tensor<3xf32>' does not match parameter @w of type 'tensor<2xf32>'}}
  shodh.adam @w, %g, %lr {m = @m, v = @m, step = @step, beta1 = 0.9 : f64, beta2 = 0.999 : f64, eps = 1.0e-8 : f64, weight_decay = 0.0 : f64} : tensor<3xf32>, tensor<1xf32>
  return
}

// -----

shodh.param @w {init = {kind = "zeros"}} : tensor<2xf32>
shodh.state @m {init = {kind = "zeros"}} : tensor<2xf32>
shodh.state @v {init = {kind = "zeros"}} : tensor<2xf64>
shodh.state @step {init = {kind = "zeros"}} : tensor<1xi64>
func.func @f(%g: tensor<2xf32>, %lr: tensor<1xf32>) {
  // expected-error @+1 {{'shodh.adam' op v @v has type 'tensor<2xf64>' but the parameter has 'tensor<2xf32>'}}
  shodh.adam @w, %g, %lr {m = @m, v = @v, step = @step, beta1 = 0.9 : f64, beta2 = 0.999 : f64, eps = 1.0e-8 : f64, weight_decay = 0.0 : f64} : tensor<2xf32>, tensor<1xf32>
  return
}

// -----

shodh.param @w {init = {kind = "zeros"}} : tensor<2xf32>
func.func @f(%g: tensor<2xf32>, %lr: tensor<1xf32>) {
  // expected-error @+1 {{'shodh.adam' op m @w must name a shodh.state}}
  shodh.adam @w, %g, %lr {m = @w, v = @w, step = @w, beta1 = 0.9 : f64, beta2 = 0.999 : f64, eps = 1.0e-8 : f64, weight_decay = 0.0 : f64} : tensor<2xf32>, tensor<1xf32>
  return
}

// -----

shodh.state @step {init = {kind = "zeros"}} : tensor<1xi32>
func.func @f() {
  // expected-error @+1 {{'shodh.step_increment' op step @step must be tensor<1xi64>, got 'tensor<1xi32>'}}
  shodh.step_increment @step
  return
}

// -----

func.func @f() {
  // expected-error @+1 {{'shodh.step_increment' op step @nothing must name a shodh.state}}
  shodh.step_increment @nothing
  return
}

// -----

func.func @f(%x: tensor<2xf32>) {
  // expected-error @+1 {{kernel 'noop' must produce at least one result or write a tensor}}
  shodh.kernel "noop"(%x) : (tensor<2xf32>) -> ()
  return
}

// -----

func.func @f(%x: tensor<2xf32>) {
  // expected-error @+1 {{writes @f, which is not a shodh.param or shodh.state}}
  shodh.kernel "update"(%x) {writes = [@f]} : (tensor<2xf32>) -> ()
  return
}

// -----

func.func @f(%x: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{in_place must have one entry per result (1), got 2}}
  %y = shodh.kernel "scale"(%x) {in_place = array<i64: 0, 0>} : (tensor<2xf32>) -> tensor<2xf32>
  return %y : tensor<2xf32>
}

// -----

func.func @f(%x: tensor<2xf32>) -> tensor<2xf32> {
  %a = shodh.kernel "copy"(%x) : (tensor<2xf32>) -> tensor<2xf32>
  // expected-error @+1 {{in_place entry #0 is 3 but the call has 1 inputs}}
  %y = shodh.kernel "scale"(%a) {in_place = array<i64: 3>} : (tensor<2xf32>) -> tensor<2xf32>
  return %y : tensor<2xf32>
}

// -----

func.func @f(%x: tensor<2xf32>) -> tensor<3xf32> {
  %a = shodh.kernel "copy"(%x) : (tensor<2xf32>) -> tensor<2xf32>
  // expected-error @+1 {{result #0 of type 'tensor<3xf32>' cannot overwrite input #0 of type 'tensor<2xf32>'}}
  %y = shodh.kernel "scale"(%a) {in_place = array<i64: 0>} : (tensor<2xf32>) -> tensor<3xf32>
  return %y : tensor<3xf32>
}

// -----

func.func @f(%x: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{result #0 cannot overwrite input #0, an argument or persistent tensor; use 'writes'}}
  %y = shodh.kernel "scale"(%x) {in_place = array<i64: 0>} : (tensor<2xf32>) -> tensor<2xf32>
  return %y : tensor<2xf32>
}

// -----

func.func @f(%x: tensor<2xf32>) -> tensor<2xf32> {
  %a = shodh.kernel "copy"(%x) : (tensor<2xf32>) -> tensor<2xf32>
  // expected-error @+1 {{input #0 is overwritten in place but read by a later op}}
  %y = shodh.kernel "scale"(%a) {in_place = array<i64: 0>} : (tensor<2xf32>) -> tensor<2xf32>
  %z = shodh.kernel "add"(%a, %y) : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return %z : tensor<2xf32>
}

// -----

func.func @f(%x: tensor<2x3x8xf32>, %w: tensor<4x3xf32>, %r: tensor<2x5x8xf32>) -> tensor<2x4x8xf32> {
  // expected-error @+1 {{'shodh.linear_add' op residual dimension #1 is 5 but the linear map gives 4}}
  %y = shodh.linear_add %x, %w, %r : (tensor<2x3x8xf32>, tensor<4x3xf32>, tensor<2x5x8xf32>) -> tensor<2x4x8xf32>
  return %y : tensor<2x4x8xf32>
}

// -----

func.func @f(%dy: tensor<2x4x8xf32>, %w: tensor<4x3xf32>, %acc: tensor<2x3x9xf32>) -> tensor<2x3x8xf32> {
  // expected-error @+1 {{'shodh.linear_grad_input' op accumulate dimension #2 is 9 but dx has 8}}
  %dx = shodh.linear_grad_input %dy, %w, %acc : (tensor<2x4x8xf32>, tensor<4x3xf32>, tensor<2x3x9xf32>) -> tensor<2x3x8xf32>
  return %dx : tensor<2x3x8xf32>
}

// -----

func.func @f(%s: tensor<2x4x2xcomplex<f32>>, %dy: tensor<2x5x8xf32>, %w: tensor<4x5x3xcomplex<f32>>) -> tensor<4x5x3xcomplex<f32>> {
  // expected-error @+1 {{'shodh.spectral_conv_grad_saved' op spectrum dimension #2 is 2 but modes give 3}}
  %dx, %dw = shodh.spectral_conv_grad_saved %s, %dy, %w {modes = array<i64: 3>} : (tensor<2x4x2xcomplex<f32>>, tensor<2x5x8xf32>, tensor<4x5x3xcomplex<f32>>) -> (tensor<2x4x8xf32>, tensor<4x5x3xcomplex<f32>>)
  return %dw : tensor<4x5x3xcomplex<f32>>
}
