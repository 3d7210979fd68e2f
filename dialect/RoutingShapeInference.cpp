//===- RoutingShapeInference.cpp - Result types of the routing ops -------===//
//
// Implements InferTypeOpInterface for the routing ops of sparse
// mixture-of-experts and their backward ops (docs/experts.md): every rule
// checks ranks, element types (f32 values, i64 ids and offsets) and the
// sizes the ragged token layout ties together (B and T of tokens, probs and
// experts; T·k rows of sorted tensors; E+1 offsets), naming the operand in
// its message. Dynamic sizes stay dynamic.
//
//===----------------------------------------------------------------------===//
#include "dialect/HyperparamAttrs.h"
#include "dialect/ShapeRules.h"

using namespace mlir;
using namespace mlir::shodh;

//===----------------------------------------------------------------------===//
// Operand checks
//===----------------------------------------------------------------------===//

/// Checks that `type` (operand `what`) is a ranked tensor of element type
/// f32 (`wantF32`) or i64 and of rank `rank` (or at least `-rank` when
/// negative); returns it.
template <typename OpT>
static FailureOr<RankedTensorType> checkOperand(std::optional<Location> loc,
                                                Type type, StringRef what,
                                                bool wantF32, int64_t rank) {
  auto ranked = dyn_cast<RankedTensorType>(type);
  Type element = getElementTypeOrSelf(type);
  bool elementOk = wantF32 ? element.isF32() : element.isInteger(64);
  if (!ranked || !elementOk)
    return opError<OpT>(loc, what, " must be a ranked tensor of ",
                        wantF32 ? "f32" : "i64", ", got ", type);
  if (rank >= 0 && ranked.getRank() != rank)
    return opError<OpT>(loc, what, " must have rank ", rank, ", got ", type);
  if (rank < 0 && ranked.getRank() < -rank)
    return opError<OpT>(loc, what, " must have rank >= ", -rank, ", got ",
                        type);
  return ranked;
}

/// Checks that dimension `dim` of `a` (operand `aName`) and of `b` agree.
template <typename OpT>
static LogicalResult checkDim(std::optional<Location> loc, RankedTensorType a,
                              StringRef aName, RankedTensorType b,
                              StringRef bName, int64_t dim, StringRef meaning) {
  if (sizesConflict(a.getDimSize(dim), b.getDimSize(dim)))
    return opError<OpT>(loc, aName, " has ", meaning, " ", a.getDimSize(dim),
                        " (dim ", dim, ") but ", bName, " has ",
                        b.getDimSize(dim));
  return success();
}

/// Checks that the (B, T) dims of `a` and `b` agree.
template <typename OpT>
static LogicalResult checkBatchTokens(std::optional<Location> loc,
                                      RankedTensorType a, StringRef aName,
                                      RankedTensorType b, StringRef bName) {
  if (failed(checkDim<OpT>(loc, a, aName, b, bName, 0, "batch")) ||
      failed(checkDim<OpT>(loc, a, aName, b, bName, 1, "tokens")))
    return failure();
  return success();
}

/// The value of a `num_experts` attribute (kDynamic while unbound), checked:
/// at least 1 and at most 2^40.
template <typename OpT>
static FailureOr<int64_t> knownNumExperts(std::optional<Location> loc,
                                          Attribute attr) {
  int64_t n = getKnownInt(attr);
  if (!ShapedType::isDynamic(n) && (n < 1 || n > kMaxSizeAttr))
    return opError<OpT>(loc, "num_experts must be at least 1",
                        n < 1 ? "" : " and at most 2^40", ", got ", n);
  return n;
}

/// Checks an optional `tensor<1xf32>` loss cotangent.
template <typename OpT>
static LogicalResult checkDloss(std::optional<Location> loc, Value dloss) {
  if (!dloss)
    return success();
  auto type = dyn_cast<RankedTensorType>(dloss.getType());
  if (!type || type.getShape() != ArrayRef<int64_t>{1} ||
      !type.getElementType().isF32())
    return opError<OpT>(loc, "dloss must be tensor<1xf32>, got ",
                        dloss.getType());
  return success();
}

/// `shape` with its first two dims replaced by (d0, d1).
static SmallVector<int64_t> withRows(ArrayRef<int64_t> shape, int64_t d0,
                                     int64_t d1) {
  SmallVector<int64_t> out(shape);
  out[0] = d0, out[1] = d1;
  return out;
}

