//===- FuseElementwise.cpp - Fold additions into GEMMs --------------------===//
//
// Implements --shodh-fuse-elementwise (see Passes.td): `add(linear(..), r)`
// -> `linear_add(.., r)` and `add(linear_grad_input(..), r)` ->
// `linear_grad_input(.., r)` when the GEMM's result has no other use and
// all three types are equal (the add's operands may come in either order);
// then `gelu(linear_add(x', W, spectral_conv(x, w), b))` ->
// `spectral_conv_add(x, w, linear(x', W, b)) {activation}` when the
// spectral result and the sum have no other use, and that in turn ->
// `fourier_layer(x, w, W, b) {activation}` when x' is x and the linear has
// no other use; and `linear_add(x, W, spectral_conv(x, w), b)` without a
// GELU (or whose sum a gradient also reads) -> `fourier_layer {activation =
// "none"}`.
// In the backward: `linear_grad_input(dy, W, spectral_conv_grad(x, dy, w)#0)`
// (axis 1, the spectral input gradient used only there) ->
// `fourier_layer_grad(x, dy, w, W)`, and `gelu_grad(pre,
// fourier_layer_grad(..)#0)` -> `fourier_layer_grad(.., pre) {activation}`.
// And a channel MLP whose result feeds only an MSE loss and its gradient,
// with that gradient's channel_mlp_grad -> `channel_mlp_mse_grad`;
// `linear_grad_weight(x, dy)` + `linear_grad_bias(dy)` -> `linear_grad_params`;
// and `fourier_layer_grad(x, dy, ..)` + `linear_grad_params(x, dy)` (axis 1)
// -> `fourier_layer_grad_params`.
//
//===----------------------------------------------------------------------===//
#include "dialect/ShodhOps.h"
#include "passes/Passes.h"

#include "mlir/IR/Dominance.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::shodh {
#define GEN_PASS_DEF_SHODHFUSEELEMENTWISE
#include "passes/Passes.h.inc"
} // namespace mlir::shodh

using namespace mlir;
using namespace mlir::shodh;

namespace {

/// The operand of `add` produced by an OpT with `add` as its only user, and
/// the other operand; fails unless both operands have the add's type (equal
/// types: the same symbolic batch dimension binds to the same size).
template <typename OpT>
FailureOr<std::pair<OpT, Value>> matchProducer(AddOp add) {
  Type type = add.getType();
  if (add.getLhs().getType() != type || add.getRhs().getType() != type)
    return failure();
  for (auto [mine, other] : {std::pair{add.getLhs(), add.getRhs()},
                             std::pair{add.getRhs(), add.getLhs()}}) {
    auto op = mine.template getDefiningOp<OpT>();
    if (op && mine.hasOneUse() && mine != other)
      return std::pair<OpT, Value>(op, other);
  }
  return failure();
}

/// add(linear(x, w[, b]), r) -> linear_add(x, w, r[, b]).
struct FoldAddIntoLinear : OpRewritePattern<AddOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(AddOp add,
                                PatternRewriter &rewriter) const override {
    FailureOr<std::pair<LinearOp, Value>> m = matchProducer<LinearOp>(add);
    if (failed(m))
      return rewriter.notifyMatchFailure(add, "no single-use linear operand");
    auto [linear, residual] = *m;
    rewriter.replaceOpWithNewOp<LinearAddOp>(
        add, add.getType(), linear.getInput(), linear.getWeight(), residual,
        linear.getBias(), linear.getAxis());
    rewriter.eraseOp(linear);
    return success();
  }
};

/// add(linear_grad_input(dy, w), r) -> linear_grad_input(dy, w, r).
struct FoldAddIntoLinearGradInput : OpRewritePattern<AddOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(AddOp add,
                                PatternRewriter &rewriter) const override {
    FailureOr<std::pair<LinearGradInputOp, Value>> m =
        matchProducer<LinearGradInputOp>(add);
    if (failed(m) || m->first.getAccumulate())
      return rewriter.notifyMatchFailure(add, "no single-use linear_grad_input");
    auto [grad, other] = *m;
    rewriter.replaceOpWithNewOp<LinearGradInputOp>(
        add, add.getType(), grad.getDy(), grad.getWeight(), other,
        grad.getAxis());
    rewriter.eraseOp(grad);
    return success();
  }
};

