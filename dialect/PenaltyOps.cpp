//===- PenaltyOps.cpp - shodh.mean_square and its gradient ----------------===//
//
// Shape rules, gradient and kernel lowering of `shodh.mean_square` (the mean
// of x^2 over every element, `tensor<1xT>`: a penalty term for
// `shodh.aux_loss`) and `shodh.mean_square_grad` (x and the cotangent
// `tensor<1xT>` -> dx of x's type). They lower to the `mean_square` and
// `mean_square_grad` kernels (runtime/kernels/cpu/grad/Losses.h).
//
//===----------------------------------------------------------------------===//
#include "dialect/ShodhOps.h"
#include "dialect/SpectralShapeRules.h"

#include "mlir/IR/Builders.h"

using namespace mlir;
using namespace mlir::shodh;

LogicalResult MeanSquareOp::inferReturnTypes(MLIRContext *,
                                             std::optional<Location> loc,
                                             Adaptor adaptor,
                                             SmallVectorImpl<Type> &inferred) {
  FailureOr<RankedTensorType> input = getFloatTensor<MeanSquareOp>(
      loc, adaptor.getInput().getType(), /*complex=*/false, "input");
  if (failed(input))
    return failure();
  inferred.push_back(RankedTensorType::get({1}, input->getElementType()));
  return success();
}
SHODH_COMPATIBLE_RETURN_TYPES(MeanSquareOp)

LogicalResult
MeanSquareGradOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                   Adaptor adaptor,
                                   SmallVectorImpl<Type> &inferred) {
  using OpT = MeanSquareGradOp;
  FailureOr<RankedTensorType> input = getFloatTensor<OpT>(
      loc, adaptor.getInput().getType(), /*complex=*/false, "input");
  FailureOr<RankedTensorType> dloss = getFloatTensor<OpT>(
      loc, adaptor.getDloss().getType(), /*complex=*/false, "dloss");
  if (failed(input) || failed(dloss) ||
      failed(checkSameElementType<OpT>(loc, {*input, *dloss})))
    return failure();
  if (dloss->getRank() != 1 || sizesConflict(dloss->getDimSize(0), 1))
    return opError<OpT>(loc, "dloss must have shape [1], got ", *dloss);
  inferred.push_back(*input);
  return success();
}
SHODH_COMPATIBLE_RETURN_TYPES(MeanSquareGradOp)

LogicalResult
MeanSquareOp::buildGradient(OpBuilder &builder, ArrayRef<Value> resultGrads,
                            ArrayRef<bool> needed,
                            SmallVectorImpl<Value> &operandGrads) {
  operandGrads.assign(getOperation()->getNumOperands(), Value());
  if (resultGrads[0] && needed[0])
    operandGrads[0] =
        builder.create<MeanSquareGradOp>(getLoc(), getInput(), resultGrads[0]);
  return success();
}

StringRef MeanSquareOp::getKernelName() { return "mean_square"; }

SmallVector<NamedAttribute> MeanSquareOp::getKernelAttrs() { return {}; }

StringRef MeanSquareGradOp::getKernelName() { return "mean_square_grad"; }

SmallVector<NamedAttribute> MeanSquareGradOp::getKernelAttrs() { return {}; }
