//===- CudaEmuTest.cpp - The CUDA host emulator's own checks --------------===//
//
// Only in cuda_emu_test (test/cudaemu, docs/cuda.md § Host emulation): the
// emulated cuBLAS against double sums in every transpose combination, the
// argument and range checks the emulator adds (each one made to fire),
// barrier semantics within a block, launch-shape limits, and the emulated
// cuFFT's round trip, its c2r refusal of non-Hermitian input and the
// destroyed c2r input.
//
//===----------------------------------------------------------------------===//
#include "../kernels/RandomFloats.h"
#include "CudaEmuHelpers.h"
#include "runtime/core/Device.h"
#include "runtime/kernels/cuda/Common.cuh"

#include <cublas_v2.h>
#include <cuda_runtime.h>
#include <cudaemu/Control.h>
#include <cufft.h>

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <vector>

using namespace shodh::cuda;
using shodh::testing::download;
using shodh::testing::randomFloats;
using shodh::testing::upload;

namespace {

/// Every thread writes its index to shared memory, waits, then reads its
/// neighbour's: right only if the barrier holds all threads.
__global__ void rotateKernel(int *out) {
  __shared__ int shared[kThreads];
  shared[threadIdx.x] = int(blockIdx.x * 1000 + threadIdx.x);
  __syncthreads();
  out[blockIdx.x * kThreads + threadIdx.x] =
      shared[(threadIdx.x + 1) % kThreads];
}

__global__ void blockSumKernel(const double *x, double *out) {
  __shared__ double shared[kThreads];
  double total = blockSum(x[blockIdx.x * kThreads + threadIdx.x], shared);
  if (threadIdx.x == 0)
    out[blockIdx.x] = total;
}

__global__ void divergentKernel(int *out) {
  if (threadIdx.x > 0)
    __syncthreads();
  out[threadIdx.x] = 1;
}

__global__ void noopKernel() {}

/// Writes one element past `n`.
__global__ void overrunKernel(float *y, int64_t n) {
  if (threadIdx.x == 0)
    y[n] = 1.0f;
}

__global__ void copyKernel(const float *x, float *y, int64_t n) {
  for (int64_t i = gridStart(); i < n; i += gridStride())
    y[i] = x[i];
}

/// Reads shared memory before writing it (a bug strict mode shows), and
/// records the order blocks ran in.
__global__ void readFirstKernel(unsigned *out, unsigned *order,
                                unsigned *next) {
  __shared__ unsigned shared[kThreads];
  out[blockIdx.x * kThreads + threadIdx.x] = shared[threadIdx.x];
  shared[threadIdx.x] = 0;
  __syncthreads();
  if (threadIdx.x == 0)
    order[(*next)++] = blockIdx.x;
}

} // namespace

TEST(CudaEmu, SgemmMatchesDoubleSumsInEveryTransposeCombination) {
  const int m = 5, n = 7, k = 9, lda = 11, ldb = 12, ldc = 8;
  std::vector<float> a = randomFloats(size_t(lda) * 11, 1),
                     b = randomFloats(size_t(ldb) * 11, 2),
                     c0 = randomFloats(size_t(ldc) * n, 3);
  cublasHandle_t h = nullptr;
  ASSERT_EQ(cublasCreate(&h), CUBLAS_STATUS_SUCCESS);
  for (cublasOperation_t ta : {CUBLAS_OP_N, CUBLAS_OP_T})
    for (cublasOperation_t tb : {CUBLAS_OP_N, CUBLAS_OP_T})
      for (float beta : {0.0f, 0.5f}) {
        std::vector<float> c = c0;
        if (beta == 0.0f) // beta 0: C is not read, NaN must not leak
          for (float &v : c)
            v = NAN;
        float *dA = upload(a), *dB = upload(b), *dC = upload(c);
        const float alpha = 1.5f;
        ASSERT_EQ(cublasSgemm(h, ta, tb, m, n, k, &alpha, dA, lda, dB, ldb,
                              &beta, dC, ldc),
                  CUBLAS_STATUS_SUCCESS);
        std::vector<float> got = download(dC, c.size());
        for (int j = 0; j < n; ++j)
          for (int i = 0; i < m; ++i) {
            double s = 0.0;
            for (int l = 0; l < k; ++l) {
              double x = ta == CUBLAS_OP_N ? a[size_t(i + l * lda)]
                                           : a[size_t(l + i * lda)];
              double y = tb == CUBLAS_OP_N ? b[size_t(l + j * ldb)]
                                           : b[size_t(j + l * ldb)];
              s += x * y;
            }
            double want = alpha * s;
            if (beta != 0.0f)
              want += beta * double(c0[size_t(i + j * ldc)]);
            EXPECT_NEAR(got[size_t(i + j * ldc)], want, 1e-5)
                << "ta " << ta << " tb " << tb << " beta " << beta;
          }
        // Rows of C below m are untouched.
        EXPECT_EQ(std::memcmp(&got[size_t(m)], &c[size_t(m)], sizeof(float)),
                  0);
        cudaFree(dA), cudaFree(dB), cudaFree(dC);
      }
  cublasDestroy(h);
}

