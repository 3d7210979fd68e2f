//===- ExpertMoe.cpp - The fused shodh.moe layer
//---------------------------===//
//
// Shape rule, gradient rule and kernel lowering of `shodh.moe`
// (docs/experts.md § Expert ops, fused layer): the result of
// combine(expert(dispatch(tokens, experts)), gates). The shape rule derives
// the dispatch's `sorted` and `offsets` types and reuses the expert's own
// rule (ExpertShapeRules.h); the gradient rule expands the layer back into
// its three ops in the forward graph of the training program (so the
// backward reuses the dispatch and the expert's output instead of
// recomputing them) and chains their gradient rules.
//
//===----------------------------------------------------------------------===//
#include "dialect/ExpertShapeRules.h"

#include "mlir/IR/Builders.h"

using namespace mlir;
using namespace mlir::shodh;
using namespace mlir::shodh::expert_rules;

LogicalResult MoeOp::inferReturnTypes(MLIRContext *ctx,
                                      std::optional<Location> loc, Adaptor a,
                                      SmallVectorImpl<Type> &inferred) {
  auto tok = dyn_cast<RankedTensorType>(a.getTokens().getType());
  auto ids = dyn_cast<RankedTensorType>(a.getExperts().getType());
  auto gates = dyn_cast<RankedTensorType>(a.getGates().getType());
  if (!tok || tok.getRank() < 3 || !tok.getElementType().isF32())
    return opError<MoeOp>(loc, "tokens must be (B, T, F...) f32, got ",
                          a.getTokens().getType());
  if (!ids || ids.getRank() != 3 || !ids.getElementType().isInteger(64))
    return opError<MoeOp>(loc, "experts must be (B, T, k) i64, got ",
                          a.getExperts().getType());
  if (!gates || failed(verifyCompatibleShape(gates, ids)) ||
      !gates.getElementType().isF32())
    return opError<MoeOp>(loc, "gates must be f32 of the experts' shape ", ids,
                          ", got ", a.getGates().getType());
  for (int64_t d = 0; d < 2; ++d)
    if (sizesConflict(tok.getDimSize(d), ids.getDimSize(d)))
      return opError<MoeOp>(loc, "experts dimension #", d, " is ",
                            ids.getDimSize(d), " but the tokens have ",
                            tok.getDimSize(d));
  int64_t e = a.getNumExperts();
  if (e < 1 || e > kMaxSizeAttr)
    return opError<MoeOp>(loc, "num_experts must be positive",
                          e < 1 ? "" : " and at most 2^40", ", got ", e);
  const int64_t t = tok.getDimSize(1);
  FailureOr<int64_t> rows =
      staticProduct<MoeOp>(loc, t, ids.getDimSize(2), "the routed rows");
  if (failed(rows))
    return failure();
  SmallVector<int64_t> sortedShape(tok.getShape());
  sortedShape[1] = *rows;
  Type sorted = RankedTensorType::get(sortedShape, tok.getElementType());
  Type offsets = RankedTensorType::get({e + 1}, IntegerType::get(ctx, 64));
  ValueRange params = a.getParams();
  ExpertTypes ty;
  FailureOr<RankedTensorType> out = failure();
  // The expert count comes from num_experts (moe has no offsets operand):
  // name it in the message rather than the offsets the rules below build.
  static const char *const kMlpNames[] = {"w1", "b1", "w2", "b2"};
  static const char *const kFnoNames[] = {"wspec", "wskip", "bskip"};
  const bool mlp = a.getExpert() == "mlp";
  ArrayRef<const char *> names = mlp ? kMlpNames
                                 : a.getExpert() == "fno"
                                     ? kFnoNames
                                     : ArrayRef<const char *>();
  for (size_t i = 0; i < std::min(params.size(), names.size()); ++i) {
    auto t = dyn_cast<RankedTensorType>(params[i].getType());
    if (t && t.getRank() > 0 && sizesConflict(t.getDimSize(0), e))
      return opError<MoeOp>(loc, names[i], " has ", t.getDimSize(0),
                            " experts (dim 0) but num_experts is ", e);
  }
  if (mlp) {
    if (params.size() != 4)
      return opError<MoeOp>(loc,
                            "expert \"mlp\" takes 4 parameters (w1, b1, "
                            "w2, b2), got ",
                            params.size());
    out = inferMlp<MoeOp>(loc, sorted, offsets, params[0].getType(),
                          params[1].getType(), params[2].getType(),
                          params[3].getType(), ty);
  } else if (a.getExpert() == "fno") {
    if (params.size() != 3)
      return opError<MoeOp>(loc,
                            "expert \"fno\" takes 3 parameters (wspec, "
                            "wskip, bskip), got ",
                            params.size());
    if (!a.getModes())
      return opError<MoeOp>(loc, "expert \"fno\" needs the attribute "
                                 "'modes' (one mode count per expert)");
    out = inferFno<MoeOp>(loc, sorted, offsets, params[0].getType(),
                          params[1].getType(), params[2].getType(),
                          *a.getModes(), ty);
  } else {
    return opError<MoeOp>(loc, "expert must be \"mlp\" or \"fno\", got \"",
                          a.getExpert(), "\"");
  }
  if (failed(out))
    return failure();
  SmallVector<int64_t> shape = {tok.getDimSize(0), t};
  shape.append(out->getShape().begin() + 2, out->getShape().end());
  inferred.push_back(RankedTensorType::get(shape, tok.getElementType()));
  return success();
}

