//===- TrainerTest.cpp - The training loop on an in-memory model ----------===//
//
// The accumulator model (TrainTestModels.h) "trains" p ← p + lr·(x₀ + x₁)
// with existing kernels, so every number the loop produces can be recomputed
// here independently: shuffled order, normalisation, learning rate, update.
//
//===----------------------------------------------------------------------===//
#include "runtime/train/Trainer.h"
#include "runtime/train/Shuffle.h"
#include "test/unit/ExpectError.h"
#include "test/unit/train/TrainTestModels.h"

#include <gtest/gtest.h>

#include <fmt/format.h>

#include <cmath>
#include <cstring>
#include <fstream>

using namespace shodh;
using namespace shodh::testing;

namespace {

/// Options for `steps` steps of batch 2.
TrainOptions options(int64_t steps) {
  TrainOptions o;
  o.steps = steps, o.batch = 2, o.seed = 3, o.logEvery = 5, o.ckptEvery = 3;
  return o;
}

/// A cosine schedule so that every step has its own learning rate.
std::vector<NamedAttr> cosine() {
  return {{"train.lr", 0.1},
          {"train.schedule", std::string("cosine")},
          {"train.warmup", int64_t(2)}};
}

/// The value of a [1, 1] f32 persistent tensor.
float valueOf(Session &s, int32_t id) {
  return s.persistent(id).as<float>()[0];
}

/// The lines of a text file.
std::vector<std::string> lines(const std::string &path) {
  std::vector<std::string> out;
  std::ifstream in(path);
  for (std::string l; std::getline(in, l);)
    out.push_back(l);
  return out;
}

/// Throws after step `at`, like a killed process (no final checkpoint).
struct KillAt : TrainObserver {
  explicit KillAt(int64_t at) : at(at) {}
  void onStep(const StepReport &r) override {
    if (r.step == at)
      throw std::runtime_error("killed");
  }
  int64_t at;
};

class TrainerTest : public TrainTestDir {};

TEST_F(TrainerTest, StepsUpdateParametersAsRecomputedIndependently) {
  ModelDesc model = accumulatorModel(cosine());
  TrainingData data = rampData(8);
  RunDirectory run(path("run"));
  Trainer t(model, data, nullptr, run, options(10));
  TrainResult r = t.run();
  EXPECT_EQ(r.steps, 10);
  EXPECT_EQ(valueOf(t.session(), kCount), 10.0f);

  // Independent recomputation: x normalised with mean 4.5, std sqrt(5.25)
  // (values 1…8), batches of 2 in epochOrder, p += float(lr)·(xa + xb).
  const double mean = 4.5, stdev = std::sqrt(5.25);
  LrSchedule lr = scheduleFromHyperparams(cosine(), 10);
  float p = 0.5f;
  for (int64_t s = 0; s < 10; ++s) {
    std::vector<int64_t> order = epochOrder(8, 3, s / 4);
    int64_t a = order[(s % 4) * 2], b = order[(s % 4) * 2 + 1];
    float xa = float((double(a + 1) - mean) / stdev),
          xb = float((double(b + 1) - mean) / stdev);
    p = p + (xa + xb) * float(lr.at(s));
  }
  EXPECT_EQ(valueOf(t.session(), kP), p);
  EXPECT_EQ(t.state().step, 10);
  EXPECT_EQ(t.state().loader, (LoaderPosition{2, 4}));
}

TEST_F(TrainerTest, WritesMetricsAndCheckpoints) {
  ModelDesc model = accumulatorModel(cosine());
  TrainingData data = rampData(8), val = rampData(3, "val.h5");
  RunDirectory run(path("run"), 2);
  TrainOptions o = options(10);
  o.valEvery = 4;
  Trainer t(model, data, &val, run, o);
  TrainResult r = t.run();
  EXPECT_EQ(run.checkpointSteps(),
            (std::vector<int64_t>{9, 10})); // every 3, last 2 kept
  EXPECT_EQ(r.checkpoint, run.checkpointPath(10));
  Checkpoint last = readCheckpoint(run.latestPath());
  EXPECT_EQ(last.state->step, 10);

  // Records at steps 4 (validation), 5 (log), 8 (validation), 10 (log, end).
  std::vector<std::string> log = lines(run.metricsPath());
  ASSERT_EQ(log.size(), 4u);
  EXPECT_EQ(log[0].rfind("{\"step\": 4, \"epoch\": 0, ", 0), 0u) << log[0];
  EXPECT_NE(log[1].find("\"val_rel_l2\": null"), std::string::npos) << log[1];
  EXPECT_EQ(log[3].rfind("{\"step\": 10, ", 0), 0u) << log[3];

  // Validation in physical units: prediction = (p·xn)·std_t + mean_t against
  // the stored targets 2x (x = 1, 2, 3), with the training statistics.
  const double p = valueOf(t.session(), kP);
  const double xm = 4.5, xs = std::sqrt(5.25), ym = 9.0,
               ys = 2 * std::sqrt(5.25);
  double rel = 0, sq = 0;
  for (int x = 1; x <= 3; ++x) {
    float xn = float((x - xm) / xs);
    float yn = float(p) * xn;
    float pred = float(double(yn) * ys + ym);
    double e = double(pred) - 2.0 * x;
    rel += std::abs(e) / (2.0 * x), sq += e * e;
  }
  ASSERT_TRUE(r.valRelL2 && r.valMse);
  EXPECT_NEAR(*r.valRelL2, rel / 3, 1e-12);
  EXPECT_NEAR(*r.valMse, sq / 3, 1e-9);
}

TEST_F(TrainerTest, ResumeIsBitExact) {
  ModelDesc model = accumulatorModel(cosine());
  TrainingData data = rampData(9); // 4 batches per epoch, one sample dropped
  RunDirectory straightDir(path("straight")), resumedDir(path("resumed"));
  Trainer straight(model, data, nullptr, straightDir, options(10));
  straight.run();

  {
    KillAt kill(7); // ckpt-6 written, step 7 lost
    Trainer first(model, data, nullptr, resumedDir, options(10), &kill);
    EXPECT_THROW(first.run(), std::runtime_error);
  }
  Checkpoint ckpt = readCheckpoint(latestCheckpointOf(path("resumed")));
  EXPECT_EQ(ckpt.state->step, 6);
  Trainer second(model, data, nullptr, resumedDir, options(10));
  EXPECT_TRUE(second.resume(ckpt, "model.fb").empty());
  second.run();
  for (int32_t id : {kP, kQ, kCount})
    EXPECT_EQ(valueOf(second.session(), id), valueOf(straight.session(), id))
        << model.tensors[id].name;
  EXPECT_EQ(second.state().loader, straight.state().loader);

  // metrics.jsonl: same steps, the lost step-7 records dropped on resume.
  std::vector<std::string> a = lines(straightDir.metricsPath()),
                           b = lines(resumedDir.metricsPath());
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i)
    EXPECT_EQ(a[i].substr(0, a[i].find("\"seconds\"")),
              b[i].substr(0, b[i].find("\"seconds\"")));

