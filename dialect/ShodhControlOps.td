//===- ShodhControlOps.td ---------------------------------*- tablegen -*-===//
//
// Training-time control: auxiliary loss terms and the PI controller.
// Included from ShodhOps.td. `aux_loss` and `pi_controller` are written in
// @infer; `--shodh-build-training` turns them into the seeds of the backward
// graph (`aux_loss_grad`), reads of the controller's state and its in-place
// update (`pi_update`). docs/training.md § Auxiliary losses, § PI controller.
//
//===----------------------------------------------------------------------===//
#ifndef SHODH_CONTROL_OPS_TD
#define SHODH_CONTROL_OPS_TD

//===----------------------------------------------------------------------===//
// Auxiliary losses
//===----------------------------------------------------------------------===//

def Shodh_AuxLossOp : Shodh_Op<"aux_loss"> {
  let summary = "Adds a scalar term to the training objective";
  let description = [{
    Marks `value` (`tensor<1xf32>`) as a term of the training objective:
    `--shodh-build-training` makes @train_step minimise
    `loss + sum_i coefficient_i * weight_i * value_i` (the optional `weight`,
    a `tensor<1xf32>` such as the λ of a `shodh.pi_controller`, is a
    constant: no gradient flows into it). @train_step still returns the main
    loss, followed by every term's `value` as the output `aux.<name>`
    (`aux.<i>` without `name`, i counting the aux_loss ops of @infer); @eval
    returns them after the loss. In @infer the op has no effect and is
    erased with whatever only it used. `coefficient` is finite; `name`, if
    given, is non-empty and unique among the module's aux terms.

    ```mlir
    shodh.aux_loss %balance {coefficient = 1.0e-02 : f64, name = "balance"}
        : tensor<1xf32>
    shodh.aux_loss %kl, %lambda {coefficient = 1.0 : f64}
        : tensor<1xf32>, tensor<1xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$value,
                       Optional<AnyRankedTensor>:$weight,
                       F64Attr:$coefficient,
                       OptionalAttr<StrAttr>:$name);
  let assemblyFormat = [{
    $value (`,` $weight^)? attr-dict `:` type($value) (`,` type($weight)^)?
  }];
  let hasVerifier = 1;
}

def Shodh_AuxLossGradOp : Shodh_ComputeOp<"aux_loss_grad"> {
  let summary = "Seed of an auxiliary term's gradient: coefficient * weight";
  let description = [{
    The derivative of the training objective with respect to the value of a
    `shodh.aux_loss`: `coefficient * weight` (`coefficient` without
    `weight`), a `tensor<1xf32>`. Built by `--shodh-build-training` as the
    cotangent with which an aux term seeds the backward graph.

    ```mlir
    %seed = shodh.aux_loss_grad %lambda {coefficient = 1.0 : f64}
        : (tensor<1xf32>) -> tensor<1xf32>
    %c = shodh.aux_loss_grad {coefficient = 1.0e-02 : f64} : () -> tensor<1xf32>
    ```
  }];
  let arguments = (ins Optional<AnyRankedTensor>:$weight, F64Attr:$coefficient);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "($weight^)? attr-dict `:` functional-type(operands, results)";
}

//===----------------------------------------------------------------------===//
// PI controller
//===----------------------------------------------------------------------===//

def Shodh_PiControllerOp : Shodh_Op<"pi_controller", [MemoryEffects<[MemRead]>]> {
  let summary = "A stateful loss weight λ(t) driven by a PI controller";
  let description = [{
    Returns the current λ (`tensor<1xf32>`) of the controller `controller`.
    Its state lives in two `shodh.state`s that `--shodh-build-training`
    creates: `@pi.<controller>.lambda` (`tensor<1xf32>`, starting at
    `lambda0`) and `@pi.<controller>.integral` (`tensor<1xf64>`, zero). After
    every training step `shodh.pi_update` updates them from
    `e = measured - setpoint` (`measured` is a `tensor<1xf32>`; no gradient
    flows into it):

        u = lambda0 + kp * e + ki * integral
        integral' = integral + e, unless u is at or past a clamp and e
                    pushes further that way (conditional integration);
        λ' = clip(lambda0 + kp * e + ki * integral', lambda_min, lambda_max)

    With positive gains λ grows while `measured` exceeds `setpoint`. In
    @infer and @eval λ is only read. `kp` and `ki` are >= 0 and
    `lambda_min <= lambda0 <= lambda_max`, all finite; a controller name is
    used by one pi_controller only.

    ```mlir
    %lambda = shodh.pi_controller @balance %imbalance {setpoint = 1.0 : f64,
        kp = 0.5 : f64, ki = 0.05 : f64, lambda0 = 0.01 : f64,
        lambda_min = 0.0 : f64, lambda_max = 1.0 : f64}
        : (tensor<1xf32>) -> tensor<1xf32>
    ```
  }];
  let arguments = (ins FlatSymbolRefAttr:$controller,
                       AnyRankedTensor:$measured,
                       F64Attr:$setpoint, F64Attr:$kp, F64Attr:$ki,
                       F64Attr:$lambda0, F64Attr:$lambda_min,
                       F64Attr:$lambda_max);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $controller $measured attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Shodh_PiUpdateOp : Shodh_Op<"pi_update", [
    MemoryEffects<[MemRead, MemWrite]>,
    DeclareOpInterfaceMethods<SymbolUserOpInterface>,
    DeclareOpInterfaceMethods<Shodh_KernelOpInterface,
        ["getKernelInputs", "getKernelWrites"]>]> {
  let summary = "One PI controller step, updating its state in place";
  let description = [{
    Returns the λ held in the state `lambda` (`tensor<1xf32>`) before the
    update, then updates `lambda` and `integral` (`tensor<1xf64>`) in place
    from `measured` by the law of `shodh.pi_controller` (same attributes).
    `--shodh-build-training` puts one at the end of @train_step per
    controller. Lowers to the kernel `pi_update` with inputs
    (lambda, integral, measured), result λ and writes (lambda, integral).

    ```mlir
    %used = shodh.pi_update %imbalance {lambda = @pi.balance.lambda,
        integral = @pi.balance.integral, setpoint = 1.0 : f64, kp = 0.5 : f64,
        ki = 0.05 : f64, lambda0 = 0.01 : f64, lambda_min = 0.0 : f64,
        lambda_max = 1.0 : f64} : (tensor<1xf32>) -> tensor<1xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$measured,
                       FlatSymbolRefAttr:$lambda, FlatSymbolRefAttr:$integral,
                       F64Attr:$setpoint, F64Attr:$kp, F64Attr:$ki,
                       F64Attr:$lambda0, F64Attr:$lambda_min,
                       F64Attr:$lambda_max);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$measured attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

#endif // SHODH_CONTROL_OPS_TD
