//===- ChannelMlp.cpp - The CPU "channel_mlp" kernel and shared checks ----===//
//
// See ChannelMlp.h for the contract and the tiling. `MlpCall` checks the
// attributes, dtypes and symbolic shapes in the factories (of both kernels)
// and the concrete shapes in `prepare`, with one rule set for both.
//
//===----------------------------------------------------------------------===//
#include "runtime/kernels/cpu/mlp/ChannelMlp.h"
#include "runtime/core/ThreadPool.h"
#include "runtime/kernels/cpu/AxisSplit.h"
#include "runtime/kernels/cpu/ElementwiseMath.h"
#include "runtime/kernels/cpu/Gelu.h"
#include "runtime/kernels/cpu/SignatureChecks.h"
#include "runtime/kernels/cpu/mlp/MlpTile.h"
#include "runtime/support/Status.h"

#include <fmt/format.h>

#include <climits>

namespace shodh {

namespace {

/// Input names in contract order, per MlpForm.
const std::vector<const char *> kInputNames[3] = {
    {"x", "w1", "b1", "w2", "b2"},
    {"x", "w1", "b1", "w2", "dy"},
    {"x", "w1", "b1", "w2", "b2", "target"}};
/// Output counts per MlpForm.
constexpr size_t kOutputCounts[3] = {1, 5, 6};

/// Throws unless `shape` (of operand `what`) has rank `rank`.
void expectRank(const std::string &where, const char *what,
                const std::vector<Dim> &shape, size_t rank,
                const char *layout) {
  if (shape.size() != rank)
    throw Error(fmt::format("{}: {} must have rank {} ({}), got rank {}", where,
                            what, rank, layout, shape.size()));
}

/// Throws if `a` (described by `what`) and `b` (by `other`) differ.
void expectSameDim(const std::string &where, const char *what, const Dim &a,
                   const char *other, const Dim &b) {
  if (dimsConflict(a, b))
    throw Error(fmt::format("{}: {} is {} but {} is {}", where, what,
                            formatDim(a), other, formatDim(b)));
}

/// The shape rules of ChannelMlp.h over the inputs of `form` and, for the
/// forward, y's shape: x, w1, b1, w2 agree; b2 is [O]; y, dy or target is
/// x's shape with O at `axis`.
void checkShapes(const std::string &where, int64_t axis, MlpForm form,
                 const std::vector<std::vector<Dim>> &in,
                 const std::vector<Dim> &y) {
  const std::vector<Dim> &x = in[0], &w1 = in[1], &b1 = in[2], &w2 = in[3];
  if (axis < 0 || axis >= static_cast<int64_t>(x.size()))
    throw Error(fmt::format(
        "{}: attribute 'axis' = {} is out of range for x of rank {}", where,
        axis, x.size()));
  expectRank(where, "w1", w1, 2, "[H, C]");
  expectRank(where, "b1", b1, 1, "[H]");
  expectRank(where, "w2", w2, 2, "[O, H]");
  size_t a = static_cast<size_t>(axis);
  expectSameDim(where, "w1's C", w1[1], "x's size at axis", x[a]);
  expectSameDim(where, "b1's H", b1[0], "w1's H", w1[0]);
  expectSameDim(where, "w2's H", w2[1], "w1's H", w1[0]);
  if (form != MlpForm::Grad) {
    expectRank(where, "b2", in[4], 1, "[O]");
    expectSameDim(where, "b2's O", in[4][0], "w2's O", w2[0]);
  }
  std::vector<Dim> want = x;
  want[a] = w2[0];
  if (form == MlpForm::Forward)
    expectSameShape(where, "output", y, "x with w2's O at axis", want);
  else if (form == MlpForm::Grad)
    expectSameShape(where, "dy", in[4], "x with w2's O at axis", want);
  else
    expectSameShape(where, "target", in[5], "x with w2's O at axis", want);
}

/// Throws unless the MSE form's loss output `loss` is [] or [1].
void checkLossShape(const std::string &where, const std::vector<Dim> &loss) {
  if (loss.empty() || (loss.size() == 1 && !dimsConflict(loss[0], Dim::fixed(1))))
    return;
  std::string shape;
  for (const Dim &d : loss)
    shape += (shape.empty() ? "" : ", ") + formatDim(d);
  throw Error(fmt::format("{}: the loss output must have shape [] or [1], got [{}]", where,
                          shape));
}

} // namespace

MlpCall::MlpCall(const KernelSignature &sig, MlpForm f)
    : where(sig.where), form(f) {
  const std::vector<const char *> &names = kInputNames[int(form)];
  expectOperandCounts(sig, names.size(), names.size(), kOutputCounts[int(form)]);
  for (size_t i = 0; i < names.size(); ++i)
    expectDType(sig, *sig.inputs[i], names[i], {DType::F32});
  for (const TensorDesc *out : sig.outputs)
    expectDType(sig, *out, "output", {DType::F32});
  axis = intAttr(sig, "axis");
  tanhApprox = geluUsesTanh(sig);
  std::vector<std::vector<Dim>> in;
  for (const TensorDesc *t : sig.inputs)
    in.push_back(t->shape);
  checkShapes(where, axis, form, in, sig.outputs[0]->shape);
  if (!grad())
    return;
  if (form == MlpForm::MseGrad)
    checkLossShape(where, sig.outputs[0]->shape);
  const char *const gradNames[] = {"dx", "dw1", "db1", "dw2"};
  for (size_t i = 0; i < 4; ++i) // shaped as x, w1, b1, w2
    expectSameShape(where, gradNames[i], sig.outputs[firstGrad() + i]->shape,
                    names[i], in[i]);
  expectSameShape(where, "db2", sig.outputs[firstGrad() + 4]->shape, "[w2's O]",
                  {in[3][0]});
}

MlpGeometry MlpCall::geometry(const std::vector<TensorRef> &in,
                              const std::vector<TensorRef> &out) const {
  std::vector<std::vector<Dim>> dims;
  for (const TensorRef &t : in)
    dims.push_back(fixedDims(t.shape));
  checkShapes(where, axis, form, dims, fixedDims(out[0].shape));
  if (form == MlpForm::MseGrad)
    checkLossShape(where, fixedDims(out[0].shape));
  MlpGeometry g;
  AxisSplit x = splitAt(in[0].shape, static_cast<size_t>(axis));
  g.outer = x.outer, g.c = x.channels, g.inner = x.inner;
  g.h = in[1].shape[0], g.o = in[3].shape[0];
  for (int64_t d : {g.c, g.h, g.o})
    if (d < 1 || d > INT_MAX)
      throw Error(fmt::format("{}: C, H and O must be in [1, {}], got C = {}, "
                              "H = {}, O = {}",
                              where, INT_MAX, g.c, g.h, g.o));
  if (g.inner > INT_MAX)
    throw Error(fmt::format("{}: {} positions after the axis exceed the BLAS "
                            "limit of {}",
                            where, g.inner, INT_MAX));
  return g;
}

namespace {

/// The forward kernel.
class ChannelMlpKernel : public Kernel {
public:
  explicit ChannelMlpKernel(const KernelSignature &sig) : call_(sig, MlpForm::Forward) {}