  // The test is sensitive: another shuffling seed ends elsewhere.
  RunDirectory otherDir(path("other"));
  TrainOptions o = options(10);
  o.seed = 4;
  Trainer other(model, data, nullptr, otherDir, o);
  other.run();
  EXPECT_NE(valueOf(other.session(), kP), valueOf(straight.session(), kP));
}

TEST_F(TrainerTest, ResumeChecksTheRun) {
  ModelDesc model = accumulatorModel();
  TrainingData data = rampData(8), more = rampData(10, "more.h5");
  RunDirectory run(path("run"));
  Trainer(model, data, nullptr, run, options(6)).run();
  Checkpoint ckpt = readCheckpoint(run.latestPath());
  expectError(
      [&] {
        Trainer(model, data, nullptr, run, options(6)).resume(ckpt, "m.fb");
      },
      "is at step 6 and --steps is 6; nothing left to do (raise --steps)");
  expectError(
      [&] {
        Trainer(model, more, nullptr, run, options(9)).resume(ckpt, "m.fb");
      },
      "--resume: the run trained on 8 samples but 'more.h5' has 10");
  std::vector<std::string> notes =
      Trainer(model, data, nullptr, run, options(9)).resume(ckpt, "m.fb");
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_EQ(notes[0], "the run was started with --steps 6; continuing to 9 "
                      "(schedules that depend "
                      "on the total change)");
}

