//===- KernelInstantiation.h - Creating the kernels of a program ----------===//
//
// Part of loading a model into a `Session`: every call of a program is looked
// up in the registry for the session's backend and its factory is run on the
// symbolic tensor descriptions, so inconsistent calls are rejected before any
// memory is planned. Errors name the program and call index.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/core/Kernel.h"
#include "runtime/format/ModelDesc.h"

#include <memory>
#include <string>
#include <vector>

namespace shodh {

/// "program 'infer', call 3 (linear)": the prefix of every message about a
/// call.
std::string callSite(const ProgramDesc &program, size_t call);

/// Checks that the program's inputs, outputs and call operands name tensors
/// of `model`; throws `Error` naming the offending id otherwise.
void checkTensorIds(const ModelDesc &model, const ProgramDesc &program);

/// Throws unless every kernel of `program` is registered for `backend`. A
/// kernel the CPU has but `backend` lacks is reported together with every
/// other such kernel and the calls using them ("backend cuda has no
/// implementation of 2 kernels it uses: rfft (call 1); spectral_conv (calls
/// 2, 5); ..."); kernels unknown to every backend are reported first, with
/// their calls, the known kernels and the likely causes (a model file from a
/// newer shodhc, an op whose kernel is not registered).
void checkBackendCoverage(const ProgramDesc &program, Backend backend,
                          const KernelRegistry &registry);

/// `checkBackendCoverage` for every program of `model`, reporting all that
/// fail at once (a model compiled with --train has `infer`, `train_step`
/// and `eval`: the message names the missing kernels of each).
void checkBackendCoverage(const ModelDesc &model, Backend backend,
                          const KernelRegistry &registry);

/// Creates one kernel per call of `program` with the factories of `registry`
/// for `backend`, for a program that passed `checkTensorIds` and
/// `checkBackendCoverage` (a `Session` runs them first, to set aside a
/// program it cannot run). Throws `Error` when a factory rejects its call or
/// the call carries an attribute the factory does not read.
std::vector<std::unique_ptr<Kernel>>
instantiateKernels(const ModelDesc &model, const ProgramDesc &program,
                   Backend backend, const KernelRegistry &registry);

} // namespace shodh