TEST(CudaEmu, StridedBatchedSgemmRunsEachBatch) {
  const int m = 3, n = 2, k = 4, batches = 3;
  std::vector<float> a = randomFloats(size_t(m * k * batches), 4),
                     b = randomFloats(size_t(k * n), 5),
                     c(size_t(m * n * batches));
  float *dA = upload(a), *dB = upload(b), *dC = upload(c);
  cublasHandle_t h = nullptr;
  cublasCreate(&h);
  const float one = 1.0f, zero = 0.0f;
  // B broadcast (stride 0) against each A.
  ASSERT_EQ(cublasSgemmStridedBatched(h, CUBLAS_OP_N, CUBLAS_OP_N, m, n, k,
                                      &one, dA, m, m * k, dB, k, 0, &zero, dC,
                                      m, m * n, batches),
            CUBLAS_STATUS_SUCCESS);
  std::vector<float> got = download(dC, c.size());
  for (int q = 0; q < batches; ++q)
    for (int j = 0; j < n; ++j)
      for (int i = 0; i < m; ++i) {
        double s = 0.0;
        for (int l = 0; l < k; ++l)
          s += double(a[size_t(q * m * k + i + l * m)]) * b[size_t(l + j * k)];
        EXPECT_NEAR(got[size_t(q * m * n + i + j * m)], s, 1e-6);
      }
  cudaFree(dA), cudaFree(dB), cudaFree(dC);
  cublasDestroy(h);
}

TEST(CudaEmu, SgemmRefusesWhatCublasRefusesAndRangesOutsideAllocations) {
  std::vector<float> a(12), b(12), c(12);
  float *dA = upload(a), *dB = upload(b), *dC = upload(c);
  cublasHandle_t h = nullptr;
  cublasCreate(&h);
  const float one = 1.0f, zero = 0.0f;
  // lda < m.
  EXPECT_EQ(cublasSgemm(h, CUBLAS_OP_N, CUBLAS_OP_N, 3, 3, 3, &one, dA, 2, dB,
                        3, &zero, dC, 3),
            CUBLAS_STATUS_INVALID_VALUE);
  // lda 0 even with k 0 (cuBLAS's max(1, rows)).
  EXPECT_EQ(cublasSgemm(h, CUBLAS_OP_N, CUBLAS_OP_N, 3, 3, 0, &one, dA, 3, dB,
                        0, &zero, dC, 3),
            CUBLAS_STATUS_INVALID_VALUE);
  // A's 4 x 4 extent (16 floats) exceeds its 12-float allocation.
  EXPECT_EQ(cublasSgemm(h, CUBLAS_OP_N, CUBLAS_OP_N, 4, 3, 4, &one, dA, 4, dB,
                        4, &zero, dC, 4),
            CUBLAS_STATUS_INVALID_VALUE);
  // A host pointer as C.
  EXPECT_EQ(cublasSgemm(h, CUBLAS_OP_N, CUBLAS_OP_N, 3, 3, 3, &one, dA, 3, dB,
                        3, &zero, c.data(), 3),
            CUBLAS_STATUS_INVALID_VALUE);
  // m = 0: nothing to do, success.
  EXPECT_EQ(cublasSgemm(h, CUBLAS_OP_N, CUBLAS_OP_N, 0, 3, 3, &one, dA, 1, dB,
                        3, &zero, dC, 1),
            CUBLAS_STATUS_SUCCESS);
  cudaFree(dA), cudaFree(dB), cudaFree(dC);
  cublasDestroy(h);
}

