//===- NnReferences.h - Naive double references of the nn kernels ---------===//
//
// Direct loops in double written from the contracts of docs/runtime.md
// § Convolution and normalisation kernels, sharing no code with the
// kernels (no im2col, no blocking, no BLAS): a convolution is the sum over
// its taps (output position j, kernel offset a, input position i = j s -
// p + a, skipped outside a zero-padded grid, wrapped in a circular one);
// its input and weight gradients scatter the same taps; conv_transpose is
// the input gradient of the conv it transposes; layer norm and its
// gradients follow the closed forms per position. Inputs are read as
// doubles whatever their dtype, so the f32 and f64 tests share them.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "test/unit/nn/NnTestUtil.h"

#include <array>

namespace shodh::testing {

/// A convolution setup: x [B, C, S...], w [O, C, K...] and the attributes.
struct ConvSetup {
  std::vector<int64_t> x, w, stride, pad;
  bool circular = false;

  size_t spatial() const { return x.size() - 2; }
  std::vector<NamedAttr> attrs() const {
    return {ints("stride", stride), ints("padding", pad),
            str("padding_mode", circular ? "circular" : "zeros")};
  }
  std::vector<int64_t> y() const {
    std::vector<int64_t> s{x[0], w[0]};
    for (size_t d = 0; d < spatial(); ++d)
      s.push_back((x[2 + d] + 2 * pad[d] - w[2 + d]) / stride[d] + 1);
    return s;
  }
};

/// The small setups: 1D, 2D, 3D, zeros and circular, flooring strides.
inline std::vector<ConvSetup> setups() {
  return {{{2, 3, 9}, {4, 3, 3}, {2}, {1}, false},
          {{1, 2, 7}, {3, 2, 4}, {3}, {2}, true},
          {{2, 3, 7, 6}, {5, 3, 3, 2}, {2, 1}, {1, 0}, false},
          {{1, 2, 5, 6}, {3, 2, 3, 3}, {1, 2}, {1, 1}, true},
          {{2, 2, 6, 5, 4}, {3, 2, 4, 3, 2}, {2, 2, 1}, {1, 0, 1}, false},
          {{1, 3, 4, 4, 6}, {2, 3, 3, 3, 3}, {2, 1, 2}, {1, 1, 2}, true},
          // Stride 1 everywhere: the direct path (DirectConv.h) for conv,
          // conv_grad_weight and, except where circular padding has 2p !=
          // K - 1, conv_grad_input; 1, 3, 6 and 9 taps per k_0 plane, rows
          // whose length is not a multiple of the 16 partial-sum lanes.
          {{2, 3, 9}, {4, 3, 3}, {1}, {1}, true},
          {{1, 2, 7, 6}, {3, 2, 3, 3}, {1, 1}, {1, 1}, true},
          {{2, 3, 7, 19}, {5, 3, 3, 2}, {1, 1}, {1, 0}, false},
          {{2, 2, 6, 5, 20}, {3, 2, 3, 3, 3}, {1, 1, 1}, {1, 1, 1}, true},
          {{1, 3, 4, 4, 18}, {2, 3, 3, 3, 3}, {1, 1, 1}, {0, 1, 2}, false},
          {{1, 2, 5, 6, 7}, {3, 2, 4, 3, 1}, {1, 1, 1}, {1, 1, 0}, true},
          // More output channels than the direct path takes: im2col + GEMM.
          {{1, 2, 5, 5}, {40, 2, 3, 3}, {1, 1}, {1, 1}, true},
          // A stride above 1 (here and above): the strided path
          // (StridedConv.h) for conv and conv_grad_weight; conv_grad_input
          // takes it for patch geometry (kernel == stride, padding 0) and
          // col2im otherwise. Shodh-MoE's encoder (4^3, stride 2, circular
          // padding 1) on odd sizes; patch geometry in 3D (sizes 7 and 9
          // leave a plane and a row no tap reads), 2D and 1D (circular
          // mode with padding 0: nothing wraps; a column left over); row
          // blocks of 16 and 8 rows with a shorter last one (C K = 128,
          // 31 and 60 output columns); a 1D row cut into a 2730-column
          // chunk and a shorter one (C K = 24); K_2 == s_2 with p_2 = 0
          // but padding on the other axis (P filled without the slab).
          {{2, 3, 9, 7, 8}, {5, 3, 4, 4, 4}, {2, 2, 2}, {1, 1, 1}, true},
          {{2, 3, 8, 10}, {4, 3, 3, 2}, {2, 2}, {1, 0}, true},
          {{1, 2, 9, 5}, {3, 2, 3, 1}, {2, 1}, {1, 0}, false},
          {{2, 3, 7, 9, 6}, {4, 3, 2, 2, 2}, {2, 2, 2}, {0, 0, 0}, false},
          {{3, 2, 6, 9}, {3, 2, 2, 3}, {2, 3}, {0, 0}, true},
          {{2, 4, 13}, {3, 4, 3}, {3}, {0}, true},
          {{1, 32, 40, 63}, {4, 32, 2, 2}, {2, 2}, {0, 0}, false},
          {{1, 8, 40, 120}, {3, 8, 4, 4}, {2, 2}, {1, 1}, false},
          {{2, 3, 7001}, {2, 3, 8}, {2}, {3}, true},
          // A weight too large for the strided weight gradient's per-part
          // sums (130 x 130 x 16 > 2^18): conv_grad_weight by im2col.
          {{1, 130, 6, 6}, {130, 130, 4, 4}, {2, 2}, {1, 1}, false}};
}

/// The taps of a convolution of x [B, C, in] by w [O, C, k] (spatial dims
/// padded in front to 3 with size 1, stride 1, padding 0).
struct ConvRef {
  int64_t batch, cin, cout;
  std::array<int64_t, 3> in{1, 1, 1}, k{1, 1, 1}, out{1, 1, 1};
  std::array<int64_t, 3> stride{1, 1, 1}, pad{0, 0, 0};
  bool circular;

