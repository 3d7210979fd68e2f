//===- ModelVerifier.h - Pieces of the semantic model verifier ------------===//
//
// Private to ShodhFormat (and its unit tests): the helpers behind
// `verifyModel`. Checks throw `shodh::Error` with a message that starts with
// the quoted file name; `verifyModel` converts the first one into a `Status`.
// Tensor-level checks live in ModelVerifier.cpp, program-level checks
// (ids, definitions, uses and lifetimes) in ProgramVerifier.cpp.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/format/ModelDesc.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace shodh {
namespace format {

/// Largest tensor, in bytes, a model may describe (2^48).
constexpr uint64_t kMaxTensorBytes = uint64_t(1) << 48;

/// True when `s` is an identifier: [A-Za-z_][A-Za-z0-9_]*.
bool isValidSymbol(const std::string &s);

/// Bytes of the static part of `t`'s shape (symbolic dimensions count as 1)
/// times the element size; nullopt when that exceeds `kMaxTensorBytes` or a
/// dimension is negative. A zero dimension gives 0 whatever the others are.
std::optional<uint64_t> staticByteSize(const TensorDesc &t);

/// Shape as text, e.g. "[B, 64, 3]".
std::string formatShape(const std::vector<Dim> &shape);

/// The tensor's name in quotes, or "#id" when it has none.
std::string tensorLabel(const ModelDesc &model, int32_t id);

/// Throws `Error("'<file>': <message>")`.
[[noreturn]] void failVerify(const std::string &file,
                             const std::string &message);

/// Checks names, enum values, shapes, sizes and data ranges of all tensors.
void verifyTensors(const ModelDesc &model, const std::string &file);

/// Checks one program: operand ids, roles, single definition of each arena
/// tensor, no read before write, and lifetimes covering every use.
void verifyProgram(const ModelDesc &model, const ProgramDesc &program,
                   const std::string &file);

} // namespace format
} // namespace shodh