/// The spectral_conv that is `sum`'s residual, used only there, with the
/// sum's type and bound modes (both Fourier-layer folds start from it).
FailureOr<std::pair<SpectralConvOp, DenseI64ArrayAttr>> spectralResidual(LinearAddOp sum) {
  auto conv = sum.getResidual().getDefiningOp<SpectralConvOp>();
  if (!conv || !conv->hasOneUse() || conv.getType() != sum.getType())
    return failure();
  auto modes = dyn_cast<DenseI64ArrayAttr>(conv.getModes());
  if (!modes)
    return failure();
  return std::make_pair(conv, modes);
}

/// gelu(linear_add(x', W, spectral_conv(x, w), b)) ->
/// spectral_conv_add(x, w, linear(x', W, b)) {activation = gelu[_tanh]}.
struct FoldFourierLayer : OpRewritePattern<GeluOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(GeluOp gelu,
                                PatternRewriter &rewriter) const override {
    auto sum = gelu.getInput().getDefiningOp<LinearAddOp>();
    if (!sum || !sum->hasOneUse() || sum.getType() != gelu.getType())
      return rewriter.notifyMatchFailure(gelu, "no single-use linear_add input");
    auto residual = spectralResidual(sum);
    if (failed(residual))
      return rewriter.notifyMatchFailure(gelu, "the residual is no single-use spectral_conv");
    auto [conv, modes] = *residual;
    rewriter.setInsertionPoint(sum);
    Value skip = rewriter.create<LinearOp>(sum.getLoc(), sum.getType(), sum.getInput(),
                                           sum.getWeight(), sum.getBias(), sum.getAxis());
    StringRef act = gelu.getApproximate() == "tanh" ? "gelu_tanh" : "gelu";
    rewriter.replaceOpWithNewOp<SpectralConvAddOp>(
        gelu, gelu.getType(), conv.getInput(), conv.getWeight(), skip, modes,
        rewriter.getStringAttr(act));
    rewriter.eraseOp(sum);
    rewriter.eraseOp(conv);
    return success();
  }
};

/// spectral_conv_add(x, w, linear(x, W[, b])) -> fourier_layer(x, w, W[, b])
/// when the linear (channel axis 1) reads the same x and is used only here.
struct FoldSkipIntoFourierLayer : OpRewritePattern<SpectralConvAddOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(SpectralConvAddOp op,
                                PatternRewriter &rewriter) const override {
    auto skip = op.getAddend().getDefiningOp<LinearOp>();
    if (!skip || !skip->hasOneUse() || skip.getInput() != op.getInput() ||
        skip.getAxis() != 1 || skip.getType() != op.getType())
      return rewriter.notifyMatchFailure(op, "the addend is no single-use skip linear of x");
    rewriter.replaceOpWithNewOp<FourierLayerOp>(
        op, op.getType(), op.getInput(), op.getWeight(), skip.getWeight(), skip.getBias(),
        op.getModesAttr(), op.getActivationAttr());
    rewriter.eraseOp(skip);
    return success();
  }
};

/// linear_add(x, W, spectral_conv(x, w), b) -> fourier_layer(x, w, W, b)
/// {activation = "none"} when the spectral result has no other use: an
/// FNO's last Fourier layer (no GELU), and every layer of a training
/// program, whose GELU stays apart because its gradient reads the sum
/// (--shodh-share-spectra then makes it fourier_layer_save where a gradient
/// reads x's spectrum).
struct FoldLastFourierLayer : OpRewritePattern<LinearAddOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(LinearAddOp sum,
                                PatternRewriter &rewriter) const override {
    auto residual = spectralResidual(sum);
    if (failed(residual) || residual->first.getInput() != sum.getInput() ||
        sum.getAxis() != 1)
      return rewriter.notifyMatchFailure(sum, "no single-use spectral_conv of the same x");
    auto [conv, modes] = *residual;
    // A gelu of the sum is FoldFourierLayer's (with the activation inside).
    if (sum->hasOneUse() && isa<GeluOp>(*sum->getUsers().begin()))
      return rewriter.notifyMatchFailure(sum, "left to FoldFourierLayer");
    rewriter.replaceOpWithNewOp<FourierLayerOp>(sum, sum.getType(), conv.getInput(),
                                                conv.getWeight(), sum.getWeight(),
                                                sum.getBias(), modes,
                                                rewriter.getStringAttr("none"));
    rewriter.eraseOp(conv);
    return success();
  }
};

