//===- Hdf5FileTest.cpp - Tests of the HDF5 reader and atomic writer ------===//
#include "runtime/data/Hdf5File.h"
#include "test/unit/ExpectError.h"
#include "runtime/support/Status.h"

#include <gtest/gtest.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

namespace fs = std::filesystem;
using namespace shodh;
using shodh::testing::expectError;

namespace {

/// A fresh temporary directory per test, removed afterwards.
class Hdf5FileTest : public ::testing::Test {
protected:
  void SetUp() override {
    dir = fs::temp_directory_path() /
          ("shodh-h5-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir);
    fs::create_directories(dir);
  }
  void TearDown() override { fs::remove_all(dir); }
  std::string file(const std::string &name) const { return (dir / name).string(); }
  fs::path dir;
};


FloatArray ramp(std::vector<int64_t> shape) {
  FloatArray a{shape, {}};
  a.values.resize(static_cast<size_t>(a.numel()));
  for (size_t i = 0; i < a.values.size(); ++i)
    a.values[i] = 0.5f * static_cast<float>(i) - 3.0f;
  return a;
}

TEST_F(Hdf5FileTest, RoundTripFloatsAndAttributes) {
  FloatArray a = ramp({4, 3, 5, 6});
  {
    Hdf5Writer w(file("a.h5"));
    w.writeFloats("inputs", a);
    w.writeStringsAttr("inputs", "fields", {"u", "v", "p"});
    w.writeIntsAttr("/", "grid", {5, 6});
    w.writeDoublesAttr("/", "extent", {1.0, 2.0});
    w.commit();
  }
  Hdf5Reader r(file("a.h5"));
  EXPECT_TRUE(r.hasDataset("inputs"));
  EXPECT_FALSE(r.hasDataset("targets"));
  EXPECT_EQ(r.datasetShape("inputs"), a.shape);
  FloatArray b = r.readFloats("inputs");
  EXPECT_EQ(b.shape, a.shape);
  EXPECT_EQ(b.values, a.values);
  EXPECT_EQ(r.readStringsAttr("inputs", "fields"), (std::vector<std::string>{"u", "v", "p"}));
  EXPECT_EQ(r.readIntsAttr("/", "grid"), (std::vector<int64_t>{5, 6}));
  EXPECT_TRUE(r.readIntsAttr("/", "missing").empty());
}

TEST_F(Hdf5FileTest, ReadRowsSelectsAlongFirstAxis) {
  FloatArray a = ramp({5, 2, 3});
  {
    Hdf5Writer w(file("a.h5"));
    w.writeFloats("x", a);
    w.commit();
  }
  Hdf5Reader r(file("a.h5"));
  FloatArray rows = r.readRows("x", 2, 2);
  ASSERT_EQ(rows.shape, (std::vector<int64_t>{2, 2, 3}));
  for (size_t i = 0; i < rows.values.size(); ++i)
    EXPECT_EQ(rows.values[i], a.values[2 * 6 + i]);
  expectError([&] { r.readRows("x", 4, 2); }, "rows [4, 6) out of range (it has 5)");
}

TEST_F(Hdf5FileTest, DoublesAreConvertedToFloat) {
  {
    Hdf5Writer w(file("d.h5"));
    w.writeDoubles("x", {3}, {1.0, 0.1, -2.5});
    w.commit();
  }
  FloatArray x = Hdf5Reader(file("d.h5")).readFloats("x");
  EXPECT_EQ(x.values, (std::vector<float>{1.0f, 0.1f, -2.5f}));
}

TEST_F(Hdf5FileTest, IntegerDatasetsRoundTrip) {
  {
    Hdf5Writer w(file("i.h5"));
    w.writeInts("domain", {2, 3}, {0, 1, 1, -4, 7, 1LL << 40});
    w.writeFloats("x", ramp({2}));
    w.commit();
  }
  Hdf5Reader r(file("i.h5"));
  EXPECT_TRUE(r.datasetIsInteger("domain"));
  EXPECT_FALSE(r.datasetIsInteger("x"));
  std::vector<int64_t> shape;
  EXPECT_EQ(r.readInts("domain", shape), (std::vector<int64_t>{0, 1, 1, -4, 7, 1LL << 40}));
  EXPECT_EQ(shape, (std::vector<int64_t>{2, 3}));
  expectError([&] { r.readInts("x", shape); }, "dataset 'x' must hold integers");
  expectError([&] { r.readInts("nope", shape); }, "no dataset 'nope'");
}

TEST_F(Hdf5FileTest, MissingFileAndDatasetAreNamed) {
  expectError([&] { Hdf5Reader r(file("nope.h5")); }, "cannot open '" + file("nope.h5") + "'");
  {
    Hdf5Writer w(file("a.h5"));
    w.writeFloats("inputs", ramp({2, 2}));
    w.commit();
  }
  Hdf5Reader r(file("a.h5"));
  expectError([&] { r.readFloats("targets"); }, "no dataset 'targets'");
}

TEST_F(Hdf5FileTest, NonHdf5FileIsRejected) {
  std::ofstream(file("junk.h5")) << "this is not hdf5";
  expectError([&] { Hdf5Reader r(file("junk.h5")); }, "is not an HDF5 file");
}

// A file another process holds a write lock on (HDF5's flock): the message
// says so and what to do, where it said only "cannot open HDF5 file".
TEST_F(Hdf5FileTest, LockedFileNamesTheLock) {
  {
    Hdf5Writer w(file("locked.h5"));
    w.writeFloats("inputs", ramp({2, 3}));
    w.commit();
  }
  int fd = ::open(file("locked.h5").c_str(), O_RDWR);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::flock(fd, LOCK_EX), 0);
  // HDF5 honours HDF5_USE_FILE_LOCKING=FALSE: run the check with locking on.
  const char *saved = std::getenv("HDF5_USE_FILE_LOCKING");
  std::string restore = saved ? saved : "";
  ::unsetenv("HDF5_USE_FILE_LOCKING");
  expectError(
      [&] { Hdf5Reader r(file("locked.h5")); },
      "another process holds a lock on it (one writing it, e.g. h5py in "
      "'a' or 'w' mode): close that first, or, if the file is not "
      "being changed, read it with HDF5_USE_FILE_LOCKING=FALSE");
  if (saved)
    ::setenv("HDF5_USE_FILE_LOCKING", restore.c_str(), 1);
  ::flock(fd, LOCK_UN);
  ::close(fd);
  Hdf5Reader r(file("locked.h5")); // free again
  EXPECT_EQ(r.datasetShape("inputs"), (std::vector<int64_t>{2, 3}));
}

// Found by fuzz/hdf5_reader_fuzzer: the 'fields' attribute of 'inputs'
// promises 6 variable-length strings (96 bytes in the file) but stores 18
// bytes; libhdf5 1.10 read past them (ASan heap-buffer-overflow in
// H5A__read). The reader now checks the stored size first.
TEST(Hdf5FileFuzzRegression, AttributeStoringLessThanItsDataspaceIsMalformed) {
  fs::path input = fs::path(SHODH_SOURCE_DIR) / "fuzz/known-issues" /
                   "libhdf5-attribute-overread.h5";
  Hdf5Reader r(input.string());
  expectError([&] { r.readStringsAttr("inputs", "fields"); },
              "attribute 'fields' of 'inputs' is malformed");
}

TEST_F(Hdf5FileTest, UnwritableDirectoryLeavesNothing) {
  std::string path = file("missing-dir/out.h5");
  expectError([&] { Hdf5Writer w(path); }, "cannot write '" + path + "'");
  EXPECT_FALSE(fs::exists(dir / "missing-dir"));
}

TEST_F(Hdf5FileTest, UncommittedWriterRemovesTemporaryFile) {
  {
    Hdf5Writer w(file("out.h5"));
    w.writeFloats("x", ramp({2}));
  }
  EXPECT_TRUE(fs::is_empty(dir)) << "no output and no temporary file may remain";
}

TEST_F(Hdf5FileTest, FailedRewriteKeepsPreviousFile) {
  {
    Hdf5Writer w(file("out.h5"));
    w.writeFloats("x", ramp({2}));
    w.commit();
  }
  {
    Hdf5Writer w(file("out.h5"));
    w.writeFloats("x", ramp({3}));
    expectError([&] { w.writeFloats("bad", FloatArray{{2, 2}, {1.0f}}); }, "do not match shape");
  }
  EXPECT_EQ(Hdf5Reader(file("out.h5")).datasetShape("x"), (std::vector<int64_t>{2}));
}

// A write that fails half-way (here: the file-size limit) is an error, the
// old file stays, and the process then exits normally: libhdf5 1.10 used to
// crash in its exit-time clean-up on the file it could not close.
TEST_F(Hdf5FileTest, FailedWriteThenExitDoesNotCrash) {
  {
    Hdf5Writer w(file("out.h5"));
    w.writeFloats("x", ramp({2}));
    w.commit();
  }
  std::string before;
  {
    std::ifstream in(file("out.h5"), std::ios::binary);
    before.assign(std::istreambuf_iterator<char>(in), {});
  }
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::signal(SIGXFSZ, SIG_IGN);
    struct rlimit small = {8192, RLIM_INFINITY};
    ::setrlimit(RLIMIT_FSIZE, &small);
    bool failed = false;
    try {
      Hdf5Writer w(file("out.h5"));
      w.writeFloats("x", ramp({64, 1024}));
      w.commit();
    } catch (const Error &) {
      failed = true;
    }
    std::exit(failed ? 0 : 3); // runs the exit handlers
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
      << (WIFSIGNALED(status)
              ? "killed by signal " + std::to_string(WTERMSIG(status))
              : "exit " + std::to_string(WEXITSTATUS(status)));
  std::ifstream in(file("out.h5"), std::ios::binary);
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), before);
  EXPECT_EQ(
      std::distance(fs::directory_iterator(dir), fs::directory_iterator()), 1);
}

