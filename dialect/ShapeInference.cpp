//===- ShapeInference.cpp - Result types of shodh compute ops -------------===//
//
// Implements InferTypeOpInterface for the dense compute ops (the spectral ones
// are in SpectralShapeInference.cpp). Each shape rule is checked by its own
// function; errors are emitted at the op's location when one is given (so
// the same code serves the verifier and the --shodh-infer-shapes pass).
// Dynamic dimensions stay dynamic.
//
//===----------------------------------------------------------------------===//
#include "dialect/ShapeRules.h"

using namespace mlir;
using namespace mlir::shodh;

//===----------------------------------------------------------------------===//
// LinearOp
//===----------------------------------------------------------------------===//

/// Checks that `axis` indexes a dimension of `input`.
static LogicalResult checkLinearAxis(std::optional<Location> loc,
                                     RankedTensorType input, int64_t axis) {
  if (axis < 0 || axis >= input.getRank())
    return opError<LinearOp>(loc, "axis ", axis,
                             " is out of range for an input of rank ",
                             input.getRank());
  return success();
}

/// Checks the weight's rank and that its Cin matches the input at `axis`.
static LogicalResult checkLinearWeight(std::optional<Location> loc,
                                       RankedTensorType input,
                                       RankedTensorType weight, int64_t axis) {
  if (weight.getRank() != 2)
    return opError<LinearOp>(loc, "weight must have rank 2 ([Cout, Cin]), got ",
                             weight);
  if (sizesConflict(input.getDimSize(axis), weight.getDimSize(1)))
    return opError<LinearOp>(loc, "input has ", input.getDimSize(axis),
                             " channels at axis ", axis,
                             " but the weight expects ", weight.getDimSize(1));
  return success();
}

/// Checks the bias's rank and that its size matches the weight's Cout.
static LogicalResult checkLinearBias(std::optional<Location> loc,
                                     RankedTensorType weight,
                                     RankedTensorType bias) {
  if (bias.getRank() != 1)
    return opError<LinearOp>(loc, "bias must have rank 1 ([Cout]), got ", bias);
  if (sizesConflict(bias.getDimSize(0), weight.getDimSize(0)))
    return opError<LinearOp>(loc, "bias has ", bias.getDimSize(0),
                             " elements but the weight has ",
                             weight.getDimSize(0), " output channels");
  return success();
}

LogicalResult LinearOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &inferred) {
  SmallVector<RankedTensorType> types;
  if (failed(getRankedTypes<LinearOp>(loc, adaptor.getOperands().getTypes(),
                                      types)) ||
      failed(checkSameElementType<LinearOp>(loc, types)))
    return failure();
  RankedTensorType input = types[0], weight = types[1];
  int64_t axis = adaptor.getAxis();
  if (failed(checkLinearAxis(loc, input, axis)) ||
      failed(checkLinearWeight(loc, input, weight, axis)) ||
      (types.size() > 2 && failed(checkLinearBias(loc, weight, types[2]))))
    return failure();
  SmallVector<int64_t> shape(input.getShape());
  int64_t cout = weight.getDimSize(0);
  if (types.size() > 2)
    cout = joinSize(cout, types[2].getDimSize(0));
  shape[axis] = cout;
  inferred.push_back(RankedTensorType::get(shape, input.getElementType()));
  return success();
}

SHODH_COMPATIBLE_RETURN_TYPES(LinearOp)

LogicalResult LinearAddOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &inferred) {
  using OpT = LinearAddOp;
  SmallVector<RankedTensorType> types;
  if (failed(getRankedTypes<OpT>(loc, adaptor.getOperands().getTypes(),
                                 types)) ||
      failed(checkSameElementType<OpT>(loc, types)))
    return failure();
  RankedTensorType input = types[0], weight = types[1], residual = types[2];
  int64_t axis = adaptor.getAxis();
  if (failed(checkLinearAxis(loc, input, axis)) ||
      failed(checkLinearWeight(loc, input, weight, axis)) ||
      (types.size() > 3 && failed(checkLinearBias(loc, weight, types[3]))))
    return failure();
  SmallVector<int64_t> shape(input.getShape());
  shape[axis] = weight.getDimSize(0);
  if (failed(joinAddend<OpT>(loc, shape, residual, "residual",
                             "the linear map gives")))
    return failure();
  inferred.push_back(RankedTensorType::get(shape, input.getElementType()));
  return success();
}

SHODH_COMPATIBLE_RETURN_TYPES(LinearAddOp)

//===----------------------------------------------------------------------===//
// GeluOp
//===----------------------------------------------------------------------===//

LogicalResult GeluOp::inferReturnTypes(MLIRContext *, std::optional<Location>,
                                       Adaptor adaptor,
                                       SmallVectorImpl<Type> &inferred) {
  inferred.push_back(adaptor.getInput().getType());
  return success();
}

SHODH_COMPATIBLE_RETURN_TYPES(GeluOp)

//===----------------------------------------------------------------------===//
// Elementwise binary ops
//===----------------------------------------------------------------------===//

LogicalResult AddOp::inferReturnTypes(MLIRContext *,
                                      std::optional<Location> loc,
                                      Adaptor adaptor,
                                      SmallVectorImpl<Type> &inferred) {
  return inferElementwise<AddOp>(loc, adaptor.getOperands().getTypes(),
                                 inferred);
}

SHODH_COMPATIBLE_RETURN_TYPES(AddOp)

LogicalResult MulOp::inferReturnTypes(MLIRContext *,
                                      std::optional<Location> loc,
                                      Adaptor adaptor,
                                      SmallVectorImpl<Type> &inferred) {
  return inferElementwise<MulOp>(loc, adaptor.getOperands().getTypes(),
                                 inferred);
}

SHODH_COMPATIBLE_RETURN_TYPES(MulOp)
