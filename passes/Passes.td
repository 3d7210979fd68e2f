//===- Passes.td - Passes over the shodh dialect -----------*- tablegen -*-===//
//
// Declares the shodh compiler passes in pipeline order. Each has a
// `--shodh-...` flag and a lit test named after the flag in test/passes/.
//
//===----------------------------------------------------------------------===//
#ifndef SHODH_PASSES_TD
#define SHODH_PASSES_TD

include "mlir/Pass/PassBase.td"

def ShodhSelectEntry : Pass<"shodh-select-entry", "::mlir::ModuleOp"> {
  let summary = "Inline calls between the model's functions, pick the entry";
  let description = [{
    Inlines every `func.call` of a function of the module (repeatedly; call
    chains deeper than 32 levels or creating more than 200000 ops are an
    error), then erases private functions and every function that was
    called (its body lives on in its callers), except `entry`. With `entry` = NAME, the function @NAME becomes the model's
    `@infer` (the old @infer and all other functions are erased) and
    parameters and states that nothing refers to any more are erased, so
    one model file can hold an encoder, a decoder and a latent step, each
    compiled alone (`shodhc --entry encode`). With `require-entry` (set by
    shodhc) a module without a function @infer that has a body is an error
    even when no `entry` is named, and so are arguments or results of the
    compiled function that are not tensors of f32 or f64. Runs first in the
    pipeline.
  }];
  let options = [
    Option<"entry", "entry", "std::string", /*default=*/"\"\"",
           "Function compiled as @infer (empty: keep @infer)">,
    Option<"requireEntry", "require-entry", "bool", /*default=*/"false",
           "Fail unless the module has @infer (or `entry`) with a body "
           "(shodhc sets it: a model file without its program is useless)">,
  ];
  let dependentDialects = ["::mlir::func::FuncDialect"];
}

def ShodhBindHyperparams : Pass<"shodh-bind-hyperparams", "::mlir::ModuleOp"> {
  let summary = "Override hyperparameters and resolve symbolic dims into types";
  let description = [{
    Applies `set` overrides (`key=value`, parsed according to the declared
    kind of `key`) to the module's `shodh.hyperparams` (`train.KEY=value`
    replaces or adds KEY of the `shodh.train` configuration, checked like
    the attribute itself), then resolves every
    `dims` of `shodh.param` and every `shodh.dims` of function arguments into
    concrete tensor types, and op attributes written with hyperparameters
    (`modes = ["modes", "modes"]`, `last_size = "res"`, `count = "layers-1"`)
    into their bound forms (`array<i64: ...>`, `i64`). The batch symbol `B`
    becomes `batch` when it is positive and stays dynamic otherwise. Function
    signatures are updated.
  }];
  let options = [
    ListOption<"set", "set", "std::string",
               "Hyperparameter overrides, each 'key=value'">,
    Option<"batch", "batch", "int64_t", /*default=*/"0",
           "Batch size bound to the dimension 'B' (0 keeps it symbolic)">,
  ];
  let dependentDialects = ["::mlir::func::FuncDialect"];
}

def ShodhExpandRepeats : Pass<"shodh-expand-repeats", "::mlir::ModuleOp"> {
  let summary = "Unroll shodh.repeat bodies with per-iteration parameters";
  let description = [{
    Replaces every `shodh.repeat` (innermost first) by `count` copies of its
    body, chaining each copy's yielded values into the next; `count` 0
    forwards the operands. In copy i, every `shodh.read @p` reads the new
    parameter `@p_i`, a copy of `@p` placed after it whose init seed s
    becomes s * 1000 + i (a missing seed counts as 0; the deterministic
    kinds zeros, ones and constant are copied unchanged). A template parameter
    that nothing reads afterwards is erased; an existing symbol named `@p_i`
    is an error. Function result types follow the return. Runs right after
    `--shodh-bind-hyperparams`, so `count` is usually bound; an unbound
    count is resolved with the module's hyperparameters.
  }];
}

