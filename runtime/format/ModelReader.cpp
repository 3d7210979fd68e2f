//===- ModelReader.cpp - Decoding and checking model-file bytes -----------===//
//
// Implements `parseModel` in four steps, each of which can only fail with a
// message, never crash, whatever the input bytes:
//   1. the header: size, magic, major version, section offsets and sizes
//      (all arithmetic overflow-checked against the real byte count);
//   2. the FlatBuffer: identifier and `flatbuffers::Verifier`, with a table
//      limit derived from the buffer size;
//   3. conversion to `ModelDesc`: missing required fields and out-of-range
//      enum values are errors; a conversion budget proportional to the buffer
//      size stops files whose tables share one huge vector many times from
//      expanding into unbounded memory;
//   4. the semantic checks of `verifyModel`.
//
//===----------------------------------------------------------------------===//
#include "runtime/format/FileHeader.h"
#include "runtime/format/ModelFile.h"
#include "runtime/format/model_generated.h"

#include <fmt/format.h>

#include <cstring>

#include <new>

namespace shodh {
namespace {

/// Deepest table nesting we accept (the schema needs 4: Model, Program,
/// KernelCall, Attr).
constexpr uint32_t kMaxTableDepth = 16;

/// Conversion budget per FlatBuffer byte. Our writer never shares strings or
/// vectors, so it needs at most 1 unit (string byte or vector element) per
/// byte; the slack admits other writers that share short strings.
constexpr uint64_t kBudgetPerByte = 8;
/// Conversion budget every file gets regardless of its size.
constexpr uint64_t kBaseBudget = 4096;

/// Error for a file whose structure is broken.
Error corrupted(const std::string &name, const std::string &what) {
  return Error(fmt::format("'{}': corrupted model ({})", name, what));
}

/// Checks size, magic and major version; fills `header`.
void readHeader(const uint8_t *bytes, size_t size, const std::string &name,
                format::FileHeader &header) {
  if (size < format::kHeaderSize)
    throw Error(
        fmt::format("'{}' is not a Shodh model file (only {} bytes; the header "
                    "alone is {})",
                    name, size, format::kHeaderSize));
  if (!format::hasMagic(bytes))
    throw Error(
        fmt::format("'{}' is not a Shodh model file (bad magic)", name));
  header = format::decodeHeader(bytes);
  if (header.major > kSchemaMajor)
    throw Error(fmt::format(
        "'{}' was written by a newer Shodh (model-file format {}.x); "
        "this build reads format ≤ {}.x — upgrade shodh-run",
        name, header.major, kSchemaMajor));
}

/// Checks that the FlatBuffer and the data section lie inside the file, in
/// order, aligned, and that the data section ends exactly at the end of file.
void checkLayout(const format::FileHeader &h, size_t size,
                 const std::string &name) {
  uint64_t fbEnd = 0, dataEnd = 0;
  if (h.flatbufferOffset < format::kHeaderSize || h.flatbufferOffset % 8 != 0)
    throw corrupted(name, fmt::format("FlatBuffer offset {} is invalid",
                                      h.flatbufferOffset));
  if (__builtin_add_overflow(h.flatbufferOffset, h.flatbufferSize, &fbEnd) ||
      fbEnd > size)
    throw corrupted(
        name, fmt::format("FlatBuffer [{}, +{}) extends past the end of the "
                          "file ({} bytes); truncated?",
                          h.flatbufferOffset, h.flatbufferSize, size));
  if (h.flatbufferSize < 8 || h.flatbufferSize >= FLATBUFFERS_MAX_BUFFER_SIZE)
    throw corrupted(
        name, fmt::format("FlatBuffer size {} is invalid", h.flatbufferSize));
  if (h.dataOffset % format::kDataAlignment != 0 || h.dataOffset < fbEnd)
    throw corrupted(
        name, fmt::format("data-section offset {} is invalid", h.dataOffset));
  if (__builtin_add_overflow(h.dataOffset, h.dataSize, &dataEnd) ||
      dataEnd > size)
    throw corrupted(
        name, fmt::format("data section [{}, +{}) extends past the end of the "
                          "file ({} bytes); truncated?",
                          h.dataOffset, h.dataSize, size));
  if (dataEnd != size)
    throw corrupted(name,
                    fmt::format("{} unexpected bytes after the data section",
                                size - dataEnd));
}

/// Runs the FlatBuffers verifier on `fb[0..size)` (8-byte aligned).
void verifyFlatBuffer(const uint8_t *fb, size_t size, const std::string &name) {
  if (!fb::ModelBufferHasIdentifier(fb))
    throw corrupted(name, "FlatBuffer identifier is not \"SHDH\"");
  flatbuffers::Verifier::Options options;
  options.max_depth = kMaxTableDepth;
  // Every table of an unshared buffer takes at least 4 bytes.
  options.max_tables = static_cast<flatbuffers::uoffset_t>(size / 4 + 16);
  flatbuffers::Verifier verifier(fb, size, options);
  if (!fb::VerifyModelBuffer(verifier))
    throw Error(fmt::format(
        "'{}': corrupted model (FlatBuffers verification failed)", name));
}

/// Converts verified FlatBuffer tables into `ModelDesc` pieces.
class Converter {
public:
  /// `budget`: how many string bytes plus vector elements may be converted.
  Converter(std::string name, uint64_t budget)
      : name_(std::move(name)), budget_(budget) {}

