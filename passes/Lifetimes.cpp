//===- Lifetimes.cpp - Kernel indices and activation live ranges ----------===//
//
// Implements --shodh-lifetimes on lowered functions. First every returned
// value is made the result of its own kernel call: returned arguments,
// parameter reads and values returned more than once get a
// `shodh.kernel "copy"`. Then the N calls are numbered 0..N-1 (`shodh.index`)
// and each result gets a live range [first, last] (`shodh.live`): first is
// its call, last the index of its last reading call, or N if returned.
// Arguments get [0, last use]. The runtime's memory planner consumes these.
//
//===----------------------------------------------------------------------===//
#include "dialect/ShodhOps.h"
#include "passes/Passes.h"

#include "mlir/IR/Builders.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"

namespace mlir::shodh {
#define GEN_PASS_DEF_SHODHLIFETIMES
#include "passes/Passes.h.inc"
} // namespace mlir::shodh

using namespace mlir;
using namespace mlir::shodh;

namespace {

/// Fails on ops other than kernel calls, parameter reads and the return.
LogicalResult checkLowered(func::FuncOp func) {
  for (Operation &op : func.getBody().getOps())
    if (!isa<KernelOp, ReadOp, func::ReturnOp>(op))
      return op.emitError("op '")
             << op.getName() << "' in @" << func.getSymName()
             << " is not a shodh.kernel; run --shodh-lower-to-kernels first";
  return success();
}

/// Makes every returned value the result of its own kernel call.
void insertCopies(func::ReturnOp ret) {
  OpBuilder builder(ret);
  llvm::DenseSet<Value> returned;
  for (OpOperand &operand : ret->getOpOperands()) {
    Value value = operand.get();
    bool own = value.getDefiningOp<KernelOp>() && returned.insert(value).second;
    if (own)
      continue;
    auto copy = builder.create<KernelOp>(ret.getLoc(), value.getType(),
                                         builder.getStringAttr("copy"),
                                         ValueRange{value}, DictionaryAttr());
    operand.set(copy.getResult(0));
  }
}

/// Index of the last kernel reading `value`; N if returned; `first` if unused.
int64_t lastUse(Value value, int64_t first, int64_t numKernels,
                const llvm::DenseMap<Operation *, int64_t> &indices) {
  int64_t last = first;
  for (Operation *user : value.getUsers()) {
    if (isa<func::ReturnOp>(user))
      return numKernels;
    auto it = indices.find(user);
    if (it != indices.end())
      last = std::max(last, it->second);
  }
  return last;
}

/// Annotates the calls of `func` with indices and live ranges.
void annotateKernels(func::FuncOp func,
                     const llvm::DenseMap<Operation *, int64_t> &indices) {
  Builder builder(func.getContext());
  int64_t numKernels = indices.size();
  for (KernelOp kernel : func.getBody().getOps<KernelOp>()) {
    int64_t index = indices.lookup(kernel);
    SmallVector<Attribute> ranges;
    for (Value result : kernel.getResults())
      ranges.push_back(builder.getDenseI64ArrayAttr(
          {index, lastUse(result, index, numKernels, indices)}));
    kernel->setAttr(kIndexAttr, builder.getI64IntegerAttr(index));
    kernel->setAttr(kLiveAttr, builder.getArrayAttr(ranges));
  }
}

/// Annotates the arguments of `func` with live ranges [0, last use].
void annotateArguments(func::FuncOp func,
                       const llvm::DenseMap<Operation *, int64_t> &indices) {
  Builder builder(func.getContext());
  for (BlockArgument arg : func.getArguments())
    func.setArgAttr(arg.getArgNumber(), kLiveAttr,
                    builder.getDenseI64ArrayAttr(
                        {0, lastUse(arg, 0, indices.size(), indices)}));
}

/// Runs copy insertion and annotation on one function.
LogicalResult annotateFunction(func::FuncOp func) {
  if (func.isExternal())
    return success();
  if (failed(checkLowered(func)))
    return failure();
  insertCopies(cast<func::ReturnOp>(func.getBody().back().getTerminator()));
  llvm::DenseMap<Operation *, int64_t> indices;
  for (KernelOp kernel : func.getBody().getOps<KernelOp>())
    indices.try_emplace(kernel, static_cast<int64_t>(indices.size()));
  annotateKernels(func, indices);
  annotateArguments(func, indices);
  return success();
}

/// The pass: annotates every function of the module.
struct LifetimesPass : mlir::shodh::impl::ShodhLifetimesBase<LifetimesPass> {
  void runOnOperation() override {
    for (func::FuncOp func : getOperation().getOps<func::FuncOp>())
      if (failed(annotateFunction(func)))
        return signalPassFailure();
  }
};

} // namespace
