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
    if (t.dtype != DType::F32 && t.dtype != DType::C64)
      throw Error(fmt::format(
          "{}: parameter '{}' is {}; only f32 and complex<f32> are supported",
          what, t.name, dtypeName(t.dtype)));
    TensorRef ref = session.persistent(static_cast<int32_t>(i));
    FloatArray a{ref.shape, {}};
    int64_t floats = ref.numel();
    if (t.dtype == DType::C64)
      a.shape.push_back(2), floats *= 2;
    a.values.assign(ref.as<float>(), ref.as<float>() + floats);
    w.writeFloats(t.name, a);
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
