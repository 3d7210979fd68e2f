//===- ScalarPdeLayout.cpp - HDF5 channel layout of the scalar PDE data ---===//
#include "runtime/data/gen/ScalarPdeLayout.h"
#include "runtime/support/Status.h"

#include <fmt/format.h>

namespace shodh {
namespace {

/// Coefficient channels of the mixed layout, in order.
const std::vector<std::string> &mixedCoefficientNames() {
  static const std::vector<std::string> names = {
      "K11", "K22", "K12", "vx", "vy", "helm_diff", "omega"};
  return names;
}

/// Position of tensor column 0 of `pde` in the mixed coefficient channels.
size_t mixedOffset(ScalarPde pde) {
  return pde == ScalarPde::Helmholtz ? 5 : 0;
}

} // namespace

std::vector<std::string> tensorColumnNames(ScalarPde pde) {
  switch (pde) {
  case ScalarPde::Poisson:
    return {"K11", "K22", "K12"};
  case ScalarPde::AdvectionDiffusion:
    return {"K11", "K22", "K12", "vx", "vy"};
  case ScalarPde::Helmholtz:
    return {"helm_diff", "omega"};
  }
  return {};
}

std::vector<std::string> inputChannelNames(ScalarPde pde, bool mixed) {
  std::vector<std::string> names = {"source"};
  for (const std::string &n :
       mixed ? mixedCoefficientNames() : tensorColumnNames(pde))
    names.push_back(n);
  return names;
}

std::vector<double> inputCoefficientValues(ScalarPde pde,
                                           const std::vector<double> &tensor,
                                           bool mixed) {
  size_t columns = tensorColumnNames(pde).size();
  if (tensor.size() != columns)
    throw Error(fmt::format("{}: a sample has {} coefficients, expected {}",
                            scalarPdeName(pde), tensor.size(), columns));
  if (!mixed)
    return tensor;
  std::vector<double> values(mixedCoefficientNames().size(), 0.0);
  for (size_t i = 0; i < columns; ++i)
    values[mixedOffset(pde) + i] = tensor[i];
  return values;
}

} // namespace shodh
