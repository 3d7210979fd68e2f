//===- AlignedBuffer.h - Owned, zero-filled, 64-byte aligned storage ------===//
//
// Persistent tensors and program arenas live in `AlignedBuffer`s so every
// tensor the runtime hands to a kernel starts on a cache-line (and AVX-512)
// boundary. The memory is zero-filled on allocation, which keeps runs
// deterministic even if a kernel reads padding it did not write.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

namespace shodh {

/// Alignment, in bytes, of every buffer the runtime allocates.
constexpr size_t kTensorAlignment = 64;

/// A movable, non-copyable block of zero-filled memory aligned to
/// `kTensorAlignment`.
class AlignedBuffer {
public:
  /// An empty buffer (`data()` is nullptr).
  AlignedBuffer() = default;
  /// Allocates `bytes` zero-filled bytes; throws `Error` if allocation fails.
  explicit AlignedBuffer(uint64_t bytes);

  /// Start of the storage (nullptr when empty).
  uint8_t *data() const { return data_.get(); }
  /// Size in bytes as requested.
  uint64_t size() const { return size_; }
  /// True if nothing is allocated.
  bool empty() const { return size_ == 0; }

private:
  /// Frees memory obtained from `std::aligned_alloc`.
  struct Free {
    void operator()(uint8_t *p) const;
  };
  std::unique_ptr<uint8_t, Free> data_;
  uint64_t size_ = 0;
};

} // namespace shodh