  /// The conv of grid `inDims` by `kDims` (spatial dims only).
  ConvRef(int64_t b, int64_t c, int64_t o, const std::vector<int64_t> &inDims,
          const std::vector<int64_t> &kDims, const std::vector<int64_t> &st,
          const std::vector<int64_t> &pd, bool circ)
      : batch(b), cin(c), cout(o), circular(circ) {
    size_t shift = 3 - inDims.size();
    for (size_t d = 0; d < inDims.size(); ++d) {
      in[shift + d] = inDims[d], k[shift + d] = kDims[d];
      stride[shift + d] = st[d], pad[shift + d] = pd[d];
      out[shift + d] = (inDims[d] + 2 * pd[d] - kDims[d]) / st[d] + 1;
    }
  }
  /// The conv of `s`.
  explicit ConvRef(const ConvSetup &s)
      : ConvRef(s.x[0], s.x[1], s.w[0], {s.x.begin() + 2, s.x.end()},
                {s.w.begin() + 2, s.w.end()}, s.stride, s.pad, s.circular) {}

  int64_t inSize() const { return in[0] * in[1] * in[2]; }
  int64_t kSize() const { return k[0] * k[1] * k[2]; }
  int64_t outSize() const { return out[0] * out[1] * out[2]; }

  /// Calls fn(j, a, i) for every output position j, kernel offset a and
  /// the input position i they read (all flat, row-major).
  template <typename Fn> void forEachTap(Fn fn) const {
    for (int64_t j = 0; j < outSize(); ++j)
      for (int64_t a = 0; a < kSize(); ++a) {
        int64_t jd[3] = {j / (out[1] * out[2]), (j / out[2]) % out[1],
                         j % out[2]};
        int64_t ad[3] = {a / (k[1] * k[2]), (a / k[2]) % k[1], a % k[2]};
        int64_t i = 0;
        bool inside = true;
        for (int d = 0; d < 3; ++d) {
          int64_t id = jd[d] * stride[d] - pad[d] + ad[d];
          if (circular)
            id = (id % in[d] + in[d]) % in[d];
          inside &= id >= 0 && id < in[d];
          i = i * in[d] + id;
        }
        if (inside)
          fn(j, a, i);
      }
  }

