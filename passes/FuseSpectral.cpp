//===- FuseSpectral.cpp - Fuse the FNO spectral chain ---------------------===//
//
// Implements --shodh-fuse-spectral: a pattern anchored on `shodh.irfft` walks
// back through spectral_pad, spectral_contract, spectral_truncate and rfft
// and, when the chain is exactly an FNO spectral convolution (see
// Passes.td), replaces the irfft by `shodh.spectral_conv`; the greedy driver
// then erases the dead chain. Chains with several users, other norms,
// mismatched modes or grids are left alone.
//
//===----------------------------------------------------------------------===//
#include "dialect/ShodhOps.h"
#include "passes/Passes.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::shodh {
#define GEN_PASS_DEF_SHODHFUSESPECTRAL
#include "passes/Passes.h.inc"
} // namespace mlir::shodh

using namespace mlir;
using namespace mlir::shodh;

namespace {

/// The ops of one rfft -> truncate -> contract -> pad -> irfft chain.
struct SpectralChain {
  RfftOp rfft;
  SpectralTruncateOp truncate;
  SpectralContractOp contract;
  SpectralPadOp pad;
  IrfftOp irfft;
};

/// Returns the op of type OpT defining `value` if `value` has one use.
template <typename OpT> OpT getSingleUseProducer(Value value) {
  auto op = value.getDefiningOp<OpT>();
  return op && value.hasOneUse() ? op : OpT();
}

/// Walks back from `irfft` through single-use values; fails if the chain is
/// not there.
FailureOr<SpectralChain> matchChain(IrfftOp irfft) {
  SpectralChain chain;
  chain.irfft = irfft;
  chain.pad = getSingleUseProducer<SpectralPadOp>(irfft.getInput());
  if (!chain.pad)
    return failure();
  chain.contract =
      getSingleUseProducer<SpectralContractOp>(chain.pad.getInput());
  if (!chain.contract)
    return failure();
  chain.truncate =
      getSingleUseProducer<SpectralTruncateOp>(chain.contract.getInput());
  if (!chain.truncate)
    return failure();
  chain.rfft = getSingleUseProducer<RfftOp>(chain.truncate.getInput());
  if (!chain.rfft)
    return failure();
  return chain;
}

/// Returns the bound integer list `attr`, or std::nullopt.
std::optional<ArrayRef<int64_t>> getBoundInts(Attribute attr) {
  auto bound = dyn_cast<DenseI64ArrayAttr>(attr);
  if (!bound)
    return std::nullopt;
  return bound.asArrayRef();
}

/// Checks norms, transformed axes and modes: both FFTs "backward" over
/// d = size(modes) axes, the pad's modes equal the truncation's.
bool hasMatchingModes(SpectralChain chain) {
  std::optional<ArrayRef<int64_t>> modes =
      getBoundInts(chain.truncate.getModes());
  std::optional<ArrayRef<int64_t>> padModes =
      getBoundInts(chain.pad.getModes());
  if (!modes || !padModes || *modes != *padModes)
    return false;
  int64_t d = modes->size();
  return chain.rfft.getNorm() == "backward" &&
         chain.irfft.getNorm() == "backward" &&
         static_cast<int64_t>(chain.rfft.getNdims()) == d &&
         static_cast<int64_t>(chain.irfft.getNdims()) == d;
}

/// Checks the grids: x is [B, I, sizes...] and the irfft gives [.., sizes].
bool hasMatchingGrid(SpectralChain chain) {
  std::optional<ArrayRef<int64_t>> sizes = getBoundInts(chain.pad.getSizes());
  auto input = cast<RankedTensorType>(chain.rfft.getInput().getType());
  auto output = cast<RankedTensorType>(chain.irfft.getType());
  auto lastSize = dyn_cast<IntegerAttr>(chain.irfft.getLastSizeAttr());
  if (!sizes || sizes->empty() || !lastSize ||
      input.getRank() != static_cast<int64_t>(sizes->size()) + 2 ||
      output.getRank() != input.getRank())
    return false;
  return input.getShape().take_back(sizes->size()) == *sizes &&
         output.getShape().take_back(sizes->size()) == *sizes &&
         lastSize.getInt() == sizes->back();
}

/// Replaces a complete FNO spectral chain ending in an irfft by
/// `shodh.spectral_conv`.
struct FuseSpectralChain : OpRewritePattern<IrfftOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(IrfftOp irfft,
                                PatternRewriter &rewriter) const override {
    FailureOr<SpectralChain> chain = matchChain(irfft);
    if (failed(chain))
      return rewriter.notifyMatchFailure(irfft, "not a single-use chain");
    if (!hasMatchingModes(*chain) || !hasMatchingGrid(*chain))
      return rewriter.notifyMatchFailure(irfft, "modes, norms or grids differ");
    rewriter.replaceOpWithNewOp<SpectralConvOp>(
        irfft, irfft.getType(), chain->rfft.getInput(),
        chain->contract.getWeight(), chain->truncate.getModes());
    return success();
  }
};

/// The pass: applies the fusion pattern to the whole module.
struct FuseSpectralPass
    : mlir::shodh::impl::ShodhFuseSpectralBase<FuseSpectralPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<FuseSpectralChain>(&getContext());
    if (failed(
            applyPatternsAndFoldGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
