//===- NnOps.cpp - Shape rules of conv, conv_transpose and their gradients ===//
//
// The shape rules (inferReturnTypes) of shodh.conv, shodh.conv_transpose,
// shodh.conv_grad_input and shodh.conv_grad_weight. They also check the
// attributes: `stride` (>= 1), `padding` (>= 0), `output_padding` (below the
// stride) and the size lists of the backward ops have one entry per spatial
// axis, and `padding_mode` is "zeros" or "circular". Fields are f32 or
// f64 [B, C, S_1, .., S_n] with n = 1, 2 or 3; weights and biases have the
// field's element type, and so has the result. Output sizes follow PyTorch:
//   conv            S' = floor((S + 2p - K) / s) + 1   (needs S + 2p >= K)
//   conv_transpose  S' = (S - 1) s - 2p + K + output_padding   (needs >= 1)
// Layer norm is in NnLayerNorm.cpp, gradients and lowering in
// NnLowering.cpp.
//
//===----------------------------------------------------------------------===//
#include "dialect/ShapeRules.h"

using namespace mlir;
using namespace mlir::shodh;

//===----------------------------------------------------------------------===//
// Shared checks
//===----------------------------------------------------------------------===//

/// Returns `type` as an f32 or f64 field [B, C, S_1, .., S_n], n = 1..3;
/// `name` names the operand in the message.
template <typename OpT>
static FailureOr<RankedTensorType> getConvField(std::optional<Location> loc,
                                                Type type, StringRef name) {
  auto ranked = dyn_cast<RankedTensorType>(type);
  if (ranked &&
      (ranked.getElementType().isF32() || ranked.getElementType().isF64()) &&
      ranked.getRank() >= 3 && ranked.getRank() <= 5)
    return ranked;
  return opError<OpT>(loc, name,
                      " must be an f32 or f64 field [B, C, S_1, .., S_n] with "
                      "1 to 3 spatial axes (rank 3 to 5), got ",
                      type);
}

/// The list attribute `attr` (`name`) resolved to one entry per spatial axis
/// (`fill` each when absent), each at least `min`.
template <typename OpT>
static FailureOr<SmallVector<int64_t>>
getSpatialList(std::optional<Location> loc, DenseI64ArrayAttr attr,
               int64_t spatial, int64_t fill, int64_t min, StringRef name) {
  if (!attr)
    return SmallVector<int64_t>(spatial, fill);
  if (static_cast<int64_t>(attr.size()) != spatial)
    return opError<OpT>(loc, name, " must have one entry per spatial axis (",
                        spatial, "), got ", attr.size());
  for (auto [axis, value] : llvm::enumerate(attr.asArrayRef()))
    if (value < min)
      return opError<OpT>(loc, name, "[", axis, "] must be at least ", min,
                          ", got ", value);
  return SmallVector<int64_t>(attr.asArrayRef());
}

/// Checks `padding_mode`.
template <typename OpT>
static LogicalResult checkPaddingMode(std::optional<Location> loc,
                                      StringRef mode) {
  if (mode == "zeros" || mode == "circular")
    return success();
  return opError<OpT>(loc,
                      "padding_mode must be \"zeros\" or \"circular\", "
                      "got \"",
                      mode, "\"");
}

/// Checks the weight's element type (`element`, the field's) and rank
/// (`rank`, the field's) and that its dimension `channelDim` matches the
/// field's `channels`; `layout` describes it.
template <typename OpT>
static LogicalResult
checkConvWeight(std::optional<Location> loc, Type weightType, Type element,
                int64_t rank, unsigned channelDim, int64_t channels,
                StringRef layout, StringRef field) {
  auto weight = dyn_cast<RankedTensorType>(weightType);
  if (!weight || weight.getElementType() != element || weight.getRank() != rank)
    return opError<OpT>(loc, "weight must be an ", typeName(element),
                        " tensor of rank ", rank, " (", layout, "), got ",
                        weightType);
  if (sizesConflict(weight.getDimSize(channelDim), channels))
    return opError<OpT>(loc, "weight has ", weight.getDimSize(channelDim),
                        " channels in dimension #", channelDim, " but ", field,
                        " has ", channels, " (dimension #1)");
  return success();
}

