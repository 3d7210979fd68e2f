//===- Fd2Physics.cpp - Central-difference physics kernels (f32 and f64) --===//
//
// divergence / divergence_grad / curl with second-order central
// differences on the periodic grid: d f / dx_a at i is
// (f[i + e_a] - f[i - e_a]) / (2 dx_a), dx_a = L_a / N_a, indices wrapping.
// The grid is handled as N_0 x N_1 x N_2 (a 2D grid gets N_2 = 1, never
// differentiated). The pool splits the (b, out channel, i_0) slabs; each
// output slab is written by one thread with the terms in a fixed order, so
// results do not depend on the thread count.
//
//===----------------------------------------------------------------------===//
#include "runtime/core/ThreadPool.h"
#include "runtime/kernels/cpu/physics/PhysicsCall.h"

#include <algorithm>
#include <array>
#include <memory>

namespace shodh {
namespace {

/// Fewest grid points per pool chunk.
constexpr int64_t kFdGrain = 4096;

/// Central differences of `call`'s terms.
template <typename T> class Fd2DerivativeKernel : public Kernel {
public:
  explicit Fd2DerivativeKernel(PhysicsCall call) : call_(std::move(call)) {}

  /// Checks the concrete shapes and records the grid.
  void prepare(const std::vector<TensorRef> &in,
               const std::vector<TensorRef> &out, KernelContext &) override {
    std::vector<int64_t> grid = call_.checkShapes(in[0], out[0]);
    n_ = {1, 1, 1};
    for (int a = 0; a < call_.spatial; ++a)
      n_[a] = grid[a];
    batch_ = in[0].shape[0];
  }

  /// Computes every output slab (b, o, i_0).
  void run(const std::vector<TensorRef> &in, const std::vector<TensorRef> &out,
           KernelContext &ctx) override {
    const T *x = in[0].as<T>();
    T *y = out[0].as<T>();
    int64_t slabs = batch_ * call_.outChannels * n_[0];
    int64_t grain = std::max<int64_t>(1, kFdGrain / (n_[1] * n_[2]));
    parallelFor(ctx.pool, slabs, grain, [&](int64_t b, int64_t e) {
      for (int64_t s = b; s < e; ++s)
        slab(x, y, s);
    });
  }

private:
  /// Writes output slab `s` = (b, o, i_0).
  void slab(const T *x, T *y, int64_t s) const {
    int64_t plane = n_[1] * n_[2];
    int64_t i0 = s % n_[0], bo = s / n_[0];
    int64_t o = bo % call_.outChannels, b = bo / call_.outChannels;
    T *dst = y + s * plane;
    for (int64_t p = 0; p < plane; ++p)
      dst[p] = T(0);
    for (const DerivTerm &t : call_.terms) {
      if (t.out != o)
        continue;
      double dx = call_.lengths[t.axis] / double(n_[t.axis]);
      T coef = T(t.sign / (2.0 * dx));
      const T *src = x + (b * call_.inChannels + t.in) * n_[0] * plane;
      addTerm(src, dst, i0, t.axis, coef);
    }
  }

  /// dst += coef * (f[i + e_axis] - f[i - e_axis]) over the slab at i0 of
  /// the channel `src` [N_0, N_1, N_2].
  void addTerm(const T *src, T *dst, int64_t i0, int axis, T coef) const {
    int64_t n1 = n_[1], n2 = n_[2], plane = n1 * n2;
    if (axis == 0) {
      const T *up = src + ((i0 + 1) % n_[0]) * plane;
      const T *down = src + ((i0 + n_[0] - 1) % n_[0]) * plane;
      for (int64_t p = 0; p < plane; ++p)
        dst[p] += coef * (up[p] - down[p]);
      return;
    }
    const T *here = src + i0 * plane;
    for (int64_t i1 = 0; i1 < n1; ++i1) {
      T *row = dst + i1 * n2;
      if (axis == 1) {
        const T *up = here + ((i1 + 1) % n1) * n2;
        const T *down = here + ((i1 + n1 - 1) % n1) * n2;
        for (int64_t i2 = 0; i2 < n2; ++i2)
          row[i2] += coef * (up[i2] - down[i2]);
        continue;
      }
      const T *line = here + i1 * n2;
      for (int64_t i2 = 0; i2 < n2; ++i2) {
        int64_t up = i2 + 1 == n2 ? 0 : i2 + 1,
                down = i2 == 0 ? n2 - 1 : i2 - 1;
        row[i2] += coef * (line[up] - line[down]);
      }
    }
  }

  PhysicsCall call_;
  std::array<int64_t, 3> n_{1, 1, 1};
  int64_t batch_ = 0;
};

} // namespace

std::unique_ptr<Kernel> makeFd2DerivativeKernel(const PhysicsCall &call) {
  if (call.dtype == DType::F64)
    return std::make_unique<Fd2DerivativeKernel<double>>(call);
  return std::make_unique<Fd2DerivativeKernel<float>>(call);
}

} // namespace shodh
