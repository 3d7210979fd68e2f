//===- RoutingSupport.h - Shared pieces of the CPU routing kernels --------===//
//
// The routing kernels (router, top_k, dispatch, combine, router losses and
// their gradients, allocation_kl; docs/experts.md) check their operands
// twice: on the symbolic descriptions when the model loads and on the
// concrete shapes in `prepare`. `RoutingKernel` runs one `check` for both. It
// also declares the factories registered by RoutingKernels.cpp, the inverse of
// a dispatch's `source` that combine and the gradients share, and the
// per-expert counts of expert ids that dispatch and the allocation measures
// share.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/core/Kernel.h"

#include <memory>
#include <string>
#include <vector>

namespace shodh {

/// The dims of every operand of a call.
using OperandDims = std::vector<std::vector<Dim>>;

/// A kernel whose shape rules are one `check` run on descriptions and on
/// concrete shapes, with helpers whose messages start with the call site.
class RoutingKernel : public Kernel {
public:
  /// Re-runs `check` on the concrete shapes.
  void prepare(const std::vector<TensorRef> &in,
               const std::vector<TensorRef> &out, KernelContext &) override;

protected:
  explicit RoutingKernel(const KernelSignature &sig) : where_(sig.where) {}
  /// Runs `check` on the signature's descriptions (call from the most
  /// derived constructor).
  void checkSignature(const KernelSignature &sig) const;
  /// Throws unless the shapes are consistent.
  virtual void check(const OperandDims &in, const OperandDims &out) const = 0;

  /// Throws unless `shape` (operand `what`) has rank `rank`, or at least
  /// `-rank` when negative.
  void expectRank(const char *what, const std::vector<Dim> &shape,
                  int rank) const;
  /// Throws unless dim `i` of `a` and dim `j` of `b` can be equal.
  void expectDim(const char *aName, const std::vector<Dim> &a, size_t i,
                 const char *bName, const std::vector<Dim> &b, size_t j) const;
  /// Throws unless dim `i` of `a` can equal `size` (`meaning` in the text).
  void expectSize(const char *aName, const std::vector<Dim> &a, size_t i,
                  int64_t size, const char *meaning) const;
  /// Throws if `shape` is not [1] (a loss or its cotangent).
  void expectScalar(const char *what, const std::vector<Dim> &shape) const;

  std::string where_;
};

/// For each assignment a of a dispatch with `rows` rows, the sorted row
/// holding it, or -1 if it was dropped. Checks that `offsets` (E+1 entries)
/// start at 0, do not decrease and end at most at `rows`, and that `source`
/// is a permutation of [0, rows); throws `Error` naming `where` otherwise.
std::vector<int64_t> invertSource(const std::string &where,
                                  const int64_t *source, const int64_t *offsets,
                                  int64_t rows, int64_t experts);

/// How many of the `assignments` expert ids `ids` go to each of the
/// `experts` experts; throws `Error` naming `where` on an id outside
/// [0, experts).
std::vector<int64_t> countAssignments(const std::string &where,
                                      const int64_t *ids, int64_t assignments,
                                      int64_t experts);

/// Σ a[i]·b[i] over [0, n) in double, with 8 independent partial sums
/// (lanes i mod 8, added in lane order at the end): vectorisable without
/// reassociation, and the same for every thread count.
double dotF64(const float *a, const float *b, int64_t n);

/// Elements per token row beyond dims [0, 2) of `shape`.
int64_t rowSize(const std::vector<int64_t> &shape);

std::unique_ptr<Kernel> makeRouterKernel(const KernelSignature &sig);
std::unique_ptr<Kernel> makeRouterGradKernel(const KernelSignature &sig);
std::unique_ptr<Kernel> makeTopKKernel(const KernelSignature &sig);
std::unique_ptr<Kernel> makeTopKGradKernel(const KernelSignature &sig);
std::unique_ptr<Kernel> makeDispatchKernel(const KernelSignature &sig);
std::unique_ptr<Kernel> makeDispatchGradKernel(const KernelSignature &sig);
std::unique_ptr<Kernel> makeCombineKernel(const KernelSignature &sig);
std::unique_ptr<Kernel> makeCombineGradKernel(const KernelSignature &sig);
std::unique_ptr<Kernel> makeSpectralEnergyKernel(const KernelSignature &sig);
std::unique_ptr<Kernel> makeLoadBalanceLossKernel(const KernelSignature &sig);
std::unique_ptr<Kernel>
makeLoadBalanceLossGradKernel(const KernelSignature &sig);
std::unique_ptr<Kernel> makeRouterZLossKernel(const KernelSignature &sig);
std::unique_ptr<Kernel> makeRouterZLossGradKernel(const KernelSignature &sig);
std::unique_ptr<Kernel> makeRouterKlLossKernel(const KernelSignature &sig);
std::unique_ptr<Kernel> makeRouterKlLossGradKernel(const KernelSignature &sig);
std::unique_ptr<Kernel> makeAllocationKlKernel(const KernelSignature &sig);

} // namespace shodh
