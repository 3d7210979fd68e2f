//===- Predictor.cpp - Running `infer` over a data set with metrics -------===//
#include "runtime/train/Predictor.h"
#include "runtime/support/Status.h"
#include "runtime/train/DataLoader.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

namespace shodh {

void checkChannels(const TrainingData &data, const Normalizer &norm) {
  if (data.inputs.shape[1] != norm.inputs.channels())
    throw Error(fmt::format(
        "'{}': dataset 'inputs' has {} channels but the normalisation has {}",
        data.path, data.inputs.shape[1], norm.inputs.channels()));
  if (data.targets.shape[1] != norm.targets.channels())
    throw Error(fmt::format(
        "'{}': dataset 'targets' has {} channels but the normalisation has {}",
        data.path, data.targets.shape[1], norm.targets.channels()));
}

Predictor::Predictor(Session &session, const Normalizer &norm, int64_t batch)
    : session_(session), norm_(norm),
      ops_(checkPredictProgram(session.model())) {
  const Dim &b = session.model().tensors[ops_.x].shape[0];
  staticBatch_ = b.isStatic();
  batch_ = staticBatch_ ? b.size : batch;
  if (batch_ < 1)
    throw Error(fmt::format("batch size must be at least 1 (got {})", batch_));
}

void Predictor::prepareFor(const TrainingData &data, int64_t rows) {
  if (rows == preparedRows_ && data.inputs.shape == preparedShape_)
    return;
  std::map<std::string, int64_t> symbols;
  bindOperandSymbols(session_.model().tensors[ops_.x], data.inputs.shape, rows,
                     symbols);
  bindOperandSymbols(session_.model().tensors[ops_.prediction],
                     data.targets.shape, rows, symbols);
  session_.prepare(ops_.program, symbols);
  preparedRows_ = rows, preparedShape_ = data.inputs.shape;
}

ErrorMetrics Predictor::evaluate(const TrainingData &data,
                                 const BatchObserver &observe) {
  const ModelDesc &m = session_.model();
  checkSampleShape(m.tensors[ops_.x], data.inputs.shape, data.path, "inputs");
  checkSampleShape(m.tensors[ops_.prediction], data.targets.shape, data.path,
                   "targets", "output");
  checkChannels(data, norm_);
  LoaderOptions lo;
  lo.batch = batch_, lo.training = false, lo.normalizeTargets = false;
  DataLoader loader(data, norm_, lo);
  const int64_t perSample = data.targetsPerSample();
  const int64_t inner = perSample / data.targets.shape[1];
  ErrorMetrics metrics;
  while (std::optional<Batch> b = loader.next()) {
    prepareFor(data, staticBatch_ ? batch_ : b->rows);
    TensorRef x = session_.input(ops_.program, 0);
    std::memset(x.data, 0, x.numel() * sizeof(float));
    std::memcpy(x.data, b->inputs.data(), b->inputs.size() * sizeof(float));
    session_.invoke(ops_.program);
    TensorRef y = session_.output(ops_.program, 0);
    if (y.numel() < b->rows * perSample)
      throw Error(fmt::format(
          "'{}': 'targets' has {} values per sample but 'infer' predicts {}",
          data.path, perSample, y.numel() / std::max<int64_t>(b->rows, 1)));
    std::vector<float> pred(y.as<float>(), y.as<float>() + b->rows * perSample);
    norm_.targets.denormalize(pred.data(), b->rows, inner);
    metrics.addBatch(pred.data(), b->targets.data(), b->rows, perSample);
    if (observe)
      observe(*b, pred.data());
  }
  return metrics;
}

} // namespace shodh
