//===- PromoteF64.cpp - Compile the model in double precision -------------===//
//
// Implements --shodh-promote-f64: one AttrTypeReplacer turns f32 into f64
// wherever a type appears (parameter and state TypeAttrs, function types,
// block arguments, results, nested element types such as complex<f32>);
// FloatAttr and dense float attributes of f32 are rebuilt with their values
// widened (their storage depends on the width, so they are not left to the
// generic sub-element rewrite). `shodh.train` is removed so that no
// training program is built. Afterwards every op is verified; the first op
// of each kind whose rules accept f32 only reports itself, and the pass
// adds a remark naming the option.
//
//===----------------------------------------------------------------------===//
#include "dialect/ShodhOps.h"
#include "passes/Passes.h"

#include "mlir/IR/AttrTypeSubElements.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/DenseSet.h"

namespace mlir::shodh {
#define GEN_PASS_DEF_SHODHPROMOTEF64
#include "passes/Passes.h.inc"
} // namespace mlir::shodh

using namespace mlir;
using namespace mlir::shodh;

namespace {

/// A float attribute of type f32 as the same value in f64.
FloatAttr widenFloat(FloatAttr attr) {
  return FloatAttr::get(Float64Type::get(attr.getContext()),
                        attr.getValueAsDouble());
}

/// A dense f32 elements attribute as f64 of the same shape and values.
DenseElementsAttr widenDense(DenseFPElementsAttr attr) {
  auto type = RankedTensorType::get(attr.getType().getShape(),
                                    Float64Type::get(attr.getContext()));
  SmallVector<double> values;
  values.reserve(attr.getNumElements());
  for (const APFloat &v : attr.getValues<APFloat>())
    values.push_back(v.convertToFloat());
  return DenseElementsAttr::get(type, ArrayRef<double>(values));
}

/// The replacer: types first (f32 -> f64), then the two attribute kinds
/// whose storage depends on the width (added last, so tried first).
void addWidening(AttrTypeReplacer &replacer) {
  replacer.addReplacement(
      [](Float32Type t) -> Type { return Float64Type::get(t.getContext()); });
  replacer.addReplacement(
      [](FloatAttr attr) -> std::optional<std::pair<Attribute, WalkResult>> {
        if (!attr.getType().isF32())
          return std::nullopt;
        return std::make_pair(Attribute(widenFloat(attr)), WalkResult::skip());
      });
  replacer.addReplacement(
      [](DenseFPElementsAttr attr)
          -> std::optional<std::pair<Attribute, WalkResult>> {
        if (!attr.getElementType().isF32())
          return std::nullopt;
        return std::make_pair(Attribute(widenDense(attr)), WalkResult::skip());
      });
}

/// The pass (see Passes.td).
struct PromoteF64Pass : mlir::shodh::impl::ShodhPromoteF64Base<PromoteF64Pass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    module->removeAttr("shodh.train");
    AttrTypeReplacer replacer;
    addWidening(replacer);
    replacer.recursivelyReplaceElementsIn(module, /*replaceAttrs=*/true,
                                          /*replaceLocs=*/false,
                                          /*replaceTypes=*/true);
    // One report per op kind: the copies made by shodh.repeat and by
    // inlining would repeat it.
    llvm::DenseSet<OperationName> failedKinds;
    module.walk([&](Operation *op) {
      if (op == module.getOperation() || failedKinds.contains(op->getName()) ||
          succeeded(verify(op, /*verifyRecursively=*/false)))
        return;
      failedKinds.insert(op->getName());
      op->emitRemark("--precision f64: '")
          << op->getName() << "' has no f64 form; compile this model in f32 "
          << "or leave this op out of the compiled entry (--entry)";
    });
    if (!failedKinds.empty())
      signalPassFailure();
  }
};

} // namespace
