//===- NumericsCheck.cpp - Finding the call that produced a NaN or Inf ----===//
//
// A value is non-finite when its exponent bits are all ones (NaN and ±Inf
// share that pattern), so the first pass ORs that test over the whole buffer
// without branches (vectorisable); only when it finds something does a
// second pass locate the first bad element.
//
//===----------------------------------------------------------------------===//
#include "runtime/core/NumericsCheck.h"
#include "runtime/core/KernelInstantiation.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cmath>
#include <cstring>

namespace shodh {

namespace {

/// True if any of the `n` IEEE values in `bits` has an all-ones exponent.
/// (An integer accumulator: GCC vectorises this loop, not one over `bool`.)
template <typename Bits>
bool anyNonFinite(const Bits *bits, int64_t n, Bits exponentMask) {
  Bits bad = 0;
  for (int64_t i = 0; i < n; ++i)
    bad |= Bits((bits[i] & exponentMask) == exponentMask);
  return bad != 0;
}

/// The first non-finite scalar of `n` values of type `Real`, or -1.
template <typename Real, typename Bits>
int64_t firstNonFinite(const void *data, int64_t n, Bits exponentMask) {
  const auto *bits = static_cast<const Bits *>(data);
  if (!anyNonFinite(bits, n, exponentMask))
    return -1;
  const auto *v = static_cast<const Real *>(data);
  for (int64_t i = 0; i < n; ++i)
    if (!std::isfinite(v[i]))
      return i;
  return -1; // unreachable: the bit test and isfinite agree
}

/// Locates the first bad element of `t`, whose scalars have type `Real`
/// (`lanes` scalars per element: 2 for complex).
template <typename Real, typename Bits>
std::optional<NonFiniteValue> locate(const TensorRef &t, int lanes,
                                     Bits exponentMask) {
  int64_t scalar =
      firstNonFinite<Real, Bits>(t.data, t.numel() * lanes, exponentMask);
  if (scalar < 0)
    return std::nullopt;
  int64_t element = scalar / lanes;
  const Real *v = static_cast<const Real *>(t.data) + element * lanes;
  std::string text = lanes == 1 ? fmt::format("{}", v[0])
                                : fmt::format("({}, {})", v[0], v[1]);
  return NonFiniteValue{element, text};
}

} // namespace

std::optional<NonFiniteValue> findNonFinite(const TensorRef &t) {
  if (!t.data)
    return std::nullopt;
  switch (t.dtype) {
  case DType::F32:
    return locate<float, uint32_t>(t, 1, 0x7f800000u);
  case DType::C64:
    return locate<float, uint32_t>(t, 2, 0x7f800000u);
  case DType::F64:
    return locate<double, uint64_t>(t, 1, 0x7ff0000000000000ull);
  case DType::C128:
    return locate<double, uint64_t>(t, 2, 0x7ff0000000000000ull);
  case DType::I32:
  case DType::I64:
    return std::nullopt;
  }
  return std::nullopt;
}

CallNumericsCheck::CallNumericsCheck(const ModelDesc &model,
                                     const ProgramDesc &program, size_t call,
                                     const std::vector<TensorRef> &inputs)
    : model_(model), program_(program), call_(call), before_(inputs.size()) {
  const KernelCall &c = program.calls[call];
  for (size_t i = 0; i < inputs.size(); ++i)
    for (int32_t out : c.outputs)
      if (c.inputs[i] == out && !before_[i])
        before_[i] = findNonFinite(inputs[i]);
}

std::string
CallNumericsCheck::cause(const std::vector<TensorRef> &inputs) const {
  const KernelCall &c = program_.calls[call_];
  for (size_t i = 0; i < inputs.size(); ++i) {
    std::optional<NonFiniteValue> bad =
        before_[i] ? *before_[i] : findNonFinite(inputs[i]);
    if (bad)
      return fmt::format(
          "it was fed a non-finite input: '{}' has {} at flat index {}",
          model_.tensors[c.inputs[i]].name, bad->value, bad->index);
  }
  return "every input of the call is finite, so this call produced it";
}

void CallNumericsCheck::afterRun(const std::vector<TensorRef> &inputs,
                                 const std::vector<TensorRef> &outputs) const {
  const KernelCall &c = program_.calls[call_];
  for (size_t o = 0; o < outputs.size(); ++o) {
    std::optional<NonFiniteValue> bad = findNonFinite(outputs[o]);
    if (!bad)
      continue;
    throw NonFiniteError(fmt::format(
        "{}: output '{}' is not finite: {} at flat index {} of [{}]; {}",
        callSite(program_, call_), model_.tensors[c.outputs[o]].name,
        bad->value, bad->index, fmt::join(outputs[o].shape, ", "),
        cause(inputs)));
  }
}

} // namespace shodh
