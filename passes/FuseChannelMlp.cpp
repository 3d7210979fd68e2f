//===- FuseChannelMlp.cpp - linear -> gelu -> linear into channel_mlp -----===//
//
// Implements --shodh-fuse-channel-mlp: a pattern anchored on the second
// `shodh.linear` walks back through `shodh.gelu` to the first linear and,
// when the chain is one closed block (see Passes.td), replaces it by
// `shodh.channel_mlp`; the greedy driver erases the dead gelu and linear.
//
//===----------------------------------------------------------------------===//
#include "dialect/ShodhOps.h"
#include "passes/Passes.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::shodh {
#define GEN_PASS_DEF_SHODHFUSECHANNELMLP
#include "passes/Passes.h.inc"
} // namespace mlir::shodh

using namespace mlir;
using namespace mlir::shodh;

namespace {

/// True if `linear` has a bias, f32 operands and a channel axis that is not
/// its input's last dimension.
bool isChannelLinear(LinearOp linear) {
  auto input = cast<RankedTensorType>(linear.getInput().getType());
  return linear.getBias() && input.getElementType().isF32() &&
         static_cast<int64_t>(linear.getAxis()) < input.getRank() - 1;
}

/// Replaces linear(gelu(linear(x, w1, b1)), w2, b2) by shodh.channel_mlp.
struct FuseChannelMlp : OpRewritePattern<LinearOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(LinearOp second,
                                PatternRewriter &rewriter) const override {
    auto gelu = second.getInput().getDefiningOp<GeluOp>();
    if (!gelu)
      return rewriter.notifyMatchFailure(second, "input is not a gelu");
    auto first = gelu.getInput().getDefiningOp<LinearOp>();
    if (!first)
      return rewriter.notifyMatchFailure(second, "gelu's input is not linear");
    if (!isChannelLinear(first) || !isChannelLinear(second) ||
        first.getAxis() != second.getAxis())
      return rewriter.notifyMatchFailure(
          second, "needs biases, f32 and one channel axis before the last");
    if (!gelu.getResult().hasOneUse() || !first.getResult().hasOneUse())
      return rewriter.notifyMatchFailure(second, "the hidden activations "
                                                 "have other users");
    rewriter.replaceOpWithNewOp<ChannelMlpOp>(
        second, second.getType(), first.getInput(), first.getWeight(),
        first.getBias(), second.getWeight(), second.getBias(),
        second.getAxis(), gelu.getApproximate());
    return success();
  }
};

/// The pass: applies the fusion pattern to the whole module.
struct FuseChannelMlpPass
    : mlir::shodh::impl::ShodhFuseChannelMlpBase<FuseChannelMlpPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<FuseChannelMlp>(&getContext());
    if (failed(
            applyPatternsAndFoldGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
