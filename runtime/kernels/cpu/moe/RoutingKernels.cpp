//===- RoutingKernels.cpp - Registration of the CPU routing kernels -------===//
//
// One line per kernel name (the contract is in docs/experts.md § Routing
// ops and router losses), plus the shared checks of RoutingSupport.h.
//
//===----------------------------------------------------------------------===//
#include "runtime/kernels/cpu/moe/RoutingKernels.h"
#include "runtime/kernels/cpu/SignatureChecks.h"
#include "runtime/kernels/cpu/moe/RoutingSupport.h"
#include "runtime/support/Status.h"

#include <fmt/format.h>

namespace shodh {

namespace {

/// The dims of every operand description.
OperandDims dimsOf(const std::vector<const TensorDesc *> &descs) {
  OperandDims dims;
  for (const TensorDesc *d : descs)
    dims.push_back(d->shape);
  return dims;
}

/// The static dims of every concrete operand.
OperandDims dimsOf(const std::vector<TensorRef> &refs) {
  OperandDims dims;
  for (const TensorRef &r : refs)
    dims.push_back(fixedDims(r.shape));
  return dims;
}

} // namespace

void RoutingKernel::prepare(const std::vector<TensorRef> &in,
                            const std::vector<TensorRef> &out,
                            KernelContext &) {
  check(dimsOf(in), dimsOf(out));
}

void RoutingKernel::checkSignature(const KernelSignature &sig) const {
  check(dimsOf(sig.inputs), dimsOf(sig.outputs));
}

void RoutingKernel::expectRank(const char *what, const std::vector<Dim> &shape,
                               int rank) const {
  bool ok =
      rank >= 0 ? shape.size() == size_t(rank) : shape.size() >= size_t(-rank);
  if (!ok)
    throw Error(fmt::format("{}: {} must have rank {}{}, got {}", where_, what,
                            rank >= 0 ? "" : ">= ", rank >= 0 ? rank : -rank,
                            shape.size()));
}

void RoutingKernel::expectDim(const char *aName, const std::vector<Dim> &a,
                              size_t i, const char *bName,
                              const std::vector<Dim> &b, size_t j) const {
  if (dimsConflict(a[i], b[j]))
    throw Error(fmt::format("{}: {} dim {} is {} but {} dim {} is {}", where_,
                            aName, i, formatDim(a[i]), bName, j,
                            formatDim(b[j])));
}

void RoutingKernel::expectSize(const char *aName, const std::vector<Dim> &a,
                               size_t i, int64_t size,
                               const char *meaning) const {
  if (dimsConflict(a[i], Dim::fixed(size)))
    throw Error(fmt::format("{}: {} dim {} is {} but {} is {}", where_, aName,
                            i, formatDim(a[i]), meaning, size));
}

void RoutingKernel::expectScalar(const char *what,
                                 const std::vector<Dim> &shape) const {
  if (shape.size() != 1 || dimsConflict(shape[0], Dim::fixed(1)))
    throw Error(fmt::format("{}: {} must have shape [1], got rank {}", where_,
                            what, shape.size()));
}

std::vector<int64_t> invertSource(const std::string &where,
                                  const int64_t *source, const int64_t *offsets,
                                  int64_t rows, int64_t experts) {
  if (offsets[0] != 0)
    throw Error(
        fmt::format("{}: offsets[0] must be 0, got {}", where, offsets[0]));
  for (int64_t e = 0; e < experts; ++e)
    if (offsets[e + 1] < offsets[e])
      throw Error(fmt::format("{}: offsets decrease at expert {} ({} > {})",
                              where, e, offsets[e], offsets[e + 1]));
  if (offsets[experts] > rows)
    throw Error(fmt::format("{}: offsets[E] = {} exceeds the {} rows", where,
                            offsets[experts], rows));
  std::vector<int64_t> rowOf(size_t(rows), -1);
  std::vector<bool> seen(size_t(rows), false);
  for (int64_t r = 0; r < rows; ++r) {
    int64_t a = source[r];
    if (a < 0 || a >= rows || seen[size_t(a)])
      throw Error(fmt::format("{}: source is not a permutation of the {} "
                              "assignments (row {} holds {})",
                              where, rows, r, a));
    seen[size_t(a)] = true;
    if (r < offsets[experts])
      rowOf[size_t(a)] = r;
  }
  return rowOf;
}

std::vector<int64_t> countAssignments(const std::string &where,
                                      const int64_t *ids, int64_t assignments,
                                      int64_t experts) {
  std::vector<int64_t> count(size_t(experts), 0);
  for (int64_t a = 0; a < assignments; ++a) {
    if (ids[a] < 0 || ids[a] >= experts)
      throw Error(fmt::format("{}: expert id {} of assignment {} is outside "
                              "[0, {})",
                              where, ids[a], a, experts));
    ++count[size_t(ids[a])];
  }
  return count;
}

double dotF64(const float *a, const float *b, int64_t n) {
  double lane[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  int64_t i = 0;
  for (; i + 8 <= n; i += 8)
    for (int l = 0; l < 8; ++l)
      lane[l] += double(a[i + l]) * double(b[i + l]);
  for (int l = 0; i < n; ++i, ++l)
    lane[l] += double(a[i]) * double(b[i]);
  return ((lane[0] + lane[1]) + (lane[2] + lane[3])) +
         ((lane[4] + lane[5]) + (lane[6] + lane[7]));
}

int64_t rowSize(const std::vector<int64_t> &shape) {
  int64_t n = 1;
  for (size_t d = 2; d < shape.size(); ++d)
    n *= shape[d];
  return n;
}

void registerCpuRoutingKernels(KernelRegistry &registry) {
  auto add = [&](const char *name, KernelFactory f) {
    registry.add(name, Backend::Cpu, std::move(f));
  };
  add("allocation_kl", makeAllocationKlKernel);
  add("combine", makeCombineKernel);
  add("combine_grad", makeCombineGradKernel);
  add("dispatch", makeDispatchKernel);
  add("dispatch_grad", makeDispatchGradKernel);
  add("load_balance_loss", makeLoadBalanceLossKernel);
  add("load_balance_loss_grad", makeLoadBalanceLossGradKernel);
  add("router", makeRouterKernel);
  add("router_grad", makeRouterGradKernel);
  add("router_kl_loss", makeRouterKlLossKernel);
  add("router_kl_loss_grad", makeRouterKlLossGradKernel);
  add("router_z_loss", makeRouterZLossKernel);
  add("router_z_loss_grad", makeRouterZLossGradKernel);
  add("spectral_energy", makeSpectralEnergyKernel);
  add("top_k", makeTopKKernel);
  add("top_k_grad", makeTopKGradKernel);
}

} // namespace shodh
