//===- TrainConfig.cpp - The training configuration -----------------------===//
//
// Implements reading and checking `shodh.train`. The table `kKeys` lists
// every key with its kind and the field it sets; each kind has one reader
// that checks the value (allowed strings, finite floats, float and integer
// ranges). Command-line overrides are parsed into the key's kind and then
// checked by the same readers.
//
//===----------------------------------------------------------------------===//
#include "dialect/TrainConfig.h"
#include "dialect/ShodhDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/Format.h"

#include <cmath>

using namespace mlir;
using namespace mlir::shodh;

namespace {

/// How a key's value is read and checked.
enum class KeyKind { Choice, Float, Int };

/// One key of `shodh.train`.
struct TrainKey {
  llvm::StringLiteral name;
  KeyKind kind;
  /// Choice: the allowed values.
  ArrayRef<llvm::StringLiteral> choices;
  /// Float, Int: the smallest allowed value; `open` excludes it.
  double low;
  bool open;
  /// Float: values must be below `high` when `bounded`.
  bool bounded;
  double high;
  /// The field the key sets.
  std::string TrainConfig::*text;
  double TrainConfig::*number;
  int64_t TrainConfig::*integer;
};

/// Builds a key with a fixed set of string values.
TrainKey choiceKey(llvm::StringLiteral name,
                   ArrayRef<llvm::StringLiteral> choices,
                   std::string TrainConfig::*field) {
  return {name, KeyKind::Choice, choices, 0,      false, false,
          0,    field,           nullptr, nullptr};
}

/// Builds a float key with values > low (`open`) or >= low, below `high`
/// when `bounded`.
TrainKey floatKey(llvm::StringLiteral name, double low, bool open,
                  double TrainConfig::*field, bool bounded = false,
                  double high = 0) {
  return {name,    KeyKind::Float, {},      low,   open,
          bounded, high,           nullptr, field, nullptr};
}

/// Builds an integer key with values >= low (> low when `open`).
TrainKey intKey(llvm::StringLiteral name, double low, bool open,
                int64_t TrainConfig::*field) {
  return {name, KeyKind::Int, {}, low, open, false, 0, nullptr, nullptr, field};
}

/// The allowed values of the string keys.
const llvm::StringLiteral kLosses[] = {"mse", "rel_l2"};
const llvm::StringLiteral kOptimizers[] = {"adam", "adamw"};
const llvm::StringLiteral kSchedules[] = {"constant", "cosine", "step"};

/// Every key of `shodh.train`, in serialization order.
const TrainKey kKeys[] = {
    choiceKey("loss", kLosses, &TrainConfig::loss),
    choiceKey("optimizer", kOptimizers, &TrainConfig::optimizer),
    floatKey("lr", 0.0, true, &TrainConfig::lr),
    floatKey("beta1", 0.0, false, &TrainConfig::beta1, true, 1.0),
    floatKey("beta2", 0.0, false, &TrainConfig::beta2, true, 1.0),
    floatKey("eps", 0.0, true, &TrainConfig::eps),
    floatKey("weight_decay", 0.0, false, &TrainConfig::weightDecay),
    floatKey("clip_norm", 0.0, false, &TrainConfig::clipNorm),
    choiceKey("schedule", kSchedules, &TrainConfig::schedule),
    intKey("warmup", 0, false, &TrainConfig::warmup),
    intKey("step_size", 0, true, &TrainConfig::stepSize),
    floatKey("gamma", 0.0, true, &TrainConfig::gamma),
};

/// Returns the table entry for `name`, or nullptr.
const TrainKey *findKey(StringRef name) {
  for (const TrainKey &key : kKeys)
    if (key.name == name)
      return &key;
  return nullptr;
}

/// Reads a string key that must be one of `key.choices`.
LogicalResult readChoice(function_ref<InFlightDiagnostic()> emitError,
                         const TrainKey &key, Attribute value,
                         TrainConfig &config) {
  auto text = dyn_cast<StringAttr>(value);
  if (text && llvm::is_contained(key.choices, text.getValue())) {
    config.*key.text = text.str();
    return success();
  }
  InFlightDiagnostic diag = emitError();
  diag << "shodh.train '" << key.name << "' must be one of ";
  llvm::interleaveComma(key.choices, diag,
                        [&](StringRef c) { diag << '"' << c << '"'; });
  return diag << ", got " << value;
}

/// Formats `value` the short way ("0.1", "1e-08").
std::string formatNumber(double value) {
  std::string text;
  llvm::raw_string_ostream(text) << llvm::format("%g", value);
  return text;
}

/// Checks `number` against the bounds of `key`.
LogicalResult checkBounds(function_ref<InFlightDiagnostic()> emitError,
                          const TrainKey &key, double number) {
  bool ok = (key.open ? number > key.low : number >= key.low) &&
            (!key.bounded || number < key.high);
  if (ok)
    return success();
  InFlightDiagnostic diag = emitError();
  diag << "shodh.train '" << key.name << "' must be "
       << (key.open ? "> " : ">= ") << formatNumber(key.low);
  if (key.bounded)
    diag << " and < " << formatNumber(key.high);
  return diag << ", got " << formatNumber(number);
}

/// Reads a float key (an integer literal is accepted too).
LogicalResult readFloat(function_ref<InFlightDiagnostic()> emitError,
                        const TrainKey &key, Attribute value,
                        TrainConfig &config) {
  double number;
  if (auto f = dyn_cast<FloatAttr>(value))
    number = f.getValueAsDouble();
  else if (auto i = dyn_cast<IntegerAttr>(value); i && !isa<BoolAttr>(value))
    number = static_cast<double>(i.getInt());
  else
    return emitError() << "shodh.train '" << key.name
                       << "' must be a number, got " << value;
  if (!std::isfinite(number))
    return emitError() << "shodh.train '" << key.name
                       << "' must be a finite number, got "
                       << formatNumber(number);
  if (failed(checkBounds(emitError, key, number)))
    return failure();
  config.*key.number = number;
  return success();
}

/// Reads an integer key.
LogicalResult readInt(function_ref<InFlightDiagnostic()> emitError,
                      const TrainKey &key, Attribute value,
                      TrainConfig &config) {
  auto i = dyn_cast<IntegerAttr>(value);
  if (!i || isa<BoolAttr>(value) || !i.getType().isInteger(64))
    return emitError() << "shodh.train '" << key.name
                       << "' must be an i64 integer, got " << value;
  if (failed(checkBounds(emitError, key, static_cast<double>(i.getInt()))))
    return failure();
  config.*key.integer = i.getInt();
  return success();
}

/// Reads one entry of `shodh.train`.
LogicalResult readEntry(function_ref<InFlightDiagnostic()> emitError,
                        NamedAttribute entry, TrainConfig &config) {
  const TrainKey *key = findKey(entry.getName().getValue());
  if (!key) {
    InFlightDiagnostic diag = emitError();
    diag << "unknown shodh.train key '" << entry.getName().getValue()
         << "'; expected one of: ";
    llvm::interleaveComma(kKeys, diag,
                          [&](const TrainKey &k) { diag << k.name; });
    return diag;
  }
  switch (key->kind) {
  case KeyKind::Choice:
    return readChoice(emitError, *key, entry.getValue(), config);
  case KeyKind::Float:
    return readFloat(emitError, *key, entry.getValue(), config);
  case KeyKind::Int:
    return readInt(emitError, *key, entry.getValue(), config);
  }
  return failure();
}

} // namespace

