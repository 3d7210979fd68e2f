//===- model_file_test.cpp - Round trips and file I/O of model files ------===//
//
// Writes models with `serializeModel` / `writeModelFile`, reads them back and
// compares every field; checks the byte layout of the header against the
// documented one; checks the writer's own validation and its atomicity
// (failures leave neither a partial target nor a temporary file behind).
//
//===----------------------------------------------------------------------===//
#include "runtime/format/ModelFile.h"
#include "runtime/format/model_generated.h"
#include "test_models.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sys/resource.h>
#include <unistd.h>

namespace shodh {
namespace {

using testing::expectModelsEqual;
using ::testing::HasSubstr;
using testing::makeLargeDataModel;
using testing::makeSampleModel;
using testing::ScratchDir;

/// Little-endian integer of `n` bytes at `bytes[at]`.
uint64_t readLE(const std::vector<uint8_t> &bytes, size_t at, unsigned n) {
  uint64_t v = 0;
  for (unsigned i = 0; i < n; ++i)
    v |= uint64_t(bytes[at + i]) << (8 * i);
  return v;
}

/// The whole content of a file.
std::vector<uint8_t> slurp(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

/// Names of the entries of a directory.
std::vector<std::string> listDir(const std::string &dir) {
  std::vector<std::string> names;
  for (const auto &e : std::filesystem::directory_iterator(dir))
    names.push_back(e.path().filename().string());
  return names;
}

/// Serializes and parses `model`, expecting both to succeed.
ModelDesc roundTrip(const ModelDesc &model) {
  std::vector<uint8_t> bytes;
  Status s = serializeModel(model, bytes);
  EXPECT_TRUE(s.ok()) << s.message();
  ModelDesc out;
  s = parseModel(bytes.data(), bytes.size(), "mem.fb", out);
  EXPECT_TRUE(s.ok()) << s.message();
  return out;
}

TEST(ModelFileTest, SampleModelIsValid) {
  Status s = verifyModel(makeSampleModel(), "sample.fb");
  EXPECT_TRUE(s.ok()) << s.message();
}

TEST(ModelFileTest, RoundTripPreservesEveryField) {
  ModelDesc model = makeSampleModel();
  expectModelsEqual(model, roundTrip(model));
}

TEST(ModelFileTest, RoundTripLargeDataSection) {
  ModelDesc model = makeLargeDataModel();
  ASSERT_GT(model.data.size(), 64u * 1024);
  expectModelsEqual(model, roundTrip(model));
}

TEST(ModelFileTest, RoundTripEmptyModel) {
  ModelDesc model;
  model.meta.target = "";
  expectModelsEqual(model, roundTrip(model));
}

TEST(ModelFileTest, RoundTripOlderFormatVersion) {
  ModelDesc model = makeSampleModel();
  model.meta.schemaMajor = 0;
  model.meta.schemaMinor = 7;
  ModelDesc out = roundTrip(model);
  EXPECT_EQ(out.meta.schemaMajor, 0u);
  EXPECT_EQ(out.meta.schemaMinor, 7u);
}

TEST(ModelFileTest, HeaderLayoutMatchesDocumentation) {
  ModelDesc model = makeSampleModel();
  std::vector<uint8_t> bytes;
  ASSERT_TRUE(serializeModel(model, bytes).ok());
  ASSERT_GE(bytes.size(), 64u);
  EXPECT_EQ(std::string(bytes.begin(), bytes.begin() + 8),
            std::string("SHODHMF\0", 8));
  EXPECT_EQ(readLE(bytes, 8, 4), kSchemaMajor);
  EXPECT_EQ(readLE(bytes, 12, 4), kSchemaMinor);
  uint64_t fbOffset = readLE(bytes, 16, 8), fbSize = readLE(bytes, 24, 8);
  uint64_t dataOffset = readLE(bytes, 32, 8), dataSize = readLE(bytes, 40, 8);
  EXPECT_EQ(readLE(bytes, 48, 8), 0u);
  EXPECT_EQ(readLE(bytes, 56, 8), 0u);
  EXPECT_EQ(fbOffset, 64u);
  EXPECT_EQ(std::string(bytes.begin() + 68, bytes.begin() + 72), "SHDH");
  EXPECT_EQ(dataOffset % 64, 0u);
  EXPECT_GE(dataOffset, fbOffset + fbSize);
  EXPECT_LT(dataOffset, fbOffset + fbSize + 64);
  EXPECT_EQ(dataSize, model.data.size());
  EXPECT_EQ(bytes.size(), dataOffset + dataSize);
  for (uint64_t i = fbOffset + fbSize; i < dataOffset; ++i)
    EXPECT_EQ(bytes[i], 0) << "padding byte " << i;
  EXPECT_TRUE(std::equal(model.data.begin(), model.data.end(),
                         bytes.begin() + dataOffset));
}

TEST(ModelFileTest, InitAndDataAreOmittedWhenAbsent) {
  ModelDesc model = makeSampleModel();
  std::vector<uint8_t> bytes;
  ASSERT_TRUE(serializeModel(model, bytes).ok());
  const fb::Model *root = fb::GetModel(bytes.data() + 64);
  for (flatbuffers::uoffset_t i = 0; i < root->tensors()->size(); ++i) {
    const fb::Tensor *t = root->tensors()->Get(i);
    EXPECT_EQ(t->init() != nullptr, !model.tensors[i].init.kind.empty()) << i;
    EXPECT_EQ(t->data() != nullptr, model.tensors[i].data.has_value()) << i;
  }
}

TEST(ModelFileTest, SerializeRejectsMisalignedData) {
  ModelDesc model = makeSampleModel();
  model.tensors[1].data->offset = 8;
  std::vector<uint8_t> bytes;
  Status s = serializeModel(model, bytes);
  EXPECT_THAT(s.message(),
              HasSubstr("tensor 'w': data offset 8 is not a multiple of 64"));
}

TEST(ModelFileTest, SerializeRejectsDataOutsideSection) {
  ModelDesc model = makeSampleModel();
  model.tensors[6].data = DataRef{256, 1u << 20};
  std::vector<uint8_t> bytes;
  Status s = serializeModel(model, bytes);
  EXPECT_THAT(s.message(),
              HasSubstr("tensor 'modes': data range [256, +1048576) is outside "
                        "the data section (288 bytes)"));
  model.tensors[6].data = DataRef{~uint64_t(63), 128};
  EXPECT_FALSE(serializeModel(model, bytes).ok());
}

TEST(ModelFileTest, SerializeRejectsNewerVersion) {
  ModelDesc model = makeSampleModel();
  model.meta.schemaMajor = kSchemaMajor + 1;
  std::vector<uint8_t> bytes;
  EXPECT_THAT(serializeModel(model, bytes).message(),
              HasSubstr("this build writes format"));
  model.meta.schemaMajor = kSchemaMajor;
  model.meta.schemaMinor = kSchemaMinor + 1;
  EXPECT_FALSE(serializeModel(model, bytes).ok());
}

TEST(ModelFileTest, WriteAndLoadFile) {
  ScratchDir dir;
  ModelDesc model = makeLargeDataModel();
  std::string path = dir.file("model.fb");
  Status s = writeModelFile(model, path);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(listDir(dir.path()), std::vector<std::string>{"model.fb"});
  ModelDesc out;
  s = loadModelFile(path, out);
  ASSERT_TRUE(s.ok()) << s.message();
  expectModelsEqual(model, out);
}

TEST(ModelFileTest, WriteRelativePath) {
  ScratchDir dir;
  std::string cwd = std::filesystem::current_path().string();
  ASSERT_EQ(chdir(dir.path().c_str()), 0);
  Status s = writeModelFile(makeSampleModel(), "relative.fb");
  ASSERT_EQ(chdir(cwd.c_str()), 0);
  EXPECT_TRUE(s.ok()) << s.message();
  EXPECT_TRUE(std::filesystem::exists(dir.file("relative.fb")));
}

TEST(ModelFileTest, WriteIntoMissingDirectoryFails) {
  ScratchDir dir;
  std::string path = dir.file("missing/model.fb");
  Status s = writeModelFile(makeSampleModel(), path);
  EXPECT_EQ(s.message(),
            "cannot write '" + path + "': No such file or directory");
  EXPECT_TRUE(listDir(dir.path()).empty());
}

TEST(ModelFileTest, InvalidModelIsNotWritten) {
  ScratchDir dir;
  ModelDesc model = makeSampleModel();
  model.tensors[1].data->offset = 1;
  Status s = writeModelFile(model, dir.file("m.fb"));
  EXPECT_THAT(s.message(),
              HasSubstr("cannot write '" + dir.file("m.fb") + "': tensor 'w'"));
  EXPECT_TRUE(listDir(dir.path()).empty());
}

TEST(ModelFileTest, FailedOverwriteKeepsOldFile) {
  ScratchDir dir;
  std::string path = dir.file("model.fb");
  ASSERT_TRUE(writeModelFile(makeSampleModel(), path).ok());
  std::vector<uint8_t> before = slurp(path);
  // The file-size limit makes the large model's write fail half-way.
  struct rlimit saved;
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &saved), 0);
  auto previous = ::signal(SIGXFSZ, SIG_IGN);
  struct rlimit small = saved;
  small.rlim_cur = before.size() + 1;
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &small), 0);
  Status s = writeModelFile(makeLargeDataModel(), path);
  ::setrlimit(RLIMIT_FSIZE, &saved);
  ::signal(SIGXFSZ, previous);
  EXPECT_EQ(s.message(), "cannot write '" + path + "': File too large");
  EXPECT_EQ(slurp(path), before);
  EXPECT_EQ(listDir(dir.path()), std::vector<std::string>{"model.fb"});
}