/// The f32 scalar loss type.
static RankedTensorType lossType(MLIRContext *context) {
  return RankedTensorType::get({1}, Float32Type::get(context));
}

//===----------------------------------------------------------------------===//
// router, spectral_energy, top_k
//===----------------------------------------------------------------------===//

LogicalResult RouterOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &inferred) {
  using OpT = RouterOp;
  auto tokens =
      checkOperand<OpT>(loc, adaptor.getTokens().getType(), "tokens", true, 3);
  if (failed(tokens))
    return failure();
  auto weight =
      checkOperand<OpT>(loc, adaptor.getWeight().getType(), "weight", true, 2);
  if (failed(weight))
    return failure();
  if (sizesConflict(tokens->getDimSize(2), weight->getDimSize(1)))
    return opError<OpT>(loc, "tokens have ", tokens->getDimSize(2),
                        " features but the weight expects ",
                        weight->getDimSize(1));
  int64_t experts = weight->getDimSize(0);
  if (Value biasValue = adaptor.getBias()) {
    auto bias = checkOperand<OpT>(loc, biasValue.getType(), "bias", true, 1);
    if (failed(bias))
      return failure();
    if (sizesConflict(bias->getDimSize(0), experts))
      return opError<OpT>(loc, "bias has ", bias->getDimSize(0),
                          " elements but the weight has ", experts, " experts");
    experts = joinSize(experts, bias->getDimSize(0));
  }
  auto type = RankedTensorType::get(
      {tokens->getDimSize(0), tokens->getDimSize(1), experts},
      tokens->getElementType());
  inferred.append({type, type});
  return success();
}
SHODH_COMPATIBLE_RETURN_TYPES(RouterOp)

LogicalResult
SpectralEnergyOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                   Adaptor adaptor,
                                   SmallVectorImpl<Type> &inferred) {
  using OpT = SpectralEnergyOp;
  auto patches = checkOperand<OpT>(loc, adaptor.getPatches().getType(),
                                   "patches", true, -5);
  if (failed(patches))
    return failure();
  if (patches->getRank() > 6)
    return opError<OpT>(loc,
                        "patches must have rank 5 (B, T, C, h, w) or 6 "
                        "(B, T, C, d, h, w), got ",
                        *patches);
  // I64Attr getters return uint64_t: read the value as signed.
  int64_t bands = static_cast<int64_t>(adaptor.getBands());
  if (bands < 1)
    return opError<OpT>(loc, "bands must be at least 1, got ", bands);
  inferred.push_back(RankedTensorType::get(
      {patches->getDimSize(0), patches->getDimSize(1), bands},
      patches->getElementType()));
  return success();
}
SHODH_COMPATIBLE_RETURN_TYPES(SpectralEnergyOp)

LogicalResult TopKOp::inferReturnTypes(MLIRContext *context,
                                       std::optional<Location> loc,
                                       Adaptor adaptor,
                                       SmallVectorImpl<Type> &inferred) {
  using OpT = TopKOp;
  auto probs =
      checkOperand<OpT>(loc, adaptor.getProbs().getType(), "probs", true, 3);
  if (failed(probs))
    return failure();
  int64_t k = getKnownInt(adaptor.getK());
  if (!ShapedType::isDynamic(k) && k < 1)
    return opError<OpT>(loc, "k must be at least 1, got ", k);
  if (sizesConflict(k, probs->getDimSize(2)) && k > probs->getDimSize(2))
    return opError<OpT>(loc, "k = ", k, " exceeds the ", probs->getDimSize(2),
                        " experts of probs");
  int64_t b = probs->getDimSize(0), t = probs->getDimSize(1);
  inferred.push_back(RankedTensorType::get({b, t, k}, probs->getElementType()));
  inferred.push_back(
      RankedTensorType::get({b, t, k}, IntegerType::get(context, 64)));
  return success();
}
SHODH_COMPATIBLE_RETURN_TYPES(TopKOp)

//===----------------------------------------------------------------------===//
// dispatch, combine
//===----------------------------------------------------------------------===//

