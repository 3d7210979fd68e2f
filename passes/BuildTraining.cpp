//===- BuildTraining.cpp - Synthesize the training programs ---------------===//
//
// Implements --shodh-build-training. From `@infer(%x...) -> %y` and the
// module's `shodh.train` configuration it builds
//
//   @eval(%x..., %target) -> (%y, %loss)
//   @train_step(%x..., %target, %lr: tensor<1xf32>) -> %loss
//
// Both clone @infer's body and add the loss op. `@train_step` then runs
// reverse-mode autodiff over the cloned ops: `requiresGrad` marks the values
// that depend on a parameter read; the loss's gradient rule seeds the
// backward graph (d(loss) = 1); the ops are visited in reverse and each
// asks its GradientOpInterface for the cotangents of the operands that need
// one, summing several contributions to one value with `shodh.add`. The
// gradient of a parameter is the sum over its reads. With `clip_norm` > 0
// the gradients are scaled by `clip_by_norm` against their
// `grad_global_norm`. Finally `shodh.step_increment @train.step` and one
// `shodh.adam` per parameter update everything in place through symbols:
// parameters are never copied. The moments `<param>.adam_m/_v` and the
// counter `train.step` are new `shodh.state` symbols (zeros).
//
// Auxiliary terms (`shodh.aux_loss`) seed the backward graph together with
// the loss and are returned after it; PI controllers become reads of their
// state, updated by `shodh.pi_update` at the end of @train_step; @eval also
// returns the routing tensors (TrainingTerms.h). @infer keeps neither aux
// terms nor controllers.
//
//===----------------------------------------------------------------------===//
#include "dialect/ShodhOps.h"
#include "dialect/TrainConfig.h"
#include "passes/Passes.h"
#include "passes/TrainingTerms.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/MapVector.h"

namespace mlir::shodh {
#define GEN_PASS_DEF_SHODHBUILDTRAINING
#include "passes/Passes.h.inc"
} // namespace mlir::shodh

using namespace mlir;
using namespace mlir::shodh;

