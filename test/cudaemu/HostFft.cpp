//===- HostFft.cpp - cuFFT's batched real transforms, emulated with FFTW --===//
//
// cufftPlanMany with the basic layout (inembed and onembed null: cuFFT then
// ignores the strides and distances) of R2C, C2R, D2Z and Z2D transforms of
// rank 1 to 3, as FFTW plans of the same transforms (unnormalised, like
// cuFFT). Execution checks that the input and output lie inside device
// allocations, refuses a c2r input that is not Hermitian in its DC and
// Nyquist columns (cuFFT's result is unspecified there; FFTW's would
// silently be the Hermitian part), and fills the c2r input with NaN
// afterwards, as cuFFT may overwrite it.
//
//===----------------------------------------------------------------------===//
#include "Emulator.h"

#include "runtime/kernels/cpu/spectral/FftPlan.h"

#include <cufft.h>
#include <fftw3.h>

#include <cmath>
#include <complex>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

using namespace shodh::cudaemu;

namespace {

struct Plan {
  std::vector<int> n;
  cufftType type;
  int batch = 0;
  int64_t realSize = 1, halfSize = 1; // per transform
  fftwf_plan f32 = nullptr;
  fftw_plan f64 = nullptr;
  cudaStream_t stream = nullptr; // cufftSetStream's
};

/// FFTW's planner is not thread-safe: the runtime core's lock, which the
/// CPU kernels plan under too.
std::mutex &plannerMutex() { return shodh::fftwPlannerMutex(); }

std::map<int, std::unique_ptr<Plan>> &plans() {
  static auto *p = new std::map<int, std::unique_ptr<Plan>>;
  return *p;
}

Plan *find(cufftHandle h) {
  std::lock_guard<std::mutex> lock(plannerMutex());
  auto it = plans().find(h);
  return it == plans().end() ? nullptr : it->second.get();
}

bool isDouble(cufftType t) { return t == CUFFT_D2Z || t == CUFFT_Z2D; }
bool isForward(cufftType t) { return t == CUFFT_R2C || t == CUFFT_D2Z; }

/// Refuses (message, false) a c2r input whose DC or Nyquist column is not
/// Hermitian beyond rounding: Z[k] = conj(Z[-k]), indices mod the leading
/// extents, relative to the transform's largest magnitude.
template <class T>
bool hermitian(const Plan &p, const std::complex<T> *z, cufftHandle h) {
  const int rank = int(p.n.size());
  const int64_t last = p.n[size_t(rank - 1)] / 2 + 1;
  const int64_t l0 = rank == 3 ? p.n[0] : 1,
                l1 = rank >= 2 ? p.n[size_t(rank - 2)] : 1;
  const double tol = std::is_same<T, float>::value ? 1e-4 : 1e-10;
  std::vector<int64_t> columns{0};
  if (p.n[size_t(rank - 1)] % 2 == 0 && last > 1)
    columns.push_back(last - 1);
  for (int b = 0; b < p.batch; ++b) {
    const std::complex<T> *t = z + b * p.halfSize;
    // NaN and inf pass through as on a GPU (the run's own checks report
    // them): only finite twins are compared, against the finite scale.
    double scale = 0.0;
    for (int64_t i = 0; i < p.halfSize; ++i)
      if (std::isfinite(std::abs(t[i])))
        scale = std::max(scale, double(std::abs(t[i])));
    for (int64_t j : columns)
      for (int64_t k0 = 0; k0 < l0; ++k0)
        for (int64_t k1 = 0; k1 < l1; ++k1) {
          int64_t m0 = (l0 - k0) % l0, m1 = (l1 - k1) % l1;
          std::complex<T> a = t[(k0 * l1 + k1) * last + j];
          std::complex<T> c = std::conj(t[(m0 * l1 + m1) * last + j]);
          if (!std::isfinite(std::abs(a)) || !std::isfinite(std::abs(c)))
            continue;
          if (!(std::abs(a - c) <= tol * scale)) {
            report("cuFFT c2r (plan " + std::to_string(h) + "), transform " +
                   std::to_string(b) + ": the input is not Hermitian in its " +
                   (j == 0 ? "DC" : "Nyquist") + " column at (" +
                   std::to_string(k0) + ", " + std::to_string(k1) + ", " +
                   std::to_string(j) + "): " + std::to_string(a.real()) +
                   (a.imag() < 0 ? "" : "+") + std::to_string(a.imag()) +
                   "i against its twin's conjugate " +
                   std::to_string(c.real()) + (c.imag() < 0 ? "" : "+") +
                   std::to_string(c.imag()) +
                   "i; cuFFT's result for such input is unspecified");
            return false;
          }
        }
  }
  return true;
}

template <class Real, class Complex>
cufftResult exec(cufftHandle h, cufftType type, Real *real, Complex *half) {
  Plan *p = find(h);
  if (!p)
    return CUFFT_INVALID_PLAN;
  if (!checkStreamOrder(p->stream, "a cuFFT transform"))
    return CUFFT_EXEC_FAILED;
  if (p->type != type) {
    report("cuFFT exec of plan " + std::to_string(h) + " with another type");
    return CUFFT_INVALID_TYPE;
  }
  const uint64_t realBytes = uint64_t(p->batch * p->realSize) * sizeof(Real);
  const uint64_t halfBytes = uint64_t(p->batch * p->halfSize) * sizeof(Complex);
  if (!isDeviceRange(real, realBytes) || !isDeviceRange(half, halfBytes)) {
    report("cuFFT exec of plan " + std::to_string(h) + ": the " +
           std::to_string(p->batch) +
           " transforms' input or output is not inside a device allocation");
    return CUFFT_EXEC_FAILED;
  }
  DeviceAccess access;
  using C = std::complex<Real>;
  C *z = reinterpret_cast<C *>(half);
  if (isForward(type)) {
    if constexpr (std::is_same<Real, float>::value)
      fftwf_execute_dft_r2c(p->f32, real, reinterpret_cast<fftwf_complex *>(z));
    else
      fftw_execute_dft_r2c(p->f64, real, reinterpret_cast<fftw_complex *>(z));
    count(Stat::FftExec);
    return CUFFT_SUCCESS;
  }
  if (!hermitian(*p, z, h))
    return CUFFT_EXEC_FAILED;
  if constexpr (std::is_same<Real, float>::value)
    fftwf_execute_dft_c2r(p->f32, reinterpret_cast<fftwf_complex *>(z), real);
  else
    fftw_execute_dft_c2r(p->f64, reinterpret_cast<fftw_complex *>(z), real);
  const Real nan = std::numeric_limits<Real>::quiet_NaN();
  for (int64_t i = 0; i < p->batch * p->halfSize; ++i)
    z[i] = C(nan, nan);
  count(Stat::FftExec);
  return CUFFT_SUCCESS;
}

} // namespace

