//===- HyperparamAttrs.cpp - Op attributes using hyperparameters ---------===//
//
// Implements verification, binding and reading of the integer attributes
// declared by HyperparamAttrOpInterface. Lists reuse the entry rules of dims
// specs (DimsSpec.h); scalars are integer expressions (IntExpr.h).
//
//===----------------------------------------------------------------------===//
#include "dialect/HyperparamAttrs.h"
#include "dialect/DimsSpec.h"
#include "dialect/Hyperparams.h"
#include "dialect/IntExpr.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"

using namespace mlir;
using namespace mlir::shodh;

SmallVector<int64_t> mlir::shodh::getKnownInts(Attribute attr) {
  if (auto bound = dyn_cast_or_null<DenseI64ArrayAttr>(attr))
    return SmallVector<int64_t>(bound.asArrayRef());
  SmallVector<int64_t> values;
  if (auto list = dyn_cast_or_null<ArrayAttr>(attr))
    for (Attribute entry : list) {
      auto literal = dyn_cast<IntegerAttr>(entry);
      values.push_back(literal ? literal.getInt() : ShapedType::kDynamic);
    }
  return values;
}

int64_t mlir::shodh::getKnownInt(Attribute attr) {
  auto literal = dyn_cast_or_null<IntegerAttr>(attr);
  return literal ? literal.getInt() : ShapedType::kDynamic;
}

bool mlir::shodh::isBoundHyperparamAttr(Attribute attr) {
  return !attr || isa<DenseI64ArrayAttr, IntegerAttr>(attr);
}

/// Resolves the written scalar `text` of attribute `name`.
static FailureOr<int64_t>
resolveScalar(function_ref<InFlightDiagnostic()> emitError, StringRef name,
              StringRef text, DictionaryAttr hyper) {
  if (!isIntExprName(text))
    return evaluateIntExpr(emitError, name, text, hyper);
  int64_t value = 0;
  IntLookup found = lookupIntHyperparam(hyper, text, value);
  if (found != IntLookup::Found)
    return reportIntLookupFailure(emitError, name, text, found);
  return value;
}

/// Resolves attribute `name` = `attr` into its bound form.
static FailureOr<Attribute>
resolveAttr(function_ref<InFlightDiagnostic()> emitError, StringRef name,
            Attribute attr, DictionaryAttr hyper) {
  Builder builder(attr.getContext());
  if (auto list = dyn_cast<ArrayAttr>(attr)) {
    FailureOr<SmallVector<int64_t>> values =
        resolveIntList(emitError, name, list, hyper);
    if (failed(values))
      return failure();
    return Attribute(builder.getDenseI64ArrayAttr(*values));
  }
  auto text = dyn_cast<StringAttr>(attr);
  if (!text)
    return emitError() << "'" << name << "' must be an integer, an integer "
                       << "list or an integer expression, got " << attr;
  FailureOr<int64_t> value =
      resolveScalar(emitError, name, text.getValue(), hyper);
  if (failed(value))
    return failure();
  return Attribute(builder.getI64IntegerAttr(*value));
}

LogicalResult mlir::shodh::verifyHyperparamAttrs(Operation *op) {
  auto iface = cast<HyperparamAttrOpInterface>(op);
  auto emitError = [&] { return op->emitOpError(); };
  DictionaryAttr hyper = getEnclosingHyperparams(op);
  for (StringRef name : iface.getHyperparamAttrNames()) {
    Attribute attr = op->getAttr(name);
    // INT64_MIN is how the shape rules spell "unknown" (an unbound
    // expression); written literally, in a list or alone, it would skip
    // every check.
    auto reserved = [&](std::string where, int64_t v) {
      return emitError() << "'" << name << "'" << where << " = " << v
                         << " is reserved (it stands for an unknown size); "
                            "write a size";
    };
    if (auto list = dyn_cast_or_null<DenseI64ArrayAttr>(attr))
      for (auto [i, v] : llvm::enumerate(list.asArrayRef()))
        if (ShapedType::isDynamic(v))
          return reserved("[" + std::to_string(i) + "]", v);
    if (auto literal = dyn_cast_or_null<IntegerAttr>(attr))
      if (std::optional<int64_t> v = getInt64(literal);
          v && ShapedType::isDynamic(*v))
        return reserved("", *v);
    if (!isBoundHyperparamAttr(attr) &&
        failed(resolveAttr(emitError, name, attr, hyper)))
      return failure();
  }
  return success();
}

FailureOr<int64_t> mlir::shodh::resolveHyperparamInt(Operation *op,
                                                     StringRef name) {
  Attribute attr = op->getAttr(name);
  if (auto literal = dyn_cast_or_null<IntegerAttr>(attr))
    return literal.getInt();
  auto text = dyn_cast_or_null<StringAttr>(attr);
  if (!text)
    return op->emitOpError("'") << name << "' must be an integer or an "
                                << "integer expression, got " << attr;
  auto emitError = [&] { return op->emitOpError(); };
  return resolveScalar(emitError, name, text.getValue(),
                       getEnclosingHyperparams(op));
}

LogicalResult mlir::shodh::bindHyperparamAttrs(HyperparamAttrOpInterface op,
                                               DictionaryAttr hyper) {
  Operation *raw = op.getOperation();
  auto emitError = [&] { return raw->emitOpError(); };
  for (StringRef name : op.getHyperparamAttrNames()) {
    Attribute attr = raw->getAttr(name);
    if (isBoundHyperparamAttr(attr))
      continue;
    FailureOr<Attribute> bound = resolveAttr(emitError, name, attr, hyper);
    if (failed(bound))
      return failure();
    raw->setAttr(name, *bound);
  }
  return success();
}