TEST_F(TrainerTest, NonFiniteLossStopsAndKeepsTheLastGoodCheckpoint) {
  ModelDesc model = accumulatorModel();
  TrainingData data = rampData(8);
  data.inputs.values[5] = NAN;
  // Find a seed for which sample 5 comes after the first batch.
  uint64_t seed = 0;
  int64_t pos = 0;
  for (;; ++seed) {
    std::vector<int64_t> order = epochOrder(8, seed, 0);
    pos = std::find(order.begin(), order.end(), 5) - order.begin();
    if (pos >= 2)
      break;
  }
  const int64_t badStep = pos / 2 + 1;
  RunDirectory run(path("run"));
  TrainOptions o = options(20);
  o.seed = seed, o.ckptEvery = 1, o.normalize = false;
  Trainer t(model, data, nullptr, run, o);
  expectError([&] { t.run(); },
              "loss is NaN at step " + std::to_string(badStep) +
                  "; last good checkpoint: " + run.checkpointPath(badStep - 1));
  Checkpoint last = readCheckpoint(run.latestPath());
  EXPECT_EQ(last.state->step, badStep - 1);
  EXPECT_EQ(run.checkpointSteps().back(), badStep - 1);
  Session s(model, SessionOptions{});
  restoreCheckpoint(s, last, "model.fb");
  EXPECT_TRUE(std::isfinite(valueOf(s, kP)));

  // NaN in the very first step: no checkpoint to point to.
  data.inputs.values.assign(8, NAN);
  RunDirectory run2(path("run2"));
  Trainer t2(model, data, nullptr, run2, o);
  expectError([&] { t2.run(); },
              "loss is NaN at step 1; no checkpoint was written before it");
}

TEST_F(TrainerTest, FrozenParametersKeepTheirValues) {
  ModelDesc model = accumulatorModel(cosine());
  TrainingData data = rampData(8);
  RunDirectory run(path("run"));
  TrainOptions o = options(5);
  o.freeze = "q|r.*";
  Trainer t(model, data, nullptr, run, o);
  EXPECT_EQ(t.frozenNames(), std::vector<std::string>{"q"});
  t.run();
  EXPECT_EQ(valueOf(t.session(), kQ), 2.0f);
  EXPECT_NE(valueOf(t.session(), kP), 0.5f);

  o.freeze = "nothing";
  expectError([&] { Trainer(model, data, nullptr, run, o); },
              "--freeze 'nothing' matches no parameter (parameters: p, q)");
  o.freeze = "(";
  expectError([&] { Trainer(model, data, nullptr, run, o); },
              "--freeze '(' is not a valid regular expression");
}

TEST_F(TrainerTest, InitFromStartsWithPretrainedParametersOnly) {
  ModelDesc model = accumulatorModel();
  TrainingData data = rampData(8);
  RunDirectory pre(path("pre")), fine(path("fine"));
  Trainer pretrain(model, data, nullptr, pre, options(4));
  pretrain.run();
  Trainer t(model, data, nullptr, fine, options(4));
  InitFromReport r = t.initFrom(readCheckpoint(pre.latestPath()));
  EXPECT_EQ(r.copied, 2);
  EXPECT_TRUE(r.mismatches.empty());
  EXPECT_EQ(valueOf(t.session(), kP), valueOf(pretrain.session(), kP));
  EXPECT_EQ(valueOf(t.session(), kCount), 0.0f); // optimizer state starts fresh
  EXPECT_EQ(t.state().step, 0);
}

TEST_F(TrainerTest, InitFromKeepsTheCheckpointNormalisationUnlessAsked) {
  ModelDesc model = accumulatorModel();
  TrainingData pretrainData = rampData(8, "pre.h5"), fineData = rampData(4, "fine.h5");
  RunDirectory pre(path("pre")), a(path("a")), b(path("b"));
  Trainer pretrain(model, pretrainData, nullptr, pre, options(4));
  pretrain.run();
  Checkpoint ckpt = readCheckpoint(pre.latestPath());
  Trainer keep(model, fineData, nullptr, a, options(2));
  EXPECT_TRUE(keep.initFrom(ckpt).keptNormalization);
  EXPECT_EQ(keep.normalizer().inputs.mean, pretrain.normalizer().inputs.mean);
  EXPECT_EQ(keep.normalizer().targets.std, pretrain.normalizer().targets.std);
  Trainer recompute(model, fineData, nullptr, b, options(2));
  EXPECT_FALSE(recompute.initFrom(ckpt, /*keepNormalization=*/false).keptNormalization);
  EXPECT_NE(recompute.normalizer().inputs.mean, pretrain.normalizer().inputs.mean)
      << "the 4-sample ramp has other statistics than the 8-sample one";
}