TEST(CudaEmu, SgemmRefusesOutputsAliasingInputsOrEachOther) {
  // One 4 x 4 column-major buffer: rows 0-1 as A (2 x 4, ld 4), rows 2-3
  // as C (2 x 2, ld 4). Their byte ranges overlap, their elements do not.
  std::vector<float> buf(16), b(8, 1.0f);
  for (size_t i = 0; i < buf.size(); ++i)
    buf[i] = float(i);
  float *d = upload(buf), *dB = upload(b);
  cublasHandle_t h = nullptr;
  cublasCreate(&h);
  const float one = 1.0f, zero = 0.0f;
  EXPECT_EQ(cublasSgemm(h, CUBLAS_OP_N, CUBLAS_OP_N, 2, 2, 4, &one, d, 4, dB, 4,
                        &zero, d + 2, 4),
            CUBLAS_STATUS_SUCCESS);
  std::vector<float> got = download(d, 16);
  // C(i, j) = sum over l of A(i, l) = sum over l of (i + 4 l).
  EXPECT_EQ(got[2], 0.0f + 4 + 8 + 12);
  EXPECT_EQ(got[3], 1.0f + 5 + 9 + 13);
  EXPECT_EQ(got[6], got[2]);
  // C over A's rows: refused (undefined on a GPU), C untouched.
  EXPECT_EQ(cublasSgemm(h, CUBLAS_OP_N, CUBLAS_OP_N, 2, 2, 4, &one, d, 4, dB, 4,
                        &zero, d + 1, 4),
            CUBLAS_STATUS_EXECUTION_FAILED);
  EXPECT_EQ(download(d, 16), got);
  // C below A in memory, A transposed (stored 2 x 2 from element 1): C's
  // row 1, column 0 is A's row 0, column 0.
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(cublasSgemm(h, CUBLAS_OP_T, CUBLAS_OP_N, 2, 2, 2, &one, d + 1, 4,
                        dB, 2, &zero, d, 4),
            CUBLAS_STATUS_EXECUTION_FAILED);
  EXPECT_NE(::testing::internal::GetCapturedStderr().find(
                "cublasSgemm: row 0, column 0 of A is also row 1, column 0 of "
                "C: an input aliases an output"),
            std::string::npos);
  // ... but with alpha 0 A is not read.
  EXPECT_EQ(cublasSgemm(h, CUBLAS_OP_N, CUBLAS_OP_N, 2, 2, 4, &zero, d, 4, dB,
                        4, &zero, d + 1, 4),
            CUBLAS_STATUS_SUCCESS);
  // Batches: A shared (stride 0) is fine, C shared is not.
  float *dC = upload(std::vector<float>(8));
  EXPECT_EQ(cublasSgemmStridedBatched(h, CUBLAS_OP_N, CUBLAS_OP_N, 2, 2, 2,
                                      &one, d, 4, 0, dB, 2, 4, &zero, dC, 2, 4,
                                      2),
            CUBLAS_STATUS_SUCCESS);
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(cublasSgemmStridedBatched(h, CUBLAS_OP_N, CUBLAS_OP_N, 2, 2, 2,
                                      &one, d, 4, 0, dB, 2, 4, &zero, dC, 2, 2,
                                      2),
            CUBLAS_STATUS_EXECUTION_FAILED);
  EXPECT_NE(::testing::internal::GetCapturedStderr().find(
                "row 0, column 0 of C of batch 1 is also row 0, column 1 of C "
                "of batch 0: two outputs write one element"),
            std::string::npos);
  // Batch 1's C over batch 0's B.
  EXPECT_EQ(cublasSgemmStridedBatched(h, CUBLAS_OP_N, CUBLAS_OP_N, 2, 2, 2,
                                      &one, d, 4, 0, dC, 2, 4, &zero, dC + 4, 2,
                                      -4, 2),
            CUBLAS_STATUS_EXECUTION_FAILED);
  cudaFree(d), cudaFree(dB), cudaFree(dC);
  cublasDestroy(h);
}

