//===- InitSpec.cpp - Parameter initialisation specs ----------------------===//
//
// Implements checking and resolution of `shodh.param` init specs. The table
// `kKinds` lists, for each kind, its required and optional fields. `fan` is
// an integer, an integer hyperparameter or an integer expression; for
// `uniform` it is optional and divides both bounds (0 = absent).
//
//===----------------------------------------------------------------------===//
#include "dialect/InitSpec.h"
#include "dialect/Hyperparams.h"
#include "dialect/IntExpr.h"

#include "llvm/ADT/STLExtras.h"

using namespace mlir;
using namespace mlir::shodh;

namespace {
/// The fields an init kind requires and accepts.
struct InitKind {
  llvm::StringLiteral name;
  std::initializer_list<llvm::StringLiteral> required;
  std::initializer_list<llvm::StringLiteral> optional;
};
} // namespace

static const InitKind kKinds[] = {
    {"zeros", {}, {}},
    {"ones", {}, {}},
    {"constant", {"a"}, {}},
    {"uniform", {"a", "b"}, {"fan", "seed"}},
    {"normal", {"a", "b"}, {"seed"}},
    {"fan_in_uniform", {"fan"}, {"seed"}},
};

/// Returns the table entry for `name`, or nullptr.
static const InitKind *findKind(StringRef name) {
  for (const InitKind &kind : kKinds)
    if (kind.name == name)
      return &kind;
  return nullptr;
}

bool mlir::shodh::initKindTakesSeed(StringRef name) {
  const InitKind *kind = findKind(name);
  return kind && llvm::is_contained(kind->optional, "seed");
}

/// Emits the error for an unknown kind, listing the valid ones.
static LogicalResult
reportUnknownKind(function_ref<InFlightDiagnostic()> emitError,
                  StringRef name) {
  InFlightDiagnostic diag = emitError();
  diag << "unknown init kind '" << name << "'; expected one of: ";
  llvm::interleaveComma(kKinds, diag,
                        [&](const InitKind &k) { diag << k.name; });
  return diag;
}

/// Checks that `init` holds exactly the fields `kind` requires or accepts.
static LogicalResult checkFields(function_ref<InFlightDiagnostic()> emitError,
                                 DictionaryAttr init, const InitKind &kind) {
  for (StringRef field : kind.required)
    if (!init.get(field))
      return emitError() << "init kind '" << kind.name << "' requires field '"
                         << field << "'";
  for (NamedAttribute entry : init) {
    StringRef field = entry.getName().getValue();
    if (field != "kind" && !llvm::is_contained(kind.required, field) &&
        !llvm::is_contained(kind.optional, field))
      return emitError() << "init kind '" << kind.name
                         << "' does not take field '" << field << "'";
  }
  return success();
}

/// Reads the numeric field `field` (float or integer) into `value` if present.
static LogicalResult readNumber(function_ref<InFlightDiagnostic()> emitError,
                                DictionaryAttr init, StringRef field,
                                double &value) {
  Attribute attr = init.get(field);
  if (!attr)
    return success();
  if (auto f = dyn_cast<FloatAttr>(attr))
    value = f.getValueAsDouble();
  else if (auto i = dyn_cast<IntegerAttr>(attr); i && !i.getType().isInteger(1))
    value = static_cast<double>(i.getInt());
  else
    return emitError() << "init field '" << field << "' must be a number, got "
                       << attr;
  return success();
}

/// Reads the optional non-negative integer `seed`.
static LogicalResult readSeed(function_ref<InFlightDiagnostic()> emitError,
                              DictionaryAttr init, uint64_t &seed) {
  Attribute attr = init.get("seed");
  if (!attr)
    return success();
  auto i = dyn_cast<IntegerAttr>(attr);
  std::optional<int64_t> v = i ? getInt64(i) : std::nullopt;
  if (!v || i.getType().isInteger(1) || *v < 0)
    return emitError()
           << "init field 'seed' must be a non-negative integer, got " << attr;
  seed = static_cast<uint64_t>(*v);
  return success();
}

/// Resolves a string `fan`: an integer hyperparameter name or an expression.
static LogicalResult
resolveFanText(function_ref<InFlightDiagnostic()> emitError, StringRef text,
               DictionaryAttr hyper, int64_t &fan) {
  if (isIntExprName(text)) {
    IntLookup found = lookupIntHyperparam(hyper, text, fan);
    if (found != IntLookup::Found)
      return reportIntLookupFailure(emitError, "init fan", text, found);
    return success();
  }
  FailureOr<int64_t> value =
      evaluateIntExpr(emitError, "init field 'fan'", text, hyper);
  if (failed(value))
    return failure();
  fan = *value;
  return success();
}

/// Reads the optional `fan`: a positive integer, an integer hyperparameter
/// or an integer expression over hyperparameters.
static LogicalResult readFan(function_ref<InFlightDiagnostic()> emitError,
                             DictionaryAttr init, DictionaryAttr hyper,
                             int64_t &fan) {
  Attribute attr = init.get("fan");
  if (!attr)
    return success();
  if (auto text = dyn_cast<StringAttr>(attr)) {
    if (failed(resolveFanText(emitError, text.getValue(), hyper, fan)))
      return failure();
  } else if (auto i = dyn_cast<IntegerAttr>(attr);
             i && !i.getType().isInteger(1)) {
    fan = i.getInt();
  } else {
    return emitError() << "init field 'fan' must be an integer, an integer "
                          "hyperparameter name or an integer expression, got "
                       << attr;
  }
  if (fan <= 0)
    return emitError() << "init field 'fan' (" << attr
                       << ") must be positive, got " << fan;
  return success();
}

/// Checks the relations between `a` and `b` for the random kinds.
static LogicalResult checkRange(function_ref<InFlightDiagnostic()> emitError,
                                const ResolvedInit &init) {
  if (init.kind == "uniform" && !(init.a < init.b))
    return emitError() << "init kind 'uniform' requires a < b, got a = "
                       << init.a << ", b = " << init.b;
  if (init.kind == "normal" && !(init.b > 0.0))
    return emitError() << "init kind 'normal' requires a positive std b, got "
                       << init.b;
  return success();
}

FailureOr<ResolvedInit>
mlir::shodh::resolveInitSpec(function_ref<InFlightDiagnostic()> emitError,
                             DictionaryAttr init, DictionaryAttr hyper) {
  auto kindAttr = dyn_cast_or_null<StringAttr>(init.get("kind"));
  if (!kindAttr)
    return emitError() << "init must have a string field 'kind'";
  const InitKind *kind = findKind(kindAttr.getValue());
  if (!kind)
    return reportUnknownKind(emitError, kindAttr.getValue());
  ResolvedInit resolved;
  resolved.kind = kind->name.str();
  if (failed(checkFields(emitError, init, *kind)) ||
      failed(readNumber(emitError, init, "a", resolved.a)) ||
      failed(readNumber(emitError, init, "b", resolved.b)) ||
      failed(readSeed(emitError, init, resolved.seed)) ||
      failed(readFan(emitError, init, hyper, resolved.fan)) ||
      failed(checkRange(emitError, resolved)))
    return failure();
  return resolved;
}
