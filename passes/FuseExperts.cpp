//===- FuseExperts.cpp - Fuse dispatch -> expert -> combine into shodh.moe ===//
//
// Implements --shodh-fuse-experts: a pattern anchored on `shodh.combine`
// walks back through the expert op (ExpertOpInterface) to the
// `shodh.dispatch` that feeds it and, when the three form one closed MoE
// layer (see Passes.td), replaces the combine by `shodh.moe`; the greedy
// driver then erases the dead expert op and dispatch. Layers whose
// intermediates have other users are left alone.
//
//===----------------------------------------------------------------------===//
#include "dialect/ShodhOps.h"
#include "passes/Passes.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::shodh {
#define GEN_PASS_DEF_SHODHFUSEEXPERTS
#include "passes/Passes.h.inc"
} // namespace mlir::shodh

using namespace mlir;
using namespace mlir::shodh;

namespace {

/// True if every use of `value` is by `a` or `b`, and it has `uses` uses.
bool usedOnlyBy(Value value, Operation *a, Operation *b, unsigned uses) {
  unsigned n = 0;
  for (Operation *user : value.getUsers()) {
    if (user != a && user != b)
      return false;
    ++n;
  }
  return n == uses;
}

/// Replaces combine(expert(dispatch(tokens, ids)), gates, source, offsets)
/// by shodh.moe.
struct FuseMoeLayer : OpRewritePattern<CombineOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(CombineOp combine,
                                PatternRewriter &rewriter) const override {
    Operation *expertOp = combine.getOut().getDefiningOp();
    auto expert = dyn_cast_or_null<ExpertOpInterface>(expertOp);
    if (!expert || !isa<ExpertMlpOp, ExpertFnoOp>(expertOp))
      return rewriter.notifyMatchFailure(combine, "out is not an expert op");
    auto dispatch = expert.getTokens().getDefiningOp<DispatchOp>();
    if (!dispatch || expert.getTokens() != dispatch.getSorted() ||
        expert.getGroupOffsets() != dispatch.getOffsets() ||
        combine.getSource() != dispatch.getSource() ||
        combine.getOffsets() != dispatch.getOffsets())
      return rewriter.notifyMatchFailure(combine, "not one dispatch's layer");
    if (!combine.getOut().hasOneUse() ||
        !usedOnlyBy(dispatch.getSorted(), expertOp, nullptr, 1) ||
        !usedOnlyBy(dispatch.getSource(), combine, nullptr, 1) ||
        !usedOnlyBy(dispatch.getOffsets(), expertOp, combine, 2))
      return rewriter.notifyMatchFailure(combine, "intermediates have other "
                                                  "users");
    auto numExperts = dyn_cast<IntegerAttr>(dispatch.getNumExpertsAttr());
    if (!numExperts)
      return rewriter.notifyMatchFailure(combine, "num_experts is unbound");
    DenseI64ArrayAttr modes;
    if (auto fno = dyn_cast<ExpertFnoOp>(expertOp)) {
      modes = dyn_cast<DenseI64ArrayAttr>(fno.getModesAttr());
      if (!modes)
        return rewriter.notifyMatchFailure(combine, "modes are unbound");
    }
    SmallVector<Value> params(expert.getExpertParams());
    rewriter.replaceOpWithNewOp<MoeOp>(
        combine, combine.getType(), dispatch.getTokens(), dispatch.getExperts(),
        combine.getGates(), params,
        rewriter.getStringAttr(expert.getExpertKind()),
        rewriter.getI64IntegerAttr(numExperts.getInt()),
        dispatch.getCapacityFactorAttr(), modes);
    return success();
  }
};

/// The pass: applies the fusion pattern to the whole module.
struct FuseExpertsPass
    : mlir::shodh::impl::ShodhFuseExpertsBase<FuseExpertsPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<FuseMoeLayer>(&getContext());
    if (failed(
            applyPatternsAndFoldGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
