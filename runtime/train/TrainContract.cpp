//===- TrainContract.cpp - What the runtime expects of compiled programs --===//
#include "runtime/train/TrainContract.h"
#include "runtime/support/Status.h"
#include "runtime/train/TensorText.h"

#include <fmt/format.h>

namespace shodh {
namespace {

/// True if every dim is static and the tensor has one element.
bool isScalarLike(const TensorDesc &t) {
  for (const Dim &d : t.shape)
    if (!d.isStatic() || d.size != 1)
      return false;
  return true;
}

/// Throws unless `t` is f32; `what` names its place in the program.
void expectF32(const TensorDesc &t, const std::string &what) {
  if (t.dtype != DType::F32)
    throw Error(fmt::format("{} '{}' is {}; expected f32", what, t.name,
                            formatTypeOf(t)));
}

/// Throws unless `t` is an f32 batch [B, channels, ...].
void expectBatched(const TensorDesc &t, const std::string &what) {
  expectF32(t, what);
  if (t.shape.size() < 2)
    throw Error(fmt::format("{} '{}' is {}; expected [B, channels, ...]", what,
                            t.name, formatTypeOf(t)));
}

/// Throws unless `t` is f32 with exactly one element.
void expectScalar(const TensorDesc &t, const std::string &what) {
  expectF32(t, what);
  if (!isScalarLike(t))
    throw Error(fmt::format("{} '{}' is {}; expected one element (f32 [1])",
                            what, t.name, formatTypeOf(t)));
}

} // namespace

TrainStepOperands checkTrainStep(const ModelDesc &m) {
  const ProgramDesc *p = m.findProgram("train_step");
  if (!p)
    throw Error(
        "model has no program 'train_step'; compile it with shodhc --train "
        "(or give the model a shodh.train config)");
  if (p->inputs.size() != 3 || p->outputs.empty())
    throw Error(fmt::format(
        "program 'train_step' has {} inputs and {} outputs; expected inputs "
        "(x, y, lr) and outputs (loss, ...)",
        p->inputs.size(), p->outputs.size()));
  TrainStepOperands ops;
  ops.x = p->inputs[0], ops.y = p->inputs[1], ops.lr = p->inputs[2];
  ops.loss = p->outputs[0];
  expectBatched(m.tensors[ops.x], "train_step input 0 (x)");
  expectBatched(m.tensors[ops.y], "train_step input 1 (y)");
  expectScalar(m.tensors[ops.lr], "train_step input 2 (lr)");
  expectScalar(m.tensors[ops.loss], "train_step output 0 (loss)");
  const std::string prefix = "train_step.";
  for (size_t i = 1; i < p->outputs.size(); ++i) {
    const TensorDesc &t = m.tensors[p->outputs[i]];
    if (t.name.rfind(prefix, 0) != 0)
      continue;
    std::string name = t.name.substr(prefix.size());
    if (name.rfind("aux.", 0) != 0 && name.rfind("pi.", 0) != 0)
      continue;
    expectScalar(t, fmt::format("train_step output {} ({})", i, name));
    ops.logged.push_back({name, i});
  }
  return ops;
}

PredictOperands checkPredictProgram(const ModelDesc &m) {
  const ProgramDesc *p = m.findProgram("infer");
  if (!p)
    throw Error("model has no program 'infer'");
  if (p->inputs.size() != 1 || p->outputs.empty())
    throw Error(fmt::format(
        "program 'infer' has {} inputs and {} outputs; expected input (x) "
        "and outputs (prediction, ...)",
        p->inputs.size(), p->outputs.size()));
  PredictOperands ops{"infer", p->inputs[0], p->outputs[0]};
  expectBatched(m.tensors[ops.x], "infer input 0 (x)");
  expectBatched(m.tensors[ops.prediction], "infer output 0 (prediction)");
  return ops;
}

} // namespace shodh
