//===- ModelFile.h - Reading and writing Shodh model files ----------------===//
//
// On-disk layout of a `.fb` file (all integers little-endian):
//
//   offset 0   : char magic[8] = "SHODHMF\0"
//   offset 8   : u32 schema major, u32 schema minor
//   offset 16  : u64 FlatBuffer offset, u64 FlatBuffer size
//   offset 32  : u64 data-section offset (multiple of 64), u64 data-section size
//   offset 48  : u64 reserved (0), u64 reserved (0)
//   offset 64  : the FlatBuffer (`model.fbs`, identifier "SHDH")
//   then       : zero padding to a multiple of 64, the data section
//
// Readers check the header, then run the FlatBuffers verifier, then the
// semantic checks of `verifyModel` before anything executes. Writers write to
// a temporary file in the target directory, fsync it and rename it into place,
// so a failed or interrupted write never leaves a partial file behind.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/format/ModelDesc.h"
#include "runtime/support/Status.h"

#include <cstdint>
#include <string>
#include <vector>

namespace shodh {

/// Encodes `model` (header + FlatBuffer + data section) into bytes.
Status serializeModel(const ModelDesc &model, std::vector<uint8_t> &bytes);

/// Writes `model` to `path` atomically (temp file + fsync + rename).
Status writeModelFile(const ModelDesc &model, const std::string &path);

/// Decodes and verifies a model from memory. `name` is used in messages.
Status parseModel(const uint8_t *bytes, size_t size, const std::string &name, ModelDesc &out);

/// Reads, decodes and verifies the model file at `path`.
Status loadModelFile(const std::string &path, ModelDesc &out);

/// Semantic checks independent of kernels: tensor/program ids in range, shapes
/// well formed, byte sizes computed without overflow, data references inside
/// the data section and matching the tensor's size, lifetimes covering every
/// definition and use of each arena tensor, each arena tensor defined once.
Status verifyModel(const ModelDesc &model, const std::string &name);

} // namespace shodh
