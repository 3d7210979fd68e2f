//===- TensorText.h - Tensor shapes and types in messages -----------------===//
//
// The training code names tensors in its messages the way `shodh-run
// inspect` prints them: "f32 [B, 3, 8, 8]".
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/format/ModelDesc.h"

#include <string>

namespace shodh {

/// "[B, 3, 8, 8]".
std::string formatDimsOf(const TensorDesc &t);
/// "f32 [B, 3, 8, 8]".
std::string formatTypeOf(const TensorDesc &t);

} // namespace shodh