/// Checks the optional bias against `channels` output channels of element
/// type `element`.
template <typename OpT>
static LogicalResult checkConvBias(std::optional<Location> loc, Value bias,
                                   Type element, int64_t channels) {
  if (!bias)
    return success();
  auto type = dyn_cast<RankedTensorType>(bias.getType());
  if (!type || type.getElementType() != element || type.getRank() != 1 ||
      sizesConflict(type.getDimSize(0), channels))
    return opError<OpT>(loc, "bias must be an ", typeName(element),
                        " tensor [O] with O = ", channels,
                        " (the output channels), got ", bias.getType());
  return success();
}

/// The convolution output size along spatial axis `axis` (dynamic when S or
/// K is), or an error when the padded input is smaller than the kernel or a
/// circular padding exceeds the input.
template <typename OpT>
static FailureOr<int64_t>
convOutSize(std::optional<Location> loc, int64_t axis, int64_t size,
            int64_t kernel, int64_t stride, int64_t pad, bool circular) {
  if (circular && !ShapedType::isDynamic(size) && pad > size)
    return opError<OpT>(loc, "circular padding ", pad,
                        " exceeds the input size ", size, " of spatial axis ",
                        axis);
  if (ShapedType::isDynamic(size) || ShapedType::isDynamic(kernel))
    return ShapedType::kDynamic;
  FailureOr<int64_t> padded = staticProduct<OpT>(loc, 2, pad, "the padding");
  if (succeeded(padded))
    padded = staticSum<OpT>(loc, size, *padded, "the padded input size");
  if (failed(padded))
    return failure();
  if (kernel < 1 || *padded < kernel)
    return opError<OpT>(
        loc, "spatial axis ", axis, ": input size ", size, " with padding ",
        pad, " on each side is smaller than the kernel size ", kernel);
  return (*padded - kernel) / stride + 1;
}

/// The stride and padding of a conv-like op, checked.
struct ConvParams {
  SmallVector<int64_t> stride, padding;
  bool circular = false;
};

/// Resolves and checks `stride`, `padding` and `mode` for `spatial` axes.
template <typename OpT>
static FailureOr<ConvParams>
getConvParams(std::optional<Location> loc, int64_t spatial,
              DenseI64ArrayAttr stride, DenseI64ArrayAttr padding,
              StringRef mode) {
  auto s = getSpatialList<OpT>(loc, stride, spatial, 1, 1, "stride");
  if (failed(s))
    return failure();
  auto p = getSpatialList<OpT>(loc, padding, spatial, 0, 0, "padding");
  if (failed(p) || failed(checkPaddingMode<OpT>(loc, mode)))
    return failure();
  return ConvParams{*s, *p, mode == "circular"};
}

/// The output spatial sizes of a conv of `sizes` by `kernel`.
template <typename OpT>
static FailureOr<SmallVector<int64_t>>
convOutSizes(std::optional<Location> loc, ArrayRef<int64_t> sizes,
             ArrayRef<int64_t> kernel, const ConvParams &params) {
  SmallVector<int64_t> out;
  for (size_t d = 0; d < sizes.size(); ++d) {
    auto n = convOutSize<OpT>(loc, d, sizes[d], kernel[d], params.stride[d],
                              params.padding[d], params.circular);
    if (failed(n))
      return failure();
    out.push_back(*n);
  }
  return out;
}

/// Checks that dy's spatial sizes are the conv output sizes `want`.
template <typename OpT>
static LogicalResult checkDySizes(std::optional<Location> loc,
                                  RankedTensorType dy, ArrayRef<int64_t> want) {
  for (size_t d = 0; d < want.size(); ++d)
    if (sizesConflict(dy.getDimSize(2 + d), want[d]))
      return opError<OpT>(loc, "dy has size ", dy.getDimSize(2 + d),
                          " on spatial axis ", d, " but the convolution gives ",
                          want[d]);
  return success();
}

/// [lead0, lead1, spatial...] of element type `element`.
static RankedTensorType fieldType(Type element, int64_t lead0, int64_t lead1,
                                  ArrayRef<int64_t> spatial) {
  SmallVector<int64_t> shape{lead0, lead1};
  shape.append(spatial.begin(), spatial.end());
  return RankedTensorType::get(shape, element);
}

