//===- ModelText.cpp - Human-readable rendering of model-file pieces ------===//
#include "tools/shodh-run/ModelText.h"
#include "runtime/format/ModelFile.h"

#include <fmt/format.h>

namespace shodh {

std::string formatDims(const std::vector<Dim> &shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? ", " : "") + (shape[i].isStatic() ? std::to_string(shape[i].size) : shape[i].symbol);
  return s + "]";
}

std::string formatTensorType(const TensorDesc &t) {
  return fmt::format("{} {}", dtypeName(t.dtype), formatDims(t.shape));
}

std::string formatInit(const InitSpec &init) {
  if (init.kind.empty())
    return "";
  std::string args;
  if (init.kind == "constant")
    args = fmt::format("value={}, ", init.a);
  else if (init.kind == "uniform")
    args = init.fan > 0 ? fmt::format("low={}, high={}, fan={}, ", init.a, init.b, init.fan)
                        : fmt::format("low={}, high={}, ", init.a, init.b);
  else if (init.kind == "normal")
    args = fmt::format("mean={}, std={}, ", init.a, init.b);
  else if (init.kind == "fan_in_uniform")
    args = fmt::format("fan={}, ", init.fan);
  return fmt::format("{}({}seed={})", init.kind, args, init.seed);
}

std::string formatAttr(const NamedAttr &attr) {
  struct Visitor {
    std::string operator()(int64_t v) const { return std::to_string(v); }
    std::string operator()(double v) const { return fmt::format("{}", v); }
    std::string operator()(const std::string &v) const { return v; }
    std::string operator()(const std::vector<int64_t> &v) const {
      return fmt::format("[{}]", fmt::join(v, ", "));
    }
    std::string operator()(const std::vector<double> &v) const {
      return fmt::format("[{}]", fmt::join(v, ", "));
    }
  };
  return attr.name + "=" + std::visit(Visitor{}, attr.value);
}

std::string formatBytes(uint64_t bytes) {
  if (bytes < 1024)
    return fmt::format("{} B", bytes);
  if (bytes < (uint64_t(1) << 20))
    return fmt::format("{:.1f} KiB", bytes / 1024.0);
  if (bytes < (uint64_t(1) << 30))
    return fmt::format("{:.1f} MiB", bytes / 1048576.0);
  return fmt::format("{:.2f} GiB", bytes / 1073741824.0);
}

ModelDesc loadModelOrThrow(const std::string &path) {
  ModelDesc model;
  Status s = loadModelFile(path, model);
  if (!s.ok())
    throw Error(s.message());
  return model;
}

} // namespace shodh