  /// y [B, O, out] = bias[o] + sum over taps and c of w[o, c, a] x[b, c, i]
  /// (`bias` empty: none).
  std::vector<double> conv(const std::vector<double> &x,
                           const std::vector<double> &w,
                           const std::vector<double> &bias) const {
    std::vector<double> y(size_t(batch * cout * outSize()));
    for (int64_t b = 0; b < batch; ++b)
      for (int64_t o = 0; o < cout; ++o) {
        double *yo = &y[size_t((b * cout + o) * outSize())];
        for (int64_t j = 0; j < outSize(); ++j)
          yo[j] = bias.empty() ? 0.0 : bias[size_t(o)];
        for (int64_t c = 0; c < cin; ++c)
          forEachTap([&](int64_t j, int64_t a, int64_t i) {
            yo[j] += w[size_t((o * cin + c) * kSize() + a)] *
                     x[size_t((b * cin + c) * inSize() + i)];
          });
      }
    return y;
  }

  /// dx [B, C, in] = bias[c] + sum over the taps reading i of
  /// w[o, c, a] dy[b, o, j] (the adjoint of `conv` in x).
  std::vector<double> gradInput(const std::vector<double> &dy,
                                const std::vector<double> &w,
                                const std::vector<double> &bias) const {
    std::vector<double> dx(size_t(batch * cin * inSize()));
    for (int64_t b = 0; b < batch; ++b)
      for (int64_t c = 0; c < cin; ++c) {
        double *dxc = &dx[size_t((b * cin + c) * inSize())];
        for (int64_t i = 0; i < inSize(); ++i)
          dxc[i] = bias.empty() ? 0.0 : bias[size_t(c)];
        for (int64_t o = 0; o < cout; ++o)
          forEachTap([&](int64_t j, int64_t a, int64_t i) {
            dxc[i] += w[size_t((o * cin + c) * kSize() + a)] *
                      dy[size_t((b * cout + o) * outSize() + j)];
          });
      }
    return dx;
  }

  /// dw [O, C, k] = sum over b and the taps of dy[b, o, j] x[b, c, i].
  std::vector<double> gradWeight(const std::vector<double> &x,
                                 const std::vector<double> &dy) const {
    std::vector<double> dw(size_t(cout * cin * kSize()));
    for (int64_t o = 0; o < cout; ++o)
      for (int64_t c = 0; c < cin; ++c) {
        double *dwoc = &dw[size_t((o * cin + c) * kSize())];
        for (int64_t b = 0; b < batch; ++b)
          forEachTap([&](int64_t j, int64_t a, int64_t i) {
            dwoc[a] += dy[size_t((b * cout + o) * outSize() + j)] *
                       x[size_t((b * cin + c) * inSize() + i)];
          });
      }
    return dw;
  }
};

/// A conv_transpose setup: x [B, C, S...], w [C, O, K...] -> y [B, O, S'...]
/// with S' = (S - 1) s - 2p + K + output_padding.
struct TransposeSetup {
  std::vector<int64_t> x, w, stride, pad, outPad;

  std::vector<NamedAttr> attrs() const {
    return {ints("stride", stride), ints("padding", pad),
            ints("output_padding", outPad)};
  }
  std::vector<int64_t> y() const {
    std::vector<int64_t> s{x[0], w[1]};
    for (size_t d = 0; d + 2 < x.size(); ++d)
      s.push_back((x[2 + d] - 1) * stride[d] - 2 * pad[d] + w[2 + d] +
                  outPad[d]);
    return s;
  }
  /// The zero-padded conv of y's grid by w that this transposes.
  ConvRef conv() const {
    std::vector<int64_t> ys = y();
    return ConvRef(x[0], w[1], w[0], {ys.begin() + 2, ys.end()},
                   {w.begin() + 2, w.end()}, stride, pad, false);
  }
};

/// conv_transpose setups: 1D/2D/3D, strides 1 and 2, output_padding; the
/// last three have patch geometry (kernel == stride, padding 0: the
/// strided path's scatter), output_padding leaving positions that only get
/// the bias.
inline std::vector<TransposeSetup> transposeSetups() {
  return {{{2, 3, 5}, {3, 2, 4}, {2}, {1}, {1}},
          {{1, 2, 6}, {2, 3, 3}, {1}, {1}, {0}},
          {{1, 4, 3, 4}, {4, 3, 3, 2}, {2, 1}, {1, 0}, {1, 0}},
          {{2, 2, 3, 2, 3}, {2, 3, 4, 4, 2}, {2, 2, 2}, {1, 1, 0}, {0, 1, 1}},
          {{1, 2, 3, 3, 2}, {2, 2, 2, 3, 3}, {1, 2, 1}, {0, 1, 1}, {0, 1, 0}},
          {{2, 4, 3, 4, 5}, {4, 3, 2, 2, 2}, {2, 2, 2}, {0, 0, 0}, {1, 0, 1}},
          {{1, 3, 4, 3}, {3, 2, 3, 2}, {3, 2}, {0, 0}, {0, 1}},
          {{2, 2, 5}, {2, 3, 4}, {4}, {0}, {3}}};
}

/// Layer norm of x viewed as [outer, C, inner] around `axis`.
struct NormRef {
  int64_t outer = 1, channels, inner = 1;
  double eps;