  /// Converts the root table (everything but the data section).
  void convertModel(const fb::Model &m, ModelDesc &out);

private:
  void charge(uint64_t units);
  std::string str(const flatbuffers::String *s);
  std::vector<int32_t> ids(const flatbuffers::Vector<int32_t> *v);
  void convertMeta(const fb::Metadata *m, ModelMeta &out);
  NamedAttr convertAttr(const fb::Attr &a, const std::string &where,
                        size_t index);
  std::vector<NamedAttr>
  convertAttrs(const flatbuffers::Vector<flatbuffers::Offset<fb::Attr>> *v,
               const std::string &where);
  TensorDesc convertTensor(const fb::Tensor &t, size_t index);
  InitSpec convertInit(const fb::InitSpec *init, const std::string &tensor);
  ProgramDesc convertProgram(const fb::Program &p, size_t index);
  KernelCall convertCall(const fb::KernelCall &c, const std::string &program,
                         size_t index);

  std::string name_;
  uint64_t budget_;
};

/// Counts `units` against the budget; throws when it runs out.
void Converter::charge(uint64_t units) {
  if (units > budget_)
    throw corrupted(
        name_,
        "FlatBuffer expands to more data than it holds (shared vectors?)");
  budget_ -= units;
}

/// A string field; absent strings read as empty.
std::string Converter::str(const flatbuffers::String *s) {
  if (!s)
    return {};
  charge(s->size());
  return s->str();
}

/// The elements of a scalar vector, copied bytewise: the FlatBuffers verifier
/// checks alignment relative to the buffer start only, so in a buffer that
/// is not 8-aligned in memory (or a hostile one) an int64/double vector may
/// be misaligned, and reading it element by element would be undefined
/// behaviour (found by fuzz/model_file_fuzzer.cpp under UBSan).
template <typename T>
std::vector<T> copyScalars(const flatbuffers::Vector<T> *v) {
  static_assert(FLATBUFFERS_LITTLEENDIAN, "FlatBuffers scalars are little-endian");
  std::vector<T> out(v ? v->size() : 0);
  if (!out.empty())
    std::memcpy(out.data(), v->Data(), out.size() * sizeof(T));
  return out;
}

/// A vector of tensor ids; absent vectors read as empty.
std::vector<int32_t> Converter::ids(const flatbuffers::Vector<int32_t> *v) {
  if (!v)
    return {};
  charge(v->size());
  return copyScalars(v);
}

void Converter::convertModel(const fb::Model &m, ModelDesc &out) {
  convertMeta(m.meta(), out.meta);
  if (const auto *tensors = m.tensors()) {
    charge(tensors->size());
    out.tensors.reserve(tensors->size());
    for (flatbuffers::uoffset_t i = 0; i < tensors->size(); ++i)
      out.tensors.push_back(convertTensor(*tensors->Get(i), i));
  }
  if (const auto *programs = m.programs()) {
    charge(programs->size());
    out.programs.reserve(programs->size());
    for (flatbuffers::uoffset_t i = 0; i < programs->size(); ++i)
      out.programs.push_back(convertProgram(*programs->Get(i), i));
  }
}

/// Metadata is required; its strings are optional.
void Converter::convertMeta(const fb::Metadata *m, ModelMeta &out) {
  if (!m)
    throw corrupted(name_, "the model has no metadata table");
  out.schemaMajor = m->schema_major();
  out.schemaMinor = m->schema_minor();
  out.compilerVersion = str(m->compiler_version());
  out.sourceName = str(m->source_name());
  out.sourceHash = str(m->source_hash());
  out.target = str(m->target());
  out.hyperparams = convertAttrs(m->hyperparams(), "hyperparameter");
}

/// One attribute: the name is required, `kind` selects the value field.
NamedAttr Converter::convertAttr(const fb::Attr &a, const std::string &where,
                                 size_t index) {
  if (!a.name())
    throw corrupted(name_, fmt::format("{} {} has no name", where, index));
  NamedAttr out{str(a.name()), int64_t(0)};
  switch (a.kind()) {
  case fb::AttrKind::Int:
    out.value = a.i();
    return out;
  case fb::AttrKind::Float:
    out.value = a.f();
    return out;
  case fb::AttrKind::String:
    out.value = str(a.s());
    return out;
  case fb::AttrKind::Ints:
    charge(a.ints() ? a.ints()->size() : 0);
    out.value = copyScalars(a.ints());
    return out;
  case fb::AttrKind::Floats:
    charge(a.floats() ? a.floats()->size() : 0);
    out.value = copyScalars(a.floats());
    return out;
  }
  throw corrupted(name_, fmt::format("{} '{}' has unknown kind {}", where,
                                     out.name, static_cast<int>(a.kind())));
}

/// A vector of attributes; `where` names the owner in messages.
std::vector<NamedAttr> Converter::convertAttrs(
    const flatbuffers::Vector<flatbuffers::Offset<fb::Attr>> *v,
    const std::string &where) {
  std::vector<NamedAttr> out;
  if (!v)
    return out;
  charge(v->size());
  out.reserve(v->size());
  for (flatbuffers::uoffset_t i = 0; i < v->size(); ++i)
    out.push_back(convertAttr(*v->Get(i), where, i));
  return out;
}

/// The init spec; an absent table means "no init spec".
InitSpec Converter::convertInit(const fb::InitSpec *init,
                                const std::string &tensor) {
  if (!init)
    return {};
  if (!init->kind() || init->kind()->size() == 0)
    throw corrupted(
        name_,
        fmt::format("tensor '{}' has an init spec without a kind", tensor));
  return InitSpec{str(init->kind()), init->a(), init->b(), init->fan(),
                  init->seed()};
}

/// One tensor: name required, enum values checked, shape and data copied.
TensorDesc Converter::convertTensor(const fb::Tensor &t, size_t index) {
  if (!t.name())
    throw corrupted(name_, fmt::format("tensor {} has no name", index));
  TensorDesc out;
  out.name = str(t.name());
  auto dtype = static_cast<int>(t.dtype()), role = static_cast<int>(t.role());
  if (dtype < 0 || dtype > static_cast<int>(fb::DType::MAX))
    throw corrupted(name_, fmt::format("tensor '{}' has unknown dtype {}",
                                       out.name, dtype));
  if (role < 0 || role > static_cast<int>(fb::TensorRole::MAX))
    throw corrupted(
        name_, fmt::format("tensor '{}' has unknown role {}", out.name, role));
  out.dtype = static_cast<DType>(dtype);
  out.role = static_cast<TensorRole>(role);
  if (const auto *shape = t.shape()) {
    charge(shape->size());
    for (const fb::Dim *d : *shape)
      out.shape.push_back(Dim{d->size(), str(d->symbol())});
  }
  out.init = convertInit(t.init(), out.name);
  if (const fb::DataRef *ref = t.data())
    out.data = DataRef{ref->offset(), ref->size()};
  return out;
}

/// One kernel call: the kernel name is required.
KernelCall Converter::convertCall(const fb::KernelCall &c,
                                  const std::string &program, size_t index) {
  if (!c.kernel())
    throw corrupted(name_,
                    fmt::format("program '{}', call {} has no kernel name",
                                program, index));
  KernelCall out;
  out.kernel = str(c.kernel());
  out.inputs = ids(c.inputs());
  out.outputs = ids(c.outputs());
  out.attrs = convertAttrs(c.attrs(),
                           fmt::format("program '{}', call {} ({}): attribute",
                                       program, index, out.kernel));
  return out;
}

/// One program: the name is required.
ProgramDesc Converter::convertProgram(const fb::Program &p, size_t index) {
  if (!p.name())
    throw corrupted(name_, fmt::format("program {} has no name", index));
  ProgramDesc out;
  out.name = str(p.name());
  out.inputs = ids(p.inputs());
  out.outputs = ids(p.outputs());
  if (const auto *calls = p.calls()) {
    charge(calls->size());
    out.calls.reserve(calls->size());
    for (flatbuffers::uoffset_t i = 0; i < calls->size(); ++i)
      out.calls.push_back(convertCall(*calls->Get(i), out.name, i));
  }
  if (const auto *lifetimes = p.lifetimes()) {
    charge(lifetimes->size());
    for (const fb::Lifetime *l : *lifetimes)
      out.lifetimes.push_back(Lifetime{l->tensor(), l->first(), l->last()});
  }
  return out;
}

/// Checks that the metadata's version agrees with the header's.
void checkVersions(const format::FileHeader &h, const ModelMeta &meta,
                   const std::string &name) {
  if (meta.schemaMajor != h.major || meta.schemaMinor != h.minor)
    throw corrupted(
        name,
        fmt::format("header says format {}.{} but metadata says {}.{}", h.major,
                    h.minor, meta.schemaMajor, meta.schemaMinor));
}

/// Steps 1-3 of `parseModel`; throws `Error`.
void decodeModel(const uint8_t *bytes, size_t size, const std::string &name,
                 ModelDesc &out) {
  format::FileHeader header;
  readHeader(bytes, size, name, header);
  checkLayout(header, size, name);
  const uint8_t *fbBytes = bytes + header.flatbufferOffset;
  std::vector<uint8_t> aligned; // FlatBuffers reads 8-byte scalars in place.
  if (reinterpret_cast<uintptr_t>(fbBytes) % 8 != 0) {
    aligned.assign(fbBytes, fbBytes + header.flatbufferSize);
    fbBytes = aligned.data();
  }
  verifyFlatBuffer(fbBytes, header.flatbufferSize, name);
  Converter converter(name,
                      kBaseBudget + kBudgetPerByte * header.flatbufferSize);
  converter.convertModel(*fb::GetModel(fbBytes), out);
  checkVersions(header, out.meta, name);
  const uint8_t *data = bytes + header.dataOffset;
  out.data.assign(data, data + header.dataSize);
}

} // namespace

Status parseModel(const uint8_t *bytes, size_t size, const std::string &name,
                  ModelDesc &out) {
  ModelDesc model;
  try {
    decodeModel(bytes, size, name, model);
  } catch (const Error &e) {
    return Status::error(e.what());
  } catch (const std::bad_alloc &) {
    return Status::error(
        fmt::format("'{}': out of memory while reading the model", name));
  }
  if (Status s = verifyModel(model, name); !s.ok())
    return s;
  out = std::move(model);
  return Status::success();
}

} // namespace shodh
