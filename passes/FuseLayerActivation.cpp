//===- FuseLayerActivation.cpp - A layer's GELU as its third result -------===//
//
// Implements --shodh-fuse-layer-activation (see Passes.td):
// gelu(fourier_layer_save(..)#0) becomes the layer's third result
// (activated_output), computed by the layer's kernel from cache.
//
//===----------------------------------------------------------------------===//
#include "dialect/ShodhOps.h"
#include "passes/Passes.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::shodh {
#define GEN_PASS_DEF_SHODHFUSELAYERACTIVATION
#include "passes/Passes.h.inc"
} // namespace mlir::shodh

using namespace mlir;
using namespace mlir::shodh;

namespace {

/// gelu(z), z = fourier_layer_save(..)#0 with activation "none" and no
/// activated result yet -> the layer with activated_output; the GELU's
/// uses take its third result.
struct FoldGeluIntoSavedLayer : OpRewritePattern<GeluOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(GeluOp gelu,
                                PatternRewriter &rewriter) const override {
    auto layer = gelu.getInput().getDefiningOp<FourierLayerSaveOp>();
    if (!layer || layer.getResult() != gelu.getInput())
      return rewriter.notifyMatchFailure(
          gelu, "not the result of a fourier_layer_save");
    if (layer.getActivation() != "none" || layer.getActivatedOutput() != "none")
      return rewriter.notifyMatchFailure(
          gelu, "the layer already applies an activation");
    if (gelu.getType() != layer.getResult().getType())
      return rewriter.notifyMatchFailure(gelu, "the GELU changes the type");
    StringRef approx = gelu.getApproximate();
    if (approx != "none" && approx != "tanh")
      return rewriter.notifyMatchFailure(gelu, "unknown approximation");
    rewriter.setInsertionPoint(layer);
    auto fused = rewriter.create<FourierLayerSaveOp>(
        layer.getLoc(), layer.getResult().getType(),
        layer.getSpectrum().getType(), gelu.getType(), layer.getInput(),
        layer.getWeight(), layer.getSkipWeight(), layer.getSkipBias(),
        layer.getModesAttr(), layer.getActivationAttr(),
        rewriter.getStringAttr(approx == "tanh" ? "gelu_tanh" : "gelu"));
    rewriter.replaceOp(gelu, fused.getActivated());
    rewriter.replaceOp(layer, {fused.getResult(), fused.getSpectrum()});
    return success();
  }
};

/// The pass: applies the pattern to the whole module.
struct FuseLayerActivationPass
    : mlir::shodh::impl::ShodhFuseLayerActivationBase<FuseLayerActivationPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<FoldGeluIntoSavedLayer>(&getContext());
    if (failed(
            applyPatternsAndFoldGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
