//===- DimsSpec.cpp - Symbolic dimension lists ----------------------------===//
//
// Implements verification and resolution of dims specs (see DimsSpec.h).
//
//===----------------------------------------------------------------------===//
#include "dialect/DimsSpec.h"
#include "dialect/Hyperparams.h"
#include "dialect/IntExpr.h"
#include "dialect/ShodhDialect.h"

using namespace mlir;
using namespace mlir::shodh;

/// Resolves a string entry: the batch symbol, the name of an integer
/// hyperparameter or an integer expression (IntExpr.h). `noun` names the list
/// in messages ("dims", "modes", ...).
static LogicalResult
resolveNamedDim(function_ref<InFlightDiagnostic()> emitError, StringRef noun,
                StringRef text, unsigned index, DictionaryAttr hyper,
                DimsContext context, int64_t batch, int64_t &size) {
  if (text == kBatchSymbol && context != DimsContext::Attribute) {
    if (context != DimsContext::Argument)
      return emitError() << "the batch dimension '" << kBatchSymbol
                         << "' is only allowed in function argument dims";
    size = batch;
    return success();
  }
  std::string what = (noun + " entry").str();
  if (isIntExprName(text)) {
    IntLookup found = lookupIntHyperparam(hyper, text, size);
    if (found != IntLookup::Found)
      return reportIntLookupFailure(emitError, what, text, found);
    return success();
  }
  FailureOr<int64_t> value = evaluateIntExpr(
      emitError, what + " #" + std::to_string(index), text, hyper);
  if (failed(value))
    return failure();
  size = *value;
  return success();
}

/// Resolves entry `index` of a dims-like list into `size` (> 0 or dynamic).
static LogicalResult
resolveDimEntry(function_ref<InFlightDiagnostic()> emitError, StringRef noun,
                Attribute entry, unsigned index, DictionaryAttr hyper,
                DimsContext context, int64_t batch, int64_t &size) {
  if (auto literal = dyn_cast<IntegerAttr>(entry)) {
    // INT64_MIN is the value that means "unknown" to the shape rules.
    std::optional<int64_t> v = getInt64(literal);
    if (!v || ShapedType::isDynamic(*v))
      return emitError() << noun << " entry #" << index << " (" << entry
                         << ") must be a positive 64-bit integer";
    size = *v;
  } else if (auto name = dyn_cast<StringAttr>(entry)) {
    if (failed(resolveNamedDim(emitError, noun, name.getValue(), index, hyper,
                               context, batch, size)))
      return failure();
  } else {
    return emitError() << noun << " entry #" << index
                       << " must be an integer, a hyperparameter name or an "
                          "integer expression, got "
                       << entry;
  }
  if (size <= 0 && !ShapedType::isDynamic(size))
    return emitError() << noun << " entry #" << index << " (" << entry
                       << ") must be positive, got " << size;
  return success();
}

/// Resolves every entry of `list`.
static FailureOr<SmallVector<int64_t>>
resolveList(function_ref<InFlightDiagnostic()> emitError, StringRef noun,
            ArrayAttr list, DictionaryAttr hyper, DimsContext context,
            int64_t batch) {
  SmallVector<int64_t> sizes;
  for (auto [index, entry] : llvm::enumerate(list)) {
    int64_t size = 0;
    if (failed(resolveDimEntry(emitError, noun, entry, index, hyper, context,
                               batch, size)))
      return failure();
    sizes.push_back(size);
  }
  return sizes;
}

FailureOr<SmallVector<int64_t>>
mlir::shodh::resolveDimsSpec(function_ref<InFlightDiagnostic()> emitError,
                             ArrayAttr dims, DictionaryAttr hyper,
                             DimsContext context, int64_t batch) {
  return resolveList(emitError, "dims", dims, hyper, context, batch);
}

FailureOr<SmallVector<int64_t>>
mlir::shodh::resolveIntList(function_ref<InFlightDiagnostic()> emitError,
                            StringRef name, ArrayAttr list,
                            DictionaryAttr hyper) {
  return resolveList(emitError, name, list, hyper, DimsContext::Attribute,
                     ShapedType::kDynamic);
}

/// Checks that the static sizes of `type` agree with the resolved `sizes`.
static LogicalResult
verifyAgainstType(function_ref<InFlightDiagnostic()> emitError, ArrayAttr dims,
                  ArrayRef<int64_t> sizes, ShapedType type) {
  for (auto [index, size] : llvm::enumerate(sizes)) {
    int64_t actual = type.getDimSize(index);
    if (ShapedType::isDynamic(actual) || ShapedType::isDynamic(size) ||
        actual == size)
      continue;
    return emitError() << "dimension #" << index << " is " << actual
                       << " in the type but dims entry " << dims[index]
                       << " is " << size;
  }
  return success();
}

LogicalResult
mlir::shodh::verifyDimsSpec(function_ref<InFlightDiagnostic()> emitError,
                            ArrayAttr dims, ShapedType type,
                            DictionaryAttr hyper, DimsContext context) {
  if (static_cast<int64_t>(dims.size()) != type.getRank())
    return emitError() << "dims has " << dims.size() << " entries but the type "
                       << type << " has rank " << type.getRank();
  FailureOr<SmallVector<int64_t>> sizes =
      resolveDimsSpec(emitError, dims, hyper, context, ShapedType::kDynamic);
  if (failed(sizes))
    return failure();
  return verifyAgainstType(emitError, dims, *sizes, type);
}
