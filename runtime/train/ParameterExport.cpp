//===- ParameterExport.cpp - Parameters as HDF5 datasets ------------------===//
#include "runtime/train/ParameterExport.h"
#include "runtime/data/Hdf5File.h"
#include "runtime/support/Status.h"
#include "runtime/train/Checkpoint.h"

#include <fmt/format.h>

namespace shodh {

namespace {

/// Writes one statistics vector as an f64 [C] dataset.
void writeStats(Hdf5Writer &w, const char *name, const std::vector<double> &v) {
  w.writeDoubles(name, {static_cast<int64_t>(v.size())}, v);
}

} // namespace

int64_t writeParametersHdf5(Session &session, const std::string &path,
                            const std::string &what, const Normalizer *norm) {
  const ModelDesc &m = session.model();
  Hdf5Writer w(path);
  int64_t count = 0;
  for (size_t i = 0; i < m.tensors.size(); ++i) {
    const TensorDesc &t = m.tensors[i];
    if (t.role != TensorRole::Parameter)
      continue;
    if (t.dtype != DType::F32 && t.dtype != DType::C64 &&
        t.dtype != DType::F64 && t.dtype != DType::C128)
      throw Error(
          fmt::format("{}: parameter '{}' is {}; only f32, f64 and complex "
                      "parameters can be written",
                      what, t.name, dtypeName(t.dtype)));
    TensorRef ref = session.persistent(static_cast<int32_t>(i));
    std::vector<int64_t> shape = ref.shape;
    int64_t values = ref.numel();
    const bool complex = t.dtype == DType::C64 || t.dtype == DType::C128;
    if (complex) // (..., 2): real, imaginary
      shape.push_back(2), values *= 2;
    if (t.dtype == DType::F64 || t.dtype == DType::C128) // kept in double
      w.writeDoubles(
          t.name, shape,
          std::vector<double>(ref.as<double>(), ref.as<double>() + values));
    else
      w.writeFloats(t.name, FloatArray{shape, std::vector<float>(
                                                  ref.as<float>(),
                                                  ref.as<float>() + values)});
    ++count;
  }
  if (norm) {
    writeStats(w, kNormInputMean, norm->inputs.mean);
    writeStats(w, kNormInputStd, norm->inputs.std);
    writeStats(w, kNormTargetMean, norm->targets.mean);
    writeStats(w, kNormTargetStd, norm->targets.std);
  }
  w.commit();
  return count;
}

} // namespace shodh
