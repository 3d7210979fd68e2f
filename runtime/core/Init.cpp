//===- Init.cpp - Deterministic initialisation of persistent tensors ------===//
//
// `initializeTensor` evaluates an `InitSpec` element by element with the
// counter-based generator of InitRandom.h: value j (of numel values, or of
// 2 * numel interleaved real/imaginary values for complex dtypes) is computed
// in double from (seed, j) alone and rounded to the tensor's dtype.
//
//===----------------------------------------------------------------------===//
#include "runtime/core/InitRandom.h"
#include "runtime/core/Session.h"
#include "runtime/support/Status.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>

namespace shodh {

namespace {

/// Value j of the tensor, in double precision.
using ValueFn = std::function<double(uint64_t)>;

/// Throws unless `x` is finite.
void expectFinite(double x, const char *what, const InitSpec &init,
                  const std::string &tensor) {
  if (!std::isfinite(x))
    throw Error(fmt::format("tensor '{}': init '{}' has non-finite {}", tensor,
                            init.kind, what));
}

/// The generator of a random kind, or an empty function if `kind` is not
/// random.
ValueFn randomValues(const InitSpec &s, const std::string &tensor) {
  uint64_t seed = s.seed;
  if (s.kind == "uniform") {
    if (!(s.a <= s.b))
      throw Error(fmt::format(
          "tensor '{}': init 'uniform' needs a <= b, got a = {}, b = {}",
          tensor, s.a, s.b));
    if (s.fan < 0)
      throw Error(fmt::format(
          "tensor '{}': init 'uniform' needs fan >= 0, got {}", tensor, s.fan));
    // fan > 0 divides both bounds (spectral weights: U(0, 1/(in*out))).
    double div = s.fan > 0 ? static_cast<double>(s.fan) : 1.0;
    return [seed, a = s.a / div, b = s.b / div](uint64_t j) {
      return a + (b - a) * initUniform01(seed, j);
    };
  }
  if (s.kind == "normal") {
    if (!(s.b >= 0))
      throw Error(fmt::format(
          "tensor '{}': init 'normal' needs std b >= 0, got {}", tensor, s.b));
    return [seed, m = s.a, sd = s.b](uint64_t j) {
      return m + sd * initStandardNormal(seed, j);
    };
  }
  if (s.kind == "fan_in_uniform") {
    if (s.fan <= 0)
      throw Error(fmt::format(
          "tensor '{}': init 'fan_in_uniform' needs fan > 0, got {}", tensor,
          s.fan));
    double bound = 1.0 / std::sqrt(static_cast<double>(s.fan));
    return [seed, bound](uint64_t j) {
      return -bound + 2.0 * bound * initUniform01(seed, j);
    };
  }
  return {};
}

/// The constant of a constant kind, or throws for an unknown kind.
double constantValue(const InitSpec &s, const std::string &tensor) {
  if (s.kind.empty() || s.kind == "zeros")
    return 0.0;
  if (s.kind == "ones")
    return 1.0;
  if (s.kind == "constant")
    return s.a;
  throw Error(fmt::format(
      "tensor '{}': unknown init kind '{}' (expected zeros, ones, constant, "
      "uniform, normal or fan_in_uniform)",
      tensor, s.kind));
}

/// Writes `count` values of type T.
template <typename T>
void fill(void *out, uint64_t count, const ValueFn &value) {
  T *p = static_cast<T *>(out);
  for (uint64_t j = 0; j < count; ++j)
    p[j] = static_cast<T>(value(j));
}

/// Writes `count` copies of the integer `v` after checking it is one.
template <typename T>
void fillInteger(void *out, uint64_t count, double v, DType dtype,
                 const std::string &tensor) {
  double lo = static_cast<double>(
      std::numeric_limits<T>::min()); // -2^31 or -2^63: exact
  if (!std::isfinite(v) || std::trunc(v) != v || v < lo || v >= -lo)
    throw Error(
        fmt::format("tensor '{}': init value {} is not representable as {}",
                    tensor, v, dtypeName(dtype)));
  std::fill(static_cast<T *>(out), static_cast<T *>(out) + count,
            static_cast<T>(v));
}

/// Fills a floating-point (or complex, as 2 reals per element) tensor.
void fillFloating(DType dtype, uint64_t count, void *out,
                  const ValueFn &value) {
  if (dtype == DType::F32 || dtype == DType::C64)
    fill<float>(out, count, value);
  else
    fill<double>(out, count, value);
}

} // namespace

void initializeTensor(const InitSpec &init, DType dtype, int64_t numel,
                      void *out, const std::string &tensorName) {
  if (numel < 0 || (numel > 0 && !out))
    throw Error(fmt::format("tensor '{}': invalid storage for initialisation",
                            tensorName));
  expectFinite(init.a, "a", init, tensorName);
  expectFinite(init.b, "b", init, tensorName);
  bool complex = dtype == DType::C64 || dtype == DType::C128;
  uint64_t count = static_cast<uint64_t>(numel) * (complex ? 2 : 1);
  ValueFn random = randomValues(init, tensorName);
  bool integer = dtype == DType::I32 || dtype == DType::I64;
  if (random && integer)
    throw Error(fmt::format(
        "tensor '{}': init '{}' needs a floating-point dtype, got {}",
        tensorName, init.kind, dtypeName(dtype)));
  if (random)
    return fillFloating(dtype, count, out, random);
  double c = constantValue(init, tensorName);
  if (dtype == DType::I32)
    return fillInteger<int32_t>(out, count, c, dtype, tensorName);
  if (dtype == DType::I64)
    return fillInteger<int64_t>(out, count, c, dtype, tensorName);
  fillFloating(dtype, count, out, [c](uint64_t) { return c; });
}

} // namespace shodh
