//===- SpectralEnergy.cu - Device code of spectral_energy -----------------===//
//
// One thread per patch token runs the CPU kernel's per-token code
// (cpu/moe/SpectralEnergyToken.h: mean removal, separable DFTs in double,
// Hermitian-weighted band powers, normalisation) on its own slice of a
// scratch buffer. Built with --fmad=false like every routing kernel; the
// twiddles come from the host's tables and nothing transcendental runs on
// the device, so the features are the CPU's bit for bit.
//
//===----------------------------------------------------------------------===//
#include "runtime/kernels/cuda/Common.cuh"
#include "runtime/kernels/cuda/RoutingLaunch.h"

namespace shodh::cuda {

namespace {

__global__ void spectralEnergyKernel(const float *x, int64_t tokens,
                                     spectral_energy::Geometry g,
                                     const double *twD, const double *twH,
                                     const double *twW, const int64_t *band,
                                     const double *weight, double *scratch,
                                     float *y) {
  const int64_t size = g.channels * g.d * g.h * g.w;
  const int64_t perToken = spectral_energy::scratchDoubles(g);
  for (int64_t t = gridStart(); t < tokens; t += gridStride())
    spectral_energy::token(x + t * size, g, twD, twH, twW, band, weight,
                           scratch + t * perToken, y + t * g.bands);
}

} // namespace

void launchSpectralEnergy(const float *x, int64_t tokens,
                          const spectral_energy::Geometry &g, const double *twD,
                          const double *twH, const double *twW,
                          const int64_t *band, const double *weight,
                          double *scratch, float *y, Stream stream) {
  if (tokens > 0)
    SHODH_LAUNCH(spectralEnergyKernel, blocksFor(tokens), kThreads,
                 static_cast<cudaStream_t>(stream), x, tokens, g, twD, twH, twW,
                 band, weight, scratch, y);
}

} // namespace shodh::cuda
