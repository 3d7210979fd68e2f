//===- ExpertFnoModesTest.cpp - The CUDA expert_fno code, run on the host -===//
//
// Runs without a GPU. The CUDA expert_fno kernels run ExpertFnoSchedule.h
// with cuFFT, cuBLAS and the element steps of ExpertFnoDevice.h; here the
// same schedule and tables (makeFnoTables) run with FFTW full transforms
// standing in for cuFFT, one cblas_sgemm per batch entry for the strided
// GEMMs, the CPU's GELU and the element functions called for every element
// (in reverse order: each element has one writer). Against the CPU kernels
// (problems of ExpertFnoCases.h):
//  - bitwise: the slot map (each expert's kept slots of the stacked layout
//    are, in order, the CPU's truncated modes: same half-spectrum offsets
//    and the same c_k / N) and the row -> expert lookup;
//  - bitwise with wspec = 0 (the spectral part is then exactly zero on
//    both sides): y, dx, dwskip, dbskip, i.e. the skip GEMMs' operands,
//    the bias, GELU, and the order of the dwskip and dbskip sums;
//  - within 2e-6 of the tensor's scale max(1, max |want|): every output of
//    expert_fno and expert_fno_grad. The CPU transforms pruned line sets
//    (TruncatedFft) and runs ModeGemm's SIMD clones (FMA where the machine
//    has it), so the spectral path differs from this one in the last bits
//    (each FFT stage rounds to ~6e-8 of the spectrum's magnitude); the
//    measured worst case is 2.4e-7 (dwskip of the 16x16 problem). The
//    parameter gradients sum over up to 15 rows and may cancel, hence the
//    tensor's scale rather than each element's.
// Deliberately broken copies each fail: a conjugate dropped in dwspec or
// dx, `<=` in the kept-slot bound, c_k / N not applied, the row search
// with `<`, the first expert's wskip for every expert, beta 0 on dx's skip
// GEMM, dx's spectrum not zeroed, dbskip's row sums in double, dwskip's
// rows summed in reverse.
//
//===----------------------------------------------------------------------===//
#include "ExpertFnoCases.h"
#include "RoutingCases.h"
#include "runtime/kernels/cpu/ElementwiseMath.h"
#include "runtime/kernels/cpu/moe/ExpertSupport.h"
#include "runtime/kernels/cpu/spectral/FftPlan.h"
#include "runtime/kernels/cuda/ExpertFnoSchedule.h"

#include <cblas.h>
#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <cstring>

using namespace shodh;
using namespace shodh::cuda;
using namespace shodh::testing;

namespace {

/// The complex pair of the element functions (float2 on a GPU).
struct Pair {
  float x, y;
};

/// The Ops of ExpertFnoSchedule.h on the host.
struct HostFnoOps {
  std::vector<int64_t> grid;
  int64_t rows, in, out, points, half;