//===----------------------------------------------------------------------===//
// ConvOp
//===----------------------------------------------------------------------===//

LogicalResult ConvOp::inferReturnTypes(MLIRContext *,
                                       std::optional<Location> loc,
                                       Adaptor adaptor,
                                       SmallVectorImpl<Type> &inferred) {
  using OpT = ConvOp;
  auto x = getConvField<OpT>(loc, adaptor.getInput().getType(), "input");
  if (failed(x))
    return failure();
  int64_t rank = x->getRank(), spatial = rank - 2;
  auto w = dyn_cast<RankedTensorType>(adaptor.getWeight().getType());
  auto params =
      getConvParams<OpT>(loc, spatial, adaptor.getStrideAttr(),
                         adaptor.getPaddingAttr(), adaptor.getPaddingMode());
  if (failed(params) ||
      failed(checkConvWeight<OpT>(
          loc, adaptor.getWeight().getType(), x->getElementType(), rank, 1,
          x->getDimSize(1), "[O, C, K_1, .., K_n]", "input")) ||
      failed(checkConvBias<OpT>(loc, adaptor.getBias(), x->getElementType(),
                                w.getDimSize(0))))
    return failure();
  auto out = convOutSizes<OpT>(loc, x->getShape().drop_front(2),
                               w.getShape().drop_front(2), *params);
  if (failed(out))
    return failure();
  inferred.push_back(
      fieldType(x->getElementType(), x->getDimSize(0), w.getDimSize(0), *out));
  return success();
}

SHODH_COMPATIBLE_RETURN_TYPES(ConvOp)

//===----------------------------------------------------------------------===//
// ConvTransposeOp
//===----------------------------------------------------------------------===//

/// The transposed-convolution output size along `axis`, at least 1.
static FailureOr<int64_t> transposeOutSize(std::optional<Location> loc,
                                           int64_t axis, int64_t size,
                                           int64_t kernel, int64_t stride,
                                           int64_t pad, int64_t outPad) {
  if (outPad >= stride)
    return opError<ConvTransposeOp>(
        loc, "output_padding[", axis, "] = ", outPad,
        " must be smaller than stride[", axis, "] = ", stride);
  if (ShapedType::isDynamic(size) || ShapedType::isDynamic(kernel))
    return ShapedType::kDynamic;
  auto notPositive = [&] {
    return opError<ConvTransposeOp>(
        loc, "spatial axis ", axis, ": output size (", size, " - 1) * ", stride,
        " - 2 * ", pad, " + ", kernel, " + ", outPad, " must be positive");
  };
  if (size < 1 || kernel < 1)
    return notPositive();
  // (size - 1) * stride - 2 * pad + kernel + outPad, each step checked.
  using OpT = ConvTransposeOp;
  FailureOr<int64_t> out =
      staticProduct<OpT>(loc, size - 1, stride, "the output size");
  FailureOr<int64_t> twoPad = staticProduct<OpT>(loc, 2, pad, "the padding");
  if (failed(out) || failed(twoPad))
    return failure();
  out = staticSum<OpT>(loc, *out, kernel, "the output size");
  if (succeeded(out))
    out = staticSum<OpT>(loc, *out, outPad, "the output size");
  if (failed(out))
    return failure();
  *out -= *twoPad; // both non-negative: no overflow
  if (*out < 1)
    return notPositive();
  return *out;
}

LogicalResult
ConvTransposeOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                  Adaptor adaptor,
                                  SmallVectorImpl<Type> &inferred) {
  using OpT = ConvTransposeOp;
  auto x = getConvField<OpT>(loc, adaptor.getInput().getType(), "input");
  if (failed(x))
    return failure();
  int64_t rank = x->getRank(), spatial = rank - 2;
  auto w = dyn_cast<RankedTensorType>(adaptor.getWeight().getType());
  auto params = getConvParams<OpT>(loc, spatial, adaptor.getStrideAttr(),
                                   adaptor.getPaddingAttr(), "zeros");
  if (failed(params))
    return failure();
  auto outPad = getSpatialList<OpT>(loc, adaptor.getOutputPaddingAttr(),
                                    spatial, 0, 0, "output_padding");
  if (failed(outPad) ||
      failed(checkConvWeight<OpT>(
          loc, adaptor.getWeight().getType(), x->getElementType(), rank, 0,
          x->getDimSize(1), "[C, O, K_1, .., K_n]", "input")) ||
      failed(checkConvBias<OpT>(loc, adaptor.getBias(), x->getElementType(),
                                w.getDimSize(1))))
    return failure();
  SmallVector<int64_t> out;
  for (int64_t d = 0; d < spatial; ++d) {
    auto n =
        transposeOutSize(loc, d, x->getDimSize(2 + d), w.getDimSize(2 + d),
                         params->stride[d], params->padding[d], (*outPad)[d]);
    if (failed(n))
      return failure();
    out.push_back(*n);
  }
  inferred.push_back(
      fieldType(x->getElementType(), x->getDimSize(0), w.getDimSize(1), out));
  return success();
}