LogicalResult DispatchOp::inferReturnTypes(MLIRContext *context,
                                           std::optional<Location> loc,
                                           Adaptor adaptor,
                                           SmallVectorImpl<Type> &inferred) {
  using OpT = DispatchOp;
  auto tokens =
      checkOperand<OpT>(loc, adaptor.getTokens().getType(), "tokens", true, -3);
  if (failed(tokens))
    return failure();
  auto experts = checkOperand<OpT>(loc, adaptor.getExperts().getType(),
                                   "experts", false, 3);
  if (failed(experts) || failed(checkBatchTokens<OpT>(loc, *tokens, "tokens",
                                                      *experts, "experts")))
    return failure();
  FailureOr<int64_t> known = knownNumExperts<OpT>(loc, adaptor.getNumExperts());
  if (failed(known))
    return failure();
  const int64_t numExperts = *known;
  int64_t b = tokens->getDimSize(0);
  FailureOr<int64_t> routed = staticProduct<OpT>(
      loc, tokens->getDimSize(1), experts->getDimSize(2), "the routed rows");
  if (failed(routed))
    return failure();
  int64_t rows = *routed;
  auto i64 = IntegerType::get(context, 64);
  inferred.push_back(RankedTensorType::get(
      withRows(tokens->getShape(), b, rows), tokens->getElementType()));
  inferred.push_back(RankedTensorType::get(
      {ShapedType::isDynamic(numExperts) ? numExperts : numExperts + 1}, i64));
  inferred.push_back(RankedTensorType::get({b, rows}, i64));
  return success();
}
SHODH_COMPATIBLE_RETURN_TYPES(DispatchOp)

/// Checks the (source, offsets) pair of a dispatch against `rowsType`
/// (operand `rowsName`, `(B, T·k, ...)`) and the gates `(B, T, k)`.
template <typename OpT>
static LogicalResult checkRagged(std::optional<Location> loc,
                                 RankedTensorType rows, StringRef rowsName,
                                 RankedTensorType gates, Type sourceType,
                                 Type offsetsType) {
  auto source = checkOperand<OpT>(loc, sourceType, "source", false, 2);
  if (failed(source) ||
      failed(checkOperand<OpT>(loc, offsetsType, "offsets", false, 1)))
    return failure();
  if (failed(
          checkDim<OpT>(loc, *source, "source", rows, rowsName, 0, "batch")) ||
      failed(
          checkDim<OpT>(loc, *source, "source", rows, rowsName, 1, "rows")) ||
      failed(checkDim<OpT>(loc, gates, "gates", rows, rowsName, 0, "batch")))
    return failure();
  FailureOr<int64_t> gateSlots = staticProduct<OpT>(
      loc, gates.getDimSize(1), gates.getDimSize(2), "the gate slots");
  if (failed(gateSlots))
    return failure();
  int64_t slots = *gateSlots;
  if (sizesConflict(slots, rows.getDimSize(1)))
    return opError<OpT>(loc, "gates hold ", slots,
                        " slots per sample (T·k) but ", rowsName, " has ",
                        rows.getDimSize(1), " rows");
  return success();
}

LogicalResult CombineOp::inferReturnTypes(MLIRContext *,
                                          std::optional<Location> loc,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &inferred) {
  using OpT = CombineOp;
  auto out =
      checkOperand<OpT>(loc, adaptor.getOut().getType(), "out", true, -3);
  if (failed(out))
    return failure();
  auto gates =
      checkOperand<OpT>(loc, adaptor.getGates().getType(), "gates", true, 3);
  if (failed(gates) || failed(checkRagged<OpT>(loc, *out, "out", *gates,
                                               adaptor.getSource().getType(),
                                               adaptor.getOffsets().getType())))
    return failure();
  int64_t b = joinSize(out->getDimSize(0), gates->getDimSize(0));
  inferred.push_back(
      RankedTensorType::get(withRows(out->getShape(), b, gates->getDimSize(1)),
                            out->getElementType()));
  return success();
}
SHODH_COMPATIBLE_RETURN_TYPES(CombineOp)

//===----------------------------------------------------------------------===//
// Router losses, allocation_kl
//===----------------------------------------------------------------------===//

LogicalResult LoadBalanceLossOp::inferReturnTypes(
    MLIRContext *context, std::optional<Location> loc, Adaptor adaptor,
    SmallVectorImpl<Type> &inferred) {
  using OpT = LoadBalanceLossOp;
  auto probs =
      checkOperand<OpT>(loc, adaptor.getProbs().getType(), "probs", true, 3);
  if (failed(probs))
    return failure();
  auto experts = checkOperand<OpT>(loc, adaptor.getExperts().getType(),
                                   "experts", false, 3);
  if (failed(experts) ||
      failed(checkBatchTokens<OpT>(loc, *probs, "probs", *experts, "experts")))
    return failure();
  inferred.push_back(lossType(context));
  return success();
}
SHODH_COMPATIBLE_RETURN_TYPES(LoadBalanceLossOp)

