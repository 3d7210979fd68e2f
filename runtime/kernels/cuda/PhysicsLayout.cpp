//===- PhysicsLayout.cpp - Host-side geometry of the CUDA physics kernels -===//
#include "runtime/kernels/cuda/PhysicsLayout.h"
#include "runtime/support/Status.h"

#include <fmt/format.h>

namespace shodh::cuda {

PhysicsGeometry physicsGeometry(const PhysicsCall &call,
                                const std::vector<int64_t> &grid,
                                int64_t batch) {
  int d = call.spatial;
  if (int(grid.size()) != d || (d != 2 && d != 3))
    throw Error(fmt::format("{}: a physics grid needs {} spatial axes, got {}",
                            call.where, d, grid.size()));
  if (call.terms.size() > size_t(kMaxPhysicsTerms))
    throw Error(fmt::format("{}: {} derivative terms exceed the CUDA "
                            "kernels' {}",
                            call.where, call.terms.size(), kMaxPhysicsTerms));
  PhysicsGeometry g;
  g.spatial = d, g.batch = batch;
  g.inChannels = call.inChannels, g.outChannels = call.outChannels;
  int64_t points = 1;
  g.leadRows = 1;
  for (int a = 0; a < d; ++a) {
    g.n[a] = grid[a], points *= grid[a];
    if (a < d - 1)
      g.leadRows *= grid[a];
  }
  g.half = grid[d - 1] / 2 + 1;
  for (int a = 1; a < d; ++a)
    g.kOffset[a] = g.kOffset[a - 1] + g.n[a - 1];
  g.scale = 1.0 / double(points);
  g.termCount = int(call.terms.size());
  for (size_t i = 0; i < call.terms.size(); ++i) {
    const DerivTerm &t = call.terms[i];
    double dx = call.lengths[t.axis] / double(grid[t.axis]);
    g.terms[i] = {t.out, t.in, t.axis,
                  call.spectral ? t.sign : t.sign / (2.0 * dx)};
  }
  return g;
}

std::vector<double> wavenumberTable(const PhysicsCall &call,
                                    const PhysicsGeometry &g) {
  std::vector<double> table;
  for (int a = 0; a < g.spatial; ++a) {
    std::vector<double> k =
        axisWavenumbers(g.n[a], call.lengths[a], a == g.spatial - 1);
    table.insert(table.end(), k.begin(), k.end());
  }
  return table;
}

int64_t spectrumElements(const PhysicsGeometry &g, int64_t channels) {
  return g.batch * channels * g.leadRows * g.half;
}

} // namespace shodh::cuda