SHODH_COMPATIBLE_RETURN_TYPES(ConvTransposeOp)

//===----------------------------------------------------------------------===//
// ConvGradInputOp, ConvGradWeightOp
//===----------------------------------------------------------------------===//

LogicalResult
ConvGradInputOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                  Adaptor adaptor,
                                  SmallVectorImpl<Type> &inferred) {
  using OpT = ConvGradInputOp;
  auto dy = getConvField<OpT>(loc, adaptor.getDy().getType(), "dy");
  if (failed(dy))
    return failure();
  int64_t rank = dy->getRank(), spatial = rank - 2;
  auto w = dyn_cast<RankedTensorType>(adaptor.getWeight().getType());
  auto params =
      getConvParams<OpT>(loc, spatial, adaptor.getStrideAttr(),
                         adaptor.getPaddingAttr(), adaptor.getPaddingMode());
  if (failed(params))
    return failure();
  auto sizes = getSpatialList<OpT>(loc, adaptor.getInputSizeAttr(), spatial, 1,
                                   1, "input_size");
  if (failed(sizes) ||
      failed(checkConvWeight<OpT>(
          loc, adaptor.getWeight().getType(), dy->getElementType(), rank, 0,
          dy->getDimSize(1), "[O, C, K_1, .., K_n]", "dy")))
    return failure();
  auto out =
      convOutSizes<OpT>(loc, *sizes, w.getShape().drop_front(2), *params);
  if (failed(out) || failed(checkDySizes<OpT>(loc, *dy, *out)))
    return failure();
  inferred.push_back(fieldType(dy->getElementType(), dy->getDimSize(0),
                               w.getDimSize(1), *sizes));
  return success();
}

SHODH_COMPATIBLE_RETURN_TYPES(ConvGradInputOp)

LogicalResult
ConvGradWeightOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                   Adaptor adaptor,
                                   SmallVectorImpl<Type> &inferred) {
  using OpT = ConvGradWeightOp;
  auto x = getConvField<OpT>(loc, adaptor.getInput().getType(), "input");
  if (failed(x))
    return failure();
  auto dy = getConvField<OpT>(loc, adaptor.getDy().getType(), "dy");
  if (failed(dy))
    return failure();
  int64_t spatial = x->getRank() - 2;
  if (dy->getRank() != x->getRank() ||
      dy->getElementType() != x->getElementType() ||
      sizesConflict(dy->getDimSize(0), x->getDimSize(0)))
    return opError<OpT>(loc, "dy must have the input's element type, rank ",
                        x->getRank(), " and batch size, got ", *dy,
                        " for input ", *x);
  auto params =
      getConvParams<OpT>(loc, spatial, adaptor.getStrideAttr(),
                         adaptor.getPaddingAttr(), adaptor.getPaddingMode());
  if (failed(params))
    return failure();
  auto kernel = getSpatialList<OpT>(loc, adaptor.getKernelSizeAttr(), spatial,
                                    1, 1, "kernel_size");
  if (failed(kernel))
    return failure();
  auto out =
      convOutSizes<OpT>(loc, x->getShape().drop_front(2), *kernel, *params);
  if (failed(out) || failed(checkDySizes<OpT>(loc, *dy, *out)))
    return failure();
  inferred.push_back(fieldType(x->getElementType(), dy->getDimSize(1),
                               x->getDimSize(1), *kernel));
  return success();
}

SHODH_COMPATIBLE_RETURN_TYPES(ConvGradWeightOp)
