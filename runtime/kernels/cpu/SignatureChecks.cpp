//===- SignatureChecks.cpp - Validating kernel calls in CPU factories -----===//
#include "runtime/kernels/cpu/SignatureChecks.h"
#include "runtime/support/Status.h"

#include <fmt/format.h>

#include <variant>

namespace shodh {

namespace {

/// "an integer", "a string", ... for messages about attribute kinds.
const char *attrKindName(const AttrValue &v) {
  switch (v.index()) {
  case 0:
    return "an integer";
  case 1:
    return "a float";
  case 2:
    return "a string";
  case 3:
    return "an integer array";
  default:
    return "a float array";
  }
}

} // namespace

void expectOperandCounts(const KernelSignature &sig, size_t minInputs,
                         size_t maxInputs, size_t outputs) {
  size_t ins = sig.inputs.size(), outs = sig.outputs.size();
  if (ins >= minInputs && ins <= maxInputs && outs == outputs)
    return;
  std::string expected = minInputs == maxInputs
                             ? fmt::format("{}", minInputs)
                             : fmt::format("{} to {}", minInputs, maxInputs);
  throw Error(
      fmt::format("{}: expected {} inputs and {} outputs, got {} and {}",
                  sig.where, expected, outputs, ins, outs));
}

void expectDType(const KernelSignature &sig, const TensorDesc &t,
                 const char *what, std::initializer_list<DType> allowed) {
  std::string names;
  for (DType d : allowed) {
    if (d == t.dtype)
      return;
    names += (names.empty() ? "" : ", ") + std::string(dtypeName(d));
  }
  throw Error(fmt::format("{}: {} '{}' has dtype {}; supported: {}", sig.where,
                          what, t.name, dtypeName(t.dtype), names));
}

void expectSameDType(const KernelSignature &sig, const TensorDesc &t,
                     const char *what, DType want, const char *reference) {
  if (t.dtype != want)
    throw Error(fmt::format("{}: {} '{}' has dtype {} but {} has {}", sig.where,
                            what, t.name, dtypeName(t.dtype), reference,
                            dtypeName(want)));
}

int64_t intAttr(const KernelSignature &sig, const char *name) {
  const AttrValue *v = sig.call->attr(name);
  if (!v)
    throw Error(
        fmt::format("{}: missing integer attribute '{}'", sig.where, name));
  if (!std::holds_alternative<int64_t>(*v))
    throw Error(fmt::format("{}: attribute '{}' must be an integer, got {}",
                            sig.where, name, attrKindName(*v)));
  return std::get<int64_t>(*v);
}

std::vector<int64_t> intsAttr(const KernelSignature &sig, const char *name) {
  const AttrValue *v = sig.call->attr(name);
  if (!v)
    throw Error(fmt::format("{}: missing integer-array attribute '{}'",
                            sig.where, name));
  if (!std::holds_alternative<std::vector<int64_t>>(*v))
    throw Error(
        fmt::format("{}: attribute '{}' must be an integer array, got {}",
                    sig.where, name, attrKindName(*v)));
  return std::get<std::vector<int64_t>>(*v);
}

int64_t intAttr(const KernelSignature &sig, const char *name,
                int64_t fallback) {
  return sig.call->attr(name) ? intAttr(sig, name) : fallback;
}

bool flagAttr(const KernelSignature &sig, const char *name) {
  int64_t v = intAttr(sig, name, 0);
  if (v != 0 && v != 1)
    throw Error(fmt::format("{}: attribute '{}' must be 0 or 1, got {}", sig.where, name, v));
  return v == 1;
}

FusedActivation activationAttr(const KernelSignature &sig, const char *name) {
  std::string act = stringAttr(sig, name, "none");
  if (act != "none" && act != "gelu" && act != "gelu_tanh")
    throw Error(fmt::format(
        "{}: attribute '{}' must be none, gelu or gelu_tanh, got '{}'",
        sig.where, name, act));
  return {act != "none", act == "gelu_tanh"};
}

std::string stringAttr(const KernelSignature &sig, const char *name,
                       const char *fallback) {
  const AttrValue *v = sig.call->attr(name);
  if (!v)
    return fallback;
  if (!std::holds_alternative<std::string>(*v))
    throw Error(fmt::format("{}: attribute '{}' must be a string, got {}",
                            sig.where, name, attrKindName(*v)));
  return std::get<std::string>(*v);
}

std::string formatDim(const Dim &d) {
  return d.isStatic() ? std::to_string(d.size) : "'" + d.symbol + "'";
}

bool dimsConflict(const Dim &a, const Dim &b) {
  if (a.isStatic() && b.isStatic())
    return a.size != b.size;
  if (!a.isStatic() && !b.isStatic())
    return a.symbol != b.symbol;
  return false;
}

std::vector<Dim> fixedDims(const std::vector<int64_t> &shape) {
  std::vector<Dim> dims;
  dims.reserve(shape.size());
  for (int64_t d : shape)
    dims.push_back(Dim::fixed(d));
  return dims;
}

void expectSameShape(const std::string &where, const char *what,
                     const std::vector<Dim> &shape, const char *refName,
                     const std::vector<Dim> &ref) {
  if (shape.size() != ref.size())
    throw Error(fmt::format("{}: {} has rank {} but {} has rank {}", where,
                            what, shape.size(), refName, ref.size()));
  for (size_t i = 0; i < shape.size(); ++i)
    if (dimsConflict(shape[i], ref[i]))
      throw Error(fmt::format("{}: {} dim {} is {} but {} dim {} is {}", where,
                              what, i, formatDim(shape[i]), refName, i,
                              formatDim(ref[i])));
}

void expectOneValueShape(const std::string &where, const char *what,
                         const std::vector<Dim> &shape) {
  if (shape.empty() ||
      (shape.size() == 1 && !dimsConflict(shape[0], Dim::fixed(1))))
    return;
  throw Error(fmt::format("{}: {} must have shape [1] (or []), got rank {}",
                          where, what, shape.size()));
}

} // namespace shodh
