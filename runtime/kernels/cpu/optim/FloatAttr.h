//===- FloatAttr.h - Reading Float attributes in optimizer factories ------===//
//
// SignatureChecks.h reads Int, Ints and String attributes; the optimizer
// kernels also take Float hyperparameters (beta1, eps, max_norm...). These
// helpers read them with messages in the same style, starting with
// `KernelSignature::where`. Only the Float kind is accepted (an Int where a
// Float is expected is an error, as it is in the dialect).
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/core/Kernel.h"

namespace shodh {

/// The required Float attribute `name`; throws if missing or of another kind.
double floatAttr(const KernelSignature &sig, const char *name);

/// The Float attribute `name`, or `fallback` if absent; throws if of another
/// kind.
double floatAttr(const KernelSignature &sig, const char *name, double fallback);

} // namespace shodh
