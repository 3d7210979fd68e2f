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

} // namespace shodh::cudaemu
