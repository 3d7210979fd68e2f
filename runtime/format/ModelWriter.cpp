//===- ModelWriter.cpp - Encoding a ModelDesc as model-file bytes ---------===//
//
// Implements `serializeModel`: builds the FlatBuffer (`model.fbs`) from a
// `ModelDesc`, then lays out header, FlatBuffer, zero padding and the data
// section as documented in `ModelFile.h`. Before building anything the writer
// checks what would make the file unreadable: a version newer than this build
// and tensor data ranges that are misaligned or outside `ModelDesc::data`.
//
//===----------------------------------------------------------------------===//
#include "runtime/format/ModelWriter.h"
#include "runtime/format/FileHeader.h"
#include "runtime/format/ModelFile.h"
#include "runtime/format/model_generated.h"

#include <fmt/format.h>

#include <cstring>

namespace shodh {
namespace {

using flatbuffers::FlatBufferBuilder;
using flatbuffers::Offset;
using flatbuffers::Vector;

/// Rejects versions this build cannot honestly claim to write.
Status checkWritableVersion(const ModelMeta &meta) {
  bool newer =
      meta.schemaMajor > kSchemaMajor ||
      (meta.schemaMajor == kSchemaMajor && meta.schemaMinor > kSchemaMinor);
  if (!newer)
    return Status::success();
  return Status::error(fmt::format(
      "metadata claims model-file format {}.{}; this build writes format {}.{}",
      meta.schemaMajor, meta.schemaMinor, kSchemaMajor, kSchemaMinor));
}

/// Checks that every tensor's data range is 64-aligned and inside `data`.
Status checkDataRefs(const ModelDesc &model) {
  const uint64_t sectionSize = model.data.size();
  for (const TensorDesc &t : model.tensors) {
    if (!t.data)
      continue;
    const DataRef &ref = *t.data;
    if (ref.offset % format::kDataAlignment != 0)
      return Status::error(
          fmt::format("tensor '{}': data offset {} is not a multiple of {}",
                      t.name, ref.offset, format::kDataAlignment));
    if (ref.offset > sectionSize || ref.size > sectionSize - ref.offset)
      return Status::error(fmt::format("tensor '{}': data range [{}, +{}) is "
                                       "outside the data section ({} bytes)",
                                       t.name, ref.offset, ref.size,
                                       sectionSize));
  }
  return Status::success();
}

/// Builds one `Attr` table; the variant alternative selects the kind. Strings
/// and vectors are created before the table, as FlatBuffers requires.
Offset<fb::Attr> buildAttr(FlatBufferBuilder &fbb, const NamedAttr &attr) {
  auto name = fbb.CreateString(attr.name);
  const AttrValue &v = attr.value;
  if (const auto *i = std::get_if<int64_t>(&v))
    return fb::CreateAttr(fbb, name, fb::AttrKind::Int, *i);
  if (const auto *f = std::get_if<double>(&v))
    return fb::CreateAttr(fbb, name, fb::AttrKind::Float, 0, *f);
  if (const auto *s = std::get_if<std::string>(&v))
    return fb::CreateAttr(fbb, name, fb::AttrKind::String, 0, 0.0,
                          fbb.CreateString(*s));
  if (const auto *ints = std::get_if<std::vector<int64_t>>(&v))
    return fb::CreateAttr(fbb, name, fb::AttrKind::Ints, 0, 0.0, 0,
                          fbb.CreateVector(*ints));
  const auto &floats = std::get<std::vector<double>>(v);
  return fb::CreateAttr(fbb, name, fb::AttrKind::Floats, 0, 0.0, 0, 0,
                        fbb.CreateVector(floats));
}

/// Builds a vector of `Attr` tables.
Offset<Vector<Offset<fb::Attr>>>
buildAttrs(FlatBufferBuilder &fbb, const std::vector<NamedAttr> &attrs) {
  std::vector<Offset<fb::Attr>> out;
  out.reserve(attrs.size());
  for (const NamedAttr &a : attrs)
    out.push_back(buildAttr(fbb, a));
  return fbb.CreateVector(out);
}

/// Builds the `InitSpec` table, or a null offset when `init.kind` is empty.
Offset<fb::InitSpec> buildInit(FlatBufferBuilder &fbb, const InitSpec &init) {
  if (init.kind.empty())
    return 0;
  return fb::CreateInitSpec(fbb, fbb.CreateString(init.kind), init.a, init.b,
                            init.fan, init.seed);
}

/// Builds one `Tensor` table with its shape, init spec and data reference.
Offset<fb::Tensor> buildTensor(FlatBufferBuilder &fbb, const TensorDesc &t) {
  std::vector<Offset<fb::Dim>> dims;
  dims.reserve(t.shape.size());
  for (const Dim &d : t.shape)
    dims.push_back(fb::CreateDim(
        fbb, d.size, d.symbol.empty() ? 0 : fbb.CreateString(d.symbol)));
  auto shape = fbb.CreateVector(dims);
  auto name = fbb.CreateString(t.name);
  auto init = buildInit(fbb, t.init);
  fb::DataRef ref(t.data ? t.data->offset : 0, t.data ? t.data->size : 0);
  return fb::CreateTensor(fbb, name, static_cast<fb::DType>(t.dtype), shape,
                          static_cast<fb::TensorRole>(t.role), init,
                          t.data ? &ref : nullptr);
}

/// Builds one `KernelCall` table.
Offset<fb::KernelCall> buildCall(FlatBufferBuilder &fbb,
                                 const KernelCall &call) {
  auto kernel = fbb.CreateString(call.kernel);
  auto inputs = fbb.CreateVector(call.inputs);
  auto outputs = fbb.CreateVector(call.outputs);
  auto attrs = buildAttrs(fbb, call.attrs);
  return fb::CreateKernelCall(fbb, kernel, inputs, outputs, attrs);
}

/// Builds one `Program` table with its calls and lifetimes.
Offset<fb::Program> buildProgram(FlatBufferBuilder &fbb, const ProgramDesc &p) {
  std::vector<Offset<fb::KernelCall>> calls;
  calls.reserve(p.calls.size());
  for (const KernelCall &c : p.calls)
    calls.push_back(buildCall(fbb, c));
  std::vector<Offset<fb::Lifetime>> lifetimes;
  lifetimes.reserve(p.lifetimes.size());
  for (const Lifetime &l : p.lifetimes)
    lifetimes.push_back(fb::CreateLifetime(fbb, l.tensor, l.first, l.last));
  auto name = fbb.CreateString(p.name);
  auto inputs = fbb.CreateVector(p.inputs);
  auto outputs = fbb.CreateVector(p.outputs);
  return fb::CreateProgram(fbb, name, inputs, outputs, fbb.CreateVector(calls),
                           fbb.CreateVector(lifetimes));
}

/// Builds the `Metadata` table.
Offset<fb::Metadata> buildMeta(FlatBufferBuilder &fbb, const ModelMeta &m) {
  auto compiler = fbb.CreateString(m.compilerVersion);
  auto source = fbb.CreateString(m.sourceName);
  auto hash = fbb.CreateString(m.sourceHash);
  auto target = fbb.CreateString(m.target);
  auto hyper = buildAttrs(fbb, m.hyperparams);
  return fb::CreateMetadata(fbb, m.schemaMajor, m.schemaMinor, compiler, source,
                            hash, target, hyper);
}

/// Builds and finishes the whole `Model` FlatBuffer (identifier "SHDH").
void buildFlatBuffer(FlatBufferBuilder &fbb, const ModelDesc &model) {
  auto meta = buildMeta(fbb, model.meta);
  std::vector<Offset<fb::Tensor>> tensors;
  tensors.reserve(model.tensors.size());
  for (const TensorDesc &t : model.tensors)
    tensors.push_back(buildTensor(fbb, t));
  std::vector<Offset<fb::Program>> programs;
  programs.reserve(model.programs.size());
  for (const ProgramDesc &p : model.programs)
    programs.push_back(buildProgram(fbb, p));
  auto root = fb::CreateModel(fbb, meta, fbb.CreateVector(tensors),
                              fbb.CreateVector(programs));
  fb::FinishModelBuffer(fbb, root);
}

} // namespace

namespace format {

Status encodeModelPrefix(const ModelDesc &model, std::vector<uint8_t> &prefix) {
  if (Status s = checkWritableVersion(model.meta); !s.ok())
    return s;
  if (Status s = checkDataRefs(model); !s.ok())
    return s;
  FlatBufferBuilder fbb(4096);
  buildFlatBuffer(fbb, model);

  FileHeader header;
  header.major = model.meta.schemaMajor;
  header.minor = model.meta.schemaMinor;
  header.flatbufferOffset = kHeaderSize;
  header.flatbufferSize = fbb.GetSize();
  // Cannot overflow: the FlatBuffer is below 2 GiB.
  (void)alignUp(header.flatbufferOffset + header.flatbufferSize, kDataAlignment,
                header.dataOffset);
  header.dataSize = model.data.size();

  prefix.assign(header.dataOffset, 0);
  encodeHeader(header, prefix.data());
  std::memcpy(prefix.data() + header.flatbufferOffset, fbb.GetBufferPointer(),
              fbb.GetSize());
  return Status::success();
}

} // namespace format

Status serializeModel(const ModelDesc &model, std::vector<uint8_t> &bytes) {
  if (Status s = format::encodeModelPrefix(model, bytes); !s.ok())
    return s;
  bytes.insert(bytes.end(), model.data.begin(), model.data.end());
  return Status::success();
}

} // namespace shodh
