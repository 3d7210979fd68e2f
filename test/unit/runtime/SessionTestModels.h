//===- SessionTestModels.h - In-memory models for Session tests -----------===//
//
// `mlpModel` builds x -> linear -> gelu -> linear -> y with a symbolic batch
// "B", written the way the compiler emits models (lifetimes included), with
// one parameter stored in the data section and the others from init specs.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/format/ModelDesc.h"

#include <cstring>

namespace shodh::testing {

/// Tensor ids of `mlpModel`.
enum MlpTensor : int32_t { kX, kW1, kB1, kH1, kH2, kW2, kB2, kY };

/// Sizes of `mlpModel`.
struct MlpSizes {
  int64_t cin = 4, hidden = 8, cout = 3, spatial = 5;
};

/// An f32 tensor description.
inline TensorDesc describe(const std::string &name, std::vector<Dim> shape,
                           TensorRole role, InitSpec init = {}) {
  TensorDesc d;
  d.name = name, d.shape = std::move(shape), d.role = role,
  d.init = std::move(init);
  return d;
}

/// A tensor description with a leading batch dim "B".
inline TensorDesc batched(const std::string &name, int64_t c, int64_t s,
                          TensorRole role) {
  return describe(name, {Dim::named("B"), Dim::fixed(c), Dim::fixed(s)}, role);
}

/// The infer program: linear(x, w1, b1) -> gelu -> linear(h2, w2, b2).
inline ProgramDesc mlpProgram() {
  ProgramDesc p{"infer", {kX}, {kY}, {}, {}};
  p.calls.push_back(
      KernelCall{"linear", {kX, kW1, kB1}, {kH1}, {{"axis", int64_t(1)}}});
  p.calls.push_back(
      KernelCall{"gelu", {kH1}, {kH2}, {{"approximate", std::string("none")}}});
  p.calls.push_back(
      KernelCall{"linear", {kH2, kW2, kB2}, {kY}, {{"axis", int64_t(1)}}});
  p.lifetimes = {{kX, 0, 0}, {kH1, 0, 1}, {kH2, 1, 2}, {kY, 2, 3}};
  return p;
}

/// b1 [hidden] stored in the data section: b1[o] = 0.05 * o - 0.1.
inline void storeBias(ModelDesc &m, int64_t hidden) {
  m.data.assign(64 + size_t(hidden) * 4,
                0); // offset 64: data offsets are 64-aligned
  for (int64_t o = 0; o < hidden; ++o) {
    float v = 0.05f * float(o) - 0.1f;
    std::memcpy(m.data.data() + 64 + o * 4, &v, 4);
  }
  m.tensors[kB1].data = DataRef{64, uint64_t(hidden) * 4};
}

/// The whole two-layer model.
inline ModelDesc mlpModel(MlpSizes s = {}) {
  ModelDesc m;
  using R = TensorRole;
  m.tensors = {
      batched("x", s.cin, s.spatial, R::Input),
      describe("w1", {Dim::fixed(s.hidden), Dim::fixed(s.cin)}, R::Parameter,
               InitSpec{"fan_in_uniform", 0, 0, s.cin, 1}),
      describe("b1", {Dim::fixed(s.hidden)}, R::Parameter),
      batched("h1", s.hidden, s.spatial, R::Activation),
      batched("h2", s.hidden, s.spatial, R::Activation),
      describe("w2", {Dim::fixed(s.cout), Dim::fixed(s.hidden)}, R::Parameter,
               InitSpec{"normal", 0.0, 0.3, 0, 2}),
      describe("b2", {Dim::fixed(s.cout)}, R::Constant,
               InitSpec{"constant", 0.1, 0, 0, 0}),
      batched("y", s.cout, s.spatial, R::Output),
  };
  storeBias(m, s.hidden);
  m.programs.push_back(mlpProgram());
  return m;
}

} // namespace shodh::testing
