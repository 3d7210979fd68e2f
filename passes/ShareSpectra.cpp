//===- ShareSpectra.cpp - Reuse the forward spectrum in the backward ------===//
//
// Implements --shodh-share-spectra (see Passes.td). For each
// spectral_conv_grad, the first spectral_conv in its block reading the same
// x with the same modes becomes spectral_conv_save (its second result is
// truncate(rfft(x))), and the gradient becomes spectral_conv_grad_saved on
// that result; a fourier_layer_grad[_params] reading x takes the spectrum
// as its first operand instead. A fourier_layer reading x (training programs)
// becomes fourier_layer_save the same way. The forward op precedes the gradient
// (autodiff emits the backward after the forward), which is checked.
//
//===----------------------------------------------------------------------===//
#include "dialect/ShodhOps.h"
#include "dialect/SpectralShapeRules.h"
#include "passes/Passes.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::shodh {
#define GEN_PASS_DEF_SHODHSHARESPECTRA
#include "passes/Passes.h.inc"
} // namespace mlir::shodh

using namespace mlir;
using namespace mlir::shodh;

namespace {

/// The bound modes of a spectral_conv, if they are bound.
std::optional<ArrayRef<int64_t>> boundModes(SpectralConvOp op) {
  auto bound = dyn_cast<DenseI64ArrayAttr>(op.getModes());
  if (!bound)
    return std::nullopt;
  return bound.asArrayRef();
}

/// A spectral_conv, fourier_layer or their _save forms before `grad` in its
/// block that reads `x` with `modes`: the op's spectrum, creating the save
/// op if needed (with the replaced op's result type).
FailureOr<Value> forwardSpectrum(Operation *grad, Value x, ArrayRef<int64_t> modes,
                                 PatternRewriter &rewriter) {
  const RankedTensorType spectrumType =
      truncatedSpectrumType(cast<RankedTensorType>(x.getType()), modes);
  for (Operation *user : x.getUsers()) {
    if (user->getBlock() != grad->getBlock() || !user->isBeforeInBlock(grad))
      continue;
    if (auto saved = dyn_cast<SpectralConvSaveOp>(user))
      if (saved.getInput() == x && saved.getModes() == modes)
        return saved.getSpectrum();
    if (auto saved = dyn_cast<FourierLayerSaveOp>(user))
      if (saved.getInput() == x && saved.getModes() == modes)
        return saved.getSpectrum();
    if (auto layer = dyn_cast<FourierLayerOp>(user);
        layer && layer.getInput() == x && layer.getModes() == modes) {
      rewriter.setInsertionPoint(layer);
      auto save = rewriter.create<FourierLayerSaveOp>(
          layer.getLoc(), layer.getType(), spectrumType, /*activated=*/Type(),
          layer.getInput(), layer.getWeight(), layer.getSkipWeight(),
          layer.getSkipBias(), layer.getModesAttr(), layer.getActivationAttr());
      rewriter.replaceOp(layer, save.getResult());
      return save.getSpectrum();
    }
    auto conv = dyn_cast<SpectralConvOp>(user);
    if (!conv || conv.getInput() != x || boundModes(conv) != modes)
      continue;
    rewriter.setInsertionPoint(conv);
    auto save = rewriter.create<SpectralConvSaveOp>(
        conv.getLoc(), conv.getType(), spectrumType, conv.getInput(), conv.getWeight(),
        rewriter.getDenseI64ArrayAttr(modes));
    rewriter.replaceOp(conv, save.getResult());
    return save.getSpectrum();
  }
  return failure();
}

/// spectral_conv_grad(x, ..) -> spectral_conv_grad_saved(spectrum of x, ..).
struct UseSavedSpectrum : OpRewritePattern<SpectralConvGradOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(SpectralConvGradOp grad,
                                PatternRewriter &rewriter) const override {
    FailureOr<Value> spectrum =
        forwardSpectrum(grad, grad.getInput(), grad.getModes(), rewriter);
    if (failed(spectrum))
      return rewriter.notifyMatchFailure(grad, "no forward spectral_conv of x");
    rewriter.setInsertionPoint(grad);
    rewriter.replaceOpWithNewOp<SpectralConvGradSavedOp>(
        grad, grad.getDx().getType(), grad.getDw().getType(), *spectrum,
        grad.getDy(), grad.getWeight(), grad.getModesAttr());
    return success();
  }
};

/// fourier_layer_grad[_params](x, ..) -> fourier_layer_grad[_params](spectrum
/// of x, ..) (the params form keeps x as its skip input).
template <typename LayerGradOp>
struct LayerGradUsesSavedSpectrum : OpRewritePattern<LayerGradOp> {
  using OpRewritePattern<LayerGradOp>::OpRewritePattern;
  LogicalResult matchAndRewrite(LayerGradOp grad,
                                PatternRewriter &rewriter) const override {
    Value x = grad.getSource();
    if (isa<ComplexType>(cast<RankedTensorType>(x.getType()).getElementType()))
      return rewriter.notifyMatchFailure(grad, "already reads a spectrum");
    FailureOr<Value> spectrum = forwardSpectrum(grad, x, grad.getModes(), rewriter);
    if (failed(spectrum))
      return rewriter.notifyMatchFailure(grad, "no forward spectral_conv of x");
    rewriter.modifyOpInPlace(grad, [&] { grad.getSourceMutable().assign(*spectrum); });
    return success();
  }
};

/// The pass: applies the patterns to the whole module.
struct ShareSpectraPass
    : mlir::shodh::impl::ShodhShareSpectraBase<ShareSpectraPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns
        .add<UseSavedSpectrum, LayerGradUsesSavedSpectrum<FourierLayerGradOp>,
             LayerGradUsesSavedSpectrum<FourierLayerGradParamsOp>>(
            &getContext());
    if (failed(
            applyPatternsAndFoldGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
