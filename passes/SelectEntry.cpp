//===- SelectEntry.cpp - Inline calls, pick the compiled function ---------===//
//
// Implements --shodh-select-entry. A model may split itself into functions
// (encoder, decoder, latent step) and call them with `func.call`; the rest
// of the pipeline sees one straight-line @infer. The pass
//   0. fails unless @entry (with `require-entry`, set by shodhc: also the
//      default @infer) is a function with a body; with `require-entry` its
//      arguments and results must be tensors of f32 or f64, and nothing but
//      functions, parameters and states may stand at the module's top;
//   1. inlines every `func.call` of a function of the module (callees first
//      cloned into the caller, their arguments mapped to the call operands),
//      repeating until no call is left; a chain of calls deeper than
//      kMaxCallDepth (recursion) or more than kMaxInlinedOps copied ops is
//      an error;
//      A function holding shodh.repeat or shodh.pi_controller may be
//      inlined once only (a second copy would create its per-block
//      parameters or controller state twice);
//   2. erases private functions and every function that was called (its
//      body now lives in its callers; compiling it again would, e.g., expand
//      its shodh.repeat a second time), except `entry` (default @infer);
//   3. with `entry` = NAME: makes @NAME the model's @infer (an existing
//      @infer and every other function are erased) and erases the
//      parameters that nothing reads any more, so `shodhc --entry encode`
//      compiles just the encoder with the encoder's weights.
//
//===----------------------------------------------------------------------===//
#include "dialect/ControlOps.h"
#include "dialect/ShodhOps.h"
#include "passes/Passes.h"

#include "mlir/IR/IRMapping.h"
#include "mlir/IR/SymbolTable.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"

namespace mlir::shodh {
#define GEN_PASS_DEF_SHODHSELECTENTRY
#include "passes/Passes.h.inc"
} // namespace mlir::shodh

using namespace mlir;
using namespace mlir::shodh;

