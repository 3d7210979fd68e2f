//===- Physics.cu - Per-mode and stencil device code of physics kernels ---===//
//
// The device halves of div_free_project, divergence, divergence_grad and
// curl (PhysicsKernels.cpp does the cuFFT transforms and validation): grid-
// stride loops in which each thread computes one output mode or point with
// the element functions of PhysicsModes.h (the CPU kernels' arithmetic in
// their order; nvcc runs with --fmad=false). Templates over float/float2 and
// double/double2.
//
//===----------------------------------------------------------------------===//
#include "runtime/kernels/cuda/Common.cuh"
#include "runtime/kernels/cuda/PhysicsModes.h"

namespace shodh::cuda {

namespace {

template <typename T> struct ComplexOf;
template <> struct ComplexOf<float> { using type = float2; };
template <> struct ComplexOf<double> { using type = double2; };

cudaStream_t st(Stream s) { return static_cast<cudaStream_t>(s); }

/// One output mode per thread.
template <typename T>
__global__ void spectralDerivativeKernel(PhysicsGeometry g, const T *k,
                                         const typename ComplexOf<T>::type *in,
                                         typename ComplexOf<T>::type *out,
                                         int64_t total) {
  for (int64_t e = gridStart(); e < total; e += gridStride())
    out[e] = spectralDerivativeMode(g, k, in, e);
}

/// One mode of every channel per thread, in place.
template <typename T>
__global__ void lerayProjectKernel(PhysicsGeometry g, const T *k,
                                   typename ComplexOf<T>::type *spec,
                                   int64_t total) {
  for (int64_t e = gridStart(); e < total; e += gridStride())
    lerayProjectMode(g, k, spec, e);
}

/// One output point per thread.
template <typename T>
__global__ void fd2DerivativeKernel(PhysicsGeometry g, const T *x, T *y,
                                    int64_t total) {
  for (int64_t e = gridStart(); e < total; e += gridStride())
    y[e] = fd2Point(g, x, e);
}

template <typename T>
void spectralDerivative(const PhysicsGeometry &g, const void *k, const void *in,
                        void *out, Stream s) {
  using C = typename ComplexOf<T>::type;
  int64_t total = g.batch * g.outChannels * g.leadRows * g.half;
  if (total == 0)
    return;
  SHODH_LAUNCH(spectralDerivativeKernel<T>, blocksFor(total), kThreads, st(s),
               g, static_cast<const T *>(k), static_cast<const C *>(in),
               static_cast<C *>(out), total);
}

template <typename T>
void lerayProject(const PhysicsGeometry &g, const void *k, void *spec,
                  Stream s) {
  int64_t total = g.batch * g.leadRows * g.half;
  if (total == 0)
    return;
  SHODH_LAUNCH(lerayProjectKernel<T>, blocksFor(total), kThreads, st(s), g,
               static_cast<const T *>(k),
               static_cast<typename ComplexOf<T>::type *>(spec), total);
}

template <typename T>
void fd2Derivative(const PhysicsGeometry &g, const void *x, void *y, Stream s) {
  int64_t total = g.batch * g.outChannels * g.n[0] * g.n[1] * g.n[2];
  if (total == 0)
    return;
  SHODH_LAUNCH(fd2DerivativeKernel<T>, blocksFor(total), kThreads, st(s), g,
               static_cast<const T *>(x), static_cast<T *>(y), total);
}

} // namespace

void launchSpectralDerivative(const PhysicsGeometry &g, bool f64, const void *k,
                              const void *inSpec, void *outSpec, Stream s) {
  f64 ? spectralDerivative<double>(g, k, inSpec, outSpec, s)
      : spectralDerivative<float>(g, k, inSpec, outSpec, s);
}

void launchLerayProject(const PhysicsGeometry &g, bool f64, const void *k,
                        void *spec, Stream s) {
  f64 ? lerayProject<double>(g, k, spec, s)
      : lerayProject<float>(g, k, spec, s);
}

void launchFd2Derivative(const PhysicsGeometry &g, bool f64, const void *x,
                         void *y, Stream s) {
  f64 ? fd2Derivative<double>(g, x, y, s) : fd2Derivative<float>(g, x, y, s);
}

} // namespace shodh::cuda
