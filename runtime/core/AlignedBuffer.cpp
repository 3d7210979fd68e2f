//===- AlignedBuffer.cpp - Owned, zero-filled, 64-byte aligned storage ----===//
#include "runtime/core/AlignedBuffer.h"
#include "runtime/support/Status.h"

#include <fmt/format.h>

#include <cstdlib>
#include <cstring>
#include <limits>

namespace shodh {

void AlignedBuffer::Free::operator()(uint8_t *p) const { std::free(p); }

AlignedBuffer::AlignedBuffer(uint64_t bytes) : size_(bytes) {
  if (bytes == 0)
    return;
  // aligned_alloc wants a multiple of the alignment.
  uint64_t rounded =
      (bytes + kTensorAlignment - 1) / kTensorAlignment * kTensorAlignment;
  if (rounded < bytes || rounded > std::numeric_limits<size_t>::max())
    throw Error(fmt::format("cannot allocate {} bytes: size overflows", bytes));
  void *p = std::aligned_alloc(kTensorAlignment, static_cast<size_t>(rounded));
  if (!p)
    throw Error(fmt::format("out of memory allocating {} bytes", bytes));
  std::memset(p, 0, static_cast<size_t>(rounded));
  data_.reset(static_cast<uint8_t *>(p));
}

} // namespace shodh