namespace {

/// The name of the step counter state.
constexpr llvm::StringLiteral kStepName = "train.step";

/// Returns the name of the Adam moment `which` ("m" or "v") of `param`.
std::string momentName(StringRef param, StringRef which) {
  return (param + ".adam_" + which).str();
}

/// A function being built from @infer: the function, the cloned prediction
/// and the target argument.
struct ClonedProgram {
  func::FuncOp func;
  Value prediction;
  Value target;
};

/// Returns `shodh.dims` for the target: static sizes as integers, dynamic
/// ones as the batch symbol.
ArrayAttr targetDims(Builder &b, RankedTensorType type) {
  SmallVector<Attribute> dims;
  for (int64_t size : type.getShape())
    dims.push_back(ShapedType::isDynamic(size)
                       ? Attribute(b.getStringAttr(kBatchSymbol))
                       : Attribute(b.getI64IntegerAttr(size)));
  return b.getArrayAttr(dims);
}

/// Creates `name` after `after` with @infer's arguments, a target of the
/// prediction's type and `extra` arguments named `extraNames`, and clones
/// @infer's body (without its return) into it.
ClonedProgram cloneInfer(func::FuncOp infer, Operation *after, StringRef name,
                         ArrayRef<Type> extra, ArrayRef<StringRef> extraNames) {
  OpBuilder b(after->getContext());
  b.setInsertionPointAfter(after);
  auto ret = cast<func::ReturnOp>(infer.getBody().back().getTerminator());
  auto predType = cast<RankedTensorType>(ret.getOperand(0).getType());
  SmallVector<Type> inputs(infer.getArgumentTypes());
  inputs.push_back(predType);
  inputs.append(extra.begin(), extra.end());
  auto func = b.create<func::FuncOp>(infer.getLoc(), name,
                                     b.getFunctionType(inputs, {}));
  for (unsigned i = 0, e = infer.getNumArguments(); i < e; ++i)
    func.setArgAttrs(i, infer.getArgAttrDict(i));
  unsigned targetIndex = infer.getNumArguments();
  func.setArgAttr(targetIndex, kDimsAttr, targetDims(b, predType));
  func.setArgAttr(targetIndex, kNameAttr, b.getStringAttr("target"));
  for (auto [i, extraName] : llvm::enumerate(extraNames))
    func.setArgAttr(targetIndex + 1 + i, kNameAttr, b.getStringAttr(extraName));

  Block *body = func.addEntryBlock();
  IRMapping mapping;
  mapping.map(infer.getArguments(),
              body->getArguments().take_front(infer.getNumArguments()));
  b.setInsertionPointToEnd(body);
  for (Operation &op : infer.getBody().front().without_terminator())
    b.clone(op, mapping);
  return {func, mapping.lookup(ret.getOperand(0)),
          body->getArgument(targetIndex)};
}

/// Creates the configured loss of `program` at the end of its body.
Operation *createLoss(OpBuilder &b, const TrainConfig &config,
                      ClonedProgram program) {
  Location loc = program.func.getLoc();
  if (config.loss == "rel_l2")
    return b.create<RelL2LossOp>(loc, program.prediction, program.target);
  return b.create<MseLossOp>(loc, program.prediction, program.target);
}

/// Ends `func` with `return values` (result names `names`) and sets its
/// type.
void finishFunction(OpBuilder &b, func::FuncOp func, ValueRange values,
                    ArrayRef<DictionaryAttr> resultAttrs) {
  b.create<func::ReturnOp>(func.getLoc(), values);
  func.setFunctionType(
      b.getFunctionType(func.getArgumentTypes(), values.getTypes()));
  for (auto [i, attrs] : llvm::enumerate(resultAttrs))
    func.setResultAttrs(i, attrs);
}

/// Reverse-mode differentiation of one cloned program body.
class Differentiator {
public:
  /// Prepares to differentiate the ops of `body` before `loss`.
  Differentiator(OpBuilder &builder, Block &body, Operation *loss)
      : builder(builder), loss(loss) {
    for (Operation &op : body) {
      if (&op == loss)
        break;
      forward.push_back(&op);
      if (op.use_empty())
        deadBefore.insert(&op);
    }
    markRequiresGrad();
  }

  /// Builds the backward graph; fills `paramGrads` with the gradient of each
  /// parameter that influences the loss, in the order of first reads.
  /// `seeds` are extra (value, cotangent) pairs: the auxiliary terms.
  LogicalResult run(llvm::MapVector<StringAttr, Value> &paramGrads,
                    ArrayRef<std::pair<Value, Value>> seeds = {}) {
    if (failed(backward(loss, {Value()})))
      return failure();
    for (auto [value, seed] : seeds)
      if (requiresGrad.contains(value))
        accumulate(value, seed);
    for (Operation *op : llvm::reverse(forward)) {
      SmallVector<Value> resultGrads;
      for (Value result : op->getResults())
        resultGrads.push_back(grads.lookup(result));
      if (isa<ReadOp>(op) ||
          llvm::all_of(resultGrads, [](Value g) { return !g; }))
        continue;
      if (failed(backward(op, resultGrads)))
        return failure();
    }
    collectParamGrads(paramGrads);
    eraseDeadForward();
    return success();
  }

private:
  /// Marks parameter reads and every value computed from one.
  void markRequiresGrad() {
    for (Operation *op : forward) {
      auto read = dyn_cast<ReadOp>(op);
      bool needs = read ? bool(read.getParamOp())
                        : llvm::any_of(op->getOperands(), [&](Value v) {
                            return requiresGrad.contains(v);
                          });
      if (needs)
        requiresGrad.insert(op->result_begin(), op->result_end());
    }
  }

  /// Applies the gradient rule of `op` to `resultGrads`.
  LogicalResult backward(Operation *op, ArrayRef<Value> resultGrads) {
    auto rule = dyn_cast<GradientOpInterface>(op);
    if (!rule)
      return op->emitOpError("has no gradient rule; --shodh-build-training "
                             "cannot differentiate it");
    SmallVector<bool> needed;
    for (Value operand : op->getOperands())
      needed.push_back(requiresGrad.contains(operand));
    SmallVector<Value> operandGrads;
    if (failed(rule.buildGradient(builder, resultGrads, needed, operandGrads)))
      return failure();
    for (auto [operand, grad] : llvm::zip(op->getOperands(), operandGrads))
      accumulate(operand, grad);
    return success();
  }