  /// Batched real FFT with FFTW (planned on copies: planning may write).
  void transform(bool forward, int64_t n, float *real, void *spectrum) const {
    if (n == 0)
      return;
    std::vector<float> r(size_t(n * points));
    std::vector<cfloat> h(size_t(n * half));
    RealFft fft(grid, n,
                forward ? FftDirection::Forward : FftDirection::Inverse,
                r.data(), h.data(), 1);
    if (forward)
      std::memcpy(r.data(), real, sizeof(float) * r.size());
    else
      std::memcpy(h.data(), spectrum, sizeof(cfloat) * h.size());
    for (int c = 0; c < fft.chunks(); ++c)
      fft.executeChunk(c);
    if (forward)
      std::memcpy(spectrum, h.data(), sizeof(cfloat) * h.size());
    else
      std::memcpy(real, r.data(), sizeof(float) * r.size());
  }
  void r2c(bool outChannels, const float *real, void *spectrum) const {
    transform(true, rows * (outChannels ? out : in), const_cast<float *>(real),
              spectrum);
  }
  void c2r(bool outChannels, void *spectrum, float *real) const {
    transform(false, rows * (outChannels ? out : in), real, spectrum);
  }
  void zero(void *p, int64_t bytes) const {
    if (bytes > 0)
      std::memset(p, 0, size_t(bytes));
  }
  void gemm(bool ta, bool tb, int64_t m, int64_t n, int64_t k, float alpha,
            BatchedMat<const float> a, BatchedMat<const float> b, float beta,
            BatchedMat<float> c, int64_t batch) const {
    for (int64_t i = 0; i < batch; ++i)
      cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans,
                  tb ? CblasTrans : CblasNoTrans, int(m), int(n), int(k), alpha,
                  a.p + i * a.stride, int(a.ld), b.p + i * b.stride, int(b.ld),
                  beta, c.p + i * c.stride, int(c.ld));
  }
  void step(FnoStep s, const FnoStepArgs &args, int64_t n) const {
    for (int64_t j = n; j-- > 0;)
      fnoStepAt<Pair>(s, args, j);
  }
  void gelu(float *x, int64_t n) const { geluF32(x, x, n, false); }
  void geluGrad(float *x, const float *dy, int64_t n) const {
    geluGradF32(x, dy, x, n, false);
  }
};

/// The outputs of the host schedule for case `c`.
struct HostRun {
  HostTensor y, dx, dwspec, dwskip, dbskip;
  explicit HostRun(const FnoCase &c)
      : y(DType::F32, c.field(c.O)), dx(DType::F32, c.field(c.C)),
        dwspec(DType::C64, c.spectralShape()),
        dwskip(DType::F32, {c.E, c.O, c.C}), dbskip(DType::F32, {c.E, c.O}) {}
};

/// Runs the schedule (forward and gradient) as the CUDA kernel does.
void runHostSchedule(const FnoCase &c, HostRun &r) {
  FnoTables tables = makeFnoTables(c.x.shape, c.wspec.shape, c.modes);
  const FnoGeometry &g = tables.g;
  std::vector<int64_t> off(c.offsets);
  FnoStepArgs base;
  base.g = g;
  base.off = off.data();
  base.modes = c.modes.data();
  base.gather = tables.gather.data();
  base.gradScale = tables.gradScale.data();
  base.scale = 1.0f / float(g.points);
  // Scratch and outputs start as NaN (device scratch keeps the last
  // call's values): every element read must have been written first.
  const float nan = std::nanf("");
  std::vector<cfloat> halfX(size_t(g.rows * g.in * g.halfSize), {nan, nan}),
      halfZ(size_t(g.rows * g.out * g.halfSize), {nan, nan});
  std::vector<float> z(size_t(g.rows * g.out * g.points), nan),
      partial(size_t(g.rows * g.out * g.in), nan);
  for (HostTensor *out : {&r.y, &r.dx, &r.dwspec, &r.dwskip, &r.dbskip})
    fillAllFloats(*out, nan);
  HostFnoOps ops{tables.grid, g.rows, g.in, g.out, g.points, g.halfSize};
  FnoTensors t;
  t.x = c.x.f32(), t.wspec = c.wspec.storage.data();
  t.wskip = c.wskip.f32(), t.bskip = c.bskip.f32(), t.dy = c.dy.f32();
  t.halfX = halfX.data(), t.halfZ = halfZ.data();
  t.z = r.y.f32();
  expertFnoForward(base, off, t, ops);
  t.z = z.data(), t.partial = partial.data();
  t.dx = r.dx.f32(), t.dwspec = r.dwspec.storage.data();
  t.dwskip = r.dwskip.f32(), t.dbskip = r.dbskip.f32();
  expertFnoBackward(base, off, t, ops);
}