def ShodhPromoteF64 : Pass<"shodh-promote-f64", "::mlir::ModuleOp"> {
  let summary = "Compile the model in double precision (inference only)";
  let description = [{
    Rewrites every f32 of the module into f64 and every complex<f32> into
    complex<f64>: parameter and state types, function signatures, block
    arguments, op result types, and f32 float and dense attributes (values
    widened exactly). The module's `shodh.train` configuration is dropped,
    so the pipeline builds no training programs (the optimizer and loss
    kernels are f32). Every op is then verified in its f64 form; an op
    without one (e.g. `shodh.attention`) is reported with its own message
    and a note naming the option. `shodhc --precision f64` runs it after
    `--shodh-expand-repeats`; f32 weights are widened when loaded
    (`shodh-run infer --weights`).
  }];
}

def ShodhInferShapes : Pass<"shodh-infer-shapes", "::mlir::ModuleOp"> {
  let summary = "Re-infer result types through every function";
  let description = [{
    Walks each function in order: `shodh.read` takes its parameter's type, ops
    implementing InferTypeOpInterface get their inferred result types, and the
    function's result types follow its return. Inference failures are
    reported as errors at the op.
  }];
}

def ShodhFuseSpectral : Pass<"shodh-fuse-spectral", "::mlir::ModuleOp"> {
  let summary = "Fuse rfft-truncate-contract-pad-irfft chains into spectral_conv";
  let description = [{
    Rewrites `irfft(spectral_pad(spectral_contract(spectral_truncate(rfft(x)),
    w)))` into `spectral_conv(x, w)` when the chain is exactly the FNO
    spectral convolution: every intermediate has one use; x has rank d + 2
    with d = `ndims` of both FFTs = the number of modes; both norms are
    `"backward"`; the pad's modes equal the truncation's; and the pad's
    sizes, the rfft input's grid and the irfft output's grid are the same
    static sizes (`last_size` included). Run after shape inference.
  }];
}

def ShodhFuseExperts : Pass<"shodh-fuse-experts", "::mlir::ModuleOp"> {
  let summary = "Fuse dispatch -> expert op -> combine layers into shodh.moe";
  let description = [{
    Rewrites `combine(expert(dispatch(tokens, ids)), gates, source, offsets)`
    into `shodh.moe(tokens, ids, gates, params...)` when the three ops form
    one closed layer: the expert op (expert_mlp or expert_fno) reads the
    dispatch's `sorted` and `offsets`, the combine reads the expert's result
    and the same dispatch's `source` and `offsets`, `sorted`, `source` and
    the expert's result have no other users, `offsets` no users besides the
    expert op and the combine, and `num_experts` is bound. Runs before
    autodiff (shodh.moe has its own gradient rule); `--no-fuse` skips it.
  }];
}

def ShodhFuseChannelMlp : Pass<"shodh-fuse-channel-mlp", "::mlir::ModuleOp"> {
  let summary = "Fuse linear -> gelu -> linear over a channel axis into shodh.channel_mlp";
  let description = [{
    Rewrites `linear(gelu(linear(x, w1, b1)), w2, b2)` into
    `shodh.channel_mlp(x, w1, b1, w2, b2)` when both linear maps have a
    bias, act on the same `axis`, which is not the last dimension (a
    channel-first field: the kernel tiles over the positions after the
    axis), the operands are f32, and the first linear's and the GELU's
    results have no other users. The hidden activations then never become
    tensors: the kernel computes them in tiles and the gradient recomputes
    them, so training keeps only x (docs/compiler.md § Fusion). Runs before
    autodiff; `--no-fuse` skips it.
  }];
}

