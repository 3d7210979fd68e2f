//===- ProgramVerifier.cpp - Semantic checks of one program ---------------===//
//
// Walks a program's calls in order, tracking for every arena tensor (roles
// input, output, activation, gradient) where it is defined (a program input,
// or the one call that writes it) and the last call that reads it. Then
// checks the lifetime table against that: exactly one entry per arena tensor
// the program uses, 0 <= first <= last <= #calls, inputs live from 0, the
// writing call k inside [first, last], every reading call j <= last, and
// program outputs live until #calls.
//
//===----------------------------------------------------------------------===//
#include "runtime/format/ModelVerifier.h"

#include <fmt/format.h>

namespace shodh {
namespace format {
namespace {

/// Definition markers for `ProgramChecker::def_`.
constexpr int kUndefined = -2;
constexpr int kProgramInput = -1;

/// Checks one program; see the file comment for the rules.
class ProgramChecker {
public:
  ProgramChecker(const ModelDesc &model, const ProgramDesc &program,
                 const std::string &file)
      : model_(model), program_(program), file_(file),
        def_(model.tensors.size(), kUndefined),
        lastRead_(model.tensors.size(), -1), used_(model.tensors.size(), false),
        isOutput_(model.tensors.size(), false),
        lifetime_(model.tensors.size(), -1) {}

  /// Runs all checks; throws `Error` on the first failure.
  void run();

private:
  [[noreturn]] void fail(const std::string &message) const;
  std::string callLabel(size_t k) const;
  std::string label(int32_t id) const { return tensorLabel(model_, id); }
  bool isArena(int32_t id) const {
    return !isPersistent(model_.tensors[id].role);
  }
  void checkId(int32_t id, const std::string &where) const;
  void checkInputs();
  void checkCallHeader(size_t k);
  void checkCallReads(size_t k);
  void checkCallWrites(size_t k);
  void checkOutputs();
  void collectLifetimes();
  void checkCoverage(int32_t id) const;

