//===- ModelVerifier.cpp - Semantic checks of a ModelDesc -----------------===//
//
// Implements `verifyModel` and its model-level and tensor-level checks:
// unique non-empty names (tensors, programs, hyperparameters), well-formed
// dimensions, byte sizes computed with overflow checks, static shapes for
// persistent tensors, and data references that are aligned, inside the data
// section and exactly as large as the tensor. Program checks are in
// ProgramVerifier.cpp.
//
//===----------------------------------------------------------------------===//
#include "runtime/format/ModelVerifier.h"
#include "runtime/format/FileHeader.h"
#include "runtime/format/ModelFile.h"

#include <fmt/format.h>

#include <unordered_map>

namespace shodh {
namespace format {
namespace {

/// Checks that names are non-empty and unique; `what` is "tensor", ....
template <typename T, typename NameOf>
void checkUniqueNames(const std::vector<T> &items, NameOf nameOf,
                      const char *what, const std::string &file) {
  std::unordered_map<std::string, size_t> seen;
  for (size_t i = 0; i < items.size(); ++i) {
    const std::string &name = nameOf(items[i]);
    if (name.empty())
      failVerify(file, fmt::format("{} {} has an empty name", what, i));
    auto [it, inserted] = seen.emplace(name, i);
    if (!inserted)
      failVerify(file, fmt::format("{} name '{}' is used twice ({} {} and {})",
                                   what, name, what, it->second, i));
  }
}

/// Checks the element type and role are known values.
void checkEnums(const TensorDesc &t, const std::string &file) {
  if (dtypeSize(t.dtype) == 0)
    failVerify(file, fmt::format("tensor '{}' has unknown dtype {}", t.name,
                                 static_cast<int>(t.dtype)));
  if (std::string(roleName(t.role)) == "unknown")
    failVerify(file, fmt::format("tensor '{}' has unknown role {}", t.name,
                                 static_cast<int>(t.role)));
}

/// Checks each dimension is static (size >= 0, no symbol) or symbolic
/// (size == -1 with an identifier as symbol).
void checkDims(const TensorDesc &t, const std::string &file) {
  for (size_t i = 0; i < t.shape.size(); ++i) {
    const Dim &d = t.shape[i];
    if (d.size >= 0 && !d.symbol.empty())
      failVerify(
          file, fmt::format(
                    "tensor '{}' dimension {} has both size {} and symbol '{}'",
                    t.name, i, d.size, d.symbol));
    if (d.size < -1)
      failVerify(file,
                 fmt::format("tensor '{}' dimension {} has invalid size {}",
                             t.name, i, d.size));
    if (d.size == -1 && !isValidSymbol(d.symbol))
      failVerify(
          file,
          fmt::format("tensor '{}' dimension {} is symbolic but '{}' is not a "
                      "valid symbol name",
                      t.name, i, d.symbol));
  }
}

/// True when every dimension of `t` is static.
bool hasStaticShape(const TensorDesc &t) {
  for (const Dim &d : t.shape)
    if (!d.isStatic())
      return false;
  return true;
}

/// Checks the size limit and that persistent tensors have static shapes.
void checkSize(const TensorDesc &t, const std::string &file) {
  if (!staticByteSize(t))
    failVerify(file,
               fmt::format("tensor '{}' {} is too large (more than 2^48 bytes)",
                           t.name, formatShape(t.shape)));
  if (isPersistent(t.role) && !hasStaticShape(t))
    failVerify(
        file,
        fmt::format(
            "tensor '{}' is a {} but has the symbolic shape {}; persistent "
            "tensors need static shapes",
            t.name, roleName(t.role), formatShape(t.shape)));
}

/// Checks the data reference: static shape, aligned, inside the data
/// section, exactly the tensor's byte size.
void checkData(const TensorDesc &t, uint64_t sectionSize,
               const std::string &file) {
  if (!t.data)
    return;
  const DataRef &ref = *t.data;
  if (!hasStaticShape(t))
    failVerify(file,
               fmt::format("tensor '{}' has data but the symbolic shape {}",
                           t.name, formatShape(t.shape)));
  if (ref.offset % kDataAlignment != 0)
    failVerify(
        file, fmt::format("tensor '{}': data offset {} is not a multiple of {}",
                          t.name, ref.offset, kDataAlignment));
  if (ref.offset > sectionSize || ref.size > sectionSize - ref.offset)
    failVerify(
        file,
        fmt::format("tensor '{}': data range [{}, +{}) is outside the data "
                    "section ({} bytes)",
                    t.name, ref.offset, ref.size, sectionSize));
  uint64_t expected = *staticByteSize(t);
  if (ref.size != expected)
    failVerify(file,
               fmt::format("tensor '{}': data is {} bytes but {} {} needs {}",
                           t.name, ref.size, formatShape(t.shape),
                           dtypeName(t.dtype), expected));
}

/// Checks hyperparameter names are non-empty and unique.
void checkHyperparams(const ModelMeta &meta, const std::string &file) {
  checkUniqueNames(
      meta.hyperparams,
      [](const NamedAttr &a) -> const std::string & { return a.name; },
      "hyperparameter", file);
}

} // namespace

bool isValidSymbol(const std::string &s) {
  auto isAlpha = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  };
  if (s.empty() || !isAlpha(s[0]))
    return false;
  for (char c : s)
    if (!isAlpha(c) && !(c >= '0' && c <= '9'))
      return false;
  return true;
}

std::optional<uint64_t> staticByteSize(const TensorDesc &t) {
  uint64_t bytes = dtypeSize(t.dtype);
  for (const Dim &d : t.shape) {
    if (d.size == 0)
      return 0;
    if (d.size < -1)
      return std::nullopt;
  }
  for (const Dim &d : t.shape) {
    if (!d.isStatic())
      continue;
    if (__builtin_mul_overflow(bytes, static_cast<uint64_t>(d.size), &bytes) ||
        bytes > kMaxTensorBytes)
      return std::nullopt;
  }
  if (bytes > kMaxTensorBytes)
    return std::nullopt;
  return bytes;
}

std::string formatShape(const std::vector<Dim> &shape) {
  std::string out = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i)
      out += ", ";
    out +=
        shape[i].isStatic() ? std::to_string(shape[i].size) : shape[i].symbol;
  }
  return out + "]";
}

std::string tensorLabel(const ModelDesc &model, int32_t id) {
  if (id >= 0 && static_cast<size_t>(id) < model.tensors.size() &&
      !model.tensors[id].name.empty())
    return "'" + model.tensors[id].name + "'";
  return "#" + std::to_string(id);
}

void failVerify(const std::string &file, const std::string &message) {
  throw Error(fmt::format("'{}': {}", file, message));
}

void verifyTensors(const ModelDesc &model, const std::string &file) {
  checkUniqueNames(
      model.tensors,
      [](const TensorDesc &t) -> const std::string & { return t.name; },
      "tensor", file);
  for (const TensorDesc &t : model.tensors) {
    checkEnums(t, file);
    checkDims(t, file);
    checkSize(t, file);
    checkData(t, model.data.size(), file);
  }
}

} // namespace format

Status verifyModel(const ModelDesc &model, const std::string &name) {
  try {
    format::checkHyperparams(model.meta, name);
    format::verifyTensors(model, name);
    format::checkUniqueNames(
        model.programs,
        [](const ProgramDesc &p) -> const std::string & { return p.name; },
        "program", name);
    for (const ProgramDesc &p : model.programs)
      format::verifyProgram(model, p, name);
  } catch (const Error &e) {
    return Status::error(e.what());
  }
  return Status::success();
}

} // namespace shodh
