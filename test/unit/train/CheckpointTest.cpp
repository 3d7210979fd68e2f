//===- CheckpointTest.cpp - Writing, reading, matching checkpoints --------===//
#include "runtime/train/Checkpoint.h"
#include "runtime/format/ModelFile.h"
#include "runtime/train/RunDirectory.h"
#include "test/unit/ExpectError.h"
#include "test/unit/train/TrainTestModels.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <unistd.h>

using namespace shodh;
using namespace shodh::testing;

namespace {

/// The value of a [1, 1] f32 persistent tensor.
float valueOf(Session &s, int32_t id) {
  return s.persistent(id).as<float>()[0];
}

class CheckpointTest : public TrainTestDir {
protected:
  /// Writes a checkpoint of a session whose p, q, count were changed.
  std::string writeSample(const std::string &name) {
    Session s(model, SessionOptions{});
    s.persistent(kP).as<float>()[0] = 1.25f;
    s.persistent(kQ).as<float>()[0] = -3.0f;
    s.persistent(kCount).as<float>()[0] = 7.0f;
    writeCheckpoint(makeCheckpoint(s, norm, state), path(name));
    return path(name);
  }
  ModelDesc model = accumulatorModel();
  Normalizer norm{ChannelStats{{0.5}, {2.0}}, ChannelStats{{-1.0}, {3.0}}};
  TrainState state{
      7,     LoaderPosition{2, 4}, 0xFFFFFFFFFFFFFFF0ull, 2, 9, 20, 1.5, 0.25,
      1,
      0.125, // best validation relative L2
      1,     // at step 1
      2};    // two validations since
};

TEST_F(CheckpointTest, RoundTripRestoresEverything) {
  Checkpoint c = readCheckpoint(writeSample("c.fb"));
  ASSERT_TRUE(c.state && c.norm);
  EXPECT_EQ(c.state->step, 7);
  EXPECT_EQ(c.state->loader, (LoaderPosition{2, 4}));
  EXPECT_EQ(c.state->seed, 0xFFFFFFFFFFFFFFF0ull); // full 64 bits survive
  EXPECT_EQ(c.state->batch, 2);
  EXPECT_EQ(c.state->samples, 9);
  EXPECT_EQ(c.state->totalSteps, 20);
  EXPECT_EQ(c.state->seconds, 1.5);
  EXPECT_EQ(c.state->windowLoss, 0.25);
  EXPECT_EQ(c.state->windowSteps, 1);
  EXPECT_EQ(c.state->bestValRelL2, 0.125);
  EXPECT_EQ(c.state->bestStep, 1);
  EXPECT_EQ(c.state->sinceBest, 2);
  EXPECT_EQ(c.norm->inputs.mean, norm.inputs.mean);
  EXPECT_EQ(c.norm->targets.std, norm.targets.std);
  int32_t id = c.desc.findTensor(kNormInputStd);
  ASSERT_GE(id, 0);
  EXPECT_EQ(c.desc.tensors[id].role, TensorRole::State);
  EXPECT_EQ(c.desc.tensors[id].dtype, DType::F64);

  Session fresh(model, SessionOptions{});
  EXPECT_EQ(valueOf(fresh, kP), 0.5f);
  restoreCheckpoint(fresh, c, "model.fb");
  EXPECT_EQ(valueOf(fresh, kP), 1.25f);
  EXPECT_EQ(valueOf(fresh, kQ), -3.0f);
  EXPECT_EQ(valueOf(fresh, kCount), 7.0f);

  // A checkpoint is itself a runnable model file.
  Session fromCheckpoint(c.desc, SessionOptions{});
  EXPECT_EQ(valueOf(fromCheckpoint, kP), 1.25f);
}

TEST_F(CheckpointTest, CheckpointOfACheckpointReplacesTheProgress) {
  Checkpoint c = readCheckpoint(writeSample("c.fb"));
  Session s(c.desc, SessionOptions{});
  TrainState later = state;
  later.step = 9;
  writeCheckpoint(makeCheckpoint(s, norm, later), path("d.fb"));
  Checkpoint d = readCheckpoint(path("d.fb"));
  EXPECT_EQ(d.state->step, 9);
  EXPECT_EQ(d.desc.tensors.size(),
            c.desc.tensors.size()); // norm.* replaced, not added
}

TEST_F(CheckpointTest, BestValidationIsOptionalButChecked) {
  // Before the first validation (and in checkpoints of earlier versions)
  // there is no ckpt.best_* entry: no best yet.
  state.bestValRelL2.reset();
  Checkpoint c = readCheckpoint(writeSample("none.fb"));
  EXPECT_FALSE(c.state->bestValRelL2);
  EXPECT_EQ(c.state->bestStep, 0);
  for (const NamedAttr &a : c.desc.meta.hyperparams)
    EXPECT_NE(a.name.rfind("ckpt.best", 0), 0u) << a.name;

  // A best step after the checkpoint's own step is corrupted.
  state.bestValRelL2 = 0.5, state.bestStep = 8;
  expectError([&] { readCheckpoint(writeSample("later.fb")); },
              "corrupted checkpoint (hyperparameter 'ckpt.best_step' is 8 "
              "but must be in 1..7 (ckpt.step))");
  state.bestStep = 3, state.bestValRelL2 = -1.0;
  expectError([&] { readCheckpoint(writeSample("negative.fb")); },
              "corrupted checkpoint (hyperparameter 'ckpt.best_val_rel_l2' "
              "is -1 but must be a finite value >= 0)");
  // One of the three missing.
  state.bestValRelL2 = 0.5;
  Checkpoint c3 = readCheckpoint(writeSample("three.fb"));
  auto &hps = c3.desc.meta.hyperparams;
  hps.erase(std::remove_if(
                hps.begin(), hps.end(),
                [](const NamedAttr &a) { return a.name == "ckpt.best_step"; }),
            hps.end());
  writeCheckpoint(c3.desc, path("two.fb"));
  expectError([&] { readCheckpoint(path("two.fb")); },
              "corrupted checkpoint (hyperparameter 'ckpt.best_step' is "
              "missing)");
}

// Weights from a model compiled with other hyperparameters whose
// parameters still fit (an FNO at another res) are used, with a note naming
// the changes; equal hyperparameters, train.* and ckpt.* ones say nothing.
TEST_F(CheckpointTest, RestoreNotesChangedHyperparameters) {
  model.meta.hyperparams = {
      {"res", int64_t(16)}, {"width", int64_t(4)}, {"train.lr", 0.1}};
  Checkpoint c = readCheckpoint(writeSample("c.fb"));
  auto notesFor = [&](std::vector<NamedAttr> hps) {
    ModelDesc other = accumulatorModel(std::move(hps));
    Session s(other, SessionOptions{});
    return restoreCheckpoints(s, {c}, "other.fb");
  };
  EXPECT_TRUE(
      notesFor({{"res", int64_t(16)}, {"width", int64_t(4)}, {"train.lr", 0.5}})
          .empty());
  std::vector<std::string> notes = notesFor(
      {{"res", int64_t(32)}, {"width", int64_t(4)}, {"train.lr", 0.1}});
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_EQ(notes[0], "'" + c.path +
                          "' comes from a model compiled with res=16; this "
                          "one has res=32 (its parameters fit)");
}

TEST_F(CheckpointTest, MismatchesAreAllListed) {
  Checkpoint c = readCheckpoint(writeSample("c.fb"));
  ModelDesc other = accumulatorModel();
  other.tensors[kP].shape = {Dim::fixed(2), Dim::fixed(1)};
  other.tensors[kQ].name = "q2";
  other.tensors[kCount].dtype = DType::F64;
  expectError([&] { checkCheckpointMatches(c, other, "other.fb"); },
              "checkpoint '" + c.path +
                  "' does not match model 'other.fb' (4 differences):\n"
                  "  tensor 'p' is parameter f32 [1, 1] in the checkpoint but "
                  "parameter f32 [2, "
                  "1] in the model\n"
                  "  tensor 'q2' (parameter f32 [1, 1]) is missing from the "
                  "checkpoint\n"
                  "  tensor 'q' (parameter f32 [1, 1]) is in the checkpoint "
                  "but not in the model\n"
                  "  tensor 'opt.count' is state f32 [1, 1] in the checkpoint "
                  "but state f64 [1, "
                  "1] in the model");
}

// The optimizer state of mismatched parameters is summed up in one line,
// and differing hyperparameters (the usual cause) are named after the list.
TEST_F(CheckpointTest, MismatchNamesTheHyperparametersThatDiffer) {
  Checkpoint c = readCheckpoint(writeSample("c.fb"));
  ModelDesc other = accumulatorModel();
  other.tensors[kP].shape = {Dim::fixed(2), Dim::fixed(1)};
  other.tensors[kCount].shape = {Dim::fixed(2), Dim::fixed(1)};
  TensorDesc extra = other.tensors[kCount];
  extra.name = "opt.extra";
  other.tensors.push_back(extra);
  other.meta.hyperparams.push_back({"width", AttrValue{int64_t(2)}});
  other.meta.hyperparams.push_back({"train.lr", AttrValue{0.5}});
  expectError([&] { checkCheckpointMatches(c, other, "other.fb"); },
              "(3 differences):\n"
              "  tensor 'p' is parameter f32 [1, 1] in the checkpoint but "
              "parameter f32 [2, 1] in the model\n"
              "  and 2 optimizer-state tensors (tensor 'opt.count' is state "
              "f32 [1, 1] in the checkpoint but state f32 [2, 1] in the "
              "model, ...)\n"
              "the checkpoint's model was compiled with other "
              "hyperparameters:\n"
              "  hyperparameter 'width' (2) is in the model but not in the "
              "checkpoint");
}

TEST_F(CheckpointTest, PlainModelFileHasNoStoredValues) {
  ASSERT_TRUE(writeModelFile(model, path("m.fb")).ok());
  Checkpoint c = readCheckpoint(path("m.fb"));
  EXPECT_FALSE(c.state);
  EXPECT_FALSE(c.norm);
  Session s(model, SessionOptions{});
  expectError([&] { restoreCheckpoint(s, c, "model.fb"); },
              "tensor 'p' has no stored value in the checkpoint");
}

TEST_F(CheckpointTest, CorruptedFilesAreRejected) {
  std::string good = writeSample("c.fb");
  std::ifstream in(good, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)),
                    std::istreambuf_iterator<char>());
  std::ofstream(path("short.fb"), std::ios::binary)
      << bytes.substr(0, bytes.size() - 8);
  expectError([&] { readCheckpoint(path("short.fb")); }, "corrupted model");
  std::string flipped = bytes;
  for (size_t i = 64; i < 200; ++i)
    flipped[i] = char(0xff);
  std::ofstream(path("flipped.fb"), std::ios::binary) << flipped;
  expectError([&] { readCheckpoint(path("flipped.fb")); },
              "'" + path("flipped.fb") + "'");
  expectError([&] { readCheckpoint(path("missing.fb")); },
              "cannot open '" + path("missing.fb") +
                  "': No such file or directory");
}