TEST(CudaEmu, MemoryStartsPoisonedAndCopiesAreChecked) {
  void *p = nullptr;
  ASSERT_EQ(cudaMalloc(&p, 16), cudaSuccess);
  std::vector<float> host = download(static_cast<float *>(p), 4);
  for (float v : host)
    EXPECT_TRUE(std::isnan(v));
  std::vector<float> big(8);
  // Past the end of the allocation.
  EXPECT_EQ(cudaMemcpyAsync(p, big.data(), 32, cudaMemcpyHostToDevice),
            cudaErrorInvalidValue);
  EXPECT_EQ(cudaMemsetAsync(static_cast<char *>(p) + 8, 0, 9),
            cudaErrorInvalidValue);
  // The direction does not match the pointers.
  EXPECT_EQ(cudaMemcpyAsync(p, big.data(), 16, cudaMemcpyDeviceToHost),
            cudaErrorInvalidValue);
  EXPECT_EQ(cudaGetLastError(), cudaErrorInvalidValue);
  EXPECT_EQ(cudaGetLastError(), cudaSuccess); // read and cleared
  EXPECT_EQ(cudaFree(big.data()), cudaErrorInvalidDevicePointer);
  EXPECT_EQ(cudaFree(p), cudaSuccess);
  cudaGetLastError();
}

TEST(CudaEmu, BarriersHoldEveryThreadOfTheBlock) {
  const int blocks = 3;
  std::vector<int> out(size_t(blocks * kThreads), -1);
  int *d = upload(out);
  SHODH_LAUNCH(rotateKernel, blocks, kThreads, nullptr, d);
  ASSERT_EQ(cudaGetLastError(), cudaSuccess);
  out = download(d, out.size());
  for (int b = 0; b < blocks; ++b)
    for (int t = 0; t < kThreads; ++t)
      EXPECT_EQ(out[size_t(b * kThreads + t)], b * 1000 + (t + 1) % kThreads);
  cudaFree(d);

  std::vector<double> x(size_t(2 * kThreads)), sums(2);
  for (size_t i = 0; i < x.size(); ++i)
    x[i] = double(i) + 0.25;
  double *dx = upload(x), *ds = upload(sums);
  SHODH_LAUNCH(blockSumKernel, 2, kThreads, nullptr, dx, ds);
  sums = download(ds, 2);
  EXPECT_EQ(sums[0], 255.0 * 256 / 2 + 64);
  EXPECT_EQ(sums[1], (511.0 * 512 / 2 - 255.0 * 256 / 2) + 64);
  cudaFree(dx), cudaFree(ds);
}

TEST(CudaEmuDeathTest, ADivergentBarrierStopsWithAMessage) {
  std::vector<int> out(4);
  int *d = upload(out);
  EXPECT_DEATH(SHODH_LAUNCH(divergentKernel, 1, 4, nullptr, d),
               "divergent barrier");
  cudaFree(d);
}

TEST(CudaEmuDeathTest, HostCodeTouchingDeviceMemoryStops) {
  if (!shodh::cudaemu::strict())
    GTEST_SKIP() << "device memory is host-readable outside strict mode";
  void *p = nullptr;
  ASSERT_EQ(cudaMalloc(&p, 100), cudaSuccess);
  EXPECT_DEATH(static_cast<volatile float *>(p)[3] = 1.0f,
               "host code read or wrote device memory \\(offset 12 of an "
               "allocation of 100 bytes\\)");
  cudaFree(p);
}

TEST(CudaEmuDeathTest, AKernelRunningPastItsBufferStops) {
  void *p = nullptr;
  ASSERT_EQ(cudaMalloc(&p, 256 * sizeof(float)), cudaSuccess);
  EXPECT_DEATH(SHODH_LAUNCH(overrunKernel, 1, 32, nullptr,
                            static_cast<float *>(p), int64_t(256)),
               "0 bytes past the end of a device allocation of 1024 bytes");
  cudaFree(p);
}

