//===- SignatureChecks.h - Validating kernel calls in CPU factories -------===//
//
// Kernel factories reject inconsistent calls when a model is loaded, and
// `Kernel::prepare` re-checks the concrete shapes once symbols are bound.
// Both use the checks below on `Dim` vectors (concrete shapes are converted
// with `fixedDims`), so there is one message for one mistake. Every message
// starts with `KernelSignature::where` ("program 'infer', call 2 (linear)").
//
// Two dims conflict when both are static and differ, or both are symbolic
// with different symbols; a static and a symbolic dim are only compared at
// prepare time.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/core/Kernel.h"

#include <cstddef>
#include <initializer_list>
#include <string>
#include <vector>

namespace shodh {

/// Throws unless the call has [minInputs, maxInputs] inputs and `outputs`
/// outputs.
void expectOperandCounts(const KernelSignature &sig, size_t minInputs,
                         size_t maxInputs, size_t outputs);

/// Throws unless `t` (called `what` in the message) has one of `allowed`
/// dtypes.
void expectDType(const KernelSignature &sig, const TensorDesc &t,
                 const char *what, std::initializer_list<DType> allowed);

/// Throws unless `t` has the dtype `want` of the operand called `reference`.
void expectSameDType(const KernelSignature &sig, const TensorDesc &t,
                     const char *what, DType want, const char *reference);

/// The required Int attribute `name`; throws if missing or of another kind.
int64_t intAttr(const KernelSignature &sig, const char *name);

/// The Int attribute `name`, or `fallback` if absent; throws if of another
/// kind.
int64_t intAttr(const KernelSignature &sig, const char *name, int64_t fallback);

/// The Int attribute `name` as a flag: 0 (also when absent) or 1; throws
/// "attribute 'name' must be 0 or 1, got v" otherwise.
bool flagAttr(const KernelSignature &sig, const char *name);

/// The `activation` attribute of the fused spectral kernels (spectral_conv,
/// spectral_conv_grad): "none" (also when absent), "gelu" or "gelu_tanh".
struct FusedActivation {
  bool gelu = false; ///< an activation is applied
  bool tanh = false; ///< the tanh form of GELU
};
/// Reads it (or the like attribute `name`, e.g. spectral_conv's
/// `activated_output`); throws "attribute '<name>' must be none, gelu or
/// gelu_tanh, got 'x'" otherwise.
FusedActivation activationAttr(const KernelSignature &sig,
                               const char *name = "activation");

/// The required Ints attribute `name`; throws if missing or of another kind.
std::vector<int64_t> intsAttr(const KernelSignature &sig, const char *name);

/// The String attribute `name`, or `fallback` if absent; throws if of another
/// kind.
std::string stringAttr(const KernelSignature &sig, const char *name,
                       const char *fallback);

/// "4" for a static dim, "'B'" for a symbolic one.
std::string formatDim(const Dim &d);

/// True if `a` and `b` are provably different (see the file comment).
bool dimsConflict(const Dim &a, const Dim &b);

/// Static dims for a concrete shape.
std::vector<Dim> fixedDims(const std::vector<int64_t> &shape);

/// Throws unless `shape` (of operand `what`) has the rank and dims of `ref`
/// (of operand `refName`).
void expectSameShape(const std::string &where, const char *what,
                     const std::vector<Dim> &shape, const char *refName,
                     const std::vector<Dim> &ref);

/// Throws unless `shape` (of operand `what`) holds one value: [1] or [].
void expectOneValueShape(const std::string &where, const char *what,
                         const std::vector<Dim> &shape);

} // namespace shodh
