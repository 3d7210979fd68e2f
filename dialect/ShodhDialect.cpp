//===- ShodhDialect.cpp - The shodh dialect -------------------------------===//
//
// Registers the shodh operations and verifies the dialect's attributes:
// `shodh.hyperparams` and `shodh.train` on modules, `shodh.index`/`shodh.live`
// on kernel calls, and `shodh.dims`/`shodh.name`/`shodh.live` on function
// arguments/results.
//
//===----------------------------------------------------------------------===//
#include "dialect/ShodhDialect.h"
#include "dialect/DimsSpec.h"
#include "dialect/Hyperparams.h"
#include "dialect/ShodhOps.h"
#include "dialect/TrainConfig.h"

#include "mlir/Interfaces/FunctionInterfaces.h"

using namespace mlir;
using namespace mlir::shodh;

#include "dialect/ShodhDialect.cpp.inc"

void ShodhDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "dialect/ShodhOps.cpp.inc"
      >();
}

LogicalResult mlir::shodh::verifyKnownAttributes(Operation *op) {
  for (NamedAttribute attr : op->getDiscardableAttrs()) {
    StringRef name = attr.getName().getValue();
    if (name.contains('.'))
      continue; // a dialect attribute, verified by its dialect
    // The op's own attribute names, for the message only (this runs on
    // every verification of every op).
    SmallVector<StringRef> known;
    for (StringAttr own : op->getName().getAttributeNames())
      if (own.getValue() != "operandSegmentSizes" &&
          own.getValue() != "resultSegmentSizes")
        known.push_back(own.getValue());
    InFlightDiagnostic diag = op->emitOpError("has no attribute '")
                              << name << "'";
    // The closest known name, if it is a likely misspelling or an
    // abbreviation ("approx" for "approximate").
    StringRef best;
    unsigned bestDistance = std::max<size_t>(2, name.size() / 3) + 1;
    for (StringRef candidate : known) {
      unsigned distance = name.size() >= 3 && candidate.starts_with(name)
                              ? 1
                              : name.edit_distance(candidate);
      if (distance < bestDistance) {
        best = candidate;
        bestDistance = distance;
      }
    }
    if (!best.empty())
      diag << " (did you mean '" << best << "'?)";
    if (known.empty())
      return diag << "; it takes no attributes";
    diag << "; its attributes are ";
    llvm::interleaveComma(known, diag);
    return diag;
  }
  return success();
}

/// Returns true if `attr` is an `array<i64: first, last>` live range.
static bool isLiveRange(Attribute attr) {
  auto range = dyn_cast<DenseI64ArrayAttr>(attr);
  return range && range.size() == 2 && range[0] >= 0 && range[0] <= range[1];
}

/// Verifies `shodh.index` on a kernel call.
static LogicalResult verifyIndexAttr(Operation *op, Attribute value) {
  auto index = dyn_cast<IntegerAttr>(value);
  if (!isa<KernelOp>(op) || !index || index.getInt() < 0)
    return op->emitOpError("'")
           << kIndexAttr
           << "' must be a non-negative integer on a shodh.kernel";
  return success();
}

/// Verifies `shodh.live` on a kernel call: one live range per result.
static LogicalResult verifyKernelLiveAttr(Operation *op, Attribute value) {
  auto ranges = dyn_cast<ArrayAttr>(value);
  if (!isa<KernelOp>(op) || !ranges || ranges.size() != op->getNumResults() ||
      !llvm::all_of(ranges, isLiveRange))
    return op->emitOpError("'")
           << kLiveAttr
           << "' must be one array<i64: first, last> (first <= last) per "
              "result of a shodh.kernel";
  return success();
}

LogicalResult ShodhDialect::verifyOperationAttribute(Operation *op,
                                                     NamedAttribute attr) {
  StringRef name = attr.getName().getValue();
  if (name == kHyperparamsAttr)
    return verifyHyperparamsAttr(op, attr.getValue());
  if (name == kTrainAttr)
    return verifyTrainAttr(op, attr.getValue());
  if (name == kIndexAttr)
    return verifyIndexAttr(op, attr.getValue());
  if (name == kLiveAttr)
    return verifyKernelLiveAttr(op, attr.getValue());
  return op->emitOpError("unknown shodh attribute '") << name << "'";
}

/// Returns the type of argument `argIndex` of `op` (a function or region op).
static Type getArgumentType(Operation *op, unsigned regionIndex,
                            unsigned argIndex) {
  if (auto fn = dyn_cast<FunctionOpInterface>(op))
    return fn.getArgumentTypes()[argIndex];
  return op->getRegion(regionIndex).getArgument(argIndex).getType();
}

/// Verifies `shodh.dims` on a function argument of type `type`.
static LogicalResult verifyArgDims(Operation *op, unsigned argIndex, Type type,
                                   Attribute value) {
  auto emitError = [&] {
    return op->emitOpError("argument #")
           << argIndex << " " << kDimsAttr << ": ";
  };
  auto dims = dyn_cast<ArrayAttr>(value);
  if (!dims)
    return emitError() << "must be an array";
  auto shaped = dyn_cast<RankedTensorType>(type);
  if (!shaped)
    return emitError() << "the argument must be a ranked tensor, got " << type;
  return verifyDimsSpec(emitError, dims, shaped, getEnclosingHyperparams(op),
                        DimsContext::Argument);
}

/// Verifies `shodh.name` on a function argument or result.
static LogicalResult verifyNameAttr(Operation *op, Attribute value) {
  auto name = dyn_cast<StringAttr>(value);
  if (!name || name.getValue().empty())
    return op->emitOpError("'") << kNameAttr << "' must be a non-empty string";
  return success();
}

LogicalResult ShodhDialect::verifyRegionArgAttribute(Operation *op,
                                                     unsigned regionIndex,
                                                     unsigned argIndex,
                                                     NamedAttribute attr) {
  StringRef name = attr.getName().getValue();
  if (name == kDimsAttr)
    return verifyArgDims(op, argIndex,
                         getArgumentType(op, regionIndex, argIndex),
                         attr.getValue());
  if (name == kNameAttr)
    return verifyNameAttr(op, attr.getValue());
  if (name == kLiveAttr && !isLiveRange(attr.getValue()))
    return op->emitOpError("argument #")
           << argIndex << " '" << kLiveAttr
           << "' must be array<i64: first, last> with first <= last";
  if (name == kLiveAttr)
    return success();
  return op->emitOpError("unknown shodh argument attribute '") << name << "'";
}

LogicalResult ShodhDialect::verifyRegionResultAttribute(Operation *op,
                                                        unsigned regionIndex,
                                                        unsigned resultIndex,
                                                        NamedAttribute attr) {
  if (attr.getName().getValue() == kNameAttr)
    return verifyNameAttr(op, attr.getValue());
  return op->emitOpError("unknown shodh result attribute '")
         << attr.getName().getValue() << "'";
}
