//===- PatchOps.cpp - patchify / unpatchify / interpolate -----------------===//
//
// Shape rules, gradient rules and kernel lowering of the patch and
// resampling ops of docs/experts.md (§ Patches and resampling):
//
//   patchify(x) {patch}      (B, C, H, W) -> (B, (H/ph)(W/pw), C, ph, pw)
//   unpatchify(t) {grid}     the inverse; each is the other's gradient
//   interpolate(x) {size}    linear resampling of the trailing 1-3 axes,
//                            gradient interpolate_grad(dy) {size = input's}
//   reshape(x) {shape}       (B, S...) -> (B, shape...), same count per
//                            sample; gradient reshape(dy) {shape = S}
//
//===----------------------------------------------------------------------===//
#include "dialect/HyperparamAttrs.h"
#include "dialect/ShapeRules.h"

#include "mlir/IR/Builders.h"
#include "llvm/Support/MathExtras.h"

using namespace mlir;
using namespace mlir::shodh;

/// Returns `type` as a ranked f32 tensor or reports `what` is not.
template <typename OpT>
static FailureOr<RankedTensorType> getF32(std::optional<Location> loc,
                                          Type type, StringRef what) {
  auto ranked = dyn_cast<RankedTensorType>(type);
  if (!ranked || !ranked.getElementType().isF32())
    return opError<OpT>(loc, what, " must be a ranked tensor of f32, got ",
                        type);
  return ranked;
}

/// Checks that `list` (attribute `what`) has 2 or 3 positive entries.
template <typename OpT>
static LogicalResult checkPatchList(std::optional<Location> loc,
                                    ArrayRef<int64_t> list, StringRef what) {
  if (list.size() != 2 && list.size() != 3)
    return opError<OpT>(
        loc, what, " must have 2 or 3 entries (2-D or 3-D), got ", list.size());
  for (auto [i, v] : llvm::enumerate(list))
    if (!ShapedType::isDynamic(v) && (v <= 0 || v > kMaxSizeAttr))
      return opError<OpT>(loc, what, "[", i, "] must be positive",
                          v > 0 ? " and at most 2^40" : "", ", got ", v);
  return success();
}

/// Checks that patch size `p` divides grid size `n` on axis `axis`.
template <typename OpT>
static LogicalResult checkDivides(std::optional<Location> loc, int64_t n,
                                  int64_t p, size_t axis) {
  if (!ShapedType::isDynamic(p) && p <= 0)
    return opError<OpT>(loc, "patch size on spatial axis ", axis,
                        " must be positive, got ", p);
  if (!ShapedType::isDynamic(n) && !ShapedType::isDynamic(p) && n % p != 0)
    return opError<OpT>(loc, "patch size ", p,
                        " does not divide the grid size ", n,
                        " on spatial axis ", axis);
  return success();
}

LogicalResult PatchifyOp::inferReturnTypes(MLIRContext *,
                                           std::optional<Location> loc,
                                           Adaptor a,
                                           SmallVectorImpl<Type> &inferred) {
  FailureOr<RankedTensorType> x =
      getF32<PatchifyOp>(loc, a.getInput().getType(), "input");
  SmallVector<int64_t> patch = getKnownInts(a.getPatch());
  if (failed(x) || failed(checkPatchList<PatchifyOp>(loc, patch, "patch")))
    return failure();
  size_t d = patch.size();
  if (x->getRank() != static_cast<int64_t>(d) + 2)
    return opError<PatchifyOp>(loc, "input must have rank ", d + 2,
                               " (B, C and ", d, " spatial axes) for ", d,
                               " patch sizes, got ", *x);
  int64_t count = 1;
  for (size_t i = 0; i < d; ++i) {
    int64_t n = x->getDimSize(2 + i);
    if (failed(checkDivides<PatchifyOp>(loc, n, patch[i], i)))
      return failure();
    FailureOr<int64_t> next = staticProduct<PatchifyOp>(
        loc, count,
        ShapedType::isDynamic(n) ? ShapedType::kDynamic : n / patch[i],
        "the patch count");
    if (failed(next))
      return failure();
    count = *next;
  }
  SmallVector<int64_t> shape = {x->getDimSize(0), count, x->getDimSize(1)};
  shape.append(patch.begin(), patch.end());
  inferred.push_back(RankedTensorType::get(shape, x->getElementType()));
  return success();
}