cufftResult cufftPlanMany(cufftHandle *plan, int rank, int *n, int *inembed,
                          int istride, int idist, int *onembed, int ostride,
                          int odist, cufftType type, int batch) {
  (void)istride, (void)idist, (void)ostride, (void)odist;
  if (rank < 1 || rank > 3 || batch < 1)
    return CUFFT_INVALID_VALUE;
  if (inembed || onembed) {
    report("cufftPlanMany: only the basic layout (null inembed / onembed) "
           "is emulated");
    return CUFFT_NOT_SUPPORTED;
  }
  if (type != CUFFT_R2C && type != CUFFT_C2R && type != CUFFT_D2Z &&
      type != CUFFT_Z2D)
    return CUFFT_INVALID_TYPE;
  auto p = std::make_unique<Plan>();
  p->type = type, p->batch = batch;
  for (int d = 0; d < rank; ++d) {
    if (n[d] < 1)
      return CUFFT_INVALID_SIZE;
    p->n.push_back(n[d]);
    p->realSize *= n[d];
    p->halfSize *= d == rank - 1 ? n[d] / 2 + 1 : n[d];
  }
  const int64_t realTotal = p->realSize * batch,
                halfTotal = p->halfSize * batch;
  const unsigned flags = FFTW_ESTIMATE | FFTW_UNALIGNED |
                         (isForward(type) ? 0u : unsigned(FFTW_DESTROY_INPUT));
  std::lock_guard<std::mutex> lock(plannerMutex());
  if (isDouble(type)) {
    std::vector<double> r(static_cast<size_t>(realTotal));
    std::vector<std::complex<double>> c(static_cast<size_t>(halfTotal));
    auto *cz = reinterpret_cast<fftw_complex *>(c.data());
    p->f64 = isForward(type)
                 ? fftw_plan_many_dft_r2c(rank, n, batch, r.data(), nullptr, 1,
                                          int(p->realSize), cz, nullptr, 1,
                                          int(p->halfSize), flags)
                 : fftw_plan_many_dft_c2r(rank, n, batch, cz, nullptr, 1,
                                          int(p->halfSize), r.data(), nullptr,
                                          1, int(p->realSize), flags);
  } else {
    std::vector<float> r(static_cast<size_t>(realTotal));
    std::vector<std::complex<float>> c(static_cast<size_t>(halfTotal));
    auto *cz = reinterpret_cast<fftwf_complex *>(c.data());
    p->f32 = isForward(type)
                 ? fftwf_plan_many_dft_r2c(rank, n, batch, r.data(), nullptr, 1,
                                           int(p->realSize), cz, nullptr, 1,
                                           int(p->halfSize), flags)
                 : fftwf_plan_many_dft_c2r(rank, n, batch, cz, nullptr, 1,
                                           int(p->halfSize), r.data(), nullptr,
                                           1, int(p->realSize), flags);
  }
  if (!p->f32 && !p->f64)
    return CUFFT_SETUP_FAILED;
  static int next = 1;
  *plan = next++;
  plans()[*plan] = std::move(p);
  count(Stat::FftPlan);
  return CUFFT_SUCCESS;
}

cufftResult cufftSetStream(cufftHandle plan, cudaStream_t stream) {
  Plan *p = find(plan);
  if (!p)
    return CUFFT_INVALID_PLAN;
  if (!isStream(stream))
    return CUFFT_INVALID_VALUE;
  p->stream = stream;
  return CUFFT_SUCCESS;
}

cufftResult cufftDestroy(cufftHandle plan) {
  std::lock_guard<std::mutex> lock(plannerMutex());
  auto it = plans().find(plan);
  if (it == plans().end())
    return CUFFT_INVALID_PLAN;
  if (it->second->f32)
    fftwf_destroy_plan(it->second->f32);
  if (it->second->f64)
    fftw_destroy_plan(it->second->f64);
  plans().erase(it);
  return CUFFT_SUCCESS;
}

cufftResult cufftExecR2C(cufftHandle plan, cufftReal *in, cufftComplex *out) {
  return exec(plan, CUFFT_R2C, in, out);
}
cufftResult cufftExecC2R(cufftHandle plan, cufftComplex *in, cufftReal *out) {
  return exec(plan, CUFFT_C2R, out, in);
}
cufftResult cufftExecD2Z(cufftHandle plan, cufftDoubleReal *in,
                         cufftDoubleComplex *out) {
  return exec(plan, CUFFT_D2Z, in, out);
}
cufftResult cufftExecZ2D(cufftHandle plan, cufftDoubleComplex *in,
                         cufftDoubleReal *out) {
  return exec(plan, CUFFT_Z2D, out, in);
}
