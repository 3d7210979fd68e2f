//===- KernelInstantiation.cpp - Creating the kernels of a program --------===//
#include "runtime/core/KernelInstantiation.h"
#include "runtime/support/Status.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <map>

namespace shodh {

namespace {

/// Throws unless every id in `ids` indexes `model.tensors`.
void checkIds(const ModelDesc &model, const std::vector<int32_t> &ids,
              const std::string &where, const char *what) {
  for (size_t i = 0; i < ids.size(); ++i)
    if (ids[i] < 0 || static_cast<size_t>(ids[i]) >= model.tensors.size())
      throw Error(fmt::format(
          "{}: {} {} refers to tensor {} but the model has {} tensors", where,
          what, i, ids[i], model.tensors.size()));
}

/// The signature seen by the factory of call `index`.
KernelSignature signatureOf(const ModelDesc &model, const ProgramDesc &program,
                            size_t index) {
  const KernelCall &call = program.calls[index];
  KernelSignature sig;
  sig.call = &call;
  for (int32_t id : call.inputs)
    sig.inputs.push_back(&model.tensors[id]);
  for (int32_t id : call.outputs)
    sig.outputs.push_back(&model.tensors[id]);
  sig.where = callSite(program, index);
  return sig;
}

/// Throws for an attribute of call `index` that its kernel's factory did
/// not ask for (`read`): the kernel would run on a default instead (a
/// misspelt name, or a compiler and runtime that disagree).
void checkAttributesRead(const ProgramDesc &program, size_t index,
                         std::vector<std::string> read) {
  std::sort(read.begin(), read.end());
  read.erase(std::unique(read.begin(), read.end()), read.end());
  for (const NamedAttr &a : program.calls[index].attrs)
    if (!std::binary_search(read.begin(), read.end(), a.name))
      throw Error(fmt::format(
          "{}: attribute '{}' is not one the kernel reads ({}); the model "
          "file and this shodh-run disagree on the kernel's attributes (a "
          "file from another shodhc version, or an op whose getKernelAttrs "
          "and kernel differ)",
          callSite(program, index), a.name,
          read.empty() ? std::string("it reads none")
                       : fmt::format("it reads {}", fmt::join(read, ", "))));
}

} // namespace

std::string callSite(const ProgramDesc &program, size_t call) {
  return fmt::format("program '{}', call {} ({})", program.name, call,
                     program.calls[call].kernel);
}

void checkTensorIds(const ModelDesc &model, const ProgramDesc &program) {
  std::string where = fmt::format("program '{}'", program.name);
  checkIds(model, program.inputs, where, "input");
  checkIds(model, program.outputs, where, "output");
  for (size_t i = 0; i < program.calls.size(); ++i) {
    checkIds(model, program.calls[i].inputs, callSite(program, i), "input");
    checkIds(model, program.calls[i].outputs, callSite(program, i), "output");
  }
}

/// "name (call 3); other (calls 1, 4)" for kernel name -> call indices.
static std::string
callsByKernel(const std::map<std::string, std::vector<size_t>> &calls) {
  std::vector<std::string> parts;
  for (const auto &[name, indices] : calls)
    parts.push_back(fmt::format("{} (call{} {})", name,
                                indices.size() == 1 ? "" : "s",
                                fmt::join(indices, ", ")));
  return fmt::format("{}", fmt::join(parts, "; "));
}

void checkBackendCoverage(const ProgramDesc &program, Backend backend,
                          const KernelRegistry &registry) {
  // Kernel name -> indices of the calls that use it: kernels no backend of
  // this build knows, and kernels the CPU has but `backend` lacks.
  std::map<std::string, std::vector<size_t>> unknown, missing;
  for (size_t i = 0; i < program.calls.size(); ++i) {
    const std::string &name = program.calls[i].kernel;
    if (registry.find(name, backend))
      continue;
    if (backend != Backend::Cpu && registry.find(name, Backend::Cpu))
      missing[name].push_back(i);
    else
      unknown[name].push_back(i);
  }
  if (!unknown.empty()) {
    std::string what;
    if (unknown.size() == 1 && unknown.begin()->second.size() == 1)
      what = fmt::format("program '{}', call {}: unknown kernel '{}'",
                         program.name, unknown.begin()->second.front(),
                         unknown.begin()->first);
    else
      what = fmt::format("program '{}': {} unknown kernels {}", program.name,
                         unknown.size(), callsByKernel(unknown));
    throw Error(fmt::format(
        "{} for backend {} (known: {}); this shodh-run does not have {}: the "
        "model file comes from a newer shodhc, or the op's kernel is not "
        "registered (docs/compiler.md § Adding an op)",
        what, backendName(backend), fmt::join(registry.names(backend), ", "),
        unknown.size() == 1 ? "it" : "them"));
  }
  if (missing.empty())
    return;
  throw Error(fmt::format(
      "program '{}': backend {} has no implementation of {} kernel{} it "
      "uses: {}; run it on the CPU backend (--device cpu) or see "
      "docs/cuda.md for the kernels each backend has",
      program.name, backendName(backend), missing.size(),
      missing.size() == 1 ? "" : "s", callsByKernel(missing)));
}

void checkBackendCoverage(const ModelDesc &model, Backend backend,
                          const KernelRegistry &registry) {
  std::vector<std::string> problems;
  for (const ProgramDesc &p : model.programs) {
    try {
      checkBackendCoverage(p, backend, registry);
    } catch (const Error &e) {
      problems.push_back(e.what());
    }
  }
  if (problems.size() == 1)
    throw Error(problems.front());
  if (!problems.empty())
    throw Error(fmt::format("{} programs cannot run on backend {}:\n  {}",
                            problems.size(), backendName(backend),
                            fmt::join(problems, "\n  ")));
}

std::vector<std::unique_ptr<Kernel>>
instantiateKernels(const ModelDesc &model, const ProgramDesc &program,
                   Backend backend, const KernelRegistry &registry) {
  std::vector<std::unique_ptr<Kernel>> kernels;
  for (size_t i = 0; i < program.calls.size(); ++i) {
    const KernelFactory *factory =
        registry.find(program.calls[i].kernel, backend);
    std::vector<std::string> read;
    std::unique_ptr<Kernel> kernel;
    {
      AttrReadRecorder recorder(read);
      kernel = (*factory)(signatureOf(model, program, i));
    }
    if (!kernel)
      throw Error(fmt::format("{}: the factory returned no kernel",
                              callSite(program, i)));
    checkAttributesRead(program, i, read);
    kernels.push_back(std::move(kernel));
  }
  return kernels;
}

} // namespace shodh
