//===- Hyperparams.cpp - Module hyperparameters ---------------------------===//
//
// Implements classification, lookup and verification of the
// `shodh.hyperparams` module attribute (names starting with "train." are
// reserved for the training configuration, "B" for the batch dimension).
//
//===----------------------------------------------------------------------===//
#include "dialect/Hyperparams.h"
#include "dialect/ShodhDialect.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/STLExtras.h"

using namespace mlir;
using namespace mlir::shodh;

std::optional<HyperparamKind> mlir::shodh::classifyHyperparam(Attribute value) {
  if (isa<BoolAttr>(value))
    return HyperparamKind::Bool;
  if (auto i = dyn_cast<IntegerAttr>(value))
    return i.getType().isSignlessInteger(1) ? HyperparamKind::Bool
                                            : HyperparamKind::Integer;
  if (isa<FloatAttr>(value))
    return HyperparamKind::Float;
  if (isa<StringAttr>(value))
    return HyperparamKind::String;
  return std::nullopt;
}

llvm::StringRef mlir::shodh::hyperparamKindName(HyperparamKind kind) {
  switch (kind) {
  case HyperparamKind::Integer:
    return "integer";
  case HyperparamKind::Float:
    return "float";
  case HyperparamKind::Bool:
    return "bool";
  case HyperparamKind::String:
    return "string";
  }
  return "unknown";
}

DictionaryAttr mlir::shodh::getHyperparams(ModuleOp module) {
  if (!module)
    return {};
  return dyn_cast_or_null<DictionaryAttr>(module->getAttr(kHyperparamsAttr));
}

DictionaryAttr mlir::shodh::getEnclosingHyperparams(Operation *op) {
  auto module = dyn_cast<ModuleOp>(op);
  if (!module)
    module = op->getParentOfType<ModuleOp>();
  return getHyperparams(module);
}

std::string mlir::shodh::listHyperparamNames(DictionaryAttr hyper) {
  if (!hyper || hyper.empty())
    return "none";
  std::string names;
  llvm::interleave(
      hyper.getValue(), [&](NamedAttribute a) { names += a.getName().str(); },
      [&] { names += ", "; });
  return names;
}

IntLookup mlir::shodh::lookupIntHyperparam(DictionaryAttr hyper,
                                           llvm::StringRef name,
                                           int64_t &value) {
  Attribute attr = hyper ? hyper.get(name) : Attribute();
  if (!attr)
    return IntLookup::Missing;
  if (classifyHyperparam(attr) != HyperparamKind::Integer)
    return IntLookup::NotInteger;
  value = cast<IntegerAttr>(attr).getInt();
  return IntLookup::Found;
}

LogicalResult mlir::shodh::reportIntLookupFailure(
    function_ref<InFlightDiagnostic()> emitError, llvm::StringRef what,
    llvm::StringRef name, IntLookup result) {
  if (result == IntLookup::NotInteger)
    return emitError() << what << " '" << name
                       << "' names a hyperparameter that is not an integer";
  return emitError() << what << " '" << name
                     << "' is not a hyperparameter of the module";
}

/// Verifies one entry of the hyperparameter dictionary.
static LogicalResult verifyHyperparamEntry(Operation *op,
                                           NamedAttribute entry) {
  // The model file records `shodh.train` as "train.<key>" hyperparameters,
  // and `shodhc --set train.<key>=...` overrides `shodh.train`.
  if (entry.getName().getValue().starts_with("train."))
    return op->emitOpError("hyperparameter '")
           << entry.getName().getValue()
           << "': names starting with 'train.' are reserved for the "
              "shodh.train configuration";
  // "B" in shodh.dims is the batch dimension; a hyperparameter of that name
  // could never be referred to (and `--set B=` would do nothing).
  if (entry.getName().getValue() == "B")
    return op->emitOpError("hyperparameter 'B': the name is reserved for the "
                           "batch dimension (\"B\" in shodh.dims; set it "
                           "with shodhc --batch)");
  if (auto i = dyn_cast<IntegerAttr>(entry.getValue());
      i && !i.getType().isIndex() && !getInt64(i))
    return op->emitOpError("hyperparameter '")
           << entry.getName().getValue() << "' = " << i
           << " does not fit in 64 bits";
  if (classifyHyperparam(entry.getValue()))
    return success();
  return op->emitOpError("hyperparameter '")
         << entry.getName().getValue()
         << "' must be an integer, float, bool or string, got "
         << entry.getValue();
}

LogicalResult mlir::shodh::verifyHyperparamsAttr(Operation *op,
                                                 Attribute value) {
  if (!isa<ModuleOp>(op))
    return op->emitOpError("'")
           << kHyperparamsAttr << "' is only allowed on builtin.module";
  auto dict = dyn_cast<DictionaryAttr>(value);
  if (!dict)
    return op->emitOpError("'") << kHyperparamsAttr << "' must be a dictionary";
  for (NamedAttribute entry : dict)
    if (failed(verifyHyperparamEntry(op, entry)))
      return failure();
  return success();
}
