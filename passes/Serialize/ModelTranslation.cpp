//===- ModelTranslation.cpp - shodh IR to a model description -------------===//
//
// Builds a `shodh::ModelDesc` from a lowered module: metadata (versions,
// source hash, target, hyperparameters and the training configuration as
// "train.<key>"), one tensor per parameter, state, function argument and
// kernel result, and one program per function with its kernel calls and the
// live ranges set by --shodh-lifetimes.
//
// In-place writes: a call's `writes` (parameters, state) are appended to its
// outputs by tensor id; a result with an `in_place` input is an error (the
// model file allows one writer per arena tensor). Arena
// tensors read by a call that writes a parameter (the optimizer's gradient
// operand) get role `gradient` and the name "<func>.grad.<param>".
//
// Tensor names: parameters keep their symbol name; arguments are
// "<func>.<shodh.name>" or "<func>.arg<i>"; returned values are
// "<func>.<result shodh.name>" or "<func>.out<i>"; other kernel results are
// "<func>.<kernel><call index>" (with ".<r>" for result r > 0). Dynamic
// dimensions are the batch symbol "B".
//
//===----------------------------------------------------------------------===//
#include "passes/Serialize/ModelTranslation.h"
#include "dialect/Hyperparams.h"
#include "dialect/InitSpec.h"
#include "dialect/ShodhOps.h"
#include "dialect/TrainConfig.h"
#include "runtime/format/ModelFile.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/SHA256.h"

using namespace mlir;
using namespace mlir::shodh;

std::string mlir::shodh::sha256Hex(StringRef text) {
  std::array<uint8_t, 32> digest =
      llvm::SHA256::hash(llvm::arrayRefFromStringRef(text));
  return llvm::toHex(digest, /*LowerCase=*/true);
}

namespace {

/// Maps a builtin element type to the file's dtype.
std::optional<::shodh::DType> convertElementType(Type type) {
  if (type.isF32())
    return ::shodh::DType::F32;
  if (type.isF64())
    return ::shodh::DType::F64;
  if (type.isSignlessInteger(32))
    return ::shodh::DType::I32;
  if (type.isSignlessInteger(64))
    return ::shodh::DType::I64;
  if (auto complex = dyn_cast<ComplexType>(type)) {
    if (complex.getElementType().isF32())
      return ::shodh::DType::C64;
    if (complex.getElementType().isF64())
      return ::shodh::DType::C128;
  }
  return std::nullopt;
}

/// Converts a kernel attribute or hyperparameter value; nullopt if the
/// attribute kind has no file representation.
std::optional<::shodh::AttrValue> convertAttrValue(Attribute attr) {
  if (auto b = dyn_cast<BoolAttr>(attr))
    return int64_t(b.getValue());
  if (auto i = dyn_cast<IntegerAttr>(attr))
    return i.getValue().getSExtValue();
  if (auto f = dyn_cast<FloatAttr>(attr))
    return f.getValueAsDouble();
  if (auto s = dyn_cast<StringAttr>(attr))
    return s.str();
  if (auto a = dyn_cast<DenseI64ArrayAttr>(attr))
    return std::vector<int64_t>(a.asArrayRef().begin(), a.asArrayRef().end());
  if (auto a = dyn_cast<DenseF64ArrayAttr>(attr))
    return std::vector<double>(a.asArrayRef().begin(), a.asArrayRef().end());
  if (auto d = dyn_cast<DenseIntElementsAttr>(attr)) {
    std::vector<int64_t> values;
    for (const APInt &v : d.getValues<APInt>())
      values.push_back(v.getSExtValue());
    return values;
  }
  if (auto d = dyn_cast<DenseFPElementsAttr>(attr)) {
    std::vector<double> values;
    for (const APFloat &v : d.getValues<APFloat>())
      values.push_back(v.convertToDouble());
    return values;
  }
  return std::nullopt;
}

/// Converts an array of integer or float attributes into a vector.
std::optional<::shodh::AttrValue> convertArrayValue(ArrayAttr array) {
  if (llvm::all_of(array, [](Attribute a) { return isa<IntegerAttr>(a); })) {
    std::vector<int64_t> values;
    for (Attribute a : array)
      values.push_back(cast<IntegerAttr>(a).getInt());
    return values;
  }
  if (llvm::all_of(array, [](Attribute a) { return isa<FloatAttr>(a); })) {
    std::vector<double> values;
    for (Attribute a : array)
      values.push_back(cast<FloatAttr>(a).getValueAsDouble());
    return values;
  }
  return std::nullopt;
}

/// Converts any supported attribute, including arrays of scalars.
std::optional<::shodh::AttrValue> convertAnyAttr(Attribute attr) {
  if (auto array = dyn_cast<ArrayAttr>(attr))
    return convertArrayValue(array);
  return convertAttrValue(attr);
}

/// Fills a `shodh::InitSpec` from a resolved init spec.
::shodh::InitSpec convertInit(const ResolvedInit &init) {
  ::shodh::InitSpec spec;
  spec.kind = init.kind;
  spec.a = init.a;
  spec.b = init.b;
  spec.fan = init.fan;
  spec.seed = init.seed;
  return spec;
}

/// Translates one module into a model description.
class ModelTranslator {
public:
  /// Creates a translator filling `model`.
  explicit ModelTranslator(::shodh::ModelDesc &model) : model(model) {}