/// Where a fused op replacing `a` and `b` (one block) and reading `operands`
/// can be created: before the earlier of the two when every operand is
/// defined before it; else before the later one when no other use of the
/// earlier one's results precedes it (autodiff may sum a weight gradient in
/// between); null when neither holds.
Operation *fusionPoint(Operation *a, Operation *b, ValueRange operands) {
  if (a->getBlock() != b->getBlock())
    return nullptr;
  Operation *first = a->isBeforeInBlock(b) ? a : b, *second = first == a ? b : a;
  DominanceInfo dom;
  if (llvm::all_of(operands, [&](Value v) { return dom.properlyDominates(v, first); }))
    return first;
  for (Value r : first->getResults())
    for (Operation *user : r.getUsers())
      if (user != second && !dom.properlyDominates(second, user))
        return nullptr;
  return second;
}

/// Replaces `grad` (a spectral gradient whose weight gradient is `dw`) and
/// `last` (whose single result becomes the input gradient) by
/// fourier_layer_grad(source, dy, w, skipW[, pre]) {activation}, created at
/// the fusionPoint of the two; fails when there is none.
LogicalResult fuseLayerGradient(PatternRewriter &rewriter, Operation *grad, Value dw,
                                Operation *last, Value source, Value dy, Value w, Value skipW,
                                Value pre, DenseI64ArrayAttr modes, StringRef act) {
  SmallVector<Value> operands{source, dy, w, skipW};
  if (pre)
    operands.push_back(pre);
  Operation *at = fusionPoint(grad, last, operands);
  if (!at)
    return rewriter.notifyMatchFailure(last, "no point where the fused op dominates all uses");
  rewriter.setInsertionPoint(at);
  auto fused = rewriter.create<FourierLayerGradOp>(
      last->getLoc(), last->getResult(0).getType(), dw.getType(), source, dy, w, skipW, pre,
      modes, rewriter.getStringAttr(act));
  rewriter.replaceAllUsesWith(dw, fused.getDw());
  rewriter.replaceOp(last, fused.getDx());
  rewriter.eraseOp(grad);
  return success();
}

/// linear_grad_input(dy, W, spectral_conv_grad(x, dy, w)#0) ->
/// fourier_layer_grad(x, dy, w, W): the two input gradients of a Fourier
/// layer's branches, when the spectral one is used only there.
struct FoldLayerGradient : OpRewritePattern<LinearGradInputOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(LinearGradInputOp skip,
                                PatternRewriter &rewriter) const override {
    Value acc = skip.getAccumulate();
    auto grad = acc ? acc.getDefiningOp<SpectralConvGradOp>() : SpectralConvGradOp();
    if (!grad || grad.getDx() != acc || !acc.hasOneUse() || grad.getDy() != skip.getDy() ||
        skip.getAxis() != 1 || acc.getType() != skip.getType())
      return rewriter.notifyMatchFailure(skip, "no single-use spectral_conv_grad of the same dy");
    return fuseLayerGradient(rewriter, grad, grad.getDw(), skip, grad.getInput(), grad.getDy(),
                             grad.getWeight(), skip.getWeight(), Value(), grad.getModesAttr(),
                             "none");
  }
};

/// The gelu_grad(pre, dx) that FoldActivationIntoLayerGradient folds into
/// `grad` (dx used only there, equal types, a fusion point), if any.
GeluGradOp foldableActivation(FourierLayerGradOp grad) {
  Value dx = grad.getDx();
  if (grad.getPre() || !dx.hasOneUse())
    return GeluGradOp();
  auto gelu = dyn_cast<GeluGradOp>(*dx.getUsers().begin());
  if (!gelu || gelu.getDy() != dx || dx.getType() != gelu.getType() ||
      gelu.getInput().getType() != gelu.getType())
    return GeluGradOp();
  SmallVector<Value> operands{grad.getSource(), grad.getDy(), grad.getWeight(),
                              grad.getSkipWeight(), gelu.getInput()};
  return fusionPoint(grad, gelu, operands) ? gelu : GeluGradOp();
}