namespace {

/// The deepest chain of nested calls inlined before giving up (recursion).
constexpr int kMaxCallDepth = 32;

/// The most ops inlining may create: a bound on compile time and memory for
/// call trees that grow exponentially (a function calling another twice,
/// thirty levels deep).
constexpr int64_t kMaxInlinedOps = 200000;

/// Replaces `call` by a copy of its callee's body; adds the ops it created
/// to `created`.
LogicalResult inlineCall(func::CallOp call, ModuleOp module,
                         int64_t &created) {
  auto callee = module.lookupSymbol<func::FuncOp>(call.getCalleeAttr());
  if (!callee)
    return call.emitOpError("calls @")
           << call.getCallee() << ", which is not a function of the model";
  if (callee.isExternal() || !callee.getBody().hasOneBlock())
    return call.emitOpError("calls @")
           << call.getCallee()
           << ", which has no body or more than one block";
  IRMapping mapping;
  Block &body = callee.getBody().front();
  mapping.map(body.getArguments(), call.getOperands());
  // Snapshot first: for a call of the enclosing function the clones land in
  // the very block being copied.
  SmallVector<Operation *> ops = llvm::to_vector(llvm::map_range(
      body.without_terminator(), [](Operation &op) { return &op; }));
  created += static_cast<int64_t>(ops.size());
  if (created > kMaxInlinedOps)
    return call.emitOpError("inlining would create more than ")
           << kMaxInlinedOps << " ops";
  OpBuilder b(call);
  for (Operation *op : ops)
    b.clone(*op, mapping);
  Operation *ret = body.getTerminator();
  for (auto [result, value] : llvm::zip(call.getResults(), ret->getOperands()))
    result.replaceAllUsesWith(mapping.lookupOrDefault(value));
  call.erase();
  return success();
}

/// Fails if `call`'s callee holds a shodh.repeat or shodh.pi_controller and
/// was already inlined once (recorded in `inlined`): a second copy would
/// create the repeat's per-iteration parameters, or the controller's state,
/// a second time under the same names.
LogicalResult checkInlinedOnce(func::CallOp call, ModuleOp module,
                               llvm::StringMap<Operation *> &inlined) {
  auto callee = module.lookupSymbol<func::FuncOp>(call.getCalleeAttr());
  if (!callee)
    return success(); // inlineCall reports it
  bool stateful = false;
  callee.walk([&](Operation *op) {
    if (isa<RepeatOp, PiControllerOp>(op))
      stateful = true;
  });
  if (!stateful)
    return success();
  auto [it, first] = inlined.try_emplace(call.getCallee(), call);
  if (first)
    return success();
  return call.emitOpError("calls @")
         << call.getCallee()
         << " a second time; a function holding shodh.repeat or "
            "shodh.pi_controller can be inlined once only (its per-block "
            "parameters or controller state would be created twice)";
}

/// Inlines every call, outermost first, until none is left; adds the name
/// of every function called to `callees`.
LogicalResult inlineAllCalls(ModuleOp module, llvm::StringSet<> &callees) {
  int64_t created = 0;
  llvm::StringMap<Operation *> inlined;
  for (int depth = 0;; ++depth) {
    SmallVector<func::CallOp> calls;
    module.walk([&](func::CallOp call) { calls.push_back(call); });
    if (calls.empty())
      return success();
    if (depth == kMaxCallDepth)
      return calls.front().emitOpError("calls nest deeper than ")
             << kMaxCallDepth << " levels (is a function calling itself?)";
    for (func::CallOp call : calls) {
      callees.insert(call.getCallee());
      if (failed(checkInlinedOnce(call, module, inlined)) ||
          failed(inlineCall(call, module, created)))
        return failure();
    }
  }
}

/// Checks that the module has a function @entry with a body; `named` tells
/// whether the user named it (--entry) or it is the default @infer.
LogicalResult checkEntry(ModuleOp module, StringRef entry, bool named) {
  auto chosen = module.lookupSymbol<func::FuncOp>(entry);
  if (chosen && !chosen.isExternal())
    return success();
  std::string names;
  for (func::FuncOp f : module.getOps<func::FuncOp>())
    names += (names.empty() ? "@" : ", @") + f.getSymName().str();
  if (names.empty())
    names = "none";
  if (named)
    return module.emitError("--entry: the model has no function @")
           << entry << " (functions: " << names << ")";
  return module.emitError("the model has no function @infer with a body, "
                          "the program compiled by default (functions: ")
         << names << "); name the one to compile with --entry";
}

/// Fails on an op at the top of the module that is not a function, a
/// parameter or a state: it belongs to no program and would be dropped
/// without a word (a `shodh.read` written outside any function).
LogicalResult checkTopLevelOps(ModuleOp module) {
  for (Operation &op : module.getOps())
    if (!isa<func::FuncOp, ParamOp, StateOp>(op))
      return op.emitOpError("is outside every function; only func.func, "
                            "shodh.param and shodh.state may stand at the top "
                            "of a model");
  return success();
}

/// True for a ranked tensor of f32 or f64.
bool isFloatTensor(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  return tensor &&
         (tensor.getElementType().isF32() || tensor.getElementType().isF64());
}

/// Checks that the arguments and results of the compiled function are
/// tensors of f32 or f64: they are read from and written to data files,
/// and every kernel an integer or complex input could reach rejects it at
/// run time.
LogicalResult checkEntryTypes(func::FuncOp entry) {
  auto check = [&](TypeRange types, StringRef what,
                   StringRef role) -> LogicalResult {
    for (auto [i, type] : llvm::enumerate(types))
      if (!isFloatTensor(type))
        return entry.emitOpError(what)
               << " #" << i << " has type " << type << "; the " << role
               << " of a compiled program must be ranked tensors of f32 or "
                  "f64";
    return success();
  };
  return failure(
      failed(check(entry.getArgumentTypes(), "argument", "inputs")) ||
      failed(check(entry.getResultTypes(), "result", "outputs")));
}

/// Makes @entry the module's @infer, erasing every other function.
void selectEntry(ModuleOp module, StringRef entry) {
  auto chosen = module.lookupSymbol<func::FuncOp>(entry);
  for (func::FuncOp f :
       llvm::make_early_inc_range(module.getOps<func::FuncOp>()))
    if (f != chosen)
      f.erase();
  chosen.setSymName("infer");
  chosen.setPublic();
}

/// Erases parameters and states that no op refers to any more.
void eraseUnreadSymbols(ModuleOp module) {
  llvm::DenseSet<StringAttr> used;
  module.walk([&](Operation *op) {
    if (isa<ParamOp, StateOp>(op))
      return;
    for (NamedAttribute attr : op->getAttrs())
      attr.getValue().walk([&](FlatSymbolRefAttr ref) {
        used.insert(ref.getAttr());
      });
  });
  for (Operation &op : llvm::make_early_inc_range(module.getOps()))
    if (isa<ParamOp, StateOp>(op) &&
        !used.contains(SymbolTable::getSymbolName(&op)))
      op.erase();
}

struct SelectEntryPass
    : mlir::shodh::impl::ShodhSelectEntryBase<SelectEntryPass> {
  using ShodhSelectEntryBase::ShodhSelectEntryBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    StringRef keep = entry.empty() ? StringRef("infer") : StringRef(entry);
    if (requireEntry && failed(checkTopLevelOps(module)))
      return signalPassFailure();
    if ((!entry.empty() || requireEntry) &&
        failed(checkEntry(module, keep, !entry.empty())))
      return signalPassFailure();
    if (requireEntry &&
        failed(checkEntryTypes(module.lookupSymbol<func::FuncOp>(keep))))
      return signalPassFailure();
    llvm::StringSet<> callees;
    if (failed(inlineAllCalls(module, callees)))
      return signalPassFailure();
    for (func::FuncOp f :
         llvm::make_early_inc_range(module.getOps<func::FuncOp>()))
      if (keep != f.getSymName() &&
          (f.isPrivate() || callees.contains(f.getSymName())))
        f.erase();
    if (entry.empty())
      return;
    selectEntry(module, entry);
    eraseUnreadSymbols(module);
  }
};

} // namespace