  /// Translates `module`.
  LogicalResult translate(ModuleOp module, const TranslationOptions &options) {
    if (failed(translateMeta(module, options)))
      return failure();
    for (Operation &op : module.getOps()) {
      if (auto param = dyn_cast<ParamOp>(op);
          param &&
          failed(translateGlobal(param, ::shodh::TensorRole::Parameter)))
        return failure();
      if (auto state = dyn_cast<StateOp>(op);
          state && failed(translateGlobal(state, ::shodh::TensorRole::State)))
        return failure();
    }
    for (func::FuncOp func : module.getOps<func::FuncOp>())
      if (!func.isExternal() && failed(translateFunction(func)))
        return failure();
    return success();
  }

private:
  /// Fills the metadata.
  LogicalResult translateMeta(ModuleOp module,
                              const TranslationOptions &options) {
    ::shodh::ModelMeta &meta = model.meta;
    meta.compilerVersion = kCompilerVersion.str();
    meta.sourceName = options.sourceName;
    meta.sourceHash = sha256Hex(options.sourceText);
    meta.target = options.target;
    if (failed(translateTrainConfig(module)))
      return failure();
    DictionaryAttr hyper = getHyperparams(module);
    if (!hyper)
      return success();
    for (NamedAttribute entry : hyper) {
      std::optional<::shodh::AttrValue> value =
          convertAttrValue(entry.getValue());
      if (!value)
        return module.emitError("hyperparameter '")
               << entry.getName().getValue() << "' cannot be serialized";
      meta.hyperparams.push_back({entry.getName().str(), *value});
    }
    return success();
  }

  /// Records `shodh.train`, defaults filled in, as "train.<key>" entries.
  LogicalResult translateTrainConfig(ModuleOp module) {
    Attribute train = module->getAttr(kTrainAttr);
    if (!train)
      return success();
    auto emitError = [&] { return module.emitError(); };
    FailureOr<TrainConfig> config = parseTrainConfig(emitError, train);
    if (failed(config))
      return failure();
    for (NamedAttribute entry : config->toAttrs(module.getContext()))
      model.meta.hyperparams.push_back(
          {("train." + entry.getName().getValue()).str(),
           *convertAttrValue(entry.getValue())});
    return success();
  }

  /// Appends `tensor` and returns its id.
  int32_t addTensor(::shodh::TensorDesc tensor) {
    model.tensors.push_back(std::move(tensor));
    return static_cast<int32_t>(model.tensors.size() - 1);
  }