/// The largest |got - want| over max(1, max |want|), floats of complex
/// values included.
double scaledError(const HostTensor &got, const HostTensor &want) {
  EXPECT_EQ(got.storage.size(), want.storage.size());
  const float *g = reinterpret_cast<const float *>(got.storage.data()),
              *w = reinterpret_cast<const float *>(want.storage.data());
  const uint64_t n = want.storage.size() / sizeof(float);
  double scale = 1.0, worst = 0.0;
  for (uint64_t i = 0; i < n; ++i)
    scale = std::max(scale, std::fabs(double(w[i])));
  for (uint64_t i = 0; i < n; ++i)
    worst = std::max(worst, std::fabs(double(g[i]) - double(w[i])) / scale);
  return worst;
}

} // namespace

TEST(CudaExpertFnoModes, KeptSlotsAreTheCpuTruncatedModes) {
  const std::vector<std::vector<int64_t>> grids = {
      {8, 6}, {16, 16}, {6, 9}, {4, 4, 6}, {8, 6, 5}};
  for (const std::vector<int64_t> &grid : grids) {
    int64_t mmax = grid.back() / 2 + 1; // the largest valid mode count
    for (size_t a = 0; a + 1 < grid.size(); ++a)
      mmax = std::min(mmax, grid[a] / 2);
    FnoCase c(grid, {mmax}, 1, 1, 1, 1, {0, 0}, 1);
    FnoTables tables = makeFnoTables(c.x.shape, c.wspec.shape, {mmax});
    for (int64_t m = 1; m <= mmax; ++m) {
      SpectralGeometry own{grid, std::vector<int64_t>(grid.size(), m)};
      std::vector<int64_t> want = own.gatherIndex(), got;
      std::vector<float> wantScale = truncatedModeWeights(own), gotScale;
      for (float &s : wantScale)
        s /= float(tables.g.points);
      for (int64_t t = 0; t < tables.g.stackSize; ++t)
        if (fnoKeepsMode(tables.g, m, t)) {
          got.push_back(tables.gather[size_t(t)]);
          gotScale.push_back(tables.gradScale[size_t(t)]);
        }
      EXPECT_EQ(got, want) << c.name() << ", m " << m;
      ASSERT_EQ(gotScale.size(), wantScale.size());
      EXPECT_EQ(std::memcmp(gotScale.data(), wantScale.data(),
                            sizeof(float) * wantScale.size()),
                0)
          << c.name() << ", m " << m;
    }
  }
}

TEST(CudaExpertFnoModes, RowExpertIsTheCpuOwner) {
  for (const std::vector<int64_t> &off :
       std::vector<std::vector<int64_t>>{{0, 0, 1, 12, 27},
                                         {0, 5, 8, 8},
                                         {0, 3, 3, 3, 5},
                                         {0, 7},
                                         {0, 0, 0, 4}}) {
    std::vector<int32_t> owner = rowExperts(off);
    for (int64_t r = 0; r < off.back(); ++r)
      EXPECT_EQ(fnoRowExpert(off.data(), int64_t(off.size()) - 1, r),
                owner[size_t(r)])
          << "row " << r;
  }
}

TEST(CudaExpertFnoModes, ScheduleMatchesTheCpuKernels) {
  for (const FnoCase &c : fnoCases()) {
    SCOPED_TRACE(c.name());
    HostTensor y(DType::F32, c.field(c.O)), dx(DType::F32, c.field(c.C)),
        dwspec(DType::C64, c.spectralShape()),
        dwskip(DType::F32, {c.E, c.O, c.C}), dbskip(DType::F32, {c.E, c.O});
    runKernel("expert_fno", c.attrs(),
              {&c.x, &c.off, &c.wspec, &c.wskip, &c.bskip}, {&y}, 2);
    runKernel("expert_fno_grad", c.attrs(),
              {&c.x, &c.off, &c.dy, &c.wspec, &c.wskip, &c.bskip},
              {&dx, &dwspec, &dwskip, &dbskip}, 2);
    HostRun r(c);
    runHostSchedule(c, r);
    const char *names[] = {"y", "dx", "dwspec", "dwskip", "dbskip"};
    const HostTensor *got[] = {&r.y, &r.dx, &r.dwspec, &r.dwskip, &r.dbskip},
                     *want[] = {&y, &dx, &dwspec, &dwskip, &dbskip};
    for (int i = 0; i < 5; ++i)
      EXPECT_LE(scaledError(*got[i], *want[i]), 2e-6) << names[i];
  }
}

