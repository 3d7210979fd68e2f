//===- GradReference.h - Naive references of the gradient and loss kernels ===//
//
// Plain loops in double, written from the mathematical definitions (not from
// the kernels' operation order), used by the tests: the tests check these
// against central finite differences of the forward references, and the
// fast kernels against these. Inputs may be float or double; results are
// double. Header-only: the runtime never calls them. Shapes follow
// Reference.h: [outer, channels, inner] around the linear axis.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cmath>
#include <cstdint>
#include <vector>

namespace shodh::reference {

/// dx[n, i, s] = sum_o w[o, i] dy[n, o, s]; dy [outer, cout, inner], w
/// [cout, cin].
template <typename T>
std::vector<double> linearGradInput(const T *dy, const T *w, int64_t outer,
                                    int64_t cout, int64_t cin, int64_t inner) {
  std::vector<double> dx(size_t(outer * cin * inner), 0.0);
  for (int64_t n = 0; n < outer; ++n)
    for (int64_t i = 0; i < cin; ++i)
      for (int64_t s = 0; s < inner; ++s)
        for (int64_t o = 0; o < cout; ++o)
          dx[(n * cin + i) * inner + s] +=
              double(w[o * cin + i]) * double(dy[(n * cout + o) * inner + s]);
  return dx;
}

/// dw[o, i] = sum_{n, s} dy[n, o, s] x[n, i, s]; x [outer, cin, inner].
template <typename T>
std::vector<double> linearGradWeight(const T *x, const T *dy, int64_t outer,
                                     int64_t cin, int64_t cout, int64_t inner) {
  std::vector<double> dw(size_t(cout * cin), 0.0);
  for (int64_t o = 0; o < cout; ++o)
    for (int64_t i = 0; i < cin; ++i)
      for (int64_t n = 0; n < outer; ++n)
        for (int64_t s = 0; s < inner; ++s)
          dw[o * cin + i] += double(dy[(n * cout + o) * inner + s]) *
                             double(x[(n * cin + i) * inner + s]);
  return dw;
}

/// db[o] = sum_{n, s} dy[n, o, s].
template <typename T>
std::vector<double> linearGradBias(const T *dy, int64_t outer, int64_t cout,
                                   int64_t inner) {
  std::vector<double> db(size_t(cout), 0.0);
  for (int64_t n = 0; n < outer; ++n)
    for (int64_t o = 0; o < cout; ++o)
      for (int64_t s = 0; s < inner; ++s)
        db[o] += double(dy[(n * cout + o) * inner + s]);
  return db;
}

/// GELU'(x): Phi(x) + x phi(x) (exact), or for the tanh form with
/// u = k (x + a x^3): (1 + tanh u) / 2 + x sech^2(u) k (1 + 3 a x^2) / 2.
inline double geluDerivative(double x, bool tanhApprox) {
  const double pi = 3.14159265358979323846;
  if (tanhApprox) {
    const double k = std::sqrt(2.0 / pi), a = 0.044715;
    double u = k * (x + a * x * x * x), sech = 1.0 / std::cosh(u);
    return 0.5 * (1.0 + std::tanh(u)) +
           0.5 * x * sech * sech * k * (1.0 + 3.0 * a * x * x);
  }
  return 0.5 * std::erfc(-x / std::sqrt(2.0)) +
         x * std::exp(-0.5 * x * x) / std::sqrt(2.0 * pi);
}

/// mean (p - t)^2 over n elements.
template <typename T> double mseLoss(const T *p, const T *t, int64_t n) {
  double sum = 0.0;
  for (int64_t i = 0; i < n; ++i)
    sum += (double(p[i]) - double(t[i])) * (double(p[i]) - double(t[i]));
  return sum / double(n);
}

/// d mseLoss / dp, times `dloss`.
template <typename T>
std::vector<double> mseLossGrad(const T *p, const T *t, int64_t n,
                                double dloss = 1.0) {
  std::vector<double> g(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i)
    g[i] = dloss * 2.0 * (double(p[i]) - double(t[i])) / double(n);
  return g;
}

/// ||p_b - t_b|| and ||t_b|| (1 when zero) of sample b of `len` elements.
template <typename T>
void relL2Norms(const T *p, const T *t, int64_t b, int64_t len, double &diff,
                double &target) {
  diff = 0.0, target = 0.0;
  for (int64_t i = b * len; i < (b + 1) * len; ++i) {
    diff += (double(p[i]) - double(t[i])) * (double(p[i]) - double(t[i]));
    target += double(t[i]) * double(t[i]);
  }
  diff = std::sqrt(diff);
  target = target == 0.0 ? 1.0 : std::sqrt(target);
}

/// (1/B) sum_b ||p_b - t_b|| / ||t_b|| for B samples of `len` elements.
template <typename T>
double relL2Loss(const T *p, const T *t, int64_t batch, int64_t len) {
  double sum = 0.0, diff, target;
  for (int64_t b = 0; b < batch; ++b)
    relL2Norms(p, t, b, len, diff, target), sum += diff / target;
  return sum / double(batch);
}

/// d relL2Loss / dp, times `dloss` (0 for samples with p_b = t_b).
template <typename T>
std::vector<double> relL2LossGrad(const T *p, const T *t, int64_t batch,
                                  int64_t len, double dloss = 1.0) {
  std::vector<double> g(size_t(batch * len), 0.0);
  double diff, target;
  for (int64_t b = 0; b < batch; ++b) {
    relL2Norms(p, t, b, len, diff, target);
    for (int64_t i = b * len; diff != 0.0 && i < (b + 1) * len; ++i)
      g[i] = dloss * (double(p[i]) - double(t[i])) /
             (double(batch) * diff * target);
  }
  return g;
}

} // namespace shodh::reference