SmallVector<NamedAttribute> TrainConfig::toAttrs(MLIRContext *context) const {
  Builder b(context);
  SmallVector<NamedAttribute> attrs;
  for (const TrainKey &key : kKeys) {
    Attribute value;
    if (key.kind == KeyKind::Choice)
      value = b.getStringAttr(this->*key.text);
    else if (key.kind == KeyKind::Float)
      value = b.getF64FloatAttr(this->*key.number);
    else
      value = b.getI64IntegerAttr(this->*key.integer);
    attrs.push_back(b.getNamedAttr(key.name, value));
  }
  return attrs;
}

FailureOr<TrainConfig>
mlir::shodh::parseTrainConfig(function_ref<InFlightDiagnostic()> emitError,
                              Attribute value) {
  auto dict = dyn_cast<DictionaryAttr>(value);
  if (!dict)
    return emitError() << "shodh.train must be a dictionary, got " << value;
  TrainConfig config;
  for (NamedAttribute entry : dict)
    if (failed(readEntry(emitError, entry, config)))
      return failure();
  return config;
}

FailureOr<NamedAttribute>
mlir::shodh::parseTrainOverride(function_ref<InFlightDiagnostic()> emitError,
                                MLIRContext *context, StringRef key,
                                StringRef text) {
  Builder b(context);
  // Text that is not a number of the key's kind stays a string, which the
  // reader then rejects with the attribute's message.
  Attribute value = b.getStringAttr(text);
  const TrainKey *entry = findKey(key);
  double number;
  int64_t integer;
  if (entry && entry->kind == KeyKind::Float &&
      !text.trim().getAsDouble(number))
    value = b.getF64FloatAttr(number);
  if (entry && entry->kind == KeyKind::Int &&
      !text.trim().getAsInteger(10, integer))
    value = b.getI64IntegerAttr(integer);
  NamedAttribute named = b.getNamedAttr(key, value);
  TrainConfig scratch;
  if (failed(readEntry(emitError, named, scratch)))
    return failure();
  return named;
}

LogicalResult mlir::shodh::verifyTrainAttr(Operation *op, Attribute value) {
  if (!isa<ModuleOp>(op))
    return op->emitOpError("'") << kTrainAttr << "' belongs on the module";
  auto emitError = [&] { return op->emitOpError(); };
  return parseTrainConfig(emitError, value);
}

bool mlir::shodh::isTrainKey(StringRef name) {
  return findKey(name) != nullptr;
}
