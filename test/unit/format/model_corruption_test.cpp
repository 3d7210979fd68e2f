//===- model_corruption_test.cpp - Damaged and hostile model files --------===//
//
// Every damaged input must give an error message, never a crash or a model
// that fails `verifyModel`: truncation at every length, bad magic, versions,
// header offsets outside the file (including values that overflow when
// added), broken FlatBuffers, missing required fields, out-of-range enums,
// shared vectors that would expand without bound, and random byte flips.
// Hand-made files are assembled here with an independent header encoder.
//
//===----------------------------------------------------------------------===//
#include "runtime/format/ModelFile.h"
#include "runtime/format/model_generated.h"
#include "test_models.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <random>

namespace shodh {
namespace {

using ::testing::HasSubstr;
using testing::makeLargeDataModel;
using testing::makeSampleModel;

/// Header field offsets, as documented in ModelFile.h.
constexpr size_t kMajorAt = 8, kMinorAt = 12, kFbOffsetAt = 16, kFbSizeAt = 24,
                 kDataOffsetAt = 32, kDataSizeAt = 40;

/// Stores `v` little-endian in `n` bytes at `bytes[at]`.
void patchLE(std::vector<uint8_t> &bytes, size_t at, uint64_t v, unsigned n) {
  for (unsigned i = 0; i < n; ++i)
    bytes[at + i] = static_cast<uint8_t>(v >> (8 * i));
}

/// A file made of a header, the finished FlatBuffer and `data`.
std::vector<uint8_t> wrap(const flatbuffers::FlatBufferBuilder &fbb,
                          uint32_t major, uint32_t minor,
                          const std::vector<uint8_t> &data = {}) {
  size_t fbSize = fbb.GetSize(), dataOffset = (64 + fbSize + 63) / 64 * 64;
  std::vector<uint8_t> bytes(dataOffset + data.size(), 0);
  std::copy_n("SHODHMF", 8, bytes.begin());
  patchLE(bytes, kMajorAt, major, 4);
  patchLE(bytes, kMinorAt, minor, 4);
  patchLE(bytes, kFbOffsetAt, 64, 8);
  patchLE(bytes, kFbSizeAt, fbSize, 8);
  patchLE(bytes, kDataOffsetAt, dataOffset, 8);
  patchLE(bytes, kDataSizeAt, data.size(), 8);
  std::copy_n(fbb.GetBufferPointer(), fbSize, bytes.begin() + 64);
  std::copy(data.begin(), data.end(), bytes.begin() + dataOffset);
  return bytes;
}

/// Metadata with the given version and nothing else.
flatbuffers::Offset<fb::Metadata> meta(flatbuffers::FlatBufferBuilder &fbb,
                                       uint32_t major = 1, uint32_t minor = 0) {
  return fb::CreateMetadata(fbb, major, minor);
}

/// Finishes a model with one tensor and no programs.
std::vector<uint8_t> oneTensorFile(flatbuffers::FlatBufferBuilder &fbb,
                                   flatbuffers::Offset<fb::Tensor> tensor,
                                   const std::vector<uint8_t> &data = {}) {
  auto tensors =
      fbb.CreateVector(std::vector<flatbuffers::Offset<fb::Tensor>>{tensor});
  fb::FinishModelBuffer(fbb, fb::CreateModel(fbb, meta(fbb), tensors));
  return wrap(fbb, 1, 0, data);
}

/// Finishes a model with one program holding `call`.
std::vector<uint8_t> oneCallFile(flatbuffers::FlatBufferBuilder &fbb,
                                 flatbuffers::Offset<fb::KernelCall> call) {
  auto calls =
      fbb.CreateVector(std::vector<flatbuffers::Offset<fb::KernelCall>>{call});
  auto program = fb::CreateProgram(fbb, fbb.CreateString("infer"), 0, 0, calls);
  auto programs =
      fbb.CreateVector(std::vector<flatbuffers::Offset<fb::Program>>{program});
  fb::FinishModelBuffer(fbb, fb::CreateModel(fbb, meta(fbb), 0, programs));
  return wrap(fbb, 1, 0);
}

/// Parses `bytes` as "f.fb" and returns the error message ("" on success).
std::string parseError(const std::vector<uint8_t> &bytes) {
  ModelDesc out;
  return parseModel(bytes.data(), bytes.size(), "f.fb", out).message();
}

/// The serialized sample model.
std::vector<uint8_t> sampleBytes() {
  std::vector<uint8_t> bytes;
  EXPECT_TRUE(serializeModel(makeSampleModel(), bytes).ok());
  return bytes;
}

/// Parses `bytes`; on success the model must verify and re-serialize.
void expectErrorOrValid(const std::vector<uint8_t> &bytes,
                        const std::string &what) {
  ModelDesc out;
  Status s = parseModel(bytes.data(), bytes.size(), "f.fb", out);
  if (!s.ok()) {
    EXPECT_THAT(s.message(), HasSubstr("f.fb")) << what;
    return;
  }
  EXPECT_TRUE(verifyModel(out, "f.fb").ok()) << what;
  std::vector<uint8_t> again;
  EXPECT_TRUE(serializeModel(out, again).ok()) << what;
}

TEST(ModelCorruptionTest, EveryTruncationIsAnError) {
  std::vector<uint8_t> bytes = sampleBytes();
  for (size_t n = 0; n < bytes.size(); ++n) {
    std::vector<uint8_t> cut(bytes.begin(), bytes.begin() + n);
    EXPECT_NE(parseError(cut), "") << "truncated to " << n << " bytes";
  }
}

TEST(ModelCorruptionTest, TruncatedLargeFileIsAnError) {
  std::vector<uint8_t> bytes;
  ASSERT_TRUE(serializeModel(makeLargeDataModel(), bytes).ok());
  for (size_t n = 0; n < bytes.size(); n += 997)
    EXPECT_NE(
        parseError(std::vector<uint8_t>(bytes.begin(), bytes.begin() + n)), "")
        << n;
  EXPECT_THAT(parseError(std::vector<uint8_t>(bytes.begin(), bytes.end() - 1)),
              HasSubstr("'f.fb': corrupted model (data section"));
}

TEST(ModelCorruptionTest, TrailingBytesAreAnError) {
  std::vector<uint8_t> bytes = sampleBytes();
  bytes.push_back(0);
  EXPECT_THAT(parseError(bytes),
              HasSubstr("1 unexpected bytes after the data section"));
}

TEST(ModelCorruptionTest, BadMagic) {
  std::vector<uint8_t> bytes = sampleBytes();
  bytes[0] = 'X';
  EXPECT_EQ(parseError(bytes), "'f.fb' is not a Shodh model file (bad magic)");
  bytes = sampleBytes();
  bytes[7] = '1'; // The NUL is part of the magic.
  EXPECT_EQ(parseError(bytes), "'f.fb' is not a Shodh model file (bad magic)");
}

TEST(ModelCorruptionTest, NewerMajorIsRejected) {
  std::vector<uint8_t> bytes = sampleBytes();
  patchLE(bytes, kMajorAt, 2, 4);
  EXPECT_EQ(parseError(bytes),
            "'f.fb' was written by a newer Shodh (model-file format 2.x); "
            "this build reads format ≤ 1.x — upgrade shodh-run");
}

TEST(ModelCorruptionTest, NewerMinorIsAccepted) {
  flatbuffers::FlatBufferBuilder fbb;
  fb::FinishModelBuffer(
      fbb, fb::CreateModel(fbb, meta(fbb, kSchemaMajor, kSchemaMinor + 3)));
  std::vector<uint8_t> bytes = wrap(fbb, kSchemaMajor, kSchemaMinor + 3);
  ModelDesc out;
  Status s = parseModel(bytes.data(), bytes.size(), "f.fb", out);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(out.meta.schemaMinor, kSchemaMinor + 3);
}

TEST(ModelCorruptionTest, OlderMajorIsAccepted) {
  flatbuffers::FlatBufferBuilder fbb;
  fb::FinishModelBuffer(fbb, fb::CreateModel(fbb, meta(fbb, 0, 9)));
  EXPECT_EQ(parseError(wrap(fbb, 0, 9)), "");
}

TEST(ModelCorruptionTest, HeaderAndMetadataVersionsMustAgree) {
  std::vector<uint8_t> bytes = sampleBytes();
  patchLE(bytes, kMinorAt, 3, 4);
  EXPECT_THAT(parseError(bytes),
              HasSubstr("'f.fb': corrupted model (header says format 1.3 "
                        "but metadata says 1.0)"));
}

TEST(ModelCorruptionTest, OffsetsOutsideTheFile) {
  const std::vector<uint8_t> good = sampleBytes();
  struct Case {
    size_t at;
    uint64_t value;
    const char *message;
  } cases[] = {
      {kFbOffsetAt, 0, "FlatBuffer offset 0 is invalid"},
      {kFbOffsetAt, 65, "FlatBuffer offset 65 is invalid"},
      {kFbOffsetAt, 1u << 20, "extends past the end of the file"},
      {kFbOffsetAt, ~uint64_t(7), "extends past the end of the file"},
      {kFbSizeAt, ~uint64_t(0), "extends past the end of the file"},
      {kFbSizeAt, 0, "FlatBuffer size 0 is invalid"},
      {kDataOffsetAt, 64, "data-section offset 64 is invalid"},
      {kDataOffsetAt, 65, "is invalid"},
      {kDataOffsetAt, ~uint64_t(63), "extends past the end of the file"},
      {kDataSizeAt, ~uint64_t(0), "extends past the end of the file"},
      {kDataSizeAt, 0, "unexpected bytes after the data section"},
  };
  for (const Case &c : cases) {
    std::vector<uint8_t> bytes = good;
    patchLE(bytes, c.at, c.value, 8);
    EXPECT_THAT(parseError(bytes), HasSubstr(c.message))
        << c.at << " = " << c.value;
  }
}

TEST(ModelCorruptionTest, BadFlatBufferIdentifier) {
  std::vector<uint8_t> bytes = sampleBytes();
  bytes[64 + 4] = 'X';
  EXPECT_EQ(parseError(bytes),
            "'f.fb': corrupted model (FlatBuffer identifier is not \"SHDH\")");
}

TEST(ModelCorruptionTest, BrokenRootOffsetFailsVerification) {
  std::vector<uint8_t> bytes = sampleBytes();
  patchLE(bytes, 64, 0x7ffffff0, 4);
  EXPECT_EQ(parseError(bytes),
            "'f.fb': corrupted model (FlatBuffers verification failed)");
}

TEST(ModelCorruptionTest, DataRefOutOfRange) {
  flatbuffers::FlatBufferBuilder fbb;
  auto shape = fbb.CreateVector(
      std::vector<flatbuffers::Offset<fb::Dim>>{fb::CreateDim(fbb, 4)});
  fb::DataRef ref(64, 16);
  auto t = fb::CreateTensor(fbb, fbb.CreateString("w"), fb::DType::F32, shape,
                            fb::TensorRole::Parameter, 0, &ref);
  EXPECT_EQ(parseError(oneTensorFile(fbb, t, std::vector<uint8_t>(64))),
            "'f.fb': tensor 'w': data range [64, +16) is outside the data "
            "section (64 bytes)");
}

TEST(ModelCorruptionTest, MissingMetadata) {
  flatbuffers::FlatBufferBuilder fbb;
  fb::FinishModelBuffer(fbb, fb::CreateModel(fbb));
  EXPECT_EQ(parseError(wrap(fbb, 1, 0)),
            "'f.fb': corrupted model (the model has no metadata table)");
}

TEST(ModelCorruptionTest, TensorWithoutName) {
  flatbuffers::FlatBufferBuilder fbb;
  auto t =
      fb::CreateTensor(fbb, 0, fb::DType::F32, 0, fb::TensorRole::Activation);
  EXPECT_EQ(parseError(oneTensorFile(fbb, t)),
            "'f.fb': corrupted model (tensor 0 has no name)");
}

TEST(ModelCorruptionTest, UnknownDtypeAndRole) {
  flatbuffers::FlatBufferBuilder fbb;
  auto t =
      fb::CreateTensor(fbb, fbb.CreateString("t"), static_cast<fb::DType>(42));
  EXPECT_THAT(parseError(oneTensorFile(fbb, t)),
              HasSubstr("tensor 't' has unknown dtype 42"));
  flatbuffers::FlatBufferBuilder fbb2;
  auto t2 = fb::CreateTensor(fbb2, fbb2.CreateString("t"), fb::DType::F32, 0,
                             static_cast<fb::TensorRole>(-3));
  EXPECT_THAT(parseError(oneTensorFile(fbb2, t2)),
              HasSubstr("tensor 't' has unknown role -3"));
}

TEST(ModelCorruptionTest, InitSpecWithoutKind) {
  flatbuffers::FlatBufferBuilder fbb;
  auto init = fb::CreateInitSpec(fbb, 0, 1.0);
  auto t = fb::CreateTensor(fbb, fbb.CreateString("w"), fb::DType::F32, 0,
                            fb::TensorRole::Parameter, init);
  EXPECT_THAT(parseError(oneTensorFile(fbb, t)),
              HasSubstr("tensor 'w' has an init spec without a kind"));
}

TEST(ModelCorruptionTest, ProgramWithoutName) {
  flatbuffers::FlatBufferBuilder fbb;
  auto programs = fbb.CreateVector(
      std::vector<flatbuffers::Offset<fb::Program>>{fb::CreateProgram(fbb)});
  fb::FinishModelBuffer(fbb, fb::CreateModel(fbb, meta(fbb), 0, programs));
  EXPECT_EQ(parseError(wrap(fbb, 1, 0)),
            "'f.fb': corrupted model (program 0 has no name)");
}

TEST(ModelCorruptionTest, CallWithoutKernel) {
  flatbuffers::FlatBufferBuilder fbb;
  EXPECT_EQ(
      parseError(oneCallFile(fbb, fb::CreateKernelCall(fbb))),
      "'f.fb': corrupted model (program 'infer', call 0 has no kernel name)");
}

TEST(ModelCorruptionTest, AttrWithoutNameOrWithUnknownKind) {
  flatbuffers::FlatBufferBuilder fbb;
  auto attrs = fbb.CreateVector(
      std::vector<flatbuffers::Offset<fb::Attr>>{fb::CreateAttr(fbb)});
  EXPECT_EQ(
      parseError(oneCallFile(
          fbb, fb::CreateKernelCall(fbb, fbb.CreateString("k"), 0, 0, attrs))),
      "'f.fb': corrupted model (program 'infer', call 0 (k): attribute 0 has "
      "no name)");
  flatbuffers::FlatBufferBuilder fbb2;
  auto bad = fb::CreateAttr(fbb2, fbb2.CreateString("a"),
                            static_cast<fb::AttrKind>(9));
  auto hyper =
      fbb2.CreateVector(std::vector<flatbuffers::Offset<fb::Attr>>{bad});
  fb::FinishModelBuffer(
      fbb2,
      fb::CreateModel(fbb2, fb::CreateMetadata(fbb2, 1, 0, 0, 0, 0, 0, hyper)));
  EXPECT_THAT(parseError(wrap(fbb2, 1, 0)),
              HasSubstr("hyperparameter 'a' has unknown kind 9"));
}

TEST(ModelCorruptionTest, AbsentOptionalFieldsReadAsEmpty) {
  flatbuffers::FlatBufferBuilder fbb;
  auto attrs = fbb.CreateVector(std::vector<flatbuffers::Offset<fb::Attr>>{
      fb::CreateAttr(fbb, fbb.CreateString("s"), fb::AttrKind::String),
      fb::CreateAttr(fbb, fbb.CreateString("v"), fb::AttrKind::Floats)});
  auto call = fb::CreateKernelCall(fbb, fbb.CreateString("noop"), 0, 0, attrs);
  ModelDesc out;
  std::vector<uint8_t> bytes = oneCallFile(fbb, call);
  Status s = parseModel(bytes.data(), bytes.size(), "f.fb", out);
  ASSERT_TRUE(s.ok()) << s.message();
  ASSERT_EQ(out.programs.at(0).calls.at(0).attrs.size(), 2u);
  EXPECT_EQ(std::get<std::string>(out.programs[0].calls[0].attrs[0].value), "");
  EXPECT_TRUE(
      std::get<std::vector<double>>(out.programs[0].calls[0].attrs[1].value)
          .empty());
  EXPECT_EQ(out.meta.target, "");
}

TEST(ModelCorruptionTest, SharedVectorsCannotExpandWithoutBound) {
  // 2000 attributes share one 20000-element vector: 160 KB on disk, 320 MB
  // once converted. The reader must refuse instead of allocating.
  flatbuffers::FlatBufferBuilder fbb;
  auto ints = fbb.CreateVector(std::vector<int64_t>(20000, 1));
  auto name = fbb.CreateString("a");
  std::vector<flatbuffers::Offset<fb::Attr>> attrs;
  for (int i = 0; i < 2000; ++i)
    attrs.push_back(
        fb::CreateAttr(fbb, name, fb::AttrKind::Ints, 0, 0.0, 0, ints));
  auto hyper = fbb.CreateVector(attrs);
  fb::FinishModelBuffer(
      fbb,
      fb::CreateModel(fbb, fb::CreateMetadata(fbb, 1, 0, 0, 0, 0, 0, hyper)));
  EXPECT_THAT(parseError(wrap(fbb, 1, 0)),
              HasSubstr("expands to more data than it holds"));
}

TEST(ModelCorruptionTest, RandomByteFlipsNeverCrash) {
  const std::vector<uint8_t> good = sampleBytes();
  for (uint32_t seed = 0; seed < 3000; ++seed) {
    std::mt19937 rng(seed);
    std::vector<uint8_t> bytes = good;
    // Half the seeds aim at the header and FlatBuffer, where flips matter.
    size_t span =
        seed % 2 ? bytes.size() : bytes.size() - makeSampleModel().data.size();
    int flips = 1 + static_cast<int>(rng() % 8);
    for (int i = 0; i < flips; ++i)
      bytes[rng() % span] ^= static_cast<uint8_t>(1 + rng() % 255);
    expectErrorOrValid(bytes, "seed " + std::to_string(seed));
  }
}

TEST(ModelCorruptionTest, RandomSingleBitFlipsInFlatBuffer) {
  const std::vector<uint8_t> good = sampleBytes();
  size_t fbEnd = good.size() - makeSampleModel().data.size();
  for (size_t at = 64; at < fbEnd; ++at)
    for (int bit = 0; bit < 8; bit += 3) {
      std::vector<uint8_t> bytes = good;
      bytes[at] ^= static_cast<uint8_t>(1 << bit);
      expectErrorOrValid(bytes, "byte " + std::to_string(at) + " bit " +
                                    std::to_string(bit));
    }
}

// Regression (fuzz/model_file_fuzzer.cpp, UBSan "load of misaligned address
// ... for type 'const long'"): int64/double vectors were read element by
// element in place. Parsing a valid file from a buffer 4 bytes off 8-byte
// alignment puts them at misaligned addresses; under `make test-sanitize`
// the old reader aborted here. The values must read back unchanged.
TEST(ModelCorruptionTest, ParsesFromAMisalignedBuffer) {
  ModelDesc model = makeSampleModel();
  std::vector<uint8_t> bytes;
  ASSERT_TRUE(serializeModel(model, bytes).ok());
  std::vector<uint64_t> storage(bytes.size() / 8 + 2);
  uint8_t *misaligned = reinterpret_cast<uint8_t *>(storage.data()) + 4;
  std::copy(bytes.begin(), bytes.end(), misaligned);
  ModelDesc out;
  Status st = parseModel(misaligned, bytes.size(), "m.fb", out);
  ASSERT_TRUE(st.ok()) << st.message();
  ASSERT_EQ(out.meta.hyperparams.size(), model.meta.hyperparams.size());
  for (size_t i = 0; i < out.meta.hyperparams.size(); ++i)
    EXPECT_EQ(out.meta.hyperparams[i].value, model.meta.hyperparams[i].value)
        << out.meta.hyperparams[i].name;
}

} // namespace
} // namespace shodh