/// Records every validation and the value of p after each step.
struct ValidationLog : TrainObserver {
  void onStep(const StepReport &r) override {
    if (!r.valRelL2)
      return;
    steps.push_back(r.step), values.push_back(*r.valRelL2);
    best.push_back(r.best), p.push_back(valueOf(trainer->session(), kP));
  }
  Trainer *trainer = nullptr;
  std::vector<int64_t> steps;
  std::vector<double> values;
  std::vector<bool> best;
  std::vector<float> p;
};

/// Options of the best/patience runs: validation after every step.
TrainOptions validatedOptions(int64_t steps) {
  TrainOptions o = options(steps);
  o.valEvery = 1, o.ckptEvery = 0, o.keepBest = true;
  return o;
}

// The validation error of the accumulator is |p - 1|·const (targets 2x):
// p's random walk makes it go up and down, and best.fb must hold the
// weights of the step with the lowest one, the first of equal ones.
TEST_F(TrainerTest, KeepBestHoldsTheLowestValidation) {
  ModelDesc model = accumulatorModel(cosine());
  TrainingData data = rampData(8), val = rampData(5, "val.h5");
  RunDirectory run(path("run"));
  ValidationLog seen;
  Trainer t(model, data, &val, run, validatedOptions(16), &seen);
  seen.trainer = &t;
  TrainResult r = t.run();
  ASSERT_EQ(seen.values.size(), 16u);

  size_t argmin = 0, notBest = 0;
  for (size_t i = 0; i < seen.values.size(); ++i) {
    bool lower = seen.values[i] < seen.values[argmin];
    EXPECT_EQ(seen.best[i], i == 0 || lower) << "step " << seen.steps[i];
    if (lower)
      argmin = i;
    notBest += !seen.best[i];
  }
  ASSERT_GE(notBest, 3u) << "the validation error never rose: no test";
  EXPECT_EQ(r.bestStep, seen.steps[argmin]);
  EXPECT_EQ(r.bestValRelL2, seen.values[argmin]);
  EXPECT_EQ(r.best, run.bestPath());
  Checkpoint best = readCheckpoint(run.bestPath());
  EXPECT_EQ(best.state->step, seen.steps[argmin]);
  EXPECT_EQ(best.state->bestStep, seen.steps[argmin]);
  EXPECT_EQ(best.state->sinceBest, 0);
  int32_t pid = best.desc.findTensor("p");
  float bestP;
  std::memcpy(&bestP,
              best.desc.data.data() + best.desc.tensors[pid].data->offset,
              sizeof(float));
  EXPECT_EQ(bestP, seen.p[argmin]);
  // The last checkpoint knows the best too (for --resume and --patience).
  Checkpoint last = readCheckpoint(run.latestPath());
  EXPECT_EQ(last.state->bestStep, seen.steps[argmin]);
  EXPECT_EQ(last.state->sinceBest, int64_t(seen.values.size() - 1 - argmin));

  // --patience P stops at the P-th validation in a row without a new best,
  // with a checkpoint there.
  int64_t patience = 2, stopAt = 0, since = 0;
  for (size_t i = 0; i < seen.values.size() && !stopAt; ++i)
    if ((since = seen.best[i] ? 0 : since + 1) == patience)
      stopAt = seen.steps[i];
  ASSERT_GT(stopAt, 0);
  ASSERT_LT(stopAt, 16);
  RunDirectory early(path("early"));
  TrainOptions o = validatedOptions(16);
  o.patience = patience;
  TrainResult e = Trainer(model, data, &val, early, o).run();
  EXPECT_TRUE(e.patienceOut);
  EXPECT_FALSE(e.stopped);
  EXPECT_EQ(e.steps, stopAt);
  EXPECT_EQ(e.checkpoint, early.checkpointPath(stopAt));
  EXPECT_EQ(readCheckpoint(early.latestPath()).state->sinceBest, patience);
}

