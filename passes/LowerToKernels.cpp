//===- LowerToKernels.cpp - Compute ops to kernel calls -------------------===//
//
// Implements --shodh-lower-to-kernels: replaces every op implementing
// KernelOpInterface by a `shodh.kernel` call carrying the op's kernel name
// and attributes; ops that update parameters or state in place (optimizer
// ops) get `shodh.read`s of those tensors as inputs and list them in
// `writes`, and results that overwrite an input carry `in_place`.
// Parameter reads, kernel calls and returns stay; any other
// op inside a function is reported as having no kernel lowering, and so are
// unexpanded repeats and attributes still written with hyperparameters.
//
//===----------------------------------------------------------------------===//
#include "dialect/HyperparamAttrs.h"
#include "dialect/ShodhOps.h"
#include "passes/Passes.h"

#include "mlir/IR/Builders.h"

namespace mlir::shodh {
#define GEN_PASS_DEF_SHODHLOWERTOKERNELS
#include "passes/Passes.h.inc"
} // namespace mlir::shodh

using namespace mlir;
using namespace mlir::shodh;

namespace {

/// Returns true for ops that are already in lowered form.
bool isLowered(Operation *op) {
  return isa<KernelOp, ReadOp, func::ReturnOp>(op);
}

/// Replaces `op` by the equivalent `shodh.kernel` call.
void lowerOp(KernelOpInterface op) {
  Operation *raw = op.getOperation();
  OpBuilder builder(raw);
  SmallVector<NamedAttribute> attrs = op.getKernelAttrs();
  DictionaryAttr dict =
      attrs.empty() ? DictionaryAttr() : builder.getDictionaryAttr(attrs);
  SmallVector<Value> inputs = op.getKernelInputs(builder);
  auto kernel = builder.create<KernelOp>(
      raw->getLoc(), raw->getResultTypes(),
      builder.getStringAttr(op.getKernelName()), inputs, dict);
  SmallVector<Attribute> writes = op.getKernelWrites();
  if (!writes.empty())
    kernel.setWritesAttr(builder.getArrayAttr(writes));
  SmallVector<int64_t> inPlace = op.getKernelInPlace();
  if (!inPlace.empty())
    kernel.setInPlaceAttr(builder.getDenseI64ArrayAttr(inPlace));
  raw->replaceAllUsesWith(kernel.getResults());
  raw->erase();
}

/// Fails on attributes of `op` still written with hyperparameters.
LogicalResult checkBound(Operation *op) {
  auto iface = dyn_cast<HyperparamAttrOpInterface>(op);
  if (!iface)
    return success();
  for (StringRef name : iface.getHyperparamAttrNames())
    if (!isBoundHyperparamAttr(op->getAttr(name)))
      return op->emitOpError("attribute '")
             << name << "' still uses hyperparameters; run "
             << "--shodh-bind-hyperparams first";
  return success();
}

/// Returns `op` as a lowerable op, or reports why it is not one.
FailureOr<KernelOpInterface> getLowerable(Operation *op) {
  if (isa<RepeatOp>(op))
    return op->emitError("op 'shodh.repeat' has no kernel lowering; run "
                         "--shodh-expand-repeats first");
  auto kernelOp = dyn_cast<KernelOpInterface>(op);
  if (!kernelOp)
    return op->emitError("op '") << op->getName() << "' has no kernel lowering";
  if (failed(checkBound(op)))
    return failure();
  return kernelOp;
}

/// Lowers every op of `func`, failing on the first op without a lowering.
LogicalResult lowerFunction(func::FuncOp func) {
  if (func.isExternal())
    return success();
  for (Operation &op : llvm::make_early_inc_range(func.getBody().getOps())) {
    if (isLowered(&op))
      continue;
    FailureOr<KernelOpInterface> kernelOp = getLowerable(&op);
    if (failed(kernelOp))
      return failure();
    lowerOp(*kernelOp);
  }
  return success();
}

/// The pass: lowers every function of the module.
struct LowerToKernelsPass
    : mlir::shodh::impl::ShodhLowerToKernelsBase<LowerToKernelsPass> {
  void runOnOperation() override {
    for (func::FuncOp func : getOperation().getOps<func::FuncOp>())
      if (failed(lowerFunction(func)))
        return signalPassFailure();
  }
};

} // namespace
