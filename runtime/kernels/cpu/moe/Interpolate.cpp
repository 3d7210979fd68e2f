//===- Interpolate.cpp - The CPU "interpolate" kernels --------------------===//
//
// See Interpolate.h. Both kernels view the resampled axes as three (missing
// leading axes have size 1, an identity axis), precompute per axis and
// output index the two source indices and weights, and loop over leading
// slices in parallel.
//
//===----------------------------------------------------------------------===//
#include "runtime/kernels/cpu/moe/Interpolate.h"
#include "runtime/core/ThreadPool.h"
#include "runtime/kernels/cpu/SignatureChecks.h"
#include "runtime/support/Status.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

namespace shodh {

namespace {

/// Source indices and weights of one output index on one axis.
struct Tap {
  int64_t i0, i1;
  float l0, l1;
};

/// The taps of resampling n points to s points (align_corners = False),
/// computed in float as PyTorch's CPU kernel does for f32.
std::vector<Tap> axisTaps(int64_t n, int64_t s) {
  std::vector<Tap> taps(static_cast<size_t>(s));
  const float ratio = float(n) / float(s);
  for (int64_t o = 0; o < s; ++o) {
    if (n == s) {
      taps[size_t(o)] = {o, o, 1.0f, 0.0f};
      continue;
    }
    float src = ratio * (float(o) + 0.5f) - 0.5f;
    src = src < 0.0f ? 0.0f : src;
    int64_t i0 = int64_t(src);
    int64_t i1 = i0 + (i0 < n - 1 ? 1 : 0);
    float l1 = std::min(std::max(src - float(i0), 0.0f), 1.0f);
    taps[size_t(o)] = {i0, i1, 1.0f - l1, l1};
  }
  return taps;
}

/// interpolate (`adjoint` false) or interpolate_grad.
class InterpolateKernel : public Kernel {
public:
  InterpolateKernel(const KernelSignature &sig, bool adjoint)
      : where_(sig.where), adjoint_(adjoint) {
    expectOperandCounts(sig, 1, 1, 1);
    expectDType(sig, *sig.inputs[0], adjoint ? "dy" : "x", {DType::F32});
    expectDType(sig, *sig.outputs[0], "output", {DType::F32});
    size_ = intsAttr(sig, "size");
    if (size_.empty() || size_.size() > 3)
      throw Error(fmt::format("{}: 'size' must have 1 to 3 entries, got {}",
                              sig.where, size_.size()));
    for (int64_t v : size_)
      if (v < 1)
        throw Error(fmt::format("{}: 'size' entries must be positive, got [{}]",
                                sig.where, fmt::join(size_, ", ")));
    if (!adjoint) {
      std::string mode = stringAttr(sig, "mode", "linear");
      if (mode != "linear")
        throw Error(fmt::format("{}: attribute 'mode' must be \"linear\", got "
                                "\"{}\"",
                                sig.where, mode));
    }
    const size_t rank = sig.inputs[0]->shape.size();
    if (rank <= size_.size() || sig.outputs[0]->shape.size() != rank)
      throw Error(fmt::format("{}: input and output must have the same rank, "
                              "greater than {}, got ranks {} and {}",
                              sig.where, size_.size(), rank,
                              sig.outputs[0]->shape.size()));
  }

  void prepare(const std::vector<TensorRef> &in,
               const std::vector<TensorRef> &out, KernelContext &) override {
    const size_t d = size_.size();
    const std::vector<int64_t> &x = adjoint_ ? out[0].shape : in[0].shape;
    const std::vector<int64_t> &y = adjoint_ ? in[0].shape : out[0].shape;
    std::vector<int64_t> want(x.begin(), x.end() - d);
    if (!adjoint_)
      want.insert(want.end(), size_.begin(), size_.end());
    else
      want.insert(want.end(), y.end() - d, y.end());
    if (y != want ||
        (adjoint_ && std::vector<int64_t>(x.end() - d, x.end()) != size_))
      throw Error(fmt::format("{}: shapes [{}] (input grid) and [{}] (output "
                              "grid) do not match 'size' [{}]",
                              where_, fmt::join(x, ", "), fmt::join(y, ", "),
                              fmt::join(size_, ", ")));
    slices_ = 1;
    for (size_t i = 0; i + d < x.size(); ++i)
      slices_ *= x[i];
    src_.assign(3 - d, 1), dst_.assign(3 - d, 1);
    src_.insert(src_.end(), x.end() - d, x.end());
    dst_.insert(dst_.end(), y.end() - d, y.end());
    for (size_t a = 0; a < 3; ++a)
      taps_[a] = axisTaps(src_[a], dst_[a]);
  }