SHODH_COMPATIBLE_RETURN_TYPES(PatchifyOp)

LogicalResult UnpatchifyOp::inferReturnTypes(MLIRContext *,
                                             std::optional<Location> loc,
                                             Adaptor a,
                                             SmallVectorImpl<Type> &inferred) {
  using OpT = UnpatchifyOp;
  FailureOr<RankedTensorType> t =
      getF32<OpT>(loc, a.getInput().getType(), "input");
  SmallVector<int64_t> grid = getKnownInts(a.getGrid());
  if (failed(t) || failed(checkPatchList<OpT>(loc, grid, "grid")))
    return failure();
  size_t d = grid.size();
  if (t->getRank() != static_cast<int64_t>(d) + 3)
    return opError<OpT>(loc, "input must have rank ", d + 3, " (B, P, C and ",
                        d, " patch axes) for a ", d, "-D grid, got ", *t);
  int64_t count = 1;
  for (size_t i = 0; i < d; ++i) {
    int64_t p = t->getDimSize(3 + i);
    if (failed(checkDivides<OpT>(loc, grid[i], p, i)))
      return failure();
    FailureOr<int64_t> next = staticProduct<OpT>(
        loc, count,
        ShapedType::isDynamic(p) || ShapedType::isDynamic(grid[i])
            ? ShapedType::kDynamic
            : grid[i] / p,
        "the patch count");
    if (failed(next))
      return failure();
    count = *next;
  }
  if (sizesConflict(count, t->getDimSize(1)))
    return opError<OpT>(loc, "input has ", t->getDimSize(1),
                        " patches but the grid holds ", count);
  SmallVector<int64_t> shape = {t->getDimSize(0), t->getDimSize(2)};
  shape.append(grid.begin(), grid.end());
  inferred.push_back(RankedTensorType::get(shape, t->getElementType()));
  return success();
}

SHODH_COMPATIBLE_RETURN_TYPES(UnpatchifyOp)

/// The product of `sizes`, or kDynamic if one of them is dynamic.
/// (An overflowing product counts as unknown; the kernel checks sizes.)
static int64_t productOrDynamic(ArrayRef<int64_t> sizes) {
  int64_t n = 1;
  for (int64_t v : sizes)
    if (ShapedType::isDynamic(v) || llvm::MulOverflow(n, v, n))
      return ShapedType::kDynamic;
  return n;
}

LogicalResult ReshapeOp::inferReturnTypes(MLIRContext *,
                                          std::optional<Location> loc,
                                          Adaptor a,
                                          SmallVectorImpl<Type> &inferred) {
  FailureOr<RankedTensorType> x =
      getF32<ReshapeOp>(loc, a.getInput().getType(), "input");
  if (failed(x))
    return failure();
  SmallVector<int64_t> shape = getKnownInts(a.getShape());
  if (shape.empty())
    return opError<ReshapeOp>(loc, "shape must have at least one entry");
  for (auto [i, v] : llvm::enumerate(shape))
    if (!ShapedType::isDynamic(v) && v <= 0)
      return opError<ReshapeOp>(loc, "shape[", i, "] must be positive, got ",
                                v);
  if (x->getRank() < 2)
    return opError<ReshapeOp>(loc, "input must have the batch axis and at "
                              "least one more, got ", *x);
  int64_t have = productOrDynamic(x->getShape().drop_front());
  int64_t want = productOrDynamic(shape);
  if (sizesConflict(have, want))
    return opError<ReshapeOp>(loc, "shape holds ", want,
                              " elements per sample but the input ", *x,
                              " holds ", have);
  SmallVector<int64_t> out = {x->getDimSize(0)};
  out.append(shape.begin(), shape.end());
  inferred.push_back(RankedTensorType::get(out, x->getElementType()));
  return success();
}

