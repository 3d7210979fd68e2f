//===- ExpandRepeats.cpp - Unroll shodh.repeat ----------------------------===//
//
// Implements --shodh-expand-repeats: every `shodh.repeat` (innermost first)
// is replaced by `count` copies of its body, each copy reading the values
// yielded by the previous one. Parameter reads inside copy i are redirected
// to per-iteration parameters `@p_i`, created next to the template `@p` with
// the init seed s replaced by s * 1000 + i (a missing seed counts as 0;
// zeros / ones / constant inits take no seed and are copied as they are), so
// every layer has its own weights and its own random stream. Templates that
// nothing reads afterwards are erased. A seed whose instance seed overflows
// 64 bits, and a repeat that would create more than kMaxExpandedOps ops, are
// errors.
//
//===----------------------------------------------------------------------===//
#include "dialect/HyperparamAttrs.h"
#include "dialect/InitSpec.h"
#include "dialect/ShodhOps.h"
#include "passes/Passes.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/Support/MathExtras.h"

namespace mlir::shodh {
#define GEN_PASS_DEF_SHODHEXPANDREPEATS
#include "passes/Passes.h.inc"
} // namespace mlir::shodh

using namespace mlir;
using namespace mlir::shodh;

namespace {

/// The factor separating the seeds of a template's instances.
constexpr int64_t kSeedStride = 1000;

/// The most ops one repeat may create (count times its body): a bound on
/// compile time and memory for a mistyped or hostile count.
constexpr int64_t kMaxExpandedOps = 100000;

/// Creates the per-iteration instances of parameters read in repeat bodies.
class ParamInstancer {
public:
  /// Creates an instancer for the parameters of `module`.
  explicit ParamInstancer(ModuleOp module) : module(module), symbols(module) {}

  /// Starts expanding `repeat`: its instances are created afresh.
  /// Every parameter the body reads is a template, also when `count` is 0
  /// and no instance is made (it is then erased if nothing else reads it).
  void beginRepeat(RepeatOp repeat) {
    current = repeat;
    instances.clear();
    repeat.getBody().walk([&](ReadOp read) {
      if (ParamOp param = read.getParamOp())
        templates.insert(param);
    });
  }

  /// Redirects `read` to the instance of its parameter for `iteration`.
  LogicalResult redirect(ReadOp read, int64_t iteration) {
    FailureOr<StringAttr> name = getInstance(read, iteration);
    if (failed(name))
      return failure();
    read.setParamAttr(FlatSymbolRefAttr::get(*name));
    return success();
  }

  /// Erases every template that nothing reads any more.
  void eraseUnusedTemplates() {
    for (ParamOp param : templates)
      if (SymbolTable::symbolKnownUseEmpty(param.getSymNameAttr(), module))
        symbols.erase(param);
  }

private:
  /// Returns the name of the instance read by `read` in `iteration`,
  /// creating the parameter the first time.
  FailureOr<StringAttr> getInstance(ReadOp read, int64_t iteration) {
    ParamOp param = read.getParamOp();
    if (!param) {
      if (SymbolTable::lookupNearestSymbolFrom<StateOp>(read,
                                                        read.getParamAttr()))
        return read.emitOpError("reads the state ")
               << read.getParamAttr()
               << " inside shodh.repeat; only a shodh.param gets one "
                  "instance per iteration (read the state before the repeat "
                  "and pass it in as an operand)";
      return read.emitOpError("unknown parameter ") << read.getParamAttr();
    }
    auto key = std::make_pair(param.getOperation(), iteration);
    auto it = instances.find(key);
    if (it != instances.end())
      return it->second;
    FailureOr<ParamOp> instance = createInstance(read, param, iteration);
    if (failed(instance))
      return failure();
    instances[key] = instance->getSymNameAttr();
    return instance->getSymNameAttr();
  }

  /// The init seed of `param` (0 if it has none).
  static int64_t baseSeed(ParamOp param) {
    auto seed = dyn_cast_or_null<IntegerAttr>(param.getInit().get("seed"));
    return seed ? seed.getInt() : 0;
  }

  /// Returns the init spec of `param` with the seed of `iteration`, or
  /// failure if that seed overflows 64-bit integers.
  static FailureOr<DictionaryAttr> instanceInit(ParamOp param,
                                                int64_t iteration) {
    auto kind = dyn_cast_or_null<StringAttr>(param.getInit().get("kind"));
    if (!kind || !initKindTakesSeed(kind.getValue()))
      return param.getInit(); // zeros, ones, constant: nothing to vary
    int64_t scaled = 0, seed = 0;
    if (llvm::MulOverflow(baseSeed(param), kSeedStride, scaled) ||
        llvm::AddOverflow(scaled, iteration, seed))
      return failure();
    NamedAttrList init(param.getInit());
    init.set("seed", Builder(param.getContext()).getI64IntegerAttr(seed));
    return init.getDictionary(param.getContext());
  }

