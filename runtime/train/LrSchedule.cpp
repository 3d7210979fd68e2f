//===- LrSchedule.cpp - Learning rate as a function of the step -----------===//
#include "runtime/train/LrSchedule.h"
#include "runtime/support/Status.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace shodh {
namespace {

/// The attribute named `name`, or nullptr.
const AttrValue *findHyperparam(const std::vector<NamedAttr> &hps,
                                const std::string &name) {
  for (const NamedAttr &a : hps)
    if (a.name == name)
      return &a.value;
  return nullptr;
}

/// A Float hyperparameter (an Int is accepted too), or `fallback`.
double floatHyperparam(const std::vector<NamedAttr> &hps,
                       const std::string &name, double fallback) {
  const AttrValue *v = findHyperparam(hps, name);
  if (!v)
    return fallback;
  if (const double *d = std::get_if<double>(v))
    return *d;
  if (const int64_t *i = std::get_if<int64_t>(v))
    return double(*i);
  throw Error(fmt::format("hyperparameter '{}' must be a number", name));
}

/// An Int hyperparameter, or `fallback`.
int64_t intHyperparam(const std::vector<NamedAttr> &hps,
                      const std::string &name, int64_t fallback) {
  const AttrValue *v = findHyperparam(hps, name);
  if (!v)
    return fallback;
  if (const int64_t *i = std::get_if<int64_t>(v))
    return *i;
  throw Error(fmt::format("hyperparameter '{}' must be an integer", name));
}

/// Parses a schedule name.
ScheduleKind parseKind(const std::string &name) {
  if (name == "constant")
    return ScheduleKind::Constant;
  if (name == "cosine")
    return ScheduleKind::Cosine;
  if (name == "step")
    return ScheduleKind::Step;
  throw Error(fmt::format(
      "hyperparameter 'train.schedule' is '{}'; expected constant, cosine or "
      "step",
      name));
}

/// Rejects values outside the documented ranges.
void checkRanges(const LrSchedule &s) {
  if (!(s.lr > 0) || !std::isfinite(s.lr))
    throw Error(fmt::format(
        "learning rate must be positive and finite (got {})", s.lr));
  if (s.warmup < 0)
    throw Error(fmt::format(
        "hyperparameter 'train.warmup' must be >= 0 (got {})", s.warmup));
  if (s.stepSize < 1)
    throw Error(fmt::format(
        "hyperparameter 'train.step_size' must be >= 1 (got {})", s.stepSize));
  if (!(s.gamma > 0) || !std::isfinite(s.gamma))
    throw Error(fmt::format(
        "hyperparameter 'train.gamma' must be positive (got {})", s.gamma));
}

} // namespace

double LrSchedule::at(int64_t step) const {
  switch (kind) {
  case ScheduleKind::Constant:
    return lr;
  case ScheduleKind::Cosine: {
    if (step < warmup)
      return lr * double(step + 1) / double(warmup);
    double progress =
        double(step - warmup) / double(std::max<int64_t>(1, total - warmup));
    return 0.5 * lr * (1.0 + std::cos(M_PI * std::min(1.0, progress)));
  }
  case ScheduleKind::Step:
    return lr * std::pow(gamma, double(step / stepSize));
  }
  return lr;
}

std::string LrSchedule::describe() const {
  switch (kind) {
  case ScheduleKind::Constant:
    return fmt::format("constant(lr={})", lr);
  case ScheduleKind::Cosine:
    return fmt::format("cosine(lr={}, warmup={}, total={})", lr, warmup, total);
  case ScheduleKind::Step:
    return fmt::format("step(lr={}, step_size={}, gamma={})", lr, stepSize,
                       gamma);
  }
  return "";
}

std::optional<std::string> stringHyperparam(const std::vector<NamedAttr> &hps,
                                            const std::string &name) {
  const AttrValue *v = findHyperparam(hps, name);
  if (!v)
    return std::nullopt;
  if (const std::string *s = std::get_if<std::string>(v))
    return *s;
  throw Error(fmt::format("hyperparameter '{}' must be a string", name));
}

LrSchedule scheduleFromHyperparams(const std::vector<NamedAttr> &hps,
                                   int64_t totalSteps,
                                   std::optional<double> lrOverride) {
  LrSchedule s;
  s.kind =
      parseKind(stringHyperparam(hps, "train.schedule").value_or("constant"));
  s.lr = lrOverride ? *lrOverride : floatHyperparam(hps, "train.lr", s.lr);
  s.warmup = intHyperparam(hps, "train.warmup", s.warmup);
  s.stepSize = intHyperparam(hps, "train.step_size", s.stepSize);
  s.gamma = floatHyperparam(hps, "train.gamma", s.gamma);
  s.total = totalSteps;
  checkRanges(s);
  return s;
}

} // namespace shodh
