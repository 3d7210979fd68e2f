//===- ShodhTraits.h - Op traits of the shodh dialect -----------*- C++ -*-===//
//
// `ShapeChecked` runs an op's shape rules (its static inferReturnTypes) as a
// verifier. It is listed before InferTypeOpInterface on compute ops so that a
// violated rule is reported once, in the rule's own words, instead of being
// followed by the generic "failed to infer returned types".
// `KnownAttributesOnly`, on every shodh op, refuses an attribute the op does
// not define (a misspelled optional attribute would otherwise be kept and
// ignored, and the op would run with its default).
//
//===----------------------------------------------------------------------===//
#pragma once

#include "mlir/IR/OpDefinition.h"

namespace mlir::shodh {
/// Reports the first attribute of `op` that is neither one of its own
/// (inherent) attributes nor a dialect attribute ("dialect.name").
LogicalResult verifyKnownAttributes(Operation *op);
} // namespace mlir::shodh

namespace mlir::shodh::OpTrait {

/// Refuses attributes the op does not define.
template <typename ConcreteType>
class KnownAttributesOnly
    : public mlir::OpTrait::TraitBase<ConcreteType, KnownAttributesOnly> {
public:
  static LogicalResult verifyTrait(Operation *op) {
    return verifyKnownAttributes(op);
  }
};

/// Verifies that the op's result types can be inferred from its operands.
template <typename ConcreteType>
class ShapeChecked
    : public mlir::OpTrait::TraitBase<ConcreteType, ShapeChecked> {
public:
  /// Runs ConcreteType::inferReturnTypes, which reports violated rules,
  /// then checks the declared result types against the inferred ones.
  static LogicalResult verifyTrait(Operation *op) {
    SmallVector<Type> types;
    if (failed(ConcreteType::inferReturnTypes(
            op->getContext(), op->getLoc(), op->getOperands(),
            op->getAttrDictionary(), op->getPropertiesStorage(),
            op->getRegions(), types)))
      return failure();
    if (ConcreteType::isCompatibleReturnTypes(types, op->getResultTypes()))
      return success();
    return op->emitOpError("result type ")
           << op->getResultTypes() << " is incompatible with the inferred type "
           << TypeRange(types);
  }
};

} // namespace mlir::shodh::OpTrait