  /// Adds `grad` to the cotangent of `value`.
  void accumulate(Value value, Value grad) {
    if (!grad)
      return;
    Value &slot = grads[value];
    slot = slot ? builder.create<AddOp>(loss->getLoc(), slot, grad).getResult()
                : grad;
  }

  /// Erases the side-effect-free forward ops that differentiation left
  /// without users, last first: a gradient rule may replace its op by an
  /// equivalent chain (shodh.moe expands into dispatch -> expert ->
  /// combine). Ops that had no users before are left alone.
  void eraseDeadForward() {
    for (Operation *op : llvm::reverse(forward))
      if (!deadBefore.contains(op) && op->use_empty() &&
          isMemoryEffectFree(op))
        op->erase();
    forward.clear();
  }

  /// Sums the cotangents of the reads of each parameter.
  void collectParamGrads(llvm::MapVector<StringAttr, Value> &paramGrads) {
    for (Operation *op : forward) {
      auto read = dyn_cast<ReadOp>(op);
      Value grad = read ? grads.lookup(read.getResult()) : Value();
      if (!grad || !read.getParamOp())
        continue;
      Value &slot = paramGrads[read.getParamAttr().getAttr()];
      slot = slot
                 ? builder.create<AddOp>(loss->getLoc(), slot, grad).getResult()
                 : grad;
    }
  }

  OpBuilder &builder;
  Operation *loss;
  /// The forward ops, in order.
  SmallVector<Operation *> forward;
  /// Forward ops that had no users before differentiation.
  llvm::DenseSet<Operation *> deadBefore;
  /// Values that depend on a parameter.
  llvm::DenseSet<Value> requiresGrad;
  /// The cotangent of each value that has one.
  llvm::DenseMap<Value, Value> grads;
};

/// The pass.
struct BuildTrainingPass
    : mlir::shodh::impl::ShodhBuildTrainingBase<BuildTrainingPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (!module->hasAttr(kTrainAttr)) {
      if (!force)
        return stripInferOnly(module);
      module->setAttr(kTrainAttr, DictionaryAttr::get(&getContext()));
    }
    auto emitError = [&] { return module.emitError(); };
    FailureOr<TrainConfig> config =
        parseTrainConfig(emitError, module->getAttr(kTrainAttr));
    FailureOr<func::FuncOp> infer = checkModule(module);
    if (failed(config) || failed(infer))
      return signalPassFailure();
    FailureOr<func::FuncOp> trainStep = buildTrainStep(*infer, *config);
    if (failed(trainStep) || failed(buildEval(*infer, *trainStep, *config)))
      return signalPassFailure();
    createPiStates(module, *infer);
    stripTrainingTerms(*infer);
  }