TEST(CudaEmu, LaunchShapesBeyondTheDeviceLimitsFail) {
  cudaGetLastError();
  SHODH_LAUNCH(noopKernel, 1, 2048, nullptr);
  EXPECT_EQ(cudaGetLastError(), cudaErrorInvalidConfiguration);
  SHODH_LAUNCH(noopKernel, dim3(1, 70000), 32, nullptr);
  EXPECT_EQ(cudaGetLastError(), cudaErrorInvalidConfiguration);
  SHODH_LAUNCH(noopKernel, 1, 1024, nullptr);
  EXPECT_EQ(cudaGetLastError(), cudaSuccess);
}

TEST(CudaEmu, FftRoundTripsAndRefusesNonHermitianC2rInput) {
  int n[2] = {6, 8};
  const int batch = 2, real = 48, half = 6 * 5;
  std::vector<float> x = randomFloats(size_t(batch * real), 7);
  float *dx = upload(x);
  void *dz = nullptr, *dy = nullptr;
  ASSERT_EQ(cudaMalloc(&dz, sizeof(float2) * batch * half), cudaSuccess);
  ASSERT_EQ(cudaMalloc(&dy, sizeof(float) * batch * real), cudaSuccess);
  cufftHandle fwd = 0, inv = 0;
  ASSERT_EQ(
      cufftPlanMany(&fwd, 2, n, nullptr, 1, 0, nullptr, 1, 0, CUFFT_R2C, batch),
      CUFFT_SUCCESS);
  ASSERT_EQ(
      cufftPlanMany(&inv, 2, n, nullptr, 1, 0, nullptr, 1, 0, CUFFT_C2R, batch),
      CUFFT_SUCCESS);
  ASSERT_EQ(cufftExecR2C(fwd, dx, static_cast<float2 *>(dz)), CUFFT_SUCCESS);
  std::vector<float2> z = download(static_cast<float2 *>(dz), batch * half);
  ASSERT_EQ(
      cufftExecC2R(inv, static_cast<float2 *>(dz), static_cast<float *>(dy)),
      CUFFT_SUCCESS);
  std::vector<float> y = download(static_cast<float *>(dy), x.size());
  for (size_t i = 0; i < x.size(); ++i)
    EXPECT_NEAR(y[i] / 48.0f, x[i], 1e-5); // unnormalised, as cuFFT
  // c2r destroyed its input.
  std::vector<float2> after = download(static_cast<float2 *>(dz), 1);
  EXPECT_TRUE(std::isnan(after[0].x));
  // A DC entry whose twin is not its conjugate: refused.
  z[5 * 5].y += 1.0f; // row 5, column 0 (twin: row 1)
  EXPECT_EQ(cudaMemcpyAsync(dz, z.data(), z.size() * sizeof(float2),
                            cudaMemcpyHostToDevice),
            cudaSuccess);
  EXPECT_EQ(
      cufftExecC2R(inv, static_cast<float2 *>(dz), static_cast<float *>(dy)),
      CUFFT_EXEC_FAILED);
  // An output outside its allocation.
  EXPECT_EQ(cufftExecR2C(fwd, dx, static_cast<float2 *>(dz) + 1),
            CUFFT_EXEC_FAILED);
  cufftDestroy(fwd), cufftDestroy(inv);
  cudaFree(dx), cudaFree(dz), cudaFree(dy);
}

TEST(CudaEmu, AHostPointerPassedToAKernelFaults) {
  std::vector<float> host(8, 1.0f);
  float *dy = upload(host);
  SHODH_LAUNCH(copyKernel, 1, kThreads, nullptr, host.data(), dy, int64_t(8));
  // As on a GPU the fault shows at the next synchronisation or copy.
  EXPECT_EQ(cudaStreamSynchronize(nullptr), cudaErrorIllegalAddress);
  EXPECT_EQ(cudaMemcpyAsync(host.data(), dy, 32, cudaMemcpyDeviceToHost),
            cudaErrorIllegalAddress);
  shodh::cudaemu::injectFaultAfter(-1); // clears the fault
  cudaGetLastError();
  EXPECT_EQ(cudaStreamSynchronize(nullptr), cudaSuccess);
  cudaFree(dy);
}