  /// Converts `type` into a dtype and shape; dynamic dims become "B" when
  /// `isBatch(dim)` holds and are errors otherwise.
  LogicalResult convertType(Type type, function_ref<bool(unsigned)> isBatch,
                            function_ref<InFlightDiagnostic()> emitError,
                            ::shodh::TensorDesc &tensor) {
    auto ranked = dyn_cast<RankedTensorType>(type);
    std::optional<::shodh::DType> dtype =
        ranked ? convertElementType(ranked.getElementType()) : std::nullopt;
    if (!dtype)
      return emitError() << "has type " << type
                         << "; expected a ranked tensor of f32, f64, "
                            "complex<f32>, complex<f64>, i32 or i64";
    tensor.dtype = *dtype;
    for (auto [index, size] : llvm::enumerate(ranked.getShape())) {
      if (!ShapedType::isDynamic(size)) {
        tensor.shape.push_back(::shodh::Dim::fixed(size));
        continue;
      }
      if (!isBatch(index))
        return emitError() << "has dynamic dimension #" << index << " in "
                           << type << " that is not the batch '" << kBatchSymbol
                           << "'; bind it first";
      tensor.shape.push_back(::shodh::Dim::named(kBatchSymbol.str()));
    }
    return success();
  }

  /// Adds the persistent tensor of a parameter or state `param`.
  template <typename OpT>
  LogicalResult translateGlobal(OpT param, ::shodh::TensorRole role) {
    auto emitError = [&] { return param.emitOpError(); };
    ::shodh::TensorDesc tensor;
    tensor.name = param.getSymName().str();
    tensor.role = role;
    if (failed(convertType(
            param.getTensorType(), [](unsigned) { return false; }, emitError,
            tensor)))
      return failure();
    FailureOr<ResolvedInit> init = resolveInitSpec(
        emitError, param.getInit(), getEnclosingHyperparams(param));
    if (failed(init))
      return failure();
    tensor.init = convertInit(*init);
    params[param.getSymName()] = addTensor(std::move(tensor));
    return success();
  }

  /// Adds the input tensor of argument `index` of `func` to `program`.
  LogicalResult translateArgument(func::FuncOp func, unsigned index,
                                  ::shodh::ProgramDesc &program) {
    auto emitError = [&] {
      return func.emitOpError("argument #") << index << " ";
    };
    auto dims = func.getArgAttrOfType<ArrayAttr>(index, kDimsAttr);
    auto isBatch = [&](unsigned dim) {
      auto name = dims && dim < dims.size() ? dyn_cast<StringAttr>(dims[dim])
                                            : StringAttr();
      return name && name.getValue() == kBatchSymbol;
    };
    auto live = func.getArgAttrOfType<DenseI64ArrayAttr>(index, kLiveAttr);
    if (!live)
      return emitError() << "has no '" << kLiveAttr
                         << "' range; run --shodh-lifetimes first";
    ::shodh::TensorDesc tensor;
    auto name = func.getArgAttrOfType<StringAttr>(index, kNameAttr);
    tensor.name = (func.getSymName() + "." +
                   (name ? name.getValue() : "arg" + std::to_string(index)))
                      .str();
    tensor.role = ::shodh::TensorRole::Input;
    if (failed(convertType(func.getArgumentTypes()[index], isBatch, emitError,
                           tensor)))
      return failure();
    int32_t id = addTensor(std::move(tensor));
    ids[func.getArgument(index)] = id;
    program.inputs.push_back(id);
    program.lifetimes.push_back(
        {id, static_cast<int32_t>(live[0]), static_cast<int32_t>(live[1])});
    return success();
  }

  /// Returns the tensor id of `value` used by `user`.
  FailureOr<int32_t> lookupOperand(Value value, Operation *user) {
    if (auto read = value.getDefiningOp<ReadOp>()) {
      auto it = params.find(read.getParam());
      if (it != params.end())
        return it->second;
    }
    auto it = ids.find(value);
    if (it != ids.end())
      return it->second;
    return user->emitOpError("operand is not an argument, parameter read or "
                             "kernel result");
  }