TEST_F(Hdf5FileTest, IntegerDatasetIsRejectedForFloats) {
  // Written through the public API as floats, then checked with a wrong-type attribute read.
  {
    Hdf5Writer w(file("a.h5"));
    w.writeFloats("x", ramp({2}));
    w.writeStringsAttr("x", "fields", {"a"});
    w.commit();
  }
  Hdf5Reader r(file("a.h5"));
  expectError([&] { r.readIntsAttr("x", "fields"); }, "must be an integer array");
}

TEST(FormatShape, MatchesNumpyStyle) {
  EXPECT_EQ(formatShape({8, 3, 16}), "(8, 3, 16)");
  EXPECT_EQ(formatShape({4}), "(4,)");
  EXPECT_EQ(formatShape({}), "()");
}

TEST_F(Hdf5FileTest, StreamedRowsRoundTrip) {
  // createFloats + writeFloatRows in any order give the same file as one
  // writeFloats of the whole array.
  FloatArray a = ramp({5, 2, 3});
  auto rows = [&](int64_t first, int64_t count) {
    FloatArray r{{count, 2, 3}, {}};
    r.values.assign(a.values.begin() + first * 6, a.values.begin() + (first + count) * 6);
    return r;
  };
  {
    Hdf5Writer w(file("s.h5"));
    w.createFloats("inputs", a.shape);
    w.writeFloatRows("inputs", 3, rows(3, 2));
    w.writeFloatRows("inputs", 0, rows(0, 3));
    expectError([&] { w.writeFloatRows("inputs", 4, rows(0, 2)); },
                "rows [4, 6) of shape (2, 2, 3) do not fit shape (5, 2, 3)");
    expectError([&] { w.writeFloatRows("inputs", 0, ramp({1, 3, 2})); },
                "rows [0, 1) of shape (1, 3, 2) do not fit shape (5, 2, 3)");
    expectError([&] { w.writeFloatRows("nope", 0, rows(0, 1)); }, "dataset 'nope' of");
    w.commit();
  }
  Hdf5Reader r(file("s.h5"));
  FloatArray b = r.readFloats("inputs");
  EXPECT_EQ(b.shape, a.shape);
  EXPECT_EQ(b.values, a.values);
}

TEST_F(Hdf5FileTest, DatasetTypeNames) {
  {
    Hdf5Writer w(file("t.h5"));
    w.writeFloats("f", ramp({2}));
    w.writeDoubles("d", {2}, {1.0, 2.0});
    w.writeInts("i", {2}, {1, 2});
    w.commit();
  }
  Hdf5Reader r(file("t.h5"));
  EXPECT_EQ(r.datasetTypeName("f"), "f32");
  EXPECT_EQ(r.datasetTypeName("d"), "f64");
  EXPECT_EQ(r.datasetTypeName("i"), "i64");
  expectError([&] { r.datasetTypeName("nope"); }, "no dataset 'nope'");
}

} // namespace
