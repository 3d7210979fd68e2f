//===- FileHeader.cpp - Little-endian encoding of the model-file header ---===//
//
// Byte-by-byte little-endian stores and loads of the header fields; the
// reserved words at offsets 48 and 56 are written as zero and ignored on read.
//
//===----------------------------------------------------------------------===//
#include "runtime/format/FileHeader.h"

#include <cstring>

namespace shodh {
namespace format {
namespace {

/// Stores the low `n` bytes of `value` at `out`, least significant first.
void storeLE(uint64_t value, unsigned n, uint8_t *out) {
  for (unsigned i = 0; i < n; ++i)
    out[i] = static_cast<uint8_t>(value >> (8 * i));
}

/// Loads an `n`-byte little-endian unsigned integer from `in`.
uint64_t loadLE(const uint8_t *in, unsigned n) {
  uint64_t value = 0;
  for (unsigned i = 0; i < n; ++i)
    value |= static_cast<uint64_t>(in[i]) << (8 * i);
  return value;
}

} // namespace

void encodeHeader(const FileHeader &header, uint8_t *out) {
  std::memset(out, 0, kHeaderSize);
  std::memcpy(out, kMagic, sizeof(kMagic));
  storeLE(header.major, 4, out + 8);
  storeLE(header.minor, 4, out + 12);
  storeLE(header.flatbufferOffset, 8, out + 16);
  storeLE(header.flatbufferSize, 8, out + 24);
  storeLE(header.dataOffset, 8, out + 32);
  storeLE(header.dataSize, 8, out + 40);
}

bool hasMagic(const uint8_t *bytes) {
  return std::memcmp(bytes, kMagic, sizeof(kMagic)) == 0;
}

FileHeader decodeHeader(const uint8_t *bytes) {
  FileHeader header;
  header.major = static_cast<uint32_t>(loadLE(bytes + 8, 4));
  header.minor = static_cast<uint32_t>(loadLE(bytes + 12, 4));
  header.flatbufferOffset = loadLE(bytes + 16, 8);
  header.flatbufferSize = loadLE(bytes + 24, 8);
  header.dataOffset = loadLE(bytes + 32, 8);
  header.dataSize = loadLE(bytes + 40, 8);
  return header;
}

bool alignUp(uint64_t value, uint64_t alignment, uint64_t &result) {
  uint64_t bumped;
  if (__builtin_add_overflow(value, alignment - 1, &bumped))
    return false;
  result = bumped & ~(alignment - 1);
  return true;
}

} // namespace format
} // namespace shodh