  /// Converts the kernel attributes of `kernel` into `call`.
  LogicalResult translateAttrs(KernelOp kernel, ::shodh::KernelCall &call) {
    DictionaryAttr attrs = kernel.getAttrsAttr();
    if (!attrs)
      return success();
    for (NamedAttribute attr : attrs) {
      std::optional<::shodh::AttrValue> value = convertAnyAttr(attr.getValue());
      if (!value)
        return kernel.emitOpError("attribute '")
               << attr.getName().getValue() << "' of kernel '"
               << kernel.getKernel()
               << "' has no model-file representation: " << attr.getValue();
      call.attrs.push_back({attr.getName().str(), *value});
    }
    return success();
  }

  /// Names the tensor of result `r` of kernel call `index` in `func`.
  std::string resultName(func::FuncOp func, KernelOp kernel, unsigned r,
                         int64_t index) {
    Value result = kernel.getResult(r);
    auto out = outputs.find(result);
    if (out != outputs.end()) {
      auto name = func.getResultAttrOfType<StringAttr>(out->second, kNameAttr);
      return (func.getSymName() + "." +
              (name ? name.getValue() : "out" + std::to_string(out->second)))
          .str();
    }
    std::string name =
        (func.getSymName() + "." + kernel.getKernel() + std::to_string(index))
            .str();
    return r == 0 ? name : name + "." + std::to_string(r);
  }

  /// Adds the tensors of the results of `kernel` and their live ranges.
  LogicalResult translateResults(func::FuncOp func, KernelOp kernel,
                                 int64_t index, ::shodh::KernelCall &call,
                                 ::shodh::ProgramDesc &program) {
    auto live = kernel->getAttrOfType<ArrayAttr>(kLiveAttr);
    if (!live || live.size() != kernel.getNumResults())
      return kernel.emitOpError("has no '")
             << kLiveAttr << "' ranges; run --shodh-lifetimes first";
    for (unsigned r = 0, e = kernel.getNumResults(); r < e; ++r) {
      auto range = cast<DenseI64ArrayAttr>(live[r]);
      // The model file allows one writer per arena tensor (the runtime's
      // verifier rejects a second one), so in-place results have no form.
      if (int64_t input = getInPlaceInput(kernel, r); input >= 0)
        return kernel.emitOpError("result #")
               << r << " overwrites input #" << input
               << " (in_place), which a model file cannot express: each "
                  "arena tensor has one writer";
      auto emitError = [&] {
        return kernel.emitOpError("result #") << r << " ";
      };
      ::shodh::TensorDesc tensor;
      tensor.name = resultName(func, kernel, r, index);
      tensor.role = outputs.count(kernel.getResult(r))
                        ? ::shodh::TensorRole::Output
                        : ::shodh::TensorRole::Activation;
      if (failed(convertType(
              kernel.getResult(r).getType(), [](unsigned) { return true; },
              emitError, tensor)))
        return failure();
      int32_t id = addTensor(std::move(tensor));
      ids[kernel.getResult(r)] = id;
      call.outputs.push_back(id);
      program.lifetimes.push_back(
          {id, static_cast<int32_t>(range[0]), static_cast<int32_t>(range[1])});
    }
    return success();
  }

  /// Returns the input whose tensor result `r` of `kernel` overwrites, or -1.
  static int64_t getInPlaceInput(KernelOp kernel, unsigned r) {
    std::optional<ArrayRef<int64_t>> inPlace = kernel.getInPlace();
    return inPlace && r < inPlace->size() ? (*inPlace)[r] : -1;
  }

  /// Appends the persistent tensors `kernel` writes to `call`'s outputs and
  /// marks the arena tensors it reads as gradients of the parameters.
  LogicalResult translateWrites(func::FuncOp func, KernelOp kernel,
                                ::shodh::KernelCall &call) {
    if (!kernel.getWritesAttr())
      return success();
    for (Attribute attr : kernel.getWritesAttr()) {
      StringRef name = cast<FlatSymbolRefAttr>(attr).getValue();
      auto it = params.find(name);
      if (it == params.end())
        return kernel.emitOpError("writes unknown tensor @") << name;
      call.outputs.push_back(it->second);
      if (model.tensors[it->second].role == ::shodh::TensorRole::Parameter)
        markGradients(func, call, name);
    }
    return success();
  }

