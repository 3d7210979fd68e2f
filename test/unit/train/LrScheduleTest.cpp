//===- LrScheduleTest.cpp - Learning-rate schedules at key steps ----------===//
#include "runtime/train/LrSchedule.h"
#include "test/unit/ExpectError.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace shodh;
using shodh::testing::expectError;

namespace {

TEST(LrScheduleTest, DefaultsAreConstantOneEMinusThree) {
  LrSchedule s = scheduleFromHyperparams({}, 100);
  EXPECT_EQ(s.kind, ScheduleKind::Constant);
  EXPECT_EQ(s.at(0), 1e-3);
  EXPECT_EQ(s.at(99), 1e-3);
  EXPECT_EQ(scheduleFromHyperparams({}, 100, 0.25).at(50), 0.25); // --lr
}

TEST(LrScheduleTest, CosineWithLinearWarmup) {
  // lr 0.1, W = 10, T = 110: warm-up lr·(s+1)/W, then a half cosine over 100
  // steps: 0.5·lr·(1 + cos(π·(s−W)/(T−W))).
  LrSchedule s =
      scheduleFromHyperparams({{"train.lr", 0.1},
                               {"train.schedule", std::string("cosine")},
                               {"train.warmup", int64_t(10)}},
                              110);
  EXPECT_DOUBLE_EQ(s.at(0), 0.01);
  EXPECT_DOUBLE_EQ(s.at(4), 0.05);
  EXPECT_DOUBLE_EQ(s.at(9), 0.1);
  EXPECT_DOUBLE_EQ(s.at(10), 0.1);  // cos(0)
  EXPECT_DOUBLE_EQ(s.at(60), 0.05); // cos(π/2)
  EXPECT_DOUBLE_EQ(s.at(35), 0.05 * (1 + std::cos(M_PI / 4)));
  EXPECT_NEAR(s.at(110), 0.0, 1e-18); // cos(π)
  EXPECT_NEAR(s.at(500), 0.0, 1e-18); // stays at the end value
}

TEST(LrScheduleTest, CosineWithoutWarmupStartsAtLr) {
  LrSchedule s = scheduleFromHyperparams(
      {{"train.lr", int64_t(1)}, {"train.schedule", std::string("cosine")}}, 4);
  EXPECT_DOUBLE_EQ(s.at(0), 1.0);
  EXPECT_DOUBLE_EQ(s.at(2), 0.5);
}

TEST(LrScheduleTest, StepDecay) {
  LrSchedule s =
      scheduleFromHyperparams({{"train.lr", 0.8},
                               {"train.schedule", std::string("step")},
                               {"train.step_size", int64_t(100)},
                               {"train.gamma", 0.5}},
                              1000);
  EXPECT_EQ(s.at(0), 0.8);
  EXPECT_EQ(s.at(99), 0.8);
  EXPECT_EQ(s.at(100), 0.4);
  EXPECT_EQ(s.at(250), 0.2);
  EXPECT_EQ(s.describe(), "step(lr=0.8, step_size=100, gamma=0.5)");
}

TEST(LrScheduleTest, Errors) {
  expectError(
      [] {
        scheduleFromHyperparams({{"train.schedule", std::string("linear")}},
                                10);
      },
      "hyperparameter 'train.schedule' is 'linear'; expected constant, cosine "
      "or step");
  expectError(
      [] {
        scheduleFromHyperparams({{"train.schedule", int64_t(1)}}, 10);
      },
      "hyperparameter 'train.schedule' must be a string");
  expectError(
      [] {
        scheduleFromHyperparams({{"train.lr", std::string("x")}}, 10);
      },
      "hyperparameter 'train.lr' must be a number");
  expectError(
      [] {
        scheduleFromHyperparams({{"train.warmup", 1.5}}, 10);
      },
      "hyperparameter 'train.warmup' must be an integer");
  expectError(
      [] {
        scheduleFromHyperparams({{"train.step_size", int64_t(0)}}, 10);
      },
      "'train.step_size' must be >= 1");
  expectError([] { scheduleFromHyperparams({}, 10, -1.0); },
              "learning rate must be positive and finite (got -1)");
}

} // namespace
