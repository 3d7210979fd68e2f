//===- ScalarPdeLayout.h - HDF5 channel layout of the scalar PDE data -----===//
//
// Maps a `ScalarPdeSample` onto the datasets of docs/data-format.md:
//
//   tensor  (N, k)  the reference layout's coefficient columns
//                   Poisson   [K11, K22, K12]           (0.01 K)
//                   advdiff   [K11, K22, K12, vx, vy]   ((1-lambda) 0.01 K,
//                   lambda v) helmholtz [diffusion, omega]        (0.01, omega)
//   inputs  (N, C, R, R)  the source, then every tensor column as a constant
//                   field: C = 4, 6, 3.
//
// The mixed layout gives all three PDEs the same eight input channels,
//   [source, K11, K22, K12, vx, vy, helm_diff, omega],
// the union of the coefficient channels with unused ones zero. Every sample
// then solves -div((K + helm_diff I) grad u) + v . grad u - omega u = f, so a
// model can be pretrained on a mix of files.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/data/gen/ScalarPdeSamples.h"

#include <string>
#include <vector>

namespace shodh {

/// Names of the `tensor` columns of `pde`.
std::vector<std::string> tensorColumnNames(ScalarPde pde);

/// Channel names of `inputs` ("source" first), per-PDE or mixed.
std::vector<std::string> inputChannelNames(ScalarPde pde, bool mixed);

/// Constant values of the input channels after the source, from a sample's
/// `tensor` (same order as `inputChannelNames` without "source").
std::vector<double> inputCoefficientValues(ScalarPde pde,
                                           const std::vector<double> &tensor,
                                           bool mixed);

} // namespace shodh