TEST_F(CheckpointTest, MalformedProgressOrStatisticsAreRejected) {
  Checkpoint c = readCheckpoint(writeSample("c.fb"));
  ModelDesc noEpoch = c.desc;
  auto &hps = noEpoch.meta.hyperparams;
  hps.erase(
      std::remove_if(hps.begin(), hps.end(),
                     [](const NamedAttr &a) { return a.name == "ckpt.epoch"; }),
      hps.end());
  ASSERT_TRUE(writeModelFile(noEpoch, path("noepoch.fb")).ok());
  expectError(
      [&] { readCheckpoint(path("noepoch.fb")); },
      "'" + path("noepoch.fb") +
          "': corrupted checkpoint (hyperparameter 'ckpt.epoch' is missing)");

  ModelDesc badStd = c.desc;
  const TensorDesc &t = badStd.tensors[badStd.findTensor(kNormTargetStd)];
  std::memset(badStd.data.data() + t.data->offset, 0, 8);
  ASSERT_TRUE(writeModelFile(badStd, path("badstd.fb")).ok());
  expectError([&] { readCheckpoint(path("badstd.fb")); },
              "corrupted checkpoint (tensor 'norm.target.std' holds 0)");
}

TEST_F(CheckpointTest, InitParametersCopiesMatchesAndReportsTheRest) {
  Checkpoint c = readCheckpoint(writeSample("c.fb"));
  c.desc.tensors[c.desc.findTensor("q")].name =
      "q_old"; // q missing, q_old extra
  c.desc.tensors[c.desc.findTensor("p")].shape = {
      Dim::fixed(1)}; // same bytes, other shape
  Session s(model, SessionOptions{});
  expectError([&] { initParameters(s, c); },
              "--init-from '" + c.path + "': no parameter matches the model");
  c.desc.tensors[c.desc.findTensor("q_old")].name = "q";
  InitFromReport r = initParameters(s, c);
  EXPECT_EQ(r.copied, 1);
  EXPECT_EQ(valueOf(s, kQ), -3.0f);
  EXPECT_EQ(valueOf(s, kP), 0.5f);     // shape differs: keeps its init
  EXPECT_EQ(valueOf(s, kCount), 0.0f); // optimizer state is never copied
  ASSERT_EQ(r.mismatches.size(), 1u);
  EXPECT_EQ(r.mismatches[0],
            "parameter 'p' is f32 [1] in '" + c.path +
                "' but f32 [1, 1] in the model; it keeps its initial value");
  // A compiled model (no stored values) is named as such, not as missing.
  c.desc.tensors[c.desc.findTensor("p")].shape = model.tensors[kP].shape;
  c.desc.tensors[c.desc.findTensor("p")].data.reset();
  r = initParameters(s, c);
  ASSERT_EQ(r.mismatches.size(), 1u);
  EXPECT_EQ(r.mismatches[0],
            "parameter 'p' (f32 [1, 1]) has no stored value in '" + c.path +
                "' (a compiled model, not a checkpoint?); it keeps its "
                "initial value");
}

