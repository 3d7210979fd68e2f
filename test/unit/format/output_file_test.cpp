//===- output_file_test.cpp - Where and how output files are written ------===//
//
// `OutputFile` (runtime/support/OutputFile.h) behind every file a tool
// writes: links are followed, devices and pipes are streamed to, directories
// and (for HDF5) non-regular files are refused, long names work, nothing is
// left behind on failure, and `checkNotSameFile` sees through names.
//
//===----------------------------------------------------------------------===//
#include "runtime/support/OutputFile.h"
#include "test_models.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <csignal>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace shodh {
namespace {

using ::testing::HasSubstr;
using testing::ScratchDir;
namespace fs = std::filesystem;

std::string slurp(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::vector<std::string> listDir(const std::string &dir) {
  std::vector<std::string> names;
  for (const auto &e : fs::directory_iterator(dir))
    names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

/// Writes `text` to `path` through an OutputFile; returns the status.
Status writeText(const std::string &path, const std::string &text,
                 bool allowStream = true) {
  OutputFile out;
  Status s = out.open(path, allowStream);
  if (s.ok())
    s = out.write(text.data(), text.size());
  return s.ok() ? out.commit() : s;
}

TEST(OutputFileTest, ReplacesAndLeavesNoTemporary) {
  ScratchDir dir;
  ASSERT_TRUE(writeText(dir.file("a"), "old").ok());
  ASSERT_TRUE(writeText(dir.file("a"), "new").ok());
  EXPECT_EQ(slurp(dir.file("a")), "new");
  EXPECT_EQ(listDir(dir.path()), std::vector<std::string>{"a"});
}

TEST(OutputFileTest, UncommittedLeavesTargetAlone) {
  ScratchDir dir;
  ASSERT_TRUE(writeText(dir.file("a"), "old").ok());
  {
    OutputFile out;
    ASSERT_TRUE(out.open(dir.file("a"), true).ok());
    EXPECT_THAT(out.writePath(), HasSubstr(dir.file("a.tmp.")));
    ASSERT_TRUE(out.write("partial", 7).ok());
    EXPECT_EQ(listDir(dir.path()).size(), 2u);
  }
  EXPECT_EQ(slurp(dir.file("a")), "old");
  EXPECT_EQ(listDir(dir.path()), std::vector<std::string>{"a"});
}

// A link given as the output keeps being a link; the file it names is
// replaced (as `cp` and compilers do), not the link.
TEST(OutputFileTest, FollowsSymbolicLinks) {
  ScratchDir dir;
  fs::create_directory(dir.file("real"));
  ASSERT_TRUE(writeText(dir.file("real/model.fb"), "old").ok());
  fs::create_symlink("real/model.fb", dir.file("link.fb"));
  ASSERT_TRUE(writeText(dir.file("link.fb"), "new").ok());
  EXPECT_TRUE(fs::is_symlink(dir.file("link.fb")));
  EXPECT_EQ(slurp(dir.file("real/model.fb")), "new");
  EXPECT_EQ(listDir(dir.file("real")), std::vector<std::string>{"model.fb"});
}

TEST(OutputFileTest, DanglingLinkIsRefused) {
  ScratchDir dir;
  fs::create_symlink("missing/file", dir.file("link.fb"));
  Status s = writeText(dir.file("link.fb"), "x");
  EXPECT_THAT(s.message(), HasSubstr("cannot write '" + dir.file("link.fb") +
                                     "': it is a symbolic link"));
  EXPECT_TRUE(fs::is_symlink(dir.file("link.fb")));
}

// `-o /dev/null` must not replace the device with a regular file.
TEST(OutputFileTest, CharacterDeviceIsWrittenInPlace) {
  struct stat before;
  ASSERT_EQ(::stat("/dev/null", &before), 0);
  ASSERT_TRUE(S_ISCHR(before.st_mode));
  EXPECT_TRUE(writeText("/dev/null", "discarded").ok());
  struct stat after;
  ASSERT_EQ(::stat("/dev/null", &after), 0);
  EXPECT_TRUE(S_ISCHR(after.st_mode));
  EXPECT_EQ(after.st_rdev, before.st_rdev);
  // A writer that needs a real file (HDF5) refuses it instead.
  Status s = writeText("/dev/null", "x", /*allowStream=*/false);
  EXPECT_THAT(s.message(),
              HasSubstr("cannot write '/dev/null': not a regular file"));
}

// /dev/stdout and /dev/fd/N write through the process's own descriptor: a
// pipe stays a pipe and a file opened for appending is appended to, not
// replaced by a rename.
TEST(OutputFileTest, InheritedDescriptorsAreWrittenThrough) {
  ScratchDir dir;
  std::string log = dir.file("log.txt");
  ASSERT_TRUE(writeText(log, "previous\n").ok());
  int fd = ::open(log.c_str(), O_WRONLY | O_APPEND);
  ASSERT_GE(fd, 0);
  EXPECT_TRUE(writeText("/dev/fd/" + std::to_string(fd), "appended\n").ok());
  EXPECT_TRUE(writeText("/proc/self/fd/" + std::to_string(fd), "again\n").ok());
  ::close(fd);
  EXPECT_EQ(slurp(log), "previous\nappended\nagain\n");
  EXPECT_EQ(listDir(dir.path()), std::vector<std::string>{"log.txt"});
  Status s = writeText("/dev/stdout", "x", /*allowStream=*/false);
  EXPECT_THAT(s.message(),
              HasSubstr("cannot write '/dev/stdout': not a regular file"));
}

TEST(OutputFileTest, FifoIsStreamedTo) {
  ScratchDir dir;
  std::string fifo = dir.file("pipe");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  std::string received;
  pid_t reader = ::fork();
  ASSERT_GE(reader, 0);
  if (reader == 0) {
    std::string got = slurp(fifo);
    ::_exit(got == "through the pipe" ? 0 : 1);
  }
  EXPECT_TRUE(writeText(fifo, "through the pipe").ok());
  int status = 0;
  ASSERT_EQ(::waitpid(reader, &status, 0), reader);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  EXPECT_EQ(listDir(dir.path()), std::vector<std::string>{"pipe"});
}

TEST(OutputFileTest, DirectoryIsRefused) {
  ScratchDir dir;
  fs::create_directory(dir.file("d"));
  Status s = writeText(dir.file("d"), "x");
  EXPECT_EQ(s.message(),
            "cannot write '" + dir.file("d") + "': Is a directory");
  EXPECT_EQ(listDir(dir.path()), std::vector<std::string>{"d"});
}

TEST(OutputFileTest, MissingDirectoryIsNamed) {
  ScratchDir dir;
  Status s = writeText(dir.file("no/such/a.fb"), "x");
  EXPECT_EQ(s.message(), "cannot write '" + dir.file("no/such/a.fb") +
                             "': No such file or directory");
}

// A name the file system accepts is accepted, however little room it
// leaves for a temporary file's suffix.
TEST(OutputFileTest, LongestFileNameWorks) {
  ScratchDir dir;
  std::string name(255, 'a');
  ASSERT_TRUE(writeText(dir.file(name), "x").ok());
  EXPECT_EQ(slurp(dir.file(name)), "x");
  EXPECT_EQ(listDir(dir.path()), std::vector<std::string>{name});
}

// A write that fails half-way (here: the file-size limit) keeps the old file
// and removes the temporary one.
TEST(OutputFileTest, FailedWriteKeepsOldFile) {
  ScratchDir dir;
  ASSERT_TRUE(writeText(dir.file("a"), "old").ok());
  struct rlimit saved;
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &saved), 0);
  auto previous = ::signal(SIGXFSZ, SIG_IGN);
  struct rlimit small = saved;
  small.rlim_cur = 4096;
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &small), 0);
  Status s = writeText(dir.file("a"), std::string(8192, 'n'));
  ::setrlimit(RLIMIT_FSIZE, &saved);
  ::signal(SIGXFSZ, previous);
  EXPECT_EQ(s.message(),
            "cannot write '" + dir.file("a") + "': File too large");
  EXPECT_EQ(slurp(dir.file("a")), "old");
  EXPECT_EQ(listDir(dir.path()), std::vector<std::string>{"a"});
}

