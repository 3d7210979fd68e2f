//===- ModelWriter.h - Encoding the metadata part of a model file ---------===//
//
// Private to ShodhFormat: `serializeModel` and `writeModelFile` share the
// encoding of everything before the data section, so that `writeModelFile`
// can stream a multi-gigabyte data section from the `ModelDesc` without
// copying it.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/format/ModelDesc.h"
#include "runtime/support/Status.h"

#include <cstdint>
#include <vector>

namespace shodh {
namespace format {

/// Checks `model`'s version and data references, then encodes the header,
/// the FlatBuffer and the zero padding up to the data section into `prefix`.
/// The file is `prefix` followed by `model.data`.
Status encodeModelPrefix(const ModelDesc &model, std::vector<uint8_t> &prefix);

} // namespace format
} // namespace shodh
