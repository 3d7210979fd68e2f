//===- TruncatedFft.cpp - Real grids <-> truncated spectra, pruned --------===//
//
// Half-spectrum layout of one grid: [N_1, ..., N_{d-1}, H], H = N_d/2 + 1,
// row-major with strides st_j. The c2c stage along full axis a runs over
// the lines whose indices on axes before a take every value, on full axes
// after a lie in a kept block ([0, m_j) or [N_j - m_j, N_j)), and on the
// last axis lie in [0, m_d). Forward runs a = d-1 .. 1 after the r2c (axes
// after a are already transformed, only their kept modes matter); inverse
// runs a = 1 .. d-1 before the c2r (axes after a are still sparse: nonzero
// only in the kept blocks). Each block combination is one FFTW guru plan at
// an offset into the half spectrum; plans are made on planning arrays and
// executed on per-chunk scratch of the same (fftwf_malloc) alignment.
//
//===----------------------------------------------------------------------===//
#include "runtime/kernels/cpu/spectral/TruncatedFft.h"
#include "runtime/core/ThreadPool.h"
#include "runtime/kernels/cpu/VectorClones.h"
#include "runtime/kernels/cpu/spectral/LineDft.h"
#include "runtime/support/Status.h"

#include <fftw3.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <climits>
#include <cstring>