SHODH_COMPATIBLE_RETURN_TYPES(MoeOp)

FailureOr<MoeChain> mlir::shodh::expandMoe(OpBuilder &builder, MoeOp moe) {
  Location loc = moe.getLoc();
  MoeChain chain;
  OpBuilder::InsertionGuard guard(builder);
  builder.setInsertionPoint(moe);
  // One branch per expert kind the verifier accepts (a kind added there and
  // not here is an error, never another kind's expert).
  if (moe.getExpert() != "mlp" && moe.getExpert() != "fno")
    return moe.emitOpError("cannot be expanded: no chain for expert \"")
           << moe.getExpert() << "\" (dialect/ExpertMoe.cpp, expandMoe)";
  chain.dispatch =
      builder.create<DispatchOp>(loc, moe.getTokens(), moe.getExperts(),
                                 builder.getI64IntegerAttr(moe.getNumExperts()),
                                 moe.getCapacityFactorAttr());
  SmallVector<Value> expertOperands = {chain.dispatch.getSorted(),
                                       chain.dispatch.getOffsets()};
  expertOperands.append(moe.getParams().begin(), moe.getParams().end());
  if (moe.getExpert() == "mlp")
    chain.expert = builder.create<ExpertMlpOp>(loc, expertOperands);
  else
    chain.expert = builder.create<ExpertFnoOp>(
        loc, expertOperands,
        ArrayRef<NamedAttribute>{
            builder.getNamedAttr("modes", moe.getModesAttr())});
  chain.combine = builder.create<CombineOp>(
      loc, chain.expert->getResult(0), moe.getGates(),
      chain.dispatch.getSource(), chain.dispatch.getOffsets());
  moe.getResult().replaceAllUsesWith(chain.combine.getResult());
  return chain;
}

LogicalResult MoeOp::buildGradient(OpBuilder &builder,
                                   ArrayRef<Value> resultGrads,
                                   ArrayRef<bool> needed,
                                   SmallVectorImpl<Value> &operandGrads) {
  operandGrads.assign(getNumOperands(), Value());
  Value dy = resultGrads[0];
  if (!dy)
    return success();
  // The layer as its chain, in its place in the forward graph: the backward
  // reuses `sorted`, `offsets`, `source` and the expert output instead of
  // recomputing them (the training program then holds them in the arena,
  // as the unfused layer does). The fused op is left without users; the
  // differentiator erases it.
  FailureOr<MoeChain> chain = expandMoe(builder, *this);
  if (failed(chain))
    return failure();
  DispatchOp dispatch = chain->dispatch;
  Operation *expert = chain->expert;
  CombineOp combine = chain->combine;
  // Their gradient rules, last op first.
  const size_t numParams = getParams().size();
  bool paramsNeeded =
      llvm::any_of(needed.drop_front(3), [](bool b) { return b; });
  SmallVector<Value> combineGrads, expertGrads, dispatchGrads;
  bool combineNeeded[] = {needed[0] || paramsNeeded, needed[2], false, false};
  if (failed(cast<GradientOpInterface>(combine.getOperation())
                 .buildGradient(builder, {dy}, combineNeeded, combineGrads)))
    return failure();
  operandGrads[2] = combineGrads[1];
  if (!combineGrads[0])
    return success();
  SmallVector<bool> expertNeeded = {needed[0], false};
  expertNeeded.append(needed.begin() + 3, needed.end());
  if (failed(cast<GradientOpInterface>(expert).buildGradient(
          builder, {combineGrads[0]}, expertNeeded, expertGrads)))
    return failure();
  for (size_t i = 0; i < numParams; ++i)
    operandGrads[3 + i] = expertGrads[2 + i];
  if (needed[0] && expertGrads[0]) {
    bool dispatchNeeded[] = {true, false};
    if (failed(cast<GradientOpInterface>(dispatch.getOperation())
                   .buildGradient(builder, {expertGrads[0], Value(), Value()},
                                  dispatchNeeded, dispatchGrads)))
      return failure();
    operandGrads[0] = dispatchGrads[0];
  }
  return success();
}

StringRef MoeOp::getKernelName() { return "moe"; }

/// expert, num_experts, capacity_factor and (fno) modes.
SmallVector<NamedAttribute> MoeOp::getKernelAttrs() {
  Builder b(getContext());
  SmallVector<NamedAttribute> attrs = {
      b.getNamedAttr("expert", b.getStringAttr(getExpert())),
      b.getNamedAttr("num_experts", b.getI64IntegerAttr(getNumExperts())),
      b.getNamedAttr("capacity_factor",
                     b.getF64FloatAttr(getCapacityFactor().convertToDouble()))};
  if (getModesAttr())
    attrs.push_back(b.getNamedAttr("modes", getModesAttr()));
  return attrs;
}
