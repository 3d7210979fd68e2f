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

} // namespace shodh::cudaemu