TEST(CudaEmu, DefaultStreamWorkBesideANonBlockingStreamIsRefused) {
  std::vector<float> a(4, 1.0f);
  float *d = upload(std::vector<float>(4)); // no stream exists yet: allowed
  cudaStream_t s = nullptr;
  ASSERT_EQ(cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking), cudaSuccess);
  EXPECT_EQ(cudaMemcpyAsync(d, a.data(), 16, cudaMemcpyHostToDevice, s),
            cudaSuccess);
  EXPECT_EQ(cudaMemcpyAsync(d, a.data(), 16, cudaMemcpyHostToDevice),
            cudaErrorInvalidValue);
  SHODH_LAUNCH(noopKernel, 1, 1, nullptr);
  EXPECT_EQ(cudaGetLastError(), cudaErrorInvalidValue);
  SHODH_LAUNCH(noopKernel, 1, 1, s);
  EXPECT_EQ(cudaGetLastError(), cudaSuccess);
  // A cuBLAS handle and a cuFFT plan never bound to the stream.
  cublasHandle_t h = nullptr;
  cublasCreate(&h);
  const float one = 1.0f, zero = 0.0f;
  EXPECT_EQ(cublasSgemm(h, CUBLAS_OP_N, CUBLAS_OP_N, 2, 2, 2, &one, d, 2, d, 2,
                        &zero, d, 2),
            CUBLAS_STATUS_EXECUTION_FAILED);
  cublasSetStream(h, s);
  float *c = upload(std::vector<float>(4), s);
  EXPECT_EQ(cublasSgemm(h, CUBLAS_OP_N, CUBLAS_OP_N, 2, 2, 2, &one, d, 2, d, 2,
                        &zero, c, 2),
            CUBLAS_STATUS_SUCCESS);
  cudaFree(c);
  cublasDestroy(h);
  int n[1] = {4};
  cufftHandle plan = 0;
  void *z = nullptr;
  ASSERT_EQ(cudaMalloc(&z, 3 * sizeof(float2)), cudaSuccess);
  ASSERT_EQ(cudaMemcpyAsync(d, a.data(), 16, cudaMemcpyHostToDevice, s),
            cudaSuccess);
  ASSERT_EQ(
      cufftPlanMany(&plan, 1, n, nullptr, 1, 0, nullptr, 1, 0, CUFFT_R2C, 1),
      CUFFT_SUCCESS);
  EXPECT_EQ(cufftExecR2C(plan, d, static_cast<float2 *>(z)), CUFFT_EXEC_FAILED);
  cufftSetStream(plan, s);
  EXPECT_EQ(cufftExecR2C(plan, d, static_cast<float2 *>(z)), CUFFT_SUCCESS);
  cufftDestroy(plan);
  cudaFree(z), cudaFree(d);
  cudaStreamDestroy(s);
  cudaGetLastError();
}

TEST(CudaEmu, RangesDoNotWrapAndNanPassesThroughC2r) {
  void *p = nullptr;
  ASSERT_EQ(cudaMalloc(&p, 64), cudaSuccess);
  std::vector<char> host(64);
  EXPECT_EQ(cudaMemcpyAsync(host.data(), static_cast<char *>(p) + 16,
                            size_t(-8), cudaMemcpyDeviceToHost),
            cudaErrorInvalidValue);
  cudaGetLastError();
  // A NaN in the DC column: carried through (a GPU does), not refused.
  int n[1] = {4};
  cufftHandle inv = 0;
  ASSERT_EQ(
      cufftPlanMany(&inv, 1, n, nullptr, 1, 0, nullptr, 1, 0, CUFFT_C2R, 1),
      CUFFT_SUCCESS);
  std::vector<float2> z{{NAN, 0.0f}, {1.0f, 2.0f}, {3.0f, 0.0f}};
  float2 *dz = upload(z);
  EXPECT_EQ(cufftExecC2R(inv, dz, static_cast<float *>(p)), CUFFT_SUCCESS);
  std::vector<float> y = download(static_cast<float *>(p), 4);
  EXPECT_TRUE(std::isnan(y[0]));
  cufftDestroy(inv);
  cudaFree(dz), cudaFree(p);
}