TEST_F(CheckpointTest, RunDirectoryKeepsTheNewestCheckpoints) {
  RunDirectory run(path("run"), 2);
  Session s(model, SessionOptions{});
  for (int64_t step : {1, 2, 3, 4}) {
    state.step = step;
    EXPECT_EQ(run.save(makeCheckpoint(s, norm, state), step),
              path("run") + "/ckpt-" + std::to_string(step) + ".fb");
  }
  EXPECT_EQ(run.checkpointSteps(), (std::vector<int64_t>{3, 4}));
  EXPECT_TRUE(run.hasLatest());
  EXPECT_EQ(readCheckpoint(latestCheckpointOf(path("run"))).state->step, 4);
  expectError([&] { latestCheckpointOf(path("nothing")); },
              "--resume '" + path("nothing") + "': no checkpoint '" +
                  path("nothing") + "/latest.fb' to resume from");
  expectError([&] { RunDirectory bad(path("no/such/dir")); },
              "cannot create '" + path("no/such/dir") +
                  "': No such file or directory");
}

// One training run per folder at a time: a second one is refused with the
// holder's process id (and leaves the first one's temporaries alone); the
// lock goes with the first.
TEST_F(CheckpointTest, RunDirectoryIsLockedWhileOpen) {
  auto first = std::make_unique<RunDirectory>(path("run"));
  std::ofstream(path("run") + "/latest.fb.tmp.InUse1") << "being written";
  expectError([&] { RunDirectory second(path("run")); },
              "'" + path("run") +
                  "' is in use by another training run (process " +
                  std::to_string(getpid()) +
                  "); wait for it to end or choose another --out");
  EXPECT_TRUE(std::ifstream(path("run") + "/latest.fb.tmp.InUse1").good());
  first.reset();
  RunDirectory again(path("run"));
  EXPECT_FALSE(std::ifstream(path("run") + "/latest.fb.tmp.InUse1").good());
}

