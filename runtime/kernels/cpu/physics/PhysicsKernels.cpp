//===- PhysicsKernels.cpp - Registration and validation of physics kernels ===//
//
// Kernel contract (emitted by the compiler's lowering, docs/runtime.md §
// Physics kernels), for x of f32 or f64 [B, C, N_1, .., N_d], d = 2 or 3:
//   div_free_project  [B, d, N...] -> [B, d, N...]; attrs: lengths (Floats)
//   divergence        [B, d, N...] -> [B, 1, N...]; lengths, method
//   divergence_grad   [B, 1, N...] -> [B, d, N...]; lengths, method (= -grad)
//   curl              3D [B, 3, N...] -> [B, 3, N...]; 2D [B, 1, H, W] ->
//                     [B, 2, H, W] (stream function), [B, 2, H, W] ->
//                     [B, 1, H, W] (vorticity); lengths, method
// `lengths` defaults to 2*pi per axis, `method` ("spectral" | "fd2") to
// "spectral". Component c of a vector is along spatial axis c.
//
//===----------------------------------------------------------------------===//
#include "runtime/kernels/cpu/physics/PhysicsKernels.h"
#include "runtime/kernels/cpu/SignatureChecks.h"
#include "runtime/kernels/cpu/physics/PhysicsCall.h"
#include "runtime/support/Status.h"

#include <fmt/format.h>

#include <cmath>

