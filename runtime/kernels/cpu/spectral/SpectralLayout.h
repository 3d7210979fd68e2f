//===- SpectralLayout.h - Index maps of truncated rfft spectra ------------===//
//
// An rfft over the trailing d axes of a real grid N_1 x ... x N_d yields a
// half spectrum N_1 x ... x N_{d-1} x (N_d/2 + 1). FNO keeps the low modes: on
// every full axis the m_i lowest non-negative and the m_i highest (negative)
// frequencies, on the last (half) axis the m_d lowest, i.e. 2^(d-1) corner
// blocks. The truncated layout stores them as 2m_1 x ... x 2m_{d-1} x m_d with
// the non-negative block first on each full axis:
//   truncated index t < m_i     -> spectrum index t
//   truncated index t >= m_i    -> spectrum index N_i - 2m_i + t
// Valid when 2m_i <= N_i on full axes and m_d <= N_d/2 + 1 (checked by the
// dialect verifier and again by the kernel factories).
//
//===----------------------------------------------------------------------===//
#pragma once

#include <complex>
#include <cstdint>
#include <vector>

namespace shodh {

/// Geometry of a truncated spectrum over the trailing d axes.
struct SpectralGeometry {
  std::vector<int64_t> grid;  ///< N_1..N_d (real grid)
  std::vector<int64_t> modes; ///< m_1..m_d

  int dims() const { return static_cast<int>(grid.size()); }
  /// Half-spectrum extents N_1..N_{d-1}, N_d/2+1.
  std::vector<int64_t> halfShape() const;
  /// Truncated extents 2m_1..2m_{d-1}, m_d.
  std::vector<int64_t> truncShape() const;
  /// Elements of one half spectrum / one truncated block.
  int64_t halfSize() const;
  int64_t truncSize() const;
  /// For each truncated element (row-major), its offset in the half spectrum.
  std::vector<int64_t> gatherIndex() const;
  /// Empty string if valid, else what is wrong ("modes[0] = 9 needs 2*9 <= N = 16").
  std::string validate() const;
};

using cfloat = std::complex<float>;

/// Copies the kept modes of `rows` half spectra into truncated blocks.
void truncateSpectra(const SpectralGeometry &g, const std::vector<int64_t> &index,
                     const cfloat *half, cfloat *trunc, int64_t rows);

/// Writes `rows` truncated blocks, multiplied by `scale`, into zeroed half spectra.
void padSpectra(const SpectralGeometry &g, const std::vector<int64_t> &index, const cfloat *trunc,
                cfloat *half, int64_t rows, float scale);

} // namespace shodh