TEST(CudaEmu, StrictModePoisonsSharedMemoryAndReversesBlocks) {
  if (!shodh::cudaemu::strict())
    GTEST_SKIP() << "SHODH_CUDAEMU_STRICT is not set (ctest's cudaemu.strict "
                    "run sets it)";
  // The kernel records the order its blocks ran in, on purpose.
  shodh::testing::ScopedRaceCheck off(false);
  const int blocks = 3;
  std::vector<unsigned> out(size_t(blocks * kThreads)), order(blocks),
      next(1, 0);
  unsigned *dOut = upload(out), *dOrder = upload(order), *dNext = upload(next);
  SHODH_LAUNCH(readFirstKernel, blocks, kThreads, nullptr, dOut, dOrder, dNext);
  out = download(dOut, out.size());
  order = download(dOrder, order.size());
  for (unsigned v : out)
    EXPECT_EQ(v, 0xFFFFFFFFu); // never the previous block's zeros
  EXPECT_EQ(order, (std::vector<unsigned>{2, 1, 0}));
  cudaFree(dOut), cudaFree(dOrder), cudaFree(dNext);
}

TEST(CudaEmu, CountsWhatTheDeviceDid) {
  using shodh::cudaemu::counts;
  const shodh::cudaemu::Counts before = counts();
  std::vector<float> x(64, 1.0f);
  float *dx = upload(x), *dy = upload(std::vector<float>(64));
  SHODH_LAUNCH(copyKernel, 1, kThreads, nullptr, dx, dy, int64_t(64));
  cudaMemcpyAsync(dy, dx, 8, cudaMemcpyDeviceToDevice);
  EXPECT_EQ(download(dy, 64), x);
  cudaMemsetAsync(dy, 0, 12);
  cudaStreamSynchronize(nullptr);
  // Host to host is no device work: not counted.
  std::vector<float> copy(64);
  EXPECT_EQ(cudaMemcpyAsync(copy.data(), x.data(), 256, cudaMemcpyHostToHost),
            cudaSuccess);
  // Refused calls are not counted.
  EXPECT_EQ(cudaMemcpyAsync(dy, x.data(), 1024, cudaMemcpyHostToDevice),
            cudaErrorInvalidValue);
  cudaGetLastError();
  cudaFree(dx), cudaFree(dy);
  const shodh::cudaemu::Counts after = counts();
  EXPECT_EQ(after.mallocs - before.mallocs, 2u);
  EXPECT_EQ(after.bytesAllocated - before.bytesAllocated, 512u);
  EXPECT_EQ(after.frees - before.frees, 2u);
  EXPECT_EQ(after.copiesToDevice - before.copiesToDevice, 2u);
  EXPECT_EQ(after.bytesToDevice - before.bytesToDevice, 512u);
  EXPECT_EQ(after.copiesToHost - before.copiesToHost, 1u);
  EXPECT_EQ(after.bytesToHost - before.bytesToHost, 256u);
  EXPECT_EQ(after.copiesOnDevice - before.copiesOnDevice, 1u);
  EXPECT_EQ(after.memsets - before.memsets, 1u);
  EXPECT_EQ(after.syncs - before.syncs, 1u);
  EXPECT_EQ(after.launches - before.launches, 1u);
}

TEST(CudaEmu, ReleasingADeviceBufferWaitsForTheDevice) {
  // cudaFree does not promise to wait for kernels still queued (a program
  // that threw part way, then a re-prepare): the backend synchronises the
  // device first (CudaRuntimeImpl.cpp, release).
  using shodh::cudaemu::counts;
  shodh::Device device(0);
  shodh::cudaemu::Counts before;
  {
    shodh::DeviceBuffer buffer(256, device);
    before = counts();
  }
  const shodh::cudaemu::Counts after = counts();
  EXPECT_EQ(after.syncs - before.syncs, 1u);
  EXPECT_EQ(after.frees - before.frees, 1u);
}