/// The note about best.fb among a resume's notes, or "".
std::string bestNote(const std::vector<std::string> &notes) {
  for (const std::string &n : notes)
    if (n.find("best.fb") != std::string::npos)
      return n;
  return "";
}

/// The step best.fb of `run` holds (0 without one).
int64_t bestFileStep(const RunDirectory &run) {
  if (!std::ifstream(run.bestPath()).good())
    return 0;
  return readCheckpoint(run.bestPath()).state->step;
}

// Resuming with --keep-best checks that best.fb holds the recorded best
// (step and value). When it does not (the run was started without
// --keep-best, killed between writing best.fb and latest.fb, ...), the
// weights are restored from the checkpoint of that step if one is left;
// the record is never forgotten, so the run ends with the best the
// uninterrupted one found.
TEST_F(TrainerTest, KeepBestOnResumeChecksBestFb) {
  ModelDesc model = accumulatorModel(cosine());
  TrainingData data = rampData(8), val = rampData(5, "val.h5");
  auto opts = [](int64_t steps, bool keepBest) {
    TrainOptions o = validatedOptions(steps);
    o.keepBest = keepBest, o.ckptEvery = 1;
    return o;
  };
  RunDirectory straight(path("straight"), 100);
  TrainResult s = Trainer(model, data, &val, straight, opts(12, true)).run();
  const int64_t best = s.bestStep;
  ASSERT_GT(best, 1);
  ASSERT_EQ(bestFileStep(straight), best);

  // Started without --keep-best: best.fb restored from ckpt-K.fb.
  {
    RunDirectory run(path("plain"), 100);
    Trainer(model, data, &val, run, opts(6, false)).run();
    Checkpoint ckpt = readCheckpoint(run.latestPath());
    Trainer t(model, data, &val, run, opts(12, true));
    std::string note = bestNote(t.resume(ckpt, "m.fb"));
    EXPECT_NE(note.find(fmt::format("best.fb restored from '{}' (step {}",
                                    run.checkpointPath(ckpt.state->bestStep),
                                    ckpt.state->bestStep)),
              std::string::npos)
        << note;
    EXPECT_EQ(bestFileStep(run), ckpt.state->bestStep);
    TrainResult r = t.run();
    EXPECT_EQ(r.bestStep, best);
    EXPECT_EQ(r.best, run.bestPath());
    EXPECT_EQ(bestFileStep(run), best);
  }
  // No checkpoint of that step left: said, and the record kept.
  {
    RunDirectory run(path("gone"), 100);
    Trainer(model, data, &val, run, opts(6, false)).run();
    Checkpoint ckpt = readCheckpoint(run.latestPath());
    const int64_t k = ckpt.state->bestStep;
    std::remove(run.checkpointPath(k).c_str());
    Trainer t(model, data, &val, run, opts(12, true));
    std::string note = bestNote(t.resume(ckpt, "m.fb"));
    EXPECT_NE(note.find(fmt::format("best.fb does not hold the run's best "
                                    "validation so far (step {}",
                                    k)),
              std::string::npos)
        << note;
    EXPECT_EQ(t.state().bestStep, k);
    TrainResult r = t.run();
    EXPECT_EQ(r.bestStep, best);
    EXPECT_EQ(r.best, best > 6 ? run.bestPath() : "");
    EXPECT_EQ(bestFileStep(run), best > 6 ? best : 0);
  }
  // Killed after writing best.fb of step `best`, before its latest.fb: the
  // resumed run restores its own best, then replays `best` and writes it.
  {
    RunDirectory run(path("killed"), 100);
    Trainer(model, data, &val, run, opts(best - 1, true)).run();
    Checkpoint ckpt = readCheckpoint(run.latestPath());
    writeCheckpoint(readCheckpoint(straight.bestPath()).desc, run.bestPath());
    Trainer t(model, data, &val, run, opts(12, true));
    std::string note = bestNote(t.resume(ckpt, "m.fb"));
    EXPECT_NE(note.find(fmt::format("best.fb' holds step {}", best)),
              std::string::npos)
        << note;
    TrainResult r = t.run();
    EXPECT_EQ(r.bestStep, best);
    EXPECT_EQ(bestFileStep(run), best);
  }
  // best.fb holds the recorded best: nothing to say.
  Checkpoint last = readCheckpoint(straight.latestPath());
  EXPECT_EQ(bestNote(Trainer(model, data, &val, straight, opts(13, true))
                         .resume(last, "m.fb")),
            "");
}

