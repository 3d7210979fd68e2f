//===- SpectralConvAdd.cpp - shodh.spectral_conv_add ----------------------===//
//
// Shape rule, verifier and kernel lowering of the fused Fourier layer
// (ShodhLayerOps.td): spectral_conv's operand rules, its result joined with
// the addend's type; lowered to the `spectral_conv` kernel with `addend = 1`
// (a third input) and `activation`.
//
//===----------------------------------------------------------------------===//
#include "dialect/SpectralShapeRules.h"

#include "mlir/IR/Builders.h"

using namespace mlir;
using namespace mlir::shodh;

LogicalResult SpectralConvAddOp::inferReturnTypes(
    MLIRContext *, std::optional<Location> loc, Adaptor adaptor,
    SmallVectorImpl<Type> &inferred) {
  using OpT = SpectralConvAddOp;
  FailureOr<RankedTensorType> input = getFloatTensor<OpT>(
      loc, adaptor.getInput().getType(), /*complex=*/false, "input");
  FailureOr<RankedTensorType> weight = getFloatTensor<OpT>(
      loc, adaptor.getWeight().getType(), /*complex=*/true, "weight");
  FailureOr<RankedTensorType> addend = getFloatTensor<OpT>(
      loc, adaptor.getAddend().getType(), /*complex=*/false, "addend");
  ArrayRef<int64_t> modes = adaptor.getModes();
  if (failed(input) || failed(weight) || failed(addend) ||
      failed(checkModesCount<OpT>(loc, modes, input->getRank())) ||
      failed(checkPositive<OpT>(loc, modes, "modes")) ||
      failed(checkConvOperands<OpT>(loc, *input, *weight, modes.size())))
    return failure();
  ArrayRef<int64_t> grid = input->getShape().drop_front(2);
  if (failed(checkModesFit<OpT>(loc, modes, halfShape(grid), 2)) ||
      failed(checkTruncated<OpT>(loc, *weight, modes, "weight")))
    return failure();
  if (addend->getElementType() != input->getElementType())
    return opError<OpT>(loc, "addend must have the input's element type ",
                        input->getElementType(), ", got ", *addend);
  SmallVector<int64_t> shape{input->getDimSize(0), weight->getDimSize(1)};
  shape.append(grid.begin(), grid.end());
  if (failed(joinAddend<OpT>(loc, shape, *addend, "addend",
                             "the spectral convolution gives")))
    return failure();
  inferred.push_back(RankedTensorType::get(shape, input->getElementType()));
  return success();
}

SHODH_COMPATIBLE_RETURN_TYPES(SpectralConvAddOp)

LogicalResult SpectralConvAddOp::verify() {
  StringRef act = getActivation();
  if (act != "none" && act != "gelu" && act != "gelu_tanh")
    return emitOpError("activation must be \"none\", \"gelu\" or "
                       "\"gelu_tanh\", got \"")
           << act << "\"";
  return success();
}

StringRef SpectralConvAddOp::getKernelName() { return "spectral_conv"; }

/// Inputs x, w, addend: `addend = 1` tells the kernel there is a third.
SmallVector<NamedAttribute> SpectralConvAddOp::getKernelAttrs() {
  Builder b(getContext());
  return {b.getNamedAttr("modes", getModesAttr()),
          b.getNamedAttr("addend", b.getI64IntegerAttr(1)),
          b.getNamedAttr("activation", b.getStringAttr(getActivation()))};
}
