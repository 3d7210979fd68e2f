//===- Control.h - Test controls of the CUDA host emulator ----------------===//
#pragma once

#include <cstdint>

namespace shodh::cudaemu {

/// After `launches` more kernel launches, the next one faults: it does not
/// run and leaves the sticky error cudaErrorIllegalAddress, returned by
/// every later synchronisation, copy and cudaGetLastError (a negative count
/// clears the fault and injects none). SHODH_CUDAEMU_FAULT_AFTER=N does the
/// same for a whole process.
void injectFaultAfter(int64_t launches);

/// SHODH_CUDAEMU_STRICT set (not "0"), read once: blocks, and the threads
/// of each block, run in reverse order, `__shared__` memory is filled with
/// 0xFF bytes before every block, and device memory is inaccessible to host
/// code outside device operations, so results that depend on the order of
/// blocks or on shared memory starting at zero, and host reads of device
/// memory, show (ctest runs cuda_emu_test a second time so).
bool strict();

/// SHODH_CUDAEMU_RACECHECK set (not "0"), read once, or the last
/// setRaceCheck: every kernel launch runs twice from the same device
/// memory, the second time with its blocks, and the threads of each block,
/// in the opposite order and `__shared__` memory filled with a different
/// byte, and the process stops with a message naming the kernel and the
/// first differing byte unless both runs leave every device allocation
/// bit-identical (the first run fills `__shared__` memory with 0x5A bytes,
/// or 0xFF in strict mode, the second with 0xA5). A kernel whose result
/// depends on the order its threads run in (a data race between threads or
/// blocks, a read of shared memory before it is written, an integer atomic
/// whose returned value places data) shows, where one order alone could
/// give the expected answer (ctest's cudaemu.racecheck runs cuda_emu_test
/// so). Every launch copies all live device memory, and no other host
/// thread may use the device (copy, memset, free, GEMM, FFT, launch) while
/// one runs.
bool raceCheck();
void setRaceCheck(bool on);

/// What the emulated device has done so far: every successful cudaMalloc,
/// cudaFree, copy (by direction; cudaMemcpyDefault by its pointers),
/// memset, stream synchronisation, kernel launch that ran, cuFFT plan and
/// execution, cuBLAS handle and GEMM call (a strided batch is one), and
/// the bytes of allocations and copies. SHODH_CUDAEMU_STATS=FILE writes
/// them as JSON at process exit (names: mallocs, mallocs_bytes, frees,
/// copies_to_device, copies_to_device_bytes, copies_to_host, ...,
/// launches, fft_plans, fft_execs, blas_handles, gemms).
struct Counts {
  uint64_t mallocs = 0, bytesAllocated = 0, frees = 0;
  uint64_t copiesToDevice = 0, bytesToDevice = 0;
  uint64_t copiesToHost = 0, bytesToHost = 0, copiesOnDevice = 0;
  uint64_t memsets = 0, syncs = 0, launches = 0;
  uint64_t fftPlans = 0, fftExecs = 0, blasHandles = 0, gemms = 0;
};
Counts counts();

} // namespace shodh::cudaemu