  NormRef(const std::vector<int64_t> &shape, int64_t axis, double e)
      : channels(shape[size_t(axis)]), eps(e) {
    for (int64_t d = 0; d < int64_t(shape.size()); ++d)
      if (d != axis)
        (d < axis ? outer : inner) *= shape[size_t(d)];
  }

  /// The normalised values x̂ at position (o, n) and r = 1/sqrt(var + eps).
  std::vector<double> xhat(const std::vector<double> &x, int64_t o, int64_t n,
                           double *r) const {
    double mean = 0.0, var = 0.0;
    for (int64_t c = 0; c < channels; ++c)
      mean += x[at(o, c, n)];
    mean /= double(channels);
    for (int64_t c = 0; c < channels; ++c)
      var += (x[at(o, c, n)] - mean) * (x[at(o, c, n)] - mean);
    *r = 1.0 / std::sqrt(var / double(channels) + eps);
    std::vector<double> h(static_cast<size_t>(channels));
    for (int64_t c = 0; c < channels; ++c)
      h[size_t(c)] = (x[at(o, c, n)] - mean) * *r;
    return h;
  }

  /// y = x̂ gamma + beta.
  std::vector<double> forward(const std::vector<double> &x,
                              const std::vector<double> &gamma,
                              const std::vector<double> &beta) const {
    std::vector<double> y(x.size());
    forEachPosition(
        x, [&](int64_t o, int64_t n, const std::vector<double> &h, double) {
          for (int64_t c = 0; c < channels; ++c)
            y[at(o, c, n)] = h[size_t(c)] * gamma[size_t(c)] + beta[size_t(c)];
        });
    return y;
  }

  /// dx = r (g - mean(g) - x̂ mean(g x̂)), g = dy gamma.
  std::vector<double> gradInput(const std::vector<double> &x,
                                const std::vector<double> &gamma,
                                const std::vector<double> &dy) const {
    std::vector<double> dx(x.size());
    forEachPosition(x, [&](int64_t o, int64_t n, const std::vector<double> &h,
                           double r) {
      double mg = 0.0, mgh = 0.0;
      for (int64_t c = 0; c < channels; ++c) {
        mg += dy[at(o, c, n)] * gamma[size_t(c)] / double(channels);
        mgh += dy[at(o, c, n)] * gamma[size_t(c)] * h[size_t(c)] /
               double(channels);
      }
      for (int64_t c = 0; c < channels; ++c)
        dx[at(o, c, n)] =
            r * (dy[at(o, c, n)] * gamma[size_t(c)] - mg - h[size_t(c)] * mgh);
    });
    return dx;
  }

  /// dgamma[c] = sum over positions of dy x̂.
  std::vector<double> gradGamma(const std::vector<double> &x,
                                const std::vector<double> &dy) const {
    std::vector<double> dg(static_cast<size_t>(channels));
    forEachPosition(
        x, [&](int64_t o, int64_t n, const std::vector<double> &h, double) {
          for (int64_t c = 0; c < channels; ++c)
            dg[size_t(c)] += dy[at(o, c, n)] * h[size_t(c)];
        });
    return dg;
  }

private:
  size_t at(int64_t o, int64_t c, int64_t n) const {
    return size_t((o * channels + c) * inner + n);
  }
  template <typename Fn>
  void forEachPosition(const std::vector<double> &x, Fn fn) const {
    for (int64_t o = 0; o < outer; ++o)
      for (int64_t n = 0; n < inner; ++n) {
        double r;
        std::vector<double> h = xhat(x, o, n, &r);
        fn(o, n, h, r);
      }
  }
};

} // namespace shodh::testing
