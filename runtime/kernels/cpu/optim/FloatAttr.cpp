//===- FloatAttr.cpp - Reading Float attributes in optimizer factories ----===//
#include "runtime/kernels/cpu/optim/FloatAttr.h"
#include "runtime/kernels/cpu/SignatureChecks.h"
#include "runtime/support/Status.h"

#include <fmt/format.h>

#include <variant>

namespace shodh {

double floatAttr(const KernelSignature &sig, const char *name) {
  if (!sig.call->attr(name))
    throw Error(
        fmt::format("{}: missing float attribute '{}'", sig.where, name));
  return floatAttr(sig, name, 0.0);
}

double floatAttr(const KernelSignature &sig, const char *name,
                 double fallback) {
  const AttrValue *v = sig.call->attr(name);
  if (!v)
    return fallback;
  if (!std::holds_alternative<double>(*v))
    throw Error(
        fmt::format("{}: attribute '{}' must be a float", sig.where, name));
  return std::get<double>(*v);
}

} // namespace shodh