private:
  /// Without training: @infer drops its aux terms, and its controllers
  /// become reads of their states.
  void stripInferOnly(ModuleOp module) {
    auto infer = module.lookupSymbol<func::FuncOp>("infer");
    if (!infer || infer.isExternal())
      return;
    if (failed(checkTrainingTerms(module, infer)))
      return signalPassFailure();
    createPiStates(module, infer);
    stripTrainingTerms(infer);
  }

  /// The result attributes {shodh.name = name}.
  static DictionaryAttr nameAttrs(Builder &b, StringRef name) {
    return b.getDictionaryAttr(
        b.getNamedAttr(kNameAttr, b.getStringAttr(name)));
  }

  /// Adds `outputs` to `values` and their names to `attrs`.
  static void addOutputs(Builder &b, ArrayRef<NamedOutput> outputs,
                         SmallVectorImpl<Value> &values,
                         SmallVectorImpl<DictionaryAttr> &attrs) {
    for (const NamedOutput &output : outputs) {
      values.push_back(output.value);
      attrs.push_back(nameAttrs(b, output.name));
    }
  }

  /// The aux terms as named outputs.
  static SmallVector<NamedOutput> auxOutputs(ArrayRef<AuxTerm> terms) {
    SmallVector<NamedOutput> outputs;
    for (const AuxTerm &term : terms)
      outputs.push_back({term.value, term.name});
    return outputs;
  }

  /// Finds @infer and checks the preconditions.
  FailureOr<func::FuncOp> checkModule(ModuleOp module) {
    auto infer = module.lookupSymbol<func::FuncOp>("infer");
    if (!infer || infer.isExternal())
      return module.emitError("--shodh-build-training needs a function "
                              "@infer with a body");
    for (StringRef name : {"train_step", "eval", kStepName.data()})
      if (module.lookupSymbol(name))
        return module.emitError("--shodh-build-training would create @")
               << name << ", which the module already defines";
    if (infer.getNumResults() != 1 ||
        !isa<RankedTensorType>(infer.getResultTypes()[0]))
      return infer.emitOpError("must return exactly one ranked tensor (the "
                               "prediction) to build training programs");
    auto prediction = cast<RankedTensorType>(infer.getResultTypes()[0]);
    Type element = prediction.getElementType();
    if (!element.isF32() && !element.isF64())
      return infer.emitOpError("returns a tensor of ")
             << element
             << "; training needs an f32 or f64 prediction (the loss "
                "compares it with a target of the same type)";
    if (llvm::is_contained(prediction.getShape(), 0))
      return infer.emitOpError("returns ")
             << prediction
             << ", which has no elements; training needs a prediction "
                "with a positive size on every axis (the target takes its "
                "shape)";
    if (failed(checkTrainingTerms(module, infer)))
      return failure();
    for (Operation &op : infer.getBody().front())
      if (op.getNumRegions() > 0)
        return op.emitOpError("has regions; run --shodh-expand-repeats "
                              "before --shodh-build-training");
    return infer;
  }

  /// Builds @eval after `after`.
  LogicalResult buildEval(func::FuncOp infer, Operation *after,
                          const TrainConfig &config) {
    ClonedProgram program = cloneInfer(infer, after, "eval", {}, {});
    expandRoutedMoes(program.func, program.prediction);
    // Controllers first: aux terms keep the λ reads as weights.
    bool hadControllers = !replacePiControllers(program.func).empty();
    SmallVector<AuxTerm> aux = takeAuxTerms(program.func);
    OpBuilder b = OpBuilder::atBlockEnd(&program.func.getBody().front());
    Operation *loss = createLoss(b, config, program);
    SmallVector<Value> values{program.prediction, loss->getResult(0)};
    SmallVector<DictionaryAttr> attrs{infer.getResultAttrDict(0),
                                      nameAttrs(b, "loss")};
    addOutputs(b, auxOutputs(aux), values, attrs);
    addOutputs(b, collectRoutingOutputs(program.func), values, attrs);
    finishFunction(b, program.func, values, attrs);
    if (!aux.empty() || hadControllers)
      eraseDeadOps(program.func); // e.g. λ reads nothing uses any more
    return success();
  }

  /// Builds @train_step after @infer.
  FailureOr<func::FuncOp> buildTrainStep(func::FuncOp infer,
                                         const TrainConfig &config) {
    OpBuilder b(&getContext());
    Type lrType = RankedTensorType::get({1}, b.getF32Type());
    ClonedProgram program =
        cloneInfer(infer, infer, "train_step", {lrType}, {"lr"});
    SmallVector<PiTerm> controllers = replacePiControllers(program.func);
    SmallVector<AuxTerm> aux = takeAuxTerms(program.func);
    Block &body = program.func.getBody().front();
    b.setInsertionPointToEnd(&body);
    Operation *loss = createLoss(b, config, program);
    SmallVector<std::pair<Value, Value>> seeds;
    for (const AuxTerm &term : aux)
      seeds.push_back({term.value, b.create<AuxLossGradOp>(
                                       term.value.getLoc(), term.weight,
                                       b.getF64FloatAttr(term.coefficient))});
    llvm::MapVector<StringAttr, Value> paramGrads;
    if (failed(Differentiator(b, body, loss).run(paramGrads, seeds)))
      return failure();
    if (config.clipNorm > 0.0)
      clipGradients(b, paramGrads, config.clipNorm);
    if (failed(createStates(infer->getParentOfType<ModuleOp>(), paramGrads)))
      return failure();
    applyOptimizer(b, paramGrads, body.getArguments().back(), config);
    SmallVector<Value> values{loss->getResult(0)};
    SmallVector<DictionaryAttr> attrs{nameAttrs(b, "loss")};
    addOutputs(b, auxOutputs(aux), values, attrs);
    addOutputs(b, appendPiUpdates(b, controllers), values, attrs);
    finishFunction(b, program.func, values, attrs);
    if (!aux.empty() || !controllers.empty())
      eraseDeadOps(program.func);
    return program.func;
  }

  /// Scales every gradient by clip_by_norm against their global norm; a
  /// gradient shared by several parameters is clipped once.
  void clipGradients(OpBuilder &b,
                     llvm::MapVector<StringAttr, Value> &paramGrads,
                     double maxNorm) {
    if (paramGrads.empty())
      return;
    Location loc = paramGrads.front().second.getLoc();
    SmallVector<Value> all;
    for (auto &entry : paramGrads)
      all.push_back(entry.second);
    Value norm = b.create<GradGlobalNormOp>(loc, all);
    llvm::DenseMap<Value, Value> clipped;
    for (auto &entry : paramGrads) {
      Value &slot = clipped[entry.second];
      if (!slot)
        slot = b.create<ClipByNormOp>(loc, entry.second, norm,
                                      b.getF64FloatAttr(maxNorm));
      entry.second = slot;
    }
  }

  /// Creates the moments of every trained parameter and the step counter
  /// after the last parameter.
  LogicalResult createStates(ModuleOp module,
                             const llvm::MapVector<StringAttr, Value> &grads) {
    Operation *last = nullptr;
    for (ParamOp param : module.getOps<ParamOp>())
      last = param;
    OpBuilder b(module.getContext());
    if (last)
      b.setInsertionPointAfter(last);
    else
      b.setInsertionPointToStart(module.getBody());
    DictionaryAttr zeros =
        b.getDictionaryAttr(b.getNamedAttr("kind", b.getStringAttr("zeros")));
    for (auto &entry : grads) {
      auto param = module.lookupSymbol<ParamOp>(entry.first);
      for (StringRef which : {"m", "v"}) {
        std::string name = momentName(entry.first.getValue(), which);
        if (module.lookupSymbol(name))
          return param.emitOpError("--shodh-build-training would create @")
                 << name << ", which the module already defines";
        b.create<StateOp>(param.getLoc(), b.getStringAttr(name),
                          param.getTypeAttr(), ArrayAttr(), zeros);
      }
    }
    b.create<StateOp>(
        module.getLoc(), b.getStringAttr(kStepName),
        TypeAttr::get(RankedTensorType::get({1}, b.getIntegerType(64))),
        ArrayAttr(), zeros);
    return success();
  }

  /// Increments the step counter, then updates every parameter.
  void applyOptimizer(OpBuilder &b,
                      const llvm::MapVector<StringAttr, Value> &grads, Value lr,
                      const TrainConfig &config) {
    Location loc = lr.getLoc();
    auto step = FlatSymbolRefAttr::get(b.getStringAttr(kStepName));
    b.create<StepIncrementOp>(loc, step);
    for (auto &entry : grads) {
      StringRef name = entry.first.getValue();
      b.create<AdamOp>(
          loc, FlatSymbolRefAttr::get(entry.first), entry.second, lr,
          FlatSymbolRefAttr::get(b.getStringAttr(momentName(name, "m"))),
          FlatSymbolRefAttr::get(b.getStringAttr(momentName(name, "v"))), step,
          b.getF64FloatAttr(config.beta1), b.getF64FloatAttr(config.beta2),
          b.getF64FloatAttr(config.eps), b.getF64FloatAttr(config.weightDecay),
          b.getBoolAttr(config.optimizer == "adamw"));
    }
  }
};

} // namespace