LogicalResult RouterZLossOp::inferReturnTypes(MLIRContext *context,
                                              std::optional<Location> loc,
                                              Adaptor adaptor,
                                              SmallVectorImpl<Type> &inferred) {
  if (failed(checkOperand<RouterZLossOp>(loc, adaptor.getLogits().getType(),
                                         "logits", true, 3)))
    return failure();
  inferred.push_back(lossType(context));
  return success();
}
SHODH_COMPATIBLE_RETURN_TYPES(RouterZLossOp)

LogicalResult
RouterKlLossOp::inferReturnTypes(MLIRContext *context,
                                 std::optional<Location> loc, Adaptor adaptor,
                                 SmallVectorImpl<Type> &inferred) {
  if (failed(checkOperand<RouterKlLossOp>(loc, adaptor.getProbs().getType(),
                                          "probs", true, 3)))
    return failure();
  inferred.push_back(lossType(context));
  return success();
}
SHODH_COMPATIBLE_RETURN_TYPES(RouterKlLossOp)

LogicalResult
AllocationKlOp::inferReturnTypes(MLIRContext *context,
                                 std::optional<Location> loc, Adaptor adaptor,
                                 SmallVectorImpl<Type> &inferred) {
  using OpT = AllocationKlOp;
  if (failed(checkOperand<OpT>(loc, adaptor.getExperts().getType(), "experts",
                               false, 3)))
    return failure();
  if (failed(knownNumExperts<OpT>(loc, adaptor.getNumExperts())))
    return failure();
  inferred.push_back(lossType(context));
  return success();
}
SHODH_COMPATIBLE_RETURN_TYPES(AllocationKlOp)

//===----------------------------------------------------------------------===//
// Backward ops
//===----------------------------------------------------------------------===//

/// Joins the shapes of f32 rank-3 tensors `types` (operands `names`).
template <typename OpT>
static LogicalResult
joinRank3(std::optional<Location> loc, ArrayRef<Value> values,
          ArrayRef<StringRef> names, SmallVectorImpl<Type> &inferred) {
  SmallVector<int64_t> shape(3, ShapedType::kDynamic);
  Type element;
  for (auto [value, name] : llvm::zip(values, names)) {
    if (!value)
      continue;
    auto type = checkOperand<OpT>(loc, value.getType(), name, true, 3);
    if (failed(type))
      return failure();
    element = type->getElementType();
    if (failed(joinAddend<OpT>(loc, shape, *type, name, "the others have")))
      return failure();
  }
  inferred.push_back(RankedTensorType::get(shape, element));
  return success();
}

LogicalResult RouterGradOp::inferReturnTypes(MLIRContext *,
                                             std::optional<Location> loc,
                                             Adaptor adaptor,
                                             SmallVectorImpl<Type> &inferred) {
  return joinRank3<RouterGradOp>(
      loc, {adaptor.getProbs(), adaptor.getDprobs(), adaptor.getDlogits()},
      {"probs", "dprobs", "dlogits"}, inferred);
}
SHODH_COMPATIBLE_RETURN_TYPES(RouterGradOp)

LogicalResult TopKGradOp::inferReturnTypes(MLIRContext *,
                                           std::optional<Location> loc,
                                           Adaptor adaptor,
                                           SmallVectorImpl<Type> &inferred) {
  using OpT = TopKGradOp;
  auto probs =
      checkOperand<OpT>(loc, adaptor.getProbs().getType(), "probs", true, 3);
  if (failed(probs))
    return failure();
  auto experts = checkOperand<OpT>(loc, adaptor.getExperts().getType(),
                                   "experts", false, 3);
  if (failed(experts))
    return failure();
  auto dgates =
      checkOperand<OpT>(loc, adaptor.getDgates().getType(), "dgates", true, 3);
  if (failed(dgates) ||
      failed(
          checkBatchTokens<OpT>(loc, *probs, "probs", *experts, "experts")) ||
      failed(checkDim<OpT>(loc, *dgates, "dgates", *experts, "experts", 0,
                           "batch")) ||
      failed(checkDim<OpT>(loc, *dgates, "dgates", *experts, "experts", 1,
                           "tokens")) ||
      failed(checkDim<OpT>(loc, *dgates, "dgates", *experts, "experts", 2,
                           "slots")))
    return failure();
  inferred.push_back(*probs);
  return success();
}
SHODH_COMPATIBLE_RETURN_TYPES(TopKGradOp)

