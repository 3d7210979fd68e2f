//===- ParameterExport.h - Parameters as HDF5 datasets --------------------===//
//
// `shodh-run export` and `shodh-run infer --dump-params` write every
// parameter of a session as an HDF5 dataset named after it (h5py:
// `f["lift_w"][...]`). f32 parameters keep their shape; complex<f32>
// parameters get a trailing axis of 2 (real, imaginary), as numpy's
// `np.stack([z.real, z.imag], -1)`. Given normalisation statistics, they
// are added as f64 [C] datasets `norm.input.mean`, `norm.input.std`,
// `norm.target.mean`, `norm.target.std`. The file is written atomically.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/core/Session.h"
#include "runtime/train/Normalizer.h"

#include <string>

namespace shodh {

/// Writes every parameter of `session` to `path`; returns how many. Throws
/// `Error` for a parameter of another dtype or an unwritable path; `what`
/// prefixes the dtype message ("--dump-params", "export"); `norm`, if not
/// null, is written too.
int64_t writeParametersHdf5(Session &session, const std::string &path,
                            const std::string &what,
                            const Normalizer *norm = nullptr);

} // namespace shodh