/// gelu_grad(pre, fourier_layer_grad(..)#0) -> fourier_layer_grad(.., pre)
/// {activation = gelu[_tanh]} when that input gradient is used only there.
struct FoldActivationIntoLayerGradient : OpRewritePattern<GeluGradOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(GeluGradOp gelu,
                                PatternRewriter &rewriter) const override {
    auto grad = gelu.getDy().getDefiningOp<FourierLayerGradOp>();
    if (!grad || foldableActivation(grad) != gelu)
      return rewriter.notifyMatchFailure(gelu, "no single-use fourier_layer_grad input");
    return fuseLayerGradient(rewriter, grad, grad.getDw(), gelu, grad.getSource(), grad.getDy(),
                             grad.getWeight(), grad.getSkipWeight(), gelu.getInput(),
                             grad.getModesAttr(),
                             gelu.getApproximate() == "tanh" ? "gelu_tanh" : "gelu");
  }
};

/// channel_mlp_grad(x, w1, b1, w2, mse_loss_grad(channel_mlp(x, w1, b1, w2,
/// b2), t)) -> channel_mlp_mse_grad(x, w1, b1, w2, b2, t), which also
/// replaces every mse_loss(y, t): when the MLP's result y is read only by
/// those (and the loss gradient only by this gradient). Created where the
/// channel_mlp was (t must be defined before it).
struct FoldMseIntoChannelMlpGradient : OpRewritePattern<ChannelMlpGradOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ChannelMlpGradOp grad,
                                PatternRewriter &rewriter) const override {
    auto lossGrad = grad.getDy().getDefiningOp<MseLossGradOp>();
    if (!lossGrad || !grad.getDy().hasOneUse())
      return rewriter.notifyMatchFailure(grad, "dy is not a single-use mse_loss_grad");
    auto mlp = lossGrad.getPrediction().getDefiningOp<ChannelMlpOp>();
    Value target = lossGrad.getTarget();
    if (!mlp || mlp.getInput() != grad.getInput() || mlp.getW1() != grad.getW1() ||
        mlp.getB1() != grad.getB1() || mlp.getW2() != grad.getW2() ||
        mlp.getAxis() != grad.getAxis() || mlp.getApproximate() != grad.getApproximate() ||
        target.getType() != mlp.getType())
      return rewriter.notifyMatchFailure(grad, "not the gradient of the loss's channel_mlp");
    SmallVector<MseLossOp> losses;
    for (Operation *user : mlp->getUsers()) {
      if (user == lossGrad.getOperation())
        continue;
      auto loss = dyn_cast<MseLossOp>(user);
      if (!loss || loss.getPrediction() != mlp.getResult() || loss.getTarget() != target ||
          (!losses.empty() && loss.getType() != losses.front().getType()))
        return rewriter.notifyMatchFailure(grad, "the MLP's result has other uses");
      losses.push_back(loss);
    }
    if (!DominanceInfo().properlyDominates(target, mlp))
      return rewriter.notifyMatchFailure(grad, "the target is defined after the MLP");
    SmallVector<Type> types{losses.empty()
                                ? Type(RankedTensorType::get({1}, rewriter.getF32Type()))
                                : losses.front().getType()};
    llvm::append_range(types, grad->getResultTypes());
    rewriter.setInsertionPoint(mlp);
    auto fused = rewriter.create<ChannelMlpMseGradOp>(
        grad.getLoc(), types,
        ValueRange{mlp.getInput(), mlp.getW1(), mlp.getB1(), mlp.getW2(), mlp.getB2(), target},
        grad->getAttrs());
    for (MseLossOp loss : losses)
      rewriter.replaceOp(loss, fused.getLoss());
    rewriter.replaceOp(grad, fused->getResults().drop_front());
    rewriter.eraseOp(lossGrad);
    rewriter.eraseOp(mlp);
    return success();
  }
};

/// linear_grad_weight(x, dy) and linear_grad_bias(dy) (same axis) ->
/// linear_grad_params(x, dy): dy read once for both; created at the
/// fusionPoint of the first such weight gradient that has one (x must not
/// be the bias gradient itself).
struct FoldLinearParamGradients : OpRewritePattern<LinearGradBiasOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(LinearGradBiasOp bias,
                                PatternRewriter &rewriter) const override {
    LinearGradWeightOp weight;
    Operation *at = nullptr;
    for (Operation *user : bias.getDy().getUsers()) {
      auto w = dyn_cast<LinearGradWeightOp>(user);
      if (!w || w.getDy() != bias.getDy() || w.getAxis() != bias.getAxis() ||
          w.getInput() == bias.getResult())
        continue;
      if ((at = fusionPoint(w, bias, ValueRange{w.getInput(), w.getDy()}))) {
        weight = w;
        break;
      }
    }
    if (!weight)
      return rewriter.notifyMatchFailure(
          bias, "no linear_grad_weight of the same dy and axis with a fusion point");
    rewriter.setInsertionPoint(at);
    auto fused = rewriter.create<LinearGradParamsOp>(
        bias.getLoc(), TypeRange{weight.getType(), bias.getType()}, weight.getInput(),
        weight.getDy(), weight.getAxis());
    rewriter.replaceOp(weight, fused.getDw());
    rewriter.replaceOp(bias, fused.getDb());
    return success();
  }
};

