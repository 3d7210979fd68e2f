//===- Session.h - Executing a loaded model: prepare, then invoke ---------===//
//
// A `Session` owns the persistent tensors of a model (parameters and state,
// initialised from the data section or from their init specs) and, per
// prepared program, an arena for its inputs, outputs and activations.
//
//   Session s(model, {.threads = 2});        // validates every kernel call
//   s.prepare("infer", {{"B", 16}});          // binds symbols, plans, allocates
//   copy into s.input(0).data ... ; s.invoke("infer"); read s.output(0)
//
// Construction throws `shodh::Error` naming the program and call when a
// kernel is unknown for the backend or a call is inconsistent.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/core/Kernel.h"
#include "runtime/core/MemoryPlanner.h"
#include "runtime/format/ModelDesc.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace shodh {

/// Options for a session.
struct SessionOptions {
  int threads = 1;
  Backend backend = Backend::Cpu;
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
  Session(const ModelDesc &model, SessionOptions options);
  ~Session();
  Session(const Session &) = delete;
  Session &operator=(const Session &) = delete;

  const ModelDesc &model() const { return model_; }

  /// Binds symbols for `program`, plans the arena and prepares kernels.
  /// Re-preparing with other bindings replaces the previous plan.
  void prepare(const std::string &program, const std::map<std::string, int64_t> &symbols);
  /// Runs a prepared program.
  void invoke(const std::string &program);

  /// The i-th input / output of a prepared program (storage in its arena).
  TensorRef input(const std::string &program, size_t i);
  TensorRef output(const std::string &program, size_t i);
  /// The memory plan of a prepared program.
  const MemoryPlan &plan(const std::string &program) const;

  /// A persistent tensor (parameter/state/constant) by tensor id.
  TensorRef persistent(int32_t tensorId);

private:
  struct Prepared;
  const ModelDesc &model_;
  SessionOptions options_;
  std::unique_ptr<ThreadPool> pool_;
  std::vector<std::vector<uint8_t>> persistentStorage_; // by tensor id (empty if not persistent)
  std::map<std::string, std::unique_ptr<Prepared>> prepared_;
  std::map<std::string, std::vector<std::unique_ptr<Kernel>>> kernels_; // by program

  Prepared &preparedProgram(const std::string &program);
  const Prepared &preparedProgram(const std::string &program) const;
};

/// Fills `out` (row-major, `numel` elements of `dtype`) following `init`.
/// Deterministic: depends only on the spec (seed included). Documented in
/// docs/model-file.md. Throws `Error` for an unknown kind.
void initializeTensor(const InitSpec &init, DType dtype, int64_t numel, void *out,
                      const std::string &tensorName);

} // namespace shodh
