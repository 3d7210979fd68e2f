//===- Session.cpp - Executing a loaded model: prepare, then invoke -------===//
//
// Construction creates the kernels of every program (validating each call)
// and the persistent tensors. `prepare` lays out a program's arena
// (ArenaLayout.h), allocates it, builds the tensor refs of every call and
// prepares each kernel; `invoke` runs the calls in order. The memory check
// (MemoryInfo.h) runs between planning and allocating; with `checkNumerics`
// or `profile`, `invokeInstrumented` replaces the plain loop so the default
// path pays nothing for them.
//
// Backend::Cuda: the persistent tensors have a host copy (loaded as on the
// CPU) and a device copy (uploaded once, here); the arena is device memory
// and the program's inputs and outputs are staged in host memory (Session.h).
//
//===----------------------------------------------------------------------===//
#include "runtime/core/Session.h"
#include "runtime/core/ScratchPool.h"
#include "runtime/core/ArenaLayout.h"
#include "runtime/core/KernelInstantiation.h"
#include "runtime/core/MemoryInfo.h"
#include "runtime/core/NumericsCheck.h"
#include "runtime/core/PersistentTensor.h"
#include "runtime/core/ThreadPool.h"
#include "runtime/support/Status.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <chrono>

namespace shodh {

/// The arena of a prepared program and the refs its kernels run on.
struct Session::Prepared {
  ArenaLayout layout;
  AlignedBuffer arena;
  std::vector<TensorRef>
      arenaRefs; ///< by tensor id; data == nullptr if not in the arena
  std::vector<std::vector<TensorRef>> callInputs;
  std::vector<std::vector<TensorRef>> callOutputs;
  CallProfile profile; ///< filled under `SessionOptions::profile`
  // Backend::Cuda only:
  DeviceBuffer deviceArena;
  AlignedBuffer hostIo; ///< staging for the program's inputs and outputs
  std::vector<TensorRef> hostRefs; ///< by tensor id; data == nullptr if none
  std::vector<int32_t> writtenPersistent; ///< persistent outputs of calls
};

Session::Session(const ModelDesc &model, SessionOptions options)
    : model_(model), options_(options) {
  pool_ = std::make_unique<ThreadPool>(options.threads);
  // A CUDA plugin registers its kernels when it is loaded: load it (and
  // check the device) before asking the registry.
  if (options.backend == Backend::Cuda && cudaCompiledIn())
    requireCudaDevice("backend cuda");
  const KernelRegistry &registry = KernelRegistry::builtin();
  if (registry.names(options.backend).empty())
    throw Error(fmt::format(
        "no kernels are registered for backend {} in this build{}",
        backendName(options.backend),
        options.backend == Backend::Cuda && !cudaCompiledIn()
            ? ": " + probeCuda().reason
            : std::string()));
  if (options.backend == Backend::Cuda) { // the device was checked above
    if (options.checkNumerics)
      throw Error("checkNumerics (--check-numerics) is not available on "
                  "backend cuda yet; run the check with --device cpu");
    device_ = std::make_unique<Device>(0);
  }
  // A program whose kernels this build or backend lacks is recorded and
  // refused when it is prepared: `infer` still runs when only `train_step`
  // needs a kernel that is missing here. Every other defect of a call, and
  // a model of which no program can run, is an error now.
  for (const ProgramDesc &p : model.programs) {
    if (kernels_.count(p.name) || unavailable_.count(p.name))
      throw Error(fmt::format("the model has two programs named '{}'", p.name));
    checkTensorIds(model, p);
    try {
      checkBackendCoverage(p, options.backend, registry);
    } catch (const Error &e) {
      unavailable_[p.name] = e.what();
      continue;
    }
    kernels_[p.name] = instantiateKernels(model, p, options.backend, registry);
  }
  if (kernels_.empty() && !unavailable_.empty())
    checkBackendCoverage(model, options.backend, registry); // throws
  persistentStorage_.resize(model.tensors.size());
  for (size_t i = 0; i < model.tensors.size(); ++i)
    if (isPersistent(model.tensors[i].role)) {
      persistentStorage_[i] =
          loadPersistentTensor(model, static_cast<int32_t>(i));
      // Each buffer was allocated, so the sum fits in size_t and uint64_t.
      persistentBytes_ += persistentStorage_[i].size();
    }
  if (device_) {
    devicePersistent_.resize(model.tensors.size());
    hostCurrent_.assign(model.tensors.size(), 1);
    hostHandedOut_.assign(model.tensors.size(), 0);
    for (size_t i = 0; i < model.tensors.size(); ++i)
      if (!persistentStorage_[i].empty()) {
        devicePersistent_[i] = DeviceBuffer(persistentStorage_[i].size(), *device_);
        devicePersistent_[i].upload(persistentStorage_[i].data(),
                                    persistentStorage_[i].size(), *device_);
      }
  }
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
  if (auto it = unavailable_.find(program); it != unavailable_.end())
    throw Error(it->second);
  auto p = std::make_unique<Prepared>();
  p->layout = layoutArena(model_, desc, symbols);
  checkPlanFits(program, symbols, p->layout.plan.peakBytes);
  uint8_t *arenaBase = nullptr;
  if (device_) {
    p->deviceArena = DeviceBuffer(p->layout.plan.peakBytes, *device_);
    arenaBase = p->deviceArena.data();
  } else {
    p->arena = AlignedBuffer(p->layout.plan.peakBytes);
    arenaBase = p->arena.data();
  }
  p->arenaRefs.resize(model_.tensors.size());
  for (size_t k = 0; k < p->layout.tensors.size(); ++k) {
    int32_t id = p->layout.tensors[k];
    p->arenaRefs[id] = TensorRef{model_.tensors[id].dtype, p->layout.shapes[k],
                                 arenaBase + p->layout.plan.offsets[k]};
  }
  if (device_)
    stageProgramIo(desc, *p);
  KernelContext ctx{pool_.get(), device_.get(), scratch_.get()};
  std::vector<std::unique_ptr<Kernel>> &kernels = kernels_.at(program);
  for (size_t i = 0; i < desc.calls.size(); ++i) {
    p->callInputs.emplace_back(), p->callOutputs.emplace_back();
    for (int32_t id : desc.calls[i].inputs)
      p->callInputs[i].push_back(kernelRef(*p, id));
    for (int32_t id : desc.calls[i].outputs)
      p->callOutputs[i].push_back(kernelRef(*p, id));
    kernels[i]->prepare(p->callInputs[i], p->callOutputs[i], ctx);
  }
  if (device_)
    device_->synchronize();
  p->profile.seconds.assign(desc.calls.size(), 0.0);
  prepared_[program] = std::move(p);
}

void Session::checkPlanFits(const std::string &program,
                            const std::map<std::string, int64_t> &symbols,
                            uint64_t arenaBytes) const {
  if (!options_.checkMemory)
    return;
  MemoryDemand demand{program, symbols, arenaBytes, persistentBytes_, 0};
  for (const auto &[name, other] : prepared_)
    demand.otherArenaBytes += other->arena.size() + other->deviceArena.size();
  std::optional<MemoryBudget> budget;
  if (options_.memoryLimit)
    budget = MemoryBudget{*options_.memoryLimit, "set by --memory-limit"};
  else if (device_)
    // What this session holds is already allocated: free + held.
    budget = MemoryBudget{
        device_->freeBytes() + persistentBytes_ + demand.otherArenaBytes,
        fmt::format("free memory of CUDA device {}", device_->ordinal())};
  else
    budget = detectMemoryBudget(persistentBytes_ + demand.otherArenaBytes);
  if (budget)
    checkMemoryFits(demand, *budget);
}

void Session::invoke(const std::string &program) {
  Prepared &p = preparedProgram(program);
  if (device_) {
    uploadBeforeInvoke(programDesc(program), p);
    // From the first call on the device's copies of these are ahead of the
    // host's, also if a call throws part way.
    for (int32_t id : p.writtenPersistent)
      hostCurrent_[id] = 0;
  }
  if (options_.checkNumerics || options_.profile) {
    invokeInstrumented(programDesc(program), p);
  } else {
    std::vector<std::unique_ptr<Kernel>> &kernels = kernels_.at(program);
    KernelContext ctx{pool_.get(), device_.get(), scratch_.get()};
    for (size_t i = 0; i < kernels.size(); ++i)
      kernels[i]->run(p.callInputs[i], p.callOutputs[i], ctx);
  }
  if (device_)
    downloadAfterInvoke(programDesc(program), p);
}

void Session::stageProgramIo(const ProgramDesc &desc, Prepared &p) {
  p.hostRefs.resize(model_.tensors.size());
  std::vector<int32_t> ids = desc.inputs;
  ids.insert(ids.end(), desc.outputs.begin(), desc.outputs.end());
  uint64_t total = 0;
  std::vector<std::pair<int32_t, uint64_t>> offsets;
  for (int32_t id : ids) {
    if (isPersistent(model_.tensors[id].role) || p.hostRefs[id].data ||
        std::any_of(offsets.begin(), offsets.end(),
                    [&](const auto &o) { return o.first == id; }))
      continue;
    offsets.emplace_back(id, total);
    uint64_t bytes = byteSize(p.arenaRefs[id].dtype, p.arenaRefs[id].shape,
                              "tensor '" + model_.tensors[id].name + "'");
    total += (bytes + kTensorAlignment - 1) / kTensorAlignment * kTensorAlignment;
  }
  p.hostIo = AlignedBuffer(total);
  for (const auto &[id, offset] : offsets)
    p.hostRefs[id] = TensorRef{p.arenaRefs[id].dtype, p.arenaRefs[id].shape,
                               p.hostIo.data() + offset};
  for (const KernelCall &call : desc.calls)
    for (int32_t id : call.outputs)
      if (isPersistent(model_.tensors[id].role))
        p.writtenPersistent.push_back(id);
}

void Session::uploadBeforeInvoke(const ProgramDesc &desc, Prepared &p) {
  for (size_t id = 0; id < hostHandedOut_.size(); ++id)
    if (hostHandedOut_[id]) {
      devicePersistent_[id].upload(persistentStorage_[id].data(),
                                   persistentStorage_[id].size(), *device_);
      hostHandedOut_[id] = 0;
    }
  for (int32_t id : desc.inputs)
    if (const TensorRef &h = p.hostRefs[id]; h.data)
      copyHostToDevice(p.arenaRefs[id].data, h.data,
                       byteSize(h.dtype, h.shape, model_.tensors[id].name),
                       *device_);
}

void Session::downloadAfterInvoke(const ProgramDesc &desc, Prepared &p) {
  try {
    for (int32_t id : desc.outputs)
      if (const TensorRef &h = p.hostRefs[id]; h.data)
        copyDeviceToHost(h.data, p.arenaRefs[id].data,
                         byteSize(h.dtype, h.shape, model_.tensors[id].name),
                         *device_);
    device_->synchronize(); // reports a failed kernel even without outputs
  } catch (const Error &e) {
    // The first synchronisation after the calls: any of them may have
    // faulted (kernels run asynchronously).
    throw Error(fmt::format(
        "program '{}': a kernel failed on the device during its {} calls "
        "(rerun with `shodh-run bench --profile`, which synchronises after "
        "each call, to name it): {}",
        desc.name, desc.calls.size(), e.what()));
  }
}

void Session::invokeInstrumented(const ProgramDesc &desc, Prepared &p) {
  using Clock = std::chrono::steady_clock;
  std::vector<std::unique_ptr<Kernel>> &kernels = kernels_.at(desc.name);
  KernelContext ctx{pool_.get(), device_.get(), scratch_.get()};
  for (size_t i = 0; i < kernels.size(); ++i) {
    std::optional<CallNumericsCheck> check;
    if (options_.checkNumerics)
      check.emplace(model_, desc, i, p.callInputs[i]);
    Clock::time_point t0 =
        options_.profile ? Clock::now() : Clock::time_point{};
    kernels[i]->run(p.callInputs[i], p.callOutputs[i], ctx);
    if (device_) {
      try {
        device_->synchronize(); // time the call, and name it if it failed
      } catch (const Error &e) {
        throw Error(fmt::format("program '{}', call {} ({}): {}", desc.name, i,
                                desc.calls[i].kernel, e.what()));
      }
    }
    if (options_.profile)
      p.profile.seconds[i] +=
          std::chrono::duration<double>(Clock::now() - t0).count();
    if (check)
      check->afterRun(p.callInputs[i], p.callOutputs[i]);
  }
  ++p.profile.invocations;
}

const CallProfile &Session::callProfile(const std::string &program) const {
  if (!options_.profile)
    throw Error(fmt::format("program '{}': no call profile; create the "
                            "session with SessionOptions::profile",
                            program));
  return preparedProgram(program).profile;
}

void Session::resetProfile(const std::string &program) {
  Prepared &p = preparedProgram(program);
  p.profile.seconds.assign(p.profile.seconds.size(), 0.0);
  p.profile.invocations = 0;
}

TensorRef Session::tensorRef(const Prepared &prepared, int32_t id) {
  if (isPersistent(model_.tensors[id].role))
    return persistent(id);
  return device_ ? prepared.hostRefs[id] : prepared.arenaRefs[id];
}

TensorRef Session::kernelRef(const Prepared &prepared, int32_t id) {
  const TensorDesc &t = model_.tensors[id];
  if (!isPersistent(t.role))
    return prepared.arenaRefs[id];
  if (!device_)
    return persistent(id);
  return TensorRef{t.dtype, persistentShape(t), devicePersistent_[id].data()};
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
  if (device_) {
    if (!hostCurrent_[tensorId]) {
      devicePersistent_[tensorId].download(persistentStorage_[tensorId].data(),
                                           persistentStorage_[tensorId].size(),
                                           *device_);
      hostCurrent_[tensorId] = 1;
    }
    hostHandedOut_[tensorId] = 1; // the caller may write: upload at invoke
  }
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
