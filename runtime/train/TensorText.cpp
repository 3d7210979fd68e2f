//===- TensorText.cpp - Tensor shapes and types in messages ---------------===//
#include "runtime/train/TensorText.h"

namespace shodh {

std::string formatDimsOf(const TensorDesc &t) {
  std::string s = "[";
  for (size_t i = 0; i < t.shape.size(); ++i)
    s += (i ? ", " : "") + (t.shape[i].isStatic()
                                ? std::to_string(t.shape[i].size)
                                : t.shape[i].symbol);
  return s + "]";
}

std::string formatTypeOf(const TensorDesc &t) {
  return std::string(dtypeName(t.dtype)) + " " + formatDimsOf(t);
}

} // namespace shodh