// A tool killed by SIGINT/SIGTERM/SIGHUP (Ctrl-C, `timeout`, a closed
// terminal) while writing leaves neither a partial target nor its temporary
// file, and still dies of the signal; an ignored signal stays ignored.
TEST(OutputFileTest, SignalsRemoveTemporaries) {
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) {
    ScratchDir dir;
    ASSERT_TRUE(writeText(dir.file("a"), "old").ok());
    pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      ::signal(sig, SIG_DFL); // as a tool starts; the runner may ignore it
      removeTemporariesOnSignals();
      OutputFile first, second;
      bool ok = first.open(dir.file("a"), false).ok() &&
                first.write("partial", 7).ok() &&
                second.open(dir.file("b"), false).ok();
      if (ok)
        ::raise(sig);
      ::_exit(3); // not reached when the signal kills
    }
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == sig)
        << "signal " << sig;
    EXPECT_EQ(slurp(dir.file("a")), "old");
    EXPECT_EQ(listDir(dir.path()), std::vector<std::string>{"a"})
        << "signal " << sig;
  }
  // An ignored signal (nohup) is left ignored.
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::signal(SIGHUP, SIG_IGN);
    removeTemporariesOnSignals();
    ::raise(SIGHUP);
    ::_exit(0);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

// Under a file-size limit a tool reports "File too large" instead of dying
// of SIGXFSZ with a core (and its temporary file).
TEST(OutputFileTest, FileSizeLimitIsAnError) {
  ScratchDir dir;
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::signal(SIGXFSZ, SIG_DFL);
    removeTemporariesOnSignals();
    struct rlimit small = {4096, RLIM_INFINITY};
    ::setrlimit(RLIMIT_FSIZE, &small);
    Status s = writeText(dir.file("a"), std::string(8192, 'x'));
    ::_exit(s.message() ==
                    "cannot write '" + dir.file("a") + "': File too large"
                ? 0
                : 3);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  EXPECT_TRUE(listDir(dir.path()).empty());
}