TEST(ModelFileTest, OverwriteReplacesFile) {
  ScratchDir dir;
  std::string path = dir.file("model.fb");
  ASSERT_TRUE(writeModelFile(makeLargeDataModel(), path).ok());
  ASSERT_TRUE(writeModelFile(makeSampleModel(), path).ok());
  ModelDesc out;
  ASSERT_TRUE(loadModelFile(path, out).ok());
  expectModelsEqual(makeSampleModel(), out);
  EXPECT_EQ(listDir(dir.path()), std::vector<std::string>{"model.fb"});
}

TEST(ModelFileTest, RenameOntoDirectoryFailsCleanly) {
  ScratchDir dir;
  std::string path = dir.file("occupied");
  ASSERT_TRUE(std::filesystem::create_directory(path));
  std::ofstream(path + "/keep") << "x";
  Status s = writeModelFile(makeSampleModel(), path);
  EXPECT_THAT(s.message(), HasSubstr("cannot write '" + path + "': "));
  EXPECT_EQ(listDir(dir.path()), std::vector<std::string>{"occupied"});
}

TEST(ModelFileTest, LoadMissingFile) {
  ScratchDir dir;
  ModelDesc out;
  std::string path = dir.file("nope.fb");
  EXPECT_EQ(loadModelFile(path, out).message(),
            "cannot open '" + path + "': No such file or directory");
}

