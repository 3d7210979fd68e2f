//===- ExpertShapeRules.h - Shape rules shared by the expert ops -*- C++
//-*-===//
//
// The checks of the ragged layout contract (docs/experts.md) and the result
// rules of expert_mlp and expert_fno, templated on the op that reports
// errors: the expert ops and their grad ops (ExpertOps.cpp) and the fused
// shodh.moe (ExpertMoe.cpp) share them.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "dialect/HyperparamAttrs.h"
#include "dialect/ShapeRules.h"

namespace mlir::shodh::expert_rules {

/// A stacked expert parameter to check: its name, type, wanted rank and
/// element type (f32, or complex<f32> when `complex`).
struct ParamSpec {
  StringRef name;
  Type type;
  int64_t rank;
  bool complex = false;
};

/// The checked operands of an expert op.
struct ExpertTypes {
  RankedTensorType tokens;
  SmallVector<RankedTensorType> params;
  int64_t experts = ShapedType::kDynamic;
  StringRef expertsFrom; ///< what fixed the expert count, for messages
};

/// Checks `type` is a ranked f32 (or complex<f32>) tensor of rank `rank`.
template <typename OpT>
inline FailureOr<RankedTensorType> checkTensor(std::optional<Location> loc,
                                               Type type, StringRef what,
                                               int64_t rank, bool complex) {
  auto ranked = dyn_cast<RankedTensorType>(type);
  Type want = FloatType::getF32(type.getContext());
  if (complex)
    want = ComplexType::get(want);
  if (!ranked || ranked.getElementType() != want)
    return opError<OpT>(loc, what, " must be a ranked tensor of ", want,
                        ", got ", type);
  if (rank >= 0 && ranked.getRank() != rank)
    return opError<OpT>(loc, what, " must have rank ", rank, ", got ", type);
  return ranked;
}

/// Checks tokens (rank in [minRank, maxRank], f32), offsets ((E+1) i64) and
/// the leading E of every parameter; fills `out`.
template <typename OpT>
inline LogicalResult
checkExpertOperands(std::optional<Location> loc, Type tokens, Type offsets,
                    ArrayRef<ParamSpec> params, int64_t minRank,
                    int64_t maxRank, StringRef tokenLayout, ExpertTypes &out) {
  auto tok = dyn_cast<RankedTensorType>(tokens);
  if (!tok || !tok.getElementType().isF32())
    return opError<OpT>(
        loc, "sorted tokens must be a ranked tensor of f32, got ", tokens);
  if (tok.getRank() < minRank || tok.getRank() > maxRank)
    return opError<OpT>(loc, "sorted tokens must be ", tokenLayout, ", got ",
                        tokens);
  out.tokens = tok;
  auto off = dyn_cast<RankedTensorType>(offsets);
  if (!off || off.getRank() != 1 || !off.getElementType().isInteger(64))
    return opError<OpT>(loc,
                        "offsets must be a 1-D tensor of i64 (E+1 group "
                        "offsets from shodh.dispatch), got ",
                        offsets);
  if (!off.isDynamicDim(0)) {
    if (off.getDimSize(0) < 2)
      return opError<OpT>(loc, "offsets must have E+1 >= 2 entries, got ",
                          off.getDimSize(0));
    out.experts = off.getDimSize(0) - 1;
    out.expertsFrom = "offsets (E+1 entries)";
  }
  for (const ParamSpec &spec : params) {
    FailureOr<RankedTensorType> t =
        checkTensor<OpT>(loc, spec.type, spec.name, spec.rank, spec.complex);
    if (failed(t))
      return failure();
    int64_t e = t->getDimSize(0);
    if (sizesConflict(e, out.experts))
      return opError<OpT>(loc, spec.name, " has ", e, " experts (dim 0) but ",
                          out.expertsFrom, " gives ", out.experts);
    if (ShapedType::isDynamic(out.experts) && !ShapedType::isDynamic(e)) {
      out.experts = e;
      out.expertsFrom = spec.name;
    }
    out.params.push_back(*t);
  }
  return success();
}

/// Checks dim `dim` of `t` (named `what`) against the size `want` given by
/// `from`.
template <typename OpT>
inline LogicalResult checkDim(std::optional<Location> loc, RankedTensorType t,
                              StringRef what, int64_t dim, int64_t want,
                              StringRef from) {
  if (sizesConflict(t.getDimSize(dim), want))
    return opError<OpT>(loc, what, " dimension #", dim, " is ",
                        t.getDimSize(dim), " but ", from, " gives ", want);
  return success();
}

//===----------------------------------------------------------------------===//
// expert_mlp
//===----------------------------------------------------------------------===//

/// The result type of expert_mlp for (sorted, offsets, w1, b1, w2, b2).
template <typename OpT>
inline FailureOr<RankedTensorType>
inferMlp(std::optional<Location> loc, Type sorted, Type offsets, Type w1,
         Type b1, Type w2, Type b2, ExpertTypes &ty) {
  SmallVector<ParamSpec> specs = {{"w1", w1, 3}, {"b1", b1, 2}, {"w2", w2, 3}};
  if (b2)
    specs.push_back({"b2", b2, 2});
  if (failed(checkExpertOperands<OpT>(loc, sorted, offsets, specs, 3, 3,
                                      "(B, R, F)", ty)))
    return failure();
  RankedTensorType x = ty.tokens, tw1 = ty.params[0], tb1 = ty.params[1],
                   tw2 = ty.params[2];
  int64_t hidden = joinSize(tw1.getDimSize(1), tb1.getDimSize(1));
  if (failed(checkDim<OpT>(loc, tw1, "w1 (E, H, F)", 2, x.getDimSize(2),
                           "the tokens' feature size")) ||
      failed(checkDim<OpT>(loc, tb1, "b1 (E, H)", 1, tw1.getDimSize(1),
                           "w1's hidden size")) ||
      failed(checkDim<OpT>(loc, tw2, "w2 (E, G, H)", 2, hidden,
                           "w1's hidden size")))
    return failure();
  int64_t g = tw2.getDimSize(1);
  if (b2) {
    if (failed(checkDim<OpT>(loc, ty.params[3], "b2 (E, G)", 1, g,
                             "w2's output size")))
      return failure();
    g = joinSize(g, ty.params[3].getDimSize(1));
  }
  return RankedTensorType::get({x.getDimSize(0), x.getDimSize(1), g},
                               x.getElementType());
}

//===----------------------------------------------------------------------===//
// expert_fno
//===----------------------------------------------------------------------===//

/// The result type of expert_fno for (sorted, offsets, wspec, wskip, bskip).
template <typename OpT>
inline FailureOr<RankedTensorType>
inferFno(std::optional<Location> loc, Type sorted, Type offsets, Type wspec,
         Type wskip, Type bskip, ArrayRef<int64_t> modes, ExpertTypes &ty) {
  auto tok = dyn_cast<RankedTensorType>(sorted);
  int64_t rank = tok ? tok.getRank() : 5;
  SmallVector<ParamSpec> specs = {{"wspec", wspec, rank, /*complex=*/true},
                                  {"wskip", wskip, 3},
                                  {"bskip", bskip, 2}};
  if (failed(checkExpertOperands<OpT>(loc, sorted, offsets, specs, 5, 6,
                                      "(B, R, C, h, w) or (B, R, C, d, h, w)",
                                      ty)))
    return failure();
  RankedTensorType x = ty.tokens, ws = ty.params[0], wk = ty.params[1],
                   bk = ty.params[2];
  if (sizesConflict(static_cast<int64_t>(modes.size()), ty.experts))
    return opError<OpT>(loc, "modes has ", modes.size(), " entries but ",
                        ty.expertsFrom, " gives ", ty.experts, " experts");
  if (modes.empty())
    return opError<OpT>(loc, "modes must have one entry per expert, got none");
  int64_t mmax = 0; // dynamic while a count uses hyperparameters
  for (auto [e, m] : llvm::enumerate(modes)) {
    if (ShapedType::isDynamic(m)) {
      mmax = ShapedType::kDynamic;
      continue;
    }
    if (m < 1)
      return opError<OpT>(loc, "modes[", e, "] must be positive, got ", m);
    if (!ShapedType::isDynamic(mmax))
      mmax = std::max(mmax, m);
  }
  int64_t d = rank - 3; // spatial axes
  ArrayRef<int64_t> grid = x.getShape().drop_front(3);
  for (int64_t a = 0; a < d; ++a) {
    int64_t n = grid[a];
    if (ShapedType::isDynamic(n) || ShapedType::isDynamic(mmax))
      continue;
    if (a < d - 1 && mmax > n / 2)
      return opError<OpT>(loc, "modes up to ", mmax, " need 2*", mmax,
                          " <= the patch size ", n, " on spatial axis ", a);
    if (a == d - 1 && mmax > n / 2 + 1)
      return opError<OpT>(loc, "modes up to ", mmax, " need ", mmax, " <= ", n,
                          "/2+1 = ", n / 2 + 1, " on the last spatial axis (",
                          a, ")");
  }
  int64_t c = x.getDimSize(2),
          o = joinSize(ws.getDimSize(2),
                       joinSize(wk.getDimSize(1), bk.getDimSize(1)));
  if (failed(checkDim<OpT>(loc, ws, "wspec (E, C, O, modes...)", 1, c,
                           "the tokens' channel count")) ||
      failed(checkDim<OpT>(loc, wk, "wskip (E, O, C)", 2, c,
                           "the tokens' channel count")) ||
      failed(checkDim<OpT>(loc, wk, "wskip (E, O, C)", 1, ws.getDimSize(2),
                           "wspec's output channels")) ||
      failed(checkDim<OpT>(loc, bk, "bskip (E, O)", 1, wk.getDimSize(1),
                           "wskip's output channels")))
    return failure();
  for (int64_t a = 0; a < d; ++a) {
    int64_t want = a == d - 1 || ShapedType::isDynamic(mmax) ? mmax : 2 * mmax;
    if (failed(checkDim<OpT>(loc, ws, "wspec (E, C, O, modes...)", 3 + a, want,
                             "the largest mode count")))
      return failure();
  }
  SmallVector<int64_t> shape(x.getShape());
  shape[2] = o;
  return RankedTensorType::get(shape, x.getElementType());
}

} // namespace mlir::shodh::expert_rules
