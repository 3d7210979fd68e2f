//===- NumericsCheck.h - Finding the call that produced a NaN or Inf ------===//
//
// With `SessionOptions::checkNumerics`, `Session::invoke` scans the floating
// outputs (f32, f64, complex<f32>, complex<f64>) of every kernel call right
// after it ran. On the first NaN or ±Inf it throws `NonFiniteError`:
//
//   program 'infer', call 0 (linear): output 'h1' is not finite: inf at flat
//   index 17 of [2, 8, 5]; every input of the call is finite, so this call
//   produced it
//
//   program 'infer', call 0 (linear): output 'h1' is not finite: nan at flat
//   index 0 of [2, 8, 5]; it was fed a non-finite input: 'x' has nan at flat
//   index 3
//
// Flat indices are row-major element indices (a complex element counts once).
// The scan is one branch-free pass per output; with the option off nothing
// is scanned. Inputs a call overwrites in place (adam's param, m, v) are
// scanned before it runs, so "was fed" is judged on their old values.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/core/Kernel.h"
#include "runtime/format/ModelDesc.h"
#include "runtime/support/Status.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace shodh {

/// The first non-finite element of a tensor.
struct NonFiniteValue {
  int64_t index = 0; ///< flat element index
  std::string value; ///< "nan", "-inf", "(inf, 0)" for complex
};

/// The first NaN or ±Inf in `t`, or nullopt if every element is finite or
/// the dtype is an integer one.
std::optional<NonFiniteValue> findNonFinite(const TensorRef &t);

/// Thrown by `Session::invoke` under `checkNumerics`; callers that know
/// more (the training step) may catch it and add context.
class NonFiniteError : public Error {
public:
  explicit NonFiniteError(const std::string &message) : Error(message) {}
};

/// The check of one kernel call: construct it before the call runs, call
/// `afterRun` once it ran.
class CallNumericsCheck {
public:
  /// Scans the inputs of call `call` of `program` that it also writes (in
  /// place). `model` and `program` must outlive the check.
  CallNumericsCheck(const ModelDesc &model, const ProgramDesc &program,
                    size_t call, const std::vector<TensorRef> &inputs);
  /// Scans the outputs; throws `NonFiniteError` describing the first
  /// non-finite output element and whether the call's inputs were finite.
  void afterRun(const std::vector<TensorRef> &inputs,
                const std::vector<TensorRef> &outputs) const;

private:
  /// Why the output is bad: the first non-finite input, or "produced".
  std::string cause(const std::vector<TensorRef> &inputs) const;

  const ModelDesc &model_;
  const ProgramDesc &program_;
  size_t call_;
  /// Per input: its scan before the call if the call overwrites it.
  std::vector<std::optional<std::optional<NonFiniteValue>>> before_;
};

} // namespace shodh
