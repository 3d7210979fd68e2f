//===- Normalizer.cpp - Per-channel normalisation of inputs and targets ---===//
#include "runtime/train/Normalizer.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>

namespace shodh {
namespace {

/// Number of values per (sample, channel): the product of the spatial dims.
int64_t innerSize(const FloatArray &a) {
  int64_t inner = 1;
  for (size_t i = 2; i < a.shape.size(); ++i)
    inner *= a.shape[i];
  return inner;
}

/// Applies y = x·scale[c] + shift[c] per channel (computed in double).
template <typename T>
void affine(T *values, int64_t rows, int64_t channels, int64_t inner,
            const std::vector<double> &scale,
            const std::vector<double> &shift) {
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < channels; ++c) {
      T *v = values + (r * channels + c) * inner;
      for (int64_t i = 0; i < inner; ++i)
        v[i] = static_cast<T>(double(v[i]) * scale[c] + shift[c]);
    }
}

} // namespace

bool ChannelStats::isIdentity() const {
  for (size_t c = 0; c < mean.size(); ++c)
    if (mean[c] != 0.0 || std[c] != 1.0)
      return false;
  return true;
}

ChannelStats ChannelStats::identity(int64_t channels) {
  return ChannelStats{std::vector<double>(channels, 0.0),
                      std::vector<double>(channels, 1.0)};
}

template <typename T>
void ChannelStats::normalize(T *values, int64_t rows, int64_t inner) const {
  // (x − mean)/std, written as x·(1/std) + (−mean/std) would round
  // differently; keep the textbook form.
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < channels(); ++c) {
      T *v = values + (r * channels() + c) * inner;
      for (int64_t i = 0; i < inner; ++i)
        v[i] = static_cast<T>((double(v[i]) - mean[c]) / std[c]);
    }
}

template <typename T>
void ChannelStats::denormalize(T *values, int64_t rows, int64_t inner) const {
  affine(values, rows, channels(), inner, std, mean);
}

template void ChannelStats::normalize(float *, int64_t, int64_t) const;
template void ChannelStats::normalize(double *, int64_t, int64_t) const;
template void ChannelStats::denormalize(float *, int64_t, int64_t) const;
template void ChannelStats::denormalize(double *, int64_t, int64_t) const;

ChannelStats computeChannelStats(const FloatArray &a) {
  int64_t samples = a.shape[0], channels = a.shape[1], inner = innerSize(a);
  ChannelStats s{std::vector<double>(channels, 0.0),
                 std::vector<double>(channels, 0.0)};
  const double count = double(samples) * double(inner);
  for (int64_t c = 0; c < channels; ++c) {
    double sum = 0;
    for (int64_t n = 0; n < samples; ++n) {
      const float *v = a.values.data() + (n * channels + c) * inner;
      for (int64_t i = 0; i < inner; ++i)
        sum += v[i];
    }
    double mean = sum / count, sq = 0;
    for (int64_t n = 0; n < samples; ++n) {
      const float *v = a.values.data() + (n * channels + c) * inner;
      for (int64_t i = 0; i < inner; ++i)
        sq += (v[i] - mean) * (v[i] - mean);
    }
    s.mean[c] = mean;
    s.std[c] = std::max(std::sqrt(sq / count), kStdFloor);
  }
  return s;
}

double f32RoundingRelativeToStd(double mean, double std) {
  if (!(std::abs(mean) >= 1e-30) || !std::isfinite(mean) || !(std > 0))
    return 0.0;
  // ulp of a float32 near |mean|: 2^(e - 24) with |mean| = f · 2^e, f in
  // [0.5, 1).
  int e = 0;
  std::frexp(std::abs(mean), &e);
  const double ulp = std::ldexp(1.0, e - 24);
  return ulp / std::sqrt(12.0) / std;
}

std::vector<std::string> precisionNotes(const ChannelStats &stats,
                                        const std::string &dataset) {
  constexpr double kNoted = 1e-4;
  std::vector<std::string> parts;
  for (int64_t c = 0; c < stats.channels(); ++c) {
    double r =
        f32RoundingRelativeToStd(stats.mean[size_t(c)], stats.std[size_t(c)]);
    if (r > kNoted)
      parts.push_back(
          fmt::format("{} (mean {:.6g}, std {:.3g}: {:.2g} of the std)", c,
                      stats.mean[size_t(c)], stats.std[size_t(c)], r));
  }
  if (parts.empty())
    return {};
  return {fmt::format(
      "'{}' channel{} {}: training reads every file as float32, which rounds "
      "values this large for their spread by that much (RMS), a floor under "
      "the error a model can reach on them; to keep their digits, store the "
      "deviation from a reference value instead (e.g. x - mean, computed in "
      "float64)",
      dataset, parts.size() == 1 ? "" : "s", fmt::join(parts, ", "))};
}

} // namespace shodh