TEST(CudaExpertFnoModes, WithoutSpectralWeightsTheRestIsBitwise) {
  // wspec = 0: the spectral part is exactly zero on both sides, so z is
  // the skip GEMM (the CPU's own cblas call per row) plus the bias, and
  // y, dx, dwskip and dbskip must be the CPU's bits: this checks the skip
  // operands, the bias, GELU and the order of dwskip's and dbskip's sums
  // (OpenBLAS accumulating a row's product onto dwskip adds the same
  // rounded product that the beta = 0 call stores in `partial`).
  for (FnoCase &c : fnoCases()) {
    SCOPED_TRACE(c.name());
    std::memset(c.wspec.storage.data(), 0, c.wspec.storage.size());
    HostTensor y(DType::F32, c.field(c.O)), dx(DType::F32, c.field(c.C)),
        dwspec(DType::C64, c.spectralShape()),
        dwskip(DType::F32, {c.E, c.O, c.C}), dbskip(DType::F32, {c.E, c.O});
    runKernel("expert_fno", c.attrs(),
              {&c.x, &c.off, &c.wspec, &c.wskip, &c.bskip}, {&y}, 2);
    runKernel("expert_fno_grad", c.attrs(),
              {&c.x, &c.off, &c.dy, &c.wspec, &c.wskip, &c.bskip},
              {&dx, &dwspec, &dwskip, &dbskip}, 2);
    HostRun r(c);
    runHostSchedule(c, r);
    expectSameBytes(r.y, y, "y");
    expectSameBytes(r.dx, dx, "dx");
    expectSameBytes(r.dwskip, dwskip, "dwskip");
    expectSameBytes(r.dbskip, dbskip, "dbskip");
    EXPECT_LE(scaledError(r.dwspec, dwspec), 2e-6);
  }
}

TEST(CudaExpertFnoModes, CudaFactoriesValidateAsTheCpu) {
  // Without a device: the CUDA factories build the CPU kernels, so a bad
  // call is refused with the CPU's message before any device work.
  const KernelRegistry &r = KernelRegistry::builtin();
  for (const char *name : {"expert_fno", "expert_fno_grad"}) {
    const KernelFactory *f = r.find(name, Backend::Cuda);
    ASSERT_NE(f, nullptr) << name;
    bool grad = std::string(name) == "expert_fno_grad";
    FnoCase c({8, 6}, {2, 0, 3}, 2, 3, 2, 3, {0, 3, 3, 5}, 1);
    std::vector<TensorDesc> descs;
    for (const HostTensor *t :
         grad ? std::vector<const HostTensor *>{&c.x, &c.off, &c.dy, &c.wspec,
                                                &c.wskip, &c.bskip, &c.x,
                                                &c.wspec, &c.wskip, &c.bskip}
              : std::vector<const HostTensor *>{&c.x, &c.off, &c.wspec,
                                                &c.wskip, &c.bskip, &c.dy})
      descs.push_back(t->desc("t" + std::to_string(descs.size())));
    KernelCall call{name, {}, {}, c.attrs()};
    KernelSignature sig{&call, {}, {}, "program 'test', call 0"};
    for (size_t i = 0; i < descs.size(); ++i)
      (i < (grad ? 6u : 5u) ? sig.inputs : sig.outputs).push_back(&descs[i]);
    std::string cpuMessage;
    try {
      (*r.find(name, Backend::Cpu))(sig);
    } catch (const Error &e) {
      cpuMessage = e.what();
    }
    EXPECT_NE(cpuMessage.find("modes[1] must be positive, got 0"),
              std::string::npos)
        << cpuMessage;
    expectErrorContaining([&] { (*f)(sig); }, cpuMessage);
  }
}