namespace shodh {

struct TruncatedFft::Stage {
  fftwf_plan plan;
  int64_t offset; ///< complex elements from the half spectrum's start
};

struct TruncatedFft::Scratch {
  cfloat *half = nullptr;
  float *real = nullptr; ///< for grids not aligned like the planning array
  ~Scratch() {
    fftwf_free(half);
    fftwf_free(real);
  }
};

namespace {

/// out[t] = scale * half[index[t]] for t < n (complex), and its inverse
/// half[index[t]] = scale * trunc[t]: cloned per ISA level (gathers and
/// scatters of the kept modes; scale 1 multiplies exactly).
SHODH_VECTOR_CLONES
void gatherModes(const cfloat *half, const int64_t *__restrict index, int64_t n,
                 float scale, cfloat *trunc) {
  const float *__restrict h = reinterpret_cast<const float *>(half);
  float *__restrict o = reinterpret_cast<float *>(trunc);
  for (int64_t t = 0; t < n; ++t) {
    o[2 * t] = h[2 * index[t]] * scale;
    o[2 * t + 1] = h[2 * index[t] + 1] * scale;
  }
}
SHODH_VECTOR_CLONES
void scatterModes(const cfloat *trunc, const int64_t *__restrict index,
                  int64_t n, float scale, cfloat *half) {
  const float *__restrict in = reinterpret_cast<const float *>(trunc);
  float *__restrict h = reinterpret_cast<float *>(half);
  for (int64_t t = 0; t < n; ++t) {
    h[2 * index[t]] = in[2 * t] * scale;
    h[2 * index[t] + 1] = in[2 * t + 1] * scale;
  }
}

/// Narrows a size for FFTW's int interface.
int asInt(int64_t v, const SpectralGeometry &g) {
  if (v > INT_MAX)
    throw Error(fmt::format("FFT of grid {} is too large for FFTW's int sizes",
                            fmt::join(g.grid, "x")));
  return static_cast<int>(v);
}

/// FFTW's planning arrays, freed when planning is over.
struct PlanningArrays {
  float *real;
  fftwf_complex *half;
  PlanningArrays(int64_t realSize, int64_t halfSize)
      : real(fftwf_alloc_real(size_t(realSize))),
        half(fftwf_alloc_complex(size_t(halfSize))) {
    if (!real || !half)
      throw Error("out of memory planning an FFT");
  }
  ~PlanningArrays() {
    fftwf_free(real);
    fftwf_free(half);
  }
};

} // namespace

TruncatedFft::TruncatedFft(const SpectralGeometry &g, int threads,
                           LastAxisTransform lastAxis)
    : geom_(g), index_(g.gatherIndex()) {
  const int d = g.dims();
  std::vector<int64_t> hs = g.halfShape();
  std::vector<int64_t> st(size_t(d), 1);
  for (int j = d - 2; j >= 0; --j)
    st[size_t(j)] = st[size_t(j) + 1] * hs[size_t(j) + 1];
  realSize_ = 1;
  for (int64_t n : g.grid)
    realSize_ *= n;
  halfSize_ = g.halfSize();
  lines_ = realSize_ / g.grid.back();
  const int n = asInt(g.grid.back(), g), h = asInt(hs.back(), g);
  asInt(realSize_, g), asInt(halfSize_, g);
  const int64_t m = g.modes.back();
  dft_ = lastAxis == LastAxisTransform::Dft ||
         (lastAxis == LastAxisTransform::Auto && m <= kDftLastAxisMaxModes &&
          n <= kDftLastAxisMaxLength && (d == 1 || lines_ >= 8));
  if (dft_) {
    // 1-D lines are written straight into the truncated layout (bin order);
    // grids go through the half spectrum, whose kept columns may be in the
    // radix-2 order: the gather index follows it.
    line_ = std::make_unique<LineDft>(n, m, /*split=*/d >= 2);
    for (int64_t &off : index_)
      off = off - off % h + line_->column(off % h);
    std::vector<char> filled(size_t(halfSize_), 0);
    for (int64_t off : index_)
      filled[size_t(off)] = 1;
    for (int64_t off = 0; off < halfSize_; off += h)
      for (int64_t c = off; c < off + m; ++c)
        if (!filled[size_t(c)]) {
          if (!zeroRuns_.empty() &&
              zeroRuns_.back().first + zeroRuns_.back().second == c)
            ++zeroRuns_.back().second;
          else
            zeroRuns_.push_back({c, 1});
        }
  }

  PlanningArrays arrays(realSize_, halfSize_);
  const unsigned flags = fftwPlannerFlags();
  std::lock_guard<std::mutex> lock(fftwPlannerMutex());
  if (!dft_) {
    r2c_ = fftwf_plan_many_dft_r2c(1, &n, int(lines_), arrays.real, nullptr, 1, n,
                                   arrays.half, nullptr, 1, h, flags);
    c2r_ = fftwf_plan_many_dft_c2r(1, &n, int(lines_), arrays.half, nullptr, 1, h,
                                   arrays.real, nullptr, 1, n, flags);
    if (!r2c_ || !c2r_)
      throw Error(fmt::format("FFTW could not plan {} lines of length {}", lines_, n));
  }

  // Plans along full axis `a`, one per combination of kept blocks on the
  // full axes after it.
  auto planAxis = [&](int a, int sign, std::vector<Stage> &out) {
    fftwf_iodim line{asInt(g.grid[size_t(a)], g), asInt(st[size_t(a)], g),
                     asInt(st[size_t(a)], g)};
    std::vector<fftwf_iodim> loops;
    for (int j = 0; j < a; ++j)
      loops.push_back({asInt(g.grid[size_t(j)], g), asInt(st[size_t(j)], g),
                       asInt(st[size_t(j)], g)});
    std::vector<int> kept; // full axes after a
    for (int j = a + 1; j < d - 1; ++j) {
      kept.push_back(j);
      loops.push_back({asInt(g.modes[size_t(j)], g), asInt(st[size_t(j)], g),
                       asInt(st[size_t(j)], g)});
    }
    loops.push_back({asInt(g.modes.back(), g), 1, 1});
    for (unsigned combo = 0; combo < (1u << kept.size()); ++combo) {
      int64_t offset = 0;
      for (size_t k = 0; k < kept.size(); ++k)
        if (combo & (1u << k)) {
          size_t j = size_t(kept[k]);
          offset += (g.grid[j] - g.modes[j]) * st[j];
        }
      fftwf_complex *at = arrays.half + offset;
      fftwf_plan p = fftwf_plan_guru_dft(1, &line, int(loops.size()), loops.data(),
                                         at, at, sign, flags);
      if (!p)
        throw Error(fmt::format("FFTW could not plan the axis-{} transforms of grid {}",
                                a, fmt::join(g.grid, "x")));
      out.push_back({p, offset});
    }
  };
  for (int a = d - 2; a >= 0; --a)
    planAxis(a, FFTW_FORWARD, forwardStages_);
  for (int a = 0; a <= d - 2; ++a)
    planAxis(a, FFTW_BACKWARD, inverseStages_);

  for (int t = 0; t < std::max(threads, 1); ++t) {
    auto s = std::make_unique<Scratch>();
    s->half = reinterpret_cast<cfloat *>(fftwf_alloc_complex(size_t(halfSize_)));
    s->real = fftwf_alloc_real(size_t(realSize_));
    if (!s->half || !s->real)
      throw Error("out of memory allocating FFT scratch");
    scratch_.push_back(std::move(s));
  }
}

TruncatedFft::~TruncatedFft() {
  std::lock_guard<std::mutex> lock(fftwPlannerMutex());
  for (const auto *stages : {&forwardStages_, &inverseStages_})
    for (const Stage &s : *stages)
      fftwf_destroy_plan(s.plan);
  if (r2c_)
    fftwf_destroy_plan(static_cast<fftwf_plan>(r2c_));
  if (c2r_)
    fftwf_destroy_plan(static_cast<fftwf_plan>(c2r_));
}

void TruncatedFft::forwardOne(const float *real, cfloat *trunc, float scale,
                              Scratch &s) const {
  auto *half = reinterpret_cast<fftwf_complex *>(s.half);
  if (dft_) { // the kept columns of every line, into the half spectrum
    const int64_t n = geom_.grid.back();
    line_->forward(real, lines_, n, s.half, n / 2 + 1, 1.0f, s.real);
  } else {
    float *in = const_cast<float *>(real);
    if (fftwf_alignment_of(in) != 0) {
      std::memcpy(s.real, real, size_t(realSize_) * sizeof(float));
      in = s.real;
    }
    fftwf_execute_dft_r2c(static_cast<fftwf_plan>(r2c_), in, half);
  }
  for (const Stage &st : forwardStages_)
    fftwf_execute_dft(st.plan, half + st.offset, half + st.offset);
  gatherModes(s.half, index_.data(), int64_t(index_.size()), scale, trunc);
}

void TruncatedFft::inverseOne(const cfloat *trunc, float *real, float scale,
                              bool accumulate, Scratch &s) const {
  if (dft_) // only what the inverse reads and no kept mode fills
    for (auto [offset, count] : zeroRuns_)
      std::fill(s.half + offset, s.half + offset + count, cfloat());
  else
    std::memset(static_cast<void *>(s.half), 0,
                size_t(halfSize_) * sizeof(cfloat));
  scatterModes(trunc, index_.data(), int64_t(index_.size()), scale, s.half);
  auto *half = reinterpret_cast<fftwf_complex *>(s.half);
  for (const Stage &st : inverseStages_)
    fftwf_execute_dft(st.plan, half + st.offset, half + st.offset);
  if (dft_) { // the real lines from their kept columns
    const int64_t n = geom_.grid.back();
    line_->inverse(s.half, lines_, n / 2 + 1, real, n, 1.0f, s.real, accumulate);
    return;
  }
  bool direct = !accumulate && fftwf_alignment_of(real) == 0;
  float *out = direct ? real : s.real;
  fftwf_execute_dft_c2r(static_cast<fftwf_plan>(c2r_), half, out);
  if (accumulate)
    for (int64_t i = 0; i < realSize_; ++i)
      real[i] += s.real[i];
  else if (!direct)
    std::memcpy(real, s.real, size_t(realSize_) * sizeof(float));
}

namespace {

/// Splits `rows` into at most `chunks` contiguous pieces run on `pool`
/// (inline without one); `fn(chunk, begin, end)`.
template <typename Fn>
void forChunks(ThreadPool *pool, int64_t rows, int chunks, Fn fn) {
  int64_t parts = std::max<int64_t>(1, std::min<int64_t>(chunks, rows));
  auto body = [&](int64_t c0, int64_t c1) {
    for (int64_t c = c0; c < c1; ++c)
      fn(int(c), rows * c / parts, rows * (c + 1) / parts);
  };
  if (pool)
    pool->parallelFor(parts, body);
  else
    body(0, parts);
}

/// 1-D lines per direct-DFT sgemm (the last block zero-padded to it, so a
/// line's bits do not depend on the batch).
constexpr int64_t kLineBlock = 256;

/// Runs `fn(first row, rows)` over fixed blocks of kLineBlock rows spread
/// over the pool: the blocks, and so the sgemm each row goes through, depend
/// only on `rows`, never on the thread count.
template <typename Fn>
void forRowBlocks(ThreadPool *pool, int64_t rows, int chunks, Fn fn) {
  const int64_t blocks = (rows + kLineBlock - 1) / kLineBlock;
  forChunks(pool, blocks, chunks, [&](int, int64_t b, int64_t e) {
    for (int64_t k = b; k < e; ++k)
      fn(k * kLineBlock, std::min(kLineBlock, rows - k * kLineBlock));
  });
}

} // namespace

void TruncatedFft::forEachElement(ThreadPool *pool, int64_t batch,
                                  const std::function<void(int, int64_t)> &fn) const {
  forChunks(pool, batch, chunks(), [&](int c, int64_t b, int64_t e) {
    for (; b < e; ++b)
      fn(c, b);
  });
}

void TruncatedFft::forward(ThreadPool *pool, const float *real, cfloat *trunc,
                           int64_t rows, float scale) const {
  const int64_t ts = static_cast<int64_t>(index_.size());
  auto part = [&](int chunk, int64_t r0, int64_t count) {
    forwardRows(real + r0 * realSize_, trunc + r0 * ts, count, scale, chunk);
  };
  if (dft_ && geom_.dims() == 1) // fixed blocks of lines (no scratch used)
    forRowBlocks(pool, rows, int(scratch_.size()),
                 [&](int64_t r0, int64_t count) { part(0, r0, count); });
  else
    forChunks(pool, rows, int(scratch_.size()),
              [&](int c, int64_t b, int64_t e) { part(c, b, e - b); });
}

void TruncatedFft::inverse(ThreadPool *pool, const cfloat *trunc, float *real,
                           int64_t rows, float scale, const Epilogue *epilogue,
                           bool accumulate) const {
  const int64_t ts = static_cast<int64_t>(index_.size());
  // inverseRows on each part, its epilogue offsets shifted to `real`'s.
  auto part = [&](int chunk, int64_t r0, int64_t count) {
    Epilogue shifted = [&](int64_t offset, int64_t n) {
      (*epilogue)(r0 * realSize_ + offset, n);
    };
    inverseRows(trunc + r0 * ts, real + r0 * realSize_, count, scale, accumulate, chunk,
                epilogue ? &shifted : nullptr);
  };
  if (dft_ && geom_.dims() == 1) // fixed blocks of lines (no scratch used)
    forRowBlocks(pool, rows, int(scratch_.size()),
                 [&](int64_t r0, int64_t count) { part(0, r0, count); });
  else
    forChunks(pool, rows, int(scratch_.size()),
              [&](int c, int64_t r0, int64_t r1) { part(c, r0, r1 - r0); });
}

void TruncatedFft::forwardRows(const float *real, cfloat *trunc, int64_t rows, float scale,
                               int chunk) const {
  const int64_t ts = static_cast<int64_t>(index_.size());
  if (dft_ && geom_.dims() == 1) { // blocks of kLineBlock lines from the first row
    const int64_t n = geom_.grid[0];
    for (int64_t b = 0; b < rows; b += kLineBlock)
      line_->forward(real + b * n, std::min(kLineBlock, rows - b), n,
                     trunc + b * ts, ts, scale, nullptr, kLineBlock);
    return;
  }
  Scratch &s = *scratch_[size_t(chunk)];
  for (int64_t r = 0; r < rows; ++r)
    forwardOne(real + r * realSize_, trunc + r * ts, scale, s);
}

void TruncatedFft::inverseRows(const cfloat *trunc, float *real, int64_t rows, float scale,
                               bool accumulate, int chunk, const Epilogue *epilogue) const {
  const int64_t ts = static_cast<int64_t>(index_.size());
  if (dft_ && geom_.dims() == 1) { // blocks of kLineBlock lines, as inverse()
    const int64_t n = geom_.grid[0];
    for (int64_t b = 0; b < rows; b += kLineBlock) {
      const int64_t count = std::min(kLineBlock, rows - b);
      line_->inverse(trunc + b * ts, count, ts, real + b * n, n, scale, nullptr,
                     accumulate, kLineBlock);
      if (epilogue)
        (*epilogue)(b * n, count * n);
    }
    return;
  }
  Scratch &s = *scratch_[size_t(chunk)];
  for (int64_t r = 0; r < rows; ++r) {
    inverseOne(trunc + r * ts, real + r * realSize_, scale, accumulate, s);
    if (epilogue)
      (*epilogue)(r * realSize_, realSize_);
  }
}

} // namespace shodh