/// Asks to stop once `after` steps have been reported.
struct StopAfter : TrainObserver {
  explicit StopAfter(int64_t after) : after(after) {}
  void onStep(const StepReport &) override { ++seen; }
  bool stopRequested() override {
    ++asked;
    return seen >= after;
  }
  int64_t after, seen = 0, asked = 0;
};

// A stop requested while a validation is due (a batch system's SIGTERM)
// waits for it: a resumed run must see every validation the uninterrupted
// one saw. Asked before the first step, nothing runs and nothing is
// written; at the last step the run is simply complete.
TEST_F(TrainerTest, StopWaitsForTheValidation) {
  ModelDesc model = accumulatorModel(cosine());
  TrainingData data = rampData(8), val = rampData(5, "val.h5");
  RunDirectory run(path("run"));
  TrainOptions o = validatedOptions(10);
  o.keepBest = false, o.logEvery = 1;
  StopAfter stop(2);
  TrainResult r = Trainer(model, data, &val, run, o, &stop).run();
  EXPECT_TRUE(r.stopped);
  EXPECT_EQ(r.steps, 3);
  EXPECT_EQ(r.validations, 3);
  EXPECT_EQ(r.checkpoint, run.checkpointPath(3));
  std::vector<std::string> log = lines(run.metricsPath());
  ASSERT_EQ(log.size(), 3u);
  EXPECT_NE(log[2].find("\"val_rel_l2\": 0."), std::string::npos) << log[2];

  RunDirectory before(path("before"));
  StopAfter atOnce(0);
  TrainResult b = Trainer(model, data, &val, before, o, &atOnce).run();
  EXPECT_TRUE(b.stopped);
  EXPECT_EQ(b.steps, 0);
  EXPECT_EQ(b.checkpoint, "");
  EXPECT_TRUE(before.checkpointSteps().empty());

  RunDirectory end(path("end"));
  StopAfter atEnd(2);
  TrainResult e =
      Trainer(model, data, &val, end, validatedOptions(3), &atEnd).run();
  EXPECT_FALSE(e.stopped);
  EXPECT_EQ(e.steps, 3);
}

TEST_F(TrainerTest, ContractAndDataErrors) {
  TrainingData data = rampData(8, "d.h5");
  RunDirectory run(path("run"));
  ModelDesc noTrain = accumulatorModel();
  noTrain.programs.erase(noTrain.programs.begin());
  expectError([&] { Trainer(noTrain, data, nullptr, run, options(1)); },
              "model has no program 'train_step'; compile it with shodhc "
              "--train (or give the model a shodh.train config)");

  ModelDesc model = accumulatorModel();
  TrainOptions o = options(1);
  o.batch = 4;
  expectError([&] { Trainer(model, data, nullptr, run, o); },
              "model input 'train_step.x' has the static batch dimension 2 but "
              "--batch is 4");

  TrainingData wide = rampData(8, "wide.h5");
  wide.inputs.shape = {4, 2};
  expectError([&] { Trainer(model, wide, nullptr, run, options(1)); },
              "'wide.h5': dataset 'inputs' has shape (4, 2) but model input "
              "'train_step.x' "
              "expects [2, 1] (first axis = samples)");

  ModelDesc badLr = accumulatorModel();
  badLr.tensors[kTlr].dtype = DType::F64;
  expectError(
      [&] { Trainer(badLr, data, nullptr, run, options(1)); },
      "train_step input 2 (lr) 'train_step.lr' is f64 [1, 1]; expected f32");
  expectError([&] { Trainer(model, data, nullptr, run, options(0)); },
              "--steps must be at least 1 (got 0)");
  o = options(1);
  o.keepBest = true;
  expectError([&] { Trainer(model, data, nullptr, run, o); },
              "--keep-best needs validation data (--val)");
  o.keepBest = false, o.patience = 3;
  expectError([&] { Trainer(model, data, nullptr, run, o); },
              "--patience needs validation data (--val)");
  expectError([&] { Trainer(model, data, &data, run, o); },
              "--patience needs --val-every K");
}

} // namespace