SHODH_COMPATIBLE_RETURN_TYPES(ReshapeOp)

/// The result of resampling the trailing size(size) axes of `type` to `size`.
template <typename OpT>
static FailureOr<RankedTensorType> inferResample(std::optional<Location> loc,
                                                 Type type, StringRef what,
                                                 ArrayRef<int64_t> size) {
  FailureOr<RankedTensorType> x = getF32<OpT>(loc, type, what);
  if (failed(x))
    return failure();
  if (size.empty() || size.size() > 3)
    return opError<OpT>(loc, "size must have 1 to 3 entries, got ",
                        size.size());
  for (auto [i, v] : llvm::enumerate(size))
    if (!ShapedType::isDynamic(v) && v <= 0)
      return opError<OpT>(loc, "size[", i, "] must be positive, got ", v);
  if (x->getRank() <= static_cast<int64_t>(size.size()))
    return opError<OpT>(loc, what, " must have more than ", size.size(),
                        " dimensions (leading axes and the resampled ones), "
                        "got ",
                        *x);
  SmallVector<int64_t> shape(x->getShape().drop_back(size.size()));
  shape.append(size.begin(), size.end());
  return RankedTensorType::get(shape, x->getElementType());
}

LogicalResult InterpolateOp::inferReturnTypes(MLIRContext *,
                                              std::optional<Location> loc,
                                              Adaptor a,
                                              SmallVectorImpl<Type> &inferred) {
  if (a.getMode() != "linear")
    return opError<InterpolateOp>(loc, "mode must be \"linear\", got \"",
                                  a.getMode(), "\"");
  FailureOr<RankedTensorType> y = inferResample<InterpolateOp>(
      loc, a.getInput().getType(), "input", getKnownInts(a.getSize()));
  if (failed(y))
    return failure();
  inferred.push_back(*y);
  return success();
}

SHODH_COMPATIBLE_RETURN_TYPES(InterpolateOp)

LogicalResult
InterpolateGradOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                    Adaptor a,
                                    SmallVectorImpl<Type> &inferred) {
  FailureOr<RankedTensorType> y = inferResample<InterpolateGradOp>(
      loc, a.getDy().getType(), "dy", a.getSize());
  if (failed(y))
    return failure();
  inferred.push_back(*y);
  return success();
}

SHODH_COMPATIBLE_RETURN_TYPES(InterpolateGradOp)

//===----------------------------------------------------------------------===//
// Gradients
//===----------------------------------------------------------------------===//

/// The trailing `n` sizes of `v`'s type, or an error naming `op` if one is
/// dynamic.
static FailureOr<SmallVector<int64_t>>
staticTrailing(Operation *op, Value v, size_t n, StringRef what) {
  auto t = cast<RankedTensorType>(v.getType());
  SmallVector<int64_t> sizes(t.getShape().take_back(n));
  if (llvm::any_of(sizes, ShapedType::isDynamic))
    return op->emitOpError("cannot be differentiated with dynamic ")
           << what << " sizes in " << t;
  return sizes;
}

LogicalResult PatchifyOp::buildGradient(OpBuilder &builder,
                                        ArrayRef<Value> resultGrads,
                                        ArrayRef<bool> needed,
                                        SmallVectorImpl<Value> &operandGrads) {
  operandGrads.assign(1, Value());
  if (!resultGrads[0] || !needed[0])
    return success();
  FailureOr<SmallVector<int64_t>> grid = staticTrailing(
      *this, getInput(), getKnownInts(getPatch()).size(), "grid");
  if (failed(grid))
    return failure();
  operandGrads[0] = builder.create<UnpatchifyOp>(
      getLoc(), resultGrads[0], builder.getDenseI64ArrayAttr(*grid));
  return success();
}

