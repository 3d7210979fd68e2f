//===- ModelDesc.cpp - Helpers of the in-memory model description ---------===//
#include "runtime/format/ModelDesc.h"

namespace shodh {

size_t dtypeSize(DType t) {
  switch (t) {
  case DType::F32:
  case DType::I32:
    return 4;
  case DType::F64:
  case DType::C64:
  case DType::I64:
    return 8;
  case DType::C128:
    return 16;
  }
  return 0;
}

const char *dtypeName(DType t) {
  switch (t) {
  case DType::F32:
    return "f32";
  case DType::F64:
    return "f64";
  case DType::C64:
    return "complex<f32>";
  case DType::C128:
    return "complex<f64>";
  case DType::I32:
    return "i32";
  case DType::I64:
    return "i64";
  }
  return "unknown";
}

const char *roleName(TensorRole r) {
  switch (r) {
  case TensorRole::Parameter:
    return "parameter";
  case TensorRole::State:
    return "state";
  case TensorRole::Input:
    return "input";
  case TensorRole::Output:
    return "output";
  case TensorRole::Activation:
    return "activation";
  case TensorRole::Gradient:
    return "gradient";
  case TensorRole::Constant:
    return "constant";
  }
  return "unknown";
}

bool isPersistent(TensorRole r) {
  return r == TensorRole::Parameter || r == TensorRole::State || r == TensorRole::Constant;
}

namespace {
thread_local std::vector<std::string> *attrReads = nullptr;
} // namespace

AttrReadRecorder::AttrReadRecorder(std::vector<std::string> &names) {
  attrReads = &names;
}

AttrReadRecorder::~AttrReadRecorder() { attrReads = nullptr; }

const AttrValue *KernelCall::attr(const std::string &name) const {
  if (attrReads)
    attrReads->push_back(name);
  for (const NamedAttr &a : attrs)
    if (a.name == name)
      return &a.value;
  return nullptr;
}

int32_t ModelDesc::findTensor(const std::string &name) const {
  for (size_t i = 0; i < tensors.size(); ++i)
    if (tensors[i].name == name)
      return static_cast<int32_t>(i);
  return -1;
}

const ProgramDesc *ModelDesc::findProgram(const std::string &name) const {
  for (const ProgramDesc &p : programs)
    if (p.name == name)
      return &p;
  return nullptr;
}

} // namespace shodh
