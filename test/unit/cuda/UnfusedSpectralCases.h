//===- UnfusedSpectralCases.h - Problems of the unfused spectral tests ----===//
//
// The calls shared by UnfusedSpectralModesTest.cpp (host, no GPU) and
// UnfusedSpectralParityTest.cpp (GPU): transform grids of 1 to 3 axes with
// even and odd extents, an axis of extent 1, a 1-D size (8192) at which
// cuFFT's c2r reads the imaginary part of the DC entry
// (pytorch/pytorch#154496), leading dims of 1 to 2 axes; truncation modes
// on 1-D to 3-D half spectra; contraction shapes with 1 to 3 mode axes.
// Plus building a kernel of either backend from concrete shapes.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "../runtime/CpuKernelHarness.h"

#include <cstring>
#include <string>
#include <vector>

namespace shodh::testing {

using Shape = std::vector<int64_t>;

/// A real grid `real` [lead..., N_1..N_d] transformed over its last `ndims`.
struct FftCase {
  Shape real;
  int ndims;
  /// The half-spectrum shape [lead..., N_1.., N_d/2+1].
  Shape half() const {
    Shape h = real;
    h.back() = h.back() / 2 + 1;
    return h;
  }
  /// The transformed extents N_1..N_d.
  Shape grid() const { return Shape(real.end() - ndims, real.end()); }
  /// "ndims=2 [2, 2, 16, 12]" for failure messages.
  std::string name() const {
    std::string s = "ndims=" + std::to_string(ndims) + " [";
    for (size_t i = 0; i < real.size(); ++i)
      s += (i ? ", " : "") + std::to_string(real[i]);
    return s + "]";
  }
};

inline std::vector<FftCase> fftCases() {
  return {{{3, 20}, 1},        {{2, 3, 17}, 1},    {{2, 8192}, 1},
          {{2, 2, 16, 12}, 2}, {{1, 3, 15, 9}, 2}, {{2, 1, 8}, 2},
          {{2, 6, 1}, 2},      {{2, 8, 6, 10}, 3}, {{1, 2, 7, 5, 9}, 3},
          {{3, 4, 6, 5}, 3}};
}

/// The normalisations rfft/irfft (and their gradients) accept.
inline std::vector<std::string> fftNorms() {
  return {"backward", "ortho", "forward"};
}

/// A half spectrum `half` [lead..., H_1.., H_d] truncated to `modes`.
struct CornerCase {
  Shape half;
  Shape modes;
  /// [lead..., 2m_1.., m_d].
  Shape trunc() const {
    Shape t(half.begin(), half.end() - int64_t(modes.size()));
    for (size_t a = 0; a < modes.size(); ++a)
      t.push_back(a + 1 < modes.size() ? 2 * modes[a] : modes[a]);
    return t;
  }
};

inline std::vector<CornerCase> cornerCases() {
  return {{{3, 11}, {6}},
          {{2, 3, 11}, {1}},
          {{2, 3, 16, 9}, {4, 5}},
          {{1, 2, 15, 8}, {7, 8}},
          {{2, 8, 8, 4}, {2, 2, 3}},
          {{1, 1, 7, 5, 5}, {3, 2, 5}}};
}

/// x [B, I, K...], w [I, O, K...]: contraction and adjoint shapes.
struct ContractCase {
  Shape x, w;
  /// [B, O, K...].
  Shape y() const {
    Shape s = x;
    s[1] = w[1];
    return s;
  }
};

inline std::vector<ContractCase> contractCases() {
  return {{{3, 2, 6}, {2, 4, 6}},
          {{1, 3, 8, 4}, {3, 2, 8, 4}},
          {{4, 5, 7, 3}, {5, 3, 7, 3}},
          {{2, 2, 4, 4, 3}, {2, 3, 4, 4, 3}}};
}

/// A tensor of `dtype` and `shape` with every float uniform in [-1, 1).
inline HostTensor randomTensor(DType dtype, Shape shape, uint32_t seed) {
  HostTensor t(dtype, std::move(shape));
  t.fillUniform(seed);
  return t;
}

/// The floats of `t` (a complex tensor's as 2 numel values), as a copy.
inline std::vector<float> floatsOf(const HostTensor &t) {
  std::vector<float> f(t.storage.size() / sizeof(float));
  if (!f.empty())
    std::memcpy(f.data(), t.storage.data(), t.storage.size());
  return f;
}

/// A call's operands as static descriptions, kept alive with the signature.
struct CallOn {
  KernelCall call;
  std::vector<TensorDesc> ins, outs;
  KernelSignature sig;

  CallOn(const std::string &name, std::vector<NamedAttr> attrs,
         const std::vector<std::pair<DType, Shape>> &in,
         const std::vector<std::pair<DType, Shape>> &out)
      : call{name, {}, {}, std::move(attrs)} {
    for (const auto &[t, s] : in)
      ins.push_back(HostTensor(t, s).desc("in" + std::to_string(ins.size())));
    for (const auto &[t, s] : out)
      outs.push_back(
          HostTensor(t, s).desc("out" + std::to_string(outs.size())));
    sig =
        KernelSignature{&call, {}, {}, "program 'test', call 0 (" + name + ")"};
    for (const TensorDesc &d : ins)
      sig.inputs.push_back(&d);
    for (const TensorDesc &d : outs)
      sig.outputs.push_back(&d);
  }
  CallOn(const CallOn &) = delete;
  CallOn &operator=(const CallOn &) = delete;

  /// The kernel of `backend` (throws what its factory throws).
  std::unique_ptr<Kernel> create(Backend backend) const {
    const KernelFactory *f =
        KernelRegistry::builtin().find(call.kernel, backend);
    if (!f)
      throw Error("no kernel " + call.kernel);
    return (*f)(sig);
  }
};

} // namespace shodh::testing
