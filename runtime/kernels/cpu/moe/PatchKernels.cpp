//===- PatchKernels.cpp - The CPU "patchify" / "unpatchify" kernels -------===//
//
// See PatchKernels.h. Both kernels view the field as [B, C, N_1..N_d] and
// the tokens as [B, P, C, p_1..p_d]; a 2-D call is the 3-D one with a
// leading axis of size 1. One loop copies whole rows of p_d values.
//
//===----------------------------------------------------------------------===//
#include "runtime/kernels/cpu/moe/PatchKernels.h"
#include "runtime/core/ThreadPool.h"
#include "runtime/kernels/cpu/SignatureChecks.h"
#include "runtime/support/Status.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cstring>

namespace shodh {

namespace {

/// patchify (`toTokens`) or unpatchify.
class PatchKernel : public Kernel {
public:
  PatchKernel(const KernelSignature &sig, bool toTokens)
      : where_(sig.where), toTokens_(toTokens) {
    expectOperandCounts(sig, 1, 1, 1);
    expectDType(sig, *sig.inputs[0], "input", {DType::F32});
    expectDType(sig, *sig.outputs[0], "output", {DType::F32});
    const char *attr = toTokens ? "patch" : "grid";
    sizes_ = intsAttr(sig, attr);
    if (sizes_.size() != 2 && sizes_.size() != 3)
      throw Error(fmt::format("{}: '{}' must have 2 or 3 entries, got {}",
                              sig.where, attr, sizes_.size()));
    for (int64_t v : sizes_)
      if (v < 1)
        throw Error(fmt::format("{}: '{}' entries must be positive, got [{}]",
                                sig.where, attr, fmt::join(sizes_, ", ")));
    const size_t d = sizes_.size();
    const size_t field = d + 2, tokens = d + 3;
    const TensorDesc &in = *sig.inputs[0], &out = *sig.outputs[0];
    if (in.shape.size() != (toTokens ? field : tokens) ||
        out.shape.size() != (toTokens ? tokens : field))
      throw Error(
          fmt::format("{}: a {}-D {} maps rank {} to rank {}, got "
                      "ranks {} and {}",
                      sig.where, d, toTokens ? "patchify" : "unpatchify",
                      toTokens ? field : tokens, toTokens ? tokens : field,
                      in.shape.size(), out.shape.size()));
  }

  void prepare(const std::vector<TensorRef> &in,
               const std::vector<TensorRef> &out, KernelContext &) override {
    const size_t d = sizes_.size();
    const std::vector<int64_t> &field = toTokens_ ? in[0].shape : out[0].shape;
    const std::vector<int64_t> &tok = toTokens_ ? out[0].shape : in[0].shape;
    batch_ = field[0], channels_ = field[1];
    grid_.assign(3 - d, 1), patch_.assign(3 - d, 1);
    grid_.insert(grid_.end(), field.begin() + 2, field.end());
    patch_.insert(patch_.end(), tok.begin() + 3, tok.end());
    std::vector<int64_t> given(toTokens_ ? patch_.end() - d : grid_.end() - d,
                               toTokens_ ? patch_.end() : grid_.end());
    if (given != sizes_)
      throw Error(fmt::format("{}: {} [{}] does not match the attribute [{}]",
                              where_,
                              toTokens_ ? "output patch" : "output grid",
                              fmt::join(given, ", "), fmt::join(sizes_, ", ")));
    patches_ = 1;
    for (size_t a = 0; a < 3; ++a) {
      if (grid_[a] % patch_[a] != 0)
        throw Error(fmt::format("{}: patch size {} does not divide the grid "
                                "size {}",
                                where_, patch_[a], grid_[a]));
      patches_ *= grid_[a] / patch_[a];
    }
    std::vector<int64_t> want = {batch_, patches_, channels_};
    want.insert(want.end(), tok.begin() + 3, tok.end());
    if (tok != want)
      throw Error(fmt::format("{}: tokens must be [{}], got [{}]", where_,
                              fmt::join(want, ", "), fmt::join(tok, ", ")));
  }