/// fourier_layer_grad(x, dy, w, W[, pre]) and linear_grad_params(x, dy)
/// (axis 1: the skip linear's parameter gradients of the same input and
/// cotangent) -> fourier_layer_grad_params(x, dy, w, W, x[, pre]), created
/// at their fusionPoint. Waits while FoldActivationIntoLayerGradient can
/// still fold a gelu_grad into the layer gradient; leaves hand-written IR
/// whose layer gradient reads a parameter gradient alone (the fused op
/// would read its own result).
LogicalResult fuseSkipParams(PatternRewriter &rewriter, FourierLayerGradOp grad,
                             LinearGradParamsOp params) {
  Value x = grad.getSource(), dx = grad.getDx();
  if (params.getAxis() != 1 || params.getInput() != x ||
      params.getDy() != grad.getDy() || x.getType() != dx.getType() ||
      foldableActivation(grad))
    return failure();
  SmallVector<Value> operands{x, grad.getDy(), grad.getWeight(),
                              grad.getSkipWeight()};
  if (Value pre = grad.getPre())
    operands.push_back(pre);
  if (llvm::any_of(operands,
                   [&](Value v) { return v.getDefiningOp() == params; }))
    return failure();
  Operation *at = fusionPoint(grad, params, operands);
  if (!at)
    return failure();
  rewriter.setInsertionPoint(at);
  auto fused = rewriter.create<FourierLayerGradParamsOp>(
      grad.getLoc(),
      TypeRange{dx.getType(), grad.getDw().getType(), params.getDw().getType(),
                params.getDb().getType()},
      x, grad.getDy(), grad.getWeight(), grad.getSkipWeight(), x, grad.getPre(),
      grad.getModesAttr(), grad.getActivationAttr());
  rewriter.replaceOp(grad, ValueRange{fused.getDx(), fused.getDw()});
  rewriter.replaceOp(params, ValueRange{fused.getSkipDw(), fused.getSkipDb()});
  return success();
}

/// The same with the operands the other way round (for the pattern below).
LogicalResult fuseSkipParams(PatternRewriter &rewriter, LinearGradParamsOp params,
                             FourierLayerGradOp grad) {
  return fuseSkipParams(rewriter, grad, params);
}

/// fuseSkipParams anchored on either op, whichever the greedy driver forms
/// (or gives its activation) last: tries every `Partner` of the same dy.
template <typename Anchor, typename Partner>
struct FoldSkipParams : OpRewritePattern<Anchor> {
  using OpRewritePattern<Anchor>::OpRewritePattern;
  LogicalResult matchAndRewrite(Anchor op,
                                PatternRewriter &rewriter) const override {
    for (Operation *user : op.getDy().getUsers())
      if (auto partner = dyn_cast<Partner>(user))
        if (succeeded(fuseSkipParams(rewriter, op, partner)))
          return success();
    return rewriter.notifyMatchFailure(
        op, "no fourier_layer_grad and linear_grad_params of the same x and dy");
  }
};

/// The pass: applies the patterns to the whole module.
struct FuseElementwisePass
    : mlir::shodh::impl::ShodhFuseElementwiseBase<FuseElementwisePass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns
        .add<FoldAddIntoLinear, FoldAddIntoLinearGradInput, FoldFourierLayer,
             FoldSkipIntoFourierLayer, FoldLastFourierLayer, FoldLayerGradient,
             FoldActivationIntoLayerGradient, FoldMseIntoChannelMlpGradient,
             FoldLinearParamGradients,
             FoldSkipParams<FourierLayerGradOp, LinearGradParamsOp>,
             FoldSkipParams<LinearGradParamsOp, FourierLayerGradOp>>(
            &getContext());
    if (failed(
            applyPatternsAndFoldGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