  void prepare(const std::vector<TensorRef> &in,
               const std::vector<TensorRef> &out, KernelContext &) override {
    g_ = call_.geometry(in, out);
  }

  void run(const std::vector<TensorRef> &in, const std::vector<TensorRef> &out,
           KernelContext &ctx) override {
    MlpOperands ops{in[0].as<float>(), in[1].as<float>(), in[2].as<float>(),
                    in[3].as<float>()};
    const float *b2 = in[4].as<float>();
    float *y = out[0].as<float>();
    parallelFor(ctx.pool, g_.tiles(), 1, [&](int64_t t0, int64_t t1) {
      TileBuffer hidden(g_);
      for (int64_t t = t0; t < t1; ++t) {
        MlpTile tile(g_, t);
        tileHidden(g_, ops, tile, hidden.data());
        geluF32(hidden.data(), hidden.data(), g_.h * tile.cols,
                call_.tanhApprox);
        tileOutput(g_, ops.w2, b2, tile, hidden.data(), y);
      }
    });
  }

private:
  MlpCall call_;
  MlpGeometry g_;
};

} // namespace

std::unique_ptr<Kernel> makeChannelMlpKernel(const KernelSignature &sig) {
  return std::make_unique<ChannelMlpKernel>(sig);
}

} // namespace shodh
