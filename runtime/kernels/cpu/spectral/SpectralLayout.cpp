//===- SpectralLayout.cpp - Index maps of truncated rfft spectra ----------===//
#include "runtime/kernels/cpu/spectral/SpectralLayout.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

namespace shodh {

std::vector<int64_t> SpectralGeometry::halfShape() const {
  std::vector<int64_t> s = grid;
  s.back() = grid.back() / 2 + 1;
  return s;
}

std::vector<int64_t> SpectralGeometry::truncShape() const {
  std::vector<int64_t> s(modes.size());
  for (size_t i = 0; i < modes.size(); ++i)
    s[i] = i + 1 < modes.size() ? 2 * modes[i] : modes[i];
  return s;
}

static int64_t product(const std::vector<int64_t> &v) {
  int64_t p = 1;
  for (int64_t x : v)
    p *= x;
  return p;
}

int64_t SpectralGeometry::halfSize() const { return product(halfShape()); }
int64_t SpectralGeometry::truncSize() const { return product(truncShape()); }

std::string SpectralGeometry::validate() const {
  if (grid.empty() || grid.size() > 3 || grid.size() != modes.size())
    return fmt::format("need 1 to 3 spectral axes with one mode count each (got {} axes, {} "
                       "mode counts)",
                       grid.size(), modes.size());
  for (size_t i = 0; i < grid.size(); ++i) {
    bool last = i + 1 == grid.size();
    int64_t limit = last ? grid[i] / 2 + 1 : grid[i] / 2;
    if (modes[i] < 1 || modes[i] > limit)
      return last ? fmt::format("modes[{}] = {} must be in [1, N/2+1 = {}] on the rfft axis "
                                "(N = {})",
                                i, modes[i], limit, grid[i])
                  : fmt::format("modes[{}] = {} must be in [1, N/2 = {}] so that 2m <= N "
                                "(N = {})",
                                i, modes[i], limit, grid[i]);
  }
  return "";
}

std::vector<int64_t> SpectralGeometry::gatherIndex() const {
  std::vector<int64_t> ts = truncShape(), hs = halfShape();
  std::vector<int64_t> index(static_cast<size_t>(product(ts)));
  std::vector<int64_t> t(ts.size(), 0);
  for (int64_t flat = 0; flat < static_cast<int64_t>(index.size()); ++flat) {
    int64_t off = 0;
    for (size_t a = 0; a < ts.size(); ++a) {
      bool last = a + 1 == ts.size();
      int64_t s = (last || t[a] < modes[a]) ? t[a] : grid[a] - 2 * modes[a] + t[a];
      off = off * hs[a] + s;
    }
    index[flat] = off;
    for (int a = static_cast<int>(ts.size()) - 1; a >= 0 && ++t[a] == ts[a]; --a)
      t[a] = 0;
  }
  return index;
}

void truncateSpectra(const SpectralGeometry &g, const std::vector<int64_t> &index,
                     const cfloat *half, cfloat *trunc, int64_t rows) {
  const int64_t hs = g.halfSize(), ts = static_cast<int64_t>(index.size());
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t k = 0; k < ts; ++k)
      trunc[r * ts + k] = half[r * hs + index[k]];
}

void padSpectra(const SpectralGeometry &g, const std::vector<int64_t> &index, const cfloat *trunc,
                cfloat *half, int64_t rows, float scale) {
  const int64_t hs = g.halfSize(), ts = static_cast<int64_t>(index.size());
  std::memset(static_cast<void *>(half), 0, sizeof(cfloat) * hs * rows);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t k = 0; k < ts; ++k)
      half[r * hs + index[k]] = scale * trunc[r * ts + k];
}

} // namespace shodh
