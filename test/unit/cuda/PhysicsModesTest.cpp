//===- PhysicsModesTest.cpp - The device element code, run on the host ----===//
//
// Runs without a GPU: the element functions the CUDA physics kernels run in
// every thread (runtime/kernels/cuda/PhysicsModes.h), called here for every
// element in turn, with the geometry and wavenumbers of PhysicsLayout.h and
// the CPU's own FFTW transforms (FieldFft) standing in for cuFFT. Against
// the CPU kernels the results must be bitwise equal: the same FFTs, and the
// same operations in the same order per element (x86-64 baseline code, no
// FMA). This checks the index arithmetic, term order, Nyquist and k = 0
// handling and scaling of the device code; the GPU parity test
// (PhysicsParityTest.cpp) then only has cuFFT's rounding left to see.
//
//===----------------------------------------------------------------------===//
#include "runtime/kernels/cuda/PhysicsModes.h"
#include "PhysicsCases.h"
#include "runtime/kernels/cpu/physics/PhysicsFft.h"
#include "runtime/kernels/cuda/PhysicsLayout.h"
#include "test/unit/runtime/CpuKernelHarness.h"

#include <gtest/gtest.h>

#include <complex>
#include <cstring>

using namespace shodh;
using namespace shodh::cuda;
using namespace shodh::testing;

namespace {

/// The complex pair of the element functions (float2/double2 on a GPU).
template <typename T> struct Pair { T x, y; };

/// Transforms `rows` grids between `real` and `half` with the CPU's FFTs.
template <typename T>
void transform(const std::vector<int64_t> &grid, int64_t rows, bool forward,
               T *real, Pair<T> *half) {
  auto *h = reinterpret_cast<std::complex<T> *>(half);
  FieldFft<T> fft(grid, rows,
                  forward ? FftDirection::Forward : FftDirection::Inverse, real,
                  h, "test");
  for (int64_t r = 0; r < rows; ++r)
    fft.executeRow(r, real, h);
}

/// The CUDA kernel's steps for `call` on x [B, C, grid], the device's
/// per-thread work done by a loop over the elements.
template <typename T>
void runDeviceSteps(const PhysicsCall &call, const std::vector<int64_t> &in,
                    T *x, T *y) {
  std::vector<int64_t> grid(in.begin() + 2, in.end());
  PhysicsGeometry g = physicsGeometry(call, grid, in[0]);
  std::vector<double> table = wavenumberTable(call, g);
  std::vector<T> k(table.begin(), table.end());
  if (!call.spectral) {
    int64_t total = g.batch * g.outChannels * g.n[0] * g.n[1] * g.n[2];
    for (int64_t e = 0; e < total; ++e)
      y[e] = fd2Point(g, x, e);
    return;
  }
  std::vector<Pair<T>> inSpec(size_t(spectrumElements(g, g.inChannels))),
      outSpec(size_t(spectrumElements(g, g.outChannels)));
  int64_t points = g.n[0] * g.n[1] * g.n[2];
  std::vector<T> scratch(x, x + g.batch * g.inChannels * points);
  transform(grid, g.batch * g.inChannels, true, scratch.data(), inSpec.data());
  Pair<T> *spec = inSpec.data();
  if (call.kind == PhysicsKind::Project) {
    for (int64_t e = 0; e < g.batch * g.leadRows * g.half; ++e)
      lerayProjectMode(g, k.data(), spec, e);
  } else {
    for (size_t e = 0; e < outSpec.size(); ++e)
      outSpec[e] =
          spectralDerivativeMode(g, k.data(), inSpec.data(), int64_t(e));
    spec = outSpec.data();
  }
  transform(grid, g.batch * g.outChannels, false, y, spec);
}

/// Parses the call `c` with `attrs` on its shapes.
PhysicsCall parse(const PhysicsCase &c, const std::vector<NamedAttr> &attrs,
                  DType t) {
  TensorDesc in = HostTensor(t, c.in).desc("x"),
             out = HostTensor(t, c.out).desc("y");
  KernelCall call{c.kernel, {}, {}, attrs};
  KernelSignature sig{&call, {&in}, {&out}, c.kernel};
  return PhysicsCall::parse(sig, c.kind);
}

} // namespace

TEST(CudaPhysicsModes, DeviceElementCodeMatchesTheCpuKernelsBitwise) {
  uint32_t seed = 1;
  int compared = 0;
  for (DType t : {DType::F32, DType::F64})
    for (const std::vector<int64_t> &grid : physicsGrids())
      for (int64_t b : {1, 3})
        for (const PhysicsCase &c : physicsCases(grid, b))
          for (const char *method : {"spectral", "fd2"}) {
            if (c.kind == PhysicsKind::Project && std::string(method) == "fd2")
              continue; // the projection is spectral only
            std::vector<NamedAttr> attrs =
                physicsCaseAttrs(int64_t(grid.size()), method);
            HostTensor x(t, c.in), cpu(t, c.out), dev(t, c.out);
            x.fillUniform(seed++);
            runKernel(c.kernel, attrs, {&x}, {&cpu}, 2);
            PhysicsCall call = parse(c, attrs, t);
            if (t == DType::F64)
              runDeviceSteps(call, c.in, x.f64(), dev.f64());
            else
              runDeviceSteps(call, c.in, x.f32(), dev.f32());
            ASSERT_EQ(std::memcmp(dev.storage.data(), cpu.storage.data(),
                                  cpu.storage.size()),
                      0)
                << c.kernel << " " << method << " "
                << (t == DType::F64 ? "f64" : "f32") << ", input of rank "
                << c.in.size() << ", batch " << b << ", seed " << seed - 1;
            ++compared;
          }
  // 2 dtypes x 2 batches x (4 2D grids x 9 calls + 3 3D grids x 7 calls).
  EXPECT_EQ(compared, 228);
}
