//===- CheckpointTensors.h - Which tensors a checkpoint holds -------------===//
//
// Private to Checkpoint.cpp and CheckpointRestore.cpp.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/format/ModelDesc.h"

#include <string>

namespace shodh {

/// True for the roles a checkpoint stores.
inline bool isTrainable(TensorRole r) {
  return r == TensorRole::Parameter || r == TensorRole::State;
}

/// True for the normalisation tensors.
inline bool isNormTensor(const std::string &name) {
  return name.rfind("norm.", 0) == 0;
}

} // namespace shodh
