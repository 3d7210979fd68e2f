//===- Shape.cpp - Binding symbolic shapes and sizing tensors -------------===//
//
// `bindShape` turns a tensor's symbolic shape into a concrete one under the
// symbol bindings of `Session::prepare`; `byteSize` computes its storage with
// overflow checks so a huge batch size fails with a message, not a crash.
//
//===----------------------------------------------------------------------===//
#include "runtime/core/Session.h"
#include "runtime/support/Status.h"

#include <fmt/format.h>

#include <cstdint>

namespace shodh {

std::vector<int64_t> bindShape(const TensorDesc &t,
                               const std::map<std::string, int64_t> &symbols) {
  std::vector<int64_t> shape;
  shape.reserve(t.shape.size());
  for (const Dim &d : t.shape) {
    if (d.isStatic()) {
      shape.push_back(d.size);
      continue;
    }
    auto it = symbols.find(d.symbol);
    if (it == symbols.end())
      throw Error(fmt::format("tensor '{}': symbol '{}' is not bound", t.name,
                              d.symbol));
    if (it->second < 0)
      throw Error(fmt::format(
          "tensor '{}': symbol '{}' is bound to {}, expected a size >= 0",
          t.name, d.symbol, it->second));
    shape.push_back(it->second);
  }
  byteSize(t.dtype, shape, "tensor '" + t.name + "'");
  return shape;
}

uint64_t byteSize(DType dtype, const std::vector<int64_t> &shape,
                  const std::string &what) {
  for (int64_t d : shape) {
    if (d < 0)
      throw Error(fmt::format("{}: negative dimension {}", what, d));
    if (d == 0)
      return 0; // an empty tensor, however large its other dims
  }
  uint64_t bytes = dtypeSize(dtype);
  for (int64_t d : shape)
    if (__builtin_mul_overflow(bytes, static_cast<uint64_t>(d), &bytes) ||
        bytes > static_cast<uint64_t>(INT64_MAX))
      throw Error(fmt::format("{}: size in bytes overflows 64 bits", what));
  return bytes;
}

} // namespace shodh