  void run(const std::vector<TensorRef> &in, const std::vector<TensorRef> &out,
           KernelContext &ctx) override {
    const float *src = in[0].as<float>();
    float *dst = out[0].as<float>();
    const int64_t nh = grid_[1] / patch_[1], nw = grid_[2] / patch_[2];
    const int64_t fieldPlane = grid_[0] * grid_[1] * grid_[2];
    const int64_t patchSize = patch_[0] * patch_[1] * patch_[2];
    parallelFor(ctx.pool, batch_ * patches_, 16, [&](int64_t u0, int64_t u1) {
      for (int64_t u = u0; u < u1; ++u) {
        const int64_t b = u / patches_, p = u % patches_;
        const int64_t pd = p / (nh * nw), ph = (p / nw) % nh, pw = p % nw;
        for (int64_t c = 0; c < channels_; ++c) {
          const int64_t fbase = (b * channels_ + c) * fieldPlane;
          const int64_t tbase =
              ((b * patches_ + p) * channels_ + c) * patchSize;
          for (int64_t i = 0; i < patch_[0]; ++i)
            for (int64_t j = 0; j < patch_[1]; ++j) {
              int64_t f =
                  fbase +
                  ((pd * patch_[0] + i) * grid_[1] + ph * patch_[1] + j) *
                      grid_[2] +
                  pw * patch_[2];
              int64_t t = tbase + (i * patch_[1] + j) * patch_[2];
              const size_t bytes = size_t(patch_[2]) * sizeof(float);
              if (toTokens_)
                std::memcpy(dst + t, src + f, bytes);
              else
                std::memcpy(dst + f, src + t, bytes);
            }
        }
      }
    });
  }

private:
  std::string where_;
  bool toTokens_;
  std::vector<int64_t> sizes_, grid_, patch_;
  int64_t batch_ = 0, channels_ = 0, patches_ = 0;
};

/// reshape: a copy between two row-major views of the same samples.
class ReshapeKernel : public Kernel {
public:
  explicit ReshapeKernel(const KernelSignature &sig) : where_(sig.where) {
    expectOperandCounts(sig, 1, 1, 1);
    expectDType(sig, *sig.inputs[0], "input", {DType::F32});
    expectDType(sig, *sig.outputs[0], "output", {DType::F32});
    shape_ = intsAttr(sig, "shape");
    if (shape_.empty())
      throw Error(fmt::format("{}: 'shape' must have at least one entry",
                              sig.where));
    if (sig.outputs[0]->shape.size() != shape_.size() + 1)
      throw Error(fmt::format("{}: output must have rank {} (batch and "
                              "'shape' [{}]), got {}",
                              sig.where, shape_.size() + 1,
                              fmt::join(shape_, ", "),
                              sig.outputs[0]->shape.size()));
  }

  void prepare(const std::vector<TensorRef> &in,
               const std::vector<TensorRef> &out, KernelContext &) override {
    std::vector<int64_t> tail(out[0].shape.begin() + 1, out[0].shape.end());
    if (tail != shape_)
      throw Error(fmt::format("{}: output sizes [{}] after the batch axis do "
                              "not match 'shape' [{}]",
                              where_, fmt::join(tail, ", "),
                              fmt::join(shape_, ", ")));
    if (in[0].shape.empty() || out[0].shape[0] != in[0].shape[0] ||
        in[0].numel() != out[0].numel())
      throw Error(fmt::format("{}: cannot reshape [{}] to [{}]: batch or "
                              "element count differs",
                              where_, fmt::join(in[0].shape, ", "),
                              fmt::join(out[0].shape, ", ")));
  }

  void run(const std::vector<TensorRef> &in, const std::vector<TensorRef> &out,
           KernelContext &) override {
    if (out[0].data != in[0].data)
      std::memcpy(out[0].data, in[0].data,
                  size_t(in[0].numel()) * sizeof(float));
  }

private:
  std::string where_;
  std::vector<int64_t> shape_;
};

} // namespace

std::unique_ptr<Kernel> makePatchifyKernel(const KernelSignature &sig) {
  return std::make_unique<PatchKernel>(sig, true);
}

std::unique_ptr<Kernel> makeUnpatchifyKernel(const KernelSignature &sig) {
  return std::make_unique<PatchKernel>(sig, false);
}

std::unique_ptr<Kernel> makeReshapeKernel(const KernelSignature &sig) {
  return std::make_unique<ReshapeKernel>(sig);
}

} // namespace shodh
