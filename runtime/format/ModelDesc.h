//===- ModelDesc.h - In-memory form of a Shodh model file -----------------===//
//
// `ModelDesc` is the plain C++ mirror of `model.fbs`: the compiler fills one
// and writes it with `writeModelFile`; the runtime reads one with
// `loadModelFile` (which runs the FlatBuffers verifier and semantic checks)
// and executes it. Checkpoints are model files whose parameters and state
// carry data. Nothing here depends on MLIR or on the generated FlatBuffers
// code, so both sides share one definition of the format.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace shodh {

/// Major version of the model-file format this build writes and reads.
/// Files with a larger major are rejected; smaller majors are read.
constexpr uint32_t kSchemaMajor = 1;
/// Minor version: bumped when optional fields are appended.
constexpr uint32_t kSchemaMinor = 0;

/// Element types. Values match `shodh.fb.DType`.
enum class DType : uint8_t { F32 = 0, F64 = 1, C64 = 2, C128 = 3, I32 = 4, I64 = 5 };

/// Size in bytes of one element.
size_t dtypeSize(DType t);
/// Lower-case name ("f32", "complex<f32>", ...).
const char *dtypeName(DType t);

/// What a tensor is for. Values match `shodh.fb.TensorRole`.
enum class TensorRole : uint8_t {
  Parameter = 0,
  State = 1,
  Input = 2,
  Output = 3,
  Activation = 4,
  Gradient = 5,
  Constant = 6
};

/// Lower-case name of a role ("parameter", "state", ...).
const char *roleName(TensorRole r);
/// True for roles that live outside the activation arena (parameter, state, constant).
bool isPersistent(TensorRole r);

/// One dimension: static (`size >= 0`) or symbolic (`size == -1`, `symbol` set).
struct Dim {
  int64_t size = -1;
  std::string symbol;

  static Dim fixed(int64_t n) { return Dim{n, {}}; }
  static Dim named(std::string s) { return Dim{-1, std::move(s)}; }
  bool isStatic() const { return size >= 0; }
  bool operator==(const Dim &o) const { return size == o.size && symbol == o.symbol; }
  bool operator!=(const Dim &o) const { return !(*this == o); }
};

/// Parameter initialisation recipe; see `model.fbs` for the kinds.
struct InitSpec {
  std::string kind; ///< empty: no init spec
  double a = 0.0;
  double b = 0.0;
  int64_t fan = 0;
  uint64_t seed = 0;
};

/// A byte range of the data section.
struct DataRef {
  uint64_t offset = 0;
  uint64_t size = 0;
};

/// A tensor of the model: name, element type, shape, role, init and data.
struct TensorDesc {
  std::string name;
  DType dtype = DType::F32;
  std::vector<Dim> shape;
  TensorRole role = TensorRole::Activation;
  InitSpec init;
  std::optional<DataRef> data;
};

/// Value of a kernel attribute or hyperparameter.
using AttrValue =
    std::variant<int64_t, double, std::string, std::vector<int64_t>, std::vector<double>>;

/// A named attribute.
struct NamedAttr {
  std::string name;
  AttrValue value;
};

/// One step of a program: run `kernel` on `inputs`, writing `outputs`.
struct KernelCall {
  std::string kernel;
  std::vector<int32_t> inputs;
  std::vector<int32_t> outputs;
  std::vector<NamedAttr> attrs;

  /// The attribute named `name`, or nullptr. Every name asked for is noted
  /// while an `AttrReadRecorder` is alive on this thread.
  const AttrValue *attr(const std::string &name) const;
};

/// Notes the attribute names `KernelCall::attr` is asked for on this thread
/// while it is alive (a kernel factory reads its call's attributes through
/// it): instantiation refuses an attribute no one asked for, which would
/// otherwise be ignored and leave the kernel on a default. Not nested.
class AttrReadRecorder {
public:
  explicit AttrReadRecorder(std::vector<std::string> &names);
  ~AttrReadRecorder();
  AttrReadRecorder(const AttrReadRecorder &) = delete;
  AttrReadRecorder &operator=(const AttrReadRecorder &) = delete;
};

/// Live range of an arena tensor, in call indices (inclusive).
struct Lifetime {
  int32_t tensor = 0;
  int32_t first = 0;
  int32_t last = 0;
};

/// An executable program ("infer", "eval", "train_step").
struct ProgramDesc {
  std::string name;
  std::vector<int32_t> inputs;
  std::vector<int32_t> outputs;
  std::vector<KernelCall> calls;
  std::vector<Lifetime> lifetimes;
};

/// File-level metadata.
struct ModelMeta {
  uint32_t schemaMajor = kSchemaMajor;
  uint32_t schemaMinor = kSchemaMinor;
  std::string compilerVersion;
  std::string sourceName;
  std::string sourceHash;
  std::string target = "cpu";
  std::vector<NamedAttr> hyperparams;
};

/// A whole model file: metadata, tensors, programs and the data section.
struct ModelDesc {
  ModelMeta meta;
  std::vector<TensorDesc> tensors;
  std::vector<ProgramDesc> programs;
  /// The data section; `TensorDesc::data` offsets index into it.
  /// Offsets are multiples of 64 so tensors can be used in place.
  std::vector<uint8_t> data;

  /// Index of the tensor named `name`, or -1.
  int32_t findTensor(const std::string &name) const;
  /// The program named `name`, or nullptr.
  const ProgramDesc *findProgram(const std::string &name) const;
};

} // namespace shodh