TEST(OutputFileTest, SameFileIsSeenThroughNames) {
  ScratchDir dir;
  ASSERT_TRUE(writeText(dir.file("in.mlir"), "source").ok());
  fs::create_hard_link(dir.file("in.mlir"), dir.file("hard.mlir"));
  fs::create_symlink("in.mlir", dir.file("soft.mlir"));
  for (const char *alias : {"in.mlir", "hard.mlir", "soft.mlir"}) {
    Status s = checkNotSameFile(dir.file("in.mlir"), dir.file(alias), "input");
    EXPECT_EQ(s.message(), "the output '" + dir.file(alias) +
                               "' is the input '" + dir.file("in.mlir") +
                               "': writing it would destroy the input; choose "
                               "another output path");
  }
  EXPECT_TRUE(
      checkNotSameFile(dir.file("in.mlir"), dir.file("new.fb"), "input").ok());
  ASSERT_TRUE(writeText(dir.file("other"), "x").ok());
  EXPECT_TRUE(
      checkNotSameFile(dir.file("in.mlir"), dir.file("other"), "input").ok());
  // Devices are streams, never an input's storage, and may take two outputs.
  EXPECT_TRUE(checkNotSameFile("/dev/null", "/dev/null", "input").ok());
  EXPECT_TRUE(
      checkDistinctFiles({}, {{"--a", "/dev/null"}, {"--b", "/dev/null"}})
          .ok());
  EXPECT_TRUE(
      checkDistinctFiles({}, {{"--a", "/dev/stdout"}, {"--b", "/dev/stdout"}})
          .ok());
  Status twice = checkDistinctFiles(
      {}, {{"--a", dir.file("o.h5")}, {"--b", dir.path() + "/./o.h5"}});
  EXPECT_EQ(twice.message(),
            "--a '" + dir.file("o.h5") + "' and --b '" + dir.path() +
                "/./o.h5' name the same file: the second would replace the "
                "first; give them different paths");
}

} // namespace
} // namespace shodh