namespace shodh {
namespace {

/// The box lengths of a call: its `lengths` attribute or 2*pi per axis.
std::vector<double> lengthsAttr(const KernelSignature &sig, int spatial) {
  const AttrValue *v = sig.call->attr("lengths");
  if (!v)
    return std::vector<double>(spatial, 2.0 * M_PI);
  const auto *lengths = std::get_if<std::vector<double>>(v);
  if (!lengths || int(lengths->size()) != spatial)
    throw Error(fmt::format("{}: attribute 'lengths' must be {} floats (one "
                            "box length per spatial axis)",
                            sig.where, spatial));
  for (size_t i = 0; i < lengths->size(); ++i)
    if (!std::isfinite((*lengths)[i]) || (*lengths)[i] <= 0.0)
      throw Error(fmt::format("{}: lengths[{}] must be positive and finite, "
                              "got {}",
                              sig.where, i, (*lengths)[i]));
  return *lengths;
}

/// Whether a call's `method` is "spectral" (true) or "fd2" (false).
bool spectralMethod(const KernelSignature &sig) {
  std::string method = stringAttr(sig, "method", "spectral");
  if (method != "spectral" && method != "fd2")
    throw Error(fmt::format("{}: attribute 'method' must be \"spectral\" or "
                            "\"fd2\", got \"{}\"",
                            sig.where, method));
  return method == "spectral";
}

/// The channel count a kind needs at input (d: a velocity) and gives.
std::pair<int64_t, int64_t> channelMap(const std::string &where,
                                       PhysicsKind kind, int d, int64_t in) {
  switch (kind) {
  case PhysicsKind::Project:
    return {d, d};
  case PhysicsKind::Divergence:
    return {d, 1};
  case PhysicsKind::DivergenceGrad:
    return {1, d};
  case PhysicsKind::Curl:
    if (d == 3)
      return {3, 3};
    if (in != 1 && in != 2)
      throw Error(fmt::format("{}: a 2D curl takes 1 channel (stream "
                              "function) or 2 (velocity), got {}",
                              where, in));
    return {in, 3 - in};
  }
  return {0, 0};
}

/// The derivative terms of a kind (empty for the projection).
std::vector<DerivTerm> derivativeTerms(PhysicsKind kind, int d, int64_t in) {
  std::vector<DerivTerm> terms;
  if (kind == PhysicsKind::Divergence)
    for (int c = 0; c < d; ++c)
      terms.push_back({0, c, c, 1.0});
  if (kind == PhysicsKind::DivergenceGrad)
    for (int c = 0; c < d; ++c)
      terms.push_back({c, 0, c, -1.0});
  if (kind != PhysicsKind::Curl)
    return terms;
  if (d == 3) // (d1 a2 - d2 a1, d2 a0 - d0 a2, d0 a1 - d1 a0), 0-based
    for (int o = 0; o < 3; ++o) {
      int p = (o + 1) % 3, q = (o + 2) % 3;
      terms.push_back({o, q, p, 1.0});
      terms.push_back({o, p, q, -1.0});
    }
  else if (in == 1) // stream function: (d1 psi, -d0 psi)
    terms = {{0, 0, 1, 1.0}, {1, 0, 0, -1.0}};
  else // vorticity: d0 u1 - d1 u0
    terms = {{0, 1, 0, 1.0}, {0, 0, 1, -1.0}};
  return terms;
}

/// The output dims a call expects: the input's with `channels` channels.
std::vector<Dim> withChannels(std::vector<Dim> dims, int64_t channels) {
  dims[1] = Dim::fixed(channels);
  return dims;
}

/// Makes the kernel of `kind` for the validated call.
std::unique_ptr<Kernel> makePhysicsKernel(const KernelSignature &sig,
                                          PhysicsKind kind) {
  PhysicsCall call = PhysicsCall::parse(sig, kind);
  if (kind == PhysicsKind::Project)
    return makeLerayProjectKernel(call);
  return call.spectral ? makeSpectralDerivativeKernel(call)
                       : makeFd2DerivativeKernel(call);
}

} // namespace

PhysicsCall PhysicsCall::parse(const KernelSignature &sig, PhysicsKind kind) {
  expectOperandCounts(sig, 1, 1, 1);
  const TensorDesc &x = *sig.inputs[0];
  expectDType(sig, x, "x", {DType::F32, DType::F64});
  expectSameDType(sig, *sig.outputs[0], "output", x.dtype, "x");
  PhysicsCall call;
  call.where = sig.where, call.kind = kind, call.dtype = x.dtype;
  if (x.shape.size() != 4 && x.shape.size() != 5)
    throw Error(fmt::format("{}: x must be a field [B, C, N_1, .., N_d] with "
                            "d = 2 or 3 (rank 4 or 5), got rank {}",
                            sig.where, x.shape.size()));
  call.spatial = int(x.shape.size()) - 2;
  if (!x.shape[1].isStatic())
    throw Error(fmt::format("{}: the channel dimension of x must be static, "
                            "got {}",
                            sig.where, formatDim(x.shape[1])));
  auto [in, out] = channelMap(sig.where, kind, call.spatial, x.shape[1].size);
  if (x.shape[1].size != in)
    throw Error(fmt::format("{}: x must have {} channel{}, got {}", sig.where,
                            in, in == 1 ? "" : "s", x.shape[1].size));
  call.inChannels = in, call.outChannels = out;
  expectSameShape(sig.where, "output", sig.outputs[0]->shape, "expected",
                  withChannels(x.shape, out));
  call.lengths = lengthsAttr(sig, call.spatial);
  call.spectral = kind == PhysicsKind::Project || spectralMethod(sig);
  call.terms = derivativeTerms(kind, call.spatial, in);
  return call;
}

std::vector<int64_t> PhysicsCall::checkShapes(const TensorRef &in,
                                              const TensorRef &out) const {
  std::vector<Dim> inDims = fixedDims(in.shape);
  if (int(in.shape.size()) != spatial + 2 || in.shape[1] != inChannels)
    throw Error(fmt::format("{}: x must be [B, {}, N_1..N_{}]", where,
                            inChannels, spatial));
  expectSameShape(where, "output", fixedDims(out.shape), "expected",
                  withChannels(inDims, outChannels));
  std::vector<int64_t> grid(in.shape.begin() + 2, in.shape.end());
  for (int64_t n : grid)
    if (n < 1)
      throw Error(fmt::format("{}: spatial sizes must be positive", where));
  return grid;
}

std::vector<double> axisWavenumbers(int64_t n, double length, bool half) {
  int64_t count = half ? n / 2 + 1 : n;
  std::vector<double> k(count);
  for (int64_t m = 0; m < count; ++m) {
    int64_t freq = m <= n / 2 ? m : m - n;
    if (n % 2 == 0 && m == n / 2)
      freq = 0; // Nyquist: see the file comment of PhysicsCall.h
    k[m] = 2.0 * M_PI * double(freq) / length;
  }
  return k;
}

void registerCpuPhysicsKernels(KernelRegistry &registry) {
  auto add = [&](const char *name, PhysicsKind kind) {
    registry.add(name, Backend::Cpu, [kind](const KernelSignature &sig) {
      return makePhysicsKernel(sig, kind);
    });
  };
  add("curl", PhysicsKind::Curl);
  add("div_free_project", PhysicsKind::Project);
  add("divergence", PhysicsKind::Divergence);
  add("divergence_grad", PhysicsKind::DivergenceGrad);
}

} // namespace shodh