def ShodhFuseElementwise : Pass<"shodh-fuse-elementwise", "::mlir::ModuleOp"> {
  let summary = "Fuse additions into GEMMs, Fourier layers and their gradients, "
                "an MLP head with its MSE loss, a linear's parameter gradients "
                "(after autodiff)";
  let description = [{
    After autodiff, every `shodh.add %a, %b` where one operand is the only
    use of a `shodh.linear` (without a residual) becomes
    `shodh.linear_add` (y = W x + b + other operand), and where one operand
    is the only use of a `shodh.linear_grad_input` without an accumulator
    it becomes that op with the other operand as `accumulate`. The kernels
    write the other operand into the output and let the GEMM accumulate on
    it, so the add's separate pass over memory disappears (in an FNO layer:
    the skip path's `linear` + the spectral branch in the forward pass, the
    two input gradients in the backward pass). Both operands must have the
    result's type.

    Then a whole Fourier layer `gelu(linear_add(x', W, spectral_conv(x, w),
    b))`, the spectral result and the sum each used once (inference: in a
    training program `gelu_grad` also reads the sum), becomes
    `shodh.spectral_conv_add(x, w, linear(x', W, b)) {activation = "gelu"}`
    (`"gelu_tanh"` for the tanh GELU): the spectral branch is added and the
    GELU applied grid by grid while each grid is in cache, so neither the
    spectral result nor the pre-activation sum is a tensor; and when that
    linear reads the same x over axis 1 and has no other use, the whole
    layer becomes `shodh.fourier_layer(x, w, W, b)`, whose kernel writes the
    skip product into the output itself. A layer without GELU, or whose sum
    a gradient also reads (every layer of a training program, the GELU then
    a separate op), `linear_add(x, W, spectral_conv(x, w), b)`, becomes a
    fourier_layer with activation "none". In the backward pass,
    `linear_grad_input(dy, W, spectral_conv_grad(x, dy, w)#0)` becomes
    `shodh.fourier_layer_grad(x, dy, w, W)` and a following `gelu_grad(pre,
    ..)` folds into it (created where all uses of the replaced results
    follow). Last, a `shodh.channel_mlp` whose result feeds only
    `shodh.mse_loss` / `shodh.mse_loss_grad` against one target, with the
    `shodh.channel_mlp_grad` of that loss gradient, becomes
    `shodh.channel_mlp_mse_grad` (loss and all gradients from one pass over
    the MLP's tiles, created where the channel_mlp was), and a
    `shodh.linear_grad_weight(x, dy)` with a `shodh.linear_grad_bias(dy)` of
    the same dy and axis becomes `shodh.linear_grad_params` (dy read once),
    which joins a `shodh.fourier_layer_grad` of the same x and dy (axis 1:
    the layer's skip) as `shodh.fourier_layer_grad_params`.
    Run after shape inference.
  }];
}

def ShodhShareSpectra : Pass<"shodh-share-spectra", "::mlir::ModuleOp"> {
  let summary = "Let spectral_conv_grad reuse the forward pass's spectrum of x";
  let description = [{
    After autodiff, a `shodh.spectral_conv_grad %x, %dy, %w {modes}` whose
    `%x` also feeds a `shodh.spectral_conv %x, %w2 {modes}` (same modes) in
    the same block turns that forward op into `shodh.spectral_conv_save`,
    which also returns the truncated spectrum of x it computes anyway, and
    the gradient into `shodh.spectral_conv_grad_saved` reading it: one
    transform of x fewer per layer and training step, for B·I·(2m..m)
    complex values kept from the forward to the backward pass. A
    `shodh.fourier_layer` reading x becomes `shodh.fourier_layer_save` the
    same way, and a `shodh.fourier_layer_grad` or
    `shodh.fourier_layer_grad_params` reading x takes the saved spectrum as
    its first operand (the params form keeps x as the skip's input).
  }];
}

def ShodhFuseLayerActivation
    : Pass<"shodh-fuse-layer-activation", "::mlir::ModuleOp"> {
  let summary = "Compute a training layer's GELU inside its fourier_layer_save";
  let description = [{
    In a training program each Fourier layer's pre-activation is read by
    its GELU and by the backward's GELU' (so `--shodh-fuse-elementwise`
    leaves the GELU apart). A `shodh.gelu` of a `shodh.fourier_layer_save`'s
    result (activation `"none"`) becomes that op's third result
    (`activated_output = "gelu"`, or `"gelu_tanh"` for the tanh GELU): the
    kernel applies it to each block of the layer's output while it is in
    cache and writes both, instead of a separate kernel reading the
    pre-activation back from memory. Where the pre-activation is then read
    only by layer gradients as their `pre` (the same activation), the layer
    returns the GELU's derivative instead (`derivative_result`, computed
    with the GELU, sharing Φ) and the gradients multiply by it (activation
    `"derivative"`): GELU' is no longer computed from scratch in the
    backward. Run after `--shodh-share-spectra`.
  }];
}

def ShodhBuildTraining : Pass<"shodh-build-training", "::mlir::ModuleOp"> {
  let summary = "Synthesize @train_step and @eval from @infer";
  let description = [{
    When the module has a `shodh.train` configuration (or with `force`,
    using the defaults), builds from `@infer(%x...) -> %y`:
    - `@eval(%x..., %target) -> (%y, %loss)`: the forward pass and the loss;
    - `@train_step(%x..., %target, %lr: tensor<1xf32>) -> %loss`: the
      forward pass, the loss, reverse-mode autodiff over the cloned ops
      (GradientOpInterface; cotangents of values with several uses are
      summed with `shodh.add`; the loss's gradient op seeds it), the
      gradient of every parameter read (summed over its reads), optional
      global-norm clipping (`grad_global_norm` + `clip_by_norm` per
      gradient), `shodh.step_increment @train.step`, then one `shodh.adam`
      per parameter, updating it and its states `<param>.adam_m` and
      `<param>.adam_v` (zeros, the parameter's type) in place.
    `shodh.aux_loss` terms seed the backward graph with `aux_loss_grad`
    (c·weight) and are returned after the loss as `aux.<name>` (also by
    @eval); each `shodh.pi_controller` gets the states `pi.<name>.lambda`
    and `pi.<name>.integral`, is read in every program and updated by a
    `shodh.pi_update` at the end of @train_step (returned as `pi.<name>`);
    @eval also returns `routing.<i>.experts` (and `.offsets`, `.energy`)
    per `shodh.top_k`. @infer loses its aux terms (also without a training
    configuration). `@infer` must have one result and no region ops (run
    `--shodh-expand-repeats` first); `@eval`, `@train_step` and the state
    symbols must not exist yet. Runs after `--shodh-fuse-spectral`, so the
    backward graph uses the fused ops' own gradients.
  }];
  let options = [
    Option<"force", "force", "bool", /*default=*/"false",
           "Build the training programs with the default configuration "
           "when the module has no shodh.train">,
  ];
  // It creates shodh ops even in a module that has none yet.
  let dependentDialects = ["::mlir::func::FuncDialect",
                           "::mlir::shodh::ShodhDialect"];
}

def ShodhLowerToKernels : Pass<"shodh-lower-to-kernels", "::mlir::ModuleOp"> {
  let summary = "Replace compute ops by shodh.kernel calls";
  let description = [{
    Replaces every op implementing KernelOpInterface by `shodh.kernel` with
    the op's kernel name and attributes. Optimizer ops read the parameters
    and state they update (new `shodh.read`s as kernel inputs) and list them
    in `writes`; `clip_by_norm` marks its result `in_place`. `shodh.read`,
    `shodh.kernel` and `func.return` stay; any other op in a function is an
    error.
  }];
}

def ShodhLifetimes : Pass<"shodh-lifetimes", "::mlir::ModuleOp"> {
  let summary = "Number kernel calls and annotate activation live ranges";
  let description = [{
    On lowered functions: makes every returned value the result of its own
    kernel call (inserting `shodh.kernel "copy"` for returned arguments,
    parameter reads and repeated values), then sets `shodh.index` on each
    call, `shodh.live` (one [first, last] range per result) on each call and
    `shodh.live` on each function argument. Returned values live until N,
    the number of calls.
  }];
  // The copies are shodh ops, also in a module that has none yet.
  let dependentDialects = ["::mlir::shodh::ShodhDialect"];
}

def ShodhSerialize : Pass<"shodh-serialize", "::mlir::ModuleOp"> {
  let summary = "Write the lowered, annotated module as a model file";
  let description = [{
    Translates the module (after `--shodh-lifetimes`) into a model file
    (runtime/format/model.fbs) and writes it atomically to `output`.
  }];
  let options = [
    Option<"output", "output", "std::string", /*default=*/"",
           "Path of the model file to write">,
    Option<"target", "target", "std::string", /*default=*/"\"cpu\"",
           "Target recorded in the model file">,
  ];
}

#endif // SHODH_PASSES_TD
