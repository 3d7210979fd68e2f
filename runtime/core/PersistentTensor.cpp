//===- PersistentTensor.cpp - Storage for parameters, state and constants -===//
#include "runtime/core/PersistentTensor.h"
#include "runtime/core/Session.h"
#include "runtime/support/Status.h"

#include <fmt/format.h>

#include <cstring>

namespace shodh {

namespace {

/// Copies the tensor's bytes from the data section after checking the range.
void copyStoredData(const ModelDesc &model, const TensorDesc &t,
                    AlignedBuffer &buf) {
  const DataRef &ref = *t.data;
  if (ref.size != buf.size())
    throw Error(
        fmt::format("tensor '{}': stored data has {} bytes, expected {}",
                    t.name, ref.size, buf.size()));
  if (ref.offset > model.data.size() ||
      ref.size > model.data.size() - ref.offset)
    throw Error(fmt::format(
        "tensor '{}': stored data [{}, +{}) lies outside the data section "
        "of {} bytes",
        t.name, ref.offset, ref.size, model.data.size()));
  if (ref.size > 0)
    std::memcpy(buf.data(), model.data.data() + ref.offset,
                static_cast<size_t>(ref.size));
}

} // namespace

std::vector<int64_t> persistentShape(const TensorDesc &tensor) {
  for (size_t i = 0; i < tensor.shape.size(); ++i)
    if (!tensor.shape[i].isStatic())
      throw Error(fmt::format(
          "{} tensor '{}' must have a static shape, but dim {} is '{}'",
          roleName(tensor.role), tensor.name, i, tensor.shape[i].symbol));
  return bindShape(tensor, {});
}

AlignedBuffer loadPersistentTensor(const ModelDesc &model, int32_t id) {
  const TensorDesc &t = model.tensors.at(static_cast<size_t>(id));
  std::vector<int64_t> shape = persistentShape(t);
  AlignedBuffer buf(byteSize(t.dtype, shape, "tensor '" + t.name + "'"));
  if (t.data) {
    copyStoredData(model, t, buf);
    return buf;
  }
  int64_t numel = static_cast<int64_t>(buf.size() / dtypeSize(t.dtype));
  initializeTensor(t.init, t.dtype, numel, buf.data(), t.name);
  return buf;
}

} // namespace shodh
