//===- ModelText.h - Human-readable rendering of model-file pieces --------===//
#pragma once

#include "runtime/format/ModelDesc.h"
#include "runtime/support/Status.h"

#include <cstdint>
#include <string>

namespace shodh {

/// "[B, 3, 8, 8]".
std::string formatDims(const std::vector<Dim> &shape);
/// "f32 [B, 3, 8, 8]".
std::string formatTensorType(const TensorDesc &t);
/// "fan_in_uniform(fan=3, seed=1)", or "" without an init spec.
std::string formatInit(const InitSpec &init);
/// "axis=1" / "approximate=none" / "k=[1, 2]".
std::string formatAttr(const NamedAttr &attr);
/// "1.5 KiB", "12.0 MiB".
std::string formatBytes(uint64_t bytes);
/// Loads a model file, turning a failed Status into an Error.
ModelDesc loadModelOrThrow(const std::string &path);

} // namespace shodh