LogicalResult
UnpatchifyOp::buildGradient(OpBuilder &builder, ArrayRef<Value> resultGrads,
                            ArrayRef<bool> needed,
                            SmallVectorImpl<Value> &operandGrads) {
  operandGrads.assign(1, Value());
  if (!resultGrads[0] || !needed[0])
    return success();
  FailureOr<SmallVector<int64_t>> patch = staticTrailing(
      *this, getInput(), getKnownInts(getGrid()).size(), "patch");
  if (failed(patch))
    return failure();
  operandGrads[0] = builder.create<PatchifyOp>(
      getLoc(), resultGrads[0], builder.getDenseI64ArrayAttr(*patch));
  return success();
}

LogicalResult ReshapeOp::buildGradient(OpBuilder &builder,
                                       ArrayRef<Value> resultGrads,
                                       ArrayRef<bool> needed,
                                       SmallVectorImpl<Value> &operandGrads) {
  operandGrads.assign(1, Value());
  if (!resultGrads[0] || !needed[0])
    return success();
  auto in = cast<RankedTensorType>(getInput().getType());
  FailureOr<SmallVector<int64_t>> sizes =
      staticTrailing(*this, getInput(), in.getRank() - 1, "input");
  if (failed(sizes))
    return failure();
  operandGrads[0] = builder.create<ReshapeOp>(
      getLoc(), resultGrads[0], builder.getDenseI64ArrayAttr(*sizes));
  return success();
}

LogicalResult
InterpolateOp::buildGradient(OpBuilder &builder, ArrayRef<Value> resultGrads,
                             ArrayRef<bool> needed,
                             SmallVectorImpl<Value> &operandGrads) {
  operandGrads.assign(1, Value());
  if (!resultGrads[0] || !needed[0])
    return success();
  FailureOr<SmallVector<int64_t>> size = staticTrailing(
      *this, getInput(), getKnownInts(getSize()).size(), "input grid");
  if (failed(size))
    return failure();
  operandGrads[0] =
      builder.create<InterpolateGradOp>(getLoc(), resultGrads[0], *size);
  return success();
}

//===----------------------------------------------------------------------===//
// Kernels
//===----------------------------------------------------------------------===//

StringRef PatchifyOp::getKernelName() { return "patchify"; }
SmallVector<NamedAttribute> PatchifyOp::getKernelAttrs() {
  Builder b(getContext());
  return {b.getNamedAttr("patch", getPatchAttr())};
}

StringRef UnpatchifyOp::getKernelName() { return "unpatchify"; }
SmallVector<NamedAttribute> UnpatchifyOp::getKernelAttrs() {
  Builder b(getContext());
  return {b.getNamedAttr("grid", getGridAttr())};
}

StringRef ReshapeOp::getKernelName() { return "reshape"; }
SmallVector<NamedAttribute> ReshapeOp::getKernelAttrs() {
  Builder b(getContext());
  return {b.getNamedAttr("shape", getShapeAttr())};
}

StringRef InterpolateOp::getKernelName() { return "interpolate"; }
SmallVector<NamedAttribute> InterpolateOp::getKernelAttrs() {
  Builder b(getContext());
  return {b.getNamedAttr("size", getSizeAttr()),
          b.getNamedAttr("mode", b.getStringAttr(getMode()))};
}

StringRef InterpolateGradOp::getKernelName() { return "interpolate_grad"; }
SmallVector<NamedAttribute> InterpolateGradOp::getKernelAttrs() {
  Builder b(getContext());
  return {b.getNamedAttr("size", getSizeAttr())};
}

SmallVector<StringRef> PatchifyOp::getHyperparamAttrNames() {
  return {getPatchAttrName().getValue()};
}

SmallVector<StringRef> UnpatchifyOp::getHyperparamAttrNames() {
  return {getGridAttrName().getValue()};
}

SmallVector<StringRef> InterpolateOp::getHyperparamAttrNames() {
  return {getSizeAttrName().getValue()};
}

SmallVector<StringRef> ReshapeOp::getHyperparamAttrNames() {
  return {getShapeAttrName().getValue()};
}
