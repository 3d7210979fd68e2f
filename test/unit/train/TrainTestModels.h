//===- TrainTestModels.h - In-memory models for training-loop tests -------===//
//
// `accumulatorModel` follows the train_step contract with existing kernels
// only (add, mul, linear), the way the compiler will emit real models:
//
//   train_step(x [2, 1], y [2, 1], lr [1, 1]) -> loss [1, 1]
//     s    = linear(x, ones_b, axis 0)      # x0 + x1 (sum over the batch)
//     g    = mul(s, lr)
//     p    = add(p, g)                      # in-place "update" of parameters
//     q    = add(q, g)
//     count = add(count, one)               # state: a step counter
//     sy   = linear(y, ones_b, axis 0)
//     loss = add(p, sy)
//   infer(x [B, 1]) -> y [B, 1] = linear(x, p, axis 1)   # p·x
//
// The batch of train_step is static (2): summing over it needs a [1, 2]
// weight. `TrainTestDir` gives every test a fresh temporary directory.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/format/ModelDesc.h"
#include "runtime/train/TrainingData.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <unistd.h>

namespace shodh::testing {

/// Tensor ids of `accumulatorModel`.
enum AccTensor : int32_t {
  kTx,
  kTy,
  kTlr,
  kTloss,
  kP,
  kQ,
  kCount,
  kOnesB,
  kOne,
  kS,
  kG,
  kSy,
  kIx,
  kIy
};

/// A tensor description (f32 unless said otherwise).
inline TensorDesc tensor(const std::string &name, std::vector<Dim> shape,
                         TensorRole role, InitSpec init = {}) {
  TensorDesc t;
  t.name = name, t.shape = std::move(shape), t.role = role,
  t.init = std::move(init);
  return t;
}

/// The train_step program described in the file comment.
inline ProgramDesc accumulatorTrainStep() {
  ProgramDesc p{"train_step", {kTx, kTy, kTlr}, {kTloss}, {}, {}};
  NamedAttr axis0{"axis", int64_t(0)};
  p.calls = {{"linear", {kTx, kOnesB}, {kS}, {axis0}},
             {"mul", {kS, kTlr}, {kG}, {}},
             {"add", {kP, kG}, {kP}, {}},
             {"add", {kQ, kG}, {kQ}, {}},
             {"add", {kCount, kOne}, {kCount}, {}},
             {"linear", {kTy, kOnesB}, {kSy}, {axis0}},
             {"add", {kP, kSy}, {kTloss}, {}}};
  p.lifetimes = {{kTx, 0, 0}, {kTlr, 0, 1}, {kS, 0, 1},    {kG, 1, 3},
                 {kTy, 0, 5}, {kSy, 5, 6},  {kTloss, 6, 7}};
  return p;
}

/// The infer program: y = p·x.
inline ProgramDesc accumulatorInfer() {
  ProgramDesc p{"infer", {kIx}, {kIy}, {}, {}};
  p.calls = {{"linear", {kIx, kP}, {kIy}, {{"axis", int64_t(1)}}}};
  p.lifetimes = {{kIx, 0, 0}, {kIy, 0, 1}};
  return p;
}

/// The whole model; `hyperparams` become its metadata hyperparameters.
inline ModelDesc accumulatorModel(std::vector<NamedAttr> hyperparams = {}) {
  using R = TensorRole;
  auto fixed = [](int64_t a, int64_t b) {
    return std::vector<Dim>{Dim::fixed(a), Dim::fixed(b)};
  };
  ModelDesc m;
  m.meta.hyperparams = std::move(hyperparams);
  m.tensors = {
      tensor("train_step.x", fixed(2, 1), R::Input),
      tensor("train_step.y", fixed(2, 1), R::Input),
      tensor("train_step.lr", fixed(1, 1), R::Input),
      tensor("train_step.loss", fixed(1, 1), R::Output),
      tensor("p", fixed(1, 1), R::Parameter,
             InitSpec{"constant", 0.5, 0, 0, 0}),
      tensor("q", fixed(1, 1), R::Parameter,
             InitSpec{"constant", 2.0, 0, 0, 0}),
      tensor("opt.count", fixed(1, 1), R::State),
      tensor("ones_b", fixed(1, 2), R::Constant, InitSpec{"ones", 0, 0, 0, 0}),
      tensor("one", fixed(1, 1), R::Constant, InitSpec{"ones", 0, 0, 0, 0}),
      tensor("train_step.s", fixed(1, 1), R::Activation),
      tensor("train_step.g", fixed(1, 1), R::Activation),
      tensor("train_step.sy", fixed(1, 1), R::Activation),
      tensor("infer.x", {Dim::named("B"), Dim::fixed(1)}, R::Input),
      tensor("infer.y", {Dim::named("B"), Dim::fixed(1)}, R::Output)};
  m.programs = {accumulatorTrainStep(), accumulatorInfer()};
  return m;
}

/// N samples (N, 1): inputs x_i = i + 1, targets 2·x_i.
inline TrainingData rampData(int64_t n, const std::string &path = "ramp.h5") {
  TrainingData d;
  d.path = path;
  d.inputs.shape = d.targets.shape = {n, 1};
  for (int64_t i = 0; i < n; ++i) {
    d.inputs.values.push_back(float(i + 1));
    d.targets.values.push_back(2.0f * float(i + 1));
  }
  return d;
}

/// A fresh temporary directory per test, removed afterwards.
class TrainTestDir : public ::testing::Test {
protected:
  void SetUp() override {
    const auto *info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir = std::filesystem::temp_directory_path() /
          (std::string("shodh-train-") + info->test_suite_name() + "-" +
           info->name() + "-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
  }
  void TearDown() override { std::filesystem::remove_all(dir); }
  /// A path inside the test directory.
  std::string path(const std::string &name) const {
    return (dir / name).string();
  }
  std::filesystem::path dir;
};

} // namespace shodh::testing
