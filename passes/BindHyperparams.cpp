//===- BindHyperparams.cpp - Bind hyperparameters and dims ----------------===//
//
// Implements --shodh-bind-hyperparams: applies `key=value` overrides to the
// module's `shodh.hyperparams` (parsing each value as the declared kind) and
// `train.key=value` overrides to its `shodh.train` (parsed and checked as
// that key of the configuration; the module must have one), then rewrites
// the types of parameters, state and function arguments from their dims
// specs, and op attributes written with hyperparameters
// (HyperparamAttrOpInterface: `modes`, `sizes`, `last_size`, `count`) into
// their bound forms. The batch symbol "B" becomes `batch` if positive, else
// `?`.
//
//===----------------------------------------------------------------------===//
#include "dialect/DimsSpec.h"
#include "dialect/HyperparamAttrs.h"
#include "dialect/Hyperparams.h"
#include "dialect/ShodhOps.h"
#include "dialect/TrainConfig.h"
#include "passes/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"

namespace mlir::shodh {
#define GEN_PASS_DEF_SHODHBINDHYPERPARAMS
#include "passes/Passes.h.inc"
} // namespace mlir::shodh

using namespace mlir;
using namespace mlir::shodh;

namespace {

/// Overrides of `shodh.train` entries start with this ("train.lr=3e-4").
constexpr llvm::StringLiteral kTrainOverridePrefix = "train.";

/// Parses `text` as a value of the same kind (and type) as `declared`;
/// returns null if it does not parse.
Attribute parseOverrideValue(Attribute declared, StringRef text) {
  Builder b(declared.getContext());
  switch (*classifyHyperparam(declared)) {
  case HyperparamKind::Integer: {
    int64_t value;
    if (text.trim().getAsInteger(10, value))
      return {};
    return b.getIntegerAttr(cast<IntegerAttr>(declared).getType(), value);
  }
  case HyperparamKind::Float: {
    double value;
    if (text.trim().getAsDouble(value))
      return {};
    return b.getFloatAttr(cast<FloatAttr>(declared).getType(), value);
  }
  case HyperparamKind::Bool:
    if (text == "true" || text == "1")
      return b.getBoolAttr(true);
    if (text == "false" || text == "0")
      return b.getBoolAttr(false);
    return {};
  case HyperparamKind::String:
    return b.getStringAttr(text);
  }
  return {};
}

/// Splits the override `text` into its trimmed key and its value.
FailureOr<std::pair<StringRef, StringRef>> splitOverride(ModuleOp module,
                                                         StringRef text) {
  auto [key, value] = text.split('=');
  if (!text.contains('=') || key.trim().empty())
    return module.emitError("malformed hyperparameter override '")
           << text << "'; expected key=value";
  return std::make_pair(key.trim(), value);
}

/// Applies the override `text` = "train.`key`=`value`" to `entries`, the
/// module's `shodh.train` entries.
LogicalResult applyTrainOverride(ModuleOp module, StringRef text, StringRef key,
                                 StringRef value, NamedAttrList &entries) {
  if (!module->hasAttr(kTrainAttr))
    return module.emitError("override '")
           << text
           << "': the model has no shodh.train configuration; add one to "
              "the module or compile with --train";
  auto emitError = [&] {
    return module.emitError("override '") << text << "': ";
  };
  FailureOr<NamedAttribute> entry =
      parseTrainOverride(emitError, module.getContext(), key, value);
  if (failed(entry))
    return failure();
  entries.set(entry->getName(), entry->getValue());
  return success();
}

/// Applies the override `key=value` of a declared hyperparameter to
/// `entries`.
LogicalResult applyOverride(ModuleOp module, DictionaryAttr declared,
                            StringRef key, StringRef value,
                            NamedAttrList &entries) {
  Attribute old = declared ? declared.get(key) : Attribute();
  if (!old && key == "B")
    return module.emitError("'B' is the batch dimension, not a "
                            "hyperparameter: fix it with shodhc --batch N "
                            "(the model declares: ")
           << listHyperparamNames(declared) << ")";
  if (!old && isTrainKey(key))
    return module.emitError("unknown hyperparameter '")
           << key << "'; did you mean 'train." << key
           << "' (the training configuration's " << key
           << ")? The model declares: " << listHyperparamNames(declared);
  if (!old)
    return module.emitError("unknown hyperparameter '")
           << key << "'; the model declares: " << listHyperparamNames(declared);
  Attribute parsed = parseOverrideValue(old, value);
  if (!parsed)
    return module.emitError("hyperparameter '")
           << key << "' is declared as "
           << hyperparamKindName(*classifyHyperparam(old)) << " (" << old
           << "); cannot parse '" << value << "'";
  entries.set(key, parsed);
  return success();
}

/// Resolves `dims` into a ranked tensor type with `elementType`.
FailureOr<RankedTensorType>
resolveType(function_ref<InFlightDiagnostic()> emitError, ArrayAttr dims,
            Type elementType, DictionaryAttr hyper, DimsContext context,
            int64_t batch) {
  FailureOr<SmallVector<int64_t>> sizes =
      resolveDimsSpec(emitError, dims, hyper, context, batch);
  if (failed(sizes))
    return failure();
  return RankedTensorType::get(*sizes, elementType);
}

/// Rewrites the type of a parameter or state `param` from its dims spec.
template <typename OpT>
LogicalResult bindGlobal(OpT param, DictionaryAttr hyper) {
  ArrayAttr dims = param.getDimsAttr();
  if (!dims)
    return success();
  auto emitError = [&] { return param.emitOpError(); };
  FailureOr<RankedTensorType> type =
      resolveType(emitError, dims, param.getTensorType().getElementType(),
                  hyper, DimsContext::Param, ShapedType::kDynamic);
  if (failed(type))
    return failure();
  param.setType(*type);
  return success();
}

/// Checks that no static dimension of argument type `type` is changed
/// through the batch symbol: a "B" entry on an axis the type fixes would
/// silently turn that axis into the batch size.
LogicalResult checkBatchEntries(function_ref<InFlightDiagnostic()> emitError,
                                ArrayAttr dims, RankedTensorType type,
                                RankedTensorType bound) {
  for (auto [index, entry] : llvm::enumerate(dims)) {
    auto name = dyn_cast<StringAttr>(entry);
    int64_t fixed = type.getDimSize(index);
    if (!name || name.getValue() != kBatchSymbol ||
        ShapedType::isDynamic(fixed) || bound.getDimSize(index) == fixed)
      continue;
    return emitError() << "dims entry #" << index << " is the batch dimension '"
                       << kBatchSymbol << "' but dimension #" << index << " is "
                       << fixed << " in the type " << type
                       << "; write '?' there to take the batch size, or give "
                          "that axis its own size";
  }
  return success();
}

/// Rewrites the argument types of `func` from their `shodh.dims`; result
/// types follow the return.
LogicalResult bindFunction(func::FuncOp func, DictionaryAttr hyper,
                           int64_t batch) {
  SmallVector<Type> inputs(func.getArgumentTypes());
  for (unsigned i = 0, e = inputs.size(); i < e; ++i) {
    auto dims = func.getArgAttrOfType<ArrayAttr>(i, kDimsAttr);
    auto tensor = dyn_cast<RankedTensorType>(inputs[i]);
    if (!dims || !tensor)
      continue;
    auto emitError = [&] {
      return func.emitOpError("argument #") << i << " " << kDimsAttr << ": ";
    };
    FailureOr<RankedTensorType> type =
        resolveType(emitError, dims, tensor.getElementType(), hyper,
                    DimsContext::Argument, batch);
    if (failed(type) ||
        failed(checkBatchEntries(emitError, dims, tensor, *type)))
      return failure();
    inputs[i] = *type;
    if (!func.isExternal())
      func.getArgument(i).setType(*type);
  }
  // Results follow the return, which may return an argument directly.
  TypeRange results =
      func.isExternal()
          ? TypeRange(func.getResultTypes())
          : TypeRange(func.getBody().back().getTerminator()->getOperandTypes());
  func.setFunctionType(FunctionType::get(func.getContext(), inputs, results));
  return success();
}

/// The pass: overrides, then params, then function signatures.
struct BindHyperparamsPass
    : mlir::shodh::impl::ShodhBindHyperparamsBase<BindHyperparamsPass> {
  using Base::Base;

  /// Applies all overrides ("train.*" ones to `shodh.train`, the others to
  /// `shodh.hyperparams`) and stores the new dictionaries on the module.
  LogicalResult applyOverrides(ModuleOp module) {
    DictionaryAttr declared = getHyperparams(module);
    NamedAttrList entries(declared ? declared.getValue()
                                   : ArrayRef<NamedAttribute>());
    auto train = dyn_cast_or_null<DictionaryAttr>(module->getAttr(kTrainAttr));
    NamedAttrList trainEntries(train ? train.getValue()
                                     : ArrayRef<NamedAttribute>());
    for (const std::string &text : set) {
      FailureOr<std::pair<StringRef, StringRef>> split =
          splitOverride(module, text);
      if (failed(split))
        return failure();
      auto [key, value] = *split;
      LogicalResult applied =
          key.consume_front(kTrainOverridePrefix)
              ? applyTrainOverride(module, text, key, value, trainEntries)
              : applyOverride(module, declared, key, value, entries);
      if (failed(applied))
        return failure();
    }
    if (declared || !entries.empty())
      module->setAttr(kHyperparamsAttr, entries.getDictionary(&getContext()));
    if (train)
      module->setAttr(kTrainAttr, trainEntries.getDictionary(&getContext()));
    return success();
  }

  /// Resolves every param and function signature.
  LogicalResult bindTypes(ModuleOp module) {
    if (batch < 0)
      return module.emitError("batch must be positive (or 0 to keep 'B' "
                              "symbolic), got ")
             << static_cast<int64_t>(batch);
    // Calls between functions would keep their old operand types while
    // their callee's signature changes.
    WalkResult calls = module.walk([](func::CallOp call) {
      call.emitOpError("calls @")
          << call.getCallee()
          << "; --shodh-bind-hyperparams rewrites every function's signature "
             "on its own, which would leave this call's types stale: run "
             "--shodh-select-entry first (it inlines calls)";
      return WalkResult::interrupt();
    });
    if (calls.wasInterrupted())
      return failure();
    DictionaryAttr hyper = getHyperparams(module);
    int64_t batchSize = batch > 0 ? int64_t(batch) : ShapedType::kDynamic;
    for (ParamOp param : module.getOps<ParamOp>())
      if (failed(bindGlobal(param, hyper)))
        return failure();
    for (StateOp state : module.getOps<StateOp>())
      if (failed(bindGlobal(state, hyper)))
        return failure();
    for (func::FuncOp func : module.getOps<func::FuncOp>())
      if (failed(bindFunction(func, hyper, batchSize)))
        return failure();
    return bindOpAttrs(module, hyper);
  }

  /// Binds the hyperparameter attributes of every op in `module`.
  LogicalResult bindOpAttrs(ModuleOp module, DictionaryAttr hyper) {
    WalkResult result = module.walk([&](HyperparamAttrOpInterface op) {
      return failed(bindHyperparamAttrs(op, hyper)) ? WalkResult::interrupt()
                                                    : WalkResult::advance();
    });
    return failure(result.wasInterrupted());
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (failed(applyOverrides(module)) || failed(bindTypes(module)))
      signalPassFailure();
  }
};

} // namespace