// A link planted as .lock is refused, its target left alone.
TEST_F(CheckpointTest, RunDirectoryLockIsNeverALink) {
  std::filesystem::create_directories(path("linked"));
  std::ofstream(path("precious.txt")) << "precious";
  std::filesystem::create_symlink(path("precious.txt"),
                                  path("linked") + "/.lock");
  expectError([&] { RunDirectory run(path("linked")); },
              "cannot lock '" + path("linked") + "': '" + path("linked") +
                  "/.lock' is a symbolic link; remove it");
  std::ifstream in(path("precious.txt"));
  std::string text;
  std::getline(in, text);
  EXPECT_EQ(text, "precious");
}

// A run killed while writing a checkpoint leaves its temporary file behind;
// the next run in that folder deletes it (and nothing else).
TEST_F(CheckpointTest, RunDirectoryRemovesTempsOfAKilledRun) {
  RunDirectory(path("run"));
  for (const char *name :
       {"latest.fb.tmp.123", "ckpt-9.fb.tmp.Ab3xZ9", "notes.tmp.1",
        "ckpt-x.fb.tmp.1", "metrics.jsonl.tmp.q1W2e3",
        "fftw-wisdom.tmp.zzzzzz"})
    std::ofstream(path("run") + "/" + name) << "partial";
  RunDirectory again(path("run"));
  auto exists = [&](const char *name) {
    return std::ifstream(path("run") + "/" + name).good();
  };
  EXPECT_FALSE(exists("latest.fb.tmp.123"));
  EXPECT_FALSE(exists("ckpt-9.fb.tmp.Ab3xZ9"));
  EXPECT_FALSE(exists("metrics.jsonl.tmp.q1W2e3"));
  EXPECT_FALSE(exists("fftw-wisdom.tmp.zzzzzz"));
  EXPECT_TRUE(exists("notes.tmp.1"));
  EXPECT_TRUE(exists("ckpt-x.fb.tmp.1"));
}

} // namespace
