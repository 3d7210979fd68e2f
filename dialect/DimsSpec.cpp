//===- DimsSpec.cpp - Symbolic dimension lists ----------------------------===//
//
// Implements verification and resolution of dims specs (see DimsSpec.h).
//
//===----------------------------------------------------------------------===//
#include "dialect/DimsSpec.h"
#include "dialect/Hyperparams.h"
#include "dialect/ShodhDialect.h"

using namespace mlir;
using namespace mlir::shodh;

/// Resolves a named entry: the batch symbol or an integer hyperparameter.
static LogicalResult
resolveNamedDim(function_ref<InFlightDiagnostic()> emitError, StringRef name,
                DictionaryAttr hyper, DimsContext context, int64_t batch,
                int64_t &size) {
  if (name == kBatchSymbol) {
    if (context != DimsContext::Argument)
      return emitError() << "the batch dimension '" << kBatchSymbol
                         << "' is only allowed in function argument dims";
    size = batch;
    return success();
  }
  IntLookup found = lookupIntHyperparam(hyper, name, size);
  if (found != IntLookup::Found)
    return reportIntLookupFailure(emitError, "dims entry", name, found);
  return success();
}

/// Resolves entry `index` of a dims spec into `size` (> 0 or dynamic).
static LogicalResult
resolveDimEntry(function_ref<InFlightDiagnostic()> emitError, Attribute entry,
                unsigned index, DictionaryAttr hyper, DimsContext context,
                int64_t batch, int64_t &size) {
  if (auto literal = dyn_cast<IntegerAttr>(entry)) {
    size = literal.getInt();
  } else if (auto name = dyn_cast<StringAttr>(entry)) {
    if (failed(resolveNamedDim(emitError, name.getValue(), hyper, context,
                               batch, size)))
      return failure();
  } else {
    return emitError() << "dims entry #" << index
                       << " must be an integer or a hyperparameter name, got "
                       << entry;
  }
  if (size <= 0 && !ShapedType::isDynamic(size))
    return emitError() << "dims entry #" << index << " (" << entry
                       << ") must be positive, got " << size;
  return success();
}

FailureOr<SmallVector<int64_t>>
mlir::shodh::resolveDimsSpec(function_ref<InFlightDiagnostic()> emitError,
                             ArrayAttr dims, DictionaryAttr hyper,
                             DimsContext context, int64_t batch) {
  SmallVector<int64_t> sizes;
  for (auto [index, entry] : llvm::enumerate(dims)) {
    int64_t size = 0;
    if (failed(resolveDimEntry(emitError, entry, index, hyper, context, batch,
                               size)))
      return failure();
    sizes.push_back(size);
  }
  return sizes;
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
