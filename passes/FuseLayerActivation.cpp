//===- FuseLayerActivation.cpp - A layer's GELU as its third result -------===//
//
// Implements --shodh-fuse-layer-activation (see Passes.td):
// gelu(fourier_layer_save(..)#0) becomes the layer's third result
// (activated_output), computed by the layer's kernel from cache; where the
// pre-activation is then read only by layer gradients as their GELU'
// argument, the layer returns GELU' itself (derivative_result) and the
// gradients multiply by it (activation "derivative").
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

/// Whether `op` is a layer gradient (either form) reading `z` only as its
/// pre-activation with activation `act`: then it can take act'(z) instead.
static bool takesDerivative(Operation *op, Value z, StringRef act) {
  auto check = [&](auto grad) {
    return grad.getPre() == z && grad.getActivation() == act &&
           llvm::count(op->getOperands(), z) == 1;
  };
  if (auto grad = dyn_cast<FourierLayerGradOp>(op))
    return check(grad);
  if (auto grad = dyn_cast<FourierLayerGradParamsOp>(op))
    return check(grad);
  return false;
}

/// A fourier_layer_save with activated_output whose pre-activation result
/// is read only by layer gradients as their `pre` (with that activation):
/// the layer's first result becomes act'(z) (derivative_result) and the
/// gradients take it as given (activation "derivative"), so GELU' is
/// computed in the forward, sharing Φ with the GELU.
struct SaveDerivativeForGradients : OpRewritePattern<FourierLayerSaveOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(FourierLayerSaveOp layer,
                                PatternRewriter &rewriter) const override {
    StringRef act = layer.getActivatedOutput();
    Value z = layer.getResult();
    if (act == "none" || layer.getDerivativeResult())
      return rewriter.notifyMatchFailure(layer, "no activated output, or done");
    if (z.use_empty() || !llvm::all_of(z.getUsers(), [&](Operation *user) {
          return takesDerivative(user, z, act);
        }))
      return rewriter.notifyMatchFailure(layer,
                                         "the pre-activation has other uses");
    rewriter.modifyOpInPlace(layer, [&] { layer.setDerivativeResult(true); });
    for (Operation *user : llvm::make_early_inc_range(z.getUsers()))
      rewriter.modifyOpInPlace(user, [&] {
        user->setAttr("activation", rewriter.getStringAttr("derivative"));
      });
    return success();
  }
};

/// The pass: applies the patterns to the whole module.
struct FuseLayerActivationPass
    : mlir::shodh::impl::ShodhFuseLayerActivationBase<FuseLayerActivationPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<FoldGeluIntoSavedLayer, SaveDerivativeForGradients>(
        &getContext());
    if (failed(
            applyPatternsAndFoldGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
