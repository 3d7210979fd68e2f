//===- Session.cpp - Executing a loaded model: prepare, then invoke -------===//
//
// Construction creates the kernels of every program (validating each call)
// and the persistent tensors. `prepare` lays out a program's arena
// (ArenaLayout.h), allocates it, builds the tensor refs of every call and
// prepares each kernel; `invoke` runs the calls in order.
//
//===----------------------------------------------------------------------===//
#include "runtime/core/Session.h"
#include "runtime/core/ArenaLayout.h"
#include "runtime/core/KernelInstantiation.h"
#include "runtime/core/PersistentTensor.h"
#include "runtime/core/ThreadPool.h"
#include "runtime/support/Status.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace shodh {

/// The arena of a prepared program and the refs its kernels run on.
struct Session::Prepared {
  ArenaLayout layout;
  AlignedBuffer arena;
  std::vector<TensorRef>
      arenaRefs; ///< by tensor id; data == nullptr if not in the arena
  std::vector<std::vector<TensorRef>> callInputs;
  std::vector<std::vector<TensorRef>> callOutputs;
};

Session::Session(const ModelDesc &model, SessionOptions options)
    : model_(model), options_(options) {
  pool_ = std::make_unique<ThreadPool>(options.threads);
  const KernelRegistry &registry = KernelRegistry::builtin();
  if (registry.names(options.backend).empty())
    throw Error(
        fmt::format("no kernels are registered for backend {} in this build",
                    backendName(options.backend)));
  for (const ProgramDesc &p : model.programs) {
    if (kernels_.count(p.name))
      throw Error(fmt::format("the model has two programs named '{}'", p.name));
    kernels_[p.name] = instantiateKernels(model, p, options.backend, registry);
  }
  persistentStorage_.resize(model.tensors.size());
  for (size_t i = 0; i < model.tensors.size(); ++i)
    if (isPersistent(model.tensors[i].role))
      persistentStorage_[i] =
          loadPersistentTensor(model, static_cast<int32_t>(i));
}

Session::~Session() = default;

const ProgramDesc &Session::programDesc(const std::string &program) const {
  if (const ProgramDesc *p = model_.findProgram(program))
    return *p;
  std::vector<std::string> known;
  for (const ProgramDesc &p : model_.programs)
    known.push_back(p.name);
  throw Error(fmt::format("unknown program '{}' (known: {})", program,
                          fmt::join(known, ", ")));
}

void Session::prepare(const std::string &program,
                      const std::map<std::string, int64_t> &symbols) {
  const ProgramDesc &desc = programDesc(program);
  prepared_.erase(program); // unprepared until this succeeds; old refs are dead
  auto p = std::make_unique<Prepared>();
  p->layout = layoutArena(model_, desc, symbols);
  p->arena = AlignedBuffer(p->layout.plan.peakBytes);
  p->arenaRefs.resize(model_.tensors.size());
  for (size_t k = 0; k < p->layout.tensors.size(); ++k) {
    int32_t id = p->layout.tensors[k];
    p->arenaRefs[id] = TensorRef{model_.tensors[id].dtype, p->layout.shapes[k],
                                 p->arena.data() + p->layout.plan.offsets[k]};
  }
  KernelContext ctx{pool_.get()};
  std::vector<std::unique_ptr<Kernel>> &kernels = kernels_.at(program);
  for (size_t i = 0; i < desc.calls.size(); ++i) {
    p->callInputs.emplace_back(), p->callOutputs.emplace_back();
    for (int32_t id : desc.calls[i].inputs)
      p->callInputs[i].push_back(tensorRef(*p, id));
    for (int32_t id : desc.calls[i].outputs)
      p->callOutputs[i].push_back(tensorRef(*p, id));
    kernels[i]->prepare(p->callInputs[i], p->callOutputs[i], ctx);
  }
  prepared_[program] = std::move(p);
}

void Session::invoke(const std::string &program) {
  Prepared &p = preparedProgram(program);
  std::vector<std::unique_ptr<Kernel>> &kernels = kernels_.at(program);
  KernelContext ctx{pool_.get()};
  for (size_t i = 0; i < kernels.size(); ++i)
    kernels[i]->run(p.callInputs[i], p.callOutputs[i], ctx);
}

TensorRef Session::tensorRef(const Prepared &prepared, int32_t id) {
  return isPersistent(model_.tensors[id].role) ? persistent(id)
                                               : prepared.arenaRefs[id];
}

TensorRef Session::programOperand(const std::string &program, size_t i,
                                  bool output) {
  const ProgramDesc &desc = programDesc(program);
  const Prepared &p = preparedProgram(program);
  const std::vector<int32_t> &ids = output ? desc.outputs : desc.inputs;
  if (i >= ids.size())
    throw Error(fmt::format("program '{}' has {} {}s; index {} is out of range",
                            program, ids.size(), output ? "output" : "input",
                            i));
  return tensorRef(p, ids[i]);
}

TensorRef Session::input(const std::string &program, size_t i) {
  return programOperand(program, i, false);
}

TensorRef Session::output(const std::string &program, size_t i) {
  return programOperand(program, i, true);
}

const MemoryPlan &Session::plan(const std::string &program) const {
  return preparedProgram(program).layout.plan;
}

TensorRef Session::persistent(int32_t tensorId) {
  if (tensorId < 0 || static_cast<size_t>(tensorId) >= model_.tensors.size())
    throw Error(
        fmt::format("tensor id {} is out of range (the model has {} tensors)",
                    tensorId, model_.tensors.size()));
  const TensorDesc &t = model_.tensors[tensorId];
  if (!isPersistent(t.role))
    throw Error(fmt::format(
        "tensor '{}' (id {}) has role {}, not a persistent role (parameter, "
        "state or constant)",
        t.name, tensorId, roleName(t.role)));
  return TensorRef{t.dtype, persistentShape(t),
                   persistentStorage_[tensorId].data()};
}

Session::Prepared &Session::preparedProgram(const std::string &program) {
  const Session *self = this;
  return const_cast<Prepared &>(self->preparedProgram(program));
}

const Session::Prepared &
Session::preparedProgram(const std::string &program) const {
  programDesc(program); // throws for an unknown program
  auto it = prepared_.find(program);
  if (it == prepared_.end())
    throw Error(fmt::format("program '{}' is not prepared: call prepare first",
                            program));
  return *it->second;
}

} // namespace shodh
