//===- PersistentTensor.h - Storage for parameters, state and constants ---===//
//
// Persistent tensors live outside the activation arenas for the whole life of
// a `Session`. Their shapes must be static. They are filled from the model's
// data section when the tensor has a `DataRef`, else from its init spec (see
// InitRandom.h), else with zeros.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/core/AlignedBuffer.h"
#include "runtime/format/ModelDesc.h"

#include <cstdint>
#include <vector>

namespace shodh {

/// The static shape of a persistent tensor; throws `Error` naming the tensor
/// and dim if a dim is symbolic.
std::vector<int64_t> persistentShape(const TensorDesc &tensor);

/// Allocates and fills persistent tensor `id` of `model` (64-byte aligned).
/// Throws `Error` if its data reference does not match its size or lies
/// outside the data section, or if its init spec is invalid.
AlignedBuffer loadPersistentTensor(const ModelDesc &model, int32_t id);

} // namespace shodh