  void run(const std::vector<TensorRef> &in, const std::vector<TensorRef> &out,
           KernelContext &ctx) override {
    const int64_t srcSize = src_[0] * src_[1] * src_[2];
    const int64_t dstSize = dst_[0] * dst_[1] * dst_[2];
    const float *ip = in[0].as<float>();
    float *op = out[0].as<float>();
    const int64_t grain =
        std::max<int64_t>(1, 16384 / std::max<int64_t>(1, dstSize));
    parallelFor(ctx.pool, slices_, grain, [&](int64_t s0, int64_t s1) {
      for (int64_t s = s0; s < s1; ++s) {
        if (adjoint_)
          scatter(ip + s * dstSize, op + s * srcSize);
        else
          gather(ip + s * srcSize, op + s * dstSize);
      }
    });
  }

private:
  /// One slice of the forward: nested blends, outermost axis first.
  void gather(const float *x, float *y) const {
    const int64_t H = src_[1], W = src_[2];
    int64_t o = 0;
    for (const Tap &td : taps_[0])
      for (const Tap &th : taps_[1]) {
        const float *p00 = x + (td.i0 * H + th.i0) * W,
                    *p01 = x + (td.i0 * H + th.i1) * W,
                    *p10 = x + (td.i1 * H + th.i0) * W,
                    *p11 = x + (td.i1 * H + th.i1) * W;
        for (const Tap &tw : taps_[2]) {
          float a = th.l0 * (p00[tw.i0] * tw.l0 + p00[tw.i1] * tw.l1) +
                    th.l1 * (p01[tw.i0] * tw.l0 + p01[tw.i1] * tw.l1);
          if (td.l1 == 0.0f) { // 1-D, 2-D: the outer axis is the identity
            y[o++] = td.l0 * a;
            continue;
          }
          float b = th.l0 * (p10[tw.i0] * tw.l0 + p10[tw.i1] * tw.l1) +
                    th.l1 * (p11[tw.i0] * tw.l0 + p11[tw.i1] * tw.l1);
          y[o++] = td.l0 * a + td.l1 * b;
        }
      }
  }

  /// One slice of the adjoint: dx = 0, then every output point scatters.
  void scatter(const float *dy, float *dx) const {
    const int64_t H = src_[1], W = src_[2];
    std::fill(dx, dx + src_[0] * H * W, 0.0f);
    int64_t o = 0;
    for (const Tap &td : taps_[0])
      for (const Tap &th : taps_[1])
        for (const Tap &tw : taps_[2]) {
          const float g = dy[o++];
          const int64_t ds[2] = {td.i0, td.i1}, hs[2] = {th.i0, th.i1},
                        ws[2] = {tw.i0, tw.i1};
          const float dl[2] = {td.l0, td.l1}, hl[2] = {th.l0, th.l1},
                      wl[2] = {tw.l0, tw.l1};
          // Taps of weight 0 (identity axes, exact hits) add nothing.
          const int ni = td.l1 == 0.0f ? 1 : 2, nj = th.l1 == 0.0f ? 1 : 2,
                    nk = tw.l1 == 0.0f ? 1 : 2;
          for (int i = 0; i < ni; ++i)
            for (int j = 0; j < nj; ++j)
              for (int k = 0; k < nk; ++k)
                dx[(ds[i] * H + hs[j]) * W + ws[k]] +=
                    g * dl[i] * hl[j] * wl[k];
        }
  }

  std::string where_;
  bool adjoint_;
  std::vector<int64_t> size_, src_, dst_;
  int64_t slices_ = 0;
  std::vector<Tap> taps_[3];
};

} // namespace

std::unique_ptr<Kernel> makeInterpolateKernel(const KernelSignature &sig) {
  return std::make_unique<InterpolateKernel>(sig, false);
}

std::unique_ptr<Kernel> makeInterpolateGradKernel(const KernelSignature &sig) {
  return std::make_unique<InterpolateKernel>(sig, true);
}

} // namespace shodh