TEST(ModelFileTest, LoadDirectory) {
  ScratchDir dir;
  ModelDesc out;
  EXPECT_THAT(loadModelFile(dir.path(), out).message(),
              HasSubstr("not a regular file"));
}

TEST(ModelFileTest, LoadEmptyFile) {
  ScratchDir dir;
  std::ofstream(dir.file("empty.fb")).flush();
  ModelDesc out;
  EXPECT_EQ(loadModelFile(dir.file("empty.fb"), out).message(),
            "'" + dir.file("empty.fb") +
                "' is not a Shodh model file (only 0 bytes; the "
                "header alone is 64)");
}

TEST(ModelFileTest, FailedParseLeavesOutputUntouched) {
  ModelDesc out = makeSampleModel();
  std::vector<uint8_t> garbage(100, 0xAB);
  EXPECT_FALSE(parseModel(garbage.data(), garbage.size(), "g.fb", out).ok());
  expectModelsEqual(makeSampleModel(), out);
}

TEST(ModelFileTest, ParsesFromMisalignedBuffer) {
  std::vector<uint8_t> bytes;
  ASSERT_TRUE(serializeModel(makeSampleModel(), bytes).ok());
  std::vector<uint8_t> shifted(bytes.size() + 3);
  std::copy(bytes.begin(), bytes.end(), shifted.begin() + 3);
  ModelDesc out;
  Status s = parseModel(shifted.data() + 3, bytes.size(), "odd.fb", out);
  ASSERT_TRUE(s.ok()) << s.message();
  expectModelsEqual(makeSampleModel(), out);
}

} // namespace
} // namespace shodh