LogicalResult
DispatchGradOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                 Adaptor adaptor,
                                 SmallVectorImpl<Type> &inferred) {
  using OpT = DispatchGradOp;
  auto dsorted = checkOperand<OpT>(loc, adaptor.getDsorted().getType(),
                                   "dsorted", true, -3);
  if (failed(dsorted))
    return failure();
  auto source =
      checkOperand<OpT>(loc, adaptor.getSource().getType(), "source", false, 2);
  if (failed(source) ||
      failed(checkOperand<OpT>(loc, adaptor.getOffsets().getType(), "offsets",
                               false, 1)) ||
      failed(
          checkBatchTokens<OpT>(loc, *source, "source", *dsorted, "dsorted")))
    return failure();
  int64_t k = adaptor.getK(), rows = dsorted->getDimSize(1);
  if (k < 1)
    return opError<OpT>(loc, "k must be at least 1, got ", k);
  if (!ShapedType::isDynamic(rows) && rows % k != 0)
    return opError<OpT>(loc, "dsorted has ", rows,
                        " rows, not a multiple of k = ", k);
  int64_t tokens = ShapedType::isDynamic(rows) ? rows : rows / k;
  inferred.push_back(RankedTensorType::get(
      withRows(dsorted->getShape(), dsorted->getDimSize(0), tokens),
      dsorted->getElementType()));
  return success();
}
SHODH_COMPATIBLE_RETURN_TYPES(DispatchGradOp)

LogicalResult CombineGradOp::inferReturnTypes(MLIRContext *,
                                              std::optional<Location> loc,
                                              Adaptor adaptor,
                                              SmallVectorImpl<Type> &inferred) {
  using OpT = CombineGradOp;
  SmallVector<Type> forward;
  if (failed(CombineOp::inferReturnTypes(
          nullptr, loc,
          CombineOp::Adaptor(ValueRange{adaptor.getOut(), adaptor.getGates(),
                                        adaptor.getSource(),
                                        adaptor.getOffsets()}),
          forward)))
    return failure();
  auto dy = checkOperand<OpT>(loc, adaptor.getDy().getType(), "dy", true, -3);
  if (failed(dy))
    return failure();
  auto y = cast<RankedTensorType>(forward.front());
  if (failed(verifyCompatibleShape(*dy, y)))
    return opError<OpT>(loc, "dy ", *dy, " does not match combine's result ",
                        y);
  inferred.push_back(adaptor.getOut().getType());
  inferred.push_back(adaptor.getGates().getType());
  return success();
}
SHODH_COMPATIBLE_RETURN_TYPES(CombineGradOp)

LogicalResult LoadBalanceLossGradOp::inferReturnTypes(
    MLIRContext *context, std::optional<Location> loc, Adaptor adaptor,
    SmallVectorImpl<Type> &inferred) {
  using OpT = LoadBalanceLossGradOp;
  SmallVector<Type> loss;
  if (failed(LoadBalanceLossOp::inferReturnTypes(
          context, loc,
          LoadBalanceLossOp::Adaptor(
              ValueRange{adaptor.getProbs(), adaptor.getExperts()}),
          loss)) ||
      failed(checkDloss<OpT>(loc, adaptor.getDloss())))
    return failure();
  inferred.push_back(adaptor.getProbs().getType());
  return success();
}
SHODH_COMPATIBLE_RETURN_TYPES(LoadBalanceLossGradOp)

LogicalResult
RouterZLossGradOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                    Adaptor adaptor,
                                    SmallVectorImpl<Type> &inferred) {
  using OpT = RouterZLossGradOp;
  if (failed(checkOperand<OpT>(loc, adaptor.getLogits().getType(), "logits",
                               true, 3)) ||
      failed(checkDloss<OpT>(loc, adaptor.getDloss())))
    return failure();
  inferred.push_back(adaptor.getLogits().getType());
  return success();
}
SHODH_COMPATIBLE_RETURN_TYPES(RouterZLossGradOp)

LogicalResult
RouterKlLossGradOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                     Adaptor adaptor,
                                     SmallVectorImpl<Type> &inferred) {
  using OpT = RouterKlLossGradOp;
  if (failed(checkOperand<OpT>(loc, adaptor.getProbs().getType(), "probs", true,
                               3)) ||
      failed(checkDloss<OpT>(loc, adaptor.getDloss())))
    return failure();
  inferred.push_back(adaptor.getProbs().getType());
  return success();
}
SHODH_COMPATIBLE_RETURN_TYPES(RouterKlLossGradOp)
