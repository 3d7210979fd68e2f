//===- FileHeader.h - The fixed 64-byte header of a model file ------------===//
//
// Private to ShodhFormat: encodes and decodes the header described at the top
// of `ModelFile.h`. Integers are written byte by byte in little-endian order,
// so the encoding does not depend on the host's struct layout or endianness.
// Decoding only extracts fields; range checks live in the reader.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstddef>
#include <cstdint>

namespace shodh {
namespace format {

/// Size of the fixed header in bytes.
constexpr size_t kHeaderSize = 64;
/// Alignment of the data section (and of every tensor inside it).
constexpr uint64_t kDataAlignment = 64;
/// The eight magic bytes at offset 0 ("SHODHMF" and a NUL).
constexpr char kMagic[8] = {'S', 'H', 'O', 'D', 'H', 'M', 'F', '\0'};

/// The decoded fields of the header.
struct FileHeader {
  uint32_t major = 0;
  uint32_t minor = 0;
  uint64_t flatbufferOffset = 0;
  uint64_t flatbufferSize = 0;
  uint64_t dataOffset = 0;
  uint64_t dataSize = 0;
};

/// Writes `header` (with magic and zeroed reserved words) to `out[0..64)`.
void encodeHeader(const FileHeader &header, uint8_t *out);

/// True when `bytes[0..8)` is the magic; `bytes` must hold 8 bytes.
bool hasMagic(const uint8_t *bytes);

/// Reads the fields of the header in `bytes[0..64)` (magic not checked).
FileHeader decodeHeader(const uint8_t *bytes);

/// `value` rounded up to a multiple of `alignment` (a power of two); false on
/// overflow.
bool alignUp(uint64_t value, uint64_t alignment, uint64_t &result);

} // namespace format
} // namespace shodh