  const ModelDesc &model_;
  const ProgramDesc &program_;
  const std::string &file_;
  std::vector<int> def_;      ///< kUndefined, kProgramInput or the writing call
  std::vector<int> lastRead_; ///< last reading call, or -1
  std::vector<bool> used_;    ///< arena tensor referenced by the program
  std::vector<bool> isOutput_; ///< listed among the program outputs
  std::vector<int> lifetime_;  ///< index into program_.lifetimes, or -1
};

/// Throws with the file and program named.
void ProgramChecker::fail(const std::string &message) const {
  failVerify(file_, fmt::format("program '{}'{}", program_.name, message));
}

/// ", call 2 (gelu)".
std::string ProgramChecker::callLabel(size_t k) const {
  return fmt::format(", call {} ({})", k, program_.calls[k].kernel);
}

/// Checks that `id` names a tensor of the model.
void ProgramChecker::checkId(int32_t id, const std::string &where) const {
  if (id < 0 || static_cast<size_t>(id) >= model_.tensors.size())
    fail(fmt::format("{} refers to tensor {}, but the model has {} tensors",
                     where, id, model_.tensors.size()));
}

/// Program inputs: valid ids, role input, listed once; defined at entry.
void ProgramChecker::checkInputs() {
  for (size_t i = 0; i < program_.inputs.size(); ++i) {
    int32_t id = program_.inputs[i];
    checkId(id, fmt::format(": input {}", i));
    if (model_.tensors[id].role != TensorRole::Input)
      fail(fmt::format(": input {} has role {}, not input", label(id),
                       roleName(model_.tensors[id].role)));
    if (def_[id] == kProgramInput)
      fail(fmt::format(" lists input {} twice", label(id)));
    def_[id] = kProgramInput;
    used_[id] = true;
  }
}

/// Kernel name, attribute names and operand ids of call `k`.
void ProgramChecker::checkCallHeader(size_t k) {
  const KernelCall &call = program_.calls[k];
  if (call.kernel.empty())
    fail(fmt::format(", call {} has an empty kernel name", k));
  for (size_t a = 0; a < call.attrs.size(); ++a) {
    if (call.attrs[a].name.empty())
      fail(fmt::format("{}: attribute {} has an empty name", callLabel(k), a));
    for (size_t b = 0; b < a; ++b)
      if (call.attrs[b].name == call.attrs[a].name)
        fail(fmt::format("{}: attribute '{}' is given twice", callLabel(k),
                         call.attrs[a].name));
  }
  for (size_t i = 0; i < call.inputs.size(); ++i)
    checkId(call.inputs[i], fmt::format("{} input {}", callLabel(k), i));
  for (size_t i = 0; i < call.outputs.size(); ++i)
    checkId(call.outputs[i], fmt::format("{} output {}", callLabel(k), i));
}

/// Call `k` may only read arena tensors defined before it.
void ProgramChecker::checkCallReads(size_t k) {
  for (int32_t id : program_.calls[k].inputs) {
    if (!isArena(id))
      continue;
    if (def_[id] == kUndefined || def_[id] == static_cast<int>(k))
      fail(fmt::format("{} reads tensor {} before it is written", callLabel(k),
                       label(id)));
    lastRead_[id] = static_cast<int>(k);
    used_[id] = true;
  }
}

/// Call `k` writes arena tensors (once each) or parameters/state, never
/// constants or program inputs.
void ProgramChecker::checkCallWrites(size_t k) {
  for (int32_t id : program_.calls[k].outputs) {
    TensorRole role = model_.tensors[id].role;
    if (role == TensorRole::Constant)
      fail(
          fmt::format("{} writes constant tensor {}", callLabel(k), label(id)));
    if (!isArena(id))
      continue;
    if (def_[id] == kProgramInput)
      fail(fmt::format("{} writes program input {}", callLabel(k), label(id)));
    if (def_[id] != kUndefined)
      fail(fmt::format("{} writes tensor {}, already written by call {}",
                       callLabel(k), label(id), def_[id]));
    def_[id] = static_cast<int>(k);
    used_[id] = true;
  }
}

/// Program outputs: valid ids, listed once, arena outputs defined.
void ProgramChecker::checkOutputs() {
  for (size_t i = 0; i < program_.outputs.size(); ++i) {
    int32_t id = program_.outputs[i];
    checkId(id, fmt::format(": output {}", i));
    if (isOutput_[id])
      fail(fmt::format(" lists output {} twice", label(id)));
    isOutput_[id] = true;
    if (!isArena(id))
      continue;
    if (def_[id] == kUndefined)
      fail(fmt::format(": output {} is never written", label(id)));
    used_[id] = true;
  }
}

/// Lifetime entries: valid, for used arena tensors only, one per tensor,
/// 0 <= first <= last <= #calls.
void ProgramChecker::collectLifetimes() {
  const int numCalls = static_cast<int>(program_.calls.size());
  for (size_t i = 0; i < program_.lifetimes.size(); ++i) {
    const Lifetime &l = program_.lifetimes[i];
    checkId(l.tensor, fmt::format(": lifetime {}", i));
    if (!isArena(l.tensor))
      fail(fmt::format(
          " has a lifetime for {} tensor {}, which is not in the arena",
          roleName(model_.tensors[l.tensor].role), label(l.tensor)));
    if (!used_[l.tensor])
      fail(fmt::format(" has a lifetime for tensor {}, which it does not use",
                       label(l.tensor)));
    if (lifetime_[l.tensor] >= 0)
      fail(fmt::format(" has two lifetimes for tensor {}", label(l.tensor)));
    if (l.first < 0 || l.first > l.last || l.last > numCalls)
      fail(fmt::format(": lifetime [{}, {}] of tensor {} is invalid (need 0 <= "
                       "first <= last "
                       "<= {})",
                       l.first, l.last, label(l.tensor), numCalls));
    lifetime_[l.tensor] = static_cast<int>(i);
  }
}

/// The lifetime of used arena tensor `id` covers its definition and uses.
void ProgramChecker::checkCoverage(int32_t id) const {
  if (lifetime_[id] < 0)
    fail(fmt::format(" has no lifetime for tensor {}", label(id)));
  const Lifetime &l = program_.lifetimes[lifetime_[id]];
  std::string range =
      fmt::format("lifetime [{}, {}] of tensor {}", l.first, l.last, label(id));
  if (def_[id] == kProgramInput && l.first != 0)
    fail(fmt::format(": {} must start at 0 (it is a program input)", range));
  if (def_[id] >= 0 && (l.first > def_[id] || l.last < def_[id]))
    fail(fmt::format(": {} does not cover its definition by call {}", range,
                     def_[id]));
  if (lastRead_[id] > l.last)
    fail(fmt::format(": {} ends before its use by call {}", range,
                     lastRead_[id]));
  if (isOutput_[id] && l.last != static_cast<int>(program_.calls.size()))
    fail(fmt::format(": {} must end at {} (it is a program output)", range,
                     program_.calls.size()));
}

void ProgramChecker::run() {
  checkInputs();
  for (size_t k = 0; k < program_.calls.size(); ++k) {
    checkCallHeader(k);
    checkCallReads(k);
    checkCallWrites(k);
  }
  checkOutputs();
  collectLifetimes();
  for (size_t id = 0; id < model_.tensors.size(); ++id)
    if (used_[id])
      checkCoverage(static_cast<int32_t>(id));
}

} // namespace

void verifyProgram(const ModelDesc &model, const ProgramDesc &program,
                   const std::string &file) {
  ProgramChecker(model, program, file).run();
}

} // namespace format
} // namespace shodh