  /// Marks the arena activations read by `call` as gradients of `param`.
  void markGradients(func::FuncOp func, const ::shodh::KernelCall &call,
                     StringRef param) {
    for (int32_t id : call.inputs) {
      ::shodh::TensorDesc &tensor = model.tensors[id];
      if (tensor.role != ::shodh::TensorRole::Activation)
        continue;
      tensor.role = ::shodh::TensorRole::Gradient;
      tensor.name = (func.getSymName() + ".grad." + param).str();
    }
  }

  /// Adds the call `kernel` (number `index`) to `program`.
  LogicalResult translateCall(func::FuncOp func, KernelOp kernel, int64_t index,
                              ::shodh::ProgramDesc &program) {
    ::shodh::KernelCall call;
    call.kernel = kernel.getKernel().str();
    for (Value operand : kernel.getInputs()) {
      FailureOr<int32_t> id = lookupOperand(operand, kernel);
      if (failed(id))
        return failure();
      call.inputs.push_back(*id);
    }
    if (failed(translateAttrs(kernel, call)) ||
        failed(translateResults(func, kernel, index, call, program)) ||
        failed(translateWrites(func, kernel, call)))
      return failure();
    program.calls.push_back(std::move(call));
    return success();
  }

  /// Records which values `func` returns, and checks each is a kernel result.
  LogicalResult collectOutputs(func::FuncOp func) {
    outputs.clear();
    Operation *ret = func.getBody().back().getTerminator();
    for (auto [index, value] : llvm::enumerate(ret->getOperands()))
      if (!value.getDefiningOp<KernelOp>() ||
          !outputs.try_emplace(value, index).second)
        return ret->emitOpError("operand #")
               << index << " is not the result of its own kernel call; run "
               << "--shodh-lifetimes first";
    return success();
  }

  /// Adds the program of `func`.
  LogicalResult translateFunction(func::FuncOp func) {
    ::shodh::ProgramDesc program;
    program.name = func.getSymName().str();
    if (failed(collectOutputs(func)))
      return failure();
    for (unsigned i = 0, e = func.getNumArguments(); i < e; ++i)
      if (failed(translateArgument(func, i, program)))
        return failure();
    int64_t index = 0;
    for (Operation &op : func.getBody().getOps()) {
      auto kernel = dyn_cast<KernelOp>(op);
      if (!kernel && !isa<ReadOp, func::ReturnOp>(op))
        return op.emitError("op '") << op.getName()
                                    << "' cannot be serialized; run "
                                       "--shodh-lower-to-kernels first";
      if (kernel && failed(translateCall(func, kernel, index++, program)))
        return failure();
    }
    for (Value value : func.getBody().back().getTerminator()->getOperands())
      program.outputs.push_back(ids.lookup(value));
    model.programs.push_back(std::move(program));
    return success();
  }

  ::shodh::ModelDesc &model;
  /// Tensor ids of arguments and kernel results.
  llvm::DenseMap<Value, int32_t> ids;
  /// Tensor ids of parameters and state by symbol name.
  llvm::StringMap<int32_t> params;
  /// Output index of each value returned by the current function.
  llvm::DenseMap<Value, unsigned> outputs;
};

} // namespace

LogicalResult
mlir::shodh::translateToModelDesc(ModuleOp module,
                                  const TranslationOptions &options,
                                  ::shodh::ModelDesc &model) {
  return ModelTranslator(model).translate(module, options);
}

LogicalResult mlir::shodh::writeModule(ModuleOp module,
                                       const TranslationOptions &options,
                                       StringRef path) {
  ::shodh::ModelDesc model;
  if (failed(translateToModelDesc(module, options, model)))
    return failure();
  ::shodh::Status status = ::shodh::writeModelFile(model, path.str());
  if (!status.ok())
    return module.emitError(status.message());
  return success();
}
