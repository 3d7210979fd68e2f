//===- Session.h - Executing a loaded model: prepare, then invoke ---------===//
//
// A `Session` owns the persistent tensors of a model (parameters and state,
// initialised from the data section or from their init specs) and, per
// prepared program, an arena for its inputs, outputs and activations.
//
//   Session s(model, {.threads = 2});        // validates every kernel call
//   s.prepare("infer", {{"B", 16}});          // binds, plans, allocates
//   copy into s.input(0).data ... ; s.invoke("infer"); read s.output(0)
//
// Construction throws `shodh::Error` naming the program and call when a
// call is inconsistent, or when no program can run on the backend. A
// program whose kernels the build or backend lacks (only `train_step`, say)
// leaves the others usable: `prepare` refuses it with the message naming
// the missing kernels. The session
// keeps a reference to the model: the `ModelDesc` must outlive it. Results
// are bit-identical for the same model, inputs, thread count and backend.
//
// Guards and instrumentation (all off or free by default):
//   - `prepare` refuses a program whose planned memory does not fit in the
//     memory available (MemoryInfo.h) or `SessionOptions::memoryLimit`;
//   - `checkNumerics` scans every call's floating outputs for NaN/Inf and
//     throws `NonFiniteError` naming the call (NumericsCheck.h);
//   - `profile` accumulates the wall time of every call (`callProfile`).
//
// Backend::Cuda (docs/cuda.md): the arena, parameters and state live on the
// session's `Device`; weights are uploaded once when the session is created.
// `input`/`output` then refer to host staging buffers that `invoke` copies
// to the device before the first call and back after the last one.
// `persistent` returns a host copy, downloaded when the device copy is newer;
// anything written through it is uploaded at the next `invoke` (so a
// persistent ref must not be held across `invoke`).
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/core/AlignedBuffer.h"
#include "runtime/core/Device.h"
#include "runtime/core/Kernel.h"
#include "runtime/core/MemoryPlanner.h"
#include "runtime/core/ScratchPool.h"
#include "runtime/format/ModelDesc.h"

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace shodh {

/// Options for a session.
struct SessionOptions {
  int threads = 1;                ///< threads of the session's pool (>= 1)
  Backend backend = Backend::Cpu; ///< where kernels run
  /// Scan every call's floating outputs for NaN/Inf (`NonFiniteError`).
  bool checkNumerics = false;
  /// Accumulate the wall time of every call (`Session::callProfile`).
  bool profile = false;
  /// Bytes `prepare` may plan for (arena + persistent tensors + other
  /// prepared arenas); unset: detected (`detectMemoryBudget`).
  std::optional<uint64_t> memoryLimit = std::nullopt;
  /// False: `prepare` does not check memory at all (planning tools).
  bool checkMemory = true;
};

/// Wall time per call of a prepared program, accumulated over invocations.
struct CallProfile {
  std::vector<double> seconds; ///< per call, in program order
  int64_t invocations = 0;     ///< invocations accumulated
};

/// Concrete shape of a tensor under symbol bindings; throws `Error` naming the
/// tensor if a symbol is unbound or the byte size overflows.
std::vector<int64_t> bindShape(const TensorDesc &t, const std::map<std::string, int64_t> &symbols);

/// Byte size of a concrete shape with overflow checks (throws `Error`).
uint64_t byteSize(DType dtype, const std::vector<int64_t> &shape, const std::string &what);

class ThreadPool;

/// A loaded, executable model.
class Session {
public:
  /// Validates every call of every program (creating its kernel) and
  /// allocates and fills the persistent tensors. Throws `Error`.
  Session(const ModelDesc &model, SessionOptions options);
  ~Session();
  Session(const Session &) = delete;
  Session &operator=(const Session &) = delete;

  /// The model this session executes.
  const ModelDesc &model() const { return model_; }

  /// Refuses a program whose kernels this build or backend lacks. Binds
  /// symbols for `program`, plans the arena, checks that the plan fits
  /// in memory (see `SessionOptions::memoryLimit`) and prepares kernels.
  /// Re-preparing with other bindings replaces the previous plan (and
  /// invalidates earlier `input`/`output` refs); after a failed prepare the
  /// program is unprepared. Bindings of symbols the program does not use are
  /// ignored.
  void prepare(const std::string &program, const std::map<std::string, int64_t> &symbols);
  /// Runs a prepared program: its calls in order on the session's pool.
  /// Under `checkNumerics`, throws `NonFiniteError` after the first call
  /// that leaves a NaN or Inf in an output.
  void invoke(const std::string &program);

  /// The i-th input of a prepared program (storage in its arena).
  TensorRef input(const std::string &program, size_t i);
  /// The i-th output of a prepared program (storage in its arena).
  TensorRef output(const std::string &program, size_t i);
  /// The memory plan of a prepared program.
  const MemoryPlan &plan(const std::string &program) const;

  /// Per-call wall time since `prepare` or `resetProfile`; throws unless
  /// the session was created with `SessionOptions::profile`.
  const CallProfile &callProfile(const std::string &program) const;
  /// Zeroes the accumulated times of a prepared program.
  void resetProfile(const std::string &program);

  /// A persistent tensor (parameter/state/constant) by tensor id.
  TensorRef persistent(int32_t tensorId);
  /// Total bytes of the persistent tensors.
  uint64_t persistentBytes() const { return persistentBytes_; }
  /// The session's device (Backend::Cuda), else nullptr.
  Device *device() const { return device_.get(); }

private:
  struct Prepared;
  const ModelDesc &model_;
  SessionOptions options_;
  std::unique_ptr<ThreadPool> pool_;
  std::unique_ptr<Device> device_; // Backend::Cuda only; outlives the buffers
  /// Scratch shared by the CPU kernels of every program (ScratchPool.h).
  std::unique_ptr<ScratchPool> scratch_ = std::make_unique<ScratchPool>();
  std::vector<AlignedBuffer> persistentStorage_; // by tensor id (empty if not persistent)
  // Backend::Cuda: the device copies of the persistent tensors, whether the
  // host copy is current, and whether the host copy was handed out (and
  // must be uploaded before the next invoke); all by tensor id.
  std::vector<DeviceBuffer> devicePersistent_;
  std::vector<uint8_t> hostCurrent_, hostHandedOut_;
  uint64_t persistentBytes_ = 0;
  std::map<std::string, std::unique_ptr<Prepared>> prepared_;
  std::map<std::string, std::vector<std::unique_ptr<Kernel>>> kernels_; // by program
  /// Programs that need kernels this build or backend lacks -> why; `prepare`
  /// refuses them.
  std::map<std::string, std::string> unavailable_;

  /// The description of `program`, or throws listing the known programs.
  const ProgramDesc &programDesc(const std::string &program) const;
  /// The prepared state of `program`, or throws if it is unknown/unprepared.
  Prepared &preparedProgram(const std::string &program);
  /// The prepared state of `program`, or throws if it is unknown/unprepared.
  const Prepared &preparedProgram(const std::string &program) const;
  /// The ref of tensor `id` of a program in `prepared` (arena or persistent).
  TensorRef tensorRef(const Prepared &prepared, int32_t id);
  /// The ref kernels see for tensor `id`: on the device for Backend::Cuda.
  TensorRef kernelRef(const Prepared &prepared, int32_t id);
  /// Backend::Cuda: allocates the host staging buffers of the program's
  /// inputs and outputs.
  void stageProgramIo(const ProgramDesc &desc, Prepared &p);
  /// Backend::Cuda: uploads handed-out persistent tensors and the inputs.
  void uploadBeforeInvoke(const ProgramDesc &desc, Prepared &p);
  /// Backend::Cuda: downloads the outputs; marks written state stale.
  void downloadAfterInvoke(const ProgramDesc &desc, Prepared &p);
  /// Throws if an arena of `arenaBytes` does not fit in the memory
  /// available.
  void checkPlanFits(const std::string &program,
                     const std::map<std::string, int64_t> &symbols,
                     uint64_t arenaBytes) const;
  /// `invoke` with numerics checks and/or timing.
  void invokeInstrumented(const ProgramDesc &desc, Prepared &p);
  /// Arena tensor i of a prepared program's inputs or outputs.
  TensorRef programOperand(const std::string &program, size_t i, bool output);
};

/// Fills `out` (row-major, `numel` elements of `dtype`) following `init`.
/// Deterministic: value j depends only on (spec, j), see InitRandom.h and
/// docs/runtime.md § Initialisation. Complex dtypes get 2 * numel reals.
/// An empty kind means zeros. Throws `Error` for an unknown kind, an invalid
/// spec, or a random kind on an integer dtype.
void initializeTensor(const InitSpec &init, DType dtype, int64_t numel, void *out,
                      const std::string &tensorName);

} // namespace shodh