  /// Creates `@<param>_<iteration>` after the last instance of `param`.
  FailureOr<ParamOp> createInstance(ReadOp read, ParamOp param,
                                    int64_t iteration) {
    std::string name =
        (param.getSymName() + "_" + std::to_string(iteration)).str();
    if (symbols.lookup(name))
      return current.emitOpError("cannot create @")
             << name << " for iteration " << iteration << " of @"
             << param.getSymName() << ": the symbol already exists";
    FailureOr<DictionaryAttr> init = instanceInit(param, iteration);
    if (failed(init))
      return current.emitOpError("cannot create @")
             << name << ": its init seed " << baseSeed(param) << " * "
             << kSeedStride << " + " << iteration
             << " overflows 64-bit integers";
    auto instance = cast<ParamOp>(param->clone());
    instance.setSymName(name);
    instance.setInitAttr(*init);
    Operation *&after = lastInstance[param];
    if (!after)
      after = param;
    symbols.insert(instance, std::next(Block::iterator(after)));
    after = instance;
    return instance;
  }

  ModuleOp module;
  SymbolTable symbols;
  /// The repeat being expanded (errors are reported on it).
  RepeatOp current;
  /// Templates that got instances, in order of first use.
  llvm::SetVector<ParamOp> templates;
  /// The instance of (template, iteration) in the current repeat.
  llvm::DenseMap<std::pair<Operation *, int64_t>, StringAttr> instances;
  /// The last instance created of each template (the insertion point).
  llvm::DenseMap<Operation *, Operation *> lastInstance;
};

/// Clones the body of `repeat` once, as iteration `iteration`, before
/// `repeat`; `values` holds the body arguments and receives the yield.
LogicalResult cloneIteration(RepeatOp repeat, int64_t iteration,
                             SmallVectorImpl<Value> &values,
                             ParamInstancer &instancer) {
  Block &body = repeat.getBody().front();
  OpBuilder builder(repeat);
  IRMapping mapping;
  mapping.map(body.getArguments(), values);
  for (Operation &op : body.without_terminator()) {
    Operation *clone = builder.clone(op, mapping);
    WalkResult result = clone->walk([&](ReadOp read) {
      return failed(instancer.redirect(read, iteration))
                 ? WalkResult::interrupt()
                 : WalkResult::advance();
    });
    if (result.wasInterrupted())
      return failure();
  }
  for (auto [index, value] :
       llvm::enumerate(body.getTerminator()->getOperands()))
    values[index] = mapping.lookupOrDefault(value);
  return success();
}

/// Replaces `repeat` by `count` copies of its body.
LogicalResult expandRepeat(RepeatOp repeat, ParamInstancer &instancer) {
  FailureOr<int64_t> count = resolveHyperparamInt(repeat, "count");
  if (failed(count))
    return failure();
  int64_t bodyOps = 0;
  repeat.getBody().walk([&](Operation *) { ++bodyOps; });
  if (*count > 0 && bodyOps > kMaxExpandedOps / *count)
    return repeat.emitOpError("count ")
           << *count << " times a body of " << bodyOps
           << " ops exceeds the limit of " << kMaxExpandedOps
           << " ops per expanded repeat";
  instancer.beginRepeat(repeat);
  SmallVector<Value> values(repeat.getInits());
  for (int64_t iteration = 0; iteration < *count; ++iteration)
    if (failed(cloneIteration(repeat, iteration, values, instancer)))
      return failure();
  repeat.replaceAllUsesWith(values);
  repeat.erase();
  return success();
}

/// Makes the result types of `func` those of its return.
void updateResultTypes(func::FuncOp func) {
  if (func.isExternal())
    return;
  Operation *terminator = func.getBody().back().getTerminator();
  func.setFunctionType(FunctionType::get(func.getContext(),
                                         func.getArgumentTypes(),
                                         terminator->getOperandTypes()));
}

/// The pass: expands every repeat, innermost first.
struct ExpandRepeatsPass
    : mlir::shodh::impl::ShodhExpandRepeatsBase<ExpandRepeatsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<RepeatOp> repeats;
    module.walk<WalkOrder::PostOrder>(
        [&](RepeatOp repeat) { repeats.push_back(repeat); });
    if (repeats.empty())
      return;
    ParamInstancer instancer(module);
    for (RepeatOp repeat : repeats)
      if (failed(expandRepeat(repeat, instancer)))
        return signalPassFailure();
    instancer.eraseUnusedTemplates();
    for (func::FuncOp func : module.getOps<func::FuncOp>())
      updateResultTypes(func);
  }
};

} // namespace
